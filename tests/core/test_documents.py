"""The official-document renderer: a DOCX that Word on a government PC sets in its own fonts, and a
PDF that carries its own font, so it shows every character on a server with no CJK font at all."""

import io
import logging
import re
from datetime import date

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from yangguang.core.documents import (
    OfficialDocument,
    chinese_date,
    font_path,
    render_docx,
    render_pdf,
    signature_spaces,
    wrap_text,
)

REPLY = OfficialDocument(
    title="政府信息公开申请答复告知书",
    doc_number="示司公开〔2026〕3号",
    addressee="张三：",
    paragraphs=(
        "本机关于2026年11月3日收到你提出的政府信息公开申请，要求获取示例市2025年度法律援助经费的预算、决算"
        "及《示例市法律援助经费使用情况（2025年度）》。",
        "经审查，你申请获取的信息属于主动公开的范围——该信息已在本机关门户网站“政务公开”栏目公开，你可自行查阅；"
        "申请书中的詈骂性语言不影响本机关依法答复，犇犇法律服务所的相关信息不属于本机关职责范围。",
        "如对本答复不服，可以自收到本告知书之日起60日内向示例市人民政府申请行政复议，"
        "或者在6个月内向示例区人民法院提起行政诉讼。",
    ),
    signature="示例市司法局",
    signed_on=date(2026, 11, 26),
    notes=("（联系人：李四，电话：0571-12345678）",),
)
LONG_PARAGRAPH = REPLY.paragraphs[1] * 4

A4_TEXT_WIDTH_PT = 156 * 72 / 25.4  # GB/T 9704 text block


def squeeze(text: str) -> str:
    """The text without the line breaks the layout put in."""
    return re.sub(r"\s+", "", text)


def embedded_font(pdf: bytes) -> TTFont:
    [font] = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    descriptor = font["/DescendantFonts"][0]["/FontDescriptor"]
    assert font["/Encoding"] == "/Identity-H"
    assert re.fullmatch(r"/[A-Z]{6}\+NotoSerifSC", descriptor["/FontName"])  # a subset
    return TTFont(io.BytesIO(descriptor["/FontFile2"].get_data()))


@pytest.fixture(scope="module")
def reply_docx() -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(REPLY)))


@pytest.fixture(scope="module")
def reply_pdf() -> bytes:
    return render_pdf(REPLY)


# --- DOCX ----------------------------------------------------------------------------------------


def test_docx_carries_every_part_of_the_document(reply_docx):
    texts = [p.text for p in reply_docx.paragraphs]
    assert texts[0] == REPLY.title
    assert texts[1] == REPLY.doc_number
    assert REPLY.addressee in texts
    for paragraph in REPLY.paragraphs:
        assert paragraph in texts
    assert texts.index(REPLY.signature) + 1 == texts.index("2026年11月26日")
    assert texts[-1] == REPLY.notes[0]


def test_docx_is_a4_with_gbt9704_margins(reply_docx):
    section = reply_docx.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]


def test_docx_names_the_fonts_of_a_government_pc(reply_docx):
    def east_asian_font(run) -> str:
        return run._element.rPr.rFonts.get(qn("w:eastAsia"))

    title, *rest = [p for p in reply_docx.paragraphs if p.runs]
    assert east_asian_font(title.runs[0]) == "方正小标宋简体"
    assert title.runs[0].font.size.pt == 22
    assert {east_asian_font(run) for p in rest for run in p.runs} == {"仿宋_GB2312"}
    normal = reply_docx.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size.pt == 16


def test_docx_body_is_indented_two_characters_on_fixed_lines(reply_docx):
    body = next(p for p in reply_docx.paragraphs if p.text == REPLY.paragraphs[0])
    assert body.paragraph_format.first_line_indent.pt == 32
    assert body._p.pPr.ind.get(qn("w:firstLineChars")) == "200"
    assert 28 <= body.paragraph_format.line_spacing.pt <= 29


def test_docx_numbers_odd_pages_right_and_even_pages_left(reply_docx):
    section = reply_docx.sections[0]
    assert reply_docx.settings.odd_and_even_pages_header_footer
    for footer, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        folio = footer.paragraphs[0]
        assert folio.text == "—  —"  # the number itself is a PAGE field between the dashes
        assert "PAGE" in folio._p.xml
        assert folio.alignment == side


# --- PDF -----------------------------------------------------------------------------------------


def test_pdf_embeds_a_subset_of_its_own_font(reply_pdf):
    assert reply_pdf.startswith(b"%PDF")
    assert b"/FontFile2" in reply_pdf
    assert 100 < len(embedded_font(reply_pdf).getGlyphOrder()) < 300


def test_pdf_text_maps_back_to_unicode(reply_pdf):
    text = squeeze(PdfReader(io.BytesIO(reply_pdf)).pages[0].extract_text())
    assert REPLY.title in text
    assert REPLY.paragraphs[2] in text
    assert "示例市司法局2026年11月26日" in text


def test_pdf_text_survives_more_than_255_distinct_characters():
    cmap = TTFont(font_path(), lazy=True).getBestCmap()
    hanzi = "".join(chr(c) for c in range(0x4E00, 0x9FA6, 7) if c in cmap)[:400]
    pdf = render_pdf(OfficialDocument(title="告知书", paragraphs=(hanzi,)))
    assert hanzi in squeeze(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


def test_every_character_has_a_glyph(reply_pdf, caplog):
    used = set("".join((REPLY.title, REPLY.doc_number, REPLY.addressee, *REPLY.paragraphs, *REPLY.notes)))
    assert set("〔〕、“”《》（）—詈犇") <= used
    source = TTFont(font_path(), lazy=True).getBestCmap()
    assert {c for c in used if ord(c) not in source} == set()

    font = embedded_font(reply_pdf)  # what the reader actually gets: no tofu boxes
    cmap, glyphs = font.getBestCmap(), font["glyf"]
    assert {c for c in used if ord(c) not in cmap or glyphs[cmap[ord(c)]].numberOfContours <= 0} == set()
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        render_pdf(REPLY)
    assert "missing" not in caplog.text


def test_one_page_letter_is_a_small_single_page(reply_pdf):
    assert len(PdfReader(io.BytesIO(reply_pdf)).pages) == 1
    assert len(reply_pdf) < 80_000
    assert render_pdf(REPLY) == reply_pdf  # same data, same bytes


def test_long_paragraph_wraps_onto_several_lines():
    letter = OfficialDocument(title="告知书", paragraphs=(LONG_PARAGRAPH,))
    lines = PdfReader(io.BytesIO(render_pdf(letter))).pages[0].extract_text().splitlines()
    body = [squeeze(line) for line in lines if squeeze(line) and squeeze(line) in LONG_PARAGRAPH]
    assert len(body) >= len(LONG_PARAGRAPH) // 28
    assert "".join(body) == LONG_PARAGRAPH


def test_very_long_document_runs_onto_numbered_pages():
    letter = OfficialDocument(
        title="告知书", paragraphs=(LONG_PARAGRAPH,) * 6, signature="示例市司法局", signed_on=date(2026, 1, 5)
    )
    pages = [squeeze(page.extract_text()) for page in PdfReader(io.BytesIO(render_pdf(letter))).pages]
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert text.endswith(f"—{number}—")
    assert "示例市司法局2026年1月5日" in pages[-1]


# --- line breaking and the small rules -----------------------------------------------------------


def test_wrapping_with_the_real_font_never_passes_the_margin():
    font = TTFont(font_path(), lazy=True)
    cmap, advances = font.getBestCmap(), font["hmtx"]

    def measure(text: str) -> float:
        return sum(advances[cmap[ord(c)]][0] for c in text) * 16 / 1000

    lines = wrap_text(LONG_PARAGRAPH, measure, A4_TEXT_WIDTH_PT, first_width=A4_TEXT_WIDTH_PT - 32)
    assert len(lines) > 8
    assert "".join(lines) == LONG_PARAGRAPH
    assert measure(lines[0]) <= A4_TEXT_WIDTH_PT - 32
    assert all(measure(line) <= A4_TEXT_WIDTH_PT for line in lines)
    assert not any(line[0] in "。，、；：”》）" for line in lines)


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("一二三四五六", 4, ["一二三四", "五六"]),
        ("一二三。四", 3, ["一二", "三。四"]),  # 。 never starts a line: 三 comes down with it
        ("一二三，”四", 4, ["一二", "三，”四"]),
        ("一二《三》", 3, ["一二", "《三》"]),  # 《 never ends a line
        ("共计2026年", 4, ["共计", "2026", "年"]),  # a number stays whole
        ("见http://a.cn/xx", 8, ["见http://", "a.cn/xx"]),  # a URL breaks after a slash
        ("一二 三四", 2, ["一二", "三四"]),  # the space at the break goes
        ("１２３４５６７８９", 4, ["１２３４", "５６７８", "９"]),
        ("", 4, [""]),
    ],
)
def test_wrap_text_breaks_like_chinese_typesetting(text, width, lines):
    assert wrap_text(text, len, width) == lines


def test_wrap_text_indents_only_the_first_line():
    assert wrap_text("一二三四五六七", len, 4, first_width=2) == ["一二", "三四五六", "七"]


def test_a_word_wider_than_the_line_is_cut():
    assert wrap_text("abcdefghij", len, 4) == ["abcd", "efgh", "ij"]


@pytest.mark.parametrize(
    ("signature", "date_", "spaces"),
    [
        (6, 7, (5, 2)),  # the date is longer: it keeps two characters clear, the signature moves left
        (10, 7, (4, 5)),  # the signature is longer: four characters clear, the date two to its right
        (5, 5, (4, 2)),
        (0, 7, (11, 2)),
        (6, 0, (4, 8)),
    ],
)
def test_signature_and_date_spacing_follows_gbt9704(signature, date_, spaces):
    assert signature_spaces(signature, date_) == spaces


def test_dates_have_no_leading_zeros():
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"
    assert chinese_date(date(2026, 11, 26)) == "2026年11月26日"


def test_only_the_title_is_drawn_heavy():
    """The title's stroked text mode must not leak into the body (it would print bold)."""
    import zlib

    pdf = render_pdf(OfficialDocument(title="告知书", paragraphs=("正文第一段。", "正文第二段。"), signature="某局",
                                      signed_on=date(2026, 1, 1)))
    content = b"".join(
        zlib.decompress(s) for s in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S) if s[:1] == b"x"
    )
    outside_saved_states = re.sub(rb"\nq\n.*?\nQ\n", b"\n", b"\n" + content, flags=re.S)
    assert b"2 Tr" in content and b"2 Tr" not in outside_saved_states
