"""The working-day rule, checked against the State Council's published schedules typed in by hand
(not taken from chinesecalendar, so the two sources check each other)."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yangguang.core.workcalendar import WorkCalendar


def span(first: str, last: str) -> list[date]:
    d, end, out = date.fromisoformat(first), date.fromisoformat(last), []
    while d <= end:
        out.append(d)
        d += timedelta(days=1)
    return out


# 国办发明电〔2024〕12号 (2025) and 国办发明电〔2025〕7号 (2026).
HOLIDAYS_2025 = (
    span("2025-01-01", "2025-01-01") + span("2025-01-28", "2025-02-04") + span("2025-04-04", "2025-04-06")
    + span("2025-05-01", "2025-05-05") + span("2025-05-31", "2025-06-02") + span("2025-10-01", "2025-10-08")
)
WORKDAYS_2025 = [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)]
HOLIDAYS_2026 = (
    span("2026-01-01", "2026-01-03") + span("2026-02-15", "2026-02-23") + span("2026-04-04", "2026-04-06")
    + span("2026-05-01", "2026-05-05") + span("2026-06-19", "2026-06-21") + span("2026-09-25", "2026-09-27")
    + span("2026-10-01", "2026-10-07")
)
WORKDAYS_2026 = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10)]

OFFICIAL = WorkCalendar(
    holidays=HOLIDAYS_2025 + HOLIDAYS_2026, workdays=WORKDAYS_2025 + WORKDAYS_2026, years=[2025, 2026]
)
PACKAGE = WorkCalendar(
    holidays=chinese_calendar.holidays, workdays=chinese_calendar.workdays,
    years={d.year for d in chinese_calendar.holidays},
)

D = date.fromisoformat


@pytest.mark.parametrize(
    "start, n, expected, why",
    [
        # Spring Festival 2026: 15–23 Feb off, Saturdays 14 and 28 Feb worked.
        ("2026-02-10", 20, "2026-03-16", "the issue's example: crosses the whole Spring Festival"),
        ("2026-02-12", 1, "2026-02-13", "plain weekday"),
        ("2026-02-13", 1, "2026-02-14", "adjusted Saturday is a working day"),
        ("2026-02-14", 1, "2026-02-24", "nine days of holiday skipped"),
        ("2026-02-27", 1, "2026-02-28", "second adjusted Saturday"),
        ("2026-02-28", 1, "2026-03-02", "Sunday after it is off"),
        ("2026-02-15", 1, "2026-02-24", "start inside the holiday: next working day after it"),
        # New Year 2026: 1–3 Jan off, Sunday 4 Jan worked.
        ("2025-12-31", 1, "2026-01-04", "year boundary into New Year holiday and adjusted Sunday"),
        ("2025-12-31", 2, "2026-01-05", ""),
        # Labour Day 2026: 1–5 May off, Saturday 9 May worked.
        ("2026-04-30", 1, "2026-05-06", ""),
        ("2026-05-08", 1, "2026-05-09", "adjusted Saturday"),
        # Dragon Boat and Mid-Autumn 2026 fall on weekends plus a Friday/Monday.
        ("2026-06-18", 1, "2026-06-22", ""),
        ("2026-09-24", 1, "2026-09-28", ""),
        # National Day 2026: 1–7 Oct off, Sunday 20 Sep and Saturday 10 Oct worked.
        ("2026-09-18", 1, "2026-09-20", "adjusted Sunday"),
        ("2026-09-30", 1, "2026-10-08", ""),
        ("2026-10-09", 1, "2026-10-10", "adjusted Saturday"),
        ("2026-10-10", 1, "2026-10-12", ""),
        # 2025: Spring Festival 28 Jan–4 Feb off, 26 Jan (Sun) and 8 Feb (Sat) worked.
        ("2025-01-24", 1, "2025-01-26", "adjusted Sunday"),
        ("2025-01-27", 1, "2025-02-05", ""),
        ("2025-02-07", 1, "2025-02-08", "adjusted Saturday"),
        ("2025-04-25", 1, "2025-04-27", "adjusted Sunday before Labour Day"),
        ("2025-04-30", 1, "2025-05-06", ""),
        ("2025-05-30", 1, "2025-06-03", "Dragon Boat 31 May–2 Jun"),
        ("2025-09-26", 1, "2025-09-28", "adjusted Sunday"),
        ("2025-09-30", 1, "2025-10-09", "eight days National Day + Mid-Autumn"),
        ("2025-10-10", 1, "2025-10-11", "adjusted Saturday"),
        # Plain weekends.
        ("2026-03-06", 1, "2026-03-09", "Friday → Monday"),
        ("2026-03-07", 1, "2026-03-09", "Saturday start → Monday"),
        ("2026-03-08", 5, "2026-03-13", "Sunday start counts from Monday"),
        ("2026-03-09", 0, "2026-03-09", "zero days is the start itself"),
        # Year boundary 2025 → 2026 with a 20-day deadline.
        ("2025-12-15", 20, "2026-01-13", "16–31 Dec give 12, 4 Jan (Sun) is the 13th, 5–9 Jan 18, 12–13 Jan 20"),
        # Backwards.
        ("2026-02-24", -1, "2026-02-14", "one working day before the first day after the holiday"),
        ("2026-03-16", -20, "2026-02-10", "inverse of the issue's example"),
    ],
)
def test_add_workdays_follows_the_official_schedule(start, n, expected, why):
    result = OFFICIAL.add_workdays(D(start), n)
    assert result.date == D(expected), why
    assert result.provisional is False


@pytest.mark.parametrize(
    "start, end, expected",
    [
        ("2026-02-10", "2026-03-10", 16),
        ("2026-02-10", "2026-03-16", 20),
        ("2026-02-14", "2026-02-23", 0),
        ("2026-03-09", "2026-03-09", 0),
        ("2026-03-16", "2026-02-10", -20),
        ("2025-12-31", "2026-01-04", 1),
    ],
)
def test_count_workdays_counts_after_start_up_to_end(start, end, expected):
    assert OFFICIAL.count_workdays(D(start), D(end)).days == expected


@pytest.mark.parametrize(
    "day, expected",
    [("2026-02-14", True), ("2026-02-16", False), ("2026-02-21", False), ("2026-03-07", False), ("2026-03-09", True)],
)
def test_is_workday(day, expected):
    assert OFFICIAL.is_workday(D(day)) is expected


class TestProvisional:
    def test_past_the_configured_years_is_weekends_only_and_flagged(self):
        result = OFFICIAL.add_workdays(D("2026-12-30"), 3)
        # 31 Dec (Thu), then 1 Jan 2027 (Fri, New Year, but not yet configured), 4 Jan (Mon).
        assert result.date == D("2027-01-04")
        assert result.provisional is True

    def test_within_configured_years_is_exact(self):
        assert OFFICIAL.add_workdays(D("2026-12-01"), 10).provisional is False

    def test_before_the_configured_years(self):
        result = OFFICIAL.add_workdays(D("2024-12-27"), 2)
        assert result.date == D("2024-12-31")
        assert result.provisional is True

    def test_start_just_before_the_range_counts_exactly(self):
        # Only days strictly after the start are looked at: 2024-12-31 is not among them.
        assert OFFICIAL.add_workdays(D("2024-12-31"), 1) == OFFICIAL.add_workdays(D("2024-12-31"), 1)
        assert OFFICIAL.add_workdays(D("2024-12-31"), 1).provisional is False
        assert OFFICIAL.add_workdays(D("2024-12-31"), 1).date == D("2025-01-02")

    def test_gap_year_inside_the_range_is_provisional(self):
        cal = WorkCalendar(holidays=HOLIDAYS_2025, workdays=WORKDAYS_2025, years=[2025, 2027])
        assert cal.add_workdays(D("2026-02-10"), 20).provisional is True
        assert cal.add_workdays(D("2026-02-10"), 20).date == D("2026-03-10")  # weekends only
        assert cal.add_workdays(D("2025-03-03"), 5).provisional is False

    def test_configured_year_with_its_own_schedule_replaces_weekend_guess(self):
        later = WorkCalendar(holidays=HOLIDAYS_2026 + [D("2027-01-01")], workdays=WORKDAYS_2026, years=[2026, 2027])
        result = later.add_workdays(D("2026-12-30"), 3)
        assert result == type(result)(D("2027-01-05"), False)

    def test_empty_calendar_is_all_provisional(self):
        cal = WorkCalendar()
        assert cal.add_workdays(D("2026-02-13"), 1).date == D("2026-02-16")
        assert cal.add_workdays(D("2026-02-13"), 1).provisional is True


def test_special_days_lists_holidays_and_adjusted_days_in_order():
    days = OFFICIAL.special_days(2026)
    assert [d.date for d in days if d.kind == "workday"] == WORKDAYS_2026
    assert len([d for d in days if d.kind == "holiday"]) == len(HOLIDAYS_2026)
    assert OFFICIAL.special_days(2024) == []


def test_agrees_with_chinesecalendar_on_every_workday_start_2020_to_2026():
    checked = 0
    for start in span("2020-01-01", "2026-12-31"):
        if not chinese_calendar.is_workday(start):
            continue
        for n in (1, 7, 15, 20):
            ours = PACKAGE.add_workdays(start, n)
            if ours.date.year > 2026:
                assert ours.provisional
                continue
            assert ours.date == chinese_calendar.find_workday(n, start), (start, n)
            checked += 1
    assert checked > 6000


def _brute(cal, start, n):
    step, d, k = (1 if n > 0 else -1), start, 0
    while k != n:
        d += timedelta(days=step)
        if cal.is_workday(d):
            k += step
    return d


dates = st.dates(min_value=date(2001, 1, 1), max_value=date(2029, 12, 31))


@settings(max_examples=400, deadline=None)
@given(start=dates, n=st.integers(min_value=-80, max_value=80))
def test_add_matches_day_by_day_walk(start, n):
    expected = start if n == 0 else _brute(PACKAGE, start, n)
    assert PACKAGE.add_workdays(start, n).date == expected


@settings(max_examples=400, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=200))
def test_count_is_the_inverse_of_add(start, n):
    end = PACKAGE.add_workdays(start, n).date
    assert PACKAGE.is_workday(end)
    assert PACKAGE.count_workdays(start, end).days == n
    assert PACKAGE.count_workdays(end, start).days == -n


@settings(max_examples=300, deadline=None)
@given(a=dates, b=dates)
def test_count_is_additive(a, b):
    mid = a + (b - a) / 2
    assert PACKAGE.count_workdays(a, b).days == PACKAGE.count_workdays(a, mid).days + PACKAGE.count_workdays(mid, b).days
