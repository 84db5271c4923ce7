"""The e-supervision sweep (`yangguang sweep`): raise, clear, notify, card, deliver.

One run, for one day:

1. **Raise** an ``Alert`` for every open case / disclosure application that shows yellow or red
   today and for every step held past its own limit. Yellow and red are one
   ``INSERT … SELECT … ON CONFLICT DO NOTHING`` each over the stored ``warning_on`` / ``due_on``
   columns (set-based: no Python loop over cases); the unique constraints on
   (subject, level, step, due date) make a second sweep — or a concurrent one on another server —
   raise nothing twice. A moved due date is a new deadline and may raise a new alert.
2. **Clear** the alerts whose subject is closed, paused, green again or whose deadline moved.
3. **Notify** the responsible person and their head once per alert (keyed ``alert:<pk>``), set-based:
   the alerts a raise wrote (``… ON CONFLICT DO NOTHING RETURNING id``: only this sweep's) are
   notified with one ``INSERT … SELECT`` per 20,000 in the raise's own transaction, and their
   deliveries queued with another, so an alert and its notifications commit together. Alerts still
   without ``notified_at`` (written by something else) are claimed and notified the same way.
4. **Cards**: apply the card rules for the month (``cards.apply_card_rules``).
5. **Deliver** the notification outbox (SMS / email / console; failures retried with back-off).

Who is *responsible*: for a case, the person who last acted on it (who accepted it, signed for the
review, passed it on …), falling back to the clerk who accepted it; for a disclosure application,
its 承办人 (``assignee``), falling back to the officer who registered it. Their *head* is every
leader (``Role.LEADER``) assigned directly to the responsible person's organisation, or — when the
person has none or nobody is responsible — to the case's department / the receiving organisation.

Step overtime (环节超时): a case in 审查 (accepted or reviewing) or 核准 (approving) whose item sets a
limit for that step (``ServiceItem.step_limits``), held since the step began — the latest 受理 /
退回重新审查 for the review, the latest 审查通过 for the approval — for more than that many working
days. Suspensions inside a step are not deducted (the whole case's clock deducts them); a case whose
clock is paused (correction, open suspension) raises no step alert.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import perf_counter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from yangguang.core import calendar as workdays
from yangguang.core.models import Role, RoleAssignment, User
from yangguang.foi import rules as foi_rules
from yangguang.foi.models import Application
from yangguang.services import rules as case_rules
from yangguang.services.models import Case, ServiceItem, Step
from yangguang.supervision import lights
from yangguang.supervision.models import Alert, Notification
from yangguang.supervision.models.alerts import LEVELS, SUBJECTS
from yangguang.supervision.notify import deliver_pending, id_chunks, queue_deliveries

YELLOW, RED, STEP_OVERTIME = "yellow", "red", "step_overtime"

# The status a case is in while each step with its own limit runs, and the actions that start it.
STEP_STATUSES = {
    "review": (case_rules.ACCEPTED, case_rules.REVIEWING),
    "approve": (case_rules.APPROVING,),
}
STEP_STARTS = {"review": ("accept", "return_to_review"), "approve": ("review_pass",)}
NOTIFY_CHUNK = 20_000  # alerts claimed and notified per transaction


@dataclass
class SweepResult:
    today: date
    raised: dict[str, int] = field(default_factory=lambda: {YELLOW: 0, RED: 0, STEP_OVERTIME: 0})
    cleared: int = 0
    notified: int = 0
    cards: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per phase, for the benchmark

    @property
    def raised_total(self) -> int:
        return sum(self.raised.values())

    def lines(self) -> list[str]:
        return [
            f"电子监察巡查 {self.today:%Y-%m-%d}",
            f"新发黄灯预警 {self.raised[YELLOW]} 条，红灯超期 {self.raised[RED]} 条，环节超时 {self.raised[STEP_OVERTIME]} 条",
            f"解除预警 {self.cleared} 条",
            f"发出站内通知 {self.notified} 条",
            f"记黄牌/红牌 {self.cards} 张",
            f"外部通知：发送 {self.sent} 条，待重试 {self.retried} 条，放弃 {self.failed} 条",
        ]


def sweep(*, today: date, now: datetime | None = None) -> SweepResult:
    """Run the whole sweep for ``today``; idempotent and safe to run on several servers at once."""
    from yangguang.supervision.cards import apply_card_rules  # cards imports this module's helpers

    now = now or timezone.now()
    result = SweepResult(today=today)
    # The new alerts are written as notified and notified in the same transaction: this sweep
    # raised them (ON CONFLICT … RETURNING), so it alone notifies them, and if it dies neither stays.
    # "… transaction" includes the commit (PostgreSQL checks the deferred foreign keys there).
    with _timed(result, "yellow/red transaction"), transaction.atomic():
        with _timed(result, "raise yellow"):
            yellow = _raise_lights(YELLOW, today, now)
        with _timed(result, "raise red"):
            red = _raise_lights(RED, today, now)
        with _timed(result, "notify yellow/red"):
            result.notified += notify_raised(yellow + red, now=now)
    with _timed(result, "step overtime transaction"), transaction.atomic():
        with _timed(result, "raise step overtime"):
            overtime = _raise_step_overtime(today, now)
        with _timed(result, "notify step overtime"):
            result.notified += notify_raised(overtime, now=now)
    result.raised.update({YELLOW: len(yellow), RED: len(red), STEP_OVERTIME: len(overtime)})
    with _timed(result, "clear"), transaction.atomic():
        result.cleared = clear_alerts(today=today)
    with _timed(result, "notify the rest"):
        result.notified += notify_alerts(now=now)
    with _timed(result, "cards"):
        result.cards = apply_card_rules(today=today, now=now)
    with _timed(result, "deliver"):
        delivered = deliver_pending(now=now)
    result.sent, result.retried, result.failed = delivered.sent, delivered.retried, delivered.failed
    return result


@contextmanager
def _timed(result: SweepResult, phase: str):
    started = perf_counter()
    try:
        yield
    finally:
        result.seconds[phase] = perf_counter() - started


# --- raising --------------------------------------------------------------------------------------

ALERT_COLUMNS = (
    "subject", "case_id", "application_id", "number", "organisation_id", "department_id", "window_id", "item_id",
    "responsible_id", "level", "step", "due_on", "raised_on", "raised_at", "cleared_on", "notified_at",
)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _insert_into() -> str:
    return f"INSERT INTO {_table(Alert)} ({', '.join(_q(c) for c in ALERT_COLUMNS)}) "


def _light_condition(level: str, alias: str) -> str:
    if level == YELLOW:
        return f"{alias}.warning_on <= %s AND {alias}.due_on >= %s"
    return f"{alias}.due_on < %s"


def _raise_lights(level: str, today: date, now: datetime) -> list[int]:
    """One INSERT … SELECT per subject: every open case / application showing ``level`` today;
    returns the new alerts' ids (written as notified at ``now``: the caller notifies them in the
    same transaction)."""
    day = connection.ops.adapt_datefield_value(today)
    stamp = connection.ops.adapt_datetimefield_value(now)
    light_params = [day, day] if level == YELLOW else [day]
    raised: list[int] = []
    statuses = list(case_rules.RUNNING_STATUSES)
    case_sql = (
        _insert_into()
        + f"SELECT 'case', c.id, NULL, c.number, c.organisation_id, c.department_id, c.window_id, c.item_id, "
        f"COALESCE((SELECT s.actor_id FROM {_table(Step)} s WHERE s.case_id = c.id AND s.actor_id IS NOT NULL "
        f"ORDER BY s.at DESC, s.id DESC LIMIT 1), c.accepted_by_id), "
        f"%s, '', c.due_on, %s, %s, NULL, %s FROM {_table(Case)} c "
        f"WHERE c.status IN ({', '.join(['%s'] * len(statuses))}) AND c.due_on IS NOT NULL AND "
        + _light_condition(level, "c")
        + f" AND NOT EXISTS (SELECT 1 FROM {_table(Alert)} a WHERE a.case_id = c.id AND a.{_q('level')} = %s "
        f"AND a.{_q('step')} = '' AND a.due_on = c.due_on) ORDER BY c.id ON CONFLICT DO NOTHING RETURNING id"
    )
    open_statuses = sorted(foi_rules.OPEN_STATUSES)
    application_sql = (
        _insert_into()
        + f"SELECT 'application', NULL, p.id, p.number, p.organisation_id, NULL, NULL, NULL, "
        f"COALESCE(p.assignee_id, p.registered_by_id), %s, '', p.due_on, %s, %s, NULL, %s "
        f"FROM {_table(Application)} p "
        f"WHERE p.status IN ({', '.join(['%s'] * len(open_statuses))}) AND p.due_on IS NOT NULL AND "
        + _light_condition(level, "p")
        + f" AND NOT EXISTS (SELECT 1 FROM {_table(Alert)} a WHERE a.application_id = p.id AND a.{_q('level')} = %s "
        f"AND a.{_q('step')} = '' AND a.due_on = p.due_on) ORDER BY p.id ON CONFLICT DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(case_sql, [level, day, stamp, stamp, *statuses, *light_params, level])
        raised += [row[0] for row in cursor.fetchall()]
        cursor.execute(application_sql, [level, day, stamp, stamp, *open_statuses, *light_params, level])
        raised += [row[0] for row in cursor.fetchall()]
    return raised


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _step_limits() -> dict[tuple[str, int], list[int]]:
    """(step, limit) → the items that give that step that limit."""
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for pk, limits in ServiceItem.objects.exclude(step_limits={}).values_list("pk", "step_limits"):
        for step, limit in (limits or {}).items() if isinstance(limits, dict) else ():
            if step in STEP_STATUSES and isinstance(limit, int) and limit > 0:
                groups[step, limit].append(pk)
    return groups


def _raise_step_overtime(today: date, now: datetime) -> list[int]:
    calendar = workdays.get_calendar()
    tz = ZoneInfo(settings.TIME_ZONE)
    rows: list[list] = []
    for (step, limit), items in _step_limits().items():
        cut = local_midnight(lights.latest_overtime_start(today, limit, calendar) + timedelta(days=1))
        started = Subquery(
            Step.objects.filter(case=OuterRef("pk"), action__in=STEP_STARTS[step]).order_by("-at", "-pk").values("at")[:1]
        )
        last_actor = Subquery(
            Step.objects.filter(case=OuterRef("pk"), actor__isnull=False).order_by("-at", "-pk").values("actor")[:1]
        )
        already = Alert.objects.filter(case=OuterRef("pk"), level=STEP_OVERTIME, step=step, cleared_on=None)
        candidates = (
            Case.objects.filter(status__in=STEP_STATUSES[step], item_id__in=items, due_on__isnull=False)
            .annotate(step_started_at=Coalesce(started, "accepted_at", output_field=DateTimeField()) if step == "review" else started)
            .filter(step_started_at__lt=cut)
            .exclude(Exists(already))
            .annotate(responsible=Coalesce(last_actor, "accepted_by_id", output_field=IntegerField()))
            .values_list("pk", "number", "organisation_id", "department_id", "window_id", "item_id", "responsible",
                         "step_started_at")
        )
        due_cache: dict[date, date] = {}
        for pk, number, org, dept, window, item, responsible, started_at in candidates.iterator(chunk_size=2000):
            start_day = started_at.astimezone(tz).date()
            if start_day not in due_cache:
                due_cache[start_day] = lights.step_due(start_day, limit, calendar)
            rows.append(["case", pk, None, number, org, dept, window, item, responsible, STEP_OVERTIME, step,
                         due_cache[start_day], today, now, None, now])
    return _insert_alert_rows(rows)


def insert_alert_rows(rows: list[list]) -> int:
    """Insert alert rows (in ``ALERT_COLUMNS`` order), skipping any that exist; returns how many were new."""
    return len(_insert_alert_rows(rows))


def _insert_alert_rows(rows: list[list]) -> list[int]:
    ops = connection.ops
    inserted: list[int] = []
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        params = []
        for r in chunk:
            r = list(r)
            r[11], r[12] = ops.adapt_datefield_value(r[11]), ops.adapt_datefield_value(r[12])
            r[13] = ops.adapt_datetimefield_value(r[13])
            r[14] = ops.adapt_datefield_value(r[14])
            r[15] = ops.adapt_datetimefield_value(r[15])
            params += r
        values = ", ".join("(" + ", ".join(["%s"] * len(ALERT_COLUMNS)) + ")" for _ in chunk)
        with connection.cursor() as cursor:
            cursor.execute(_insert_into() + f"VALUES {values} ON CONFLICT DO NOTHING RETURNING id", params)
            inserted += [row[0] for row in cursor.fetchall()]
    return inserted


# --- clearing -------------------------------------------------------------------------------------


def clear_alerts(*, today: date) -> int:
    """Clear the open alerts whose subject is closed, paused, green again, or whose deadline moved."""
    open_alerts = Alert.objects.filter(cleared_on=None)
    case_light = open_alerts.filter(subject="case", level__in=[YELLOW, RED]).filter(
        ~Q(case__status__in=case_rules.RUNNING_STATUSES)
        | Q(case__due_on__isnull=True)
        | ~Q(case__due_on=F("due_on"))
        | Q(level=YELLOW, case__warning_on__gt=today)
    )
    application_light = open_alerts.filter(subject="application").filter(
        Q(application__status=foi_rules.CLOSED)
        | Q(application__due_on__isnull=True)
        | ~Q(application__due_on=F("due_on"))
        | Q(level=YELLOW, application__warning_on__gt=today)
    )
    step_moved = Q()
    for step, statuses in STEP_STATUSES.items():
        step_moved |= Q(step=step) & ~Q(case__status__in=statuses)
    steps = open_alerts.filter(level=STEP_OVERTIME).filter(step_moved | Q(case__due_on__isnull=True))
    return sum(qs.update(cleared_on=today) for qs in (case_light, application_light, steps))


# --- notifying ------------------------------------------------------------------------------------


def _url_parts(name: str) -> tuple[str, str]:
    """The URL of an object of ``name`` around its primary key, to build it in SQL."""
    marker = 987654321
    before, after = reverse(name, args=[marker]).split(str(marker))
    return before, after


def _date_text(column: str) -> tuple[str, list]:
    """``column`` as "2026年02月24日" in SQL (``f"{day:%Y年%m月%d日}"``)."""
    if connection.vendor == "postgresql":
        return f"to_char({column}, %s)", ['YYYY"年"MM"月"DD"日"']
    return f"strftime(%s, {column})", ["%Y年%m月%d日"]


def _notification_sql(alerts: str, alert_params: list, now: datetime) -> tuple[str, list]:
    """One ``INSERT … SELECT`` of the notifications of the alerts matching ``alerts`` (a condition on
    ``a``) that are not cleared, keyed ``alert:<pk>``: to the responsible person and to the active
    leaders of the first of (the responsible person's organisation, the department, the receiving
    organisation) that has any, with the title, body and link written in SQL (the text is checked
    against the Python rendering in tests/supervision/test_sweep.py). Ordered, so two writers of the
    same keys take them in the same order."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    due_text, due_params = _date_text("t.due_on")
    case_url, application_url = _url_parts("services:staff-detail"), _url_parts("foi:staff-detail")
    steps = list(case_rules.STEPS.items())
    columns = ("recipient_id", "organisation_id", "kind", "key", "title", "body", "url", "created_at", "read_at")
    leaders = (
        f"SELECT DISTINCT ra.organisation_id AS org, ra.user_id AS uid FROM {_table(RoleAssignment)} ra "
        f"JOIN {_table(User)} lu ON lu.id = ra.user_id WHERE ra.{_q('role')} = %s AND lu.is_active"
    )

    def has_leaders(column: str) -> str:
        return f"EXISTS (SELECT 1 FROM leaders l WHERE l.org = {column})"

    todo = (
        f"SELECT a.id, a.subject, a.case_id, a.application_id, a.number, a.organisation_id, a.{_q('level')} AS lvl, "
        f"a.{_q('step')} AS step, a.due_on, a.responsible_id, r.full_name, r.username, "
        f"CASE WHEN {has_leaders('r.organisation_id')} THEN r.organisation_id "
        f"WHEN {has_leaders('a.department_id')} THEN a.department_id "
        f"WHEN {has_leaders('a.organisation_id')} THEN a.organisation_id END AS head_org "
        f"FROM {_table(Alert)} a LEFT JOIN {_table(User)} r ON r.id = a.responsible_id "
        f"WHERE {alerts} AND a.cleared_on IS NULL"
    )
    recipients = (
        "SELECT id AS alert_id, responsible_id AS uid FROM todo WHERE responsible_id IS NOT NULL "
        "UNION SELECT t.id, l.uid FROM todo t JOIN leaders l ON l.org = t.head_org"
    )
    what = "CASE t.subject WHEN 'case' THEN %s ELSE %s END"
    title = f"CASE t.lvl WHEN %s THEN %s WHEN %s THEN %s ELSE %s END || {what} || ' ' || t.number"
    step_label = "CASE t.step " + " ".join("WHEN %s THEN %s" for _ in steps) + " ELSE t.step END"
    body = (
        f"CASE t.lvl WHEN %s THEN {step_label} || %s || {due_text} || %s "
        f"WHEN %s THEN %s || {due_text} || %s ELSE %s || {due_text} || %s END || "
        "CASE WHEN t.responsible_id IS NULL THEN '' "
        "ELSE %s || COALESCE(NULLIF(t.full_name, ''), t.username) || %s END"
    )
    url = ("CASE t.subject WHEN 'case' THEN %s || CAST(t.case_id AS TEXT) || %s "
           "ELSE %s || CAST(t.application_id AS TEXT) || %s END")
    sql = (
        f"WITH leaders AS ({leaders}), todo AS ({todo}), recipients AS ({recipients}) "
        f"INSERT INTO {_table(Notification)} ({', '.join(_q(c) for c in columns)}) "
        f"SELECT rc.uid, t.organisation_id, t.lvl, 'alert:' || CAST(t.id AS TEXT), {title}, {body}, {url}, %s, NULL "
        "FROM recipients rc JOIN todo t ON t.id = rc.alert_id WHERE rc.uid IS NOT NULL "
        "ORDER BY t.id, rc.uid ON CONFLICT DO NOTHING RETURNING id"
    )
    params = [
        Role.LEADER, *alert_params,
        STEP_OVERTIME, "环节超时：", RED, "红灯超期：", "黄灯预警：", SUBJECTS["case"], SUBJECTS["application"],
        STEP_OVERTIME, *[x for pair in steps for x in pair], "环节应于 ", *due_params, " 前完成，已超时。",
        RED, "期限 ", *due_params, " 已过，请立即办理并说明原因。", "将于 ", *due_params, " 到期，请抓紧办理。",
        "责任人：", "。",
        *case_url, *application_url, stamp,
    ]
    return sql, params


def notify_alerts(*, now: datetime) -> int:
    """Notify once per alert not yet notified (cleared ones are just marked: nothing to act on).

    Set-based, ``NOTIFY_CHUNK`` alerts per transaction: claim them (``notified_at = now``, in id
    order — a second sweep waits for them and then finds them notified), write their notifications
    with one ``INSERT … SELECT`` and queue the deliveries of the new ones with another."""
    todo = list(Alert.objects.filter(notified_at=None).order_by("pk").values_list("pk", flat=True))
    notified = 0
    for start in range(0, len(todo), NOTIFY_CHUNK):
        first, last = todo[start], todo[min(start + NOTIFY_CHUNK, len(todo)) - 1]
        with transaction.atomic():
            mine = Alert.objects.filter(pk__gte=first, pk__lte=last, notified_at=None)
            if not list(mine.select_for_update().order_by("pk").values_list("pk", flat=True)):
                continue
            mine.update(notified_at=now)
            stamp = connection.ops.adapt_datetimefield_value(now)
            notified += _notify("a.id >= %s AND a.id <= %s AND a.notified_at = %s", [first, last, stamp], now)
    return notified


def notify_raised(alert_ids: list[int], *, now: datetime) -> int:
    """Notify the alerts this sweep has just raised (as notified at ``now``), in its transaction."""
    return sum(_notify(condition, params, now) for condition, params in id_chunks("a.id", alert_ids, NOTIFY_CHUNK))


def _notify(alerts: str, params: list, now: datetime) -> int:
    sql, params = _notification_sql(alerts, params, now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        created = [row[0] for row in cursor.fetchall()]
    if created and settings.NOTIFY_BACKENDS:
        queue_deliveries(created, now)
    return len(created)


def level_label(level: str) -> str:
    return LEVELS.get(level, level)
