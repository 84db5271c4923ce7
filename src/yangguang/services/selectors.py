"""Reads of the service centre that are more than a ``get``: what a person may see, queues, the
public progress of a case, its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from yangguang.core.models import AuditEvent, Role
from yangguang.core.selectors import organisations_for
from yangguang.foi.rules import GREEN, RED, STOPPED, YELLOW, light
from yangguang.services import rules
from yangguang.services.models import Case, ServiceItem

STAFF_ROLES = (Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.LEADER)
LIGHT_LABELS = {GREEN: "正常", YELLOW: "临近期限", RED: "已逾期", STOPPED: "暂停计时"}


def visible_cases(user) -> QuerySet[Case]:
    """Cases handled by, decided in, registered at or sitting at an organisation the person's staff
    roles cover (a village point keeps seeing the cases it forwarded)."""
    orgs = organisations_for(user, STAFF_ROLES).values("pk")
    return Case.objects.filter(
        Q(organisation__in=orgs) | Q(department__in=orgs) | Q(location__in=orgs) | Q(agency_point__in=orgs)
    )


def case_for(user, pk: int) -> Case | None:
    return (
        visible_cases(user)
        .select_related("item", "organisation", "department", "window", "location", "agency_point", "accepted_by", "decided_by")
        .filter(pk=pk)
        .first()
    )


@dataclass
class QueueFilter:
    status: str = "open"  # open | all | one of rules.STATUSES
    light: str = ""
    q: str = ""


def queue(user, filters: QueueFilter, *, today: date) -> QuerySet[Case]:
    cases = visible_cases(user).select_related("item", "window", "location")
    if filters.status == "open":
        cases = cases.filter(status__in=rules.OPEN_STATUSES)
    elif filters.status in rules.STATUSES:
        cases = cases.filter(status=filters.status)
    if filters.light:
        cases = cases.filter(_light_q(filters.light, today))
    if filters.q:
        q = filters.q.strip()
        cases = cases.filter(Q(number__icontains=q) | Q(tracking_code=q.upper()) | Q(applicant_name=q) | Q(item__name__icontains=q))
    return cases.order_by(F("due_on").asc(nulls_last=True), "submitted_at")


def _light_q(light_key: str, today: date) -> Q:
    running = Q(status__in=rules.RUNNING_STATUSES)
    return {
        RED: running & Q(due_on__lt=today),
        YELLOW: running & Q(due_on__gte=today, warning_on__lte=today),
        GREEN: running & Q(due_on__gte=today) & (Q(warning_on__gt=today) | Q(warning_on__isnull=True)),
        STOPPED: running & Q(due_on__isnull=True),
    }.get(light_key, Q())


def light_counts(user, *, today: date) -> dict[str, int]:
    cases = visible_cases(user).filter(status__in=rules.RUNNING_STATUSES)
    return cases.aggregate(**{key: Count("pk", filter=_light_q(key, today)) for key in (GREEN, YELLOW, RED, STOPPED)})


def case_light(case: Case, today: date | None = None) -> str:
    if case.status not in rules.RUNNING_STATUSES:
        return ""
    return light(due_on=case.due_on, warning_on=case.warning_on, today=today or timezone.localdate())


def history(case: Case) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type="services.case", object_id=str(case.pk)).order_by("seq")


def public_lookup(tracking_code: str, secret: str) -> Case | None:
    """The case only when both the tracking code and its secret match; otherwise None (the caller
    must not say which of the two was wrong)."""
    from yangguang.services.services import SECRET_PURPOSE, secret_matches
    from yangguang.core import tracking

    code = (tracking_code or "").strip().upper()
    if not code or len(code) > 32:
        return None
    case = Case.objects.select_related("item", "organisation", "window", "location").filter(tracking_code=code).first()
    if case is None:
        tracking.secret_digest(secret, purpose=SECRET_PURPOSE)  # the same work as a known code
        return None
    return case if secret_matches(case, secret) else None


def public_progress(case: Case) -> dict:
    """What the applicant sees: no personal data beyond what they typed, no internal opinions."""
    from yangguang.services.services import clock_for

    result = clock_for(case)
    return {
        "number": case.number,
        "item": case.item.name,
        "organisation": case.organisation.name,
        "window": str(case.window) if case.window_id else "",
        "status": case.status,
        "status_label": rules.status_label(case.status),
        "submitted_on": timezone.localtime(case.submitted_at).date(),
        "location": case.location.name,
        "en_route": case.location_id != case.organisation_id,
        "hops": [
            {"to": h.to_org.name, "at": timezone.localtime(h.at)} for h in case.hops.select_related("to_org")
        ],
        "accepted_on": case.accepted_on,
        "rejection_reason": case.rejection_reason,
        "due_on": case.due_on,
        "due_provisional": case.due_provisional,
        "explanation": result.steps if result else [],
        "correction_items": case.correction_items if case.status == rules.CORRECTION else [],
        "suspensions": [
            {"kind": rules.SUSPENSION_KINDS.get(s.kind, s.kind), "from": s.started_on, "to": s.ended_on}
            for s in case.suspensions.all()
        ],
        "result": rules.RESULTS.get(case.result, ""),
        "result_document": case.result_document,
        "completed_on": case.completed_on,
        "delivered_on": case.delivered_on,
        "withdrawable": case.status in rules.OPEN_STATUSES,
        "notices": notice_kinds(case),
    }


def notice_kinds(case: Case) -> list[str]:
    from yangguang.services.notices import available

    return available(case)


def items_for_register(user) -> QuerySet[ServiceItem]:
    today = timezone.localdate()
    return (
        ServiceItem.objects.filter(is_active=True)
        .filter(Q(active_from__isnull=True) | Q(active_from__lte=today))
        .filter(Q(active_until__isnull=True) | Q(active_until__gt=today))
        .select_related("department")
        .order_by("department__path", "sort_order", "code")
    )


def agency_points_of(user):
    """The town and village service points where this person may register agency cases."""
    from yangguang.core.models import Organisation

    return organisations_for(user, (Role.WINDOW_CLERK,)).filter(
        kind__in=(Organisation.Kind.TOWN, Organisation.Kind.VILLAGE), is_active=True
    ).order_by("path")


def acceptance_windows(case: Case):
    """The centre's active windows, and the first of them authorised for the case's item (or None)."""
    from yangguang.core.models import Window
    from yangguang.services.routing import authorised_windows

    windows = Window.objects.filter(centre_id=case.organisation_id, is_active=True).order_by("number")
    preferred = next((w.pk for w in authorised_windows(case.item) if w.centre_id == case.organisation_id), None)
    return windows, preferred
