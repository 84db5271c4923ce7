"""Bulk import of cases (办件) from an earlier system, as JSON Lines (one case a line; the format is
in ``docs/cases-import.md``), and the export of the same format.

One pass over the file, inside one transaction: every line is checked and every error collected
(line number and field, in Chinese); while no line has failed, the good ones are inserted batch by
batch. If any line fails, the transaction is rolled back at the end, so nothing is ever half
written, and the whole list of errors is reported. What is held across lines is one entry per
case number (to find duplicates), so a million-line file needs memory for its numbers only.

Imported cases are ordinary cases (``imported=True``): they snapshot the item's limits, and their
due date and working days used come from ``deadlines.apply_clock`` with one calendar for the file
(``bulk.ClockCache``).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from yangguang.core import audit, tracking
from yangguang.core import calendar as workdays
from yangguang.core.importing import ErrorList, ImportRefused, LineCheck, json_records
from yangguang.core.models import Organisation, Window
from yangguang.core.workcalendar import WorkCalendar
from yangguang.services import rules
from yangguang.services.models import Case, ServiceItem, Suspension
from yangguang.services.bulk import ClockCache, advance_sequences, case_pks, insert_rows

CHINA = ZoneInfo("Asia/Shanghai")
# The platform's own numbers (services.NUMBER_TEMPLATE): imported ones move the live sequence on.
_OWN_NUMBER = re.compile(r"^(?P<org>.+)-BJ-(?P<year>\d{4})-(?P<seq>\d+)$")
MISSING_NAME = "（原系统未记录）"
ACCEPTED_AT, COMPLETED_AT = time(9, 0), time(16, 0)
BATCH_SIZE = 1000

FIELDS = {
    "number", "item", "org", "channel", "accepted_on", "completed_on", "result", "suspensions",
    "window", "agency_point", "applicant_name", "delivered_on", "submitted_at",
}
SUSPENSION_FIELDS = {"from", "to", "reason", "kind"}
RESULT_LABELS = {"approved": "准予（approved）", "refused": "不予（refused）"}
# When a suspension names no kind, its reason usually says which it was.
REASON_KINDS = (
    ("补正", "correction"), ("听证", "hearing"), ("检验", "testing"), ("检测", "testing"), ("检疫", "testing"),
    ("鉴定", "testing"), ("专家", "expert"), ("评审", "expert"), ("论证", "expert"),
)


def kind_from_reason(reason: str) -> str:
    return next((kind for word, kind in REASON_KINDS if word in reason), "other")


# --- checking one line ----------------------------------------------------------------------------


@dataclass
class ImportResult:
    cases: int
    open: int
    suspensions: int
    by_organisation: dict[str, int]
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class ItemInfo:
    pk: int
    department_id: int
    immediate: bool
    committed_limit: int
    legal_limit: int | None
    has_review: bool


@dataclass(slots=True)
class Row:
    line: int
    number: str
    organisation_id: int
    organisation_code: str
    item: ItemInfo
    channel: str
    accepted_on: date
    completed_on: date | None
    result: str
    suspensions: list[tuple[str, date, date | None, str]]
    window_id: int | None
    agency_point_id: int | None
    applicant_name: str
    delivered_on: date | None
    submitted_at: datetime


class _Lookups:
    def __init__(self):
        self.organisations = {code: (pk, kind) for code, pk, kind in Organisation.objects.values_list("code", "pk", "kind")}
        self.items = {
            code: ItemInfo(pk, dept, immediate, committed, legal, "review" in rules.normalise_steps(steps) and not immediate)
            for code, pk, dept, immediate, committed, legal, steps in ServiceItem.objects.values_list(
                "code", "pk", "department_id", "immediate", "committed_limit", "legal_limit", "steps")
        }
        self.windows = {(centre, number): pk for pk, centre, number in Window.objects.values_list("pk", "centre_id", "number")}


class _Line(LineCheck):
    """One case being checked: each problem is noted with its field, and checking goes on."""

    def moment(self, name: str) -> datetime | None:
        value = self.data.get(name)
        if value is None:
            return None
        try:
            if not isinstance(value, str) or len(value) < 16:
                raise ValueError
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.error(name, f"{json.dumps(value, ensure_ascii=False)} 不是有效的时间（如 2026-03-02T09:30:00+08:00）")
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


def _parse(check: _Line, lookups: _Lookups) -> Row | None:
    data = check.data
    for name in sorted(set(data) - FIELDS):
        check.error(name, f"未知字段（可用字段：{'、'.join(sorted(FIELDS))}）")
    number = check.text(data, "number", required=True, label="办件编号", max_length=60)
    org_code = check.text(data, "org", required=True, label="受理机构代码", max_length=40)
    organisation_id = None
    if org_code:
        organisation_id = lookups.organisations.get(org_code, (None, ""))[0]
        if organisation_id is None:
            check.error("org", f"没有代码为 {org_code} 的机构")
    item_code = check.text(data, "item", required=True, label="事项编码", max_length=40)
    item = lookups.items.get(item_code) if item_code else None
    if item_code and item is None:
        check.error("item", f"没有编码为 {item_code} 的事项")
    channel = data.get("channel")
    if not isinstance(channel, str) or channel not in rules.CHANNELS:
        listed = "、".join(f"{k}（{v}）" for k, v in rules.CHANNELS.items())
        check.error("channel", ("缺少申报渠道" if channel is None else f"{json.dumps(channel, ensure_ascii=False)} 无效") + f"，可选：{listed}")
    accepted_on = check.day(data, "accepted_on", required=True)
    completed_on = check.day(data, "completed_on", required=False)
    result = data.get("result")
    if result is not None and (not isinstance(result, str) or result not in rules.RESULTS):
        check.error("result", f"{json.dumps(result, ensure_ascii=False)} 无效，可选：{'、'.join(RESULT_LABELS.values())}，未办结的写 null")
    if result is not None and data.get("completed_on") is None:
        check.error("result", "有办理结果的办件须填写办结日期（completed_on）")
    if data.get("completed_on") is not None and result is None:
        check.error("result", "已办结（有 completed_on）的办件须填写办理结果：approved 或 refused")
    if accepted_on and completed_on and completed_on < accepted_on:
        check.error("completed_on", f"办结日期 {completed_on} 早于受理日期 {accepted_on}")
    delivered_on = check.day(data, "delivered_on", required=False)
    if delivered_on and data.get("completed_on") is None:
        check.error("delivered_on", "未办结的办件不能有送达日期")
    elif delivered_on and completed_on and delivered_on < completed_on:
        check.error("delivered_on", f"送达日期 {delivered_on} 早于办结日期 {completed_on}")
    window_id = _window(check, lookups, organisation_id, org_code)
    agency_point_id = _agency_point(check, lookups, channel)
    applicant_name = check.text(data, "applicant_name", max_length=100) or MISSING_NAME
    submitted_at = check.moment("submitted_at")
    if submitted_at and accepted_on and timezone.localtime(submitted_at, CHINA).date() > accepted_on:
        check.error("submitted_at", f"提交时间 {data['submitted_at']} 晚于受理日期 {accepted_on}")
    suspensions = _suspensions(check, accepted_on, completed_on)
    if check.failed:
        return None
    submitted_at = submitted_at or datetime.combine(accepted_on, ACCEPTED_AT, tzinfo=CHINA)
    return Row(check.line, number, organisation_id, org_code, item, channel, accepted_on, completed_on, result or "",
               suspensions, window_id, agency_point_id, applicant_name, delivered_on, submitted_at)


def _window(check: _Line, lookups: _Lookups, organisation_id: int | None, org_code: str) -> int | None:
    value = check.data.get("window")
    if value is None or organisation_id is None:
        return None
    number = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    found = lookups.windows.get((organisation_id, number)) or (
        number.isdigit() and lookups.windows.get((organisation_id, f"{int(number):02d}")))
    if not found:
        check.error("window", f"{org_code} 没有 {json.dumps(value, ensure_ascii=False)} 号窗口")
        return None
    return found


def _agency_point(check: _Line, lookups: _Lookups, channel) -> int | None:
    code = check.text(check.data, "agency_point", max_length=40)
    if not code:
        return None
    pk, kind = lookups.organisations.get(code, (None, ""))
    if pk is None:
        check.error("agency_point", f"没有代码为 {code} 的机构")
    elif kind not in (Organisation.Kind.TOWN, Organisation.Kind.VILLAGE):
        check.error("agency_point", f"代办点须为镇（街道）或村（社区），{code} 是{Organisation.Kind(kind).label}")
    elif channel != "agency":
        check.error("agency_point", "只有便民服务点代办（channel 为 agency）的办件才有代办点")
    return pk


def _suspensions(check: _Line, accepted_on: date | None, completed_on: date | None) -> list:
    value = check.data.get("suspensions")
    if value is None:
        return []
    if not isinstance(value, list):
        check.error("suspensions", "应为列表（JSON 数组），没有暂停计时的写 []")
        return []
    found = []
    for i, item in enumerate(value):
        prefix = f"suspensions[{i}]."
        if not isinstance(item, dict):
            check.error(f"suspensions[{i}]", "应为 JSON 对象，如 {\"from\": …, \"to\": …, \"reason\": …}")
            continue
        for name in sorted(set(item) - SUSPENSION_FIELDS):
            check.error(prefix + name, f"未知字段（可用字段：{'、'.join(sorted(SUSPENSION_FIELDS))}）")
        started = check.day(item, "from", required=True, prefix=prefix)
        ended = check.day(item, "to", required=False, prefix=prefix)
        reason = check.text(item, "reason", prefix=prefix, max_length=500)
        kind = item.get("kind")
        if kind is None:
            kind = kind_from_reason(reason)
        elif not isinstance(kind, str) or kind not in rules.SUSPENSION_KINDS:
            listed = "、".join(f"{k}（{v}）" for k, v in rules.SUSPENSION_KINDS.items())
            check.error(prefix + "kind", f"{json.dumps(kind, ensure_ascii=False)} 无效，可选：{listed}")
        if started and accepted_on and started < accepted_on:
            check.error(prefix + "from", f"开始日期 {started} 早于受理日期 {accepted_on}")
        if started and ended and ended < started:
            check.error(prefix + "to", f"结束日期 {ended} 早于开始日期 {started}")
        if completed_on and started and started > completed_on:
            check.error(prefix + "from", f"开始日期 {started} 晚于办结日期 {completed_on}")
        if completed_on and item.get("to") is None and started:
            check.error(prefix + "to", "已办结的办件，暂停计时须有结束日期")
        if completed_on and ended and ended > completed_on:
            check.error(prefix + "to", f"结束日期 {ended} 晚于办结日期 {completed_on}")
        if started:
            found.append((kind, started, ended, reason))
    ordered = sorted(found, key=lambda s: s[1])
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier[2] is None or later[1] <= earlier[2]:
            check.error("suspensions", f"暂停计时的时间重叠：{earlier[1]} 起的一段与 {later[1]} 起的一段")
    return ordered


# --- reading the file ------------------------------------------------------------------------------

# --- writing ---------------------------------------------------------------------------------------


def _status(row: Row) -> str:
    if row.completed_on:
        return rules.DELIVERED if row.delivered_on else rules.COMPLETED
    if not row.item.immediate and any(s[2] is None and s[0] == "correction" for s in row.suspensions):
        return rules.CORRECTION
    return rules.REVIEWING if row.item.has_review else rules.ACCEPTED


class _Writer:
    """Builds cases from checked rows and inserts them a batch at a time."""

    def __init__(self, calendar: WorkCalendar):
        self.calendar = calendar
        self.pending: list[Row] = []
        self.counts: dict[int, int] = defaultdict(int)
        self.open = self.suspensions = 0
        self.top: dict[tuple[int, int], int] = {}
        self.clocks = ClockCache(calendar)

    def case(self, row: Row) -> tuple[Case, list[Suspension]]:
        item, status = row.item, _status(row)
        accepted_at = datetime.combine(row.accepted_on, ACCEPTED_AT, tzinfo=CHINA)
        if timezone.localtime(row.submitted_at, CHINA).date() == row.accepted_on:
            accepted_at = max(accepted_at, row.submitted_at)
        completed_at = None
        if row.completed_on:
            completed_at = max(accepted_at, datetime.combine(row.completed_on, COMPLETED_AT, tzinfo=CHINA))
        sequence = 0
        match = _OWN_NUMBER.match(row.number)
        if match and match["org"] == row.organisation_code:
            sequence = int(match["seq"])
            key = (row.organisation_id, int(match["year"]))
            self.top[key] = max(self.top.get(key, 0), sequence)
        correction_on = next((s[1] for s in row.suspensions if s[2] is None), None) if status == rules.CORRECTION else None
        case = Case(
            organisation_id=row.organisation_id, number=row.number, sequence=sequence, item_id=item.pk,
            department_id=item.department_id, window_id=row.window_id, channel=row.channel,
            agency_point_id=row.agency_point_id, location_id=row.organisation_id, tracking_code=tracking.new_code(),
            applicant_name=row.applicant_name, status=status, submitted_at=row.submitted_at,
            accepted_on=row.accepted_on, accepted_at=accepted_at, immediate=item.immediate,
            committed_limit=item.committed_limit, legal_limit=item.legal_limit, correction_requested_on=correction_on,
            completed_on=row.completed_on, completed_at=completed_at, result=row.result,
            delivered_on=row.delivered_on, imported=True,
        )
        stops = [Suspension(kind=k, started_on=f, ended_on=t, reason=r) for k, f, t, r in row.suspensions]
        self.clocks.apply(case, stops)
        return case, stops

    def flush(self) -> None:
        rows, self.pending = self.pending, []
        if not rows:
            return
        built = [self.case(row) for row in rows]
        for attempt in range(3):
            try:
                with transaction.atomic():  # a savepoint: a clash of random tracking codes is retried
                    insert_rows(Case, [c for c, _ in built], batch=BATCH_SIZE)
                break
            except IntegrityError:
                if attempt == 2:
                    raise
                for case, _ in built:
                    case.tracking_code = tracking.new_code()
        stopped = [(case, stops) for case, stops in built if stops]
        pks = case_pks((case.organisation_id, case.number) for case, _ in stopped)
        for case, case_stops in stopped:
            for stop in case_stops:
                stop.case_id = pks[case.organisation_id, case.number]
        insert_rows(Suspension, [stop for _, stops in stopped for stop in stops])
        for case, case_stops in built:
            self.counts[case.organisation_id] += 1
            self.open += case.completed_on is None
            self.suspensions += len(case_stops)


def _already_stored(rows: list[Row], errors: ErrorList) -> bool:
    by_org: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        by_org[row.organisation_id][row.number] = row.line
    clash = False
    for organisation_id, numbers in by_org.items():
        taken = case_pks((organisation_id, n) for n in numbers)
        for _, number in taken:
            line = numbers[number]
            errors.add(line, f"第 {line} 行 number：编号 {number} 的办件已在系统中（不能重复导入）")
            clash = True
    return clash


def cases_import(
    *, actor, path: Path | str, dry_run: bool = False, today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import a JSONL file of cases: all of it, or (if any line is wrong) nothing, raising
    ``ImportRefused`` with every error by line and field. ``dry_run`` checks and writes nothing."""
    path = Path(path)
    today = today or timezone.localdate()
    lookups = _Lookups()
    codes = {pk: code for code, (pk, _) in lookups.organisations.items()}
    writer = _Writer(workdays.get_calendar())
    errors = ErrorList()
    seen: dict[int, dict[str, int]] = defaultdict(dict)  # organisation → number → line
    checking: list[Row] = []  # rows whose numbers are still to be looked up in the database
    records = 0

    def check_stored() -> None:
        if _already_stored(checking, errors) or errors.total or dry_run:
            writer.pending.clear()
        checking.clear()
        writer.flush()

    try:
        with transaction.atomic():
            for line, data in json_records(path, errors):
                records += 1
                row = _parse(_Line(line, data, errors, today), lookups)
                if row is None:
                    continue
                numbers = seen[row.organisation_id]
                if row.number in numbers:
                    errors.add(line, f"第 {line} 行 number：编号 {row.number} 与第 {numbers[row.number]} 行重复")
                    continue
                numbers[row.number] = line
                checking.append(row)
                if not errors.total and not dry_run:
                    writer.pending.append(row)
                if len(checking) >= BATCH_SIZE:
                    check_stored()
                if progress and records % 100_000 == 0:
                    progress(f"已检查 {records} 行……")
            check_stored()
            if not records and not errors.total:
                errors.add(0, "文件中没有任何办件")
            if errors.total:
                raise errors.refused()
            by_organisation = {codes[pk]: n for pk, n in sorted(writer.counts.items(), key=lambda kv: codes[kv[0]])}
            if dry_run:
                return ImportResult(sum(len(n) for n in seen.values()), 0, 0, {codes[o]: len(n) for o, n in seen.items()}, True)
            advance_sequences(writer.top)
            result = ImportResult(sum(writer.counts.values()), writer.open, writer.suspensions, by_organisation)
            audit.record(
                actor=actor, action="services.import", object_type="services.case", object_repr=path.name,
                after={"file": path.name, "cases": result.cases, "open": result.open,
                       "suspensions": result.suspensions, "organisations": by_organisation},
            )
    except IntegrityError:
        # Checked above: only someone registering or importing the same numbers meanwhile gets here.
        raise ImportRefused(["导入时系统中出现了相同编号的办件（可能有人同时导入或登记），未导入任何内容，请重新导入"], 1) from None
    return result


# --- export ----------------------------------------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def cases_export(*, actor, stream: TextIO, organisation: Organisation | None = None) -> int:
    """Write the accepted cases (of ``organisation``, or all) as JSON lines that ``cases_import``
    reads back; returns how many. Cases never accepted, refused at intake or withdrawn have no
    place in the format and are left out. The export is recorded in the audit trail."""
    cases = Case.objects.filter(accepted_on__isnull=False).exclude(status__in=[rules.REJECTED, rules.WITHDRAWN])
    if organisation is not None:
        cases = cases.filter(organisation=organisation)
    codes = dict(Organisation.objects.values_list("pk", "code"))
    items = dict(ServiceItem.objects.values_list("pk", "code"))
    windows = dict(Window.objects.values_list("pk", "number"))
    columns = ("pk", "number", "item_id", "organisation_id", "channel", "accepted_on", "completed_on", "result",
               "window_id", "agency_point_id", "applicant_name", "delivered_on", "submitted_at")
    written, last = 0, 0
    while True:
        chunk = list(cases.filter(pk__gt=last).order_by("pk").values_list(*columns)[:2000])
        if not chunk:
            break
        last = chunk[-1][0]
        stops = defaultdict(list)
        for s in Suspension.objects.filter(case_id__in=[c[0] for c in chunk]).order_by("started_on", "pk"):
            stops[s.case_id].append({"from": _iso(s.started_on), "to": _iso(s.ended_on), "reason": s.reason, "kind": s.kind})
        for pk, number, item, org, channel, accepted, completed, result, window, point, name, delivered, submitted in chunk:
            record = {
                "number": number, "item": items[item], "org": codes[org], "channel": channel,
                "accepted_on": _iso(accepted), "completed_on": _iso(completed), "result": result or None,
                "suspensions": stops.get(pk, []),
            }
            if window:
                record["window"] = windows[window]
            if point:
                record["agency_point"] = codes[point]
            record["applicant_name"] = name
            if delivered:
                record["delivered_on"] = _iso(delivered)
            record["submitted_at"] = timezone.localtime(submitted, CHINA).isoformat()
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    audit.record(actor=actor, action="services.export", target=organisation, object_type="services.case",
                 after={"organisation": organisation.code if organisation else None, "cases": written})
    return written

