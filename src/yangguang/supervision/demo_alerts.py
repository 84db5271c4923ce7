"""Demo data for e-supervision: the default card rules, the demo year's alerts, cards by rule for
each month, a manual card that is under appeal and one whose appeal was decided, and today's sweep
(which notifies the demo users of today's yellow and red lights).

The year's alerts are reconstructed from the stored dates, not by replaying a sweep per day. The
daily sweep sees a case on day D when it was accepted before D and not completed before D; it was
yellow from the first such day on or after its warning day (if that is not after its due date), and
red from the day after its due date. A case accepted and completed on the same day — every 即办件 —
was never seen open by a sweep. They are written already notified (no one needs a
notice about last March), so only today's sweep fills the notification centre."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from yangguang.core import demo as core_demo
from yangguang.core.models import User
from yangguang.foi import rules as foi_rules
from yangguang.foi.models import Application
from yangguang.services import rules as case_rules
from yangguang.services.models import Case
from yangguang.supervision import cards
from yangguang.supervision.models import Alert, Card, CardRule
from yangguang.supervision.sweep import insert_alert_rows, local_midnight, sweep

DEFAULT_RULES = [
    # (name, level, threshold, against, colour)
    ("窗口当月红灯超期累计 3 次记黄牌", "red", 3, CardRule.Against.WINDOW, "yellow"),
    ("窗口当月红灯超期累计 10 次记红牌", "red", 10, CardRule.Against.WINDOW, "red"),
    ("个人当月红灯超期累计 2 次记黄牌", "red", 2, CardRule.Against.PERSON, "yellow"),
    ("个人当月环节超时累计 5 次记黄牌", "step_overtime", 5, CardRule.Against.PERSON, "yellow"),
]


def demo_today() -> date:
    from yangguang.services import demo as services_demo

    return min(timezone.localdate(), getattr(services_demo, "DEMO_DAY", timezone.localdate()))


def load_rules() -> int:
    made = 0
    for name, level, threshold, against, colour in DEFAULT_RULES:
        _, created = CardRule.objects.get_or_create(
            name=name, defaults={"level": level, "threshold": threshold, "against": against, "colour": colour})
        made += created
    return made


def _history_rows(today: date) -> list[list]:
    """Alerts the closed cases and applications of the year showed, from their stored dates."""
    rows = []
    done = Case.objects.filter(status__in=[case_rules.COMPLETED, case_rules.DELIVERED], due_on__isnull=False,
                               warning_on__isnull=False, completed_on__gte=F("warning_on"),
                               completed_on__gt=F("accepted_on"), accepted_on__lt=today)
    for pk, number, org, dept, window, item, who, due, warn, accepted, completed in done.values_list(
        "pk", "number", "organisation_id", "department_id", "window_id", "item_id", "accepted_by_id", "due_on",
        "warning_on", "accepted_on", "completed_on",
    ).iterator(chunk_size=5000):
        seen = max(warn, accepted + timedelta(days=1))  # the first day a sweep saw it yellow
        if seen <= min(completed, due):
            at = local_midnight(seen) + timedelta(hours=8)
            rows.append(["case", pk, None, number, org, dept, window, item, who, "yellow", "", due, seen, at, completed, at])
        if completed > due:
            red = due + timedelta(days=1)
            at = local_midnight(red) + timedelta(hours=8)
            rows.append(["case", pk, None, number, org, dept, window, item, who, "red", "", due, red, at, completed, at])
    closed = Application.objects.filter(status=foi_rules.CLOSED, due_on__isnull=False, warning_on__isnull=False,
                                        concluded_on__gte=F("warning_on"), received_on__isnull=False,
                                        concluded_on__gt=F("received_on"))
    for pk, number, org, who, registrar, due, warn, received, concluded in closed.values_list(
        "pk", "number", "organisation_id", "assignee_id", "registered_by_id", "due_on", "warning_on", "received_on",
        "concluded_on",
    ).iterator(chunk_size=5000):
        seen = max(warn, received + timedelta(days=1))
        if seen <= min(concluded, due):
            at = local_midnight(seen) + timedelta(hours=8)
            rows.append(["application", None, pk, number, org, None, None, None, who or registrar, "yellow", "", due, seen,
                         at, concluded, at])
        if concluded > due:
            red = due + timedelta(days=1)
            at = local_midnight(red) + timedelta(hours=8)
            rows.append(["application", None, pk, number, org, None, None, None, who or registrar, "red", "", due, red, at,
                         concluded, at])
    return rows


@core_demo.register_demo("电子监察预警与记牌", history=True)
def load_alerts() -> int:
    """Rules, the year's alerts and cards, two appealed cards and today's sweep; loads once."""
    today = demo_today()
    made = load_rules()
    if Alert.objects.exists():
        return made
    with transaction.atomic():
        made += insert_alert_rows(_history_rows(today))
    month = date(today.year, 1, 1)
    while month < cards.month_of(today):
        last_day = cards.next_month(month) - timedelta(days=1)
        made += cards.apply_card_rules(today=last_day, now=local_midnight(last_day) + timedelta(hours=18))
        month = cards.next_month(month)
    made += _appealed_cards(today)
    result = sweep(today=today)
    return made + result.raised_total + result.cards


def _appealed_cards(today: date) -> int:
    people = {u.username: u for u in User.objects.filter(username__in=["jiandu", "chuangkou"])}
    if len(people) < 2 or Card.objects.filter(rule=None).exists():
        return 0
    desk, clerk = people["jiandu"], people["chuangkou"]
    pending = cards.card_issue(actor=desk, colour="yellow", person=clerk, today=today - timedelta(days=6),
                               reason="11月17日上午窗口无人值守 25 分钟，群众等候未能及时受理（现场巡查发现）。")
    cards.card_appeal(actor=clerk, card=pending,
                      reasons="当日上午 9:40–10:05 参加中心组织的业务培训，已按规定在窗口放置“暂停服务，请到 3 号窗口办理”提示牌并报备值班长。")
    decided = cards.card_issue(actor=desk, colour="yellow", person=clerk, today=today.replace(day=1) - timedelta(days=20),
                               reason="10月办件 3 件超期未说明原因。")
    cards.card_appeal(actor=clerk, card=decided, reasons="其中 2 件因申请人补正材料，已告知补正但系统未登记暂停计时；附补正告知书复印件。")
    cards.card_decide(actor=desk, card=decided, decision="revoked",
                      note="经核查补正告知书属实，超期系未登记暂停所致，撤销记牌；请窗口今后及时在系统登记补正。")
    return 2
