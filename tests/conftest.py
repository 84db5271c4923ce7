"""Personas (healthchecks' alice/bob/charlie, in a Chinese county): each test gets a small tree
of organisations and one person per role, plus an outsider from another county who must always
be refused."""

from dataclasses import dataclass

import pytest

from yangguang.core.calendar import calendar_seed_from_package
from yangguang.core.models import Organisation, Role, User
from yangguang.core.services import role_grant, user_create

PASSWORD = "Persona@2026"


@dataclass
class World:
    city: Organisation
    justice: Organisation
    legal_aid: Organisation
    centre: Organisation
    county: Organisation
    town: Organisation
    village: Organisation
    other_county: Organisation


def make_org(code, name, kind, parent=None) -> Organisation:
    org = Organisation(code=code, name=name, kind=kind, parent=parent)
    org.save()
    return org


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow (a third of a second here); tests that are not about hashing
    use a fast hasher. test_accounts checks that production uses Argon2."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Numbering rules and the receiving organisations of the FOI API are cached per process; a
    rolled-back test leaves no signal behind, so every test starts with empty caches."""
    from yangguang.core.numbering import forget_templates
    from yangguang.foi import api as foi_api
    from yangguang.services import api as services_api

    forget_templates()
    foi_api._organisations.clear()
    services_api.forget_items()


@pytest.fixture
def world(db) -> World:
    K = Organisation.Kind
    city = make_org("C", "测试市人民政府", K.GOVERNMENT)
    justice = make_org("C-SFJ", "测试市司法局", K.DEPARTMENT, city)
    legal_aid = make_org("C-SFJ-FLYZ", "测试市法律援助处", K.WINDOW_UNIT, justice)
    centre = make_org("C-ZWFW", "测试市政务服务中心", K.SERVICE_CENTRE, city)
    county = make_org("C-A", "甲县人民政府", K.GOVERNMENT, city)
    town = make_org("C-A-1", "甲县一镇人民政府", K.TOWN, county)
    village = make_org("C-A-1-01", "一镇东村", K.VILLAGE, town)
    other_county = make_org("C-B", "乙县人民政府", K.GOVERNMENT, city)
    return World(city, justice, legal_aid, centre, county, town, village, other_county)


def make_person(username, role, organisation, **extra) -> User:
    user = user_create(
        actor=None, username=username, password=PASSWORD, full_name=extra.pop("full_name", username),
        organisation=organisation, **extra,
    )
    role_grant(actor=None, user=user, organisation=organisation, role=role)
    user.refresh_from_db()
    return user


@pytest.fixture
def clerk(world):
    return make_person("clerk", Role.WINDOW_CLERK, world.centre)


@pytest.fixture
def disclosure_officer(world):
    return make_person("officer", Role.DISCLOSURE_OFFICER, world.justice)


@pytest.fixture
def supervisor(world):
    return make_person("supervisor", Role.SUPERVISOR, world.city)


@pytest.fixture
def outsider(world):
    return make_person("outsider", Role.WINDOW_CLERK, world.other_county)


@pytest.fixture
def system_admin(world):
    return make_person("sysadmin", Role.SYSTEM_ADMIN, world.city, is_staff=True)


@pytest.fixture
def security_admin(world):
    return make_person("secadmin", Role.SECURITY_ADMIN, world.city, is_staff=True)


@pytest.fixture
def audit_admin(world):
    return make_person("auditadmin", Role.AUDIT_ADMIN, world.city, is_staff=True)


@pytest.fixture
def seeded_calendar(db):
    calendar_seed_from_package()
