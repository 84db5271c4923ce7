"""Invited supervisors (特邀监督员): the city's supervision desk keeps the roster and records
inspections; the unit a finding names is notified and reports its rectification; the desk confirms
it. A supervisor with an account sees their own inspections only; a clerk and an outsider from
another county are refused. Today is fixed at 2026-11-26."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from yangguang.core.models import Role, Window
from yangguang.supervision import inspections
from yangguang.supervision.models import Inspection, InspectionFinding, Notification, Supervisor

from ..conftest import make_person

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(inspections, "local_today", lambda: TODAY)


@pytest.fixture
def desk(world):
    return make_person("desk", Role.SUPERVISOR, world.city, full_name="何效能")


@pytest.fixture
def people(world, desk):
    class People:
        pass
    p = People()
    p.desk = desk
    p.world = world
    p.window = Window.objects.create(centre=world.centre, number="01", name="公安窗口", kind=Window.Kind.RESIDENT)
    p.unit_leader = make_person("director", Role.LEADER, world.justice, full_name="郑国华")
    p.clerk = make_person("clerk", Role.WINDOW_CLERK, world.centre, full_name="林窗口")
    p.outsider = make_person("outsider", Role.SUPERVISOR, world.other_county, full_name="赵外人")
    p.account = make_person("jdy", Role.WINDOW_CLERK, world.village, full_name="王监督")
    p.wang = inspections.supervisor_appoint(
        actor=desk, organisation=world.city, name="王监督", category="人大代表", affiliation="市人大代表、某公司经理",
        phone="139 1234 5678", certificate_number="TY-2026-001", term_starts_on=date(2026, 1, 1),
        term_ends_on=date(2028, 12, 31), user=p.account)
    p.li = inspections.supervisor_appoint(
        actor=desk, organisation=world.city, name="李群众", category="群众代表", term_starts_on=date(2026, 1, 1),
        term_ends_on=date(2026, 6, 30))
    return p


def record(p, **fields):
    data = {"actor": p.desk, "organisation": p.world.centre, "window": p.window, "kind": "unannounced",
            "inspected_on": date(2026, 11, 10), "summary": "暗访公安窗口，办事群众排队较长。", "supervisors": [p.wang]}
    data.update(fields)
    return inspections.inspection_record(**data)


def test_the_roster_keeps_the_phone_encrypted_and_shows_it_masked(people, client):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {Supervisor._meta.db_table} WHERE id = %s", [people.wang.pk])
        raw = cursor.fetchone()[0]
    assert "13912345678" not in raw and people.wang.phone_hash
    client.force_login(people.desk)
    page = client.get(reverse("supervision-inspections:index")).content.decode()
    assert "王监督" in page and "TY-2026-001" in page and "人大代表" in page
    assert "13912345678" not in page and "139****5678" in page
    assert "聘期已满" in page  # 李群众's term ended in June


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"name": " "}, "name", "请填写姓名"),
    ({"term_ends_on": date(2025, 12, 31)}, "term_ends_on", "聘期结束不能早于聘期开始"),
    ({"term_starts_on": "2026-02-30"}, "term_starts_on", "聘期开始格式应为 YYYY-MM-DD"),
    ({"phone": "12ab"}, "phone", "联系电话应为"),
    ({"certificate_number": "TY-2026-001"}, "certificate_number", "已被使用"),
])
def test_bad_roster_input_is_refused_naming_the_field(people, fields, field, message):
    data = {"actor": people.desk, "organisation": people.world.city, "name": "赵新", "term_starts_on": date(2026, 1, 1),
            "term_ends_on": date(2027, 12, 31)}
    data.update(fields)
    with pytest.raises(ValidationError) as refused:
        inspections.supervisor_appoint(**data)
    assert message in " ".join(refused.value.message_dict[field])
    assert Supervisor.objects.count() == 2


def test_only_the_desk_manages_supervisors(people):
    for actor in (people.clerk, people.unit_leader, people.outsider, people.account):
        with pytest.raises(PermissionDenied):
            inspections.supervisor_appoint(actor=actor, organisation=people.world.city, name="赵新",
                                           term_starts_on=date(2026, 1, 1), term_ends_on=date(2026, 12, 31))
        with pytest.raises(PermissionDenied):
            inspections.supervisor_dismiss(actor=actor, supervisor=people.wang, dismissed_on=TODAY, reason="调离")
        with pytest.raises(PermissionDenied):
            record(people, actor=actor)
    assert Supervisor.objects.count() == 2 and not Inspection.objects.exists()


def test_a_dismissed_or_expired_supervisor_cannot_take_part(people):
    with pytest.raises(ValidationError, match="李群众在检查日期不在聘期内"):
        record(people, supervisors=[people.li])
    inspections.supervisor_dismiss(actor=people.desk, supervisor=people.wang, dismissed_on=date(2026, 11, 1),
                                   reason="工作调动")
    with pytest.raises(ValidationError, match="王监督在检查日期不在聘期内"):
        record(people)
    assert record(people, inspected_on=date(2026, 10, 20)).supervisors.get() == people.wang  # before the dismissal
    with pytest.raises(ValidationError, match="已于此前解聘"):
        inspections.supervisor_dismiss(actor=people.desk, supervisor=people.wang, dismissed_on=TODAY, reason="再次")


def test_a_finding_runs_from_open_to_confirmed_and_the_unit_is_notified(people):
    inspection = record(people)
    finding = inspections.finding_add(actor=people.desk, inspection=inspection, problem="窗口人员离岗未挂牌",
                                      responsible=people.world.justice, due_on=date(2026, 11, 30))
    note = Notification.objects.get(recipient=people.unit_leader)
    assert "2026年11月30日前整改" in note.title and "窗口人员离岗未挂牌" in note.body
    with pytest.raises(ValidationError, match="尚未报告整改"):
        inspections.finding_confirm(actor=people.desk, finding=finding, confirmed_on=TODAY)
    for actor in (people.clerk, people.outsider):
        with pytest.raises(PermissionDenied):
            inspections.finding_rectify(actor=actor, finding=finding, follow_up="已整改", rectified_on=TODAY)
    finding = inspections.finding_rectify(actor=people.unit_leader, finding=finding, follow_up="已建立离岗挂牌制度",
                                          rectified_on=date(2026, 11, 20))
    assert finding.get_status_display() == "已整改"
    with pytest.raises(PermissionDenied):
        inspections.finding_confirm(actor=people.unit_leader, finding=finding, confirmed_on=TODAY)
    finding = inspections.finding_confirm(actor=people.desk, finding=finding, confirmed_on=TODAY)
    assert (finding.get_status_display(), finding.confirmed_by) == ("已复查确认", people.desk)
    with pytest.raises(ValidationError):
        inspections.finding_rectify(actor=people.desk, finding=finding, follow_up="再报", rectified_on=TODAY)


@pytest.mark.parametrize(("due", "message"), [
    (date(2026, 11, 9), "整改期限不能早于检查日期"),
    ("2026/11/30", "整改期限格式应为 YYYY-MM-DD"),
])
def test_a_bad_due_date_is_refused(people, due, message):
    inspection = record(people)
    with pytest.raises(ValidationError, match=message):
        inspections.finding_add(actor=people.desk, inspection=inspection, problem="问题", responsible=people.world.justice,
                                due_on=due)
    assert not InspectionFinding.objects.exists() and not Notification.objects.exists()


def test_a_supervisor_sees_their_own_inspections_only(people, client):
    mine = record(people)
    other = record(people, supervisors=[people.li], inspected_on=date(2026, 3, 3))
    client.force_login(people.account)
    index = client.get(reverse("supervision-inspections:index"))
    assert index.status_code == 200 and "聘请特邀监督员" not in index.content.decode()
    assert client.get(reverse("supervision-inspections:inspection", args=[mine.pk])).status_code == 200
    assert client.get(reverse("supervision-inspections:inspection", args=[other.pk])).status_code == 404
    assert client.get(reverse("supervision-inspections:supervisor", args=[people.wang.pk])).status_code in (403, 404)


def test_outsiders_and_clerks_are_refused(people, client):
    inspection = record(people)
    finding = inspections.finding_add(actor=people.desk, inspection=inspection, problem="问题",
                                      responsible=people.world.justice, due_on=date(2026, 11, 30))
    client.force_login(people.clerk)
    assert client.get(reverse("supervision-inspections:index")).status_code == 403
    assert client.get(reverse("supervision-inspections:supervisor-new")).status_code == 403
    # the other county's desk has its own (empty) roster, and none of ours
    client.force_login(people.outsider)
    index = client.get(reverse("supervision-inspections:index")).content.decode()
    assert "王监督" not in index and "暗访" not in index
    refused = client.post(reverse("supervision-inspections:supervisor-new"), {
        "organisation": "C", "name": "赵新", "term_starts_on": "2026-01-01", "term_ends_on": "2027-01-01"})
    assert refused.status_code == 400 and "机构：不在您的监督范围内" in refused.content.decode()
    for person in (people.outsider, people.clerk):
        client.force_login(person)
        assert client.get(reverse("supervision-inspections:inspection", args=[inspection.pk])).status_code == 404
        assert client.get(reverse("supervision-inspections:supervisor", args=[people.wang.pk])).status_code in (403, 404)
        answer = client.post(reverse("supervision-inspections:finding-rectify", args=[finding.pk]),
                             {"follow_up": "x", "rectified_on": "2026-11-20"})
        assert answer.status_code == 404
    finding.refresh_from_db()
    assert finding.status == "open" and Supervisor.objects.count() == 2


def test_the_desk_works_through_the_pages(people, client):
    client.force_login(people.desk)
    bad = client.post(reverse("supervision-inspections:supervisor-new"), {
        "organisation": "C", "name": "赵新", "term_starts_on": "2026-01-01", "term_ends_on": "2025-01-01"})
    assert bad.status_code == 400 and "聘期结束不能早于聘期开始" in bad.content.decode()
    form = {"organisation": "C", "name": "赵新", "category": "企业代表", "phone": "13700001111",
            "term_starts_on": "2026-01-01", "term_ends_on": "2027-12-31", "account": "nobody"}
    unknown = client.post(reverse("supervision-inspections:supervisor-new"), form)
    assert unknown.status_code == 400 and "找不到用户名为“nobody”的有效账号" in unknown.content.decode()
    made = client.post(reverse("supervision-inspections:supervisor-new"), {**form, "account": "director"})
    assert made.status_code == 302
    zhao = Supervisor.objects.get(name="赵新")
    assert zhao.user == people.unit_leader
    done = client.post(reverse("supervision-inspections:inspection-new"), {
        "organisation": "C-ZWFW", "window": people.window.pk, "kind": "open", "inspected_on": "2026-11-20",
        "summary": "明察窗口服务", "supervisors": [zhao.pk, people.wang.pk]})
    assert done.status_code == 302
    inspection = Inspection.objects.get()
    added = client.post(reverse("supervision-inspections:finding-add", args=[inspection.pk]), {
        "problem": "办事指南未更新", "due_on": "2026-12-10", "responsible": "C-SFJ"})
    assert added.status_code == 302
    finding = InspectionFinding.objects.get()
    client.force_login(people.unit_leader)
    page = client.get(reverse("supervision-inspections:inspection", args=[inspection.pk])).content.decode()
    assert "报告整改情况" in page and "复查确认" not in page.split("发现的问题和整改")[1].split("报告整改情况")[0]
    assert client.post(reverse("supervision-inspections:finding-rectify", args=[finding.pk]),
                       {"follow_up": "已更新", "rectified_on": "2026-11-25"}).status_code == 302
    client.force_login(people.desk)
    index = client.get(reverse("supervision-inspections:index")).content.decode()
    assert "未办结的整改" in index and "办事指南未更新" in index and "已整改" in index
    late = client.post(reverse("supervision-inspections:finding-confirm", args=[finding.pk]), {"confirmed_on": "2026-12-01"})
    assert late.status_code == 400 and "复查日期应在整改日期和今天之间" in late.content.decode()
    assert client.post(reverse("supervision-inspections:finding-confirm", args=[finding.pk]),
                       {"confirmed_on": "2026-11-26"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == "confirmed"


@pytest.mark.django_db
def test_demo_roster_inspections_and_scores(seeded_calendar, monkeypatch):
    from django.test import override_settings

    from tests.conftest import FAST_HASHERS
    from yangguang.core import demo as core_demo
    from yangguang.services import demo as services_demo
    from yangguang.supervision import demo_inspections
    from yangguang.supervision.models import MonthlyScore

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        core_demo.load()
        services_demo.load_catalogue()
        services_demo.load_cases(cases=1500)
        assert demo_inspections.load_inspections() == 8 + 5
    assert Supervisor.objects.filter(dismissed_on__isnull=False).count() == 1
    assert Supervisor.objects.get(user__username="tejian").name == "王海平"
    assert set(InspectionFinding.objects.values_list("status", flat=True)) == {"open", "rectified", "confirmed"}
    assert demo_inspections.load_assessment() > 0
    months = sorted(set(MonthlyScore.objects.values_list("month", flat=True)))
    assert months == [date(2026, n, 1) for n in range(1, 11)]
    october = list(MonthlyScore.objects.filter(month=date(2026, 10, 1), window__isnull=False).order_by("rank"))
    assert len(october) > 10 and [r.rank for r in october] == list(range(1, len(october) + 1))
    assert demo_inspections.load_inspections() == 0 and demo_inspections.load_assessment() == 0


def test_a_unit_leader_sees_only_their_own_units_findings(people, client):
    inspection = record(people)
    ours = inspections.finding_add(actor=people.desk, inspection=inspection, problem="司法局窗口未公示收费标准",
                                   responsible=people.world.justice, due_on=date(2026, 11, 30))
    theirs = inspections.finding_add(actor=people.desk, inspection=inspection, problem="中心公安窗口值班人员脱岗",
                                     responsible=people.world.centre, due_on=date(2026, 11, 30))
    assert list(inspections.findings_for(people.desk, inspection)) == [ours, theirs]
    assert list(inspections.findings_for(people.account, inspection)) == [ours, theirs]  # took part
    assert list(inspections.findings_for(people.unit_leader, inspection)) == [ours]
    assert list(inspections.open_findings(people.unit_leader)) == [ours]
    client.force_login(people.unit_leader)
    page = client.get(f"/staff/jdy/inspection/{inspection.pk}/").content.decode()
    assert "司法局窗口未公示收费标准" in page and "中心公安窗口值班人员脱岗" not in page
