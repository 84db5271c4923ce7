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
