"""A citizen applies for disclosure on a phone and follows progress; the officer replies and the
applicant downloads the letter."""

import re

import pytest
from playwright.sync_api import expect

from .support import PHONE, unexpected_console_errors
from .test_portal import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Browser@Test2026"


@pytest.fixture
def bureau(transactional_db):
    from yangguang.core.calendar import calendar_seed_from_package
    from yangguang.core.models import Organisation, Role
    from yangguang.core.services import role_grant, user_create

    calendar_seed_from_package()
    org = Organisation(code="BROWSER-SFJ", name="浏览器测试市司法局", kind=Organisation.Kind.DEPARTMENT)
    org.save()
    officer = user_create(actor=None, username="foi.officer", password=PASSWORD, full_name="承办人", organisation=org)
    role_grant(actor=None, user=officer, organisation=org, role=Role.DISCLOSURE_OFFICER)
    return org


def test_apply_on_a_phone_then_follow_progress_and_get_the_letter(open_page, live_server, bureau, screenshot):
    page, log = open_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(live_server.url + "/ysqgk/apply/")
    page.get_by_label("向哪个机关申请").select_option(label="浏览器测试市司法局")
    page.get_by_label("自然人").check()
    page.get_by_label("姓名或名称").fill("张三")
    page.get_by_label("证件号码").fill("110101199003074514")
    page.get_by_label("联系电话").fill("13800001111")
    page.get_by_label("所需政府信息的名称、文号或者便于查询的其他特征性描述").fill("2025 年度法律援助经费使用情况")
    page.get_by_label("电子文档").check()
    page.get_by_label("网上获取").check()
    page.get_by_role("button", name="提交申请").dblclick()  # a double click sends one application
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    facts = page.locator("dl.facts").inner_text()
    code = re.search(r"查询码\s*(\w+)", facts).group(1)
    secret = re.search(r"查询密码\s*(\w+)", facts).group(1)
    screenshot(page, "foi-submitted-phone")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"] + 1

    from yangguang.foi.models import Application

    assert Application.objects.count() == 1

    officer_page, officer_log = open_page()
    log_in(officer_page, live_server, "foi.officer", PASSWORD)
    officer_page.goto(live_server.url + "/staff/ysqgk/")
    officer_page.get_by_role("link", name=Application.objects.get().number).click()
    officer_page.get_by_text("确认收到申请", exact=True).first.click()
    officer_page.get_by_role("button", name="确认收到申请").click()
    expect(officer_page.get_by_text("已确认收到申请。")).to_be_visible()
    officer_page.get_by_text("答复", exact=True).first.click()
    officer_page.get_by_label("办理结果").select_option(label="予以公开")
    officer_page.get_by_label("答复内容").fill("所申请信息见附件。")
    officer_page.get_by_role("button", name="答复").click()
    expect(officer_page.get_by_text("已答复。")).to_be_visible()
    screenshot(officer_page, "foi-staff-detail")

    page.goto(live_server.url + "/ysqgk/progress/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(secret)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("已办结", exact=True)).to_be_visible()
    expect(page.get_by_text("予以公开")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    screenshot(page, "foi-progress-phone")
    assert log.foreign_requests(live_server.url) == [] and unexpected_console_errors(log) == []
    assert unexpected_console_errors(officer_log) == []
