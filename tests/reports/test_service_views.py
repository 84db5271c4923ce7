"""The statistics pages: staff see the organisations their roles cover (an outsider from another
county is refused the centre's figures), download them, and the public reads the monthly or yearly
办件公示 of a published organisation, which names no person."""

import io
import json
import re

import openpyxl
import pytest
from django.core.cache import cache
from django.utils import timezone

from yangguang.core.models import Role

from ..conftest import make_person
from .test_service_data import cases, hall  # noqa: F401  (fixtures)

URL = "/staff/reports/service/"
PERIOD = {"from": "2026-09-01", "to": "2026-10-31"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # the public page keeps its figures; every test has its own data
    yield
    cache.clear()


def login(client, user):
    client.force_login(user)
    return client


def no_inline_script(html: str) -> bool:
    """Every script is a file or JSON data: the CSP (script-src 'self') would block any other."""
    return all("src=" in tag or 'type="application/json"' in tag for tag in re.findall(r"<script[^>]*>", html))


# --- staff ----------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, hall):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_clerk_sees_the_centre_for_the_year_to_date_by_default(client, cases, hall):
    response = login(client, hall.clerk).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    today = timezone.localdate()
    assert f"{today.year}年1月1日至{today.year}年{today.month}月{today.day}日" in html
    assert "测试市政务服务中心政务服务办件统计" in html
    assert "受理件数" in html and "当场办结率" in html and 'id="table-by_department"' in html
    assert 'id="service-chart-data"' in html and "vendor/echarts/echarts.min.js" in html
    assert "reports/service-charts.js" in html and no_inline_script(html)


def test_the_figures_of_a_chosen_period(client, cases, hall):
    html = login(client, hall.clerk).get(URL, {"org": "C-ZWFW", **PERIOD}).content.decode()
    # the centre: 7 completed, 2 on the spot → 28.57%; 5 within → 71.43%; 59 working days saved
    assert re.search(r"<dt>当场办结率</dt><dd><strong>28.57%</strong>", html)
    assert re.search(r"<dt>承诺时限内办结率</dt><dd><strong>71.43%</strong>", html)
    assert re.search(r"<dt>节约审批时限（工作日）</dt><dd><strong>59</strong> 个工作日", html)
    chart = json.loads(re.search(r'<script id="service-chart-data" type="application/json">(.*?)</script>', html).group(1))
    assert chart["names"] == ["测试市民政局", "测试市公安局"]  # the busiest last: drawn at the top
    assert chart["accepted"] == [2, 7] and chart["on_the_spot_rate"] == [0.0, 33.33]
    assert '<th scope="row">公安窗口</th>' in html and '<th scope="row">一镇东村</th>' in html
    assert "xlsx?org=C-ZWFW&amp;from=2026-09-01&amp;to=2026-10-31" in html


def test_the_clerk_is_refused_the_city(client, cases, hall):
    response = login(client, hall.clerk).get(URL, {"org": "C", **PERIOD})
    html = response.content.decode()
    assert response.status_code == 400 and "统计机构：不在您的权限范围内" in html
    assert "受理件数" not in html


def test_the_outsider_is_refused_the_centre_and_sees_only_their_county(client, cases, hall):
    client = login(client, hall.outsider)
    refused = client.get(URL, {"org": "C-ZWFW", **PERIOD})
    assert refused.status_code == 400 and "不在您的权限范围内" in refused.content.decode()
    assert client.get(URL + "export.json", {"org": "C-ZWFW", **PERIOD}).status_code == 400
    own = client.get(URL, PERIOD | {"org": "C-B"}).content.decode()
    assert "乙县人民政府政务服务办件统计" in own and "测试市政务服务中心" not in own
    choices = re.findall(r'<option value="([^"]+)"', client.get(URL).content.decode())
    assert choices == ["C-B"]


def test_the_leader_of_the_city_may_choose_any_organisation(client, cases, hall):
    leader = make_person("leader", Role.LEADER, hall.world.city)
    html = login(client, leader).get(URL, {"org": "C", **PERIOD}).content.decode()
    assert re.search(r"<dt>受理件数</dt><dd><strong>11</strong> 件", html)
    assert re.search(r"<dt>平均压缩审批时限（工作日）</dt><dd><strong>17.50</strong>", html)
    choices = re.findall(r'<option value="([^"]+)"', html)
    assert choices[0] == "C" and "C-ZWFW" in choices and "C-A-1-01" not in choices  # villages only by URL
    village = login(client, leader).get(URL, {"org": "C-A-1-01", **PERIOD})
    assert village.status_code == 200


def test_a_village_clerk_sees_their_village(client, cases, hall):
    html = login(client, hall.agency_village).get(URL, PERIOD | {"org": "C-A-1-01"}).content.decode()
    assert "一镇东村政务服务办件统计" in html and re.search(r"<dt>受理件数</dt><dd><strong>1</strong> 件", html)
    default = client.get(URL).content.decode()
    assert re.findall(r'<option value="([^"]+)"', default) == ["C-A-1-01"] and "一镇东村政务服务办件统计" in default


@pytest.mark.parametrize("user", ["nobody", "sysadmin"])
def test_without_a_statistics_role_the_page_is_forbidden(client, hall, user):
    person = (make_person("nobody", Role.CONFIDENTIALITY_REVIEWER, hall.world.city) if user == "nobody"
              else make_person("sysadmin", Role.SYSTEM_ADMIN, hall.world.city, is_staff=True))
    assert login(client, person).get(URL).status_code == 403
    assert client.get(URL + "export.xlsx").status_code == 403


@pytest.mark.parametrize("params, message", [
    ({"org": "C-ZWFW", "from": "2026-09-31", "to": "2026-10-31"}, "开始日期：请按 YYYY-MM-DD 格式填写有效日期"),
    ({"org": "C-ZWFW", "from": "2026-09-01"}, "结束日期（含当天）：请填写日期"),
    ({"org": "C-ZWFW", "from": "2026-11-01", "to": "2026-10-31"}, "开始日期：开始日期 2026-11-01 晚于结束日期 2026-10-31"),
    ({"org": "", **PERIOD}, "统计机构：请选择统计机构"),
])
def test_bad_input_is_named_in_chinese(client, hall, params, message):
    response = login(client, hall.clerk).get(URL, params)
    assert response.status_code == 400 and message in response.content.decode()


def test_downloads(client, cases, hall):
    client = login(client, hall.clerk)
    data = client.get(URL + "export.json", {"org": "C-ZWFW", **PERIOD})
    assert data.status_code == 200 and data["Content-Type"].startswith("application/json")
    assert "attachment" in data["Content-Disposition"]
    assert json.loads(data.content)["totals"]["completed"] == 7
    book = client.get(URL + "export.xlsx", {"org": "C-ZWFW", **PERIOD})
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = openpyxl.load_workbook(io.BytesIO(book.content))
    assert sheets.sheetnames[0] == "总体情况" and sheets["总体情况"]["B4"].value == 9
    page = client.get(URL + "export.html", {"org": "C-ZWFW", **PERIOD})
    assert page["Content-Security-Policy"].startswith("default-src 'none'; style-src 'sha256-")
    assert client.get(URL + "export.pdf", {"org": "C-ZWFW", **PERIOD}).status_code == 404


# --- public ---------------------------------------------------------------------------------------

PUBLIC = "/zwfw/bjgs/"


def test_the_month_of_the_centre_is_published(client, cases, hall):
    response = client.get(PUBLIC, {"year": 2026, "month": 10})
    html = response.content.decode()
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert "办件公示：测试市政务服务中心2026年10月" in html
    assert '<option value="C-ZWFW" selected>' in html and '<option value="10" selected>' in html
    assert "统计期间：2026年10月1日至2026年10月31日。" in html
    # October at the centre: accepted B C D E H, completed A B C D E J
    assert re.search(r"<dt>受理件数</dt><dd><strong>5</strong> 件", html)
    assert re.search(r"<dt>办结件数</dt><dd><strong>6</strong> 件", html)
    assert 'id="table-by_department"' in html and 'id="table-by_window"' not in html
    assert "某申请人" not in html and "STAT0" not in html and "ST-0" not in html  # nobody is named
    assert no_inline_script(html)


def test_the_year_to_date_of_a_government(client, cases, hall):
    today = timezone.localdate()
    html = client.get(PUBLIC, {"org": "C", "year": today.year}).content.decode()
    assert f"办件公示：测试市人民政府{today.year}年度" in html
    if today.month < 12 or today.day < 31:
        assert f"本期尚未结束，数字截至{today.year}年{today.month}月{today.day}日" in html


@pytest.mark.parametrize("params, message", [
    ({"year": 2026, "month": 13}, "月份：月份应为 1 至 12"),
    ({"year": 1999}, "年度：年度无效"),
    ({"org": "C-SFJ"}, "机构：没有公示该机构的办件统计"),
])
def test_the_public_page_refuses_bad_input(client, hall, params, message):
    response = client.get(PUBLIC, params)
    assert response.status_code == 400 and message in response.content.decode()


def test_a_month_not_yet_begun_is_refused(client, hall):
    today = timezone.localdate()
    if today.month == 12:
        pytest.skip("every month of this year has begun")
    response = client.get(PUBLIC, {"year": today.year, "month": today.month + 1})
    assert response.status_code == 400 and "尚未开始" in response.content.decode()


def test_the_services_page_links_to_it(client, db):
    assert 'href="/zwfw/bjgs/"' in client.get("/zwfw/").content.decode()
