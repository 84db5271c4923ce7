"""The reception-day rule, hand-checked against the State Council's holiday schedules for 2025 and
2026 (国办发明电〔2024〕12号, 国办发明电〔2025〕7号): every month of both years, the edge cases of the
day of the month, and the rotation of the duty leader."""

from datetime import date

import chinese_calendar
import pytest

from yangguang.core.workcalendar import WorkCalendar
from yangguang.supervision.reception import Month, Override, Reception, Rule, RuleError, nominal_date, reception_date

CAL = WorkCalendar(holidays=chinese_calendar.holidays, workdays=chinese_calendar.workdays, years={2025, 2026})
D = date.fromisoformat


# (month, reception day, why) — the 15th unless it is a weekend or holiday.
EVERY_MONTH = [
    ("2025-01", "2025-01-15", "Wednesday"),
    ("2025-02", "2025-02-17", "Saturday 15th → Monday"),
    ("2025-03", "2025-03-17", "Saturday 15th → Monday"),
    ("2025-04", "2025-04-15", "Tuesday"),
    ("2025-05", "2025-05-15", "Thursday"),
    ("2025-06", "2025-06-16", "Sunday 15th → Monday"),
    ("2025-07", "2025-07-15", "Tuesday"),
    ("2025-08", "2025-08-15", "Friday"),
    ("2025-09", "2025-09-15", "Monday"),
    ("2025-10", "2025-10-15", "Wednesday: the National Day and Mid-autumn holiday (1–8 Oct) is over"),
    ("2025-11", "2025-11-17", "Saturday 15th → Monday"),
    ("2025-12", "2025-12-15", "Monday"),
    ("2026-01", "2026-01-15", "Thursday"),
    ("2026-02", "2026-02-24", "Sunday 15th inside the Spring Festival holiday (15–23 Feb) → Tuesday 24th"),
    ("2026-03", "2026-03-16", "Sunday 15th → Monday"),
    ("2026-04", "2026-04-15", "Wednesday"),
    ("2026-05", "2026-05-15", "Friday"),
    ("2026-06", "2026-06-15", "Monday"),
    ("2026-07", "2026-07-15", "Wednesday"),
    ("2026-08", "2026-08-17", "Saturday 15th → Monday"),
    ("2026-09", "2026-09-15", "Tuesday"),
    ("2026-10", "2026-10-15", "Thursday: the National Day holiday (1–7 Oct) is over"),
    ("2026-11", "2026-11-16", "Sunday 15th → Monday"),
    ("2026-12", "2026-12-15", "Tuesday"),
]


def _month(text: str) -> Month:
    year, month = text.split("-")
    return Month(int(year), int(month))


@pytest.mark.parametrize("month, expected, why", EVERY_MONTH)
def test_every_month_of_2025_and_2026(month, expected, why):
    assert reception_date(_month(month), CAL) == (D(expected), False), why


def test_a_whole_year_at_once():
    assert [r.on for r in Rule().year(2026, CAL)] == [D(e) for m, e, _ in EVERY_MONTH if m.startswith("2026")]


@pytest.mark.parametrize(
    "month, day, expected, why",
    [
        ("2026-02", 14, "2026-02-14", "Saturday 14 Feb 2026 is an adjusted workday (调休上班): nothing moves"),
        ("2025-09", 28, "2025-09-28", "Sunday 28 Sep 2025 is an adjusted workday"),
        ("2025-10", 11, "2025-10-11", "Saturday 11 Oct 2025 is an adjusted workday"),
        ("2025-10", 1, "2025-10-09", "National Day and Mid-autumn 1–8 Oct 2025 → Thursday 9th"),
        ("2026-10", 1, "2026-10-08", "National Day 1–7 Oct 2026 → Thursday 8th"),
        ("2025-02", 30, "2025-02-28", "no 30 Feb: the month's last day, a Friday"),
        ("2026-02", 29, "2026-02-28", "no 29 Feb 2026: the 28th, a Saturday worked in exchange (调休上班), stays"),
        ("2026-04", 31, "2026-04-30", "no 31 Apr: Thursday the 30th"),
        ("2026-01", 31, "2026-02-02", "Saturday 31 Jan 2026: postponed into February (顺延, never brought forward)"),
        ("2025-01", 31, "2025-02-05", "Friday 31 Jan 2025 is in the Spring Festival holiday (28 Jan–4 Feb)"),
        ("2025-05", 31, "2025-06-03", "Saturday 31 May 2025 starts the Dragon Boat holiday (31 May–2 Jun)"),
        ("2025-09", 30, "2025-09-30", "Tuesday 30 Sep 2025, the last day before the holiday"),
        ("2026-10", 31, "2026-11-02", "Saturday 31 Oct 2026 → Monday 2 Nov"),
    ],
)
def test_edge_days(month, day, expected, why):
    assert reception_date(_month(month), CAL, day) == (D(expected), False), why


def test_short_months_use_the_last_day():
    assert nominal_date(Month(2025, 2), 31) == D("2025-02-28")
    assert nominal_date(Month(2024, 2), 31) == D("2024-02-29")
    assert nominal_date(Month(2026, 6), 31) == D("2026-06-30")
    assert nominal_date(Month(2026, 7), 31) == D("2026-07-31")


@pytest.mark.parametrize("day", [0, 32, -1, "15", 15.0, True])
def test_bad_day_of_month_is_refused_in_chinese(day):
    with pytest.raises(RuleError, match="接待日（每月几日）"):
        Rule(day_of_month=day)


def test_unconfigured_year_is_provisional():
    # 2027's schedule is not in this calendar: weekends only, and said so.
    on, provisional = reception_date(Month(2027, 5), CAL)
    assert (on, provisional) == (D("2027-05-17"), True)  # Saturday 15 May 2027 → Monday 17
    assert reception_date(Month(2027, 2), CAL) == (D("2027-02-15"), True)
    # December 2026's postponement stays inside 2026, so it is exact.
    assert reception_date(Month(2026, 12), CAL, 31) == (D("2026-12-31"), False)


# --- rotation ----------------------------------------------------------------------------------------

LEADERS = ("郑国华", "钱文斌", "杜慧敏")
RULE = Rule(day_of_month=15, leaders=LEADERS, first_month=Month(2026, 1))


def test_rotation_is_round_robin_by_month_and_skips_none():
    assert [r.leader for r in RULE.year(2026, CAL)] == list(LEADERS) * 4
    assert RULE.leader_for(Month(2025, 12)) == "杜慧敏"  # before the start the rotation runs backwards
    assert RULE.leader_for(Month(2027, 1)) == "郑国华"
    assert RULE.leader_for(Month(2030, 7)) == LEADERS[(4 * 12 + 6) % 3]


def test_rotation_without_leaders_has_no_duty_leader():
    assert Rule(leaders=()).reception(Month(2026, 3), CAL).leader is None


def test_a_cancelled_month_uses_up_its_turn():
    overrides = {Month(2026, 2): Override(reason="春节假期延长接待安排", cancelled=True)}
    year = RULE.year(2026, CAL, overrides)
    assert year[1].cancelled and year[1].changed == "春节假期延长接待安排"
    assert [r.leader for r in year[:4]] == ["郑国华", "钱文斌", "杜慧敏", "郑国华"]


def test_an_override_moves_the_date_and_names_a_substitute():
    overrides = {Month(2026, 6): Override(reason="值班领导参加全省会议", on=D("2026-06-17"), leader="代班领导")}
    june = RULE.reception(Month(2026, 6), CAL, overrides[Month(2026, 6)])
    assert (june.on, june.leader, june.nominal, june.postponed, june.weekday) == (
        D("2026-06-17"), "代班领导", D("2026-06-15"), False, "星期三")
    only_leader = RULE.reception(Month(2026, 6), CAL, Override(reason="调换", leader="代班领导"))
    assert (only_leader.on, only_leader.leader) == (D("2026-06-15"), "代班领导")


def test_postponed_is_reported():
    feb = RULE.reception(Month(2026, 2), CAL)
    assert feb == Reception(Month(2026, 2), D("2026-02-15"), D("2026-02-24"), "钱文斌", False)
    assert feb.postponed and feb.weekday == "星期二"
    assert not RULE.reception(Month(2026, 1), CAL).postponed


def test_upcoming_starts_with_last_months_postponed_reception():
    rule = Rule(day_of_month=31, leaders=LEADERS, first_month=Month(2026, 1))
    upcoming = rule.upcoming(D("2026-02-01"), CAL, count=3)
    assert [(r.month, r.on) for r in upcoming] == [
        (Month(2026, 1), D("2026-02-02")), (Month(2026, 2), D("2026-02-28")), (Month(2026, 3), D("2026-03-31")),
    ]


def test_upcoming_twelve_from_a_reception_day_includes_it():
    upcoming = RULE.upcoming(D("2026-02-24"), CAL)
    assert len(upcoming) == 12
    assert upcoming[0].on == D("2026-02-24") and upcoming[-1].month == Month(2027, 1)
    assert RULE.upcoming(D("2026-02-25"), CAL)[0].on == D("2026-03-16")
    assert RULE.upcoming(D("2026-02-25"), CAL, count=0) == []


def test_months_shift_across_years():
    assert Month(2026, 1).shift(-1) == Month(2025, 12)
    assert Month(2025, 12).shift(13) == Month(2027, 1)
    assert str(Month(2026, 2)) == "2026年2月"
