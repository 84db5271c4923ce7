"""E-supervision lights (电子监察亮灯), as plain Python.

Every open case and disclosure application shows one light:

- **green** (正常) while enough time is left;
- **yellow** (黄灯，临近期限) from its *warning day*: the earlier of "at most W working days before
  the due date" (SERVICES_WARNING_WORKDAYS / FOI_WARNING_WORKDAYS) and "more than P% of the limit
  used" (SUPERVISION_YELLOW_SHARE_PERCENT). Both are counted back from the due date in working days
  (``yellow_workdays``), so time that did not count (a suspension, a correction) does not count here
  either, and the warning day is stored on the row next to the due date: lights stay indexed queries;
- **red** (红灯，已逾期) from the day after the due date;
- **stopped** (期限暂停) while the clock is paused (no due date).

A step (审查, 核准) held longer than its own limit in working days is **step overtime** (环节超时),
whatever the light of the whole case.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from yangguang.core.workcalendar import WorkCalendar, warning_date

GREEN, YELLOW, RED, STOPPED = "green", "yellow", "red", "stopped"
LABELS = {GREEN: "绿灯（正常）", YELLOW: "黄灯（临近期限）", RED: "红灯（已逾期）", STOPPED: "期限暂停"}


def yellow_workdays(limit: int, warning_workdays: int, share_percent: int) -> int:
    """How many working days before the due date the light turns yellow: the larger (earlier) of
    the configured number and what is left once ``share_percent`` of the limit is used.

    >>> yellow_workdays(20, 1, 80)   # 16 of 20 days used: 4 left
    4
    >>> yellow_workdays(5, 1, 80)    # 4 of 5 used: 1 left, the same as the configured day
    1
    """
    if limit <= 0:
        return max(warning_workdays, 0)
    used_at_share = math.ceil(limit * share_percent / 100)
    return max(warning_workdays, limit - used_at_share, 0)


def warning_day(due_on: date, *, limit: int, warning_workdays: int, share_percent: int, calendar: WorkCalendar) -> date:
    """The first day the light is yellow, for a clock with ``limit`` working days due on ``due_on``."""
    return warning_date(due_on, calendar, yellow_workdays(limit, warning_workdays, share_percent))


def light(*, due_on: date | None, warning_on: date | None, today: date) -> str:
    if due_on is None:
        return STOPPED
    if today > due_on:
        return RED
    if warning_on is not None and today >= warning_on:
        return YELLOW
    return GREEN


def step_due(started_on: date, limit: int, calendar: WorkCalendar) -> date:
    """The last day a step started on ``started_on`` may be held (its start day not counted)."""
    return calendar.add_workdays(started_on, limit).date


def step_overtime(*, started_on: date, limit: int | None, today: date, calendar: WorkCalendar) -> bool:
    """A step is overtime from the day after its own limit ran out; a step without a limit never is."""
    if not limit or limit < 0:
        return False
    return today > step_due(started_on, limit, calendar)


def latest_overtime_start(today: date, limit: int, calendar: WorkCalendar) -> date:
    """The latest start day of a step with ``limit`` working days that is overtime on ``today``.
    ``step_due`` is monotone in the start day, so every step started on or before it is overtime:
    the sweep asks with one ``<=`` per limit instead of a date computation per case."""
    day = today - timedelta(days=1)
    while step_due(day, limit, calendar) >= today:
        day -= timedelta(days=1)
    return day
