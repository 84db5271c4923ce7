"""The FOI reply clock, hand-computed against the 2026 schedule (Spring Festival 15–23 Feb with
14 and 28 Feb worked; Qingming 4–6 Apr; National Day 1–7 Oct with 10 Oct worked)."""

from datetime import date

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yangguang.core.workcalendar import WorkCalendar
from yangguang.foi.clock import ClockError, ClockInput, Pause, compute, correction_request_deadline

CAL = WorkCalendar(holidays=chinese_calendar.holidays, workdays=chinese_calendar.workdays,
                   years={d.year for d in chinese_calendar.holidays})
D = date.fromisoformat


@pytest.mark.parametrize(
    "clock, due, why",
    [
        (ClockInput(D("2026-02-10")), "2026-03-16", "20 working days across the Spring Festival"),
        (ClockInput(D("2026-09-25")), "2026-10-29", "received on a holiday: counting starts the next working day"),
        (ClockInput(D("2026-02-10"), extension_workdays=20), "2026-04-14", "extended by 20: Qingming skipped"),
        (ClockInput(D("2026-03-02"), correction_requested_on=D("2026-03-04"), correction_received_on=D("2026-03-20")),
         "2026-04-20", "restart from the corrected application"),
        (ClockInput(D("2026-03-02"), pauses=(Pause(D("2026-03-05"), D("2026-03-25"), "征求第三方意见"),)),
         "2026-04-21", "2 days run, 15 working days paused (5–25 Mar inclusive), 18 more"),
        (ClockInput(D("2026-03-02"), pauses=(Pause(D("2026-04-01"), D("2026-04-20"), "征求第三方意见"),)),
         "2026-03-30", "a pause after the deadline changes nothing"),
        (ClockInput(D("2026-03-02"), pauses=(Pause(D("2026-03-05"), D("2026-03-06"), "征求其他机关意见"),
                                             Pause(D("2026-03-11"), D("2026-03-11"), "征求第三方意见"))),
         "2026-04-02", "two pauses: 2 + 1 working days added to 30 Mar"),
        (ClockInput(D("2026-03-02"), correction_requested_on=D("2026-03-03"), correction_received_on=D("2026-03-09"),
                    pauses=(Pause(D("2026-03-03"), D("2026-03-05"), "征求第三方意见"),)),
         "2026-04-07", "a pause spent before the restart is not counted again"),
    ],
)
def test_due_dates(clock, due, why):
    result = compute(clock, CAL)
    assert (result.status, result.due_on, result.provisional) == ("running", D(due), False), why


def test_explanation_lists_every_step():
    result = compute(ClockInput(D("2026-02-10")), CAL)
    text = "\n".join(result.steps)
    assert "2026年2月10日 收到申请" in text
    assert "2月14日调休上班" in text and "2月15日放假" in text and "2月28日调休上班" in text
    assert result.steps[-1] == "答复期限：2026年3月16日"
    paused = compute(ClockInput(D("2026-03-02"), pauses=(Pause(D("2026-03-05"), D("2026-03-25"), "征求第三方意见"),)), CAL)
    assert "2026年3月5日 至 2026年3月25日 征求第三方意见，其间 15 个工作日不计入" in paused.steps
    assert paused.paused_workdays == 15


def test_waiting_for_correction_stops_the_clock():
    result = compute(ClockInput(D("2026-03-02"), correction_requested_on=D("2026-03-04")), CAL)
    assert (result.status, result.due_on) == ("awaiting_correction", None)


def test_open_pause_stops_the_clock_and_says_what_is_left():
    result = compute(ClockInput(D("2026-03-02"), pauses=(Pause(D("2026-03-05"), None, "征求第三方意见"),)), CAL)
    assert (result.status, result.due_on) == ("paused", None)
    assert "尚余 18 个工作日" in result.steps[-1]


def test_past_the_configured_years_is_provisional():
    result = compute(ClockInput(D("2026-12-20")), CAL)
    assert (result.due_on, result.provisional) == (D("2027-01-15"), True)
    assert "暂定" in result.steps[-1]


def test_correction_must_be_asked_within_seven_working_days():
    assert correction_request_deadline(D("2026-03-02"), CAL) == D("2026-03-11")
    compute(ClockInput(D("2026-03-02"), correction_requested_on=D("2026-03-11")), CAL)
    with pytest.raises(ClockError, match="7 个工作日"):
        compute(ClockInput(D("2026-03-02"), correction_requested_on=D("2026-03-12")), CAL)


@pytest.mark.parametrize(
    "clock, message",
    [
        (ClockInput(D("2026-03-02"), extension_workdays=21), "不得超过 20"),
        (ClockInput(D("2026-03-02"), correction_received_on=D("2026-03-05")), "没有告知补正"),
        (ClockInput(D("2026-03-02"), correction_requested_on=D("2026-03-01")), "不能早于收到申请"),
        (ClockInput(D("2026-03-02"), correction_requested_on=D("2026-03-04"), correction_received_on=D("2026-03-03")), "不能早于告知补正"),
        (ClockInput(D("2026-03-02"), pauses=(Pause(D("2026-03-10"), D("2026-03-05"), "x"),)), "早于开始日期"),
        (ClockInput(D("2026-03-02"), pauses=(Pause(D("2026-03-05"), D("2026-03-10"), "x"), Pause(D("2026-03-09"), D("2026-03-12"), "y"))), "重叠"),
        (ClockInput(D("2026-03-02"), pauses=(Pause(D("2026-03-05"), None, "x"), Pause(D("2026-03-09"), D("2026-03-12"), "y"))), "重叠"),
    ],
)
def test_impossible_histories_are_refused(clock, message):
    with pytest.raises(ClockError, match=message):
        compute(clock, CAL)


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 6, 30))


@settings(max_examples=300, deadline=None)
@given(received=days, offset=st.integers(1, 40), length=st.integers(0, 30), extension=st.integers(0, 20))
def test_a_pause_never_brings_the_deadline_forward_and_adds_exactly_its_working_days(received, offset, length, extension):
    from datetime import timedelta

    plain = compute(ClockInput(received, extension_workdays=extension), CAL)
    start = received + timedelta(days=offset)
    pause = Pause(start, start + timedelta(days=length), "征求第三方意见")
    paused = compute(ClockInput(received, extension_workdays=extension, pauses=(pause,)), CAL)
    assert paused.due_on >= plain.due_on
    if start <= plain.due_on:
        assert CAL.count_workdays(plain.due_on, paused.due_on).days == paused.paused_workdays
    else:
        assert paused.due_on == plain.due_on
