"""Every write of the reception days: keyword-only, one transaction, one audit event each.

Who may write: an organisation's schedule, its leaders and changes to single months are set by its
leaders or the supervision desk (``selectors.SCHEDULE_ROLES``); the register of visits is kept by
the leaders, the supervision desk and the disclosure office (``selectors.VISIT_ROLES``). Anyone
else — above all a person of another organisation — is refused. ``actor=None`` is the system
itself (demo data, commands)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError

from yangguang.core import audit
from yangguang.core.calendar import get_calendar
from yangguang.core.masking import mask_phone, normalise_phone
from yangguang.core.models import Organisation, User
from yangguang.supervision.checks import clean_date, clean_text
from yangguang.supervision import selectors
from yangguang.supervision.models import ReceptionDay, ReceptionLeader, ReceptionSchedule, ReceptionVisit
from yangguang.supervision.reception import MAX_OVERRIDE_SHIFT_DAYS, Month, RuleError, check_day_of_month

PLACE_MAX, HOURS_MAX, REASON_MAX, NAME_MAX = 200, 100, 200, 50
NOTE_MAX, ISSUES_MAX, REPLY_MAX = 2000, 4000, 4000
EARLIEST = date(2000, 1, 1)
_PHONE = re.compile(r"^\d{7,20}$")


# --- checks ------------------------------------------------------------------------------------------


def _require_schedule_rights(actor, organisation: Organisation) -> None:
    if actor is not None and not selectors.can_manage_schedule(actor, organisation):
        raise PermissionDenied(f"只有{organisation}的领导或监督人员可以设置接待日安排")


def _require_visit_rights(actor, organisation: Organisation) -> None:
    if actor is not None and not selectors.can_record_visits(actor, organisation):
        raise PermissionDenied(f"只有{organisation}的领导、监督人员或政务公开工作人员可以登记接待情况")


def _user_ref(user: User | None) -> str:
    return f"{user.username}（{user}）" if user is not None else ""


def _actor_user(actor) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- schedule ----------------------------------------------------------------------------------------


def schedule_save(
    *, actor, organisation: Organisation, day_of_month: int, place: str, hours: str,
    rotation_starts_on: date, note: str = "", active: bool = True,
) -> ReceptionSchedule:
    """Create or change the organisation's schedule (one per organisation)."""
    _require_schedule_rights(actor, organisation)
    errors: dict[str, str] = {}
    try:
        check_day_of_month(day_of_month)
    except RuleError as exc:
        errors["day_of_month"] = str(exc)
    place = clean_text(place, field="place", label="接待地点", limit=PLACE_MAX, errors=errors, required=True)
    hours = clean_text(hours, field="hours", label="接待时间", limit=HOURS_MAX, errors=errors, required=True)
    note = clean_text(note, field="note", label="说明", limit=NOTE_MAX, errors=errors)
    starts = clean_date(rotation_starts_on, field="rotation_starts_on", label="轮值起始月份", errors=errors)
    if errors:
        raise ValidationError(errors)
    fields = {"day_of_month": day_of_month, "place": place, "hours": hours, "note": note,
              "rotation_starts_on": starts.replace(day=1), "active": bool(active)}
    with audit.action(actor=actor, action="reception.schedule.save", target=organisation):
        schedule = ReceptionSchedule.objects.select_for_update().filter(organisation=organisation).first()
        before = None
        if schedule is None:
            schedule = ReceptionSchedule(organisation=organisation, **fields)
        else:
            before = {name: getattr(schedule, name) for name in fields}
            for name, value in fields.items():
                setattr(schedule, name, value)
        schedule.save()
        audit.record(actor=actor, action="reception.schedule.save", target=schedule, before=before, after=fields)
    return schedule


def schedule_leaders_set(*, actor, schedule: ReceptionSchedule, leaders: Sequence[User]) -> list[ReceptionLeader]:
    """Replace the rotation with ``leaders`` in this order. Each must be one of the organisation's
    own leaders (局领导), and nobody may be listed twice."""
    organisation = schedule.organisation
    _require_schedule_rights(actor, organisation)
    leaders = list(leaders)
    seen: set[int] = set()
    for user in leaders:
        if user.pk in seen:
            raise ValidationError({"leaders": f"轮值领导：{user} 重复出现"})
        seen.add(user.pk)
        if not selectors.is_leader_of(user, organisation):
            raise ValidationError({"leaders": f"轮值领导：{user} 不是{organisation}的领导，不能轮值"})
    with audit.action(actor=actor, action="reception.leaders.set", target=schedule):
        ReceptionSchedule.objects.select_for_update().filter(pk=schedule.pk).first()  # one editor at a time
        before = list(schedule.leaders.order_by("order").values_list("user__username", flat=True))
        schedule.leaders.all().delete()
        rows = ReceptionLeader.objects.bulk_create(
            ReceptionLeader(schedule=schedule, user=user, order=n) for n, user in enumerate(leaders, start=1)
        )
        audit.record(actor=actor, action="reception.leaders.set", target=schedule,
                     before={"leaders": before}, after={"leaders": [u.username for u in leaders]})
    if hasattr(schedule, "ordered_leaders"):
        del schedule.ordered_leaders
    return rows


def reception_day_change(
    *, actor, schedule: ReceptionSchedule, month: date, reason: str, cancelled: bool = False,
    held_on: date | None = None, substitute: User | None = None,
) -> ReceptionDay:
    """Cancel one month's reception, or hold it on another working day or with a substitute leader.
    The reason is published with the schedule."""
    organisation = schedule.organisation
    _require_schedule_rights(actor, organisation)
    errors: dict[str, str] = {}
    reason = clean_text(reason, field="reason", label="原因", limit=REASON_MAX, errors=errors, required=True)
    month_day = clean_date(month, field="month", label="月份", errors=errors)
    held_on = clean_date(held_on, field="held_on", label="改期日期", errors=errors, required=False)
    if cancelled and (held_on or substitute):
        errors["cancelled"] = "取消本月接待时不能同时填写改期日期或代班领导"
    if not cancelled and not held_on and substitute is None and "held_on" not in errors:
        errors["held_on"] = "请填写改期日期或选择代班领导（或选择取消本月接待）"
    if substitute is not None and not selectors.is_leader_of(substitute, organisation):
        errors["substitute"] = f"代班领导：{substitute} 不是{organisation}的领导"
    if month_day and held_on and "held_on" not in errors:
        calendar = get_calendar()
        by_rule = selectors.rule_of(schedule).reception(Month.of(month_day), calendar).on
        if not calendar.is_workday(held_on):
            errors["held_on"] = f"改期日期 {held_on:%Y-%m-%d} 不是工作日"
        elif abs((held_on - by_rule).days) > MAX_OVERRIDE_SHIFT_DAYS:
            errors["held_on"] = f"改期日期应在原定接待日（{by_rule:%Y-%m-%d}）前后 {MAX_OVERRIDE_SHIFT_DAYS} 天以内"
    if errors:
        raise ValidationError(errors)
    first = month_day.replace(day=1)
    after = {"month": first, "cancelled": bool(cancelled), "held_on": held_on,
             "substitute": _user_ref(substitute), "reason": reason}
    with audit.action(actor=actor, action="reception.day.change", target=schedule, reason=reason):
        change, created = ReceptionDay.objects.select_for_update().get_or_create(
            schedule=schedule, month=first,
            defaults={"cancelled": bool(cancelled), "held_on": held_on, "substitute": substitute, "reason": reason,
                      "decided_by": _actor_user(actor)},
        )
        before = None
        if not created:
            before = {"month": first, "cancelled": change.cancelled, "held_on": change.held_on,
                      "substitute": _user_ref(change.substitute), "reason": change.reason}
            change.cancelled, change.held_on, change.substitute, change.reason = bool(cancelled), held_on, substitute, reason
            change.decided_by = _actor_user(actor)
            change.save()
        audit.record(actor=actor, action="reception.day.change", target=schedule, before=before, after=after, reason=reason)
    return change


def reception_day_restore(*, actor, schedule: ReceptionSchedule, month: date) -> bool:
    """Undo a change: the month's reception follows the rule again. False when there was none."""
    _require_schedule_rights(actor, schedule.organisation)
    first = month.replace(day=1)
    with audit.action(actor=actor, action="reception.day.restore", target=schedule):
        deleted, _ = ReceptionDay.objects.filter(schedule=schedule, month=first).delete()
        if deleted:
            audit.record(actor=actor, action="reception.day.restore", target=schedule, before={"month": first})
    return bool(deleted)


# --- visits ------------------------------------------------------------------------------------------


def _check_duty_leader(organisation: Organisation, duty_leader: User | None, errors: dict) -> None:
    if duty_leader is None:
        errors["duty_leader"] = "请选择值班领导"
        return
    schedule = selectors.schedule_of(organisation)
    listed = schedule is not None and any(u.pk == duty_leader.pk for u in selectors.leaders_of(schedule))
    if not listed and not selectors.is_leader_of(duty_leader, organisation):
        errors["duty_leader"] = f"值班领导：{duty_leader} 不是{organisation}的领导"


def _check_phone(value, errors: dict) -> str:
    phone = normalise_phone(str(value or ""))
    if phone and not _PHONE.match(phone):
        errors["contact_phone"] = "联系方式应为 7–20 位数字的电话号码（可不填）"
    return phone


def _check_reply(reply: str, replied_on: date | None, visited_on: date | None, today: date, errors: dict) -> None:
    if replied_on is not None and not reply:
        errors.setdefault("reply", "填写答复日期时请同时填写答复情况")
    if reply and replied_on is None and "replied_on" not in errors:
        errors["replied_on"] = "请填写答复日期"
    if replied_on is not None and visited_on is not None and replied_on < visited_on:
        errors["replied_on"] = "答复日期不能早于接待日期"
    if replied_on is not None and replied_on > today:
        errors["replied_on"] = "答复日期不能晚于今天"


def _visit_after(visit: ReceptionVisit) -> dict:
    return {"visited_on": visit.visited_on, "duty_leader": _user_ref(visit.duty_leader), "visitor_name": visit.visitor_name,
            "contact_phone": mask_phone(visit.contact_phone.reveal()) if visit.contact_phone else "",
            "replied_on": visit.replied_on, "follow_up_needed": visit.follow_up_needed}


def visit_record(
    *, actor, organisation: Organisation, visited_on: date, duty_leader: User | None, visitor_name: str, issues: str,
    contact_phone: str = "", reply: str = "", replied_on: date | None = None, follow_up_needed: bool = False,
    today: date | None = None,
) -> ReceptionVisit:
    """One line of the register. The phone number is stored encrypted and only ever shown masked."""
    _require_visit_rights(actor, organisation)
    today = today or selectors.local_today()
    errors: dict[str, str] = {}
    visited = clean_date(visited_on, field="visited_on", label="接待日期", errors=errors)
    if visited is not None and visited > today:
        errors["visited_on"] = "接待日期不能晚于今天"
    elif visited is not None and visited < EARLIEST:
        errors["visited_on"] = f"接待日期不能早于 {EARLIEST:%Y-%m-%d}"
    _check_duty_leader(organisation, duty_leader, errors)
    visitor_name = clean_text(visitor_name, field="visitor_name", label="来访人", limit=NAME_MAX, errors=errors, required=True)
    phone = _check_phone(contact_phone, errors)
    issues = clean_text(issues, field="issues", label="反映问题", limit=ISSUES_MAX, errors=errors, required=True)
    reply = clean_text(reply, field="reply", label="答复情况", limit=REPLY_MAX, errors=errors)
    replied = clean_date(replied_on, field="replied_on", label="答复日期", errors=errors, required=False)
    _check_reply(reply, replied, visited, today, errors)
    if errors:
        raise ValidationError(errors)
    recorder = _actor_user(actor) or duty_leader
    with audit.action(actor=actor, action="reception.visit.record", target=organisation):
        visit = ReceptionVisit.objects.create(
            organisation=organisation, visited_on=visited, duty_leader=duty_leader, visitor_name=visitor_name,
            contact_phone=phone, issues=issues, reply=reply, replied_on=replied,
            follow_up_needed=bool(follow_up_needed), recorded_by=recorder,
        )
        audit.record(actor=actor, action="reception.visit.record", target=visit, after=_visit_after(visit))
    return visit


def visit_reply(
    *, actor, visit: ReceptionVisit, reply: str, replied_on: date, follow_up_needed: bool,
    today: date | None = None,
) -> ReceptionVisit:
    """Record (or correct) the reply given to the visitor."""
    _require_visit_rights(actor, visit.organisation)
    today = today or selectors.local_today()
    errors: dict[str, str] = {}
    reply = clean_text(reply, field="reply", label="答复情况", limit=REPLY_MAX, errors=errors, required=True)
    replied = clean_date(replied_on, field="replied_on", label="答复日期", errors=errors)
    _check_reply(reply, replied, visit.visited_on, today, errors)
    if errors:
        raise ValidationError(errors)
    with audit.action(actor=actor, action="reception.visit.reply", target=visit):
        locked = ReceptionVisit.objects.select_for_update().get(pk=visit.pk)
        if locked.follow_up_closed_on is not None and not follow_up_needed:
            raise ValidationError({"follow_up_needed": "跟踪办理已办结，不能改为“无需跟踪”"})
        before = {"reply": locked.reply, "replied_on": locked.replied_on, "follow_up_needed": locked.follow_up_needed}
        locked.reply, locked.replied_on, locked.follow_up_needed = reply, replied, bool(follow_up_needed)
        locked.save(update_fields=["reply", "replied_on", "follow_up_needed"])
        audit.record(actor=actor, action="reception.visit.reply", target=locked, before=before,
                     after={"reply": reply, "replied_on": replied, "follow_up_needed": bool(follow_up_needed)})
    return locked


def visit_follow_up_close(*, actor, visit: ReceptionVisit, closed_on: date | None = None, today: date | None = None) -> ReceptionVisit:
    """Close the follow-up of a visit that needed one. Two clerks clicking at once close it once."""
    _require_visit_rights(actor, visit.organisation)
    today = today or selectors.local_today()
    closed_on = closed_on or today
    if closed_on > today or closed_on < visit.visited_on:
        raise ValidationError({"closed_on": "办结日期应在接待日期与今天之间"})
    with audit.action(actor=actor, action="reception.visit.close", target=visit):
        changed = ReceptionVisit.objects.filter(
            pk=visit.pk, follow_up_needed=True, follow_up_closed_on__isnull=True,
        ).exclude(replied_on__isnull=True).update(follow_up_closed_on=closed_on)
        if changed != 1:
            current = ReceptionVisit.objects.get(pk=visit.pk)
            if current.replied_on is None:
                raise ValidationError({"reply": "请先登记答复情况，再办结跟踪"})
            raise ValidationError({"state": "该来访无需跟踪或已经办结（可能已被他人处理）"})
        visit.refresh_from_db()
        audit.record(actor=actor, action="reception.visit.close", target=visit,
                     before={"follow_up_closed_on": None}, after={"follow_up_closed_on": closed_on})
    return visit
