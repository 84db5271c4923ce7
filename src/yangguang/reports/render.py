"""The annual report on government information disclosure in HTML, DOCX, PDF and XLSX.

The report follows 国办公开办函〔2021〕30号: six sections, three of them tables whose labels are the
official wording, kept verbatim in ``data/annual-report-2021.json``. ``annual_tables`` lays each table
out once as a grid of cells with their merges, exactly as the official template draws it — the
hierarchy of headers comes from the "/" in the labels — and every format only draws those grids:
HTML (``<th scope>`` and ``headers`` for screen readers), DOCX (python-docx ``cell.merge``), PDF
(fpdf2 ``table()`` with colspan/rowspan) and XLSX (merged ranges).

Page geometry, fonts, line breaking and the embedded CJK font for PDF come from
``yangguang.core.documents`` (GB/T 9704), so a report looks like every other document we issue.
A report whose status is not "published" carries a visible 草稿 in every format.

Public: ``load_structure``, ``annual_tables``, ``render_html`` (with ``document_csp`` to serve it),
``render_tables_fragment``, ``render_docx``, ``render_pdf``, ``render_xlsx``.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

from django.template import Context, Engine
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from fpdf.enums import Align, WrapMode
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

# core.documents keeps these private; they are its page geometry, fonts and PDF machinery, which a
# report must share with the letters. Borrowed in this one place so that when core makes them public
# only these lines change.
from yangguang.core.documents import new_docx
from yangguang.core.documents import (
    _add_paragraph as add_docx_paragraph,
    _BODY_FONT as BODY_FONT,
    _COLUMN as COLUMN,
    _em_width as em_width,
    _FAMILY as PDF_FAMILY,
    _FOLIO_PT as FOLIO_PT,
    _LEFT as PDF_LEFT,
    _LINE_PITCH as LINE_PITCH,
    _name_fonts as name_fonts,
    _Sheet as OfficialSheet,
    _TEXT_BOTTOM as PDF_TEXT_BOTTOM,
    _TEXT_WIDTH as PDF_TEXT_WIDTH,
    _TITLE_FONT as TITLE_FONT,
    _TITLE_LEADING as TITLE_LEADING,
    _TITLE_PT as TITLE_PT,
    _TOP as PDF_TOP,
    _TRACKING as TRACKING,
    _truetype_subset as truetype_subset,
    _Typesetter as Typesetter,
    wrap_text,
)

STRUCTURE_PATH = Path(__file__).with_name("data") / "annual-report-2021.json"
TEMPLATES_DIR = Path(__file__).with_name("templates")

# Wording of the official template that the structure file does not carry as labels.
INFO_CONTENT = "信息内容"
APPLICANTS = "申请人情况"
S3_CHECK_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
DRAFT_MARK = "草稿"

SHEET_NAMES = {"s2_proactive": "二、主动公开", "s3_applications": "三、申请情况", "s4_review_litigation": "四、复议诉讼"}

HEADING_FONT = "黑体"  # section headings of a government report
TABLE_PT = 10.5  # 五号: the 8-column table of section 3 fits the 156 mm text block
TABLE_LEADING = 14.0
DRAFT_RED = (0xC0, 0x00, 0x00)

# Relative column widths, in millimetres of the 156 mm GB/T 9704 text block.
_WIDTHS_MM = {
    "s2_proactive": (51, 35, 35, 35),
    "s3_applications": (9, 27.5, 49.5) + (10,) * 7,
    "s4_review_litigation": (10.4,) * 15,
}


@functools.cache
def _structure() -> dict:
    return json.loads(STRUCTURE_PATH.read_text(encoding="utf-8"))


def load_structure() -> dict:
    """The official structure (国办公开办函〔2021〕30号); a copy, so a caller may change it freely."""
    return copy.deepcopy(_structure())


# --- the tables as grids -------------------------------------------------------------------------

CellKind = Literal["col", "colgroup", "row", "rowgroup", "note", "value"]


@dataclass(frozen=True)
class GridCell:
    text: str
    kind: CellKind
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    value: int | Decimal | None = None  # the number of a "value" cell
    id: str = ""
    headers: tuple[str, ...] = ()  # ids of the header cells that describe a value

    @property
    def is_header(self) -> bool:
        return self.kind not in ("note", "value")

    @property
    def tag(self) -> str:
        return "th" if self.is_header else "td"

    @property
    def scope(self) -> str:
        return self.kind if self.is_header else ""

    @property
    def css(self) -> str:
        return {"value": "num", "note": "note"}.get(self.kind, "")

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(frozen=True)
class GridPart:
    tag: str  # "thead" or "tbody"
    rows: tuple[tuple[GridCell, ...], ...]


@dataclass(frozen=True)
class Grid:
    key: str  # the section key, e.g. "s3_applications"
    caption: str  # the section label
    widths_mm: tuple[float, ...]
    colgroups: tuple[int, ...]  # spans of the <colgroup>s that "colgroup" headers stand over
    heading_rows: int  # rows at the top that head every column (repeated on a new page)
    row_groups: tuple[int, ...]  # per row: -1 in the heading, else the body group it belongs to
    cells: tuple[GridCell, ...]  # in reading order: by row, then column

    @property
    def columns(self) -> int:
        return len(self.widths_mm)

    def row(self, index: int) -> tuple[GridCell, ...]:
        return tuple(cell for cell in self.cells if cell.row == index)

    @property
    def parts(self) -> tuple[GridPart, ...]:
        parts: list[tuple[int, list]] = []
        for index, group in enumerate(self.row_groups):
            if not parts or parts[-1][0] != group:
                parts.append((group, []))
            parts[-1][1].append(self.row(index))
        return tuple(GridPart("thead" if group < 0 else "tbody", tuple(rows)) for group, rows in parts)


@dataclass(frozen=True)
class _Span:
    """One label of a header hierarchy: at ``level``, over ``count`` leaves from ``start``."""

    label: str
    level: int
    start: int
    count: int
    depth: int  # levels covered: a label whose branch ends early reaches down to the leaves


def _spans(paths: Sequence[Sequence[str]]) -> list[_Span]:
    """Merge neighbouring leaves that share a parent label, as the official template does."""
    deepest = max(map(len, paths))
    spans = []
    for level in range(deepest):
        index = 0
        while index < len(paths):
            path = paths[index]
            if len(path) <= level:
                index += 1
            elif len(path) == level + 1:
                spans.append(_Span(path[level], level, index, 1, deepest - level))
                index += 1
            else:
                end = index + 1
                while end < len(paths) and len(paths[end]) > level + 1 and paths[end][: level + 1] == path[: level + 1]:
                    end += 1
                spans.append(_Span(path[level], level, index, end - index, 1))
                index = end
    return spans


def _row_paths(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    """Full label paths of section 3's rows.

    A row's dotted key gives its depth ("results.withheld.state_secret" is three deep); its label
    names only the lowest levels ("（三）不予公开/1.属于国家秘密"): the levels above are named by the
    row that introduced them ("三、本年度办理结果/（一）予以公开").
    """
    names: dict[str, str] = {}
    paths = []
    for key, label in rows:
        segments, parts = key.split("."), label.split("/")
        skipped = len(segments) - len(parts)
        if skipped < 0:
            raise ValueError(f"label {label!r} is deeper than key {key!r}")
        for level, part in enumerate(parts, start=skipped):
            names[".".join(segments[: level + 1])] = part
        try:
            paths.append([names[".".join(segments[: level + 1])] for level in range(len(segments))])
        except KeyError:
            raise ValueError(f"no label names the parent of {key!r}") from None
    return paths


def _number(report: dict, *path: str) -> int | Decimal:
    """The figure at ``path``: a count, or the fee in 万元 to four places ("1.2345" in the JSON)."""
    value: Any = report
    try:
        for key in path:
            value = value[key]
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, (str, float, Decimal)):
            return Decimal(str(value)).quantize(Decimal("0.0001"))
    except (KeyError, TypeError, ArithmeticError):
        pass
    raise ValueError(f"report has no number at {'.'.join(path)}")


@dataclass
class _GridBuilder:
    key: str
    caption: str
    colgroups: tuple[int, ...] = ()
    heading_rows: int = 0
    cells: list[GridCell] = field(default_factory=list)
    row_groups: list[int] = field(default_factory=list)

    def add(self, text: str, kind: CellKind, row: int, col: int, rowspan: int = 1, colspan: int = 1, value=None):
        while len(self.row_groups) <= row + rowspan - 1:
            self.row_groups.append(-1)
        headers = sum(cell.is_header for cell in self.cells)
        cell_id = f"{self.key}-h{headers + 1}" if kind not in ("note", "value") else ""
        self.cells.append(GridCell(text, kind, row, col, rowspan, colspan, value, cell_id))

    def group(self, first_row: int, last_row: int, group: int) -> None:
        for row in range(first_row, last_row + 1):
            self.row_groups[row] = group

    def build(self) -> Grid:
        groups = self.row_groups
        cells = sorted(self.cells, key=lambda c: (c.row, c.col))

        def describes(header: GridCell, value: GridCell) -> bool:
            if header.kind in ("col", "colgroup"):
                return (
                    header.last_row < value.row
                    and header.col <= value.last_col
                    and value.col <= header.last_col
                    and groups[header.row] in (-1, groups[value.row])
                )
            if header.kind == "rowgroup":
                return groups[header.row] == groups[value.row] and header.col < value.col
            if header.kind == "row":
                return header.row <= value.last_row and value.row <= header.last_row and header.col < value.col
            return False

        headers = [cell for cell in cells if cell.is_header]
        cells = [
            replace(cell, headers=tuple(h.id for h in headers if describes(h, cell))) if cell.kind == "value" else cell
            for cell in cells
        ]
        return Grid(
            self.key, self.caption, _WIDTHS_MM[self.key], self.colgroups, self.heading_rows, tuple(groups), tuple(cells)
        )


def _proactive_grid(report: dict, spec: dict, caption: str) -> Grid:
    """Section 2: four blocks, one under the other, in one four-column table."""
    grid = _GridBuilder("s2_proactive", caption)
    width = len(_WIDTHS_MM["s2_proactive"]) - 1
    row = 0
    for number, block in enumerate(spec["blocks"]):
        first = row
        grid.add(block["label"], "rowgroup", row, 0, colspan=width + 1)
        row += 1
        grid.add(INFO_CONTENT, "col", row, 0)
        # a block with one column of figures spreads it over the three columns of the first
        span = width // len(block["columns"])
        for index, (_, label) in enumerate(block["columns"]):
            grid.add(label, "col", row, 1 + index * span, colspan=span)
        for row_key, row_label in block["rows"]:
            row += 1
            grid.add(row_label, "row", row, 0)
            for index, (column_key, _) in enumerate(block["columns"]):
                value = _number(report, "s2_proactive", block["key"], row_key, column_key)
                grid.add(str(value), "value", row, 1 + index * span, colspan=span, value=value)
        grid.group(first, row, number)
        row += 1
    return grid.build()


def _applications_grid(report: dict, spec: dict, caption: str) -> Grid:
    """Section 3: applicants across, the course of the applications down, three label columns."""
    columns = [[APPLICANTS, *label.split("/")] for _, label in spec["columns"]]
    rows = _row_paths(spec["rows"])
    head, side = max(map(len, columns)), max(map(len, rows))
    grid = _GridBuilder("s3_applications", caption, colgroups=(side, len(columns)), heading_rows=head)
    grid.add(S3_CHECK_NOTE, "note", 0, 0, rowspan=head, colspan=side)
    for span in _spans(columns):
        kind = "colgroup" if span.count == len(columns) else "col"
        grid.add(span.label, kind, span.level, side + span.start, rowspan=span.depth, colspan=span.count)
    for span in _spans(rows):
        kind = "rowgroup" if span.level == 0 and span.count > 1 else "row"
        grid.add(span.label, kind, head + span.start, span.level, rowspan=span.count, colspan=span.depth)
        if span.level == 0:
            grid.group(head + span.start, head + span.start + span.count - 1, span.start)
    for index, (row_key, _) in enumerate(spec["rows"]):
        for offset, (column_key, _) in enumerate(spec["columns"]):
            value = _number(report, "s3_applications", row_key, column_key)
            grid.add(str(value), "value", head + index, side + offset, value=value)
    return grid.build()


def _review_grid(report: dict, spec: dict, caption: str) -> Grid:
    """Section 4: 行政复议 and the two kinds of 行政诉讼 side by side, five results each, one row."""
    leaves = [(group, column) for group in spec["groups"] for column in spec["columns"]]
    columns = [[*group_label.split("/"), column_label] for (_, group_label), (_, column_label) in leaves]
    head = max(map(len, columns))
    spans = _spans(columns)
    colgroups = tuple(span.count for span in spans if span.level == 0)
    grid = _GridBuilder("s4_review_litigation", caption, colgroups=colgroups, heading_rows=head)
    for span in spans:
        kind = "colgroup" if span.level == 0 else "col"
        grid.add(span.label, kind, span.level, span.start, rowspan=span.depth, colspan=span.count)
    for offset, ((group_key, _), (column_key, _)) in enumerate(leaves):
        value = _number(report, "s4_review_litigation", group_key, column_key)
        grid.add(str(value), "value", head, offset, value=value)
    grid.group(head, head, 0)
    return grid.build()


def annual_tables(report: dict) -> tuple[Grid, Grid, Grid]:
    """The tables of sections 2, 3 and 4, laid out as the official template draws them."""
    structure = _structure()
    labels = {section["key"]: section["label"] for section in structure["sections"]}
    return (
        _proactive_grid(report, structure["s2_proactive"], labels["s2_proactive"]),
        _applications_grid(report, structure["s3_applications"], labels["s3_applications"]),
        _review_grid(report, structure["s4_review_litigation"], labels["s4_review_litigation"]),
    )


def paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; a line break inside one joins Chinese without a space."""
    found = []
    for block in re.split(r"\n\s*\n", text or ""):
        block = re.sub(r"(?<=[^\x00-\x7f])[ \t]*\n\s*(?=[^\x00-\x7f])", "", block.strip())
        if block:
            found.append(" ".join(block.split()))
    return found


@dataclass(frozen=True)
class _Section:
    key: str
    label: str
    paragraphs: tuple[str, ...] = ()
    grid: Grid | None = None

    @property
    def tables(self) -> tuple[Grid, ...]:
        return (self.grid,) if self.grid else ()


def _sections(report: dict) -> list[_Section]:
    grids = {grid.key: grid for grid in annual_tables(report)}
    return [
        _Section(s["key"], s["label"], grid=grids[s["key"]])
        if s["key"] in grids
        else _Section(s["key"], s["label"], paragraphs=tuple(paragraphs(report.get(s["key"], ""))))
        for s in _structure()["sections"]
    ]


def _is_draft(report: dict) -> bool:
    # only a published report goes out unmarked: an unknown status is a draft too
    return report.get("status") != "published"


def _title_parts(title: str) -> list[str]:
    """The title cut after the year: where it may break without splitting a word (GB/T 9704 7.3.3)."""
    match = re.fullmatch(r"(.*?\d{4}年(?:度)?)(.+)", title)
    return [match[1], match[2]] if match else [title]


def _title_lines(title: str, fits: Callable[[str], bool]) -> list[str]:
    parts = _title_parts(title)
    return [title] if fits(title) or not all(map(fits, parts)) else parts


# --- HTML ----------------------------------------------------------------------------------------

_ENGINE = Engine(dirs=[str(TEMPLATES_DIR)], autoescape=True)  # works whether or not the app is installed


def render_tables_fragment(report: dict) -> str:
    """The three tables alone, to embed in a portal page (captions carry the section labels)."""
    return _ENGINE.get_template("reports/_annual_tables.html").render(
        Context({"tables": annual_tables(report), "hide_captions": False})
    )


def render_html(report: dict, *, org_name: str, title: str) -> str:
    """A standalone page for export: its own styles, nothing fetched. See ``document_csp``."""
    return _ENGINE.get_template("reports/annual_document.html").render(
        Context(
            {
                "title": title,
                "title_parts": _title_parts(title),
                "org_name": org_name,
                "draft": _is_draft(report),
                "sections": _sections(report),
            }
        )
    )


def document_csp(html: str) -> str:
    """A Content-Security-Policy under which a page from ``render_html`` shows, and runs nothing."""
    styles = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in styles)
    return f"default-src 'none'; style-src {hashes}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


# --- DOCX ----------------------------------------------------------------------------------------


def _docx_document(*, title: str, org_name: str, draft: bool):
    """A blank GB/T 9704 page: as core.documents.render_docx sets one up, plus a 草稿 header."""
    document = new_docx(title=title, author=org_name)
    section = document.sections[0]
    if draft:
        for header in (section.header, section.even_page_header):
            paragraph = header.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(DRAFT_MARK)
            run.font.size = Pt(FOLIO_PT)
            run.font.color.rgb = RGBColor(*DRAFT_RED)
            name_fonts(run._element.get_or_add_rPr(), HEADING_FONT)

    return document


_DOCX_CELL_MARGIN_TWIPS = 30  # 1.5 pt, as the PDF's cells


def _docx_table_paragraph(paragraph) -> None:
    layout = paragraph.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(TABLE_LEADING)


def _docx_text(cell, text: str, *, align: WD_ALIGN_PARAGRAPH, font: str) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.alignment = align
    run = paragraph.add_run(text)
    run.font.size = Pt(TABLE_PT)
    name_fonts(run._element.get_or_add_rPr(), font)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _row_property(row, name: str) -> None:
    element = OxmlElement(name)
    row._tr.get_or_add_trPr().append(element)


def _docx_table(document, grid: Grid) -> None:
    rows = len(grid.row_groups)
    table = document.add_table(rows=rows, cols=grid.columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    properties = table._tbl.tblPr
    # Word's 1.9 mm either side of a cell's text would leave a 10 mm column no room for four digits
    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        margin = OxmlElement(side)
        margin.set(qn("w:w"), str(_DOCX_CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    caption = OxmlElement("w:tblCaption")  # the table's name for a screen reader (alt text)
    caption.set(qn("w:val"), grid.caption)
    properties.insert_element_before(caption, "w:tblDescription", "w:tblPrChange")
    for column, width in zip(table.columns, grid.widths_mm):
        column.width = Mm(width)
    slots = []  # taken before merging: python-docx's table.cell() walks the whole table each time
    for index, row in enumerate(table.rows):
        _row_property(row, "w:cantSplit")
        if index < grid.heading_rows:
            _row_property(row, "w:tblHeader")  # repeated at the top of each page
        slots.append(row.cells)
        for cell, width in zip(row.cells, grid.widths_mm):
            cell.width = Mm(width)  # Word reads the cells' widths, not the grid's
            # every cell, as the empty ones a vertical merge leaves below its first would otherwise
            # keep the body's 29 pt line and stretch their rows
            _docx_table_paragraph(cell.paragraphs[0])
            # each table fits on a page: Word moves it whole to the next rather than split it
            cell.paragraphs[0].paragraph_format.keep_with_next = index < rows - 1
    for cell in grid.cells:
        target = slots[cell.row][cell.col]
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(slots[cell.last_row][cell.last_col])
        if cell.kind == "value":
            _docx_text(target, cell.text, align=WD_ALIGN_PARAGRAPH.RIGHT, font=BODY_FONT)
        elif cell.kind in ("row", "note"):
            _docx_text(target, cell.text, align=WD_ALIGN_PARAGRAPH.LEFT, font=BODY_FONT)
        else:
            _docx_text(target, cell.text, align=WD_ALIGN_PARAGRAPH.CENTER, font=HEADING_FONT)


def render_docx(report: dict, *, org_name: str, title: str) -> bytes:
    document = _docx_document(title=title, org_name=org_name, draft=_is_draft(report))
    first, *more = _title_lines(title, lambda text: em_width(text) * TITLE_PT <= PDF_TEXT_WIDTH)
    heading = add_docx_paragraph(
        document, first, align=WD_ALIGN_PARAGRAPH.CENTER, size=TITLE_PT, leading=TITLE_LEADING, east_asia=TITLE_FONT
    )
    for line in more:  # Word would break the title wherever the line is full
        heading.runs[0].add_break()
        heading.runs[0].add_text(line)
    add_docx_paragraph(document, "")
    for section in _sections(report):
        heading = add_docx_paragraph(document, section.label, east_asia=HEADING_FONT, first_indent_chars=2)
        heading.paragraph_format.keep_with_next = True
        for text in section.paragraphs:
            add_docx_paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent_chars=2)
        if section.grid:
            _docx_table(document, section.grid)
            add_docx_paragraph(document, "")
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF -----------------------------------------------------------------------------------------

_PT_PER_MM = 72 / 25.4
_TABLE_PADDING = (1.5, 1.5)  # pt above and below, left and right of a cell's text
_TABLE_GAP = LINE_PITCH / 4  # between a heading and its table


class _ReportSheet(OfficialSheet):
    """The letters' page (folio "— 1 —" under the text block), marked 草稿 at the top while a draft."""

    draft = False

    def header(self) -> None:
        if not self.draft:
            return
        with self.local_context(text_color=DRAFT_RED):
            self.set_font(PDF_FAMILY, size=FOLIO_PT)
            self.set_char_spacing(0)
            width = self.get_string_width(DRAFT_MARK)
            self.text(PDF_LEFT + PDF_TEXT_WIDTH - width, PDF_TOP - 10 * _PT_PER_MM, DRAFT_MARK)


def _new_sheet(font_file: str, *, draft: bool) -> _ReportSheet:
    pdf = _ReportSheet(unit="pt", format="A4")
    pdf.draft = draft
    pdf.set_auto_page_break(False)
    pdf.set_margins(PDF_LEFT, PDF_TOP, pdf.w - PDF_LEFT - PDF_TEXT_WIDTH)
    pdf.add_font(PDF_FAMILY, "", font_file)
    return pdf


def _heavy(page: Typesetter, text: str, **layout) -> None:
    """A heading drawn heavy. fpdf2 leaves the stroked text mode set after ``text()``, and it would
    thicken everything after it on the page; the graphics state saved around it ends it."""
    page.room_for(layout.get("leading", LINE_PITCH) * 2)
    with page.pdf.local_context():
        page.paragraph(text, heavy=True, **layout)


def _draw_table(pdf: _ReportSheet, grid: Grid, top: float) -> float:
    """Draw ``grid`` from ``top``, breaking onto new pages as needed; returns where it ends."""
    pdf.set_auto_page_break(True, margin=pdf.h - PDF_TEXT_BOTTOM)  # fpdf2 breaks the table itself
    pdf.set_font(PDF_FAMILY, size=TABLE_PT)
    pdf.set_char_spacing(0)
    pdf.set_line_width(0.5)
    pdf.set_xy(PDF_LEFT, top)
    widths = [PDF_TEXT_WIDTH * w / sum(grid.widths_mm) for w in grid.widths_mm]
    aligns = {"value": Align.R, "row": Align.L, "note": Align.L}
    with pdf.table(
        width=PDF_TEXT_WIDTH,
        col_widths=grid.widths_mm,
        num_heading_rows=grid.heading_rows,
        first_row_as_headings=bool(grid.heading_rows),
        headings_style=FontFace(emphasis=None),
        line_height=TABLE_LEADING,
        padding=_TABLE_PADDING,
        wrapmode=WrapMode.CHAR,  # Chinese breaks between any two characters
        text_align="CENTER",
    ) as table:
        for index in range(len(grid.row_groups)):
            row = table.row()
            for cell in grid.row(index):
                room = sum(widths[cell.col : cell.last_col + 1]) - 2 * _TABLE_PADDING[1] - 0.5
                text, style = cell.text, None
                if cell.kind == "value":  # a number is never broken: a long one is set smaller
                    wide = pdf.get_string_width(text)
                    style = FontFace(size_pt=TABLE_PT * room / wide) if wide > room else None
                else:  # our line breaking keeps "，" and "）" off the start of a line
                    text = "\n".join(wrap_text(text, pdf.get_string_width, room))
                row.cell(
                    text,
                    align=aligns.get(cell.kind, Align.C),
                    style=style,
                    rowspan=cell.rowspan,
                    colspan=cell.colspan,
                )
    pdf.set_auto_page_break(False)
    return pdf.y


def _table_height(font_file: str, grid: Grid) -> float | None:
    """The height of ``grid`` on a page of its own, or None if it needs more than one."""
    scratch = _new_sheet(font_file, draft=False)
    scratch.add_page()
    bottom = _draw_table(scratch, grid, PDF_TOP)
    return bottom - PDF_TOP if scratch.page_no() == 1 else None




def _pdf_text(title: str, sections: list[_Section]) -> str:
    parts = [title, DRAFT_MARK, " — 0123456789"]  # and the page numbers
    for section in sections:
        parts += [section.label, *section.paragraphs]
        if section.grid:
            parts += [cell.text for cell in section.grid.cells]
    return "".join(parts)


def render_pdf(report: dict, *, org_name: str, title: str) -> bytes:
    sections = _sections(report)
    # fpdf2 reads the font lazily: the file must outlive pdf.output()
    with tempfile.NamedTemporaryFile(suffix=".ttf") as font_file:
        font_file.write(truetype_subset(_pdf_text(title, sections)))
        font_file.flush()
        pdf = _new_sheet(font_file.name, draft=_is_draft(report))
        pdf.set_lang("zh-CN")
        pdf.set_title(title)
        pdf.set_author(org_name)

        page = Typesetter(pdf)
        for line in _title_lines(title, lambda text: page.width(text, size=TITLE_PT) <= PDF_TEXT_WIDTH):
            _heavy(page, line, size=TITLE_PT, leading=TITLE_LEADING, align="center")
        page.blank_line()
        for section in sections:
            if section.grid:
                # heading and table together on the next page when they do not fit on this one
                height = _table_height(font_file.name, section.grid)
                page.room_for(LINE_PITCH + _TABLE_GAP + height if height is not None else 4 * LINE_PITCH)
            _heavy(page, section.label, first_indent=2 * COLUMN, tracking=TRACKING)
            for text in section.paragraphs:
                page.paragraph(text, align="justify", first_indent=2 * COLUMN, tracking=TRACKING)
            if section.grid:
                page.y = _draw_table(pdf, section.grid, page.y + _TABLE_GAP) + LINE_PITCH / 2
        return bytes(pdf.output())


# --- XLSX ----------------------------------------------------------------------------------------

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_XLSX_FIRST_ROW = 3  # row 1 the title, row 2 the section label


def _xlsx_sheet(workbook: Workbook, grid: Grid, *, title: str, draft: bool) -> None:
    sheet = workbook.create_sheet(SHEET_NAMES[grid.key])
    last = get_column_letter(grid.columns)
    sheet["A1"] = f"{title}（{DRAFT_MARK}）" if draft else title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = grid.caption
    sheet["A2"].font = Font(bold=True, size=12)
    for row in (1, 2):
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet[f"A{row}"].alignment = Alignment(horizontal="center" if row == 1 else "left", vertical="center")
    sheet.row_dimensions[1].height = 30

    for cell in grid.cells:
        row, col = _XLSX_FIRST_ROW + cell.row, 1 + cell.col
        target = sheet.cell(row=row, column=col, value=cell.value if cell.kind == "value" else cell.text)
        if cell.kind == "value":
            target.number_format = "0.0000" if isinstance(cell.value, Decimal) else "0"
            target.alignment = Alignment(horizontal="right", vertical="center")
        else:
            horizontal = "left" if cell.kind in ("row", "note") else "center"
            target.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
            target.font = Font(bold=cell.kind not in ("row", "note"))
        for r in range(row, row + cell.rowspan):
            for c in range(col, col + cell.colspan):
                sheet.cell(row=r, column=c).border = _BOX  # every slot: Excel draws merged borders per cell
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(
                start_row=row, start_column=col, end_row=_XLSX_FIRST_ROW + cell.last_row, end_column=1 + cell.last_col
            )
    for index, width in enumerate(grid.widths_mm, start=1):
        # Excel's unit is one "0" of the default font, about 1.9 mm; a sheet has no page to fit, so
        # each column gets half as much again as its share of the A4 text block
        sheet.column_dimensions[get_column_letter(index)].width = round(max(width / 1.9 * 1.5, 9), 1)
    if grid.heading_rows:
        first_value = min(cell.col for cell in grid.cells if cell.kind == "value")
        sheet.freeze_panes = sheet.cell(row=_XLSX_FIRST_ROW + grid.heading_rows, column=1 + first_value)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if grid.columns > 8 else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{_XLSX_FIRST_ROW + grid.heading_rows - 1}"


def render_xlsx(report: dict, *, org_name: str, title: str) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = title
    workbook.properties.creator = org_name
    for grid in annual_tables(report):
        _xlsx_sheet(workbook, grid, title=title, draft=_is_draft(report))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
