"""The quarterly briefing (季度通报) of the test centre for 2026Q3, over a hand-counted dataset; the
numbers are read back from the Word document.

Cases (handled by the centre): accepted in Q3 — c1, c2, c3, c5 (4); completed in Q3 — c1 on time,
c2 late, c4 (accepted in June) late (3, 1 on time, 33.33%).
Alerts raised in Q3: 2 yellow, 1 red (1 yellow in October not counted). Cards of Q3's months:
1 yellow, 1 red, 1 revoked (not counted); an October card not counted.
Ratings in Q3: 5, 4, 3, 2 and a 1 voided on appeal: 4 counted, 3 satisfied, 1 poor, 75.00%.
Complaints received in Q3 (all about case c2): k1 answered in time; k2 answered after its due date (overdue); k3
unanswered, due 09-22 (overdue); k4 unanswered, due in October (not yet overdue) → 4 / 2 / 2.
Reception visits in Q3: 2. Inspections in Q3: 1 with 2 findings (1 open, 1 confirmed).
July is assessed: window 02 100.00, window 01 53.00 (one late case, a yellow card, and k1 — upheld,
answered in July — about its case); 王窗口 100.00, 林窗口 55.00. August and September are not assessed.
"""

import io
from datetime import date, datetime, timezone

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse

from yangguang.core.models import Role
from yangguang.supervision import assessment, briefing, inspections
from yangguang.supervision.models import Alert, Card, Evaluation, Rectification, ReceptionVisit

from ..conftest import make_person
from ..reports.test_service_data import make_case
from ..services.conftest import hall  # noqa: F401  (the fixture)
from .test_assessment import complain

Q3 = briefing.Quarter(2026, 3)


def alert(case, level, raised_on):
    return Alert.objects.create(subject="case", case=case, number=case.number, organisation=case.organisation,
                                window=case.window, level=level, due_on=raised_on, raised_on=raised_on,
                                raised_at=datetime(raised_on.year, raised_on.month, raised_on.day, tzinfo=timezone.utc))


@pytest.fixture
def desk(hall):
    return make_person("desk", Role.SUPERVISOR, hall.world.city, full_name="何效能")


@pytest.fixture
def quarter(hall, desk, monkeypatch):
    monkeypatch.setattr(inspections, "local_today", lambda: date(2026, 10, 15))
    police, civil, centre = hall.window_police, hall.window_civil, hall.centre
    c1 = make_case(hall, hall.simple, accepted="2026-07-06", completed="2026-07-08", window=civil, accepted_by=hall.clerk2)
    c2 = make_case(hall, hall.licence, accepted="2026-08-03", completed="2026-08-20", window=police, accepted_by=hall.clerk)
    make_case(hall, hall.simple, accepted="2026-09-10", window=civil)
    c4 = make_case(hall, hall.licence, accepted="2026-06-20", completed="2026-07-01", window=police, accepted_by=hall.clerk)
    make_case(hall, hall.licence, accepted="2026-09-28", completed="2026-10-09", window=police)
    alert(c2, "yellow", date(2026, 8, 10))
    alert(c2, "red", date(2026, 8, 12))
    alert(c1, "yellow", date(2026, 7, 7))
    alert(c4, "yellow", date(2026, 10, 2))
    card_fields = {"organisation": centre, "reason": "预警", "issued_on": date(2026, 9, 30)}
    Card.objects.create(window=police, colour="yellow", month=date(2026, 7, 1), **card_fields)
    Card.objects.create(person=hall.clerk, colour="red", month=date(2026, 8, 1), **card_fields)
    Card.objects.create(window=civil, colour="yellow", month=date(2026, 9, 1), status=Card.Status.REVOKED, **card_fields)
    Card.objects.create(window=civil, colour="red", month=date(2026, 10, 1), **card_fields)
    for n, level in enumerate((5, 4, 3, 2, 1)):
        rating = Evaluation.objects.create(
            subject="case", case=[c1, c2, c4, c2, c1][n], organisation=centre, window=police, staff=hall.clerk,
            channel=["device", "device", "device", "web", "web"][n], level=level,
            rated_at=datetime(2026, 8, 25, tzinfo=timezone.utc), rated_on=date(2026, 8, 25))
        if level == 1:
            Rectification.objects.create(evaluation=rating, organisation=centre, status=Rectification.Status.VOIDED,
                                         opened_on=date(2026, 8, 25), verify_due_on=date(2026, 8, 26),
                                         reply_due_on=date(2026, 9, 15))
    for received, due, answered in [("2026-07-01", "2026-07-22", date(2026, 7, 10)),
                                     ("2026-08-01", "2026-08-21", date(2026, 8, 28)),
                                     ("2026-09-01", "2026-09-22", None), ("2026-09-25", "2026-10-23", None),
                                     ("2026-06-30", "2026-07-21", None)]:
        complain(c2, "upheld" if answered else "", answered_on=answered, received_on=date.fromisoformat(received),
                 due_on=date.fromisoformat(due))
    leader = make_person("director", Role.LEADER, centre, full_name="主任")
    for day in (date(2026, 7, 15), date(2026, 9, 15), date(2026, 10, 15)):
        ReceptionVisit.objects.create(organisation=centre, visited_on=day, duty_leader=leader, visitor_name="来访人",
                                      issues="反映问题", recorded_by=leader)
    wang = inspections.supervisor_appoint(actor=desk, organisation=hall.world.city, name="王监督",
                                          term_starts_on=date(2026, 1, 1), term_ends_on=date(2027, 12, 31))
    made = inspections.inspection_record(actor=desk, organisation=centre, kind="open", inspected_on=date(2026, 9, 3),
                                         summary="明察", supervisors=[wang])
    inspections.finding_add(actor=desk, inspection=made, problem="问题一", responsible=centre, due_on=date(2026, 9, 30))
    second = inspections.finding_add(actor=desk, inspection=made, problem="问题二", responsible=centre,
                                     due_on=date(2026, 9, 30))
    inspections.finding_rectify(actor=desk, finding=second, follow_up="已改", rectified_on=date(2026, 9, 10))
    inspections.finding_confirm(actor=desk, finding=second, confirmed_on=date(2026, 9, 20))
    later = inspections.inspection_record(actor=desk, organisation=centre, kind="open", inspected_on=date(2026, 10, 9),
                                          summary="明察", supervisors=[wang])
    inspections.finding_add(actor=desk, inspection=later, problem="问题三", responsible=centre, due_on=date(2026, 10, 30))
    assessment.formula_save(actor=desk, organisation=centre, effective_from=date(2026, 1, 1))
    assessment.assess(actor=desk, organisation=centre, month=date(2026, 7, 1))
    return hall


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def test_the_briefing_carries_the_quarters_numbers(quarter):
    text = text_of(briefing.briefing_docx(quarter.centre, Q3, signed_on=date(2026, 10, 15)))
    assert text.startswith("测试市政务服务中心2026年第三季度政务服务工作通报")
    assert "2026年07月01日至2026年09月30日" in text
    assert "本季度共受理办件4件，办结3件，其中承诺时限内办结1件，按时办结率33.33%。" in text
    assert "发出黄灯预警2次、红灯（逾期）预警1次、环节超时预警0次；记黄牌1张、红牌1张（另有1张经申诉撤销，不计入）。" in text
    assert "共收到评价4条，其中满意（含非常满意、满意、基本满意）3条，差评1条，好评率75.00%。" in text
    assert "共收到投诉举报和意见建议4件，已答复2件，超期办理2件。" in text
    assert "接待来访群众2人次" in text
    assert "开展明察暗访和座谈评议1次，发现问题2个，其中已复查确认整改1个、已整改待复查0个、待整改1个。" in text
    assert "7月：红旗窗口02号窗口（综合窗口）100.00分、01号窗口（公安窗口）53.00分；服务标兵王窗口（100.00分）、林窗口（55.00分）。" in text
    assert "8月：红旗窗口未评定；服务标兵未评定。" in text and "9月：红旗窗口未评定；服务标兵未评定。" in text
    assert "2026年10月15日" in text


@pytest.mark.parametrize(("text", "expected"), [
    ("2026Q3", (date(2026, 7, 1), date(2026, 9, 30))),
    ("2026q1", (date(2026, 1, 1), date(2026, 3, 31))),
    ("2024Q1", (date(2024, 1, 1), date(2024, 3, 31))),
    ("2026Q4", (date(2026, 10, 1), date(2026, 12, 31))),
])
def test_quarters(text, expected):
    q = briefing.parse_quarter(text)
    assert (q.first, q.last) == expected


@pytest.mark.parametrize("text", ["2026Q5", "2026-3", "Q3", "1999Q1", ""])
def test_bad_quarters_are_refused(text):
    with pytest.raises(ValueError, match="YYYYQn"):
        briefing.parse_quarter(text)


def test_the_command_writes_the_docx(quarter, tmp_path):
    out = tmp_path / "tb.docx"
    call_command("briefing", "--org", "C-ZWFW", "--quarter", "2026Q3", "--output", str(out), stdout=io.StringIO())
    assert "办结3件" in text_of(out.read_bytes())


@pytest.mark.parametrize(("args", "message"), [
    (("--org", "NOPE", "--quarter", "2026Q3", "--output", "x.docx"), "--org：找不到"),
    (("--org", "C-ZWFW", "--quarter", "2026Q7", "--output", "x.docx"), "--quarter："),
    (("--org", "C-ZWFW", "--quarter", "2026Q3", "--output", "/no/such/dir/x.docx"), "--output：无法写入"),
    (("--org", "C-ZWFW", "--quarter", "2026Q3"), "缺少参数"),
])
def test_bad_cli_input_exits_2(hall, capsys, args, message):
    from yangguang.supervision.management.commands.briefing import Command

    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["yangguang", "briefing", *args])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and message in err and "Traceback" not in err


def test_the_desk_downloads_it_and_others_are_refused(quarter, desk, client):
    url = reverse("supervision-inspections:briefing")
    client.force_login(desk)
    answer = client.get(url, {"org": "C-ZWFW", "quarter": "2026Q3"})
    assert answer.status_code == 200 and "办结3件" in text_of(answer.content)
    assert client.get(url, {"org": "C-ZWFW", "quarter": "2026Q9"}).status_code == 400
    client.force_login(quarter.outsider)
    assert client.get(url, {"org": "C-ZWFW", "quarter": "2026Q3"}).status_code in (403, 404)
    client.force_login(quarter.clerk)
    assert client.get(url, {"org": "C-ZWFW", "quarter": "2026Q3"}).status_code == 403
