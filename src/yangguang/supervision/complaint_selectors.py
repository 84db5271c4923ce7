"""Reads of complaints, reports and opinions and of the mailbox openings: who may do what, the staff
queue (always through the user's role scope), the register's lines and the public lookup."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, Q, QuerySet

from yangguang.core import tracking
from yangguang.core.models import Organisation, Role, User
from yangguang.core.selectors import organisations_for
from yangguang.supervision.models import Complaint, MailboxOpening
from yangguang.supervision import selectors as reception_selectors

# The responsible organisation's leaders, its disclosure office and the supervision desk handle a
# complaint; only the supervision desk (电子监察/效能办) routes and reroutes it.
HANDLER_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DISCLOSURE_OFFICER)
ROUTER_ROLES = (Role.SUPERVISOR,)
SECRET_PURPOSE = "complaint-tracking-secret"
OPEN_STATUSES = (Complaint.Status.REGISTERED, Complaint.Status.HANDLING)


def local_today() -> date:
    """Today in Asia/Shanghai, through the supervision app's one seam (tests fix it there)."""
    return reception_selectors.local_today()


def _covers(user, organisation: Organisation, roles) -> bool:
    return organisations_for(user, list(roles)).filter(pk=organisation.pk).exists()


def can_handle(user, organisation: Organisation) -> bool:
    return _covers(user, organisation, HANDLER_ROLES)


def can_route(user, organisation: Organisation) -> bool:
    return _covers(user, organisation, ROUTER_ROLES)


def is_staff(user) -> bool:
    return organisations_for(user, HANDLER_ROLES).exists()


def handler_organisations(user) -> QuerySet[Organisation]:
    return organisations_for(user, HANDLER_ROLES).filter(is_active=True).order_by("path")


def route_targets(user) -> QuerySet[Organisation]:
    """Where the supervision desk may send a complaint: every active organisation its role covers."""
    return organisations_for(user, ROUTER_ROLES).filter(is_active=True).order_by("path")


def public_targets() -> QuerySet[Organisation]:
    """The units a citizen may complain about on the portal (villages are reached through their town)."""
    return Organisation.objects.filter(is_active=True).exclude(kind=Organisation.Kind.VILLAGE).order_by("path")


def leaders_to_notify(organisation: Organisation) -> QuerySet[User]:
    return reception_selectors.leader_candidates(organisation)


# --- the staff queue ------------------------------------------------------------------------------


def _base() -> QuerySet[Complaint]:
    return Complaint.objects.select_related("organisation", "about_organisation", "registered_by", "answered_by")


def complaints_for(user, *, kind: str = "", channel: str = "", status: str = "", overdue: bool = False,
                   organisation: Organisation | None = None, today: date | None = None) -> QuerySet[Complaint]:
    """The complaints of the organisations the user handles, filtered; most urgent first."""
    rows = _base().filter(organisation__in=organisations_for(user, HANDLER_ROLES))
    if kind:
        rows = rows.filter(kind=kind)
    if channel:
        rows = rows.filter(channel=channel)
    if status:
        rows = rows.filter(status=status)
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    if overdue:
        rows = overdue_only(rows, today or local_today())
    return rows.order_by("-received_on", "-pk")


def overdue_only(rows: QuerySet[Complaint], today: date) -> QuerySet[Complaint]:
    """Still open after the due date, or answered after it."""
    return rows.filter(Q(status__in=OPEN_STATUSES, due_on__lt=today) | Q(answered_on__gt=F("due_on")))


def is_overdue(complaint: Complaint, today: date) -> bool:
    if complaint.answered_on is not None:
        return complaint.answered_on > complaint.due_on
    return complaint.status in OPEN_STATUSES and today > complaint.due_on


def complaint_for_staff(user, pk: int) -> Complaint | None:
    return (_base().select_related("mailbox_opening", "reception_visit", "foi_application", "routed_by")
            .filter(pk=pk, organisation__in=organisations_for(user, HANDLER_ROLES)).first())


# --- the mailbox --------------------------------------------------------------------------------


def openings_for(user, *, year: int | None = None) -> QuerySet[MailboxOpening]:
    rows = (MailboxOpening.objects.filter(organisation__in=organisations_for(user, HANDLER_ROLES))
            .select_related("organisation", "opened_by", "witness").annotate(registered=Count("letters_registered")))
    if year is not None:
        rows = rows.filter(opened_at__year=year)
    return rows.order_by("-opened_at", "-pk")


def opening_for_staff(user, pk: int) -> MailboxOpening | None:
    return openings_for(user).filter(pk=pk).first()


def openings_with_room(user) -> QuerySet[MailboxOpening]:
    """Openings that still have letters counted but not yet registered."""
    return openings_for(user).filter(registered__lt=F("letters"))


def witness_choices(user) -> QuerySet[User]:
    """Who may witness an opening: the people holding a role in the organisations the user handles."""
    return (User.objects.filter(is_active=True, role_assignments__organisation__in=handler_organisations(user))
            .distinct().order_by("username"))


# --- the register ----------------------------------------------------------------------------------


def register_rows(organisation: Organisation, *, start: date, end: date) -> QuerySet[Complaint]:
    """The lines of 《群众对政务公开的意见、建议及处理记录簿》: received in the period by the organisation
    as the responsible unit, oldest first as the paper book reads."""
    return (_base().filter(organisation=organisation, received_on__gte=start, received_on__lte=end)
            .order_by("received_on", "pk"))


# --- public ------------------------------------------------------------------------------------


def secret_digest(secret: str) -> str:
    return tracking.secret_digest(secret, purpose=SECRET_PURPOSE)


def public_lookup(tracking_code: str, secret: str) -> Complaint | None:
    """Only when both the tracking code and its secret match (the caller must not say which was wrong)."""
    code = (tracking_code or "").strip().upper()
    if not code or len(code) > 32:
        secret_digest(secret or "")
        return None
    complaint = _base().filter(tracking_code=code).first()
    if complaint is None or not complaint.secret_hash:
        secret_digest(secret or "")  # the same work as a known code, so timing doesn't tell
        return None
    if not tracking.secret_matches(complaint.secret_hash, secret or "", purpose=SECRET_PURPOSE):
        return None
    return complaint
