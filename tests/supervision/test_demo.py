"""The demo justice bureau's reception day: three leaders in rotation from January 2026, a register
with a few visits, on the portal, and built only once."""

from datetime import date

import pytest

from yangguang.core import demo
from yangguang.core.models import Role, User
from yangguang.supervision import demo as reception_demo
from yangguang.supervision.models import ReceptionSchedule, ReceptionVisit


@pytest.mark.django_db
def test_demo_schedule_and_visits(client, seeded_calendar):
    demo.load()
    assert reception_demo.load_schedule() == 1
    assert reception_demo.load_visits() == 5  # today is 2026-11-26: every month listed has had its reception
    schedule = ReceptionSchedule.objects.get(organisation__code=demo.JUSTICE)
    assert [l.user.username for l in schedule.leaders.order_by("order")] == ["lingdao", "fujuzhang", "zhengwei"]
    for username in ("fujuzhang", "zhengwei"):
        user = User.objects.get(username=username)
        assert user.check_password(demo.DEMO_PASSWORD)
        assert user.role_assignments.filter(role=Role.LEADER, organisation__code=demo.JUSTICE).exists()
    visits = ReceptionVisit.objects.order_by("visited_on")
    assert [v.visited_on for v in visits] == [date(2026, 1, 15), date(2026, 2, 24), date(2026, 6, 15), date(2026, 10, 15), date(2026, 11, 16)]
    assert [v.duty_leader.username for v in visits] == ["lingdao", "fujuzhang", "zhengwei", "lingdao", "fujuzhang"]
    assert [v.visitor_name for v in visits.filter(follow_up_needed=True, follow_up_closed_on__isnull=True)] == ["赵明", "孙桂兰"]
    assert visits.get(visitor_name="孙桂兰").replied_on == date(2026, 11, 25)
    assert reception_demo.load_schedule() == 0 and reception_demo.load_visits() == 0
    page = client.get("/hdjd/jdr/").content.decode()
    assert "示例市司法局" in page and "2026年12月15日" in page and "郑国华" in page
