"""Deadlines of cases: the clock's due date, warning date and working days used, stored on the
row so lists, dashboards and statistics are indexed queries, and recomputed when the calendar
changes."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q

from yangguang.core import calendar as workdays
from yangguang.core.workcalendar import WorkCalendar
from yangguang.services import clock, rules
from yangguang.services.models import Case, Suspension
from yangguang.supervision.lights import warning_day



def clock_suspensions(suspensions) -> tuple[clock.Suspension, ...]:
    return tuple(
        clock.Suspension(s.started_on, s.ended_on, rules.SUSPENSION_KINDS.get(s.kind, s.kind)) for s in suspensions
    )


def apply_clock(case: Case, suspensions: list[Suspension] | None = None, calendar: WorkCalendar | None = None) -> bool:
    """Store the due date, warning date and (once completed) the working days used; True when any
    changed. ``suspensions`` defaults to the case's stored ones."""
    before = (case.due_on, case.warning_on, case.due_provisional, case.used_workdays)
    if case.accepted_on is None:
        case.due_on = case.warning_on = case.used_workdays = None
        case.due_provisional = False
    else:
        calendar = calendar or workdays.get_calendar()
        if suspensions is None:
            suspensions = list(case.suspensions.all()) if case.pk else []
        stops = clock_suspensions(suspensions)
        try:
            result = clock.due_date(case.accepted_on, case.committed_limit, stops, calendar)
            case.used_workdays = (
                clock.used_workdays(case.accepted_on, case.completed_on, stops, calendar) if case.completed_on else None
            )
        except clock.ClockError as exc:
            raise ValidationError({"clock": str(exc)}) from None
        case.due_on = result.due_on
        case.due_provisional = result.provisional
        # The earlier of "N working days before the due date" and "P% of the limit used" (电子监察黄灯).
        case.warning_on = (
            warning_day(result.due_on, limit=case.committed_limit, warning_workdays=settings.SERVICES_WARNING_WORKDAYS,
                        share_percent=settings.SUPERVISION_YELLOW_SHARE_PERCENT, calendar=calendar)
            if result.due_on else None
        )
    return before != (case.due_on, case.warning_on, case.due_provisional, case.used_workdays)


CLOCK_FIELDS = ("due_on", "warning_on", "due_provisional", "used_workdays")


@workdays.register_recomputer("services")
def recompute_deadlines(*, calendar: WorkCalendar, since: date) -> int:
    """Recompute the stored dates of cases that a change of the calendar from ``since`` can move:
    open cases due on or after it, and completed cases whose span reaches it (their used days)."""
    changed = 0
    candidates = (
        Case.objects.exclude(accepted_on=None)
        .filter(
            Q(status__in=rules.RUNNING_STATUSES) & (Q(due_on__gte=since) | Q(due_on__isnull=True) | Q(due_provisional=True))
            | Q(completed_on__gte=since)
        )
        .prefetch_related("suspensions")
    )
    for case in candidates.iterator(chunk_size=500):
        if apply_clock(case, calendar=calendar):
            case.save(update_fields=list(CLOCK_FIELDS))
            changed += 1
    return changed


def clock_for(case: Case) -> clock.ClockResult | None:
    """The explained clock of an accepted case (for its page), or None before acceptance."""
    if case.accepted_on is None:
        return None
    try:
        return clock.due_date(case.accepted_on, case.committed_limit, clock_suspensions(case.suspensions.all()),
                              workdays.get_calendar())
    except clock.ClockError:
        return None
