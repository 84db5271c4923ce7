"""Accounts under 等保2.0 第三级: complexity, lockout, session timeout, and 三权分立."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError

from yangguang.core.models import AuditEvent, Role
from yangguang.core.services import role_grant, role_revoke

from ..conftest import PASSWORD, make_person


@pytest.mark.parametrize(
    "password, ok",
    [("Persona@2026", True), ("abcdefghijk1", False), ("ABCDEFGH123", False), ("Abcdefghijk1", True), ("Ab1!", False)],
)
def test_password_complexity(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_passwords_are_hashed_with_argon2(settings, world):
    from yangguang import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert make_person("hashed", Role.WINDOW_CLERK, world.centre).password.startswith("argon2")


def test_lockout_after_five_failures_even_with_the_right_password(client, clerk):
    for _ in range(5):
        response = client.post("/login/", {"username": "clerk", "password": "Wrong@Pass2026"})
        assert "用户名或密码不正确" in response.content.decode() or response.status_code == 429
    response = client.post("/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 429
    assert "账户已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_successful_login_before_the_limit_resets_the_count(client, clerk):
    for _ in range(4):
        client.post("/login/", {"username": "clerk", "password": "Wrong@Pass2026"})
    assert client.post("/login/", {"username": "clerk", "password": PASSWORD}).status_code == 302


def test_sessions_time_out_when_idle():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


ADMIN_PAGES = {
    Role.SYSTEM_ADMIN: ["/admin/core/organisation/", "/admin/core/window/", "/admin/core/calendarday/", "/admin/core/user/"],
    Role.SECURITY_ADMIN: ["/admin/core/roleassignment/", "/admin/core/apitoken/", "/admin/axes/accessattempt/"],
    Role.AUDIT_ADMIN: ["/admin/core/auditevent/"],
}


@pytest.fixture
def admins(system_admin, security_admin, audit_admin):
    return {Role.SYSTEM_ADMIN: system_admin, Role.SECURITY_ADMIN: security_admin, Role.AUDIT_ADMIN: audit_admin}


@pytest.mark.parametrize("role", sorted(ADMIN_PAGES))
def test_each_administrator_reaches_only_their_own_pages(client, admins, role):
    client.force_login(admins[role])
    for page_role, pages in ADMIN_PAGES.items():
        for page in pages:
            status = client.get(page).status_code
            assert status == (200 if page_role == role else 403), (role, page, status)


def test_staff_without_an_admin_role_never_reach_the_admin(client, clerk, outsider):
    for person in (clerk, outsider):
        client.force_login(person)
        assert client.get("/admin/core/auditevent/").status_code == 302  # to the admin login


def test_audit_administrator_can_read_but_not_change_events(client, audit_admin):
    client.force_login(audit_admin)
    event = AuditEvent.objects.first()
    assert client.get(f"/admin/core/auditevent/{event.pk}/change/").status_code == 200
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/core/auditevent/add/").status_code == 403


def test_admin_roles_cannot_be_combined(world, system_admin, security_admin):
    for role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        with pytest.raises(ValidationError) as exc:
            role_grant(actor=security_admin, user=system_admin, organisation=world.city, role=role)
        assert "不能由同一人兼任" in exc.value.messages[0]
    failures = AuditEvent.objects.filter(action="role.grant", success=False)
    assert failures.count() == 2


def test_nobody_grants_or_revokes_their_own_roles(world, security_admin):
    with pytest.raises(PermissionDenied):
        role_grant(actor=security_admin, user=security_admin, organisation=world.city, role=Role.LEADER)
    with pytest.raises(PermissionDenied):
        role_revoke(actor=security_admin, assignment=security_admin.role_assignments.get())


def test_security_admin_grants_roles_through_the_admin_and_it_is_audited(client, world, security_admin, clerk):
    client.force_login(security_admin)
    response = client.post(
        "/admin/core/roleassignment/add/",
        {"user": clerk.pk, "organisation": world.centre.pk, "role": Role.REVIEWER, "include_descendants": "on"},
    )
    assert response.status_code == 302
    assert clerk.role_assignments.filter(role=Role.REVIEWER).exists()
    event = AuditEvent.objects.filter(action="role.grant").latest("seq")
    assert event.actor_id == security_admin.pk and event.after["role"] == "reviewer"


def test_system_admin_changes_are_audited(client, world, system_admin):
    client.force_login(system_admin)
    response = client.post(
        f"/admin/core/organisation/{world.justice.pk}/change/",
        {"code": "C-SFJ", "name": "测试市司法局（新）", "kind": "department", "parent": world.city.pk, "sort_order": 0, "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(action="admin.change").latest("seq")
    assert event.after == {"name": "测试市司法局（新）"} and event.actor_id == system_admin.pk


def test_admin_calendar_edit_goes_through_the_service(client, seeded_calendar, system_admin):
    client.force_login(system_admin)
    response = client.post("/admin/core/calendarday/add/", {"date": "2026-03-09", "kind": "holiday", "name": "临时"})
    assert response.status_code == 302
    from datetime import date

    from yangguang.core.calendar import add_workdays

    assert add_workdays(date(2026, 3, 6), 1).date == date(2026, 3, 10)
    assert AuditEvent.objects.filter(action="calendar.day_set", actor_id=system_admin.pk).exists()


def test_deactivated_user_loses_access(client, world):
    person = make_person("leaver", Role.SYSTEM_ADMIN, world.city, is_staff=True)
    person.is_active = False
    person.save()
    client.force_login(person)
    assert client.get("/admin/core/organisation/").status_code == 302
