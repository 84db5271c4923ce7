"""The service-centre statistics (``service_selectors.service_statistics``) as JSON, XLSX and a
standalone HTML document, and as the tables the staff and portal pages show.

Every format draws the same tables from ``tables``: the totals, then one table per breakdown, the
figures shown by ``service_stats.display`` ("94.28%", "17.52", "—"). XLSX keeps the numbers as
numbers (rates formatted as percentages) and writes "—" where a figure is null.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.template import Context, Engine
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from yangguang.reports import service_stats as stats
from yangguang.reports.exports import FORMATS as CONTENT_TYPES
from yangguang.reports.render import TEMPLATES_DIR, document_csp  # noqa: F401  (document_csp: to serve the HTML)

FORMATS = {fmt: CONTENT_TYPES[fmt] for fmt in ("json", "xlsx", "html")}

# key, caption (and XLSX sheet name), identifying columns (field, header)
BREAKDOWNS = (
    ("by_department", "按部门", (("code", "部门编码"), ("name", "部门名称"))),
    ("by_window", "按窗口", (("centre", "政务服务中心"), ("code", "窗口号"), ("name", "窗口名称"))),
    ("by_item", "按事项", (("code", "事项编码"), ("name", "事项名称"), ("department", "实施部门"))),
    ("by_agency_point", "按代办点", (("code", "代办点编码"), ("name", "代办点名称"))),
)
TOTALS_CAPTION = "总体情况"
ROW_HEADER = "name"  # the column that names a row (th scope="row")

_ENGINE = Engine(dirs=[str(TEMPLATES_DIR)], autoescape=True)  # works whether or not the app is installed


def chinese_date(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.year}年{d.month}月{d.day}日"


def period_text(report: dict) -> str:
    return f"{chinese_date(report['from'])}至{chinese_date(report['to'])}"


def title_of(report: dict) -> str:
    return f"{report['org_name']}政务服务办件统计"


def filename(report: dict, fmt: str) -> str:
    return f"{report['org']}-办件统计-{report['from']}-{report['to']}.{fmt}"


# --- the tables -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False
    header: bool = False  # a row header (th scope="row")


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    text: str
    unit: str
    note: str


def facts(totals: dict) -> list[Fact]:
    """The totals as labelled figures, in the order of ``service_stats.KEYS``."""
    found = []
    for key in stats.KEYS:
        value = totals[key]
        unit = stats.UNITS.get(key, "") if value is not None else ""
        found.append(Fact(key, stats.LABELS[key], stats.display(key, value), unit, stats.NOTES.get(key, "")))
    return found


def breakdown_headers(columns) -> tuple[str, ...]:
    return tuple(header for _, header in columns) + tuple(stats.LABELS[k] for k in stats.KEYS)


def tables(report: dict) -> list[Table]:
    """The totals and the four breakdowns; a breakdown without rows is left out."""
    result = [Table("totals", TOTALS_CAPTION, ("指标", "数值"), tuple(
        (Cell(f.label, header=True), Cell(f.text, numeric=True)) for f in facts(report["totals"])
    ))]
    for key, caption, columns in BREAKDOWNS:
        rows = tuple(
            tuple(Cell("" if row[f] is None else str(row[f]), header=f == ROW_HEADER) for f, _ in columns)
            + tuple(Cell(stats.display(k, row[k]), numeric=True) for k in stats.KEYS)
            for row in report[key]
        )
        if rows:
            result.append(Table(key, caption, breakdown_headers(columns), rows))
    return result


# --- formats --------------------------------------------------------------------------------------


def render_json(report: dict) -> bytes:
    return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()


def render_html(report: dict) -> str:
    """A standalone page: its own styles, nothing fetched (serve it with ``document_csp``)."""
    return _ENGINE.get_template("reports/service_document.html").render(Context({
        "title": title_of(report), "period": period_text(report), "report": report, "tables": tables(report),
    }))


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_NUMBER_FORMATS = {**{k: "0.00%" for k in stats.RATE_KEYS}, **{k: "0.00" for k in stats.AVERAGE_KEYS}}


def _xlsx_heading(sheet, title: str, period: str, width: int) -> None:
    sheet["A1"], sheet["A2"] = title, f"统计期间：{period}"
    sheet["A1"].font = Font(bold=True, size=14)
    for row in (1, 2):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 2))


def _xlsx_header_row(sheet, row: int, headers) -> None:
    for col, text in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=col, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX


def _xlsx_figure(sheet, row: int, col: int, key: str, value) -> None:
    cell = sheet.cell(row=row, column=col, value=stats.NULL_TEXT if value is None else value)
    cell.border = _BOX
    cell.alignment = Alignment(horizontal="right")
    if value is not None and key in _NUMBER_FORMATS:
        cell.number_format = _NUMBER_FORMATS[key]


def render_xlsx(report: dict) -> bytes:
    """One sheet for the totals and one per breakdown, headed in Chinese."""
    title, period = title_of(report), period_text(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TOTALS_CAPTION
    workbook.properties.title = title
    workbook.properties.creator = report["org_name"]
    _xlsx_heading(sheet, title, period, 3)
    _xlsx_header_row(sheet, 3, ("指标", "数值", "说明"))
    for index, key in enumerate(stats.KEYS, start=4):
        label = sheet.cell(row=index, column=1, value=stats.LABELS[key])
        label.border = _BOX
        _xlsx_figure(sheet, index, 2, key, report["totals"][key])
        note = sheet.cell(row=index, column=3, value=stats.NOTES.get(key, ""))
        note.border = _BOX
    for letter, width in (("A", 28), ("B", 14), ("C", 60)):
        sheet.column_dimensions[letter].width = width

    for key, caption, columns in BREAKDOWNS:
        sheet = workbook.create_sheet(caption)
        headers = breakdown_headers(columns)
        _xlsx_heading(sheet, f"{title}（{caption}）", period, len(headers))
        _xlsx_header_row(sheet, 3, headers)
        for index, row in enumerate(report[key], start=4):
            for col, (field, _) in enumerate(columns, start=1):
                sheet.cell(row=index, column=col, value=row[field]).border = _BOX
            for col, figure in enumerate(stats.KEYS, start=len(columns) + 1):
                _xlsx_figure(sheet, index, col, figure, row[figure])
        for col, header in enumerate(headers, start=1):
            wide = 28 if header.endswith("名称") else 12
            sheet.column_dimensions[get_column_letter(col)].width = wide
        sheet.row_dimensions[3].height = 45
        sheet.freeze_panes = sheet.cell(row=4, column=len(columns) + 1)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(report: dict, fmt: str) -> bytes:
    if fmt == "json":
        return render_json(report)
    if fmt == "xlsx":
        return render_xlsx(report)
    if fmt == "html":
        return render_html(report).encode()
    raise ValueError(fmt)
