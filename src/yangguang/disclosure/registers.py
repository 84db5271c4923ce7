"""Registers as Excel workbooks: the disclosure catalogue and 《政务公开报送登记表》."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from yangguang.core.models import Organisation
from yangguang.disclosure import selectors
from yangguang.disclosure.models import CatalogueNode


def _sheet(workbook: Workbook, title: str, heading: str, columns: list[tuple[str, int]], rows: list[list]) -> None:
    sheet = workbook.active if workbook.active.max_row == 1 and workbook.active.title == "Sheet" else workbook.create_sheet()
    sheet.title = title
    sheet.append([heading])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([name for name, _ in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def catalogue_workbook(organisation: Organisation) -> bytes:
    nodes = CatalogueNode.objects.filter(organisation=organisation, kind=CatalogueNode.Kind.ITEM).select_related("parent")
    rows = [
        [n.parent.code, n.parent.name, n.code, n.name, n.get_scope_display(), "、".join(n.channel_labels()),
         n.responsible_unit, n.get_update_frequency_display(), n.description]
        for n in nodes.order_by("parent__sort_order", "sort_order", "code")
    ]
    workbook = Workbook()
    _sheet(workbook, "公开目录", f"{organisation.name}政务公开目录", [
        ("类别编号", 10), ("类别", 20), ("项目编号", 10), ("公开项目", 30), ("公开范围", 10),
        ("公开形式", 30), ("责任科室", 16), ("更新频率", 12), ("公开内容说明", 40),
    ], rows)
    return _bytes(workbook)


def submission_workbook(organisation: Organisation, *, year: int) -> bytes:
    rows = []
    for n, record in enumerate(selectors.submission_register(organisation, year=year), start=1):
        rows.append([
            n, record.item.responsible_unit or record.publisher.name, record.title, record.index_number,
            "、".join(record.item.channel_labels()), record.get_scope_display(), record.formed_on.isoformat(),
            timezone.localtime(record.published_at).date().isoformat(), record.get_state_display(),
        ])
    workbook = Workbook()
    _sheet(workbook, "报送登记", f"{organisation.name}政务公开报送登记表（{year}年）", [
        ("序号", 6), ("报送单位", 18), ("公开内容", 40), ("索引号", 22), ("公开形式", 26),
        ("公开范围", 10), ("生成日期", 12), ("公开日期", 12), ("状态", 10),
    ], rows)
    return _bytes(workbook)
