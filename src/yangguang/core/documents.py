"""Official documents (公文) rendered from plain data to DOCX and PDF.

Layout follows GB/T 9704—2012 for both formats: A4, a 156 × 225 mm text block (margins 37 mm top,
35 mm bottom, 28 mm left, 26 mm right) holding 22 lines of 28 characters in 3号 (16 pt); the title
centred in 2号 (22 pt); the signature and date under the body after GB/T 9704 7.3.5; page numbers
"— 1 —" in 4号 7 mm under the text block, odd pages right and even pages left.

DOCX (python-docx) only names the fonts a government PC has — 方正小标宋简体 for the title,
仿宋_GB2312 for the body — through ``w:rFonts w:eastAsia``; Word lays the text out itself.

PDF needs real glyphs on a server that has no CJK font and cannot fetch one at run time, so the font
comes with ``pip install``: Noto Serif SC Regular (思源宋体, SIL OFL 1.1) from the PyPI package
``pylopdf-fonts-zh-cn``. It is the one Song-style CJK face among the font wheels on PyPI — the
others are Noto Sans — and it is a single 11 MB Simplified-Chinese OTF (30,928 code points) rather
than a 20 MB multi-language collection. The title is drawn with a thin outline over the fill to
stand in for the heavier 小标宋.

The PDF engine is fpdf2: pure Python, so no Cairo or Pango as WeasyPrint would need. fpdf2 can embed
the font's CFF outlines as they are, but then addresses glyphs in a way pypdf cannot read back past
255 distinct characters; so each document's subset is first redrawn with TrueType outlines
(``_truetype_subset``, ~0.3 s) and goes in as FontFile2 with Identity-H and a ToUnicode map. A
one-page letter is about 35 KB and its text can be searched and copied. Line breaking is ours
(``wrap_text``): Chinese breaks between any two characters, punctuation obeys the usual 禁则, and
body lines are justified on the 28-character grid.
"""

from __future__ import annotations

import math
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from io import BytesIO
from pathlib import Path
from typing import Literal

import pylopdf_fonts_zh_cn
import segno
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fpdf import FPDF
from fpdf.enums import TextMode


@dataclass(frozen=True)
class OfficialDocument:
    title: str  # e.g. "政府信息公开申请答复告知书"
    doc_number: str = ""  # e.g. "示司公开〔2026〕3号", centred under the title
    addressee: str = ""  # e.g. "张三：", flush left
    paragraphs: tuple[str, ...] = ()  # body paragraphs, first line indented two characters
    signature: str = ""  # the issuing organisation
    signed_on: date | None = None  # shown as 2026年11月26日 under the signature
    notes: tuple[str, ...] = ()  # small print after the date, e.g. "（联系人：…，电话：…）"
    qr_url: str = ""  # printed as a QR code at the end, with its caption, e.g. the public progress page
    qr_caption: str = ""


_QR_MM = 28  # printed side of a QR code: scannable by a phone at arm's length


def qr_matrix(url: str) -> list[list[bool]]:
    """The modules of a QR code for ``url`` (error correction M), without the quiet zone."""
    return [[bool(v) for v in row] for row in segno.make(url, error="m").matrix]


def font_path() -> Path:
    """The Noto Serif SC OpenType file that PDFs are set in."""
    return pylopdf_fonts_zh_cn.serif_path()


# --- GB/T 9704—2012 geometry ---------------------------------------------------------------------

_PAGE_MM = (210, 297)
_TOP_MM, _BOTTOM_MM, _LEFT_MM, _RIGHT_MM = 37, 35, 28, 26
_FOLIO_GAP_MM = 7  # page number this far below the text block
_LINES_PER_PAGE = 22
_CHARS_PER_LINE = 28

_TITLE_PT, _BODY_PT, _NOTE_PT, _FOLIO_PT = 22, 16, 14, 14  # 2号, 3号, 4号, 4号
_TITLE_LEADING = 35.0
_NOTE_LEADING = 22.0

_PT_PER_MM = 72 / 25.4
_TOP, _LEFT = _TOP_MM * _PT_PER_MM, _LEFT_MM * _PT_PER_MM
_TEXT_WIDTH = (_PAGE_MM[0] - _LEFT_MM - _RIGHT_MM) * _PT_PER_MM
_TEXT_BOTTOM = (_PAGE_MM[1] - _BOTTOM_MM) * _PT_PER_MM
_LINE_PITCH = (_TEXT_BOTTOM - _TOP) / _LINES_PER_PAGE  # ≈ 28.99 pt
# 28 characters of 3号 are 448 pt, the block is 442 pt wide: each character gives up ~0.2 pt.
_TRACKING = (_TEXT_WIDTH - _CHARS_PER_LINE * _BODY_PT) / (_CHARS_PER_LINE - 1)
_COLUMN = _BODY_PT + _TRACKING  # one character of the grid

_TITLE_FONT = "方正小标宋简体"
_BODY_FONT = "仿宋_GB2312"
_FOLIO_FONT = "宋体"
_LATIN_FONT = "Times New Roman"


def signature_spaces(signature_width: float, date_width: float) -> tuple[float, float]:
    """Characters of space right of the signature and right of the date (GB/T 9704 7.3.5.2).

    The signature stands four characters in from the right and the date's first character two to
    the right of the signature's. A date longer than that keeps two characters clear and pushes the
    signature further left instead. Widths are in characters; either may be 0 (absent).
    """
    return 4 + max(0.0, date_width - signature_width), 2 + max(0.0, signature_width - date_width)


def chinese_date(day: date) -> str:
    """2026年1月5日: the year in full, month and day without leading zeros (GB/T 9704 7.3.5.1)."""
    return f"{day.year}年{day.month}月{day.day}日"


# --- line breaking -------------------------------------------------------------------------------

# 禁则: closing marks never start a line, opening marks never end one.
_NO_LINE_START = frozenset("。，、；：？！）》」』〕】〗〉”’…—·%‰.,;:?!)]}")
_NO_LINE_END = frozenset("（《「『〔【〖〈“‘([{")
# What a line may break between: an ASCII word or number (a URL also after each "/"), a run of
# spaces, any other single character.
_UNIT = re.compile(r"[!-~]*?/+|[!-~]+| +|.", re.DOTALL)


def _units(text: str) -> list[str]:
    """The pieces a line may break between, punctuation already glued to its neighbour."""
    units: list[str] = []
    for unit in _UNIT.findall(text):
        if units and (unit[0] in _NO_LINE_START or units[-1][-1] in _NO_LINE_END):
            units[-1] += unit
        else:
            units.append(unit)
    return units


def wrap_text(
    text: str, measure: Callable[[str], float], width: float, *, first_width: float | None = None
) -> list[str]:
    """Break ``text`` into lines that ``measure`` no wider than ``width`` (the first: ``first_width``).

    Chinese breaks between any two characters; an ASCII word or number stays whole unless it alone
    is wider than a line. When a closing mark does not fit, the character it clings to moves down
    with it, so no line ever overflows. Spaces at a break are dropped.
    """
    first = width if first_width is None else first_width
    lines: list[str] = []
    line = ""
    for unit in _units(text):
        if measure((line + unit).rstrip()) <= (width if lines else first):
            line += unit
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = unit.lstrip()
        while len(line) > 1 and measure(line) > (width if lines else first):
            cut = max(
                (n for n in range(1, len(line)) if measure(line[:n]) <= (width if lines else first)),
                default=1,
            )
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _balanced(text: str, measure: Callable[[str], float], width: float) -> list[str]:
    """Wrap into as few lines as greedy wrapping needs, but as even as possible (a title)."""
    lines = wrap_text(text, measure, width)
    low, high = width / len(lines), width
    for _ in range(16):
        middle = (low + high) / 2
        if len(wrap_text(text, measure, middle)) <= len(lines):
            high = middle
        else:
            low = middle
    return wrap_text(text, measure, high)


def _plain(text: str) -> str:
    """Line breaks and tabs inside a field become single spaces: the layout decides the lines."""
    return " ".join(text.split())


# --- PDF -----------------------------------------------------------------------------------------

_FAMILY = "NotoSerifSC"
_EM_ASCENT = 0.88  # the ideographic em box of Noto CJK sits 880/1000 above the baseline
_HEAVY_STROKE = 0.45  # pt of outline that thickens the title's strokes towards 小标宋
_CHINA_TIME = timezone(timedelta(hours=8))

_Align = Literal["left", "center", "right", "justify"]


def _truetype_subset(text: str) -> bytes:
    """The glyphs ``text`` needs from the font, redrawn with TrueType outlines.

    fpdf2 embeds a CFF font such as Noto Serif SC, but addresses its glyphs through an embedded
    encoding CMap, which pypdf (and so anything here that reads a PDF back) decodes one byte at a
    time: past 255 distinct characters the text comes out as garbage. A TrueType font goes in as
    Identity-H, which every reader decodes. Only the few hundred glyphs of one letter are redrawn.
    """
    font = TTFont(font_path(), recalcTimestamp=False)
    options = subset.Options(layout_features=[], hinting=False, notdef_outline=True, name_IDs=["*"])
    options.drop_tables += ["BASE", "VORG", "vhea", "vmtx", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)

    order, cubic = font.getGlyphOrder(), font.getGlyphSet()
    quadratic = {}
    for name in order:
        pen = TTGlyphPen(None)
        # within 1/1000 em of the original curves; TrueType contours run the other way round
        cubic[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        quadratic[name] = pen.glyph()
    del font["CFF "]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, quadratic
    font["loca"] = newTable("loca")
    metrics = font["hmtx"].metrics
    for name, glyph in quadratic.items():
        glyph.recalcBounds(glyf)
        metrics[name] = (metrics[name][0], getattr(glyph, "xMin", 0))
    maxp = font["maxp"]
    maxp.tableVersion, maxp.maxZones = 0x00010000, 1
    for field in (
        "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
        "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth",
    ):
        setattr(maxp, field, 0)  # no hinting programs, no composite glyphs
    font["post"].formatType = 3.0  # no glyph names
    font.sfntVersion = "\0\1\0\0"
    buffer = BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class _Sheet(FPDF):
    def footer(self) -> None:
        folio = f"— {self.page_no()} —"
        self.set_font(_FAMILY, size=_FOLIO_PT)
        self.set_char_spacing(0)
        self.text_mode = TextMode.FILL
        if self.page_no() % 2:
            x = _LEFT + _TEXT_WIDTH - _FOLIO_PT - self.get_string_width(folio)
        else:
            x = _LEFT + _FOLIO_PT
        top = _TEXT_BOTTOM + _FOLIO_GAP_MM * _PT_PER_MM
        self.text(x, top + _EM_ASCENT * _FOLIO_PT, folio)


@dataclass(frozen=True)
class _Run:
    """Text drawn from ``x`` with ``spacing`` added after every character."""

    x: float
    spacing: float
    text: str


# Justification widens the gaps at Chinese characters only: a URL or a number keeps its letters.
_LATIN_OR_CHINESE = re.compile(r"[ -~]+|[^ -~]+")


def _floor(value: float) -> float:
    # fpdf2 writes two decimals; rounding down keeps a justified line inside the margin
    return math.floor(value * 100) / 100


class _Typesetter:
    """Places wrapped lines top to bottom, starting a new page when the next line does not fit."""

    def __init__(self, pdf: _Sheet) -> None:
        self.pdf = pdf
        self._new_page()

    def _new_page(self) -> None:
        self.pdf.add_page()
        self.y = _TOP

    def room_for(self, height: float) -> None:
        if self.y + height > _TEXT_BOTTOM + 0.01:
            self._new_page()

    def blank_line(self) -> None:
        if self.y > _TOP:
            self.y += _LINE_PITCH

    def qr_code(self, url: str, caption: str) -> None:
        """The code as filled squares (vector: sharp at any print size), right-aligned, with a caption."""
        matrix = qr_matrix(url)
        side = _QR_MM * _PT_PER_MM
        module = side / len(matrix)
        self.blank_line()
        self.room_for(side + (_LINE_PITCH if caption else 0))
        left = _LEFT + _TEXT_WIDTH - side
        self.pdf.set_fill_color(0, 0, 0)
        for r, row in enumerate(matrix):
            for c, dark in enumerate(row):
                if dark:
                    self.pdf.rect(left + c * module, self.y + r * module, module, module, style="F")
        self.y += side
        if caption:
            self.paragraph(caption, size=_NOTE_PT, leading=_NOTE_LEADING, align="right")

    def width(self, text: str, *, size: float, tracking: float = 0.0) -> float:
        self.pdf.set_font(_FAMILY, size=size)
        self.pdf.set_char_spacing(0)
        return self.pdf.get_string_width(text) + max(len(text) - 1, 0) * tracking

    def paragraph(
        self,
        text: str,
        *,
        size: float = _BODY_PT,
        leading: float = _LINE_PITCH,
        align: _Align = "left",
        first_indent: float = 0.0,
        right_inset: float = 0.0,
        tracking: float = 0.0,
        heavy: bool = False,
    ) -> None:
        for line in self._lines(_plain(text), size, align, first_indent, right_inset, tracking):
            self.room_for(leading)  # may run the footer, which changes the font: set it after
            self.pdf.set_font(_FAMILY, size=size)
            for run in line:
                self.pdf.set_char_spacing(run.spacing)
                baseline = self.y + (leading - size) / 2 + _EM_ASCENT * size
                if heavy:
                    # fpdf2 leaves the stroked text mode set in the PDF's graphics state after
                    # text(); a saved and restored state (q … Q) keeps it to the heavy line.
                    with self.pdf.local_context():
                        self.pdf.text_mode = TextMode.FILL_STROKE
                        self.pdf.set_line_width(_HEAVY_STROKE)
                        self.pdf.text(run.x, baseline, run.text)
                else:
                    self.pdf.text(run.x, baseline, run.text)
            self.y += leading

    def _lines(
        self, text: str, size: float, align: _Align, first_indent: float, right_inset: float, tracking: float
    ) -> list[list[_Run]]:
        def measure(s: str) -> float:
            return self.width(s, size=size, tracking=tracking)

        width = _TEXT_WIDTH - right_inset
        if align == "center":
            lines = _balanced(text, measure, width)
        else:
            lines = wrap_text(text, measure, width, first_width=width - first_indent)
        placed = []
        for number, line in enumerate(lines):
            indent = first_indent if number == 0 else 0.0
            room = width - indent - measure(line)
            x, stretch = _LEFT + indent, 0.0
            runs = _LATIN_OR_CHINESE.findall(line)
            if align == "justify" and number < len(lines) - 1:
                gaps = len(runs) - 1 + sum(len(run) - 1 for run in runs if not run.isascii())
                stretch = _floor(room / gaps) if gaps else 0.0
            elif align == "center":
                x += room / 2
            elif align == "right":
                x += room
            placed.append([])
            for run in runs:
                spacing = _floor(tracking + (0.0 if run.isascii() else stretch))
                placed[-1].append(_Run(x, spacing, run))
                x += self.width(run, size=size) + len(run) * spacing + (stretch if run.isascii() else 0.0)
        return placed


def render_pdf(doc: OfficialDocument) -> bytes:
    signed_on = chinese_date(doc.signed_on) if doc.signed_on else ""
    text = "".join((doc.title, doc.doc_number, doc.addressee, *doc.paragraphs, doc.signature, signed_on, *doc.notes,
                    doc.qr_caption))
    # fpdf2 takes fonts from files only, and reads this one lazily: it must outlive pdf.output()
    with tempfile.NamedTemporaryFile(suffix=".ttf") as font_file:
        font_file.write(_truetype_subset(text + " — 0123456789"))  # and the page numbers
        font_file.flush()
        return _render_pdf(doc, signed_on, font_file.name)


def _render_pdf(doc: OfficialDocument, signed_on: str, font_file: str) -> bytes:
    pdf = _Sheet(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font(_FAMILY, "", font_file)
    pdf.set_lang("zh-CN")
    pdf.set_title(_plain(doc.title))
    if doc.signature:
        pdf.set_author(_plain(doc.signature))
    if doc.signed_on:
        # the same document always renders to the same bytes
        pdf.set_creation_date(datetime.combine(doc.signed_on, time(), _CHINA_TIME))

    page = _Typesetter(pdf)
    page.paragraph(doc.title, size=_TITLE_PT, leading=_TITLE_LEADING, align="center", heavy=True)
    if doc.doc_number:
        page.paragraph(doc.doc_number, align="center")
    page.blank_line()
    if doc.addressee:
        page.paragraph(doc.addressee, tracking=_TRACKING)
    for text in doc.paragraphs:
        page.paragraph(text, align="justify", first_indent=2 * _COLUMN, tracking=_TRACKING)

    if doc.signature or signed_on:
        page.blank_line()
        page.room_for(_LINE_PITCH * (bool(doc.signature) + bool(signed_on)))  # never a date alone
        spaces = signature_spaces(
            page.width(_plain(doc.signature), size=_BODY_PT, tracking=_TRACKING) / _COLUMN,
            page.width(signed_on, size=_BODY_PT, tracking=_TRACKING) / _COLUMN,
        )
        for text, space in zip((doc.signature, signed_on), spaces):
            if text:
                page.paragraph(text, align="right", right_inset=space * _COLUMN, tracking=_TRACKING)
    for note in doc.notes:
        page.paragraph(note, size=_NOTE_PT, leading=_NOTE_LEADING, align="justify", first_indent=2 * _NOTE_PT)
    if doc.qr_url:
        page.qr_code(doc.qr_url, doc.qr_caption)
    return bytes(pdf.output())


# --- DOCX ----------------------------------------------------------------------------------------


def _name_fonts(rpr, east_asia: str, latin: str = _LATIN_FONT) -> None:
    """Name the fonts of a run or style; ``hint`` makes Word set “”—… full width in ``east_asia``."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)  # a theme font would win over the names below
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _em_width(text: str) -> float:
    """Width in characters as 仿宋_GB2312 sets it: Han and full-width marks 1, ASCII ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


def _add_paragraph(
    document,
    text: str,
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
    size: float = _BODY_PT,
    leading: float = _LINE_PITCH,
    east_asia: str = _BODY_FONT,
    first_indent_chars: int = 0,
    right_indent_chars: float = 0,
):
    paragraph = document.add_paragraph()
    layout = paragraph.paragraph_format
    layout.alignment = align
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(leading)
    if first_indent_chars:
        layout.first_line_indent = Pt(first_indent_chars * size)
        # in characters too, so the indent follows the font if a clerk changes it in Word
        paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), str(first_indent_chars * 100))
    if right_indent_chars:
        layout.right_indent = Pt(right_indent_chars * size)
    if text:
        run = paragraph.add_run(_plain(text))
        run.font.size = Pt(size)
        _name_fonts(run._element.get_or_add_rPr(), east_asia)
    return paragraph


def _add_folio(paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    """"— PAGE —" in 4号 宋体, one character in from the outer edge."""
    layout = paragraph.paragraph_format
    layout.alignment = align
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(_FOLIO_PT + 4)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        layout.right_indent = Pt(_FOLIO_PT)
    else:
        layout.left_indent = Pt(_FOLIO_PT)
    _folio_run(paragraph, "— ")
    for element in _page_number_field():
        _folio_run(paragraph)._element.append(element)
    _folio_run(paragraph, " —")


def _folio_run(paragraph, text: str = ""):
    run = paragraph.add_run(text)
    run.font.size = Pt(_FOLIO_PT)
    _name_fonts(run._element.get_or_add_rPr(), _FOLIO_FONT, latin=_FOLIO_FONT)
    return run


def _page_number_field() -> list:
    begin, end = OxmlElement("w:fldChar"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    end.set(qn("w:fldCharType"), "end")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = " PAGE "
    return [begin, code, end]


def new_docx(*, title: str, author: str):
    """A blank Word document set up as GB/T 9704 asks: A4, the margins, 仿宋 body at fixed line
    pitch, page numbers (odd pages right, even left). Reports add their own content to it."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(_BODY_PT)
    _name_fonts(normal.element.get_or_add_rPr(), _BODY_FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(language)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(_LINE_PITCH)

    section = document.sections[0]
    section.page_width, section.page_height = Mm(_PAGE_MM[0]), Mm(_PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(_TOP_MM), Mm(_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(_LEFT_MM), Mm(_RIGHT_MM)
    section.footer_distance = Mm(_BOTTOM_MM - _FOLIO_GAP_MM) - Pt(_FOLIO_PT + 4)
    document.settings.odd_and_even_pages_header_footer = True
    _add_folio(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _add_folio(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    document.core_properties.title = _plain(title)
    document.core_properties.author = _plain(author)
    document.core_properties.language = "zh-CN"
    return document


def render_docx(doc: OfficialDocument) -> bytes:
    document = new_docx(title=doc.title, author=doc.signature)

    # python-docx's template starts with no paragraph, so the title is the first line of the page
    _add_paragraph(
        document, doc.title, align=WD_ALIGN_PARAGRAPH.CENTER, size=_TITLE_PT, leading=_TITLE_LEADING, east_asia=_TITLE_FONT
    )
    if doc.doc_number:
        _add_paragraph(document, doc.doc_number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _add_paragraph(document, "")
    if doc.addressee:
        _add_paragraph(document, doc.addressee)
    for text in doc.paragraphs:
        _add_paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent_chars=2)

    signed_on = chinese_date(doc.signed_on) if doc.signed_on else ""
    if doc.signature or signed_on:
        _add_paragraph(document, "")
        spaces = signature_spaces(_em_width(_plain(doc.signature)), _em_width(signed_on))
        for text, space in zip((doc.signature, signed_on), spaces):
            if text:
                paragraph = _add_paragraph(document, text, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent_chars=space)
                paragraph.paragraph_format.keep_with_next = True  # never a date alone on a page
    for note in doc.notes:
        _add_paragraph(document, note, size=_NOTE_PT, leading=_NOTE_LEADING, first_indent_chars=2)
    if doc.qr_url:
        image = BytesIO()
        segno.make(doc.qr_url, error="m").save(image, kind="png", scale=8, border=0)
        image.seek(0)
        picture = _add_paragraph(document, "", align=WD_ALIGN_PARAGRAPH.RIGHT)
        picture.add_run().add_picture(image, width=Mm(_QR_MM))
        if doc.qr_caption:
            _add_paragraph(document, doc.qr_caption, align=WD_ALIGN_PARAGRAPH.RIGHT, size=_NOTE_PT, leading=_NOTE_LEADING)

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
