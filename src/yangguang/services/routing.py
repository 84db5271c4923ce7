"""Where a case may go: which windows a department has authorised for an item, which centre
handles it, and the next hop of a case registered at a village or town service point."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from yangguang.core.models import Organisation, Window
from yangguang.services.models import ServiceItem


def local_today() -> date:
    return timezone.localdate()



def authorised_windows(item: ServiceItem, on: date | None = None) -> list[Window]:
    """Windows whose department authorisation covers ``item`` on ``on`` (授权书 not revoked)."""
    on = on or local_today()
    # One filter() call: every condition must hold for the same authorisation of the window.
    authorised = Q(
        authorisations__department_id=item.department_id, authorisations__authorised_on__lte=on,
    ) & (Q(authorisations__revoked_on__isnull=True) | Q(authorisations__revoked_on__gt=on))
    return list(
        Window.objects.filter(authorised, is_active=True)
        .select_related("centre")
        .order_by("centre__path", "number")
        .distinct()
    )


def window_refusal(window: Window, item: ServiceItem, on: date | None = None) -> str:
    """Why ``window`` may not accept ``item``; empty when it may."""
    if not window.is_active:
        return f"{window}已停用"
    allowed = authorised_windows(item, on)
    if window in allowed:
        return ""
    names = "、".join(f"{w.centre.short_name or w.centre.name}{w}" for w in allowed) or "无"
    return f"{window}未获{item.department}授权受理“{item.name}”。已授权的窗口：{names}"


def centres_for(item: ServiceItem) -> list[Organisation]:
    """The service centres with a window authorised for ``item``, in catalogue order."""
    centres: dict[int, Organisation] = {}
    for window in authorised_windows(item):
        centres.setdefault(window.centre_id, window.centre)
    return list(centres.values())


def centre_for(item: ServiceItem, near: Organisation | None = None) -> Organisation:
    """The centre that handles ``item``; with ``near`` (a town or village point) the one closest to
    it in the organisation tree (the county's own centre before the city's), else the first."""
    centres = centres_for(item)
    if not centres:
        raise ValidationError({"item": f"“{item.name}”尚未进驻政务服务中心（{item.department}未授权任何窗口），暂不能申请"})
    if near is None:
        return centres[0]

    def shared(centre: Organisation) -> int:  # length of the common path (the centre's parent down the tree)
        parent = centre.path.rstrip("/").rsplit("/", 1)[0] + "/"
        return len(parent) if near.path.startswith(parent) else -1

    return max(centres, key=shared)


def next_hop(location: Organisation, centre: Organisation) -> Organisation:
    """Village point → its town; town (or anything else) → the centre."""
    if location.kind == Organisation.Kind.VILLAGE and location.parent_id:
        parent = location.parent
        if parent.kind == Organisation.Kind.TOWN:
            return parent
    return centre
