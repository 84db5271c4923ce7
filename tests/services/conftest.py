"""A small service hall: the test city's centre with a resident window (public security) and a
comprehensive window (civil affairs), three items (一审一核 licence, 即办件, window-only 承诺件),
one person per role, agency clerks in a village and its town, and an outsider."""

from dataclasses import dataclass
from datetime import date

import pytest

from yangguang.core.models import Organisation, Role, Window, WindowAuthorisation
from yangguang.services.models import Material, ServiceItem

from ..conftest import make_org, make_person


@dataclass
class Hall:
    world: object
    centre: Organisation
    police: Organisation
    civil: Organisation
    unserved: Organisation  # a department that authorised no window
    window_police: Window
    window_civil: Window
    licence: ServiceItem  # 一审一核: accept → review → approve → complete; legal 20, committed 5
    instant: ServiceItem  # 即办件
    simple: ServiceItem  # 承诺件 decided at the window: accept → complete; legal none, committed 3
    orphan: ServiceItem  # the unserved department's item
    clerk: object
    clerk2: object
    reviewer: object
    approver: object
    agency_village: object
    agency_town: object
    outsider: object


def make_item(code, name, department, **extra) -> ServiceItem:
    materials = extra.pop("materials", [("申请表", True), ("身份证明", True), ("其他说明材料", False)])
    item = ServiceItem.objects.create(code=code, name=name, department=department, **extra)
    for n, (material, required) in enumerate(materials):
        Material.objects.create(item=item, name=material, required=required, sort_order=n)
    return item


@pytest.fixture
def hall(world, seeded_calendar) -> Hall:
    K = Organisation.Kind
    police = make_org("C-GAJ", "测试市公安局", K.DEPARTMENT, world.city)
    civil = make_org("C-MZJ", "测试市民政局", K.DEPARTMENT, world.city)
    unserved = make_org("C-KJJ", "测试市科学技术局", K.DEPARTMENT, world.city)
    w1 = Window.objects.create(centre=world.centre, number="01", name="公安窗口", kind=Window.Kind.RESIDENT)
    w2 = Window.objects.create(centre=world.centre, number="02", name="综合窗口", kind=Window.Kind.COMPREHENSIVE)
    WindowAuthorisation.objects.create(window=w1, department=police, authorised_on=date(2025, 1, 2))
    WindowAuthorisation.objects.create(window=w2, department=civil, authorised_on=date(2025, 1, 2))
    licence = make_item(
        "GA-001", "机动车驾驶培训许可", police, kind="licence", legal_limit=20, committed_limit=5,
        online_allowed=True, agency_allowed=True,
    )
    instant = make_item(
        "GA-002", "户籍证明开具", police, kind="public_service", legal_limit=None, committed_limit=0, immediate=True,
        steps=["accept", "complete"], online_allowed=True, agency_allowed=True,
    )
    simple = make_item(
        "MZ-001", "婚姻登记档案查询", civil, kind="public_service", legal_limit=None, committed_limit=3,
        steps=["accept", "complete"], agency_allowed=False,
    )
    orphan = make_item("KJ-001", "科技型企业认定", unserved, kind="confirmation", legal_limit=30, committed_limit=10)
    return Hall(
        world, world.centre, police, civil, unserved, w1, w2, licence, instant, simple, orphan,
        clerk=make_person("clerk", Role.WINDOW_CLERK, world.centre, full_name="林窗口"),
        clerk2=make_person("clerk2", Role.WINDOW_CLERK, world.centre, full_name="王窗口"),
        reviewer=make_person("reviewer", Role.REVIEWER, world.centre, full_name="周审核"),
        approver=make_person("approver", Role.APPROVER, world.centre, full_name="陈核准"),
        agency_village=make_person("vclerk", Role.WINDOW_CLERK, world.village, full_name="刘村代办"),
        agency_town=make_person("tclerk", Role.WINDOW_CLERK, world.town, full_name="张镇代办"),
        outsider=make_person("outsider", Role.WINDOW_CLERK, world.other_county, full_name="赵外人"),
    )
