"""The public portal and the staff login, as a person with a browser sees them."""

import pytest
from playwright.sync_api import expect

from .support import PHONE, unexpected_console_errors

pytestmark = pytest.mark.browser

DISCLOSURE_ENTRIES = ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"]
PASSWORD = "Browser@Test2026"

ROOT_FONT_SIZE = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"


def home(open_page, live_server, **options):
    page, log = open_page(**options)
    response = page.goto(live_server.url + "/")
    assert response is not None and response.status == 200
    # a11y.js is deferred and wires the buttons on DOMContentLoaded; wait for everything.
    page.wait_for_load_state("load")
    return page, log


def test_home_page(open_page, live_server, screenshot):
    page, log = home(open_page, live_server)

    expect(page).to_have_title("首页 · 阳光政务")
    assert "阳光政务" in page.title()

    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="政府信息公开", exact=True)).to_be_visible()

    column = page.get_by_role("region", name="政府信息公开")
    expect(column.get_by_role("heading", name="政府信息公开")).to_be_visible()
    expect(column.locator(".tiles > li strong")).to_have_text(DISCLOSURE_ENTRIES)
    for entry in DISCLOSURE_ENTRIES:
        expect(column.get_by_role("link", name=entry)).to_be_visible()
    screenshot(page, "home-desktop")

    # 大字模式: pressed state announced, root font grows (everything is sized in rem).
    large = page.get_by_role("button", name="大字模式")
    expect(large).to_have_attribute("aria-pressed", "false")
    before = page.evaluate(ROOT_FONT_SIZE)
    large.click()
    expect(large).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_contain_class("large-text")
    after = page.evaluate(ROOT_FONT_SIZE)
    assert after > before, f"大字模式 did not enlarge the root font: {before}px -> {after}px"

    # 高对比度 toggles on and off.
    contrast = page.get_by_role("button", name="高对比度")
    html = page.locator("html")
    contrast.click()
    expect(contrast).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.classList.contains('high-contrast')")
    contrast.click()
    expect(contrast).to_have_attribute("aria-pressed", "false")
    assert not page.evaluate("document.documentElement.classList.contains('high-contrast')")
    expect(html).to_contain_class("large-text")  # the other mode is left alone

    # Everything came from the platform itself (no CDN), and nothing went wrong in the page.
    assert len(log.requests) >= 4, log.requests  # page, site.css, a11y.js, htmx.min.js
    assert log.foreign_requests(live_server.url) == []
    assert unexpected_console_errors(log) == []


@pytest.mark.parametrize("path", ["/", "/xxgk/", "/xxgk/zn/", "/zwfw/", "/hdjd/", "/login/"])
def test_console_is_clean(open_page, live_server, path):
    """No console errors at all: a CSP violation is reported there, so this is also the check that
    the strict Content-Security-Policy and the pages agree."""
    page, log = open_page()
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")  # the favicon request comes after "load"
    assert log.foreign_requests(live_server.url) == []
    assert unexpected_console_errors(log) == []


def test_modes_are_remembered(open_page, live_server):
    page, _ = home(open_page, live_server)
    page.get_by_role("button", name="高对比度").click()
    page.reload()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.classList.contains('high-contrast')")
    expect(page.get_by_role("button", name="高对比度")).to_have_attribute("aria-pressed", "true")


def test_first_tab_reaches_skip_link(open_page, live_server):
    page, log = home(open_page, live_server)

    page.keyboard.press("Tab")
    focused = page.evaluate("() => ({tag: document.activeElement.tagName, text: document.activeElement.textContent.trim()})")
    assert focused == {"tag": "A", "text": "跳到正文"}
    skip = page.get_by_role("link", name="跳到正文")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"focused skip link is off screen: {box}"

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert unexpected_console_errors(log) == []


@pytest.mark.parametrize("mode", [None, "large-text"], ids=["normal", "large-text"])
def test_phone_has_no_horizontal_scroll(open_page, live_server, screenshot, mode):
    page, log = home(open_page, live_server, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    if mode:
        page.get_by_role("button", name="大字模式").click()
        expect(page.locator("html")).to_contain_class(mode)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"] + 1, f"horizontal scroll on a phone: scrollWidth={scroll_width}"
    if mode is None:
        screenshot(page, "home-phone")
    assert unexpected_console_errors(log) == []


@pytest.fixture
def window_clerk(transactional_db):
    from yangguang.core.models import Organisation, Role
    from yangguang.core.services import role_grant, user_create

    bureau = Organisation(code="BROWSER-TEST", name="浏览器测试局", kind=Organisation.Kind.DEPARTMENT)
    bureau.save()
    user = user_create(actor=None, username="clerk.browser", password=PASSWORD, full_name="测试窗口员", organisation=bureau)
    role_grant(actor=None, user=user, organisation=bureau, role=Role.WINDOW_CLERK)
    return user


def log_in(page, live_server, username, password):
    page.goto(live_server.url + "/login/")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state("load")


@pytest.mark.django_db(transaction=True)
def test_staff_login(open_page, live_server, window_clerk):
    page, log = open_page()

    log_in(page, live_server, "clerk.browser", "Wrong@Password2026")
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    assert page.url.rstrip("/").endswith("/login")

    log_in(page, live_server, "clerk.browser", PASSWORD)
    expect(page).to_have_url(live_server.url + "/staff/")
    expect(page.get_by_role("heading", name="工作台", exact=True)).to_be_visible()
    expect(page.get_by_text("测试窗口员，您好。")).to_be_visible()
    roles = page.locator("table.data tbody")
    expect(roles).to_contain_text("窗口受理人员")
    expect(roles).to_contain_text("浏览器测试局")
    expect(page.get_by_role("navigation", name="主导航")).to_contain_text("工作台")

    assert log.foreign_requests(live_server.url) == []
    assert unexpected_console_errors(log) == []
