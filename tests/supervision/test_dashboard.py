"""The e-supervision dashboard over a small hall around the 2026 Spring Festival (holiday 2026-02-15
to 02-23; Saturday 02-14 and 02-28 are working days): counts by light worked out by hand for days
before, during and after the holiday, the breakdowns, the drill-down lists, the step overtime, the
trend, the history of one case, and the refusals."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest

from yangguang.core.calendar import get_calendar
from yangguang.core.models import Role
from yangguang.foi.models import Application
from yangguang.services.models import Case, Step
from yangguang.supervision import dashboard
from yangguang.supervision.models import Alert

from ..conftest import make_person
from ..services.conftest import hall  # noqa: F401 - the fixture

D = date.fromisoformat
TODAY = D("2026-02-24")  # the first working day after the Spring Festival holiday


@pytest.fixture(autouse=True)
def _dashboard_today(monkeypatch):
    monkeypatch.setattr(dashboard, "local_today", lambda: TODAY)


_serial = iter(range(1, 10_000))


def make_case(hall, *, item, window, person, status="reviewing", accepted_on=None, due_on=None, warning_on=None,
              completed_on=None, organisation=None):
    n = next(_serial)
    return Case.objects.create(
        organisation=organisation or hall.centre, number=f"ZW-2026-{n:05d}", sequence=n, item=item,
        department=item.department, window=window, channel="window" if window else "online", location=hall.centre,
        tracking_code=f"TRK{n:07d}", applicant_name="申请人", status=status,
        submitted_at=datetime(2026, 2, 1, 1, 0, tzinfo=dt_timezone.utc), accepted_on=accepted_on, accepted_by=person,
        committed_limit=item.committed_limit, due_on=due_on, warning_on=warning_on, completed_on=completed_on,
        result="approved" if completed_on else "",
    )


def make_application(organisation, *, status="processing", received_on=None, due_on=None, warning_on=None,
                     assignee=None, concluded_on=None):
    n = next(_serial)
    return Application.objects.create(
        organisation=organisation, number=f"YSQ-2026-{n:04d}", sequence=n, tracking_code=f"APP{n:07d}",
        secret_hash="x", channel="online", applicant_type="natural_person", applicant_name="张三", id_type="resident_id",
        description="某信息", form="electronic", delivery="email",
        submitted_at=datetime(2026, 2, 1, 1, 0, tzinfo=dt_timezone.utc), received_on=received_on, status=status,
        due_on=due_on, warning_on=warning_on, assignee=assignee, concluded_on=concluded_on,
        result="disclosed" if status == "closed" else "",
    )


def make_alert(subject, *, level, raised_on, cleared_on=None, step=""):
    is_case = isinstance(subject, Case)
    return Alert.objects.create(
        subject="case" if is_case else "application", case=subject if is_case else None,
        application=None if is_case else subject, number=subject.number, organisation=subject.organisation,
        department=subject.department if is_case else None, window=subject.window if is_case else None,
        item=subject.item if is_case else None, level=level, step=step, due_on=subject.due_on or raised_on,
        raised_on=raised_on, raised_at=datetime.combine(raised_on, datetime.min.time(), tzinfo=dt_timezone.utc),
        cleared_on=cleared_on,
    )


@dataclass
class Desk:
    hall: object
    cases: dict
    applications: dict
    supervisor: object
    police_head: object
    officer: object
    outsider_leader: object


@pytest.fixture
def desk(hall, world) -> Desk:  # noqa: F811 - hall is the imported fixture
    h = hall
    officer = make_person("foi", Role.DISCLOSURE_OFFICER, world.justice, full_name="黄公开")
    cases = {
        # accepted Thu 02-12, 5 working days (02-13, Sat 02-14, 02-24, 02-25, 02-26): due 02-26, warned from 02-24
        "c1": make_case(h, item=h.licence, window=h.window_police, person=h.clerk, accepted_on=D("2026-02-12"),
                        due_on=D("2026-02-26"), warning_on=D("2026-02-24")),
        # accepted Fri 02-06, due Fri 02-13: overdue through the whole holiday
        "c2": make_case(h, item=h.licence, window=h.window_police, person=h.clerk, accepted_on=D("2026-02-06"),
                        due_on=D("2026-02-13"), warning_on=D("2026-02-11")),
        # accepted Fri 02-13, 3 working days (Sat 02-14, 02-24, 02-25): due 02-25, warned from 02-24
        "c3": make_case(h, item=h.simple, window=h.window_civil, person=h.clerk2, status="accepted",
                        accepted_on=D("2026-02-13"), due_on=D("2026-02-25"), warning_on=D("2026-02-24")),
        # waiting for the applicant's correction: the clock stopped
        "c4": make_case(h, item=h.simple, window=h.window_civil, person=h.clerk2, status="correction",
                        accepted_on=D("2026-02-11")),
        # online, no window; accepted 02-24, due Mon 03-02 (02-25, 26, 27, Sat 02-28, 03-02)
        "c5": make_case(h, item=h.licence, window=None, person=h.clerk, status="approving", accepted_on=D("2026-02-24"),
                        due_on=D("2026-03-02"), warning_on=D("2026-02-26")),
        # completed 02-24 after its due date 02-13: open (and red) on any day before
        "c6": make_case(h, item=h.licence, window=h.window_police, person=h.clerk, status="completed",
                        accepted_on=D("2026-02-10"), due_on=D("2026-02-13"), warning_on=D("2026-02-12"),
                        completed_on=D("2026-02-24")),
        # registered, not accepted: no clock, not counted
        "c7": make_case(h, item=h.licence, window=None, person=None, status="submitted"),
    }
    applications = {
        "a1": make_application(world.justice, received_on=D("2026-02-03"), due_on=D("2026-02-25"),
                               warning_on=D("2026-02-24"), assignee=officer),
        "a2": make_application(world.justice, status="submitted"),  # not yet received: stopped
        "a3": make_application(world.justice, status="closed", received_on=D("2026-01-05"), due_on=D("2026-02-02"),
                               concluded_on=D("2026-01-20")),
    }
    return Desk(
        h, cases, applications,
        supervisor=make_person("dzjc", Role.SUPERVISOR, world.city, full_name="何监察"),
        police_head=make_person("gaj_head", Role.LEADER, h.police, full_name="钱局长"),
        officer=officer,
        outsider_leader=make_person("yixian", Role.LEADER, world.other_county, full_name="赵乙县"),
    )


def test_the_dates_above_are_the_calendars(desk):
    calendar = get_calendar()
    assert calendar.add_workdays(D("2026-02-12"), 5).date == D("2026-02-26")
    assert calendar.add_workdays(D("2026-02-06"), 5).date == D("2026-02-13")
    assert calendar.add_workdays(D("2026-02-13"), 3).date == D("2026-02-25")
    assert calendar.add_workdays(D("2026-02-24"), 5).date == D("2026-03-02")


def counts(summary):
    return tuple(summary["totals"][k] for k in ("red", "yellow", "green", "stopped", "total"))


@pytest.mark.parametrize("as_of, cases, applications", [
    #                     red yellow green stopped total
    ("2026-02-24", (1, 2, 1, 1, 5), (0, 1, 0, 1, 2)),  # today: c2 red; c1, c3 yellow; c5 green; c4 stopped
    ("2026-02-20", (2, 0, 2, 1, 5), (0, 0, 1, 0, 1)),  # in the holiday: c2, c6 red; c1, c3 green; c5 not yet accepted
    ("2026-02-13", (0, 2, 2, 1, 5), (0, 0, 1, 0, 1)),  # the day c2 and c6 are due: yellow, not yet red
    ("2026-02-11", (0, 1, 1, 1, 3), (0, 0, 1, 0, 1)),  # c2 warned from 02-11; c6 accepted 02-10 green; c3 not yet
    ("2026-01-10", (0, 0, 0, 0, 0), (0, 0, 1, 0, 1)),  # only a3 (received 01-05, concluded 01-20, due 02-02) was open
])
@pytest.mark.django_db
def test_counts_by_light_around_the_spring_festival(desk, as_of, cases, applications):
    data = dashboard.dashboard(dashboard.scope_for(desk.supervisor), D(as_of), today=TODAY)
    assert counts(data["cases"]) == cases
    assert counts(data["applications"]) == applications
    assert data["total"]["total"] == cases[4] + applications[4]


@pytest.mark.django_db
def test_breakdowns_by_window_person_department_and_item(desk):
    h = desk.hall
    data = dashboard.dashboard(dashboard.scope_for(desk.supervisor), TODAY, today=TODAY)

    def table(dimension):
        return {r["name"]: (r["red"], r["yellow"], r["green"], r["stopped"], r["total"])
                for r in data["cases"]["by"][dimension]["rows"]}

    assert table("window") == {str(h.window_police): (1, 1, 0, 0, 2), str(h.window_civil): (0, 1, 0, 1, 2),
                               dashboard.NONE_LABELS["window"]: (0, 0, 1, 0, 1)}
    assert table("person") == {"林窗口": (1, 1, 1, 0, 3), "王窗口": (0, 1, 0, 1, 2)}
    assert table("department") == {"测试市公安局": (1, 1, 1, 0, 3), "测试市民政局": (0, 1, 0, 1, 2)}
    assert table("item") == {"机动车驾驶培训许可": (1, 1, 1, 0, 3), "婚姻登记档案查询": (0, 1, 0, 1, 2)}
    assert table("organisation") == {"测试市政务服务中心": (1, 2, 1, 1, 5)}
    # the row most in need of attention comes first
    assert data["cases"]["by"]["window"]["rows"][0]["name"] == str(h.window_police)
    people = {r["name"]: (r["yellow"], r["stopped"]) for r in data["applications"]["by"]["person"]["rows"]}
    assert people == {"黄公开": (1, 0), dashboard.NONE_LABELS["person"]: (0, 1)}


@pytest.mark.django_db
def test_a_department_head_sees_only_the_cases_of_the_department(desk):
    data = dashboard.dashboard(dashboard.scope_for(desk.police_head), TODAY, today=TODAY)
    assert counts(data["cases"]) == (1, 1, 1, 0, 3)
    assert counts(data["applications"]) == (0, 0, 0, 0, 0)
    assert dashboard.scope_for(desk.police_head, "C-MZJ") is None


@pytest.mark.django_db
def test_top_rows_only_and_how_many_there_are(desk):
    data = dashboard.dashboard(dashboard.scope_for(desk.supervisor), TODAY, today=TODAY, top=1)
    windows = data["cases"]["by"]["window"]
    assert windows["count"] == 3 and [r["name"] for r in windows["rows"]] == [str(desk.hall.window_police)]
    assert counts(data["cases"]) == (1, 2, 1, 1, 5)  # the totals still count every row


@pytest.mark.django_db
def test_step_overtime_counts_what_is_not_cleared_on_the_day(desk):
    c = desk.cases
    make_alert(c["c1"], level="step_overtime", step="review", raised_on=D("2026-02-13"))
    make_alert(c["c2"], level="step_overtime", step="review", raised_on=D("2026-02-10"), cleared_on=D("2026-02-12"))
    make_alert(c["c3"], level="step_overtime", step="accept", raised_on=D("2026-02-24"))
    make_alert(c["c2"], level="red", raised_on=D("2026-02-14"))
    scope = dashboard.scope_for(desk.supervisor)
    assert dashboard.dashboard(scope, TODAY, today=TODAY)["step_overtime"] == 2
    assert dashboard.dashboard(scope, D("2026-02-11"), today=TODAY)["step_overtime"] == 1  # c2's, cleared the next day
    assert dashboard.dashboard(scope, D("2026-02-09"), today=TODAY)["step_overtime"] == 0
    assert dashboard.dashboard(dashboard.scope_for(desk.police_head), TODAY, today=TODAY)["step_overtime"] == 1


@pytest.mark.django_db
def test_trend_counts_the_alerts_raised_per_day_and_month(desk):
    c = desk.cases
    make_alert(c["c2"], level="yellow", raised_on=D("2026-02-11"))
    make_alert(c["c2"], level="red", raised_on=D("2026-02-14"))
    make_alert(c["c6"], level="red", raised_on=D("2026-02-14"))
    make_alert(desk.applications["a3"], level="red", raised_on=D("2025-12-31"))
    trend = dashboard.dashboard(dashboard.scope_for(desk.supervisor), TODAY, today=TODAY)["trend"]
    red = next(s for s in trend["series"] if s["level"] == "red")
    yellow = next(s for s in trend["series"] if s["level"] == "yellow")
    assert len(trend["days"]) == 30 and trend["days"][-1] == "2026-02-24"
    assert red["daily"][trend["days"].index("2026-02-14")] == 2 and sum(red["daily"]) == 2
    assert yellow["daily"][trend["days"].index("2026-02-11")] == 1
    assert trend["months"][-3:] == ["2025-12", "2026-01", "2026-02"]
    assert red["monthly"][-3:] == [1, 0, 2] and sum(red["monthly"]) == 3


# --- pages ---------------------------------------------------------------------------------------------


def numbers(page: str) -> list[str]:
    return re.findall(r"(?:ZW|YSQ)-2026-\d+", page)


@pytest.mark.django_db
def test_dashboard_page_shows_the_counts_and_links_to_each_list(client, desk):
    client.force_login(desk.supervisor)
    response = client.get("/staff/dzjc/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "电子监察" in page and 'id="dashboard-chart-data"' in page and "echarts.min.js" in page
    assert '<a href="/staff/dzjc/list/?light=red&amp;kind=case" class="light light-red">1</a>' in page
    assert '<a href="/staff/dzjc/list/?light=yellow&amp;kind=case" class="light light-yellow">2</a>' in page
    assert '<a href="/staff/dzjc/list/?kind=application">2</a>' in page
    assert "测试市政务服务中心" in page and "林窗口" in page


@pytest.mark.parametrize("query, expected", [
    ("kind=case&light=yellow", ["c3", "c1"]),  # c3 due 02-25, c1 02-26
    ("kind=case&light=red", ["c2"]),
    ("kind=case", ["c2", "c3", "c1", "c5", "c4"]),  # by due date, the stopped one last
    ("kind=case&light=stopped", ["c4"]),
    ("kind=case&by=window&key=none", ["c5"]),
    ("kind=case&by=person&key={clerk}&light=red", ["c2"]),
    ("kind=case&light=red&as_of=2026-02-20", ["c2", "c6"]),
    ("kind=application&light=yellow", ["a1"]),
    ("kind=application&by=person&key=none", ["a2"]),
    ("kind=case&org=C-GAJ", ["c2", "c1", "c5"]),
])
@pytest.mark.django_db
def test_drill_down_lists_exactly_those(client, desk, query, expected):
    client.force_login(desk.supervisor)
    response = client.get("/staff/dzjc/list/?" + query.format(clerk=desk.hall.clerk.pk))
    assert response.status_code == 200
    subjects = {**desk.cases, **desk.applications}
    assert numbers(response.content.decode()) == [subjects[k].number for k in expected]


@pytest.mark.django_db
def test_drill_down_links_to_the_case_page_and_its_history(client, desk):
    c1 = desk.cases["c1"]
    make_alert(c1, level="yellow", raised_on=D("2026-02-24"))
    Step.objects.create(case=c1, step="accept", action="accept", actor=desk.hall.clerk,
                        at=datetime(2026, 2, 12, 2, 0, tzinfo=dt_timezone.utc), opinion="材料齐全")
    client.force_login(desk.supervisor)
    page = client.get("/staff/dzjc/list/?kind=case&light=yellow").content.decode()
    assert f"/staff/bj/{c1.pk}/" in page and f"/staff/dzjc/case/{c1.pk}/" in page
    history = client.get(f"/staff/dzjc/case/{c1.pk}/").content.decode()
    assert "黄灯（临近期限）" in history and "未解除" in history and "材料齐全" in history and "林窗口" in history
    a1 = desk.applications["a1"]
    assert client.get(f"/staff/dzjc/application/{a1.pk}/").status_code == 200


@pytest.mark.django_db
def test_drill_down_pages_fifty_at_a_time(client, desk):
    h = desk.hall
    for _ in range(55):
        make_case(h, item=h.simple, window=h.window_civil, person=h.clerk2, accepted_on=D("2026-02-13"),
                  due_on=D("2026-02-13") - timedelta(days=1), warning_on=D("2026-02-11"))
    client.force_login(desk.supervisor)
    first = client.get("/staff/dzjc/list/?kind=case&light=red").content.decode()
    second = client.get("/staff/dzjc/list/?kind=case&light=red&page=2").content.decode()
    assert len(numbers(first)) == 50 and len(numbers(second)) == 6 and "共 56 件" in first
    assert not set(numbers(first)) & set(numbers(second))


@pytest.mark.django_db
def test_overtime_list(client, desk):
    make_alert(desk.cases["c1"], level="step_overtime", step="review", raised_on=D("2026-02-13"))
    client.force_login(desk.supervisor)
    page = client.get("/staff/dzjc/overtime/").content.decode()
    assert numbers(page) == [desk.cases["c1"].number]


@pytest.mark.parametrize("query, message", [
    ("/staff/dzjc/?as_of=2026-02-30", "统计日期（as_of）"),
    ("/staff/dzjc/?as_of=2026-02-25", "晚于今天"),
    ("/staff/dzjc/list/?kind=cat", "对象类型（kind）"),
    ("/staff/dzjc/list/?kind=case&light=blue", "灯色（light）"),
    ("/staff/dzjc/list/?kind=application&by=window&key=1", "分组（by）"),
    ("/staff/dzjc/list/?kind=case&by=window&key=x1", "分组值（key）"),
    ("/staff/dzjc/list/?kind=case&page=0", "页码（page）"),
    ("/staff/dzjc/list/?kind=case&page=9", "页码（page）"),
])
@pytest.mark.django_db
def test_bad_input_is_a_400_naming_the_field(client, desk, query, message):
    client.force_login(desk.supervisor)
    response = client.get(query)
    assert response.status_code == 400 and message in response.content.decode()


@pytest.mark.django_db
def test_outsiders_are_refused(client, desk):
    c1, a1 = desk.cases["c1"], desk.applications["a1"]
    client.force_login(desk.hall.clerk)  # no supervision or leader role
    for url in ("/staff/dzjc/", "/staff/dzjc/list/?kind=case", "/staff/dzjc/overtime/", f"/staff/dzjc/case/{c1.pk}/"):
        assert client.get(url).status_code == 403
    client.force_login(desk.outsider_leader)  # a leader of another county
    assert client.get("/staff/dzjc/?org=C").status_code == 404
    assert client.get("/staff/dzjc/list/?kind=case&org=C-ZWFW").status_code == 404
    assert client.get(f"/staff/dzjc/case/{c1.pk}/").status_code == 404
    assert client.get(f"/staff/dzjc/application/{a1.pk}/").status_code == 404
    own = client.get("/staff/dzjc/list/?kind=case")
    assert own.status_code == 200 and numbers(own.content.decode()) == []
    client.force_login(desk.police_head)  # a head sees the department's cases, not the civil affairs bureau's
    assert client.get(f"/staff/dzjc/case/{desk.cases['c3'].pk}/").status_code == 404
    assert client.get(f"/staff/dzjc/case/{c1.pk}/").status_code == 200
    client.logout()
    assert client.get("/staff/dzjc/").status_code == 302
