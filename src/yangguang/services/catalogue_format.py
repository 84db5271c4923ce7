"""The two file formats of the service-item catalogue (事项目录): what their columns are, how a
cell or JSON value is read (and refused, with a Chinese reason), how a file becomes rows, and how
a workbook is written. Nothing here touches the database; ``catalogue`` checks the rows against
the stored catalogue and writes them. The format is described in ``docs/items-import.md``.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from yangguang.core.models import CODE_RE
from yangguang.services import rules

ITEM_SHEET, MATERIAL_SHEET, HELP_SHEET = "事项目录", "申请材料", "填写说明"
FORMATS = (".xlsx", ".jsonl")
MAX_LIMIT = 999  # working days; nothing the law sets comes near
MAX_COPIES = 99
MAX_SORT_ORDER = 1_000_000

TRUE_WORDS = frozenset({"是", "true", "yes", "y", "1", "√", "✓"})
FALSE_WORDS = frozenset({"否", "false", "no", "n", "0", "×"})
STEP_SHORT = {"accept": "受理", "review": "审查", "approve": "核准", "complete": "办结"}
STEP_NAMES = {**{k: k for k in rules.STEPS}, **{v: k for k, v in rules.STEPS.items()},
              **{v: k for k, v in STEP_SHORT.items()}, "决定": "approve"}
_LIST_SEPARATORS = re.compile(r"[,，、;；→>\s]+")
_HEADER_NOISE = re.compile(r"[（(][^）)]*[）)]|[*＊\s]")


@dataclass(frozen=True)
class Column:
    key: str  # the JSONL key (and the English header)
    header: str  # the Chinese header of the workbook
    kind: str  # how a value is read: see parse_value
    hint: str
    required: bool = False
    aliases: tuple[str, ...] = ()


ITEM_COLUMNS = (
    Column("code", "事项编码", "code", "字母、数字、下划线或连字符，最长 40 位；已有的编码更新，新的编码新增", True),
    Column("name", "事项名称", "text", "最长 200 字", True),
    Column("department", "实施部门编码", "department", "系统中已有机构的编码，例如 C-GAJ", True, ("实施部门", "部门编码")),
    Column("kind", "事项类型", "kind", "、".join(rules.KINDS.values()), True),
    Column("legal_limit", "法定时限（工作日）", "limit", "整数；留空表示法律法规未规定时限"),
    Column("committed_limit", "承诺时限（工作日）", "limit", "整数；即办件为 0，承诺件大于 0 且不超过法定时限"),
    Column("immediate", "即办件", "flag", "是/否", aliases=("是否即办件",)),
    Column("steps", "办理环节", "steps", "例如 受理,审查,核准,办结；受理和办结总会包含；即办件只有受理,办结"),
    Column("step_limits", "各环节时限（工作日）", "step_limits", "例如 审查:3,核准:2；可留空"),
    Column("charges", "是否收费", "flag", "是/否", aliases=("收费",)),
    Column("fee_basis", "收费依据", "text", ""),
    Column("fee_standard", "收费标准", "text", ""),
    Column("conditions", "办理条件", "text", "可换行"),
    Column("legal_basis", "设定依据", "text", "可换行"),
    Column("place", "办理地点", "text", "最长 200 字"),
    Column("hours", "办理时间", "text", "最长 200 字"),
    Column("consult_phone", "咨询电话", "text", "最长 50 字"),
    Column("supervise_phone", "监督投诉电话", "text", "最长 50 字"),
    Column("online_allowed", "可网上申报", "flag", "是/否"),
    Column("agency_allowed", "可镇村代办", "flag", "是/否"),
    Column("is_active", "在用", "flag", "是/否；留空为“是”", aliases=("是否在用",)),
    Column("active_from", "启用日期", "date", "YYYY-MM-DD，可留空"),
    Column("active_until", "停用日期", "date", "YYYY-MM-DD，可留空；当天起不再公布"),
    Column("sort_order", "排序", "count", "整数，同一部门内从小到大排列"),
)
MATERIAL_COLUMNS = (
    Column("item", "事项编码", "code", "该材料所属事项的编码（只用于“申请材料”表）", True),
    Column("name", "材料名称", "text", "最长 200 字", True),
    Column("form", "材料形式", "form", "、".join(rules.MATERIAL_FORMS.values()) + "；留空为原件"),
    Column("copies", "份数", "copies", f"1 至 {MAX_COPIES}；留空为 1"),
    Column("required", "是否必需", "flag", "是/否；留空为“是”", aliases=("必需", "必须提供")),
    Column("note", "说明", "text", "最长 200 字"),
)
ITEM_KEYS = {c.key for c in ITEM_COLUMNS}
MATERIAL_KEYS = {c.key for c in MATERIAL_COLUMNS} - {"item"}


class CatalogueRefused(ValidationError):
    """The file has errors; nothing was imported. ``messages`` lists them, ``total`` counts them."""

    def __init__(self, messages: list[str], total: int | None = None, *, whole_file: bool = False):
        super().__init__(messages)
        self.total = len(messages) if total is None else total
        self.whole_file = whole_file  # about the file itself (missing, unreadable), not its rows


# --- reading one value ---------------------------------------------------------------------------


class CellError(Exception):
    """A value that cannot be read; the message says why, in Chinese."""


def is_empty(value) -> bool:
    return value is None or isinstance(value, str) and not value.strip()


def _shown(value) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else f"“{value}”"


def _text(value) -> str:
    if isinstance(value, (bool, date, list, dict)):
        raise CellError(f"应为文字，现为 {_shown(value)}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a text column of Excel
    return str(value).strip()


def _whole(value, *, low: int, high: int) -> int:
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            pass
    if number is None:
        raise CellError(f"应为整数，现为 {_shown(value)}")
    if not low <= number <= high:
        raise CellError(f"应在 {low} 至 {high} 之间，现为 {number}")
    return number


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise CellError(f"应为“是”或“否”（也可写 true 或 false），现为 {_shown(value)}")


def _choice(value, options: dict[str, str], what: str) -> str:
    text = _text(value)
    for key, label in options.items():
        if text in (key, label):
            return key
    raise CellError(f"{what}“{text}”无效，可选：{'、'.join(options.values())}（或英文键 {'、'.join(options)}）")


def _step(value) -> str:
    text = _text(value)
    key = STEP_NAMES.get(text) or STEP_NAMES.get(text.lower())
    if key is None:
        raise CellError(f"未知的办理环节“{text}”，可选：{'、'.join(STEP_SHORT.values())}")
    return key


def _steps(value) -> list[str]:
    parts = value if isinstance(value, list) else _LIST_SEPARATORS.split(_text(value))
    return list(rules.normalise_steps([_step(p) for p in parts if not is_empty(p)]))


def _step_limits(value) -> dict[str, int]:
    if isinstance(value, dict):
        pairs = list(value.items())
    else:
        pairs = []
        for part in re.split(r"[,，、;；\s]+", _text(value)):
            if part:
                match = re.fullmatch(r"(.+?)[:：=](.+)", part)
                if match is None:
                    raise CellError(f"“{part}”应写成“环节:工作日数”，例如“审查:3”")
                pairs.append((match[1], match[2]))
    limits = {}
    for name, days in pairs:
        key = _step(name)
        try:
            limits[key] = _whole(days, low=0, high=MAX_LIMIT)
        except CellError as exc:
            raise CellError(f"环节“{STEP_SHORT[key]}”的时限{exc}") from None
    return {k: limits[k] for k in rules.STEPS if k in limits}


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise CellError(f"“{text}”不是 YYYY-MM-DD 格式的有效日期")


def parse_code(value) -> str:
    text = _text(value)
    if not CODE_RE.match(text):
        raise CellError(f"“{text}”无效：编码只能由字母、数字、下划线或连字符组成，长度 1–40")
    return text


def parse_value(column: Column, value, departments: dict[str, int]):
    kind = column.kind
    if kind == "code":
        return parse_code(value)
    if kind == "text":
        return _text(value)
    if kind == "department":
        code = _text(value)
        if code not in departments:
            raise CellError(f"系统中没有编码为“{code}”的机构")
        return departments[code]
    if kind == "kind":
        return _choice(value, rules.KINDS, "事项类型")
    if kind == "form":
        return _choice(value, rules.MATERIAL_FORMS, "材料形式")
    if kind == "limit":
        return _whole(value, low=0, high=MAX_LIMIT)
    if kind == "count":
        return _whole(value, low=0, high=MAX_SORT_ORDER)
    if kind == "copies":
        return _whole(value, low=1, high=MAX_COPIES)
    if kind == "flag":
        return _flag(value)
    if kind == "steps":
        return _steps(value)
    if kind == "step_limits":
        return _step_limits(value)
    if kind == "date":
        return _day(value)
    raise AssertionError(kind)


# --- rows as the file has them -------------------------------------------------------------------


@dataclass
class Row:
    where: str  # "第 3 行" (JSONL) or "“事项目录”表第 3 行" (workbook)
    values: dict  # column key → the raw value, for the columns the file has
    names: dict[str, str]  # column key → how messages name it
    materials: list[Row] | None = None  # None: the file says nothing about this item's materials


class Errors(list):
    def add(self, row: Row, key: str | None, message: str) -> None:
        self.append(f"{row.where} {row.names.get(key, key)}：{message}" if key else f"{row.where}：{message}")


def _refused_file(message: str) -> CatalogueRefused:
    return CatalogueRefused([message], whole_file=True)


def _jsonl_rows(data: bytes, errors: Errors) -> list[Row]:
    rows = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        where = f"第 {number} 行"
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            errors.append(f"{where}：不是 UTF-8 编码的文本（请以 UTF-8 保存文件）")
            continue
        text = text.lstrip("\ufeff") if number == 1 else text
        if not text:
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}：不是有效的 JSON（第 {exc.colno} 个字符附近有错）")
            continue
        if not isinstance(record, dict):
            errors.append(f"{where}：应为一个 JSON 对象（{{…}}）")
            continue
        row = Row(where, {k: v for k, v in record.items() if k in ITEM_KEYS}, {})
        for key in sorted(set(record) - ITEM_KEYS - {"materials"}):
            errors.add(row, key, "未知字段（可用字段见 docs/items-import.md）")
        if "materials" in record:
            row.materials = _jsonl_materials(row, record["materials"], errors)
        rows.append(row)
    return rows


def _jsonl_materials(row: Row, value, errors: Errors) -> list[Row]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add(row, "materials", "应为列表（JSON 数组）")
        return []
    materials = []
    for index, entry in enumerate(value):
        prefix = f"materials[{index}]"
        if not isinstance(entry, dict):
            errors.add(row, prefix, "应为 JSON 对象，例如 {\"name\": \"申请表\"}")
            continue
        for key in sorted(set(entry) - MATERIAL_KEYS):
            errors.add(row, f"{prefix}.{key}", "未知字段（可用：name、form、copies、required、note）")
        values = {k: v for k, v in entry.items() if k in MATERIAL_KEYS}
        materials.append(Row(row.where, values, {key: f"{prefix}.{key}" for key in MATERIAL_KEYS}))
    return materials


def _header_lookup(columns) -> dict[str, Column]:
    lookup = {}
    for column in columns:
        for name in (column.key, column.header, *column.aliases):
            lookup[_HEADER_NOISE.sub("", name).lower()] = column
    return lookup


_ITEM_HEADERS, _MATERIAL_HEADERS = _header_lookup(ITEM_COLUMNS), _header_lookup(MATERIAL_COLUMNS)


def _sheet_rows(sheet, columns, lookup, errors: Errors) -> list[Row]:
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    where = f"“{sheet.title}”表"
    indexes: dict[str, int] = {}
    for index, cell in enumerate(header):
        if is_empty(cell):
            continue
        column = lookup.get(_HEADER_NOISE.sub("", str(cell)).lower())
        position = f"{where}第 1 行 {get_column_letter(index + 1)} 列"
        if column is None:
            errors.append(f"{position}：无法识别的表头“{cell}”（可用的表头见“{HELP_SHEET}”表或 docs/items-import.md）")
        elif column.key in indexes:
            errors.append(f"{position}：表头“{cell}”与 {get_column_letter(indexes[column.key] + 1)} 列重复")
        else:
            indexes[column.key] = index
    missing = [c.header for c in columns if c.required and c.key not in indexes]
    if missing:
        errors.append(f"{where}缺少“{'”“'.join(missing)}”列（表头应在第 1 行）")
        return []
    names = {c.key: c.header for c in columns}
    rows = []
    for number, cells in enumerate(lines, start=2):
        if all(is_empty(cell) for cell in cells):
            continue
        values = {key: cells[i] if i < len(cells) else None for key, i in indexes.items()}
        rows.append(Row(f"{where}第 {number} 行", values, names))
    return rows


def _xlsx_rows(path: Path, errors: Errors) -> list[Row]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError):
        raise _refused_file(f"{path.name} 不是有效的 Excel 工作簿（.xlsx）") from None
    try:
        names = book.sheetnames
        name = ITEM_SHEET if ITEM_SHEET in names else next((n for n in names if n not in (MATERIAL_SHEET, HELP_SHEET)), None)
        if name is None:
            raise _refused_file(f"{path.name} 中没有“{ITEM_SHEET}”工作表")
        rows = _sheet_rows(book[name], ITEM_COLUMNS, _ITEM_HEADERS, errors)
        if MATERIAL_SHEET not in names:
            return rows
        materials = _sheet_rows(book[MATERIAL_SHEET], MATERIAL_COLUMNS, _MATERIAL_HEADERS, errors)
    finally:
        book.close()
    by_code: dict[str, list[Row]] = defaultdict(list)
    for material in materials:
        try:
            by_code[parse_code(material.values["item"])].append(material)
        except CellError as exc:
            errors.add(material, "item", str(exc))
    codes = set()
    for row in rows:
        try:
            code = parse_code(row.values["code"])
        except CellError:
            code = None  # reported when the row is checked
        row.materials = [] if code in codes else by_code.get(code, [])  # a repeated code is an error anyway
        codes.add(code)
    for code in by_code.keys() - codes:
        for material in by_code[code]:
            errors.add(material, "item", f"“{code}”不在“{ITEM_SHEET}”表中")
    return rows


def read_rows(path: Path, errors: Errors) -> list[Row]:
    if path.suffix.lower() not in FORMATS:
        raise _refused_file(f"只能导入 .xlsx 或 .jsonl 文件，{path.name} 不是")
    try:
        if path.suffix.lower() == ".jsonl":
            return _jsonl_rows(path.read_bytes(), errors)
        return _xlsx_rows(path, errors)
    except FileNotFoundError:
        raise _refused_file(f"找不到文件 {path}") from None
    except IsADirectoryError:
        raise _refused_file(f"{path} 是目录，不是文件") from None
    except PermissionError:
        raise _refused_file(f"无权读取文件 {path}") from None


# --- writing -------------------------------------------------------------------------------------


def cell_value(column: Column, value):
    """A JSONL value as the workbook writes it."""
    if value is None or value == "":
        return None
    if column.kind == "kind":
        return rules.KINDS[value]
    if column.kind == "form":
        return rules.MATERIAL_FORMS[value]
    if column.kind == "flag":
        return "是" if value else "否"
    if column.kind == "steps":
        return ",".join(STEP_SHORT[k] for k in value)
    if column.kind == "step_limits":
        return ",".join(f"{STEP_SHORT[k]}:{v}" for k, v in value.items()) or None
    if column.kind == "date":
        return date.fromisoformat(value)
    return value


def _put_row(sheet, number: int, values) -> None:
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row=number, column=col, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text that starts with "=" stays text, never a formula
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"


def _sheet(book: Workbook, title: str, columns, rows, widths) -> None:
    sheet = book.create_sheet(title)
    _put_row(sheet, 1, [c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, values in enumerate(rows, start=2):
        _put_row(sheet, number, values)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def workbook_bytes(records: list[dict]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    item_rows = [[cell_value(c, r[c.key]) for c in ITEM_COLUMNS] for r in records]
    _sheet(book, ITEM_SHEET, ITEM_COLUMNS, item_rows, [14, 30, 14, 14] + [12] * (len(ITEM_COLUMNS) - 4))
    material_rows = [
        [r["code"], *(cell_value(c, m[c.key]) for c in MATERIAL_COLUMNS[1:])] for r in records for m in r["materials"]
    ]
    _sheet(book, MATERIAL_SHEET, MATERIAL_COLUMNS, material_rows, [14, 30, 14, 8, 10, 30])
    help_rows = [[c.header, c.key, "是" if c.required else "", c.hint] for c in ITEM_COLUMNS]
    help_rows += [[f"{MATERIAL_SHEET}：{c.header}", c.key if c.key != "item" else "", "是" if c.required else "", c.hint]
                  for c in MATERIAL_COLUMNS]
    help_columns = [Column("", h, "text", "") for h in ("表头", "英文键", "必填", "说明")]
    _sheet(book, HELP_SHEET, help_columns, help_rows, [24, 18, 8, 70])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


