"""The statutory clock of an application for disclosure (政府信息公开条例, 2019), as plain Python.

- 第三十三条: reply within 20 working days of the date of receipt; the start day is not counted.
- 第三十三条: one extension of at most 20 working days, approved by the head of the office.
- 第三十条: if the application is unclear the office asks once for a correction (补正); the 20 days
  start again from the day the corrected application is received; until then the clock stands.
- 第三十二条 / 第三十四条: time spent consulting a third party (who has 15 working days) or another
  agency is not counted: the clock pauses and resumes.

A pause from F to T covers F and T (the same convention as the service centre's suspensions): the
working days F..T are not counted. The result explains itself step by step, so that the officer and
the applicant can check the due date by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from yangguang.core.workcalendar import WorkCalendar

REPLY_WORKDAYS = 20
MAX_EXTENSION_WORKDAYS = 20
CORRECTION_REQUEST_WORKDAYS = 7  # the office must ask for a correction within 7 working days
THIRD_PARTY_WORKDAYS = 15


class ClockError(ValueError):
    """An impossible history (a pause that ends before it starts, two extensions …)."""


@dataclass(frozen=True)
class Pause:
    start: date
    end: date | None  # None: still paused
    reason: str  # e.g. 征求第三方意见


@dataclass(frozen=True)
class ClockInput:
    received_on: date
    correction_requested_on: date | None = None
    correction_received_on: date | None = None
    pauses: tuple[Pause, ...] = ()
    extension_workdays: int = 0


@dataclass
class ClockResult:
    status: str  # running | awaiting_correction | paused
    start: date  # the day after which days are counted
    due_on: date | None
    provisional: bool
    counted_workdays: int  # 20 + extension
    paused_workdays: int
    steps: list[str] = field(default_factory=list)


def _d(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def compute(clock: ClockInput, calendar: WorkCalendar) -> ClockResult:
    _validate(clock, calendar)
    steps = [f"{_d(clock.received_on)} 收到申请（收到申请之日不计入期限）"]
    start = clock.received_on
    if clock.correction_requested_on is not None:
        steps.append(f"{_d(clock.correction_requested_on)} 一次性告知申请人补正，期限停止计算")
        if clock.correction_received_on is None:
            return ClockResult("awaiting_correction", start, None, False, 0, 0, steps)
        start = clock.correction_received_on
        steps.append(f"{_d(start)} 收到补正后的申请，答复期限自此重新计算")
    total = REPLY_WORKDAYS + clock.extension_workdays
    steps.append(f"自 {_d(start)} 次日起计算 {REPLY_WORKDAYS} 个工作日")
    if clock.extension_workdays:
        steps.append(f"经批准延长 {clock.extension_workdays} 个工作日，共 {total} 个工作日")
    remaining, cursor, paused, provisional = total, start, 0, False
    relevant = (p for p in clock.pauses if p.end is None or p.end > start)  # a pause before a restart is spent
    for pause in sorted(relevant, key=lambda p: p.start):
        pause = Pause(max(pause.start, start + timedelta(days=1)), pause.end, pause.reason)
        before = calendar.count_workdays(cursor, pause.start - timedelta(days=1))
        provisional |= before.provisional
        if before.days >= remaining:
            break  # the deadline falls before this pause: it changes nothing
        remaining -= max(before.days, 0)
        if pause.end is None:
            steps.append(f"{_d(pause.start)} 起{pause.reason}，期限暂停（尚余 {remaining} 个工作日）")
            return ClockResult("paused", start, None, provisional, total, paused, steps)
        skipped = calendar.count_workdays(pause.start - timedelta(days=1), pause.end)
        provisional |= skipped.provisional
        paused += skipped.days
        steps.append(f"{_d(pause.start)} 至 {_d(pause.end)} {pause.reason}，其间 {skipped.days} 个工作日不计入")
        cursor = max(cursor, pause.end)
    result = calendar.add_workdays(cursor, remaining)
    provisional |= result.provisional
    special = calendar.special_days_between(start, result.date)
    if special:
        listed = "、".join(f"{s.date.month}月{s.date.day}日{'放假' if s.kind == 'holiday' else '调休上班'}" for s in special)
        steps.append(f"期间的节假日与调休：{listed}")
    steps.append(f"答复期限：{_d(result.date)}" + ("（暂定：涉及尚未公布放假安排的年份）" if provisional else ""))
    return ClockResult("running", start, result.date, provisional, total, paused, steps)


def correction_request_deadline(received_on: date, calendar: WorkCalendar) -> date:
    """The last day on which the office may still ask for a correction (第三十条: 7 working days)."""
    return calendar.add_workdays(received_on, CORRECTION_REQUEST_WORKDAYS).date


def _validate(clock: ClockInput, calendar: WorkCalendar) -> None:
    if not 0 <= clock.extension_workdays <= MAX_EXTENSION_WORKDAYS:
        raise ClockError(f"延长期限不得超过 {MAX_EXTENSION_WORKDAYS} 个工作日")
    if clock.correction_received_on is not None and clock.correction_requested_on is None:
        raise ClockError("没有告知补正，就不会收到补正后的申请")
    if clock.correction_requested_on is not None:
        if clock.correction_requested_on < clock.received_on:
            raise ClockError("补正告知不能早于收到申请之日")
        if clock.correction_requested_on > correction_request_deadline(clock.received_on, calendar):
            raise ClockError("补正须在收到申请之日起 7 个工作日内一次性告知")
        if clock.correction_received_on is not None and clock.correction_received_on < clock.correction_requested_on:
            raise ClockError("收到补正不能早于告知补正")
    ordered = sorted(clock.pauses, key=lambda p: p.start)
    for pause in ordered:
        if pause.end is not None and pause.end < pause.start:
            raise ClockError(f"暂停的结束日期 {pause.end} 早于开始日期 {pause.start}")
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.end is None or later.start <= earlier.end:
            raise ClockError("两段暂停不能重叠")
