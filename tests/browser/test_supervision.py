"""The supervision desk opens the e-supervision dashboard after a sweep: the counts by light, the
trend charts drawn by the vendored ECharts under the Content-Security-Policy (no console errors),
and the drill-down from the red count to the overdue case."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_person
from tests.services.conftest import hall  # noqa: F401 - the fixture
from tests.supervision.test_dashboard import make_case

from .support import unexpected_console_errors
from .test_portal import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def swept(hall):  # noqa: F811 - the fixture
    from yangguang.core.models import Role
    from yangguang.supervision.sweep import sweep

    today = timezone.localdate()
    overdue = make_case(hall, item=hall.licence, window=hall.window_police, person=hall.clerk, accepted_on=today - timedelta(days=20),
                        due_on=today - timedelta(days=3), warning_on=today - timedelta(days=5))
    make_case(hall, item=hall.licence, window=hall.window_police, person=hall.clerk2, accepted_on=today - timedelta(days=6),
              due_on=today + timedelta(days=1), warning_on=today)
    make_case(hall, item=hall.simple, window=hall.window_civil, person=hall.clerk2, accepted_on=today,
              due_on=today + timedelta(days=10), warning_on=today + timedelta(days=8))
    result = sweep(today=today)
    assert result.raised["red"] == 1 and result.raised["yellow"] == 1
    make_person("desk", Role.SUPERVISOR, hall.world.city, full_name="何监督")
    return overdue


def test_the_desk_sees_lights_charts_and_drills_down(open_page, live_server, swept, screenshot):
    page, log = open_page()
    log_in(page, live_server, "desk", PASSWORD)
    page.goto(live_server.url + "/staff/dzjc/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("电子监察")
    expect(page.locator("#chart-daily canvas, #chart-daily svg").first).to_be_visible()
    expect(page.locator("#chart-monthly canvas, #chart-monthly svg").first).to_be_visible()
    screenshot(page, "supervision-dashboard")
    page.locator("a.light-red").first.click()
    expect(page.get_by_role("link", name=swept.number)).to_be_visible()
    assert unexpected_console_errors(log) == []
