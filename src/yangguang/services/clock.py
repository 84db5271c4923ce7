"""The time limit of a case (承诺时限), as plain Python.

- The limit is a number of working days after the date of acceptance; the acceptance day itself is
  not counted (行政许可法第八十二条). A 即办件 has a limit of 0: it is due on the day it is accepted.
- Suspensions (补正, 听证, 检验检测, 专家评审 …) are not counted (行政许可法第四十五条). A suspension
  from F to T covers F and T: the working days F..T do not count, and the due date moves on by them.
- ``used_workdays`` is what the statistics count: working days after acceptance up to and including
  completion, less the working days inside suspensions (clipped to that interval, so it is never
  negative). Completing on the due date uses exactly the limit; completing later uses more.

The result explains itself step by step, so a clerk and the applicant can check the due date by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from yangguang.core.workcalendar import WorkCalendar


class ClockError(ValueError):
    """An impossible history (a suspension that ends before it starts, two that overlap …)."""


@dataclass(frozen=True)
class Suspension:
    start: date
    end: date | None  # None: still suspended
    reason: str = ""


@dataclass
class ClockResult:
    status: str  # running | suspended
    due_on: date | None  # None while suspended
    provisional: bool
    suspended_workdays: int
    steps: list[str] = field(default_factory=list)


def _d(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def validate(accepted_on: date, suspensions: tuple[Suspension, ...] | list[Suspension]) -> None:
    ordered = sorted(suspensions, key=lambda s: s.start)
    for s in ordered:
        if s.start < accepted_on:
            raise ClockError(f"暂停计时的开始日期 {s.start} 早于受理日期 {accepted_on}")
        if s.end is not None and s.end < s.start:
            raise ClockError(f"暂停计时的结束日期 {s.end} 早于开始日期 {s.start}")
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.end is None or later.start <= earlier.end:
            raise ClockError("两段暂停计时不能重叠")


def due_date(accepted_on: date, limit: int, suspensions, calendar: WorkCalendar) -> ClockResult:
    """The due date of a case accepted on ``accepted_on`` with a limit of ``limit`` working days."""
    if limit < 0:
        raise ClockError("承诺时限不能为负数")
    suspensions = tuple(suspensions)
    validate(accepted_on, suspensions)
    steps = [f"{_d(accepted_on)} 受理（受理当日不计入时限）"]
    if limit == 0:
        steps.append(f"即办件，当日办结：{_d(accepted_on)}")
        return ClockResult("running", accepted_on, False, 0, steps)
    steps.append(f"承诺时限 {limit} 个工作日，自 {_d(accepted_on)} 次日起计算")
    remaining, cursor, suspended, provisional = limit, accepted_on, 0, False
    for s in sorted(suspensions, key=lambda s: s.start):
        before = calendar.count_workdays(cursor, s.start - timedelta(days=1))
        provisional |= before.provisional
        if before.days >= remaining:
            break  # the limit runs out before this suspension: it changes nothing
        remaining -= max(before.days, 0)
        label = s.reason or "暂停计时"
        if s.end is None:
            steps.append(f"{_d(s.start)} 起{label}，暂停计时（尚余 {remaining} 个工作日）")
            return ClockResult("suspended", None, provisional, suspended, steps)
        skipped = calendar.count_workdays(max(cursor, s.start - timedelta(days=1)), s.end)
        provisional |= skipped.provisional
        suspended += skipped.days
        steps.append(f"{_d(s.start)} 至 {_d(s.end)} {label}，其间 {skipped.days} 个工作日不计入")
        cursor = max(cursor, s.end)
    result = calendar.add_workdays(cursor, remaining)
    provisional |= result.provisional
    special = calendar.special_days_between(accepted_on, result.date)
    if special:
        listed = "、".join(f"{x.date.month}月{x.date.day}日{'放假' if x.kind == 'holiday' else '调休上班'}" for x in special)
        steps.append(f"期间的节假日与调休：{listed}")
    steps.append(f"办结期限：{_d(result.date)}" + ("（暂定：涉及尚未公布放假安排的年份）" if provisional else ""))
    return ClockResult("running", result.date, provisional, suspended, steps)


def used_workdays(accepted_on: date, completed_on: date, suspensions, calendar: WorkCalendar) -> int:
    """Working days after acceptance up to and including completion, less those inside suspensions."""
    if completed_on < accepted_on:
        raise ClockError(f"办结日期 {completed_on} 早于受理日期 {accepted_on}")
    used = calendar.count_workdays(accepted_on, completed_on).days
    for s in suspensions:
        start = max(s.start, accepted_on + timedelta(days=1))
        end = min(s.end or completed_on, completed_on)
        if end >= start:
            used -= calendar.count_workdays(start - timedelta(days=1), end).days
    return used
