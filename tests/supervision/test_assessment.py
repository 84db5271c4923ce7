"""The monthly assessment over a small hand-counted month (October 2026) at the test hall
(tests/services/conftest.py): window 01 公安窗口 and 02 综合窗口, clerks 林窗口 (clerk) and 王窗口
(clerk2), who accepted the cases they count for.

| what                         | window 01 | window 02 | clerk | clerk2 |
|------------------------------|-----------|-----------|-------|--------|
| completed (A late, B, C, E)  | 3         | 1         | 2     | 2      |
| on time                      | 2         | 1         | 1     | 2      |
| ratings (a voided 差评 left out) | 2     | 1         | 2     | 1      |
| satisfied                    | 1         | 1         | 1     | 1      |
| upheld complaint (about A)   | 1         | 0         | 1     | 0      |
| cards (02's red revoked)     | 1 yellow  | 0         | 0     | 1 yellow |
| score                        | 59.67     | 100.00    | 55.00 | 98.00  |
"""

from datetime import date, datetime, timezone
from decimal import Decimal
from itertools import count

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from yangguang.core.models import Role
from yangguang.supervision import assessment
from yangguang.supervision.models import Card, Complaint, Evaluation, MonthlyScore, Rectification

from ..conftest import make_person
from ..reports.test_service_data import make_case
from ..services.conftest import hall  # noqa: F401  (the fixture)

OCTOBER = date(2026, 10, 1)
_serial = count(1)


def rate(case, level, *, staff, channel="device", on=date(2026, 10, 20)):
    return Evaluation.objects.create(
        subject="case", case=case, organisation=case.organisation, department=case.department, window=case.window,
        staff=staff, channel=channel, level=level, rated_at=datetime(2026, 10, 20, 2, tzinfo=timezone.utc), rated_on=on)


def complain(case, finding, *, answered_on=date(2026, 10, 20), received_on=date(2026, 10, 5), due_on=date(2026, 10, 26)):
    n = next(_serial)
    return Complaint.objects.create(
        number=f"TS-{n}", kind="complaint", channel="portal", received_on=received_on,
        registered_at=datetime(2026, 10, 5, tzinfo=timezone.utc), subject="投诉", content="办理超期",
        about_case=case, tracking_code=f"TSC{n:08d}", organisation=case.organisation, due_on=due_on,
        status="answered" if answered_on else "handling", finding=finding, answer="已核实" if answered_on else "",
        answered_on=answered_on)


def card(hall, colour, *, window=None, person=None, status=Card.Status.ISSUED, month=OCTOBER):
    return Card.objects.create(organisation=hall.centre, window=window, person=person, colour=colour, month=month,
                               reason="预警累计", issued_on=date(2026, 10, 28), status=status)


@pytest.fixture
def desk(hall):
    return make_person("desk", Role.SUPERVISOR, hall.world.city, full_name="何效能")


@pytest.fixture
def month(hall, desk):
    police, civil = hall.window_police, hall.window_civil
    a = make_case(hall, hall.licence, accepted="2026-09-28", completed="2026-10-16", window=police, accepted_by=hall.clerk)
    b = make_case(hall, hall.licence, accepted="2026-10-09", completed="2026-10-15", window=police, accepted_by=hall.clerk)
    c = make_case(hall, hall.instant, accepted="2026-10-09", completed="2026-10-09", window=police, accepted_by=hall.clerk2)
    e = make_case(hall, hall.simple, accepted="2026-10-26", completed="2026-10-29", window=civil, accepted_by=hall.clerk2)
    make_case(hall, hall.licence, accepted="2026-10-30", completed="2026-11-03", window=police, accepted_by=hall.clerk)
    make_case(hall, hall.simple, accepted="2026-10-15", window=civil, accepted_by=hall.clerk2)  # still open
    rate(a, 5, staff=hall.clerk)
    rate(b, 2, staff=hall.clerk)
    voided = rate(a, 1, staff=hall.clerk, channel="web")
    Rectification.objects.create(evaluation=voided, organisation=hall.centre, status=Rectification.Status.VOIDED,
                                 opened_on=date(2026, 10, 20), verify_due_on=date(2026, 10, 21),
                                 reply_due_on=date(2026, 11, 10))
    rate(e, 4, staff=hall.clerk2)
    rate(c, 5, staff=hall.clerk2, on=date(2026, 11, 2))  # next month
    complain(a, Complaint.Finding.UPHELD)
    complain(e, Complaint.Finding.NOT_UPHELD)
    complain(b, Complaint.Finding.PARTLY, answered_on=date(2026, 11, 4))  # next month
    card(hall, "yellow", window=police)
    card(hall, "red", window=civil, status=Card.Status.REVOKED)
    card(hall, "yellow", person=hall.clerk2)
    assessment.formula_save(actor=desk, organisation=hall.centre, effective_from=date(2026, 1, 1))
    return hall


def table(hall, kind):
    rows = assessment.scores_of(hall.centre, OCTOBER, kind=kind)
    return [(r.rank, r.window.number if r.window_id else r.person.username, r.completed, r.on_time, r.evaluations,
             r.satisfied, r.complaints_upheld, r.yellow_cards, r.red_cards, r.score) for r in rows]


def test_the_month_is_scored_and_ranked(month, desk):
    assert assessment.assess(actor=desk, organisation=month.centre, month=OCTOBER) == {"windows": 2, "persons": 2}
    assert table(month, "window") == [
        (1, "02", 1, 1, 1, 1, 0, 0, 0, Decimal("100.00")),
        (2, "01", 3, 2, 2, 1, 1, 1, 0, Decimal("59.67")),
    ]
    assert table(month, "person") == [
        (1, "clerk2", 2, 2, 1, 1, 0, 1, 0, Decimal("98.00")),
        (2, "clerk", 2, 1, 2, 1, 1, 0, 0, Decimal("55.00")),
    ]
    row = assessment.scores_of(month.centre, OCTOBER, kind="window").get(window=month.window_police)
    assert assessment.breakdown(row).explanation == (
        "基础分 20 = +20.00；按时办结 40 × 2 ÷ 3 = +26.67；满意评价 40 × 1 ÷ 2 = +20.00；"
        "属实投诉扣分 5 × 1 = −5.00；黄牌扣分 2 × 1 = −2.00；红牌扣分 5 × 0 = −0.00；得分 59.67")


def test_assessing_again_gives_the_same_rows(month, desk):
    assessment.assess(actor=desk, organisation=month.centre, month=OCTOBER)
    first = table(month, "window") + table(month, "person")
    call_command("assess", "--org", "C-ZWFW", "--month", "2026-10", stdout=open("/dev/null", "w"))
    assert table(month, "window") + table(month, "person") == first
    assert MonthlyScore.objects.filter(month=OCTOBER).count() == 4


def test_a_later_formula_applies_from_its_month(month, desk):
    assessment.formula_save(actor=desk, organisation=month.centre, effective_from=date(2026, 10, 1),
                            complaint_deduction=Decimal("10"))
    assessment.assess(actor=desk, organisation=month.centre, month=OCTOBER)
    assert dict((r[1], r[-1]) for r in table(month, "window"))["01"] == Decimal("54.67")


def test_honours_are_the_top_of_each_ranking(month, desk):
    assessment.formula_save(actor=desk, organisation=month.centre, effective_from=date(2026, 1, 1),
                            red_flag_count=1, model_staff_count=1)
    assessment.assess(actor=desk, organisation=month.centre, month=OCTOBER)
    windows, people = assessment.honours(month.centre, OCTOBER)
    assert [r.window.number for r in windows] == ["02"] and [r.person.username for r in people] == ["clerk2"]


def test_only_the_desk_assesses(month):
    for person in (month.clerk, month.outsider):
        with pytest.raises(PermissionDenied):
            assessment.assess(actor=person, organisation=month.centre, month=OCTOBER)
    assert not MonthlyScore.objects.exists()


def test_without_a_formula_nothing_is_scored(hall, desk):
    with pytest.raises(ValidationError, match="尚未设置"):
        assessment.assess(actor=desk, organisation=hall.centre, month=OCTOBER)


@pytest.mark.parametrize(("args", "message"), [
    (("--org", "NOPE", "--month", "2026-10"), "--org：找不到编码为“NOPE”的机构"),
    (("--org", "C-ZWFW", "--month", "2026-13"), "--month："),
    (("--org", "C-ZWFW", "--month", "十月"), "--month："),
    (("--org", "C-ZWFW", "--month", "9999-12"), "--month："),  # the month after it would be year 10000
    (("--org", "C-ZWFW",), "缺少参数"),
])
def test_bad_cli_input_exits_2(month, capsys, args, message):
    from yangguang.supervision.management.commands.assess import Command

    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["yangguang", "assess", *args])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and message in err and "Traceback" not in err


def test_cli_without_a_formula_exits_2(hall):
    with pytest.raises(CommandError) as refused:
        call_command("assess", "--org", "C-ZWFW", "--month", "2026-10")
    assert refused.value.returncode == 2 and "尚未设置" in str(refused.value)


def test_the_page_shows_the_formula_and_exports_the_ranking(month, desk, client):
    assessment.assess(actor=desk, organisation=month.centre, month=OCTOBER)
    client.force_login(desk)
    page = client.get(reverse("supervision-inspections:assessment"), {"org": "C-ZWFW", "month": "2026-10"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "按时办结 40 × 2 ÷ 3 = +26.67" in text and "59.67" in text and "名次不并列" in text
    export = client.get(reverse("supervision-inspections:assessment-export"), {"org": "C-ZWFW", "month": "2026-10"})
    assert export.status_code == 200
    import io
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    windows = [row for row in book["红旗窗口"].iter_rows(min_row=3, values_only=True) if row[0]]
    assert [(r[0], r[1]) for r in windows[:2]] == [(1, "02 综合窗口"), (2, "01 公安窗口")]
    assert any("26.67" in str(cell) for row in windows for cell in row)
    people = [row for row in book["服务标兵"].iter_rows(min_row=3, values_only=True) if row[0]]
    assert people[0][1] == "王窗口"


def test_the_page_refuses_others(month, client):
    client.force_login(month.outsider)
    assert client.get(reverse("supervision-inspections:assessment"), {"org": "C-ZWFW"}).status_code in (403, 404)
    assert client.get(reverse("supervision-inspections:assessment-export"),
                      {"org": "C-ZWFW", "month": "2026-10"}).status_code in (403, 404)
    client.force_login(month.clerk)
    assert client.get(reverse("supervision-inspections:assessment"), {"org": "C-ZWFW"}).status_code == 403


def test_the_page_rejects_a_bad_month(month, desk, client):
    client.force_login(desk)
    page = client.get(reverse("supervision-inspections:assessment"), {"org": "C-ZWFW", "month": "2026-1x"})
    assert page.status_code == 400 and "月份" in page.content.decode()


@pytest.mark.parametrize(("weights", "field"), [
    ({"on_time_weight": Decimal("-1")}, "on_time_weight"),
    ({"complaint_deduction": Decimal("1000")}, "complaint_deduction"),
    ({"base_points": "二十"}, "base_points"),
])
def test_a_bad_formula_is_refused(hall, desk, weights, field):
    from yangguang.supervision.models import AssessmentFormula

    with pytest.raises(ValidationError) as refused:
        assessment.formula_save(actor=desk, organisation=hall.centre, effective_from=date(2026, 11, 1), **weights)
    assert field in refused.value.message_dict and not AssessmentFormula.objects.exists()


def test_the_desk_sets_the_formula_on_the_page_and_others_cannot(month, desk, client):
    url = reverse("supervision-inspections:assessment-formula")
    form = {"org": "C-ZWFW", "effective_from": "2026-10-15", "on_time_weight": "50", "satisfaction_weight": "30",
            "base_points": "20", "complaint_deduction": "5", "yellow_card_deduction": "2", "red_card_deduction": "5",
            "red_flag_count": "2", "model_staff_count": "1", "note": "新办法"}
    client.force_login(month.clerk)
    assert client.post(url, form).status_code == 403
    client.force_login(desk)
    assert client.post(url, {**form, "on_time_weight": "abc"}).status_code == 400
    assert client.post(url, form).status_code == 302
    assert client.post(reverse("supervision-inspections:assessment-run"), {"org": "C-ZWFW", "month": "2026-10"}).status_code == 302
    page = client.get(reverse("supervision-inspections:assessment"), {"org": "C-ZWFW", "month": "2026-10"}).content.decode()
    assert "2026年10月" in page and "按时办结 50 × 2 ÷ 3 = +33.33" in page  # window 01 under the new weights


def test_without_a_formula_the_page_asks_for_one(hall, desk, client):
    client.force_login(desk)
    page = client.get(reverse("supervision-inspections:assessment"))  # the desk's centre, last month
    text = page.content.decode()
    assert page.status_code == 200 and "测试市政务服务中心" in text
    assert "尚未设置本月适用的考核办法" in text and "本月尚未计算得分" in text
