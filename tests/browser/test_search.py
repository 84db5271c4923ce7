"""Searching the published records as a citizen with a browser (and with a phone, by keyboard)."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .support import PHONE, unexpected_console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "城乡低保户认定办法"


@pytest.fixture
def published_record(transactional_db):
    from yangguang.core.calendar import calendar_seed_from_package
    from yangguang.core.models import Organisation, Role
    from yangguang.core.services import role_grant, user_create
    from yangguang.disclosure import services

    calendar_seed_from_package()
    county = Organisation(code="BROWSER-COUNTY", name="浏览器测试县人民政府", kind=Organisation.Kind.GOVERNMENT)
    county.save()
    people = {}
    for username, role in [("officer", Role.DISCLOSURE_OFFICER), ("checker", Role.CONFIDENTIALITY_REVIEWER), ("leader", Role.LEADER)]:
        people[username] = user_create(
            actor=None, username=f"search.{username}", password="Browser@Test2026", full_name=username, organisation=county
        )
        role_grant(actor=None, user=people[username], organisation=county, role=role)
    category = services.catalogue_node_create(actor=None, organisation=county, code="05", name="社会救助")
    item = services.catalogue_node_create(actor=None, organisation=county, parent=category, code="0501", name="最低生活保障")
    record = services.record_create(
        actor=people["officer"], organisation=county, item=item, title=TITLE, formed_on=date(2026, 2, 2),
        summary="规范城乡低保户的认定条件和程序。", body="<p>本办法自发布之日起施行。</p>",
    )
    other = services.record_create(  # a newer body-only hit, so the right one has to be chosen
        actor=people["officer"], organisation=county, item=item, title="社会救助工作总结", formed_on=date(2026, 3, 2),
        body="<p>全年新增低保对象 120 户。</p>",
    )
    for each in (record, other):
        services.record_transition(actor=people["officer"], record=each, action="submit")
        services.record_transition(actor=people["checker"], record=each, action="confidentiality_approve")
        services.record_transition(actor=people["leader"], record=each, action="leader_approve")
    return record


def test_search_and_open_a_record(open_page, live_server, published_record, screenshot):
    page, log = open_page()
    page.goto(live_server.url + "/search")
    expect(page.get_by_role("heading", name="政府信息检索", level=1)).to_be_visible()

    page.get_by_label("检索词").fill("低保")
    page.get_by_role("button", name="检索", exact=True).click()
    page.wait_for_load_state("load")

    expect(page.get_by_role("status")).to_contain_text("共找到 2 条")
    results = page.locator("ol.search-results > li")
    expect(results).to_have_count(2)
    expect(results.first.locator("mark").first).to_have_text("低保")  # the title hit ranks first
    screenshot(page, "search-desktop")

    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(live_server.url + reverse("disclosure:record", args=[published_record.pk]))
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    assert log.foreign_requests(live_server.url) == []
    assert unexpected_console_errors(log) == []


def test_search_on_a_phone_by_keyboard(open_page, live_server, published_record, screenshot):
    page, log = open_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(live_server.url + "/search")
    box = page.get_by_label("检索词")
    box.focus()
    page.keyboard.type("低保户")
    page.keyboard.press("Enter")  # a GET form: Enter in the box submits it
    page.wait_for_load_state("load")

    link = page.get_by_role("link", name=TITLE)
    expect(link).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"] + 1, f"horizontal scroll on a phone: scrollWidth={scroll_width}"
    screenshot(page, "search-phone")

    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    assert unexpected_console_errors(log) == []
