"""A justice bureau's disclosure office: two officers, the office head, an outsider, and a helper
that makes a valid application."""

from dataclasses import dataclass
from datetime import date

import pytest

from yangguang.core.models import Role
from yangguang.foi import services

from ..conftest import make_person

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(serial: int = 1, born: str = "19900307") -> str:
    """A valid 18-digit 居民身份证号码 (the check digit computed, ISO 7064 MOD 11-2)."""
    body = f"110101{born}{serial % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def applicant(**overrides) -> dict:
    data = {
        "applicant_type": "natural_person", "applicant_name": "张三", "id_type": "resident_id",
        "id_number": resident_id(), "phone": "13800001111", "email": "zhangsan@example.com",
        "address": "示例市云溪县人民路 1 号", "postcode": "990100",
        "description": "申请公开 2025 年度法律援助经费使用情况", "form": "electronic", "delivery": "email",
    }
    data.update(overrides)
    return data


@dataclass
class Office:
    organisation: object
    officer: object
    colleague: object
    head: object
    outsider: object

    def register(self, received_on: date, channel: str = "post", **data):
        return services.application_register(
            actor=self.officer, organisation=self.organisation, data=applicant(**data), channel=channel,
            received_on=received_on,
        ).application


@pytest.fixture
def office(world, seeded_calendar) -> Office:
    org = world.justice
    return Office(
        org,
        make_person("officer", Role.DISCLOSURE_OFFICER, org, full_name="李承办"),
        make_person("colleague", Role.DISCLOSURE_OFFICER, org, full_name="王同事"),
        make_person("head", Role.LEADER, org, full_name="赵主任"),
        make_person("outsider", Role.DISCLOSURE_OFFICER, world.other_county),
    )
