"""`yangguang sweep`: alerts raised on the right day around the holidays, once; cleared when the
subject is done; the responsible person and their head notified once; step overtime; two
concurrent sweeps; the command's output and its refusal of a bad date."""

import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from yangguang.services import rules
from yangguang.supervision.models import Alert, Card, CardRule, Delivery, Notification
from yangguang.supervision.sweep import sweep

from .alerts_world import at, desk  # noqa: F401  (fixture)

D = date.fromisoformat


# A case accepted on 10 Feb 2026 with a 5-working-day limit: due 24 Feb (after 春节), yellow from
# the worked Saturday 14 Feb, red from 25 Feb. One accepted on 28 Sep: due Sat 10 Oct (after 国庆).
SWEEP_DAYS = [
    ("2026-02-10", "2026-02-13", {"yellow": 0, "red": 0}),
    ("2026-02-10", "2026-02-14", {"yellow": 1, "red": 0}),
    ("2026-02-10", "2026-02-24", {"yellow": 1, "red": 0}),
    ("2026-02-10", "2026-02-25", {"yellow": 1, "red": 1}),
    ("2026-09-28", "2026-10-08", {"yellow": 0, "red": 0}),
    ("2026-09-28", "2026-10-09", {"yellow": 1, "red": 0}),
    ("2026-09-28", "2026-10-10", {"yellow": 1, "red": 0}),
    ("2026-09-28", "2026-10-11", {"yellow": 1, "red": 1}),
]


@pytest.mark.parametrize("accepted, swept_through, expected", SWEEP_DAYS)
def test_alerts_turn_up_on_the_yellow_and_red_days(desk, accepted, swept_through, expected):
    case = desk.case(D(accepted))
    day = D(accepted)
    while day <= D(swept_through):
        sweep(today=day, now=at(day, 8))
        day = date.fromordinal(day.toordinal() + 1)
    got = {level: Alert.objects.filter(case=case, level=level).count() for level in ("yellow", "red")}
    assert got == expected


def test_the_clerk_and_their_head_are_notified_once(desk):
    case = desk.case(D("2026-02-10"))
    first = sweep(today=D("2026-02-14"), now=at(D("2026-02-14"), 8))
    again = sweep(today=D("2026-02-14"), now=at(D("2026-02-14"), 9))
    assert (first.raised["yellow"], first.notified) == (1, 2)
    assert (again.raised_total, again.notified) == (0, 0)
    alert = Alert.objects.get(case=case)
    assert alert.responsible == desk.clerk and alert.due_on == D("2026-02-24")
    notes = Notification.objects.filter(key=f"alert:{alert.pk}")
    assert sorted(n.recipient.username for n in notes) == ["clerk", "head"]
    assert "2026年02月24日" in notes[0].body and case.number in notes[0].title
    assert Delivery.objects.filter(notification__in=notes, status="sent").count() == 2  # console backend


def test_the_reviewer_who_signed_for_the_case_is_responsible(desk):
    case = desk.case(D("2026-02-10"))
    case.steps.create(step="review", action="review_start", actor=desk.reviewer, at=at(D("2026-02-11")))
    sweep(today=D("2026-02-14"))
    assert Alert.objects.get(case=case).responsible == desk.reviewer


def test_a_completed_case_clears_its_alert_and_a_closed_one_raises_none(desk):
    open_case = desk.case(D("2026-02-10"))
    done = desk.case(D("2026-02-10"))
    done.status, done.completed_on, done.result = rules.COMPLETED, D("2026-02-12"), "approved"
    done.save()
    sweep(today=D("2026-02-14"))
    open_case.status, open_case.completed_on, open_case.result = rules.COMPLETED, D("2026-02-24"), "approved"
    open_case.save()
    result = sweep(today=D("2026-02-25"))
    assert result.cleared == 1 and result.raised_total == 0
    assert Alert.objects.get(case=open_case).cleared_on == D("2026-02-25")
    assert not Alert.objects.filter(case=done).exists()


def test_a_suspended_case_stops_and_its_alert_clears(desk):
    case = desk.case(D("2026-02-10"))
    sweep(today=D("2026-02-14"))
    case.due_on = case.warning_on = None  # an open suspension: the clock is stopped
    case.save()
    assert sweep(today=D("2026-02-25")).cleared == 1
    assert not Alert.objects.filter(level="red").exists()


def test_step_overtime_by_the_items_step_limit(desk):
    # Review may take 2 working days: accepted Thu 12 Feb → in time through Sat 14 Feb (worked).
    desk.licence.step_limits = {"review": 2, "approve": 3}
    desk.licence.save()
    case = desk.case(D("2026-02-12"))
    assert sweep(today=D("2026-02-14")).raised["step_overtime"] == 0
    late = sweep(today=D("2026-02-24"))
    assert late.raised["step_overtime"] == 1
    alert = Alert.objects.get(case=case, level="step_overtime")
    assert (alert.step, alert.due_on) == ("review", D("2026-02-14"))
    assert sweep(today=D("2026-02-25")).raised["step_overtime"] == 0  # once
    # Passed on to approval: the review alert clears; approval has its own 3 days from 25 Feb.
    case.status = rules.APPROVING
    case.save()
    case.steps.create(step="review", action="review_pass", actor=desk.reviewer, at=at(D("2026-02-25")))
    assert sweep(today=D("2026-02-26")).cleared >= 1
    assert Alert.objects.get(case=case, level="step_overtime", step="review").cleared_on == D("2026-02-26")


def test_disclosure_applications_get_lights_and_the_officer_is_responsible(desk):
    app = desk.application(D("2026-09-25"))  # due 29 Oct, yellow from 22 Oct (5 working days)
    assert (app.due_on, app.warning_on) == (D("2026-10-29"), D("2026-10-22"))
    assert sweep(today=D("2026-10-21")).raised_total == 0
    assert sweep(today=D("2026-10-22")).raised["yellow"] == 1
    assert sweep(today=D("2026-10-30")).raised["red"] == 1
    red = Alert.objects.get(application=app, level="red")
    assert red.responsible == desk.officer
    assert set(Notification.objects.filter(key=f"alert:{red.pk}").values_list("recipient__username", flat=True)) == {
        "officer", "bureauhead"}


def _expected_message(alert):
    """What the sweep said before it wrote its notifications in SQL (the Python ``Message``)."""
    due = f"{alert.due_on:%Y年%m月%d日}"
    what = {"case": "办件", "application": "依申请公开"}[alert.subject]
    if alert.level == "step_overtime":
        title, body = f"环节超时：{what} {alert.number}", f"{rules.STEPS[alert.step]}环节应于 {due} 前完成，已超时。"
    elif alert.level == "red":
        title, body = f"红灯超期：{what} {alert.number}", f"期限 {due} 已过，请立即办理并说明原因。"
    else:
        title, body = f"黄灯预警：{what} {alert.number}", f"将于 {due} 到期，请抓紧办理。"
    if alert.responsible:
        body += f"责任人：{alert.responsible}。"
    url = (reverse("services:staff-detail", args=[alert.case_id]) if alert.subject == "case"
           else reverse("foi:staff-detail", args=[alert.application_id]))
    return alert.level, title, body, url, alert.organisation_id


def test_each_notification_names_the_subject_its_deadline_and_the_responsible_person(desk):
    # The head is the leader of the responsible person's organisation, else of the department, else
    # of the receiving organisation; an inactive leader is not told.
    from yangguang.core.models import Role

    from ..conftest import make_person

    desk.licence.step_limits = {"review": 2}
    desk.licence.save()
    police_clerk = make_person("policeclerk", Role.WINDOW_CLERK, desk.police, full_name="")
    gone = make_person("gone", Role.LEADER, desk.police, full_name="离任领导")
    gone.is_active = False
    gone.save()
    ours = desk.case(D("2026-02-10"))
    theirs = desk.case(D("2026-02-10"), by=police_clerk)
    app = desk.application(D("2026-09-25"))
    sweep(today=D("2026-02-24"))  # yellow and step overtime
    sweep(today=D("2026-02-25"))  # red
    sweep(today=D("2026-10-30"))  # the application: red (its yellow day was not swept)
    police_head = make_person("policehead", Role.LEADER, desk.police, full_name="公安领导")
    later = desk.case(D("2026-10-19"), by=police_clerk)
    sweep(today=D("2026-10-30"))
    recipients = {ours: {"clerk", "head"}, theirs: {"policeclerk", "head"}, later: {"policeclerk", "policehead"}}
    alerts = Alert.objects.select_related("responsible")
    assert sorted(alerts.filter(case=ours).values_list("level", flat=True)) == ["red", "step_overtime", "yellow"]
    assert alerts.filter(application=app).count() == 1 and alerts.filter(case=later).exists()
    for alert in alerts:
        notes = Notification.objects.filter(key=f"alert:{alert.pk}")
        expected = recipients[alert.case] if alert.case_id else {"officer", "bureauhead"}
        assert {n.recipient.username for n in notes} == expected, alert
        for n in notes:
            assert (n.kind, n.title, n.body, n.url, n.organisation_id) == _expected_message(alert)
            assert n.created_at == alert.notified_at and n.read_at is None
    assert "责任人：policeclerk。" in Notification.objects.filter(key=f"alert:{alerts.filter(case=theirs).first().pk}")[0].body
    assert police_head.pk and Delivery.objects.count() == Notification.objects.count()


def _sweep_in_thread(day, barrier, errors):
    try:
        barrier.wait()
        sweep(today=day)
    except Exception as exc:  # surfaced by the assertion below
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_raise_notify_and_card_once(desk):
    CardRule.objects.create(name="黄灯即记黄牌", level="yellow", threshold=2, against="window", colour="yellow")
    cases = [desk.case(D("2026-02-10")) for _ in range(5)]
    barrier, errors = threading.Barrier(2), []
    threads = [threading.Thread(target=_sweep_in_thread, args=(D("2026-02-14"), barrier, errors)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Alert.objects.filter(level="yellow").count() == len(cases)
    assert Notification.objects.filter(key__startswith="alert:").count() == 2 * len(cases)  # clerk + head, each once
    assert Card.objects.count() == 2  # 5 alerts, 2 per card
    assert Notification.objects.filter(key__startswith="card:").count() == Card.objects.count()  # the head, once per card
    assert Delivery.objects.count() == Notification.objects.count()
    assert Delivery.objects.exclude(status="sent").count() == 0


def test_the_command_prints_the_counts(desk, capsys):
    desk.case(D("2026-02-10"))
    call_command("sweep", "--as-of", "2026-02-14")
    out = capsys.readouterr().out
    assert "电子监察巡查 2026-02-14" in out and "新发黄灯预警 1 条" in out and "发出站内通知 2 条" in out


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError) as exc:
        call_command("sweep", "--as-of", "2026-02-30")
    assert exc.value.returncode == 2 and "巡查日期" in str(exc.value) and "YYYY-MM-DD" in str(exc.value)


def test_the_demo_reconstructs_the_years_alerts_and_cards_once(desk):
    from yangguang.core.models import Role
    from yangguang.supervision import demo_alerts

    from ..conftest import make_person

    make_person("jiandu", Role.SUPERVISOR, desk.centre)
    make_person("chuangkou", Role.WINDOW_CLERK, desk.centre)
    for accepted, completed in [("2026-03-02", "2026-03-12"), ("2026-03-03", "2026-03-13"), ("2026-03-04", "2026-03-16"),
                                ("2026-04-01", "2026-04-02")]:
        case = desk.case(D(accepted))  # limit 5: due 9/10/11 March, completed late
        case.status, case.completed_on, case.result = rules.COMPLETED, D(completed), "approved"
        case.save()
    made = demo_alerts.load_alerts()
    red = Alert.objects.filter(level="red", raised_on__month=3)
    assert red.count() == 3 and all(a.cleared_on and a.notified_at for a in red)
    assert Alert.objects.filter(level="yellow").count() == 3  # the April case was done before its warning day
    window_card = Card.objects.get(rule__name="窗口当月红灯超期累计 3 次记黄牌")
    assert (window_card.window, window_card.month, window_card.issued_on) == (desk.window, D("2026-03-01"), D("2026-03-31"))
    assert Card.objects.filter(rule=None, status="appealed").count() == 1
    assert Card.objects.filter(rule=None, status="revoked").count() == 1
    assert made >= 4 + 6 + 1 + 2
    assert demo_alerts.load_alerts() == 0
