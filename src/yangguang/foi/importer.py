"""Bulk import of applications for disclosure, and of the reconsiderations and lawsuits about them,
from an earlier system (JSON Lines, one record per line; the format is in ``docs/foi-import.md``),
and the export of the same format.

The import reads the file twice and never holds it whole. The first pass checks every line and
collects every error (line number and field, in Chinese); if there is any, nothing is written. The
second pass inserts batch by batch inside one transaction, with one audit event for the whole file.
What the first pass keeps is one small entry per application number (to find duplicates and the
application a review points at), so a million-line file needs memory for its numbers only.

Imported rows are ordinary applications (``imported=True``): their due date (kept for closed ones
too) comes from ``services._apply_clock``, exactly as for an application registered at the window.
"""

from __future__ import annotations

import json
import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects

from yangguang.core import audit
from yangguang.core import calendar as workdays
from yangguang.core.importing import ErrorList, ImportRefused, LineCheck, json_records
from yangguang.core.models import NumberSequence, Organisation
from yangguang.core.workcalendar import WorkCalendar
from yangguang.disclosure.consultation import plain_text
from yangguang.foi import clock, rules, services
from yangguang.foi.models import Application, Pause, Review

APPLICATION, REVIEW = "application", "review"
MISSING_NAME = "（原系统未记录）"
MISSING_ID_TYPE = "other"
RECEIPT_NOTE = "从原系统导入"
SUBMITTED_AT = time(9, 0)
CHINA = ZoneInfo("Asia/Shanghai")
BATCH_SIZE = 500
MODIFIED = "文件在导入过程中被修改，请重新导入"

APPLICATION_FIELDS = {
    "record", "number", "org", "applicant_type", "channel", "received_on", "description", "concluded_on",
    "result", "corrections", "extensions", "consultations", "applicant_name", "id_type", "id_number", "phone",
}
REVIEW_FIELDS = {"record", "application", "org", "kind", "filed_on", "outcome", "decided_on"}
CORRECTION_FIELDS = {"requested_on", "received_on", "items"}
EXTENSION_FIELDS = {"workdays", "notified_on", "reason"}
CONSULTATION_FIELDS = {"kind", "from", "to", "party"}
CONSULTATION_KINDS = {kind.value: kind.label for kind in (Pause.Kind.THIRD_PARTY, Pause.Kind.AGENCY)}


# The platform's own numbers (services.NUMBER_TEMPLATE): {org}-YSQ-{year}-{seq:05d}
_GENERATED = re.compile(r"^(?P<org>.+)-YSQ-(?P<year>\d{4})-(?P<seq>\d+)$")


@dataclass
class ImportResult:
    applications: int
    reviews: int
    by_organisation: dict[str, int]


# --- parsing one line ------------------------------------------------------------------------------


@dataclass
class Consultation:
    kind: str
    started_on: date
    ended_on: date | None
    party: str


@dataclass
class ApplicationRow:
    line: int
    organisation_id: int
    number: str
    applicant_type: str
    channel: str
    received_on: date
    description: str
    concluded_on: date | None
    result: str
    applicant_name: str
    id_type: str
    id_number: str
    phone: str
    correction_requested_on: date | None = None
    correction_received_on: date | None = None
    correction_items: str = ""
    extension_workdays: int = 0
    extended_on: date | None = None
    extension_reason: str = ""
    consultations: list[Consultation] = field(default_factory=list)
    valid: bool = True  # False: the line has errors, but its number still counts (duplicates, reviews)

    @property
    def status(self) -> str:
        """The status that follows from the history (see ``rules.TRANSITIONS``)."""
        if self.concluded_on is not None:
            return rules.CLOSED
        if self.correction_requested_on is not None and self.correction_received_on is None:
            return rules.AWAITING_CORRECTION
        if any(c.ended_on is None for c in self.consultations):
            return rules.CONSULTING
        return rules.PROCESSING


@dataclass
class ReviewRow:
    line: int
    number: str
    organisation_id: int | None  # None: the number alone names the application
    kind: str
    filed_on: date
    outcome: str
    decided_on: date | None
    valid: bool = True  # False: the line has errors, but the application it names is still looked for


class _Line(LineCheck):
    """One object being checked; every problem is noted with its field and checking goes on."""

    def clean(self, text: str) -> str:
        return plain_text(text)

    def items(self, name: str, *, at_most: int | None) -> list[dict]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(name, "应为列表（JSON 数组）")
            return []
        if at_most is not None and len(value) > at_most:
            self.error(name, f"最多 {at_most} 项（条例规定只能一次），现为 {len(value)} 项")
            return []
        good = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.error(f"{name}[{i}]", "应为 JSON 对象")
        return good


def _parse_application(check: _Line, organisations: dict[str, int], calendar: WorkCalendar | None) -> ApplicationRow | None:
    data = check.data
    check.unknown_fields(data, APPLICATION_FIELDS)
    number = check.text(data, "number", required=True, max_length=60, label="原系统的申请编号", clean=False)
    org = check.text(data, "org", required=True, label="机关代码", clean=False)
    organisation_id = organisations.get(org) if org else None
    if org and organisation_id is None:
        check.error("org", f"没有代码为 {org} 的机关")
    applicant_type = check.choice(data, "applicant_type", rules.APPLICANT_TYPES, "申请人类型")
    channel = check.choice(data, "channel", rules.CHANNELS, "申请方式")
    received_on = check.day(data, "received_on", required=True)
    description = check.text(data, "description", required=True, label="所需信息的描述")
    concluded_on = check.day(data, "concluded_on", required=False)
    result = ""
    if data.get("result") is not None:
        result = check.choice(data, "result", rules.RESULTS, "办理结果")
    if data.get("result") is not None and data.get("concluded_on") is None:
        check.error("concluded_on", "有办理结果（result）的申请须填写办结日期")
    if data.get("concluded_on") is not None and data.get("result") is None:
        check.error("result", "已办结（有 concluded_on）的申请须填写办理结果")
    if received_on and concluded_on and concluded_on < received_on:
        check.error("concluded_on", f"办结日期 {concluded_on} 早于收到申请之日 {received_on}")

    applicant_name = check.text(data, "applicant_name", max_length=100)
    id_type = ""
    if data.get("id_type") is not None:
        id_type = check.choice(data, "id_type", rules.ID_TYPES, "证件类型")
    id_number = check.text(data, "id_number", max_length=40, clean=False).upper()
    if id_number and id_type == "resident_id" and rules.resident_id_error(id_number):
        check.error("id_number", rules.resident_id_error(id_number))
    if id_number and id_type == "credit_code" and rules.credit_code_error(id_number):
        check.error("id_number", rules.credit_code_error(id_number))
    phone = check.text(data, "phone", max_length=30, clean=False)

    row = ApplicationRow(
        line=check.line, organisation_id=organisation_id or 0, number=number, applicant_type=applicant_type,
        channel=channel, received_on=received_on, description=description, concluded_on=concluded_on,
        result=result, applicant_name=applicant_name or MISSING_NAME, id_type=id_type or MISSING_ID_TYPE,
        id_number=id_number, phone=phone,
    )
    _parse_correction(check, row)
    _parse_extension(check, row)
    _parse_consultations(check, row)
    if check.failed:
        row.valid = False
        return row if number and organisation_id else None
    if calendar is not None and row.correction_requested_on is not None:
        # The rest of what the clock refuses (clock._validate) is checked above; this needs the calendar.
        last = clock.correction_request_deadline(row.received_on, calendar)
        if row.correction_requested_on > last:
            check.error("corrections[0].requested_on", f"补正须在收到申请之日起 {clock.CORRECTION_REQUEST_WORKDAYS} 个工作日内"
                        f"一次性告知（最迟 {last}），现为 {row.correction_requested_on}")
            return None
    return row


def _parse_correction(check: _Line, row: ApplicationRow) -> None:
    for i, item in enumerate(check.items("corrections", at_most=1)):
        prefix = f"corrections[{i}]."
        check.unknown_fields(item, CORRECTION_FIELDS, prefix)
        requested = check.day(item, "requested_on", required=True, prefix=prefix)
        received = check.day(item, "received_on", required=False, prefix=prefix)
        items = check.text(item, "items", prefix=prefix)
        if requested and row.received_on and requested < row.received_on:
            check.error(prefix + "requested_on", f"告知补正之日 {requested} 早于收到申请之日 {row.received_on}")
        if requested and received and received < requested:
            check.error(prefix + "received_on", f"收到补正之日 {received} 早于告知补正之日 {requested}")
        if row.concluded_on and received and received > row.concluded_on:
            check.error(prefix + "received_on", f"收到补正之日 {received} 晚于办结日期 {row.concluded_on}")
        row.correction_requested_on, row.correction_received_on, row.correction_items = requested, received, items


def _parse_extension(check: _Line, row: ApplicationRow) -> None:
    for i, item in enumerate(check.items("extensions", at_most=1)):
        prefix = f"extensions[{i}]."
        check.unknown_fields(item, EXTENSION_FIELDS, prefix)
        value = item.get("workdays")
        if isinstance(value, bool) or not isinstance(value, int):
            check.error(prefix + "workdays", "应为 1 至 20 的整数（延长的工作日数）")
        elif not 1 <= value <= clock.MAX_EXTENSION_WORKDAYS:
            check.error(prefix + "workdays", f"延长期限为 1 至 {clock.MAX_EXTENSION_WORKDAYS} 个工作日，现为 {value}")
        else:
            row.extension_workdays = value
        row.extended_on = check.day(item, "notified_on", required=False, prefix=prefix)
        if row.extended_on and row.received_on and row.extended_on < row.received_on:
            check.error(prefix + "notified_on", f"延长告知之日 {row.extended_on} 早于收到申请之日 {row.received_on}")
        row.extension_reason = check.text(item, "reason", prefix=prefix)


def _parse_consultations(check: _Line, row: ApplicationRow) -> None:
    for i, item in enumerate(check.items("consultations", at_most=None)):
        prefix = f"consultations[{i}]."
        check.unknown_fields(item, CONSULTATION_FIELDS, prefix)
        kind = item.get("kind")
        if kind not in CONSULTATION_KINDS:
            listed = "、".join(f"{k}（{v}）" for k, v in CONSULTATION_KINDS.items())
            check.error(prefix + "kind", f"{json.dumps(kind, ensure_ascii=False)} 无效，可选：{listed}")
        started = check.day(item, "from", required=True, prefix=prefix)
        ended = check.day(item, "to", required=False, prefix=prefix)
        party = check.text(item, "party", max_length=200, prefix=prefix)
        if started and row.received_on and started < row.received_on:
            check.error(prefix + "from", f"开始日期 {started} 早于收到申请之日 {row.received_on}")
        if started and ended and ended < started:
            check.error(prefix + "to", f"结束日期 {ended} 早于开始日期 {started}")
        if started and row.concluded_on and started > row.concluded_on:
            check.error(prefix + "from", f"开始日期 {started} 晚于办结日期 {row.concluded_on}")
        if ended is None and started and row.concluded_on:
            check.error(prefix + "to", "已办结的申请，征求意见须有结束日期")
        if ended and row.concluded_on and ended > row.concluded_on:
            check.error(prefix + "to", f"结束日期 {ended} 晚于办结日期 {row.concluded_on}")
        if started and kind in CONSULTATION_KINDS:
            row.consultations.append(Consultation(kind, started, ended, party))
    ordered = sorted(row.consultations, key=lambda c: c.started_on)
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.ended_on is None or later.started_on <= earlier.ended_on:
            check.error("consultations", f"征求意见的时间重叠：{earlier.started_on} 起的一次与 {later.started_on} 起的一次")
    awaiting = row.correction_requested_on is not None and row.correction_received_on is None
    if awaiting and row.concluded_on is None and any(c.ended_on is None for c in row.consultations):
        check.error("consultations", "等待补正期间不能同时征求意见（期限已停止计算）")


def _parse_review(check: _Line, organisations: dict[str, int]) -> ReviewRow | None:
    data = check.data
    check.unknown_fields(data, REVIEW_FIELDS)
    number = check.text(data, "application", required=True, max_length=60, label="申请编号", clean=False)
    org = check.text(data, "org", clean=False)
    organisation_id = organisations.get(org) if org else None
    if org and organisation_id is None:
        check.error("org", f"没有代码为 {org} 的机关")
    kind = check.choice(data, "kind", Review.Kind.values, "类型")
    outcome = check.choice(data, "outcome", Review.Outcome.values, "结果")
    filed_on = check.day(data, "filed_on", required=True)
    decided_on = check.day(data, "decided_on", required=False)
    if outcome == Review.Outcome.PENDING and data.get("decided_on") is not None:
        check.error("decided_on", "尚未审结（pending）的不能填写审结日期")
    if outcome and outcome != Review.Outcome.PENDING and data.get("decided_on") is None:
        check.error("decided_on", "已审结的请填写审结日期")
    if filed_on and decided_on and decided_on < filed_on:
        check.error("decided_on", f"审结日期 {decided_on} 早于受理（立案）日期 {filed_on}")
    row = ReviewRow(check.line, number, organisation_id, kind, filed_on, outcome, decided_on, valid=not check.failed)
    if check.failed and not (number and (organisation_id or not org)):
        return None
    return row


# --- reading the file ------------------------------------------------------------------------------


def _parsed(path: Path, errors: ErrorList, organisations: dict[str, int], today: date,
            calendar: WorkCalendar | None) -> Iterator[ApplicationRow | ReviewRow | None]:
    for line, data in json_records(path, errors):
        check = _Line(line, data, errors, today)
        record = data.get("record")
        if record == APPLICATION:
            yield _parse_application(check, organisations, calendar)
        elif record == REVIEW:
            yield _parse_review(check, organisations)
        else:
            shown = "缺少" if record is None else f"{json.dumps(record, ensure_ascii=False)} 无效，"
            check.error("record", f"{shown}应为 application 或 review")
            yield None


# --- first pass: check everything ------------------------------------------------------------------


class _Checker:
    """What the first pass remembers across lines: the application numbers seen (per
    organisation, with their line) and the reviews whose application is still to be found."""

    def __init__(self, errors: ErrorList):
        self.errors = errors
        self.numbers: dict[int, dict[str, int]] = defaultdict(dict)  # organisation → number → line
        self.pending_db: dict[int, list[tuple[str, int]]] = defaultdict(list)
        self.pending_count = 0
        self.reviews: list[tuple[int, str, int | None]] = []
        self.forward: set[int] = set()  # reviews that come before their application in the file
        self.review_organisations = array("q")  # the organisation of each review's application, in file order

    def application(self, row: ApplicationRow) -> None:
        seen = self.numbers[row.organisation_id]
        if row.number in seen:
            self.errors.add(row.line, f"第 {row.line} 行 number：编号 {row.number} 与第 {seen[row.number]} 行重复")
            return
        seen[row.number] = row.line
        self.pending_db[row.organisation_id].append((row.number, row.line))
        self.pending_count += 1
        if self.pending_count >= BATCH_SIZE:
            self.flush_db()

    def flush_db(self) -> None:
        for organisation_id, items in self.pending_db.items():
            lines = dict(items)
            existing = Application.objects.filter(organisation_id=organisation_id, number__in=list(lines))
            for number in existing.order_by().values_list("number", flat=True):
                line = lines[number]
                self.errors.add(line, f"第 {line} 行 number：编号 {number} 的申请已在系统中（已导入过？）")
        self.pending_db.clear()
        self.pending_count = 0

    def review(self, row: ReviewRow) -> None:
        self.reviews.append((row.line, row.number, row.organisation_id))

    def resolve_reviews(self, codes: dict[int, str]) -> None:
        for start in range(0, len(self.reviews), BATCH_SIZE):
            batch = self.reviews[start : start + BATCH_SIZE]
            in_db: dict[str, set[int]] = defaultdict(set)
            given = {organisation_id for _, _, organisation_id in batch}
            # Naming the organisations lets the (organisation, number) index answer, not a table scan.
            for number, organisation_id in Application.objects.filter(
                organisation_id__in=list(codes) if None in given else given,
                number__in={number for _, number, _ in batch},
            ).order_by().values_list("number", "organisation_id"):
                in_db[number].add(organisation_id)
            for line, number, organisation_id in batch:
                in_file = {org: seen[number] for org, seen in self.numbers.items() if number in seen}
                candidates = set(in_file) | in_db[number]
                if organisation_id is not None:
                    candidates &= {organisation_id}
                if not candidates:
                    where = f"机关 {codes[organisation_id]} " if organisation_id is not None else ""
                    self.errors.add(line, f"第 {line} 行 application：找不到{where}编号为 {number} 的申请（本文件和系统中都没有）")
                elif len(candidates) > 1:
                    listed = "、".join(sorted(codes[o] for o in candidates))
                    self.errors.add(line, f"第 {line} 行 application：编号 {number} 在多个机关（{listed}）中都有，请用 org 指明机关")
                else:
                    found = next(iter(candidates))
                    self.review_organisations.append(found)
                    if in_file.get(found, 0) > line:
                        self.forward.add(line)


# --- second pass: insert ---------------------------------------------------------------------------


def _application(row: ApplicationRow) -> Application:
    return Application(
        organisation_id=row.organisation_id, number=row.number, tracking_code=services._new_tracking_code(),
        secret_hash=services._secret_digest(services._new_secret()), channel=row.channel,
        applicant_type=row.applicant_type, applicant_name=row.applicant_name, id_type=row.id_type,
        id_number=row.id_number, phone=row.phone, description=row.description,
        submitted_at=datetime.combine(row.received_on, SUBMITTED_AT, tzinfo=CHINA), received_on=row.received_on,
        receipt_note=RECEIPT_NOTE, status=row.status,
        correction_requested_on=row.correction_requested_on, correction_items=row.correction_items,
        correction_received_on=row.correction_received_on,
        extension_workdays=row.extension_workdays, extension_reason=row.extension_reason, extended_on=row.extended_on,
        result=row.result, concluded_on=row.concluded_on, imported=True,
    )


class _Inserter:
    def __init__(self, calendar: WorkCalendar):
        self.calendar = calendar
        self.applications: list[ApplicationRow] = []
        self.reviews: list[ReviewRow] = []
        self.deferred: list[ReviewRow] = []
        self.counts: dict[int, int] = defaultdict(int)
        self.review_count = 0
        self.top_sequence: dict[tuple[int, int], int] = {}  # (organisation, year) → highest number seen

    def flush(self) -> None:
        if self.applications:
            self._insert_applications(self.applications)
            self.applications = []
        if self.reviews:
            self._insert_reviews(self.reviews)
            self.reviews = []

    def note_numbers(self, rows: list[ApplicationRow], codes: dict[int, str]) -> None:
        for row in rows:
            match = _GENERATED.match(row.number)
            if match and match["org"] == codes.get(row.organisation_id):
                key = (row.organisation_id, int(match["year"]))
                self.top_sequence[key] = max(self.top_sequence.get(key, 0), int(match["seq"]))

    def advance_sequences(self) -> None:
        """Imported numbers in the platform's own pattern (a re-imported export) move the gapless
        sequence past them, so the next registration never collides with an imported number."""
        for (organisation_id, year), top in self.top_sequence.items():
            NumberSequence.objects.get_or_create(organisation_id=organisation_id, kind=services.NUMBER_KIND, year=year,
                                                 defaults={"last_value": 0})
            NumberSequence.objects.filter(organisation_id=organisation_id, kind=services.NUMBER_KIND, year=year,
                                          last_value__lt=top).update(last_value=top)

    def _insert_applications(self, rows: list[ApplicationRow]) -> None:
        for attempt in range(3):
            apps = [_application(row) for row in rows]
            for app, row in zip(apps, rows):
                if not row.consultations:  # unsaved and without pauses: the clock needs nothing else
                    self._clock(app, row)
            try:
                with transaction.atomic():  # a savepoint: a clash of random tracking codes is retried
                    Application.objects.bulk_create(apps, batch_size=BATCH_SIZE)
                break
            except IntegrityError:
                if attempt == 2 or self._numbers_taken(rows):
                    raise
        pauses = [
            Pause(application=app, kind=c.kind, party=c.party, started_on=c.started_on, ended_on=c.ended_on,
                  reply_due_on=self.calendar.add_workdays(c.started_on, clock.THIRD_PARTY_WORKDAYS).date)
            for app, row in zip(apps, rows) for c in row.consultations
        ]
        Pause.objects.bulk_create(pauses, batch_size=BATCH_SIZE)
        paused = [app for app, row in zip(apps, rows) if row.consultations]
        if paused:  # the clock reads the pauses from the database, so these get their due date now
            prefetch_related_objects(paused, "pauses")
            same_dates: dict[tuple, list[int]] = defaultdict(list)
            for app, row in zip(apps, rows):
                if row.consultations:
                    self._clock(app, row)
                    same_dates[app.due_on, app.warning_on, app.due_provisional].append(app.pk)
            # Far cheaper than bulk_update's CASE per row: many applications share their dates.
            for (due_on, warning_on, provisional), pks in same_dates.items():
                Application.objects.filter(pk__in=pks).update(
                    due_on=due_on, warning_on=warning_on, due_provisional=provisional
                )
        for row in rows:
            self.counts[row.organisation_id] += 1

    def _clock(self, app: Application, row: ApplicationRow) -> None:
        """The due date, stored for closed applications too (was it answered in time?)."""
        try:
            services._apply_clock(app, self.calendar)
        except ValidationError as exc:  # the first pass checks what the clock refuses; this is a safety net
            raise ImportRefused([f"第 {row.line} 行 clock：{m}" for m in exc.messages], 1) from None

    @staticmethod
    def _numbers_taken(rows: list[ApplicationRow]) -> bool:
        by_org: dict[int, list[str]] = defaultdict(list)
        for row in rows:
            by_org[row.organisation_id].append(row.number)
        return any(Application.objects.filter(organisation_id=o, number__in=n).exists() for o, n in by_org.items())

    def _insert_reviews(self, rows: list[ReviewRow]) -> None:
        by_organisation: dict[int, set[str]] = defaultdict(set)
        for row in rows:
            by_organisation[row.organisation_id].add(row.number)
        found: dict[tuple[int, str], int] = {}
        for organisation_id, numbers in by_organisation.items():
            for number, pk in Application.objects.filter(
                organisation_id=organisation_id, number__in=numbers
            ).order_by().values_list("number", "pk"):
                found[organisation_id, number] = pk
        reviews = []
        for row in rows:
            pk = found.get((row.organisation_id, row.number))
            if pk is None:  # checked in the first pass: only a concurrent change gets here
                raise ImportRefused([f"第 {row.line} 行 application：编号 {row.number} 的申请在导入过程中被删除"], 1)
            reviews.append(Review(application_id=pk, kind=row.kind, filed_on=row.filed_on, outcome=row.outcome,
                                  decided_on=row.decided_on))
        Review.objects.bulk_create(reviews, batch_size=BATCH_SIZE)
        self.review_count += len(reviews)


# --- the service -----------------------------------------------------------------------------------


def applications_import(
    *, actor, path: Path | str, today: date | None = None, progress: Callable[[str], None] | None = None
) -> ImportResult:
    """Import a JSONL file of applications and reviews: all of it, or (if any line is wrong)
    nothing, raising ``ImportRefused`` with every error by line and field."""
    path = Path(path)
    today = today or services.local_today()
    calendar = workdays.get_calendar()
    organisations = dict(Organisation.objects.values_list("code", "pk"))
    codes = {pk: code for code, pk in organisations.items()}

    errors = ErrorList()
    checker = _Checker(errors)
    records = 0
    for row in _parsed(path, errors, organisations, today, calendar):
        records += 1
        if isinstance(row, ApplicationRow):
            checker.application(row)
        elif isinstance(row, ReviewRow):
            checker.review(row)
        if progress and records % 100_000 == 0:
            progress(f"已检查 {records} 条记录……")
    checker.flush_db()
    checker.resolve_reviews(codes)
    if not records and not errors:
        errors.add(0, "文件中没有任何记录")
    if errors:
        raise errors.refused()
    del checker.numbers  # the second pass finds applications through the database

    inserter = _Inserter(calendar)
    try:
        with audit.action(actor=actor, action="foi.import", object_type="foi.application", object_repr=path.name):
            second = ErrorList()
            inserted, report_at, reviews_seen = 0, 100_000, 0
            for row in _parsed(path, second, organisations, today, None):
                if row is None or not row.valid:
                    raise ImportRefused([MODIFIED], 1)
                if isinstance(row, ApplicationRow):
                    inserter.applications.append(row)
                    inserter.note_numbers([row], codes)
                elif isinstance(row, ReviewRow):
                    if reviews_seen >= len(checker.review_organisations):
                        raise ImportRefused([MODIFIED], 1)
                    row.organisation_id = checker.review_organisations[reviews_seen]
                    reviews_seen += 1
                    (inserter.deferred if row.line in checker.forward else inserter.reviews).append(row)
                if len(inserter.applications) + len(inserter.reviews) >= BATCH_SIZE:
                    inserted += len(inserter.applications)
                    inserter.flush()
                    if progress and inserted >= report_at:
                        progress(f"已导入 {inserted} 件申请……")
                        report_at += 100_000
            if second or reviews_seen != len(checker.review_organisations) or len(checker.forward) != len(inserter.deferred):
                raise ImportRefused([MODIFIED], 1)
            inserter.reviews.extend(inserter.deferred)
            inserter.flush()
            inserter.advance_sequences()
            by_organisation = {codes[pk]: n for pk, n in sorted(inserter.counts.items(), key=lambda kv: codes[kv[0]])}
            result = ImportResult(sum(inserter.counts.values()), inserter.review_count, by_organisation)
            audit.record(
                actor=actor, action="foi.import", object_type="foi.application", object_repr=path.name,
                after={"file": path.name, "applications": result.applications, "reviews": result.reviews,
                       "organisations": by_organisation},
            )
    except IntegrityError:
        # Checked in the first pass: only someone registering or importing the same numbers meanwhile gets here.
        raise ImportRefused(["导入时系统中出现了相同编号的申请（可能有人同时导入或登记），未导入任何内容，请重新导入"], 1) from None
    return result


# --- export ----------------------------------------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _export_record(app: Application, pauses: Iterable[Pause], *, personal: bool) -> dict:
    """One application in the import format. Fee pauses, letters, notes and the reply text have no
    place in the format and are left out."""
    record = {
        "record": APPLICATION, "number": app.number, "org": app.organisation.code,
        "applicant_type": app.applicant_type, "channel": app.channel, "received_on": _iso(app.received_on),
        "description": app.description, "concluded_on": _iso(app.concluded_on), "result": app.result or None,
    }
    if personal:
        record.update(applicant_name=app.applicant_name, id_type=app.id_type)
        if app.id_number:
            record["id_number"] = app.id_number.reveal()
        if app.phone:
            record["phone"] = app.phone.reveal()
    if app.correction_requested_on:
        record["corrections"] = [{"requested_on": _iso(app.correction_requested_on),
                                  "received_on": _iso(app.correction_received_on), "items": app.correction_items}]
    if app.extension_workdays:
        record["extensions"] = [{"workdays": app.extension_workdays, "notified_on": _iso(app.extended_on),
                                 "reason": app.extension_reason}]
    consultations = [
        {"kind": p.kind, "from": _iso(p.started_on), "to": _iso(p.ended_on), "party": p.party}
        for p in pauses if p.kind in CONSULTATION_KINDS
    ]
    if consultations:
        record["consultations"] = consultations
    return record


def applications_export(
    *, actor, organisation: Organisation, year: int | None = None, personal: bool = False
) -> Iterator[str]:
    """The applications of one organisation received in ``year`` (all years if None), then their
    reviews, as JSON lines that ``applications_import`` reads back. Applications not yet received
    (online, awaiting confirmation) have no date of receipt and are not exported. Exporting personal
    data is recorded in the audit trail."""
    apps = Application.objects.filter(organisation=organisation, received_on__isnull=False).select_related("organisation")
    if year is not None:
        apps = apps.filter(received_on__year=year)
    # Personal data not exported is not decrypted either.
    unused = ("email", "address") if personal else ("email", "address", "id_number", "phone")
    audit.record(actor=actor, action="foi.export", target=organisation,
                 after={"year": year, "personal": personal, "applications": apps.count()})
    for app in apps.defer(*unused).order_by("received_on", "pk").prefetch_related("pauses").iterator(chunk_size=2000):
        yield json.dumps(_export_record(app, app.pauses.all(), personal=personal), ensure_ascii=False)
    reviews = Review.objects.filter(application__in=apps.values("pk")).select_related("application__organisation")
    for review in reviews.order_by("filed_on", "pk").iterator(chunk_size=2000):
        yield json.dumps({
            "record": REVIEW, "application": review.application.number, "org": review.application.organisation.code,
            "kind": review.kind, "filed_on": _iso(review.filed_on), "outcome": review.outcome,
            "decided_on": _iso(review.decided_on),
        }, ensure_ascii=False)
