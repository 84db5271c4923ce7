"""好差评 pages: the public rating forms (web, SMS link), the window device endpoint, the public
figures with 好评率 computed by hand, and the staff desk of rectifications — in scope, refused to an
outsider, bad input answered 4xx in Chinese. Today is fixed at 2026-11-26."""

import re
from datetime import date

import pytest

from yangguang.core.models import Organisation
from yangguang.services import rules as service_rules
from yangguang.supervision import evaluation_selectors as sel
from yangguang.supervision import evaluations
from yangguang.supervision.models import Evaluation, Rectification

from ..conftest import make_org
from .test_evaluations import SECRET, _today, desk  # noqa: F401  (shared fixtures)

S = Rectification.Status


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- public rating ----------------------------------------------------------------------------------


def test_web_rating_by_the_applicant_then_refused_on_the_same_channel(client, desk):
    case = desk.case()
    data = {"tracking_code": case.tracking_code, "secret": SECRET, "level": "2", "comment": "窗口人员解释不清"}
    response = client.post("/hdjd/hcp/rate/", data)
    assert response.status_code == 200 and "感谢您的评价" in response.content.decode()
    assert Rectification.objects.filter(evaluation__case=case, status=S.VERIFYING).exists()
    again = client.post("/hdjd/hcp/rate/", {**data, "level": "5"})
    assert again.status_code == 400
    assert "已通过网上评价评价过，同一渠道只能评价一次" in again.content.decode()
    assert Evaluation.objects.filter(case=case).count() == 1


def test_web_rating_with_a_wrong_secret_is_refused(client, desk):
    case = desk.case()
    response = client.post("/hdjd/hcp/rate/", {"tracking_code": case.tracking_code, "secret": "WRONG234", "level": "1"})
    assert response.status_code == 400
    assert "查询码或查询密码不正确" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_web_rating_of_an_open_case_and_without_a_level(client, desk):
    case = desk.case(status=service_rules.REVIEWING)
    response = client.post("/hdjd/hcp/rate/", {"tracking_code": case.tracking_code, "secret": SECRET, "level": "5"})
    assert response.status_code == 400 and "尚未办结，办结后才能评价" in response.content.decode()
    done = desk.case()
    response = client.post("/hdjd/hcp/rate/", {"tracking_code": done.tracking_code, "secret": SECRET})
    assert response.status_code == 400 and "评价等级：请选择评价等级" in _text(response)
    assert not Evaluation.objects.exists()


def test_sms_link_page_rates_once_and_a_bad_link_is_404(client, desk):
    case = desk.case()
    url = f"/hdjd/hcp/sms/{evaluations.sms_token(case)}/"
    page = client.get(url)
    assert page.status_code == 200 and case.number in page.content.decode()
    assert "13912345678" not in page.content.decode() and "张三" not in page.content.decode()
    assert client.post(url, {"level": "5"}).status_code == 200
    assert client.post(url, {"level": "1"}).status_code == 400
    assert client.get("/hdjd/hcp/sms/not-a-token/").status_code == 404
    assert client.post("/hdjd/hcp/sms/not-a-token/", {"level": "1"}).status_code == 404
    assert list(Evaluation.objects.values_list("channel", "level")) == [("sms", 5)]


def test_device_endpoint(client, desk):
    case = desk.case()
    assert client.post("/staff/hcp/device/", {"case": case.number, "window": desk.window.pk, "level": "5"}).status_code == 302
    client.force_login(desk.clerk)
    wrong = client.post("/staff/hcp/device/", {"case": case.number, "window": desk.other_window.pk, "level": "5"})
    assert wrong.status_code == 403 and "不是在本窗口办理" in wrong.json()["error"]
    assert client.post("/staff/hcp/device/", {"case": case.number, "window": "x", "level": "5"}).status_code == 400
    bad = client.post("/staff/hcp/device/", {"case": case.number, "window": desk.window.pk, "level": "9"})
    assert bad.status_code == 400 and "评价等级" in bad.json()["error"]
    ok = client.post("/staff/hcp/device/", {"case": case.number, "window": desk.window.pk, "level": "4"})
    assert ok.status_code == 201 and ok.json()["level"] == "满意"
    again = client.post("/staff/hcp/device/", {"case": case.number, "window": desk.window.pk, "level": "4"})
    assert again.status_code == 400 and "窗口评价器评价过" in again.json()["error"]
    client.force_login(desk.outsider)
    assert client.post("/staff/hcp/device/", {"case": case.number, "window": desk.window.pk, "level": "1"}).status_code == 404
    assert Evaluation.objects.count() == 1


# --- public figures: golden numbers -----------------------------------------------------------------


@pytest.fixture
def rated(desk, monkeypatch):
    """By hand: 公安局 at window 01 — November 5, 5, 4, 2, 1 and October 3, plus a 1 voided on appeal
    and a 1 in 2025; 民政局 at window 02 — 5, 4; 司法局's disclosure reply — 2."""
    civil = make_org("C-MZJ", "测试市民政局", Organisation.Kind.DEPARTMENT, desk.world.city)
    w2 = desk.other_window
    for level in (5, 5, 4, 2, 1):
        evaluations.evaluation_rate_web(subject=desk.case(), level=level)
    monkeypatch.setattr(sel, "local_today", lambda: date(2026, 10, 15))
    evaluations.evaluation_rate_web(subject=desk.case(), level=3)
    monkeypatch.setattr(sel, "local_today", lambda: date(2025, 12, 31))
    evaluations.evaluation_rate_web(subject=desk.case(), level=1)
    monkeypatch.setattr(sel, "local_today", lambda: date(2026, 11, 26))
    voided = evaluations.evaluation_rate_web(subject=desk.case(), level=1).rectification
    voided = evaluations.rectification_appeal(actor=desk.leader, rectification=voided, reasons="申请人误按")
    evaluations.rectification_decide_appeal(actor=desk.supervisor, rectification=voided, upheld=True, note="误评")
    for level in (5, 4):
        evaluations.evaluation_rate_web(subject=desk.case(department=civil, window=w2), level=level)
    evaluations.evaluation_rate_web(subject=desk.application(), level=2)
    return civil


def test_golden_figures_for_the_year(client, rated):
    figures = sel.public_figures(year=2026)
    rows = {r.label: (r.levels, r.total, r.rate) for r in figures["departments"]}
    assert rows == {
        "测试市公安局": ([2, 1, 1, 1, 1], 6, "66.67%"),
        "测试市民政局": ([1, 1, 0, 0, 0], 2, "100.00%"),
        "测试市司法局": ([0, 0, 0, 1, 0], 1, "0.00%"),
    }
    windows = {r.label: (r.total, r.rate) for r in figures["windows"]}
    assert windows == {"测试市政务服务中心 01号 公安窗口": (6, "66.67%"), "测试市政务服务中心 02号 综合窗口": (2, "100.00%")}
    assert (figures["total"].total, figures["total"].good, figures["total"].rate) == (9, 6, "66.67%")
    page = _text(client.get("/hdjd/hcp/?year=2026"))
    assert "全部有效评价 9 件，其中好评 6 件、差评 3 件，好评率 66.67%" in page
    assert "测试市公安局 2 1 1 1 1 6 66.67%" in page
    assert "好评率 =（非常满意 + 满意 + 基本满意）÷ 全部有效评价" in page  # the definition is on the page


def test_golden_figures_by_month_and_for_the_previous_year(client, rated):
    november = {r.label: (r.total, r.rate) for r in sel.public_figures(year=2026, month=11)["departments"]}
    assert november["测试市公安局"] == (5, "60.00%")
    assert {r.label: (r.total, r.rate) for r in sel.public_figures(year=2026, month=10)["departments"]} == {
        "测试市公安局": (1, "100.00%")}
    assert "全部有效评价 1 件，其中好评 0 件、差评 1 件，好评率 0.00%" in _text(client.get("/hdjd/hcp/?year=2025"))
    assert "本期暂无评价" in _text(client.get("/hdjd/hcp/?year=2026&month=1"))


@pytest.mark.parametrize("good, total, shown", [
    (0, 0, "—"), (2, 3, "66.67%"), (1, 3, "33.33%"), (1, 8, "12.50%"), (1, 800, "0.13%"), (799, 800, "99.88%"),
    (7, 7, "100.00%"),
])
def test_good_rate_rounds_half_up_to_two_decimals(good, total, shown):
    assert sel.good_rate(good, total) == shown


@pytest.mark.parametrize("query, field", [("year=20x6", "年份（year）"), ("year=1999", "年份（year）"), ("month=13", "月份（month）")])
def test_figures_bad_query_is_400_naming_the_field(client, db, query, field):
    response = client.get(f"/hdjd/hcp/?{query}")
    assert response.status_code == 400 and field in response.content.decode()


# --- staff desk -------------------------------------------------------------------------------------


@pytest.fixture
def poor(desk):
    return evaluations.evaluation_rate_web(subject=desk.case(), level=1, comment="推诿").rectification


def test_staff_list_scope_filters_and_outsider(client, desk, poor, monkeypatch):
    client.force_login(desk.leader)
    page = client.get("/staff/hcp/").content.decode()
    assert poor.evaluation.case.number in page and "待核实" in page
    assert poor.evaluation.case.number not in client.get("/staff/hcp/?status=closed").content.decode()
    assert poor.evaluation.case.number not in client.get("/staff/hcp/?overdue=1").content.decode()
    monkeypatch.setattr(sel, "local_today", lambda: date(2026, 11, 30))
    late = client.get("/staff/hcp/?overdue=1").content.decode()
    assert poor.evaluation.case.number in late and "已逾期" in late
    assert client.get("/staff/hcp/?status=bogus").status_code == 400
    client.force_login(desk.outsider)  # a leader of another county: an empty list, never the case
    outside = client.get("/staff/hcp/")
    assert outside.status_code == 200 and poor.evaluation.case.number not in outside.content.decode()
    assert client.get(f"/staff/hcp/{poor.pk}/").status_code == 404
    assert client.post(f"/staff/hcp/{poor.pk}/verify/", {"verify-verification": "x"}).status_code == 404
    client.logout()
    assert client.get("/staff/hcp/").status_code == 302


def test_detail_shows_only_the_viewers_actions_and_runs_them(client, desk, poor):
    client.force_login(desk.supervisor)
    page = client.get(f"/staff/hcp/{poor.pk}/").content.decode()
    assert "当前没有您可以办理的操作" in page
    assert client.post(f"/staff/hcp/{poor.pk}/verify/", {"verify-verification": "核实"}).status_code == 403
    client.force_login(desk.leader)
    page = client.get(f"/staff/hcp/{poor.pk}/").content.decode()
    assert "verify-verification" in page and "appeal-reasons" in page and "decide-decision" not in page
    empty = client.post(f"/staff/hcp/{poor.pk}/appeal/", {"appeal-reasons": ""})
    assert empty.status_code == 400 and "申诉理由" in empty.content.decode() and "请填写申诉理由" in empty.content.decode()
    response = client.post(f"/staff/hcp/{poor.pk}/appeal/", {"appeal-reasons": "申请人当场表示误按"})
    assert response.status_code == 302
    assert client.post(f"/staff/hcp/{poor.pk}/verify/", {"verify-verification": "x"}).status_code == 400
    assert client.post(f"/staff/hcp/{poor.pk}/decide/", {"decide-decision": "upheld", "decide-note": "x"}).status_code == 403
    client.force_login(desk.supervisor)
    response = client.post(f"/staff/hcp/{poor.pk}/decide/", {"decide-decision": "upheld", "decide-note": "经调取录像确认误按"})
    assert response.status_code == 302
    poor.refresh_from_db()
    assert poor.status == S.VOIDED and poor.evaluation.voided
    assert "申诉成立" in client.get(f"/staff/hcp/{poor.pk}/").content.decode()
    assert client.post(f"/staff/hcp/{poor.pk}/nonsense/", {}).status_code == 404


def test_sms_link_for_staff(client, desk):
    case = desk.case()
    client.force_login(desk.clerk)
    response = client.post("/staff/hcp/sms-link/", {"kind": "case", "number": case.number})
    assert response.status_code == 200
    link = re.search(r"/hdjd/hcp/sms/([^/<\"]+)/", response.content.decode())
    assert link and evaluations.subject_from_sms_token(link.group(1)) == case
    assert client.post("/staff/hcp/sms-link/", {"kind": "case", "number": "NOPE"}).status_code == 400
    client.force_login(desk.outsider)
    assert client.post("/staff/hcp/sms-link/", {"kind": "case", "number": case.number}).status_code == 400


def test_staff_pages_refuse_a_person_without_a_staff_role(client, desk, poor, system_admin):
    client.force_login(system_admin)
    assert client.get("/staff/hcp/").status_code == 403
    assert client.post("/staff/hcp/sms-link/", {"kind": "case", "number": "x"}).status_code == 403
