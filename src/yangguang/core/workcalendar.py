"""The working-day calendar as plain Python: no Django, driven by tests with plain dates.

Rule (行政许可法, 政府信息公开条例): ``add_workdays(start, n)`` is the n-th working day strictly
after ``start``; the start day itself is never counted. Working days are Monday to Friday, minus the
official holidays, plus the adjusted workdays (调休上班日) of the State Council's schedule.

Only years whose schedule has been configured are exact. Outside them the calendar falls back to
"weekends only" and every answer that touched such a year is marked provisional, so a deadline that
may still move when the schedule is published is never shown as final.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

HOLIDAY = "holiday"
WORKDAY = "workday"

# date.toordinal() of a Monday is ≡ 1 (mod 7): 0001-01-01 was a Monday with ordinal 1.


def _weekend_workdays_through(ordinal: int) -> int:
    """Monday-to-Friday days in [1, ordinal] (a monotone counter, only differences matter)."""
    weeks, rest = divmod(ordinal, 7)
    # rest days after full weeks start on a Monday: Mon..Fri count, Sat/Sun don't.
    return weeks * 5 + min(rest, 5)


def _weekend_add(start: int, n: int) -> int:
    """The n-th Monday-to-Friday day strictly after (n > 0) or before (n < 0) the ordinal ``start``."""
    if n > 0:
        target = _weekend_workdays_through(start) + n
    else:
        target = _weekend_workdays_through(start - 1) + n + 1
    # smallest ordinal o with _weekend_workdays_through(o) == target and o a weekday
    weeks, rest = divmod(target, 5)
    if rest == 0:
        weeks, rest = weeks - 1, 5
    return weeks * 7 + rest


class WorkdayResult(NamedTuple):
    # A named tuple rather than a frozen dataclass: building one is a third of the cost of a call.
    date: date
    provisional: bool


class CountResult(NamedTuple):
    days: int
    provisional: bool


@dataclass(frozen=True, slots=True)
class SpecialDay:
    date: date
    kind: str  # HOLIDAY or WORKDAY
    name: str


class WorkCalendar:
    """An immutable working-day calendar over a set of configured years.

    ``holidays`` and ``workdays`` map dates to the name of the occasion (春节, 国庆节 …).
    A date listed in both is a workday: an adjusted workday overrides anything else.
    """

    __slots__ = ("years", "_special", "_special_sorted", "_special_dates", "_lo", "_hi", "_ordinals", "_gap_years", "_through_index", "_fast")

    def __init__(
        self,
        *,
        holidays: Mapping[date, str] | Iterable[date] = (),
        workdays: Mapping[date, str] | Iterable[date] = (),
        years: Iterable[int] = (),
    ) -> None:
        self.years = frozenset(years)
        special: dict[date, SpecialDay] = {}
        for d, name in _named(holidays):
            special[d] = SpecialDay(d, HOLIDAY, name)
        for d, name in _named(workdays):
            special[d] = SpecialDay(d, WORKDAY, name)
        self._special = special
        # Sorted once, so listing the special days of a period is two bisections.
        self._special_sorted = sorted((s for s in special.values() if s.date.year in self.years), key=lambda s: s.date)
        self._special_dates = [s.date for s in self._special_sorted]
        if not self.years:
            self._lo = self._hi = 0
            self._ordinals: list[int] = []
            self._gap_years: frozenset[int] = frozenset()
            self._through_index: list[int] = []
            self._fast = None
            return
        first, last = min(self.years), max(self.years)
        self._lo = date(first, 1, 1).toordinal()
        self._hi = date(last, 12, 31).toordinal()
        self._gap_years = frozenset(set(range(first, last + 1)) - self.years)
        self._ordinals = [o for o in range(self._lo, self._hi + 1) if self._is_workday_ordinal(o)]
        # _through_index[o - lo] = working days in [lo, o]: replaces a bisect on the hot path.
        through, count, ords = [], 0, set(self._ordinals)
        for o in range(self._lo, self._hi + 1):
            count += o in ords
            through.append(count)
        self._through_index = through
        # Everything the fast path of add_workdays needs, in one tuple, with the answers prebuilt:
        # a deadline inside the configured years is one index lookup and no allocation.
        self._fast = None if self._gap_years else (
            self._lo, self._hi, through, [WorkdayResult(date.fromordinal(o), False) for o in self._ordinals]
        )

    # --- single days -------------------------------------------------------------------------

    def _is_workday_ordinal(self, o: int) -> bool:
        day = self._special.get(date.fromordinal(o))
        if day is not None and date.fromordinal(o).year in self.years:
            return day.kind == WORKDAY
        return o % 7 not in (6, 0)  # Saturday ≡ 6, Sunday ≡ 0

    def is_workday(self, d: date) -> bool:
        return self._is_workday_ordinal(d.toordinal())

    def is_configured(self, year: int) -> bool:
        return year in self.years

    def special_days(self, year: int) -> list[SpecialDay]:
        """Holidays and adjusted workdays of ``year`` in date order (empty when not configured)."""
        if year not in self.years:
            return []
        return sorted((s for s in self._special.values() if s.date.year == year), key=lambda s: s.date)

    def _provisional(self, a: int, b: int) -> bool:
        """Whether any day in the ordinal range [a, b] lies in a year that is not configured."""
        if a > b:
            return False
        if a < self._lo or b > self._hi:
            return True
        if not self._gap_years:
            return False
        ya, yb = date.fromordinal(a).year, date.fromordinal(b).year
        return any(y in self._gap_years for y in range(ya, yb + 1))

    # --- arithmetic --------------------------------------------------------------------------

    def add_workdays(self, start: date, n: int) -> WorkdayResult:
        """The n-th working day strictly after ``start`` (n > 0), strictly before it (n < 0),
        or ``start`` itself (n == 0)."""
        s = start.toordinal()
        fast = self._fast
        # Fast path, the case of nearly every deadline: forwards, inside one run of configured years.
        if fast is not None and n > 0:
            lo, hi, through, results = fast
            if lo <= s < hi:
                j = through[s - lo] + n - 1
                if j < len(results):
                    return results[j]
        if n == 0:
            return WorkdayResult(start, False)
        result = self._add(s, n)
        if n > 0:
            return WorkdayResult(date.fromordinal(result), self._provisional(s + 1, result))
        return WorkdayResult(date.fromordinal(result), self._provisional(result, s - 1))

    def _add(self, s: int, n: int) -> int:
        lo, hi, ords = self._lo, self._hi, self._ordinals
        if not ords:
            return _weekend_add(s, n)
        if n > 0:
            if s >= hi:
                return _weekend_add(s, n)
            if s < lo:
                before = _weekend_workdays_through(lo - 1) - _weekend_workdays_through(s)
                if before >= n:
                    return _weekend_add(s, n)
                n -= before
                i = 0
            else:
                i = bisect_right(ords, s)
            j = i + n - 1
            if j < len(ords):
                return ords[j]
            return _weekend_add(hi, j - len(ords) + 1)
        # n < 0: walk backwards
        if s <= lo:
            return _weekend_add(s, n)
        if s > hi:
            after = _weekend_workdays_through(s - 1) - _weekend_workdays_through(hi)
            if after >= -n:
                return _weekend_add(s, n)
            n += after
            i = len(ords)
        else:
            i = bisect_left(ords, s)
        j = i + n
        if j >= 0:
            return ords[j]
        return _weekend_add(lo, j)

    def count_workdays(self, start: date, end: date) -> CountResult:
        """Working days after ``start`` up to and including ``end``; negative when end < start."""
        a, b = start.toordinal(), end.toordinal()
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        return CountResult(sign * (self._through(b) - self._through(a)), self._provisional(a + 1, b))

    def _through(self, o: int) -> int:
        """A monotone count of working days in (-inf, o]; only differences are meaningful."""
        lo, hi, ords = self._lo, self._hi, self._ordinals
        if not ords or o < lo:
            return _weekend_workdays_through(o)
        base = _weekend_workdays_through(lo - 1)
        if o <= hi:
            return base + self._through_index[o - lo]
        return base + len(ords) + _weekend_workdays_through(o) - _weekend_workdays_through(hi)

    def special_days_between(self, start: date, end: date) -> list[SpecialDay]:
        """Configured holidays and adjusted workdays strictly after ``start`` up to ``end``:
        what a person needs to see to check a deadline by hand."""
        return self._special_sorted[bisect_right(self._special_dates, start):bisect_right(self._special_dates, end)]


def _named(days: Mapping[date, str] | Iterable[date]) -> Iterable[tuple[date, str]]:
    if isinstance(days, Mapping):
        return days.items()
    return ((d, "") for d in days)


def weekend_only() -> WorkCalendar:
    return WorkCalendar()


def iter_days(start: date, end: date) -> Iterable[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def warning_date(due_on: date, calendar: WorkCalendar, workdays_before: int) -> date:
    """The first day on which at most ``workdays_before`` working days remain until ``due_on``."""
    day, seen = due_on, 0
    while seen < workdays_before:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            seen += 1
        if (due_on - day).days > 400:  # a calendar without working days: give up gracefully
            break
    return day if workdays_before else due_on
