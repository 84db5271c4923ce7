"""The working-day calendar as stored in the database: loading it, changing it, and telling the
apps that keep deadlines to recompute them when it changes."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from yangguang.core import audit
from yangguang.core.models import CalendarDay, CalendarRevision, CalendarYear
from yangguang.core.workcalendar import CountResult, WorkCalendar, WorkdayResult

PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
KIND_ALIASES = {
    "holiday": CalendarDay.Kind.HOLIDAY,
    "放假": CalendarDay.Kind.HOLIDAY,
    "workday": CalendarDay.Kind.WORKDAY,
    "调休上班": CalendarDay.Kind.WORKDAY,
    "上班": CalendarDay.Kind.WORKDAY,
}

_cache: tuple[str, WorkCalendar] | None = None


def current_revision() -> str:
    return CalendarRevision.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def get_calendar() -> WorkCalendar:
    """The calendar as stored now. One indexed read of the revision counter per call; the calendar
    itself is rebuilt only when another process (or this one) has changed it."""
    global _cache
    revision = current_revision()
    if _cache is None or _cache[0] != revision:
        _cache = (revision, build_calendar())
    return _cache[1]


def build_calendar() -> WorkCalendar:
    holidays, workdays = {}, {}
    for d, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
        (workdays if kind == CalendarDay.Kind.WORKDAY else holidays)[d] = name
    years = CalendarYear.objects.values_list("year", flat=True)
    return WorkCalendar(holidays=holidays, workdays=workdays, years=list(years))


def add_workdays(start: date, n: int) -> WorkdayResult:
    return get_calendar().add_workdays(start, n)


def count_workdays(start: date, end: date) -> CountResult:
    return get_calendar().count_workdays(start, end)


# --- recomputation registry ----------------------------------------------------------------------

Recomputer = Callable[..., int]
_recomputers: dict[str, Recomputer] = {}


def register_recomputer(name: str) -> Callable[[Recomputer], Recomputer]:
    """Register ``fn(*, calendar, since)`` that recomputes every open deadline computed from a date
    on or after ``since`` and returns how many it changed. Apps register theirs in ``ready()``."""

    def decorator(fn: Recomputer) -> Recomputer:
        _recomputers[name] = fn
        return fn

    return decorator


def registered_recomputers() -> dict[str, Recomputer]:
    return dict(_recomputers)


def _after_change(*, actor, since: date, reason: str) -> dict[str, int]:
    global _cache
    token = uuid.uuid4().hex
    CalendarRevision.objects.update_or_create(pk=1, defaults={"token": token})
    calendar = build_calendar()
    _cache = (token, calendar)
    changed = {}
    for name, fn in sorted(_recomputers.items()):
        changed[name] = fn(calendar=calendar, since=since)
    audit.record(
        actor=actor,
        action="calendar.recompute_deadlines",
        object_type="core.calendar",
        object_repr=f"自 {since:%Y-%m-%d} 起的期限",
        after=changed,
        reason=reason,
    )
    return changed


# --- import ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayRow:
    date: date
    kind: str
    name: str


def parse_rows(raw: Iterable[dict], *, first_line: int = 1) -> list[DayRow]:
    """Validate every row before anything is written; errors name the line and the field."""
    rows, errors, seen = [], [], {}
    for number, item in enumerate(raw, start=first_line):
        if not isinstance(item, dict):
            errors.append(f"第 {number} 行：应为包含 date、kind、name 的对象")
            continue
        text = str(item.get("date", "") or item.get("日期", "")).strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            errors.append(f"第 {number} 行 date（日期）：{text!r} 不是 YYYY-MM-DD 格式的日期")
            continue
        kind_text = str(item.get("kind", "") or item.get("类型", "")).strip()
        kind = KIND_ALIASES.get(kind_text.lower())
        if kind is None:
            errors.append(f"第 {number} 行 kind（类型）：{kind_text!r} 应为 holiday（放假）或 workday（调休上班）")
            continue
        if day in seen:
            errors.append(f"第 {number} 行 date（日期）：{day} 与第 {seen[day]} 行重复")
            continue
        seen[day] = number
        name = str(item.get("name", "") or item.get("名称", "")).strip()[:50]
        rows.append(DayRow(day, kind, name))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError("文件中没有任何日期行")
    return rows


def read_rows(content: str, *, filename: str) -> list[DayRow]:
    if filename.lower().endswith(".json"):
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"JSON 格式错误（第 {exc.lineno} 行）：{exc.msg}") from None
        if isinstance(data, dict):
            data = data.get("rows", data.get("days"))
        if not isinstance(data, list):
            raise ValidationError("JSON 应为日期行的数组，或含 rows 数组的对象")
        return parse_rows(data)
    if filename.lower().endswith(".csv"):
        reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
        fields = set(reader.fieldnames or [])
        if not ({"date", "kind"} <= fields or {"日期", "类型"} <= fields):
            raise ValidationError("CSV 第 1 行应为表头 date,kind,name（或 日期,类型,名称）")
        return parse_rows(reader, first_line=2)
    raise ValidationError("文件类型只支持 .csv 或 .json")


def calendar_import(*, actor, rows: list[DayRow], document: str = "") -> dict:
    """Replace the schedule of every year the rows touch with exactly those rows, mark those
    years configured, and recompute open deadlines from the earliest affected year."""
    years = sorted({r.date.year for r in rows})
    with audit.action(actor=actor, action="calendar.import", object_type="core.calendar", object_repr="节假日安排"):
        before = {
            str(y): sorted(f"{d:%m-%d} {k}" for d, k in CalendarDay.objects.filter(date__year=y).values_list("date", "kind"))
            for y in years
        }
        CalendarDay.objects.filter(date__year__in=years).delete()
        CalendarDay.objects.bulk_create(CalendarDay(date=r.date, kind=r.kind, name=r.name) for r in rows)
        for y in years:
            CalendarYear.objects.update_or_create(
                year=y, defaults={"source": CalendarYear.Source.ADMIN, "document": document}
            )
        after = {str(y): sorted(f"{r.date:%m-%d} {r.kind}" for r in rows if r.date.year == y) for y in years}
        audit.record(
            actor=actor,
            action="calendar.import",
            object_type="core.calendar",
            object_repr="、".join(f"{y}年" for y in years) + "节假日安排",
            before=before,
            after=after,
            reason=document,
        )
        changed = _after_change(actor=actor, since=date(years[0], 1, 1), reason="节假日安排导入")
    return {"years": years, "days": len(rows), "recomputed": changed}


def calendar_day_set(*, actor, day: date, kind: str, name: str = "") -> CalendarDay:
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": "类型应为放假或调休上班"})
    with audit.action(actor=actor, action="calendar.day_set", object_type="core.calendarday", object_repr=str(day)):
        existing = CalendarDay.objects.select_for_update().filter(date=day).first()
        before = {"kind": existing.kind, "name": existing.name} if existing else None
        obj, _ = CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
        audit.record(actor=actor, action="calendar.day_set", target=obj, before=before, after={"kind": kind, "name": name})
        _after_change(actor=actor, since=day, reason=f"修改 {day} 的安排")
    return obj


def calendar_day_remove(*, actor, day: date) -> None:
    with audit.action(actor=actor, action="calendar.day_remove", object_type="core.calendarday", object_repr=str(day)):
        existing = CalendarDay.objects.select_for_update().filter(date=day).first()
        if existing is None:
            raise ValidationError({"date": f"{day} 没有放假或调休安排"})
        before = {"kind": existing.kind, "name": existing.name}
        existing.delete()
        audit.record(actor=actor, action="calendar.day_remove", object_type="core.calendarday", object_repr=str(day), before=before)
        _after_change(actor=actor, since=day, reason=f"删除 {day} 的安排")


def calendar_year_configure(*, actor, year: int, document: str = "") -> CalendarYear:
    """Declare a year's schedule complete as stored (even if it has no special days)."""
    with audit.action(actor=actor, action="calendar.year_configure", object_type="core.calendaryear", object_repr=f"{year}年"):
        obj, created = CalendarYear.objects.update_or_create(
            year=year, defaults={"source": CalendarYear.Source.ADMIN, "document": document}
        )
        audit.record(actor=actor, action="calendar.year_configure", target=obj, after={"created": created, "document": document})
        _after_change(actor=actor, since=date(year, 1, 1), reason=f"配置 {year} 年")
    return obj


def calendar_seed_from_package(*, actor=None) -> list[int]:
    """Load every year the chinesecalendar package knows and the database does not yet have.
    Never overwrites a year already configured (an administrator's edits win)."""
    import chinese_calendar

    package_years = sorted({d.year for d in chinese_calendar.holidays})
    with transaction.atomic():
        have = set(CalendarYear.objects.values_list("year", flat=True))
        missing = [y for y in package_years if y not in have]
        if not missing:
            return []
        days = [
            CalendarDay(date=d, kind=CalendarDay.Kind.HOLIDAY, name=PACKAGE_NAMES.get(n, n))
            for d, n in chinese_calendar.holidays.items()
            if d.year in missing and d not in chinese_calendar.workdays
        ] + [
            CalendarDay(date=d, kind=CalendarDay.Kind.WORKDAY, name=PACKAGE_NAMES.get(n, n))
            for d, n in chinese_calendar.workdays.items()
            if d.year in missing and d.weekday() >= 5
        ]
        CalendarDay.objects.bulk_create(days)
        CalendarYear.objects.bulk_create(
            CalendarYear(year=y, source=CalendarYear.Source.PACKAGE, document="国务院办公厅 节假日安排通知") for y in missing
        )
        audit.record(
            actor=actor,
            action="calendar.seed",
            object_type="core.calendar",
            object_repr=f"{missing[0]}–{missing[-1]} 年节假日安排",
            after={"years": missing, "days": len(days)},
        )
        _after_change(actor=actor, since=date(missing[0], 1, 1), reason="从 chinesecalendar 载入节假日安排")
    return missing

