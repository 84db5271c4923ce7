"""The case clock, hand-computed against the 2026 schedule (Spring Festival 15–23 Feb with 14 and
28 Feb worked; National Day 1–7 Oct with 10 Oct worked)."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yangguang.core.workcalendar import WorkCalendar
from yangguang.services.clock import ClockError, Suspension, due_date, used_workdays

CAL = WorkCalendar(holidays=chinese_calendar.holidays, workdays=chinese_calendar.workdays,
                   years={d.year for d in chinese_calendar.holidays})
D = date.fromisoformat
S = Suspension


@pytest.mark.parametrize(
    "accepted, limit, suspensions, due, why",
    [
        ("2026-02-10", 5, (), "2026-02-24", "11, 12, 13, Saturday 14 (worked), then the festival to 23: the 24th"),
        ("2026-02-13", 0, (), "2026-02-13", "即办件: due the day it is accepted"),
        ("2026-09-28", 5, (), "2026-10-10", "29, 30 Sep; National Day 1–7 Oct; 8, 9, Saturday 10 (worked)"),
        ("2026-03-02", 5, (S(D("2026-03-04"), D("2026-03-06"), "检验检测"),), "2026-03-12",
         "1 day run (3rd), 3 suspended (4–6), then 9, 10, 11, 12"),
        ("2026-03-02", 2, (S(D("2026-03-10"), D("2026-03-12"), "听证"),), "2026-03-04",
         "a suspension after the due date changes nothing"),
        ("2026-03-02", 3, (S(D("2026-03-02"), D("2026-03-03"), "补正材料"),), "2026-03-06",
         "suspended from the acceptance day: 3 is not counted, then 4, 5, 6"),
        ("2026-09-25", 3, (S(D("2026-09-29"), D("2026-10-09"), "专家评审"),), "2026-10-12",
         "28 Sep runs (1); 29 Sep–9 Oct suspended across National Day; Saturday 10 Oct worked (2), 12 Oct (3)"),
    ],
)
def test_due_dates(accepted, limit, suspensions, due, why):
    result = due_date(D(accepted), limit, suspensions, CAL)
    assert result.due_on == D(due), why
    assert not result.provisional


def test_open_suspension_has_no_due_date_and_says_what_is_left():
    result = due_date(D("2026-03-02"), 5, (S(D("2026-03-04"), None, "专家评审"),), CAL)
    assert result.status == "suspended" and result.due_on is None
    assert "尚余 4 个工作日" in result.steps[-1]


def test_the_explanation_lists_the_holidays_it_crossed():
    steps = due_date(D("2026-09-28"), 5, (), CAL).steps
    assert steps[0].startswith("2026年9月28日 受理")
    assert any("10月1日放假" in s and "10月10日调休上班" in s for s in steps)
    assert steps[-1] == "办结期限：2026年10月10日"


@pytest.mark.parametrize(
    "accepted, completed, suspensions, used",
    [
        ("2026-02-10", "2026-02-24", (), 5),
        ("2026-02-10", "2026-02-10", (), 0),
        ("2026-03-02", "2026-03-12", (S(D("2026-03-04"), D("2026-03-06")),), 5),
        ("2026-03-02", "2026-03-05", (S(D("2026-03-04"), D("2026-03-20")),), 1),  # clipped to the completion
        ("2026-09-30", "2026-10-09", (), 2),  # 8 and 9 Oct; the holiday is not counted
        ("2026-09-30", "2026-10-12", (S(D("2026-10-08"), D("2026-10-09")),), 2),  # 10 and 12 Oct
    ],
)
def test_used_workdays(accepted, completed, suspensions, used):
    assert used_workdays(D(accepted), D(completed), suspensions, CAL) == used


@pytest.mark.parametrize(
    "suspensions, message",
    [
        ((S(D("2026-03-05"), D("2026-03-04")),), "早于开始日期"),
        ((S(D("2026-03-01"), D("2026-03-04")),), "早于受理日期"),
        ((S(D("2026-03-04"), D("2026-03-06")), S(D("2026-03-06"), D("2026-03-09"))), "不能重叠"),
        ((S(D("2026-03-04"), None), S(D("2026-03-09"), D("2026-03-10"))), "不能重叠"),
    ],
)
def test_impossible_histories_are_refused(suspensions, message):
    with pytest.raises(ClockError, match=message):
        due_date(D("2026-03-02"), 5, suspensions, CAL)


def test_completion_before_acceptance_is_refused():
    with pytest.raises(ClockError, match="早于受理日期"):
        used_workdays(D("2026-03-02"), D("2026-03-01"), (), CAL)


days = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def histories(draw):
    accepted = draw(days)
    limit = draw(st.integers(min_value=1, max_value=30))
    suspensions, cursor = [], accepted
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        start = cursor + timedelta(days=draw(st.integers(min_value=0, max_value=20)))
        end = start + timedelta(days=draw(st.integers(min_value=0, max_value=20)))
        suspensions.append(S(start, end))
        cursor = end + timedelta(days=1)
    return accepted, limit, tuple(suspensions)


@settings(max_examples=300, deadline=None)
@given(histories())
def test_completing_on_the_due_date_uses_exactly_the_limit(history):
    """The statistics' 承诺时限内办结 (used ≤ limit) agrees with the due date the clerk saw: the due
    day uses the whole limit, the day before it one day less."""
    accepted, limit, suspensions = history
    due = due_date(accepted, limit, suspensions, CAL).due_on
    assert used_workdays(accepted, due, suspensions, CAL) == limit
    assert used_workdays(accepted, due - timedelta(days=1), suspensions, CAL) == limit - 1
