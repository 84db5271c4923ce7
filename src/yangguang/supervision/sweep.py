"""The e-supervision sweep (`yangguang sweep`): raise, clear, notify, card, deliver.

One run, for one day:

1. **Raise** an ``Alert`` for every open case / disclosure application that shows yellow or red
   today and for every step held past its own limit. Yellow and red are one
   ``INSERT … SELECT … ON CONFLICT DO NOTHING`` each over the stored ``warning_on`` / ``due_on``
   columns (set-based: no Python loop over cases); the unique constraints on
   (subject, level, step, due date) make a second sweep — or a concurrent one on another server —
   raise nothing twice. A moved due date is a new deadline and may raise a new alert.
2. **Clear** the alerts whose subject is closed, paused, green again or whose deadline moved.
3. **Notify** the responsible person and their head once per alert (``notify_many``, keyed
   ``alert:<pk>``; the alert's ``notified_at`` is the to-do list, so a sweep that died half way is
   finished by the next one).
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
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from yangguang.core import calendar as workdays
from yangguang.core.models import Role, RoleAssignment
from yangguang.foi import rules as foi_rules
from yangguang.foi.models import Application
from yangguang.services import rules as case_rules
from yangguang.services.models import Case, ServiceItem, Step
from yangguang.supervision import lights
from yangguang.supervision.models import Alert
from yangguang.supervision.models.alerts import LEVELS, SUBJECTS
from yangguang.supervision.notify import Message, deliver_pending, notify_many

YELLOW, RED, STEP_OVERTIME = "yellow", "red", "step_overtime"

# The status a case is in while each step with its own limit runs, and the actions that start it.
STEP_STATUSES = {
    "review": (case_rules.ACCEPTED, case_rules.REVIEWING),
    "approve": (case_rules.APPROVING,),
}
STEP_STARTS = {"review": ("accept", "return_to_review"), "approve": ("review_pass",)}
NOTIFY_CHUNK = 500


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
    with transaction.atomic():
        result.raised[YELLOW] = _raise_lights(YELLOW, today, now)
        result.raised[RED] = _raise_lights(RED, today, now)
    with transaction.atomic():
        result.raised[STEP_OVERTIME] = _raise_step_overtime(today, now)
    with transaction.atomic():
        result.cleared = clear_alerts(today=today)
    result.notified = notify_alerts(now=now)
    result.cards = apply_card_rules(today=today, now=now)
    delivered = deliver_pending(now=now)
    result.sent, result.retried, result.failed = delivered.sent, delivered.retried, delivered.failed
    return result


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


def _raise_lights(level: str, today: date, now: datetime) -> int:
    """One INSERT … SELECT per subject: every open case / application showing ``level`` today."""
    day = connection.ops.adapt_datefield_value(today)
    stamp = connection.ops.adapt_datetimefield_value(now)
    light_params = [day, day] if level == YELLOW else [day]
    raised = 0
    statuses = list(case_rules.RUNNING_STATUSES)
    case_sql = (
        _insert_into()
        + f"SELECT 'case', c.id, NULL, c.number, c.organisation_id, c.department_id, c.window_id, c.item_id, "
        f"COALESCE((SELECT s.actor_id FROM {_table(Step)} s WHERE s.case_id = c.id AND s.actor_id IS NOT NULL "
        f"ORDER BY s.at DESC, s.id DESC LIMIT 1), c.accepted_by_id), "
        f"%s, '', c.due_on, %s, %s, NULL, NULL FROM {_table(Case)} c "
        f"WHERE c.status IN ({', '.join(['%s'] * len(statuses))}) AND c.due_on IS NOT NULL AND "
        + _light_condition(level, "c")
        + f" AND NOT EXISTS (SELECT 1 FROM {_table(Alert)} a WHERE a.case_id = c.id AND a.{_q('level')} = %s "
        f"AND a.{_q('step')} = '' AND a.due_on = c.due_on) ON CONFLICT DO NOTHING"
    )
    open_statuses = sorted(foi_rules.OPEN_STATUSES)
    application_sql = (
        _insert_into()
        + f"SELECT 'application', NULL, p.id, p.number, p.organisation_id, NULL, NULL, NULL, "
        f"COALESCE(p.assignee_id, p.registered_by_id), %s, '', p.due_on, %s, %s, NULL, NULL "
        f"FROM {_table(Application)} p "
        f"WHERE p.status IN ({', '.join(['%s'] * len(open_statuses))}) AND p.due_on IS NOT NULL AND "
        + _light_condition(level, "p")
        + f" AND NOT EXISTS (SELECT 1 FROM {_table(Alert)} a WHERE a.application_id = p.id AND a.{_q('level')} = %s "
        f"AND a.{_q('step')} = '' AND a.due_on = p.due_on) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(case_sql, [level, day, stamp, *statuses, *light_params, level])
        raised += max(cursor.rowcount, 0)
        cursor.execute(application_sql, [level, day, stamp, *open_statuses, *light_params, level])
        raised += max(cursor.rowcount, 0)
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


def _raise_step_overtime(today: date, now: datetime) -> int:
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
                         due_cache[start_day], today, now, None, None])
    return insert_alert_rows(rows)


def insert_alert_rows(rows: list[list]) -> int:
    """Insert alert rows (in ``ALERT_COLUMNS`` order), skipping any that exist; returns how many were new."""
    ops = connection.ops
    inserted = 0
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
            cursor.execute(_insert_into() + f"VALUES {values} ON CONFLICT DO NOTHING", params)
            inserted += max(cursor.rowcount, 0)
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


def heads_by_organisation(organisation_ids) -> dict[int, list[int]]:
    heads: dict[int, list[int]] = defaultdict(list)
    for org, user in RoleAssignment.objects.filter(
        role=Role.LEADER, organisation_id__in=set(filter(None, organisation_ids)), user__is_active=True
    ).values_list("organisation_id", "user_id"):
        heads[org].append(user)
    return heads


def alert_url(alert: Alert) -> str:
    if alert.subject == "case":
        return reverse("services:staff-detail", args=[alert.case_id])
    return reverse("foi:staff-detail", args=[alert.application_id])


def _message(alert: Alert, heads: dict[int, list[int]]) -> Message:
    responsible = alert.responsible
    head_orgs = [responsible.organisation_id if responsible else None, alert.department_id, alert.organisation_id]
    leaders = next((heads[o] for o in head_orgs if o and heads.get(o)), [])
    recipients = tuple(dict.fromkeys([*([responsible.pk] if responsible else []), *leaders]))
    what = SUBJECTS[alert.subject]
    if alert.level == STEP_OVERTIME:
        title = f"环节超时：{what} {alert.number}"
        body = f"{case_rules.STEPS.get(alert.step, alert.step)}环节应于 {alert.due_on:%Y年%m月%d日} 前完成，已超时。"
    elif alert.level == RED:
        title = f"红灯超期：{what} {alert.number}"
        body = f"期限 {alert.due_on:%Y年%m月%d日} 已过，请立即办理并说明原因。"
    else:
        title = f"黄灯预警：{what} {alert.number}"
        body = f"将于 {alert.due_on:%Y年%m月%d日} 到期，请抓紧办理。"
    if responsible:
        body += f"责任人：{responsible}。"
    return Message(recipients, f"alert:{alert.pk}", alert.level, title, body, alert_url(alert), alert.organisation_id)


def notify_alerts(*, now: datetime) -> int:
    """Notify once per alert not yet notified (cleared ones are just marked: nothing to act on)."""
    notified, last_pk = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                Alert.objects.filter(notified_at=None, pk__gt=last_pk).select_related("responsible").order_by("pk")[:NOTIFY_CHUNK]
            )
            if not batch:
                return notified
            last_pk = batch[-1].pk
            live = [a for a in batch if a.cleared_on is None]
            heads = heads_by_organisation(
                {a.responsible.organisation_id for a in live if a.responsible}
                | {a.department_id for a in live} | {a.organisation_id for a in live}
            )
            notified += notify_many([_message(a, heads) for a in live], now=now)
            Alert.objects.filter(pk__in=[a.pk for a in batch], notified_at=None).update(notified_at=now)


def level_label(level: str) -> str:
    return LEVELS.get(level, level)
