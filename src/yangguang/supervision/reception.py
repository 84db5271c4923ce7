"""The reception-day rule (局长接待日) as plain Python: no Django, driven by tests with plain dates.

The seed: "每月15日（遇公休日顺延下一日）为局长政务公开接待日，由局领导轮值". Read as rules:

1. Each month has one reception day on a configured day of the month (default the 15th).
2. When that day is not a working day — a weekend that is not an adjusted workday (调休上班日), or
   an official holiday — it moves to the next working day of the official calendar. An adjusted
   workday counts as a working day: nothing moves off Saturday 2026-02-14.
3. A day of the month that the month does not have (29–31 in a short month) means the month's
   last day, which then follows rule 2.
4. 顺延 means "postponed", not "brought forward": the move is always forwards, even when it leaves
   the month (31 January 2026 is a Saturday, so January's day is Monday 2 February). The reception
   keeps belonging to the month it was scheduled for, and it can never meet the next month's own
   day: the longest official holiday run is nine days and months are at least 28 days long.
5. The duty leader rotates round-robin over an ordered list of leaders, one step per calendar
   month counted from the month the first leader serves. No month is skipped — a cancelled
   reception still uses up its turn — so anyone can work out who serves in any month.

Dates in a year whose official schedule is not configured are computed on weekends only and
marked provisional, like every other date the working-day calendar gives.
"""

from __future__ import annotations

import calendar as _gregorian
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from yangguang.core.workcalendar import WorkCalendar

DEFAULT_DAY = 15
# How far an override may move a reception from the date the rule gives: far enough for any real
# reason, never so far that it turns into another month's reception.
MAX_OVERRIDE_SHIFT_DAYS = 31
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

Leader = TypeVar("Leader")


class RuleError(ValueError):
    """A rule that cannot be applied; the message is Chinese and names the field."""


@dataclass(frozen=True, order=True, slots=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def index(self) -> int:
        """Months since year 0: consecutive months differ by one."""
        return self.year * 12 + self.month - 1

    def shift(self, months: int) -> Month:
        year, month0 = divmod(self.index + months, 12)
        return Month(year, month0 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, _gregorian.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"


@dataclass(frozen=True, slots=True)
class Override:
    """A change to one month's reception decided by the organisation: cancelled, or held on
    another date, possibly by a substitute leader."""

    reason: str
    cancelled: bool = False
    on: date | None = None
    leader: object | None = None


@dataclass(frozen=True, slots=True)
class Reception(Generic[Leader]):
    month: Month
    nominal: date  # the configured day of the month (or the month's last day)
    on: date  # when the reception is held
    leader: Leader | None
    provisional: bool = False  # computed on weekends only: that year's schedule is not configured
    cancelled: bool = False
    changed: str = ""  # the reason of an override, when there is one

    @property
    def postponed(self) -> bool:
        """Moved by the rule (顺延) rather than by an override."""
        return self.on != self.nominal and not self.changed

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.on.weekday()]


def check_day_of_month(day_of_month: int) -> None:
    if not isinstance(day_of_month, int) or isinstance(day_of_month, bool) or not 1 <= day_of_month <= 31:
        raise RuleError("接待日（每月几日）必须是 1 到 31 之间的整数")


def nominal_date(month: Month, day_of_month: int = DEFAULT_DAY) -> date:
    """The configured day in ``month``; the month's last day when the month is shorter (rule 3)."""
    check_day_of_month(day_of_month)
    return date(month.year, month.month, min(day_of_month, month.last_day.day))


def reception_date(month: Month, calendar: WorkCalendar, day_of_month: int = DEFAULT_DAY) -> tuple[date, bool]:
    """When the month's reception is held by rule, and whether that answer is provisional."""
    nominal = nominal_date(month, day_of_month)
    if calendar.is_workday(nominal):
        return nominal, not calendar.is_configured(nominal.year)
    moved = calendar.add_workdays(nominal, 1)
    return moved.date, moved.provisional or not calendar.is_configured(nominal.year)


def duty_leader_index(month: Month, *, first_month: Month, count: int) -> int | None:
    """Which leader of an ordered list of ``count`` serves in ``month`` (rule 5); the first leader
    serves in ``first_month``. Months before it run the rotation backwards."""
    if count <= 0:
        return None
    return (month.index - first_month.index) % count


@dataclass(frozen=True, slots=True)
class Rule(Generic[Leader]):
    """One organisation's schedule: the day, the leaders in order, and where the rotation starts."""

    day_of_month: int = DEFAULT_DAY
    leaders: Sequence[Leader] = ()
    first_month: Month = Month(2025, 1)

    def __post_init__(self) -> None:
        check_day_of_month(self.day_of_month)

    def leader_for(self, month: Month) -> Leader | None:
        index = duty_leader_index(month, first_month=self.first_month, count=len(self.leaders))
        return None if index is None else self.leaders[index]

    def reception(self, month: Month, calendar: WorkCalendar, override: Override | None = None) -> Reception[Leader]:
        nominal = nominal_date(month, self.day_of_month)
        on, provisional = reception_date(month, calendar, self.day_of_month)
        leader = self.leader_for(month)
        if override is None:
            return Reception(month, nominal, on, leader, provisional)
        if override.cancelled:
            return Reception(month, nominal, on, leader, provisional, cancelled=True, changed=override.reason)
        on = override.on or on
        return Reception(
            month, nominal, on, override.leader if override.leader is not None else leader,
            not calendar.is_configured(on.year), changed=override.reason,
        )

    def year(self, year: int, calendar: WorkCalendar,
             overrides: Mapping[Month, Override] | None = None) -> list[Reception[Leader]]:
        """The twelve receptions scheduled for ``year`` (December's may fall in January)."""
        overrides = overrides or {}
        return [self.reception(m, calendar, overrides.get(m)) for m in (Month(year, n) for n in range(1, 13))]

    def upcoming(self, today: date, calendar: WorkCalendar, count: int = 12,
                 overrides: Mapping[Month, Override] | None = None, *, include_cancelled: bool = True) -> list[Reception[Leader]]:
        """The next ``count`` receptions held on or after ``today``. Starts a month early, because
        last month's reception may have been postponed into this one."""
        overrides = overrides or {}
        found: list[Reception[Leader]] = []
        if count <= 0:
            return found
        for month in _months_from(Month.of(today).shift(-1)):
            reception = self.reception(month, calendar, overrides.get(month))
            if reception.on >= today and (include_cancelled or not reception.cancelled):
                found.append(reception)
            if len(found) >= count:
                return found


def _months_from(start: Month) -> Iterator[Month]:
    month = start
    while True:
        yield month
        month = month.shift(1)
