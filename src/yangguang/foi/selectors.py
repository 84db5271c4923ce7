"""Reads of applications for disclosure. Staff see only the organisations their roles cover; the
public sees one application's progress only with its tracking code and secret."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from yangguang.core.models import AuditEvent, Role, User
from yangguang.core.selectors import organisations_for
from yangguang.foi import rules
from yangguang.foi.models import Application

STAFF_ROLES = (Role.DISCLOSURE_OFFICER, Role.LEADER, Role.SUPERVISOR)


def applications_for(user) -> QuerySet[Application]:
    return Application.objects.filter(organisation__in=organisations_for(user, STAFF_ROLES))


def application_for(user, pk: int) -> Application | None:
    return (
        applications_for(user)
        .select_related("organisation", "assignee", "concluded_by", "registered_by", "extension_approved_by")
        .prefetch_related("pauses", "letters", "notes__author", "reviews", "attachments")
        .filter(pk=pk)
        .first()
    )


@dataclass
class QueueFilter:
    status: str = "open"  # open | closed | all | one of rules.STATUSES
    light: str = ""  # green | yellow | red | stopped
    organisation: int | None = None
    assignee: str = ""  # "" | "me" | "none"
    q: str = ""


def queue(user, filters: QueueFilter, *, today: date) -> QuerySet[Application]:
    """The staff queue: open applications by due date (no due date yet — awaiting confirmation,
    correction or paused — after those that have one), then by number."""
    qs = applications_for(user).select_related("organisation", "assignee")
    if filters.status == "open":
        qs = qs.exclude(status=rules.CLOSED)
    elif filters.status == "closed":
        qs = qs.filter(status=rules.CLOSED)
    elif filters.status in rules.STATUSES:
        qs = qs.filter(status=filters.status)
    if filters.organisation:
        qs = qs.filter(organisation_id=filters.organisation)
    if filters.assignee == "me":
        qs = qs.filter(assignee=user)
    elif filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    if filters.light == rules.RED:
        qs = qs.exclude(status=rules.CLOSED).filter(due_on__lt=today)
    elif filters.light == rules.YELLOW:
        qs = qs.exclude(status=rules.CLOSED).filter(due_on__gte=today, warning_on__lte=today)
    elif filters.light == rules.GREEN:
        qs = qs.exclude(status=rules.CLOSED).filter(due_on__gte=today).filter(Q(warning_on__gt=today) | Q(warning_on__isnull=True))
    elif filters.light == rules.STOPPED:
        qs = qs.exclude(status=rules.CLOSED).filter(due_on__isnull=True)
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(Q(number__icontains=q) | Q(applicant_name__icontains=q) | Q(description__icontains=q) | Q(tracking_code=q.upper()))
    if filters.status == "closed":
        return qs.order_by("-concluded_on", "-pk")
    return qs.annotate(
        _no_due=Case(When(due_on__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("_no_due", "due_on", "submitted_at", "pk")


def light_counts(user, *, today: date) -> dict[str, int]:
    qs = applications_for(user).exclude(status=rules.CLOSED)
    return qs.aggregate(
        red=Count("pk", filter=Q(due_on__lt=today)),
        yellow=Count("pk", filter=Q(due_on__gte=today, warning_on__lte=today)),
        green=Count("pk", filter=Q(due_on__gte=today) & (Q(warning_on__gt=today) | Q(warning_on__isnull=True))),
        stopped=Count("pk", filter=Q(due_on__isnull=True)),
    )


def earlier_applications(application: Application) -> QuerySet[Application]:
    """The same applicant's other applications to the same organisation (by the keyed hash of the
    identity document), newest first: what the officer needs for 重复申请 and 大量反复申请 (第三十五条)."""
    if not application.id_number_hash:
        return Application.objects.none()
    return (
        Application.objects.filter(organisation=application.organisation, id_number_hash=application.id_number_hash)
        .exclude(pk=application.pk)
        .order_by("-submitted_at")
    )


def history(application: Application) -> QuerySet[AuditEvent]:
    """Every audited step of the application, its notes, and its reviews, oldest first."""
    review_ids = [str(pk) for pk in application.reviews.values_list("pk", flat=True)]
    return AuditEvent.objects.filter(
        Q(object_type="foi.application", object_id=str(application.pk))
        | Q(object_type="foi.review", object_id__in=review_ids)
    ).order_by("seq")


def public_lookup(tracking_code: str, secret: str) -> Application | None:
    """The application only when both the tracking code and its secret match; otherwise None (the
    caller must not say which of the two was wrong)."""
    from yangguang.foi.services import _secret_digest, secret_matches

    code = (tracking_code or "").strip().upper()
    if not code or len(code) > 32:
        return None
    application = (
        Application.objects.select_related("organisation").prefetch_related("pauses", "letters").filter(tracking_code=code).first()
    )
    if application is None:
        _secret_digest(secret or "")  # the same work as a known code, so timing doesn't tell
        return None
    if not secret_matches(application, secret):
        return None
    return application


def officers_of(application: Application) -> QuerySet[User]:
    """The disclosure officers whose roles reach the application's organisation."""
    path = application.organisation.path
    parts = [p for p in path.split("/") if p]
    ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    reach = Q(role_assignments__organisation=application.organisation) | Q(
        role_assignments__organisation__path__in=ancestors, role_assignments__include_descendants=True
    )
    return (
        User.objects.filter(reach, role_assignments__role=Role.DISCLOSURE_OFFICER, is_active=True)
        .distinct()
        .order_by("username")
    )


def public_progress(application: Application) -> dict:
    """What the applicant sees with the tracking code and secret: no personal data, no internal
    notes; the status, the dates, how the due date was reached, the result and the letters."""
    from django.utils import timezone

    from yangguang.foi.services import clock_for

    result = clock_for(application)
    return {
        "number": application.number,
        "organisation": application.organisation.name,
        "status": application.status,
        "status_label": rules.STATUSES[application.status],
        "submitted_on": timezone.localtime(application.submitted_at).date(),
        "received_on": application.received_on,
        "due_on": application.due_on,
        "due_provisional": application.due_provisional,
        "explanation": result.steps if result is not None else [
            "网上申请以双方确认之日为收到申请之日（第三十一条），本机关确认后开始计算答复期限"
        ],
        "result": application.result_display(),
        "concluded_on": application.concluded_on,
        "letters": [
            {"title": letter.title, "doc_number": letter.doc_number, "issued_on": letter.issued_on, "pk": letter.pk}
            for letter in application.letters.all()
        ],
    }
