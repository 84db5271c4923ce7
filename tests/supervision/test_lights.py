"""E-supervision lights: the yellow day is the earlier of "N working days before the due date" and
"80% of the limit used", counted in working days across Spring Festival and National Day 2026;
red from the day after the due date; stopped without a due date; step overtime by the step's own limit."""

from datetime import date

import pytest

from yangguang.core.calendar import get_calendar
from yangguang.supervision import lights

D = date.fromisoformat


@pytest.mark.parametrize(
    "limit, warning_workdays, share, expected",
    [
        (5, 1, 80, 1),  # 4 of 5 used: 1 left — the same as the configured day
        (10, 1, 80, 2),  # 8 of 10 used: 2 left
        (20, 1, 80, 4),  # 16 of 20 used: 4 left
        (20, 5, 80, 5),  # FOI: 5 working days before beats 80%
        (20, 1, 50, 10),
        (3, 1, 80, 1),  # ceil(2.4) = 3 used leaves 0: the configured day wins
        (0, 1, 80, 1),  # 即办件
    ],
)
def test_the_yellow_margin_is_the_larger_of_the_two_rules(limit, warning_workdays, share, expected):
    assert lights.yellow_workdays(limit, warning_workdays, share) == expected


# Accepted just before the holidays (2026: 春节 2月15日–23日 off, 2月14日 and 2月28日 Saturdays worked;
# 中秋 9月25日, 国庆 10月1日–7日 off, 9月20日 Sunday and 10月10日 Saturday worked).
HOLIDAY_TABLE = [
    # accepted,     limit, warn, due,          first yellow day, first red day
    ("2026-02-10", 5, 1, "2026-02-24", "2026-02-14", "2026-02-25"),  # yellow on the worked Saturday
    ("2026-02-05", 10, 1, "2026-02-26", "2026-02-24", "2026-02-27"),  # 80% reached on the first day back
    ("2026-02-10", 20, 1, "2026-03-16", "2026-03-10", "2026-03-17"),  # 80%: 4 days before, not 1
    ("2026-02-09", 20, 5, "2026-03-13", "2026-03-06", "2026-03-14"),  # FOI-like: 5 days before
    ("2026-09-28", 5, 1, "2026-10-10", "2026-10-09", "2026-10-11"),  # due on the worked Saturday
    ("2026-09-22", 20, 1, "2026-10-27", "2026-10-21", "2026-10-28"),  # 中秋 and 国庆 both skipped
    ("2026-09-25", 20, 5, "2026-10-29", "2026-10-22", "2026-10-30"),
]


@pytest.mark.parametrize("accepted, limit, warn, due, yellow, red", HOLIDAY_TABLE)
def test_lights_around_spring_festival_and_national_day(seeded_calendar, accepted, limit, warn, due, yellow, red):
    calendar = get_calendar()
    due_on = calendar.add_workdays(D(accepted), limit).date
    assert due_on == D(due)
    warning_on = lights.warning_day(due_on, limit=limit, warning_workdays=warn, share_percent=80, calendar=calendar)
    assert warning_on == D(yellow)
    day_before = date.fromordinal(D(yellow).toordinal() - 1)
    assert lights.light(due_on=due_on, warning_on=warning_on, today=day_before) == lights.GREEN
    assert lights.light(due_on=due_on, warning_on=warning_on, today=D(yellow)) == lights.YELLOW
    assert lights.light(due_on=due_on, warning_on=warning_on, today=D(due)) == lights.YELLOW
    assert lights.light(due_on=due_on, warning_on=warning_on, today=D(red)) == lights.RED


def test_a_paused_clock_shows_stopped():
    assert lights.light(due_on=None, warning_on=None, today=D("2026-03-01")) == lights.STOPPED


@pytest.mark.parametrize(
    "started, limit, last_day_in_time, first_overtime_day",
    [
        ("2026-02-12", 2, "2026-02-14", "2026-02-15"),  # 13 Fri, 14 worked Saturday
        ("2026-02-13", 2, "2026-02-24", "2026-02-25"),  # 14 Sat, then the holiday, then 24
        ("2026-09-29", 3, "2026-10-09", "2026-10-10"),  # 30, 8, 9
        ("2026-09-30", 1, "2026-10-08", "2026-10-09"),
    ],
)
def test_step_overtime_by_the_steps_own_limit(seeded_calendar, started, limit, last_day_in_time, first_overtime_day):
    calendar = get_calendar()
    assert lights.step_due(D(started), limit, calendar) == D(last_day_in_time)
    assert not lights.step_overtime(started_on=D(started), limit=limit, today=D(last_day_in_time), calendar=calendar)
    assert lights.step_overtime(started_on=D(started), limit=limit, today=D(first_overtime_day), calendar=calendar)
    # The sweep's one comparison per limit agrees: the latest start that is overtime on that day.
    assert lights.latest_overtime_start(D(first_overtime_day), limit, calendar) >= D(started)
    assert lights.latest_overtime_start(D(last_day_in_time), limit, calendar) < D(started)


def test_a_step_without_a_limit_is_never_overtime(seeded_calendar):
    assert not lights.step_overtime(started_on=D("2026-01-05"), limit=None, today=D("2026-12-31"), calendar=get_calendar())
