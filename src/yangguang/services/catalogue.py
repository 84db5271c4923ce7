"""The service-item catalogue (事项目录) in and out of Excel (.xlsx) and JSON Lines (.jsonl).

Both formats carry the same columns (``catalogue_format``; described in ``docs/items-import.md``).
A workbook has a sheet 事项目录 with one item per row under Chinese (or English) headers, and may
have a sheet 申请材料 with one material per row, tied to its item by 事项编码. A JSONL file has one
item per line, its materials a list under ``materials``.

An import is all or nothing. Every row is checked and every error is reported with its row (or
line) and column before anything is written; then, in one transaction with one audit event, new
codes are created and existing ones updated. A column the file does not have leaves that field of
an existing item as it is; a column that is there but empty sets the field's empty value (no legal
limit, not charged, …). Materials follow the same rule: when the file carries them (a 申请材料
sheet, a ``materials`` key) they replace the item's; when it does not, the item's are kept.

Export writes the same format, so an exported file imports back with nothing changed.
"""

from __future__ import annotations

import copy
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from yangguang.core import audit
from yangguang.core.models import Organisation
from yangguang.services import rules
from yangguang.services.catalogue_format import (
    FORMATS,
    ITEM_COLUMNS,
    ITEM_KEYS,
    MATERIAL_COLUMNS,
    STEP_SHORT,
    CatalogueRefused,
    CellError,
    Errors,
    Row,
    is_empty,
    parse_code,
    parse_value,
    read_rows,
    workbook_bytes,
)
from yangguang.services.models import Material, ServiceItem

__all__ = ["CatalogueRefused", "CatalogueResult", "catalogue_export", "catalogue_import", "catalogue_records"]

ACTION = "services.catalogue.import"
MAX_LISTED_ERRORS = 500
BATCH = 500
# What the comparison with the stored item looks at; "department" is stored as its id.
_SNAPSHOT = tuple("department_id" if c.key == "department" else c.key for c in ITEM_COLUMNS)


@dataclass
class CatalogueResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False


# --- checking a row against the stored catalogue ------------------------------------------------


@dataclass
class _Plan:
    item: ServiceItem
    created: bool
    changed: bool
    materials: list[Material] | None  # None: keep the stored ones
    seen_updated_at: datetime | None


_EMPTY = object()  # the file has the column, the cell is empty


def _max_length(model, key: str) -> int | None:
    return getattr(model._meta.get_field(key), "max_length", None)


def _values(row: Row, columns, departments, errors: Errors) -> dict | None:
    """Column key → value (or ``_EMPTY``) for the columns the row has; None when any is wrong."""
    values, failed = {}, False
    for column in columns:
        if column.key not in row.values:
            if column.required:
                errors.add(row, column.key, f"缺少{column.header}")
                failed = True
            continue
        raw = row.values[column.key]
        if is_empty(raw):
            if column.required:
                errors.add(row, column.key, f"{column.header}不能为空")
                failed = True
            else:
                values[column.key] = _EMPTY
            continue
        try:
            values[column.key] = parse_value(column, raw, departments)
        except CellError as exc:
            errors.add(row, column.key, str(exc))
            failed = True
    return None if failed else values


def _empty_value(model, key: str):
    model_field = model._meta.get_field(key)
    return None if model_field.null else model_field.get_default()


def _lengths_ok(row: Row, model, values: dict, errors: Errors) -> bool:
    ok = True
    for key, value in values.items():
        limit = _max_length(model, key) if key != "department" else None
        if isinstance(value, str) and limit and len(value) > limit:
            errors.add(row, key, f"不能超过 {limit} 个字（现为 {len(value)} 个字）")
            ok = False
    return ok


def _materials(row: Row, departments, errors: Errors) -> list[Material] | None:
    materials, failed = [], False
    for order, material_row in enumerate(row.materials):
        values = _values(material_row, MATERIAL_COLUMNS[1:], departments, errors)  # not "item": that is the row
        if values is None or not _lengths_ok(material_row, Material, values, errors):
            failed = True
            continue
        values = {k: _empty_value(Material, k) if v is _EMPTY else v for k, v in values.items()}
        materials.append(Material(**values, sort_order=order))
    return None if failed else materials


def _snapshot(item: ServiceItem, materials) -> tuple:
    return (
        tuple(getattr(item, name) for name in _SNAPSHOT),
        tuple((m.name, m.form, m.copies, m.required, m.note) for m in materials),
    )


def _check(row: Row, stored: ServiceItem | None, departments: dict[str, int], errors: Errors) -> _Plan | None:
    values = _values(row, ITEM_COLUMNS, departments, errors)
    materials = _materials(row, departments, errors) if row.materials is not None else None
    if values is None or not _lengths_ok(row, ServiceItem, values, errors) or row.materials is not None and materials is None:
        return None
    # A copy: a code that is (wrongly) in the file twice is checked twice against the stored item.
    item = copy.copy(stored) if stored else ServiceItem(code=values["code"])
    before = _snapshot(stored, stored.materials.all()) if stored else None
    steps = values.pop("steps", None)
    for key, value in values.items():
        value = _empty_value(ServiceItem, key) if value is _EMPTY else value
        setattr(item, "department_id" if key == "department" else key, value)
    if item.immediate and "committed_limit" not in values:
        item.committed_limit = 0
    if steps not in (None, _EMPTY):
        item.steps = steps
    elif item.immediate:
        item.steps = list(rules.IMMEDIATE_STEPS)
    elif steps is _EMPTY or stored is None:
        item.steps = list(rules.DEFAULT_STEPS)

    failed = False
    try:
        item.clean()
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            for message in messages:
                errors.add(row, key if key in ITEM_KEYS else None, message)
        failed = True
    outside = [STEP_SHORT[k] for k in item.step_limits if k not in item.step_keys]
    if outside:
        errors.add(row, "step_limits", f"{'、'.join(outside)}不在本事项的办理环节中")
        failed = True
    if item.active_from and item.active_until and item.active_until <= item.active_from:
        errors.add(row, "active_until", f"停用日期 {item.active_until} 应晚于启用日期 {item.active_from}")
        failed = True
    if failed:
        return None
    after = _snapshot(item, materials if materials is not None else (stored.materials.all() if stored else ()))
    return _Plan(item, stored is None, before != after, materials, stored.updated_at if stored else None)


def _stored(codes: list[str]) -> dict[str, ServiceItem]:
    found = {}
    for start in range(0, len(codes), BATCH):
        for item in ServiceItem.objects.filter(code__in=codes[start:start + BATCH]).prefetch_related("materials"):
            found[item.code] = item
    return found


# --- the service ---------------------------------------------------------------------------------


def catalogue_import(*, actor, path: Path | str, dry_run: bool = False) -> CatalogueResult:
    """Import a catalogue file (.xlsx or .jsonl): all of it, or nothing, raising
    ``CatalogueRefused`` with every error by row and column. ``dry_run`` checks and counts only."""
    path = Path(path)
    errors = Errors()
    rows = read_rows(path, errors)
    departments = dict(Organisation.objects.values_list("code", "pk"))
    first_seen: dict[str, str] = {}  # code → where it first appears
    row_codes: list[str | None] = []
    for row in rows:
        try:
            code = None if is_empty(row.values.get("code")) else parse_code(row.values["code"])
        except CellError:
            code = None  # reported when the row is checked
        row_codes.append(code)
        if code in first_seen:
            errors.add(row, "code", f"编码 {code} 与{first_seen[code]}重复")
        elif code:
            first_seen[code] = row.where
    stored = _stored(list(first_seen))
    plans = []
    for row, code in zip(rows, row_codes):
        plan = _check(row, stored.get(code), departments, errors)
        if plan and first_seen.get(code) == row.where:
            plans.append(plan)
    if not rows and not errors:
        errors.append("文件中没有任何事项")
    if errors:
        listed = errors[:MAX_LISTED_ERRORS]
        if len(errors) > len(listed):
            listed.append(f"……另有 {len(errors) - len(listed)} 处错误未列出")
        raise CatalogueRefused(listed, len(errors))

    result = CatalogueResult(dry_run=dry_run)
    for plan in plans:
        target = result.created if plan.created else result.updated if plan.changed else result.unchanged
        target.append(plan.item.code)
    if not dry_run and (result.created or result.updated):
        _write([p for p in plans if p.changed], actor=actor, name=path.name, result=result)
    return result


def _write(plans: list[_Plan], *, actor, name: str, result: CatalogueResult) -> None:
    modified = "事项目录在导入过程中被修改（可能有人同时导入或在后台修改），未导入任何内容，请重新导入"
    try:
        with audit.action(actor=actor, action=ACTION, object_type="services.serviceitem", object_repr=name):
            codes = [p.item.code for p in plans]
            current = {}
            for start in range(0, len(codes), BATCH):
                chunk = codes[start:start + BATCH]
                current.update(ServiceItem.objects.select_for_update().filter(code__in=chunk).values_list("code", "updated_at"))
            if any(current.get(p.item.code) != p.seen_updated_at for p in plans):
                raise CatalogueRefused([modified])
            for plan in plans:
                plan.item.save()
                if plan.materials is not None:
                    Material.objects.filter(item=plan.item).delete()
                    for material in plan.materials:
                        material.item = plan.item
                    Material.objects.bulk_create(plan.materials, batch_size=BATCH)
            audit.record(
                actor=actor, action=ACTION, object_type="services.serviceitem", object_repr=name,
                after={"file": name, "created": result.created, "updated": result.updated,
                       "unchanged": len(result.unchanged)},
            )
    except IntegrityError:
        raise CatalogueRefused([modified]) from None


# --- export --------------------------------------------------------------------------------------


def _record(item: ServiceItem) -> dict:
    """One item as JSONL has it; the workbook shows the same values in Chinese."""
    record = {}
    for column in ITEM_COLUMNS:
        value = item.department.code if column.key == "department" else getattr(item, column.key)
        if column.key == "steps":
            value = list(item.step_keys)
        record[column.key] = value.isoformat() if isinstance(value, date) else value
    record["materials"] = [
        {"name": m.name, "form": m.form, "copies": m.copies, "required": m.required, "note": m.note}
        for m in item.materials.all()
    ]
    return record


def catalogue_records(*, department: Organisation | None = None) -> list[dict]:
    items = ServiceItem.objects.select_related("department").prefetch_related("materials")
    if department is not None:
        items = items.filter(department=department)
    return [_record(item) for item in items]


def catalogue_export(*, path: Path | str, department: Organisation | None = None) -> int:
    """Write the catalogue (one department's, or all) to ``path`` in the format its suffix names;
    returns the number of items. The file appears whole or not at all."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ValidationError(f"file：只能导出为 .xlsx 或 .jsonl 文件，{path.name} 不是")
    records = catalogue_records(department=department)
    if path.suffix.lower() == ".jsonl":
        content = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    else:
        content = workbook_bytes(records)
    directory = path.resolve().parent
    if not directory.is_dir():
        raise ValidationError(f"file：目录 {directory} 不存在")
    temporary = directory / f".{path.name}.{secrets.token_hex(4)}.tmp"  # opened like any new file: umask applies
    try:
        with temporary.open("xb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ValidationError(f"file：无法写入 {path}（{exc.strerror}）") from None
    return len(records)
