"""Reads that are more than a ``get``, above all: what a user may see."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from yangguang.core.models import ADMIN_ROLES, Organisation, Role, RoleAssignment, User


def roles_of(user: User) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_yg_roles", None)
    if cached is None:
        cached = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
        user._yg_roles = cached
    return cached


def has_role(user: User, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles)) and user.is_active


def admin_role_of(user: User) -> str | None:
    held = roles_of(user) & ADMIN_ROLES
    return next(iter(held)) if held else None


def organisations_for(user: User, roles: Iterable[str] | None = None) -> QuerySet[Organisation]:
    """The organisations a user's roles cover (optionally only the given roles): each assignment
    covers its organisation and, unless narrowed, everything below it. Empty for an outsider."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    assignments = RoleAssignment.objects.filter(user=user).select_related("organisation")
    if roles is not None:
        assignments = assignments.filter(role__in=list(roles))
    condition = Q()
    for a in assignments:
        if a.include_descendants:
            condition |= Q(path__startswith=a.organisation.path)
        else:
            condition |= Q(pk=a.organisation_id)
    if not condition:
        return Organisation.objects.none()
    return Organisation.objects.filter(condition)


def organisation_for(user: User, pk: int, roles: Iterable[str] | None = None) -> Organisation | None:
    """Fetch one organisation only if the user's roles reach it."""
    return organisations_for(user, roles).filter(pk=pk).first()


def subtree(organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(path__startswith=organisation.path)


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("parent").order_by("path")


def staff_roles_summary(user: User) -> list[RoleAssignment]:
    return list(
        RoleAssignment.objects.filter(user=user).select_related("organisation").order_by("organisation__path", "role")
    )


def role_label(role: str) -> str:
    return Role(role).label
