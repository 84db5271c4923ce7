"""The demo city has what the issue promises, loads once, and its people can log in."""

import pytest

from yangguang.core import demo
from yangguang.core.models import Organisation, Role, RoleAssignment, User, Window


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    from django.test import override_settings

    from tests.conftest import FAST_HASHERS

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        demo.load()
    yield
    with django_db_blocker.unblock():
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_demo_city_shape(demo_city):
    K = Organisation.Kind
    city = Organisation.objects.get(code=demo.CITY)
    assert Organisation.objects.filter(parent=city, kind=K.DEPARTMENT).count() == 56
    assert Organisation.objects.filter(parent=city, kind=K.GOVERNMENT).count() == 10
    county = Organisation.objects.get(code=demo.BIG_COUNTY)
    assert Organisation.objects.filter(parent=county, kind=K.TOWN).count() == 7
    assert Organisation.objects.filter(path__startswith=county.path, kind=K.VILLAGE).count() == 114
    justice = Organisation.objects.get(code=demo.JUSTICE)
    assert sorted(justice.children.values_list("name", flat=True)) == sorted(["示例市法律援助处", "示例市公职律师事务所", "示例市公证处"])
    centre = Organisation.objects.get(code=demo.CENTRE)
    assert Window.objects.filter(centre=centre, kind=Window.Kind.RESIDENT).count() == 24
    comprehensive = Window.objects.get(centre=centre, kind=Window.Kind.COMPREHENSIVE)
    assert comprehensive.departments.count() == 19
    served = set(Window.objects.filter(centre=centre).values_list("departments", flat=True))
    assert len(served) == 43  # 24 + 19 departments in one hall, as in the seed's county centre


@pytest.mark.django_db
def test_every_role_has_a_demo_user(demo_city):
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)


@pytest.mark.django_db
def test_demo_loads_once(demo_city):
    assert demo.load() == {}
    assert Organisation.objects.filter(code=demo.CITY).count() == 1


@pytest.mark.django_db
def test_demo_logins_work(client, demo_city):
    for u in demo.DEMO_USERS[:3]:
        response = client.post("/login/", {"username": u.username, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, u.username
        client.post("/logout/")
    assert demo.DEMO_PASSWORD in demo.logins_table()
    assert not User.objects.filter(is_superuser=True).exists()
