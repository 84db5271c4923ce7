"""A service centre under e-supervision, shared by the sweep, card and notification tests: one
window with a clerk and a reviewer, the centre's head (leader), the city's supervision desk, a
licence item (limit 5; step limits are set by the tests about them), a justice bureau taking disclosure
applications, and an outsider from another county."""

from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from yangguang.core.models import Organisation, Role, Window
from yangguang.foi import services as foi_services
from yangguang.services import rules
from yangguang.services.deadlines import apply_clock
from yangguang.services.models import Case, ServiceItem, Step

from ..conftest import make_org, make_person
from ..foi.conftest import applicant

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = count(1)


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


@dataclass
class Desk:
    world: object
    centre: Organisation
    police: Organisation
    window: Window
    licence: ServiceItem
    clerk: object
    reviewer: object
    head: object
    supervisor: object
    officer: object
    bureau_head: object
    outsider: object

    def case(self, accepted_on: date, *, status=rules.REVIEWING, limit=5, by=None) -> Case:
        n = next(_numbers)
        c = Case(
            organisation=self.centre, number=f"ZW-2026-{n:05d}", item=self.licence, department=self.police,
            window=self.window, channel="window", location=self.centre, tracking_code=f"TEST{n:08d}",
            applicant_name="张三", status=status, submitted_at=at(accepted_on), accepted_on=accepted_on,
            accepted_at=at(accepted_on), accepted_by=by or self.clerk, committed_limit=limit,
            step_plan=list(rules.DEFAULT_STEPS),
        )
        apply_clock(c, [])
        c.save()
        Step.objects.create(case=c, step="accept", action="accept", actor=by or self.clerk, at=at(accepted_on))
        return c

    def application(self, received_on: date):
        return foi_services.application_register(
            actor=self.officer, organisation=self.world.justice, data=applicant(), channel="post", received_on=received_on,
        ).application


@pytest.fixture
def desk(world, seeded_calendar) -> Desk:
    police = make_org("C-GAJ", "测试市公安局", Organisation.Kind.DEPARTMENT, world.city)
    window = Window.objects.create(centre=world.centre, number="01", name="公安窗口", kind=Window.Kind.RESIDENT)
    licence = ServiceItem.objects.create(
        code="GA-001", name="机动车驾驶培训许可", department=police, kind="licence", legal_limit=20, committed_limit=5,
    )
    return Desk(
        world, world.centre, police, window, licence,
        clerk=make_person("clerk", Role.WINDOW_CLERK, world.centre, full_name="林窗口", phone="13800000001"),
        reviewer=make_person("reviewer", Role.REVIEWER, world.centre, full_name="周审核"),
        head=make_person("head", Role.LEADER, world.centre, full_name="王主任"),
        supervisor=make_person("supervisor", Role.SUPERVISOR, world.city, full_name="何监察"),
        officer=make_person("officer", Role.DISCLOSURE_OFFICER, world.justice, full_name="李承办"),
        bureau_head=make_person("bureauhead", Role.LEADER, world.justice, full_name="赵局长"),
        outsider=make_person("outsider", Role.LEADER, world.other_county, full_name="赵外人"),
    )
