"""《政务公开接待日情况登记表》 as an Excel workbook. The visitor's phone number is masked: the
register is printed and filed, and nobody needs the clear number to read it."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from yangguang.core.models import Organisation
from yangguang.supervision import selectors

TITLE = "政务公开接待日情况登记表"
COLUMNS = [
    ("接待日期", 12), ("值班领导", 10), ("来访人", 10), ("联系方式", 14),
    ("反映问题", 40), ("答复情况", 40), ("答复日期", 12), ("记录人", 10),
]


def reception_register_workbook(organisation: Organisation, *, year: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{year}年"
    sheet.append([f"{organisation.name}{TITLE}（{year}年）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([name for name, _ in COLUMNS])
    thin = Side(style="thin")
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for visit in selectors.register_rows(organisation, year=year):
        sheet.append([
            visit.visited_on, str(visit.duty_leader), visit.visitor_name, str(visit.contact_phone),
            visit.issues, visit.reply, visit.replied_on, str(visit.recorded_by),
        ])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if cell.row > 2:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                if cell.column in (1, 7) and cell.value is not None:
                    cell.number_format = "yyyy-mm-dd"
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- 《群众对政务公开的意见、建议及处理记录簿》 ----------------------------------------------------------

COMPLAINT_TITLE = "群众对政务公开的意见、建议及处理记录簿"
COMPLAINT_COLUMNS = [
    ("序号", 6), ("编号", 20), ("收到日期", 12), ("来源", 10), ("类型", 8), ("姓名", 10), ("联系方式", 14),
    ("内容摘要", 40), ("承办单位", 18), ("办理期限", 12), ("处理情况", 40), ("核查结论", 10),
    ("答复方式", 12), ("答复日期", 12), ("经办人", 10), ("状态", 8),
]
SUMMARY_MAX = 120


def _summary(complaint) -> str:
    text = f"{complaint.subject}：{complaint.content}".replace("\n", " ")
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def _who(complaint) -> str:
    from yangguang.core.masking import mask_name

    return "匿名" if complaint.anonymous or not complaint.name else mask_name(complaint.name)


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def complaint_register_workbook(organisation: Organisation, *, start, end) -> bytes:
    """One line per complaint, report or opinion the organisation was responsible for, received in
    the period. Names and phone numbers are masked; an anonymous sender reads "匿名"."""
    from yangguang.supervision import complaint_selectors

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "记录簿"
    sheet.append([f"{organisation.name}{COMPLAINT_TITLE}（{_cn(start)}至{_cn(end)}）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COMPLAINT_COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([name for name, _ in COMPLAINT_COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for n, c in enumerate(complaint_selectors.register_rows(organisation, start=start, end=end), start=1):
        sheet.append([
            n, c.number, c.received_on, c.get_channel_display(), c.get_kind_display(), _who(c),
            c.phone.masked if c.phone else "", _summary(c), c.organisation.name, c.due_on,
            c.handling, c.get_finding_display() if c.finding else "", c.answer_method, c.answered_on,
            str(c.answered_by) if c.answered_by else "", c.get_status_display(),
        ])
    thin = Side(style="thin")
    date_columns = {3, 10, 14}
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if cell.row > 2:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                if cell.column in date_columns and cell.value is not None:
                    cell.number_format = "yyyy-mm-dd"
    for index, (_, width) in enumerate(COMPLAINT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
