"""The annual report (国办公开办函〔2021〕30号) in HTML, DOCX, PDF and XLSX.

Every figure of the sample report is different and says where it belongs — section 3's row i,
column j holds 1000 + 10·i + j — so a figure drawn in the wrong cell is caught in every format.
"""

import copy
import filecmp
import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from pypdf import PdfReader

from yangguang.reports.render import (
    STRUCTURE_PATH,
    document_csp,
    load_structure,
    render_docx,
    render_html,
    render_pdf,
    render_tables_fragment,
    render_xlsx,
)

SHARED_STRUCTURE = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "annual-report-2021.json"
STRUCTURE = load_structure()
S3_ROWS = [key for key, _ in STRUCTURE["s3_applications"]["rows"]]
S3_COLUMNS = [key for key, _ in STRUCTURE["s3_applications"]["columns"]]
S4_GROUPS = [key for key, _ in STRUCTURE["s4_review_litigation"]["groups"]]
S4_COLUMNS = [key for key, _ in STRUCTURE["s4_review_litigation"]["columns"]]

ORG = "示例市司法局"
TITLE = "示例市司法局2026年政府信息公开工作年度报告"
CHECK_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
FEE = "1.2345"


def s3_value(row: int, column: int) -> int:
    return 1000 + 10 * row + column


def s4_value(group: int, column: int) -> int:
    return 2000 + 10 * group + column


def sample_report(status: str = "draft") -> dict:
    s2, number = {}, 3000
    for block in STRUCTURE["s2_proactive"]["blocks"]:
        s2[block["key"]] = {}
        for row, _ in block["rows"]:
            s2[block["key"]][row] = {}
            for column, _ in block["columns"]:
                number += 1
                s2[block["key"]][row][column] = number  # 3001 … 3009, row by row
    s2["art20_8"]["administrative_fees"]["amount_10k_yuan"] = FEE
    return {
        "org": "SLS-SFJ",
        "year": 2026,
        "status": status,
        "version": 1,
        "s1_overview": "2026年，示例市司法局认真贯彻落实《中华人民共和国政府信息公开条例》，\n"
        "全面推进政务公开。\n\n全年主动公开政府信息120条。",
        "s2_proactive": s2,
        "s3_applications": {
            row: {column: s3_value(i, j) for j, column in enumerate(S3_COLUMNS)} for i, row in enumerate(S3_ROWS)
        },
        "s4_review_litigation": {
            group: {column: s4_value(i, j) for j, column in enumerate(S4_COLUMNS)} for i, group in enumerate(S4_GROUPS)
        },
        "s5_problems": "一是政策解读形式较为单一。\n\n二是依申请公开答复的规范性有待提高。",
        "s6_other": "本年度未收取信息处理费。",
    }


def official_labels() -> set[str]:
    """Every piece of official wording the structure gives, split at its "/"."""
    labels = {section["label"] for section in STRUCTURE["sections"]}
    for block in STRUCTURE["s2_proactive"]["blocks"]:
        labels |= {block["label"], *(label for _, label in block["columns"] + block["rows"])}
    for part in ("s3_applications", "s4_review_litigation"):
        for key in ("columns", "rows", "groups"):
            for _, label in STRUCTURE[part].get(key, []):
                labels |= set(label.split("/"))
    return labels


# --- rendered once per module ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> dict:
    return sample_report()


@pytest.fixture(scope="module")
def page(report) -> str:
    return render_html(report, org_name=ORG, title=TITLE)


@pytest.fixture(scope="module")
def html_tables(page) -> list[dict]:
    return parse_tables(page)


@pytest.fixture(scope="module")
def word(report) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(report, org_name=ORG, title=TITLE)))


@pytest.fixture(scope="module")
def pdf(report) -> bytes:
    return render_pdf(report, org_name=ORG, title=TITLE)


@pytest.fixture(scope="module")
def workbook(report) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(report, org_name=ORG, title=TITLE)))


# --- the structure ---------------------------------------------------------------------------------


def test_the_packaged_structure_is_the_shared_one():
    if not SHARED_STRUCTURE.exists():
        pytest.skip("shared/ is not beside the repository here")
    assert filecmp.cmp(STRUCTURE_PATH, SHARED_STRUCTURE, shallow=False)


def test_load_structure_returns_a_copy_the_caller_may_change():
    structure = load_structure()
    structure["sections"].clear()
    assert len(load_structure()["sections"]) == 6


def test_a_report_missing_a_figure_is_refused_not_drawn_as_zero():
    report = sample_report()
    del report["s3_applications"]["results.withheld.state_secret"]["research"]
    with pytest.raises(ValueError, match=r"s3_applications\.results\.withheld\.state_secret\.research"):
        render_tables_fragment(report)


# --- HTML ------------------------------------------------------------------------------------------


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self.cell: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": {"text": ""}, "rows": [], **dict(attrs)})
        elif tag == "caption":
            self.cell = self.tables[-1]["caption"]
            self.cell.update(attrs)
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self.cell = {"tag": tag, "text": "", **dict(attrs)}
            self.tables[-1]["rows"][-1].append(self.cell)

    def handle_endtag(self, tag):
        if tag in ("th", "td", "caption"):
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def parse_tables(markup: str) -> list[dict]:
    """Each table with ``grid``: (row, column) → the cell covering that slot, spans laid out."""
    parser = _TableParser()
    parser.feed(markup)
    for table in parser.tables:
        grid: dict[tuple[int, int], dict] = {}
        for r, cells in enumerate(table["rows"]):
            c = 0
            for cell in cells:
                while (r, c) in grid:
                    c += 1
                for dr in range(int(cell.get("rowspan", 1))):
                    for dc in range(int(cell.get("colspan", 1))):
                        assert (r + dr, c + dc) not in grid, "cells overlap"
                        grid[r + dr, c + dc] = cell
                c += int(cell.get("colspan", 1))
        table["grid"] = grid
        table["by_id"] = {cell["id"]: cell for cells in table["rows"] for cell in cells if "id" in cell}
    return parser.tables


def text_at(table: dict, row: int, column: int) -> str:
    return table["grid"][row, column]["text"]


def test_html_is_a_standalone_document_in_chinese(page):
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in page
    assert "<h1><span>示例市司法局2026年</span><span>政府信息公开工作年度报告</span></h1>" in page
    assert not re.search(r"<link|<script|\bsrc=", page)  # a downloaded file fetches nothing
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    assert headings == [section["label"] for section in STRUCTURE["sections"]]


def test_html_text_sections_are_paragraphs(page):
    assert "<p>2026年，示例市司法局认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开。</p>" in page
    assert "<p>全年主动公开政府信息120条。</p>" in page
    assert "<p>二是依申请公开答复的规范性有待提高。</p>" in page


def test_html_carries_every_official_label_verbatim(page, html_tables):
    texts = {cell["text"] for table in html_tables for cell in table["grid"].values()}
    texts |= {table["caption"]["text"] for table in html_tables}
    texts |= set(re.findall(r"<h2[^>]*>(.*?)</h2>", html.unescape(page)))
    assert official_labels() - texts == set()
    assert {"信息内容", "申请人情况", CHECK_NOTE} <= texts


def test_html_section_2_blocks_in_one_table(html_tables):
    s2 = html_tables[0]
    assert s2["id"] == "s2_proactive"
    assert s2["caption"]["text"] == "二、主动公开政府信息情况"
    block = s2["grid"][0, 0]
    assert (block["text"], block["tag"], block["scope"], block["colspan"]) == ("第二十条第（一）项", "th", "rowgroup", "4")
    assert [text_at(s2, 1, c) for c in range(4)] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert [text_at(s2, 2, c) for c in range(4)] == ["规章", "3001", "3002", "3003"]
    assert [text_at(s2, 3, c) for c in range(4)] == ["行政规范性文件", "3004", "3005", "3006"]
    assert text_at(s2, 4, 3) == "第二十条第（五）项"
    assert s2["grid"][5, 1] is s2["grid"][5, 3] and text_at(s2, 5, 1) == "本年处理决定数量"
    assert [text_at(s2, 6, c) for c in (0, 1)] == ["行政许可", "3007"]
    assert [text_at(s2, r, 1) for r in (9, 10)] == ["3008", "3009"]
    assert [text_at(s2, 12, c) for c in (0, 1)] == ["信息内容", "本年收费金额（单位：万元）"]
    assert [text_at(s2, 13, c) for c in (0, 3)] == ["行政事业性收费", FEE]


def test_html_section_3_headers_merge_as_the_official_template(html_tables):
    s3 = html_tables[1]
    corner = s3["grid"][0, 0]
    assert (corner["text"], corner["tag"], corner["rowspan"], corner["colspan"]) == (CHECK_NOTE, "td", "3", "3")
    assert s3["grid"][2, 2] is corner
    applicants = s3["grid"][0, 3]
    assert (applicants["text"], applicants["scope"], applicants["colspan"]) == ("申请人情况", "colgroup", "7")
    assert s3["grid"][1, 3]["text"] == "自然人" and s3["grid"][2, 3] is s3["grid"][1, 3]
    legal = s3["grid"][1, 4]
    assert (legal["text"], legal["colspan"]) == ("法人或其他组织", "5")
    assert [text_at(s3, 2, c) for c in range(4, 9)] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert text_at(s3, 1, 9) == "总计" and s3["grid"][2, 9] is s3["grid"][1, 9]


def test_html_section_3_row_labels_are_hierarchical(html_tables):
    s3 = html_tables[1]
    first = 3  # three heading rows
    assert s3["grid"][first, 0]["colspan"] == "3" and text_at(s3, first, 2) == "一、本年新收政府信息公开申请数量"
    results = s3["grid"][first + 2, 0]
    assert (results["text"], results["scope"], results["rowspan"]) == ("三、本年度办理结果", "rowgroup", "22")
    assert s3["grid"][first + 23, 0] is results  # down to （七）总计
    assert s3["grid"][first + 2, 1]["colspan"] == "2" and text_at(s3, first + 2, 2) == "（一）予以公开"
    withheld = s3["grid"][first + 4, 1]
    assert (withheld["text"], withheld["rowspan"], withheld["scope"]) == ("（三）不予公开", "8", "row")
    assert text_at(s3, first + 4, 2) == "1.属于国家秘密"
    assert text_at(s3, first + 11, 2) == "8.属于行政查询事项"
    assert text_at(s3, first + 12, 1) == "（四）无法提供" and s3["grid"][first + 12, 1]["rowspan"] == "3"
    assert text_at(s3, first + 15, 1) == "（五）不予处理" and s3["grid"][first + 15, 1]["rowspan"] == "5"
    assert text_at(s3, first + 20, 1) == "（六）其他处理" and s3["grid"][first + 20, 1]["rowspan"] == "3"
    assert text_at(s3, first + 23, 2) == "（七）总计"
    assert text_at(s3, first + 24, 0) == "四、结转下年度继续办理" and s3["grid"][first + 24, 0]["colspan"] == "3"


def test_html_section_3_every_figure_in_its_cell(html_tables):
    s3 = html_tables[1]
    for i in range(len(S3_ROWS)):
        for j in range(len(S3_COLUMNS)):
            cell = s3["grid"][3 + i, 3 + j]
            assert (cell["tag"], cell["class"], cell["text"]) == ("td", "num", str(s3_value(i, j)))
    assert len(s3["rows"]) == 3 + len(S3_ROWS)


def test_html_section_4(html_tables):
    s4 = html_tables[2]
    assert (text_at(s4, 0, 0), s4["grid"][0, 0]["colspan"], s4["grid"][0, 0]["scope"]) == ("行政复议", "5", "colgroup")
    assert (text_at(s4, 0, 5), s4["grid"][0, 5]["colspan"]) == ("行政诉讼", "10")
    assert s4["grid"][1, 0] is s4["grid"][2, 0] and text_at(s4, 1, 0) == "结果维持"  # 复议's results span two rows
    assert (text_at(s4, 1, 5), s4["grid"][1, 5]["colspan"]) == ("未经复议直接起诉", "5")
    assert (text_at(s4, 1, 10), s4["grid"][1, 10]["colspan"]) == ("复议后起诉", "5")
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [text_at(s4, 2, c) for c in range(15)] == results * 3
    assert [text_at(s4, 3, c) for c in range(15)] == [str(s4_value(g, c)) for g in range(3) for c in range(5)]


def test_html_headers_name_every_figure(html_tables):
    for table in html_tables:
        for cell in table["grid"].values():
            if cell["tag"] == "th":
                assert cell["scope"] in {"col", "row", "colgroup", "rowgroup"}
            elif cell.get("class") == "num":
                assert all(header in table["by_id"] for header in cell["headers"].split())
    s3 = html_tables[1]
    figure = s3["grid"][3 + S3_ROWS.index("results.withheld.state_secret"), 3 + S3_COLUMNS.index("business")]
    named = {s3["by_id"][header]["text"] for header in figure["headers"].split()}
    assert named == {"申请人情况", "法人或其他组织", "商业企业", "三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"}
    s2 = html_tables[0]
    named = {s2["by_id"][header]["text"] for header in s2["grid"][9, 1]["headers"].split()}
    assert named == {"第二十条第（六）项", "本年处理决定数量", "行政处罚"}


def test_html_figures_are_right_aligned(page):
    assert re.search(r"td\.num \{[^}]*text-align: right", page)


def test_html_fragment_is_the_three_tables_alone(report, page):
    fragment = render_tables_fragment(report)
    assert "<html" not in fragment and "<style" not in fragment
    tables = parse_tables(fragment)
    assert [table["id"] for table in tables] == ["s2_proactive", "s3_applications", "s4_review_litigation"]
    assert all("class" not in table["caption"] for table in tables)  # no heading above: captions show
    assert [t["grid"][k]["text"] for t in tables for k in t["grid"]] == [
        t["grid"][k]["text"] for t in parse_tables(page) for k in t["grid"]
    ]


def test_html_escapes_the_report_text():
    report = sample_report()
    report["s6_other"] = "<script>alert(1)</script>"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in render_html(report, org_name=ORG, title=TITLE)


def test_html_document_csp_allows_only_its_own_styles(page):
    policy = document_csp(page)
    assert policy.startswith("default-src 'none'; style-src 'sha256-")
    assert "script-src" not in policy and "unsafe-inline" not in policy


# --- DOCX ------------------------------------------------------------------------------------------


def east_asian_font(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_docx_page_follows_gb_t_9704(word):
    section = word.sections[0]
    mm = [round(length.mm, 1) for length in (section.page_width, section.page_height)]
    mm += [round(length.mm, 1) for length in (section.top_margin, section.bottom_margin)]
    mm += [round(length.mm, 1) for length in (section.left_margin, section.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]
    assert word.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert word.styles["Normal"].font.size == Pt(16)
    assert word.core_properties.title == TITLE and word.core_properties.author == ORG


def test_docx_title_and_headings(word):
    title = word.paragraphs[0]
    assert title.text.replace("\n", "") == TITLE  # broken after the year, never inside a word
    assert title.text.split("\n") == ["示例市司法局2026年", "政府信息公开工作年度报告"]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asian_font(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    headings = [p for p in word.paragraphs if p.text in {s["label"] for s in STRUCTURE["sections"]}]
    assert [p.text for p in headings] == [s["label"] for s in STRUCTURE["sections"]]
    for heading in headings:
        assert east_asian_font(heading.runs[0]) == "黑体" and heading.runs[0].font.size == Pt(16)
    body = [p.text for p in word.paragraphs]
    assert "全年主动公开政府信息120条。" in body and "本年度未收取信息处理费。" in body


def test_docx_section_2_table(word):
    s2 = word.tables[0]
    assert (len(s2.rows), len(s2.columns)) == (14, 4)
    assert s2.cell(0, 0).text == "第二十条第（一）项" and s2.cell(0, 0)._tc.grid_span == 4
    assert [s2.cell(1, c).text for c in range(4)] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert [s2.cell(3, c).text for c in range(4)] == ["行政规范性文件", "3004", "3005", "3006"]
    assert s2.cell(5, 1).text == "本年处理决定数量" and s2.cell(5, 1)._tc.grid_span == 3
    assert [s2.cell(10, c).text for c in (0, 1)] == ["行政强制", "3009"]
    assert [s2.cell(13, c).text for c in (0, 1)] == ["行政事业性收费", FEE]
    assert s2.cell(13, 1).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_docx_section_3_table(word):
    s3 = word.tables[1]
    assert (len(s3.rows), len(s3.columns)) == (3 + len(S3_ROWS), 10)
    assert s3.cell(0, 0).text == CHECK_NOTE and s3.cell(0, 0)._tc.grid_span == 3
    assert s3.cell(2, 2).text == CHECK_NOTE  # merged down over the three heading rows
    assert s3.cell(0, 3).text == "申请人情况" and s3.cell(0, 3)._tc.grid_span == 7
    assert [s3.cell(1, c).text for c in (3, 4, 8, 9)] == ["自然人", "法人或其他组织", "法人或其他组织", "总计"]
    assert [s3.cell(2, c).text for c in range(3, 10)] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert [s3.cell(5, c).text for c in range(3)] == ["三、本年度办理结果", "（一）予以公开", "（一）予以公开"]
    assert [s3.cell(7, c).text for c in range(3)] == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    assert [s3.cell(14, c).text for c in range(3)] == ["三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项"]
    assert [s3.cell(26, c).text for c in range(3)] == ["三、本年度办理结果", "（七）总计", "（七）总计"]
    assert [s3.cell(27, c).text for c in range(3)] == ["四、结转下年度继续办理"] * 3
    for i in range(len(S3_ROWS)):
        assert [s3.cell(3 + i, 3 + j).text for j in range(7)] == [str(s3_value(i, j)) for j in range(7)]


def test_docx_section_4_table(word):
    s4 = word.tables[2]
    assert (len(s4.rows), len(s4.columns)) == (4, 15)
    assert s4.cell(0, 0).text == "行政复议" and s4.cell(0, 0)._tc.grid_span == 5
    assert s4.cell(0, 5).text == "行政诉讼" and s4.cell(0, 5)._tc.grid_span == 10
    assert s4.cell(1, 0).text == s4.cell(2, 0).text == "结果维持"
    assert [s4.cell(1, c).text for c in (5, 10)] == ["未经复议直接起诉", "复议后起诉"]
    assert s4.cell(2, 14).text == "总计"
    assert [s4.cell(3, c).text for c in range(15)] == [str(s4_value(g, c)) for g in range(3) for c in range(5)]


# --- PDF -------------------------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_pdf_is_an_a4_document_with_chinese_text(pdf):
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert all((round(p.mediabox.width), round(p.mediabox.height)) == (595, 842) for p in reader.pages)
    assert reader.metadata.title == TITLE
    for page in reader.pages:  # the letters' machinery: a TrueType subset that any reader decodes
        for font in page["/Resources"]["/Font"].values():
            assert font["/Encoding"] == "/Identity-H"
            assert "/FontFile2" in font["/DescendantFonts"][0]["/FontDescriptor"]
    text = "".join(pdf_pages(pdf))
    assert TITLE in text
    for label in ("一、总体情况", "三、收到和处理政府信息公开申请情况", "1.属于国家秘密", "复议后起诉"):
        assert label in text
    for number in ("3001", FEE, str(s3_value(0, 0)), str(s3_value(24, 6)), str(s4_value(2, 4))):
        assert number in text


def test_pdf_keeps_section_3_on_one_page(pdf):
    pages = pdf_pages(pdf)
    [page] = [p for p in pages if "（七）总计" in p]
    assert "三、收到和处理政府信息公开申请情况" in page and "四、结转下年度继续办理" in page


# --- XLSX ------------------------------------------------------------------------------------------


def merged(sheet) -> set[str]:
    return {str(cell_range) for cell_range in sheet.merged_cells.ranges}


def test_xlsx_has_a_sheet_per_table_with_a_title_row(workbook):
    assert workbook.sheetnames == ["二、主动公开", "三、申请情况", "四、复议诉讼"]
    for sheet in workbook:
        assert sheet["A1"].value.startswith(TITLE)
        assert sheet["A2"].value in {s["label"] for s in STRUCTURE["sections"]}
        assert sheet.column_dimensions["A"].width and sheet.column_dimensions["B"].width


def test_xlsx_section_2(workbook):
    s2 = workbook["二、主动公开"]
    assert {"A3:D3", "B8:D8", "B9:D9", "B16:D16"} <= merged(s2)
    assert [s2.cell(4, c).value for c in range(1, 5)] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert [s2.cell(5, c).value for c in range(1, 5)] == ["规章", 3001, 3002, 3003]
    assert s2["A16"].value == "行政事业性收费"
    assert s2["B16"].value == pytest.approx(1.2345) and s2["B16"].number_format == "0.0000"


def test_xlsx_section_3(workbook):
    s3 = workbook["三、申请情况"]
    assert {"A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5", "A6:C6", "A8:A29", "B8:C8", "B10:B17", "B29:C29"} <= merged(s3)
    assert s3["A3"].value == CHECK_NOTE and s3["D3"].value == "申请人情况" and s3["I5"].value == "其他"
    assert (s3["A8"].value, s3["B10"].value, s3["C10"].value) == ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")
    for i in range(len(S3_ROWS)):
        assert [s3.cell(6 + i, 4 + j).value for j in range(7)] == [s3_value(i, j) for j in range(7)]


def test_xlsx_section_4(workbook):
    s4 = workbook["四、复议诉讼"]
    assert {"A3:E3", "F3:O3", "A4:A5", "E4:E5", "F4:J4", "K4:O4"} <= merged(s4)
    assert (s4["A3"].value, s4["F3"].value, s4["F4"].value, s4["K4"].value) == ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉")
    assert [s4.cell(6, c).value for c in range(1, 16)] == [s4_value(g, c) for g in range(3) for c in range(5)]


# --- draft or published ----------------------------------------------------------------------------


def html_text(report):
    return render_html(report, org_name=ORG, title=TITLE)


def docx_text(report):
    document = docx.Document(io.BytesIO(render_docx(report, org_name=ORG, title=TITLE)))
    section = document.sections[0]
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for header in (section.header, section.even_page_header) for p in header.paragraphs]
    return "".join(parts)


def pdf_text(report):
    return "".join(pdf_pages(render_pdf(report, org_name=ORG, title=TITLE)))


def xlsx_text(report):
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report, org_name=ORG, title=TITLE)))
    return "".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value)


@pytest.mark.parametrize("text_of", [html_text, docx_text, pdf_text, xlsx_text])
def test_a_draft_is_marked_in_every_format_and_a_published_report_is_not(text_of):
    assert "草稿" in text_of(sample_report("draft"))
    assert "草稿" not in text_of(sample_report("published"))


def test_every_page_of_a_draft_pdf_is_marked(pdf):
    pages = pdf_pages(pdf)
    assert len(pages) >= 2 and all(page.startswith("草稿") for page in pages)


def test_the_report_itself_is_not_changed_by_rendering():
    report = sample_report()
    before = copy.deepcopy(report)
    render_xlsx(report, org_name=ORG, title=TITLE)
    render_html(report, org_name=ORG, title=TITLE)
    assert report == before
