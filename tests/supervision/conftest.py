"""A justice bureau holding its reception day: three leaders in rotation, the disclosure officer who
keeps the register, the city's supervision desk, a clerk of the bureau with no say, and an outsider
from another county who must always be refused. Today is fixed at 2026-11-26."""

from dataclasses import dataclass
from datetime import date

import pytest

from yangguang.core.models import Role
from yangguang.supervision import selectors, services

from ..conftest import make_person

TODAY = date(2026, 11, 26)


@dataclass
class Bureau:
    organisation: object
    director: object
    deputy: object
    second_deputy: object
    officer: object
    supervisor: object
    clerk: object
    outsider: object
    schedule: object = None

    def visit(self, **fields):
        data = {
            "actor": self.officer, "organisation": self.organisation, "visited_on": date(2026, 11, 16),
            "duty_leader": self.deputy, "visitor_name": "王建军", "contact_phone": "13912345678",
            "issues": "询问法律援助经济困难标准", "reply": "", "replied_on": None, "follow_up_needed": False,
        }
        data.update(fields)
        return services.visit_record(**data)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(selectors, "local_today", lambda: TODAY)


@pytest.fixture
def bureau(world, seeded_calendar) -> Bureau:
    org = world.justice
    b = Bureau(
        org,
        make_person("director", Role.LEADER, org, full_name="郑国华", phone="13800000006"),
        make_person("deputy", Role.LEADER, org, full_name="钱文斌", phone="13800000020"),
        make_person("deputy2", Role.LEADER, org, full_name="杜慧敏", phone="13800000021"),
        make_person("officer", Role.DISCLOSURE_OFFICER, org, full_name="黄静怡"),
        make_person("supervisor", Role.SUPERVISOR, world.city, full_name="何立新"),
        make_person("clerk", Role.WINDOW_CLERK, org, full_name="林晓雯"),
        make_person("outsider", Role.LEADER, world.other_county, full_name="赵一帆"),
    )
    b.schedule = services.schedule_save(
        actor=b.director, organisation=org, day_of_month=15, place="司法局一楼接待室", hours="9:00–12:00",
        rotation_starts_on=date(2026, 1, 1),
    )
    services.schedule_leaders_set(actor=b.director, schedule=b.schedule, leaders=[b.director, b.deputy, b.second_deputy])
    return b
