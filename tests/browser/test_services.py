"""An applicant applies online for a service item on a phone and follows the case on the public
progress page; the window accepts it; the acceptance notice downloads."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from .support import PHONE, unexpected_console_errors
from .test_portal import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Browser@Test2026"


@pytest.fixture
def centre(transactional_db):
    from yangguang.core.calendar import calendar_seed_from_package
    from yangguang.core.models import Organisation, Role, Window, WindowAuthorisation
    from yangguang.core.services import role_grant, user_create
    from yangguang.services.models import Material, ServiceItem

    calendar_seed_from_package()
    K = Organisation.Kind
    city = Organisation(code="BRW", name="浏览器测试市人民政府", kind=K.GOVERNMENT)
    city.save()
    hall = Organisation(code="BRW-ZWFW", name="浏览器测试市政务服务中心", kind=K.SERVICE_CENTRE, parent=city)
    hall.save()
    police = Organisation(code="BRW-GAJ", name="浏览器测试市公安局", kind=K.DEPARTMENT, parent=city)
    police.save()
    window = Window.objects.create(centre=hall, number="01", name="公安窗口", kind=Window.Kind.RESIDENT)
    WindowAuthorisation.objects.create(window=window, department=police, authorised_on=date(2025, 1, 1))
    item = ServiceItem.objects.create(code="BRW-GA-1", name="机动车驾驶培训许可", kind="licence", department=police,
                                      legal_limit=20, committed_limit=5, online_allowed=True)
    for n, name in enumerate(("申请表", "身份证明")):
        Material.objects.create(item=item, name=name, sort_order=n)
    clerk = user_create(actor=None, username="svc.clerk", password=PASSWORD, full_name="林窗口", organisation=hall)
    role_grant(actor=None, user=clerk, organisation=hall, role=Role.WINDOW_CLERK)
    return item


def test_apply_online_on_a_phone_then_follow_the_case(open_page, live_server, centre, screenshot):
    page, log = open_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(live_server.url + f"/zwfw/bszn/{centre.code}/apply/")
    page.get_by_label("自然人").check()
    page.get_by_label("申请人姓名或名称").fill("张三")
    page.get_by_label("证件号码").fill("110101199003074514")
    page.get_by_label("联系电话").fill("13800001111")
    page.get_by_label(re.compile("申请表（")).check()
    page.get_by_label(re.compile("身份证明（")).check()
    page.get_by_role("button", name="提交申请").dblclick()  # a double click sends one application
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    code = page.locator("#tracking-code").inner_text()
    secret = page.locator("#tracking-secret").inner_text()
    screenshot(page, "services-submitted-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    from yangguang.services.models import Case

    assert Case.objects.count() == 1
    case = Case.objects.get()

    page.get_by_role("link", name="查询办理进度").click()
    expect(page.get_by_label("查询码")).to_have_value(code)
    page.get_by_label("查询密码").fill(secret)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#case-status")).to_have_text("已提交")

    clerk_page, clerk_log = open_page()
    log_in(clerk_page, live_server, "svc.clerk", PASSWORD)
    clerk_page.goto(live_server.url + "/staff/bj/")
    clerk_page.get_by_role("link", name=case.number).click()
    clerk_page.locator("summary", has_text="受理").first.click()
    clerk_page.get_by_label("受理窗口").select_option(label="01号 公安窗口")
    clerk_page.get_by_role("button", name="受理", exact=True).click()
    expect(clerk_page.get_by_text("已受理。")).to_be_visible()
    expect(clerk_page.locator("#case-status")).to_have_text("已受理")
    screenshot(clerk_page, "services-staff-detail")

    page.goto(live_server.url + f"/zwfw/bj/progress/?code={code}")
    page.get_by_label("查询密码").fill(secret)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#case-status")).to_have_text("已受理")
    expect(page.get_by_text("承诺时限 5 个工作日", exact=False)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="受理通知书（PDF）").click()
    assert download.value.suggested_filename.endswith(".pdf")
    screenshot(page, "services-progress-phone")
    assert log.foreign_requests(live_server.url) == [] and unexpected_console_errors(log) == []
    assert unexpected_console_errors(clerk_log) == []
