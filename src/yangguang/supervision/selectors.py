"""Reads of the reception days: who may do what, the schedules as the rule computes them, and the
register of visits — always through the user's role scope for anything that is not public."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from yangguang.core.calendar import get_calendar
from yangguang.core.models import Organisation, Role, User
from yangguang.core.selectors import organisations_for
from yangguang.core.workcalendar import WorkCalendar
from yangguang.supervision.models import ReceptionDay, ReceptionLeader, ReceptionSchedule, ReceptionVisit
from yangguang.supervision.reception import Month, Override, Reception, Rule

# "由局领导轮值": the schedule is the leaders' own business, and the supervision desk's.
SCHEDULE_ROLES = (Role.LEADER, Role.SUPERVISOR)
# "指定专人记录和回复": whoever the bureau designates among these keeps the register.
VISIT_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DISCLOSURE_OFFICER)
STAFF_ROLES = tuple(dict.fromkeys(SCHEDULE_ROLES + VISIT_ROLES))
UPCOMING = 12


def local_today() -> date:
    """Today in Asia/Shanghai. One seam, so tests can fix the date."""
    return timezone.localdate()


def _covers(user, organisation: Organisation, roles: Iterable[str]) -> bool:
    return organisations_for(user, list(roles)).filter(pk=organisation.pk).exists()


def can_manage_schedule(user, organisation: Organisation) -> bool:
    return _covers(user, organisation, SCHEDULE_ROLES)


def can_record_visits(user, organisation: Organisation) -> bool:
    return _covers(user, organisation, VISIT_ROLES)


def is_leader_of(user: User, organisation: Organisation) -> bool:
    """"由局领导轮值": the organisation's own leaders, not those of the government above it."""
    return leader_candidates(organisation).filter(pk=user.pk).exists()


# --- schedules -------------------------------------------------------------------------------------


def _schedules() -> QuerySet[ReceptionSchedule]:
    leaders = ReceptionLeader.objects.select_related("user").order_by("order")
    return ReceptionSchedule.objects.select_related("organisation").prefetch_related(
        Prefetch("leaders", queryset=leaders, to_attr="ordered_leaders"),
    )


def schedule_of(organisation: Organisation) -> ReceptionSchedule | None:
    return _schedules().filter(organisation=organisation).first()


def leaders_of(schedule: ReceptionSchedule) -> list[User]:
    ordered = getattr(schedule, "ordered_leaders", None)
    if ordered is None:
        ordered = list(schedule.leaders.select_related("user").order_by("order"))
    return [leader.user for leader in ordered]


def rule_of(schedule: ReceptionSchedule) -> Rule[User]:
    return Rule(day_of_month=schedule.day_of_month, leaders=tuple(leaders_of(schedule)), first_month=schedule.first_month)


def _override(change: ReceptionDay) -> Override:
    return Override(reason=change.reason, cancelled=change.cancelled, on=change.held_on, leader=change.substitute)


def overrides_of(schedule: ReceptionSchedule, *, since: date | None = None) -> dict[Month, Override]:
    changes = ReceptionDay.objects.filter(schedule=schedule).select_related("substitute")
    if since is not None:
        changes = changes.filter(month__gte=Month.of(since).shift(-1).first_day)
    return {c.as_month: _override(c) for c in changes}


def changes_of(schedule: ReceptionSchedule, *, since: date) -> QuerySet[ReceptionDay]:
    return (ReceptionDay.objects.filter(schedule=schedule, month__gte=Month.of(since).shift(-1).first_day)
            .select_related("substitute", "decided_by"))


def upcoming_receptions(schedule: ReceptionSchedule, *, today: date, count: int = UPCOMING,
                        calendar: WorkCalendar | None = None) -> list[Reception[User]]:
    calendar = calendar or get_calendar()
    return rule_of(schedule).upcoming(today, calendar, count, overrides_of(schedule, since=today))


def receptions_in_year(schedule: ReceptionSchedule, year: int, *, calendar: WorkCalendar | None = None) -> list[Reception[User]]:
    calendar = calendar or get_calendar()
    return rule_of(schedule).year(year, calendar, overrides_of(schedule, since=date(year, 1, 1)))


def published_schedules(*, today: date, count: int = UPCOMING) -> list[tuple[ReceptionSchedule, list[Reception[User]]]]:
    """Every published schedule with its next ``count`` receptions: what the portal shows."""
    calendar = get_calendar()
    schedules = _schedules().filter(active=True, organisation__is_active=True).order_by("organisation__path")
    return [(s, upcoming_receptions(s, today=today, count=count, calendar=calendar)) for s in schedules]


def reception_on(schedule: ReceptionSchedule, day: date) -> Reception[User] | None:
    """The reception held on ``day``, if there is one (moved or postponed ones included)."""
    calendar = get_calendar()
    rule, overrides = rule_of(schedule), overrides_of(schedule, since=day)
    for month in (Month.of(day).shift(-1), Month.of(day)):
        reception = rule.reception(month, calendar, overrides.get(month))
        if reception.on == day and not reception.cancelled:
            return reception
    return None


# --- staff scope -----------------------------------------------------------------------------------


def staff_schedules(user) -> QuerySet[ReceptionSchedule]:
    return _schedules().filter(organisation__in=organisations_for(user, STAFF_ROLES)).order_by("organisation__path")


def organisations_without_schedule(user) -> QuerySet[Organisation]:
    """Where this user may set up a schedule that does not exist yet (villages hold no reception day)."""
    return (organisations_for(user, SCHEDULE_ROLES).filter(is_active=True)
            .exclude(kind=Organisation.Kind.VILLAGE).exclude(reception_schedules__isnull=False).order_by("path"))


def staff_organisation(user, code: str) -> Organisation | None:
    return organisations_for(user, STAFF_ROLES).filter(code=code, is_active=True).first()


def leader_candidates(organisation: Organisation) -> QuerySet[User]:
    """The people who hold the leader role at this very organisation."""
    return (User.objects.filter(is_active=True, role_assignments__role=Role.LEADER,
                                role_assignments__organisation=organisation)
            .distinct().order_by("username"))


def visits_of(user, organisation: Organisation, *, year: int) -> QuerySet[ReceptionVisit]:
    if not can_record_visits(user, organisation):
        return ReceptionVisit.objects.none()
    return register_rows(organisation, year=year)


def register_rows(organisation: Organisation, *, year: int) -> QuerySet[ReceptionVisit]:
    """The register's lines for one year, oldest first (as the paper register reads)."""
    return (ReceptionVisit.objects.filter(organisation=organisation, visited_on__year=year)
            .select_related("duty_leader", "recorded_by").order_by("visited_on", "pk"))


def visit_for_staff(user, pk: int) -> ReceptionVisit | None:
    return (ReceptionVisit.objects.filter(pk=pk, organisation__in=organisations_for(user, VISIT_ROLES))
            .select_related("organisation", "duty_leader", "recorded_by").first())


def open_follow_ups(organisation: Organisation) -> QuerySet[ReceptionVisit]:
    return (ReceptionVisit.objects.filter(organisation=organisation, follow_up_needed=True, follow_up_closed_on__isnull=True)
            .select_related("duty_leader").order_by("visited_on", "pk"))


def duty_leader_choices(organisation: Organisation) -> QuerySet[User]:
    """Who may be entered as the duty leader: the organisation's leaders and anyone on its rotation."""
    on_rotation = ReceptionLeader.objects.filter(schedule__organisation=organisation).values("user")
    leaders = leader_candidates(organisation).values("pk")
    return User.objects.filter(Q(pk__in=on_rotation) | Q(pk__in=leaders)).order_by("username")
