"""Every write of the core app. Keyword-only, one transaction, one audit event each."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError

from yangguang.core import audit
from yangguang.core.models import ADMIN_ROLES, ApiToken, Organisation, Role, RoleAssignment, User
from yangguang.core.selectors import has_role

TOKEN_PREFIX = "yg_"


def organisation_create(
    *, actor, code: str, name: str, kind: str, parent: Organisation | None = None, region=None
) -> Organisation:
    org = Organisation(code=code, name=name, kind=kind, parent=parent, region=region)
    if Organisation.objects.filter(code=code).exists():
        raise ValidationError({"code": f"机构编码 {code} 已存在"})
    org.full_clean()
    with audit.action(actor=actor, action="organisation.create", object_type="core.organisation", object_repr=name):
        org.save()
        audit.record(actor=actor, action="organisation.create", target=org, after={"code": code, "kind": kind})
    return org


def user_create(
    *,
    actor,
    username: str,
    password: str,
    full_name: str,
    organisation: Organisation | None,
    phone: str = "",
    id_number: str = "",
    is_staff: bool = False,
) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名 {username} 已存在"})
    user = User(username=username, full_name=full_name, organisation=organisation, is_staff=is_staff)
    validate_password(password, user)
    with audit.action(actor=actor, action="user.create", object_type="core.user", object_repr=username):
        user.set_password(password)
        user.phone = phone
        user.id_number = id_number
        user.save()
        audit.record(
            actor=actor,
            action="user.create",
            target=user,
            after={"username": username, "organisation": organisation.code if organisation else None},
        )
    return user


def role_grant(
    *, actor, user: User, organisation: Organisation, role: str, include_descendants: bool = True
) -> RoleAssignment:
    """Give a role. The three administrator roles (三权分立) are never combined in one person, and
    no one grants roles to themselves."""
    if role not in Role.values:
        raise ValidationError({"role": f"未知角色 {role}"})
    with audit.action(actor=actor, action="role.grant", target=user, reason=role):
        if actor is not None and actor.pk == user.pk:
            raise PermissionDenied("不能为自己授予角色")
        held_admin = set(RoleAssignment.objects.filter(user=user, role__in=ADMIN_ROLES).values_list("role", flat=True))
        if role in ADMIN_ROLES and held_admin - {role}:
            raise ValidationError({"role": "系统管理员、安全管理员、审计管理员三种角色不能由同一人兼任"})
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, organisation=organisation, role=role, defaults={"include_descendants": include_descendants}
        )
        if role in ADMIN_ROLES and not user.is_staff:
            User.objects.filter(pk=user.pk).update(is_staff=True)
        audit.record(
            actor=actor,
            action="role.grant",
            target=user,
            after={"role": role, "organisation": organisation.code, "include_descendants": include_descendants, "new": created},
        )
    return assignment


def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    with audit.action(actor=actor, action="role.revoke", target=assignment.user):
        if actor is not None and actor.pk == assignment.user_id:
            raise PermissionDenied("不能撤销自己的角色")
        before = {"role": assignment.role, "organisation": assignment.organisation.code}
        user = assignment.user
        assignment.delete()
        audit.record(actor=actor, action="role.revoke", target=user, before=before)


def personal_data_reveal(*, actor, user: User, field: str, reason: str) -> str:
    """The clear value of one piece of personal data, for staff who need it; always logged."""
    if field not in ("phone", "id_number"):
        raise ValidationError({"field": "只能查看手机号码或身份证号码"})
    if not reason.strip():
        raise ValidationError({"reason": "查看个人信息明文必须说明原因"})
    if not has_role(actor, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        audit.record(actor=actor, action="personal_data.reveal", target=user, reason=reason, success=False,
                     after={"field": field})
        raise PermissionDenied("无权查看个人信息明文")
    audit.record(actor=actor, action="personal_data.reveal", target=user, reason=reason, after={"field": field})
    return getattr(user, field).reveal()


def _token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, actor, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Issue a token; the clear key is returned once and only its digest is kept."""
    if not name.strip():
        raise ValidationError({"name": "请填写令牌用途"})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with audit.action(actor=actor, action="api_token.create", target=user):
        token = ApiToken.objects.create(
            user=user, name=name.strip(), prefix=key[:10], key_hash=_token_digest(key), expires_at=expires_at
        )
        audit.record(actor=actor, action="api_token.create", target=token, after={"user": user.username, "name": name})
    return token, key


def api_token_authenticate(key: str) -> User | None:
    if not key.startswith(TOKEN_PREFIX):
        return None
    now = datetime.now(timezone.utc)
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_token_digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at and token.expires_at <= now):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
