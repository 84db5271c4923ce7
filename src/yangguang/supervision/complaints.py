"""Every write of complaints, reports and opinions (投诉/举报/意见建议) and of the mailbox openings:
keyword-only, one transaction, one audit event each.

A complaint is numbered gapless per organisation and year (``{org}-TS-{year}-{seq}``) under the
organisation first responsible for it; it is routed on registration (the citizen picks the unit on
the portal, staff register for their own unit) and rerouted by the supervision desk; it is due
``settings.COMPLAINT_LIMIT_WORKDAYS`` working days after the day it was received (the working-day
calendar), a reroute does not restart the clock; the unit records a finding and answers the
complainant when there is a way to (an anonymous letter without contact needs no answer); then it
is archived. Who may: ``complaint_selectors.HANDLER_ROLES`` / ``ROUTER_ROLES``; ``actor=None`` is the
system (demo data, the FOI re-routing)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from yangguang.core import audit, limits, tracking
from yangguang.core.calendar import get_calendar, register_recomputer
from yangguang.core.masking import mask_phone, normalise_phone
from yangguang.core.models import Organisation, User
from yangguang.core.numbering import next_number
from yangguang.core.workcalendar import WorkCalendar
from yangguang.disclosure.consultation import sender_hash
from yangguang.supervision.checks import clean_date, clean_text
from yangguang.supervision import complaint_selectors as selectors
from yangguang.supervision.models import Complaint, MailboxOpening
from yangguang.supervision.models.complaints import KINDS

NUMBER_KIND = "complaint"
NUMBER_TEMPLATE = "{org}-TS-{year}-{seq:05d}"
SUBJECT_MAX, CONTENT_MAX, NAME_MAX, TEXT_MAX, MAILBOX_MAX = 200, 4000, 50, 4000, 100
LETTERS_MAX = 500
STAFF_CHANNELS = ("mailbox", "hotline", "reception", "supervisor", "window")
FINDINGS_FOR = {
    "complaint": ("upheld", "partly", "not_upheld"),
    "report": ("upheld", "partly", "not_upheld"),
    "opinion": ("adopted", "noted"),
}
NO_ANSWER = "不需答复（无联系方式）"
ANSWER_METHODS = ["电话", "短信", "书面", "面谈", "网上答复", NO_ANSWER]
_PHONE = re.compile(r"^\d{7,20}$")

RateLimited = limits.RateLimited


@dataclass
class Submitted:
    complaint: Complaint
    secret: str


# --- checks ------------------------------------------------------------------------------------------


def _phone(value, errors: dict) -> str:
    phone = normalise_phone(str(value or ""))
    if phone and not _PHONE.match(phone):
        errors["phone"] = "联系电话应为 7–20 位数字（可不填）"
    return phone


def _user(actor) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_handler(actor, organisation: Organisation) -> None:
    if actor is not None and not selectors.can_handle(actor, organisation):
        raise PermissionDenied(f"只有{organisation}的领导、政务公开工作人员或监督人员可以办理投诉举报")


def due_date(received_on: date, limit: int | None = None) -> tuple[date, bool]:
    """The ``limit``-th working day after the day received (that day is not counted)."""
    result = get_calendar().add_workdays(received_on, limit or settings.COMPLAINT_LIMIT_WORKDAYS)
    return result.date, result.provisional


@register_recomputer("supervision.complaints")
def recompute_deadlines(*, calendar: WorkCalendar, since: date) -> int:
    """When the holiday schedule changes, open complaints whose due date the change can move are
    counted again from the day received, with the limit they were registered with."""
    changed = 0
    candidates = Complaint.objects.filter(status__in=selectors.OPEN_STATUSES, due_on__gte=since)
    for complaint in candidates.only("pk", "received_on", "limit_workdays", "due_on").iterator(chunk_size=500):
        due = calendar.add_workdays(complaint.received_on, complaint.limit_workdays).date
        if due != complaint.due_on:
            changed += Complaint.objects.filter(pk=complaint.pk, due_on=complaint.due_on).update(due_on=due)
    return changed


def _state(c: Complaint) -> dict:
    return {"status": c.status, "organisation": c.organisation.code, "due_on": c.due_on, "finding": c.finding}


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("organisation").get(pk=complaint.pk)


def _notify_routed(complaint: Complaint) -> None:
    from yangguang.supervision.notify import notify

    notify(
        recipients=selectors.leaders_to_notify(complaint.organisation),
        key=f"complaint-routed-{complaint.pk}-{complaint.organisation_id}",
        kind="complaint", organisation=complaint.organisation,
        title=f"交办{complaint.get_kind_display()}：{complaint.number}",
        body=f"{complaint.subject}（{complaint.get_channel_display()}，请于{complaint.due_on:%Y-%m-%d}前办结）",
        url=reverse("supervision-complaints:staff-detail", args=[complaint.pk]),
    )


def _clean(data: dict, errors: dict) -> dict:
    kind = str(data.get("kind") or "")
    if kind not in KINDS:
        errors["kind"] = "请选择类型（投诉、举报或意见建议）"
    anonymous = bool(data.get("anonymous"))
    name = clean_text(data.get("name"), field="name", label="姓名", limit=NAME_MAX, errors=errors)
    phone = _phone(data.get("phone"), errors)
    if anonymous:
        name = ""
    return {
        "kind": kind, "anonymous": anonymous or not name, "name": name, "phone": phone,
        "subject": clean_text(data.get("subject"), field="subject", label="标题", limit=SUBJECT_MAX, errors=errors, required=True),
        "content": clean_text(data.get("content"), field="content", label="内容", limit=CONTENT_MAX, errors=errors, required=True),
    }


def _create(*, actor, organisation: Organisation, channel: str, received_on: date, fields: dict, secret: str = "",
            sender: str = "", now=None, **links) -> Complaint:
    """Number, route and save in the caller's transaction; the number is taken last (hot row)."""
    now = now or timezone.now()
    due, _ = due_date(received_on)
    complaint = Complaint(
        channel=channel, received_on=received_on, registered_at=now, registered_by=_user(actor),
        tracking_code=tracking.new_code(), secret_hash=selectors.secret_digest(secret) if secret else "",
        sender_hash=sender, organisation=organisation, routed_at=now, routed_by=_user(actor),
        limit_workdays=settings.COMPLAINT_LIMIT_WORKDAYS, due_on=due, **fields, **links,
    )
    _, complaint.number = next_number(organisation=organisation, kind=NUMBER_KIND, year=received_on.year,
                                      default_template=NUMBER_TEMPLATE)
    complaint.save(force_insert=True)
    audit.record(actor=actor, action="complaint.register", target=complaint, after={
        **_state(complaint), "number": complaint.number, "channel": channel, "kind": complaint.kind,
        "received_on": received_on, "anonymous": complaint.anonymous,
        "phone": mask_phone(fields["phone"]) if fields["phone"] else "",
    })
    _notify_routed(complaint)
    return complaint


# --- registration ------------------------------------------------------------------------------------


def _rate_check(sender: str, now) -> None:
    limit = settings.COMPLAINT_RATE_LIMIT
    if sender:
        limits.refuse_when_over(
            Complaint.objects.filter(sender_hash=sender, registered_at__gt=now - timedelta(hours=1)), limit=limit,
            field="complaint", message=f"提交过于频繁：同一网络每小时最多提交 {limit} 件投诉、举报或意见建议，请稍后再试",
        )


def complaint_submit(*, data: dict, client_ip: str = "", today: date | None = None) -> Submitted:
    """A complaint, report or opinion left on the portal, anonymous if the citizen wishes. It is
    routed at once to the unit the citizen complains about; the tracking code and the secret
    (shown once) let the citizen read the answer."""
    today = today or selectors.local_today()
    errors: dict[str, str] = {}
    fields = _clean(data, errors)
    about = data.get("about_organisation")
    if not isinstance(about, Organisation) or not selectors.public_targets().filter(pk=about.pk).exists():
        errors["about_organisation"] = "请选择反映的单位"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    sender = sender_hash(client_ip) if client_ip else ""
    secret = tracking.new_secret(purpose=selectors.SECRET_PURPOSE)
    with audit.action(actor=None, action="complaint.register", target=about):
        _rate_check(sender, now)
        complaint = _create(actor=None, organisation=about, channel="portal", received_on=today,
                            fields={**fields, "about_organisation": about}, secret=secret, sender=sender, now=now)
    return Submitted(complaint, secret)


def complaint_register(
    *, actor, organisation: Organisation, channel: str, data: dict, received_on, about_organisation: Organisation | None = None,
    mailbox_opening: MailboxOpening | None = None, reception_visit=None, today: date | None = None,
) -> Submitted:
    """A complaint that reached ``organisation`` by the mailbox, the hotline, a reception day, an
    invited supervisor or the complaint window, registered by its staff. It is routed to
    ``organisation`` itself; the supervision desk reroutes it when another unit is responsible."""
    _require_handler(actor, organisation)
    today = today or selectors.local_today()
    errors: dict[str, str] = {}
    if channel not in STAFF_CHANNELS:
        errors["channel"] = "来源渠道应为意见箱、监督电话、接待日、特邀监督员或投诉窗口"
    fields = _clean(data, errors)
    received = clean_date(received_on, field="received_on", label="收到日期", errors=errors)
    if received is not None and received > today:
        errors["received_on"] = "收到日期不能晚于今天"
    if channel == "mailbox":
        if mailbox_opening is None:
            errors["mailbox_opening"] = "意见箱来信请选择开箱记录"
        elif mailbox_opening.organisation_id != organisation.pk:
            errors["mailbox_opening"] = "开箱记录不属于该单位"
        elif received is not None and received < timezone.localtime(mailbox_opening.opened_at).date():
            errors["received_on"] = "意见箱来信的收到日期不能早于开箱日期"
    elif mailbox_opening is not None:
        errors["mailbox_opening"] = "只有意见箱来信才能关联开箱记录"
    if channel == "reception":
        if reception_visit is None:
            errors["reception_visit"] = "接待日反映的问题请关联来访登记"
        elif reception_visit.organisation_id != organisation.pk:
            errors["reception_visit"] = "来访登记不属于该单位"
    elif reception_visit is not None:
        errors["reception_visit"] = "只有接待日反映的问题才能关联来访登记"
    if errors:
        raise ValidationError(errors)
    secret = tracking.new_secret(purpose=selectors.SECRET_PURPOSE)
    with audit.action(actor=actor, action="complaint.register", target=organisation):
        if mailbox_opening is not None:
            opening = MailboxOpening.objects.select_for_update().get(pk=mailbox_opening.pk)
            registered = Complaint.objects.filter(mailbox_opening=opening).count()
            if registered >= opening.letters:
                raise ValidationError({"mailbox_opening": f"该次开箱清点信件 {opening.letters} 封，已全部登记（{registered} 封），不能再登记"})
        complaint = _create(actor=actor, organisation=organisation, channel=channel, received_on=received,
                            fields={**fields, "about_organisation": about_organisation or organisation}, secret=secret,
                            mailbox_opening=mailbox_opening, reception_visit=reception_visit)
    return Submitted(complaint, secret)


def complaint_from_foi(*, application) -> Complaint | None:
    """An application for disclosure that was really a petition, complaint or report (信访举报投诉类
    申请, 不予处理/1) is re-routed here, to the same organisation, once: called from the FOI reply in
    its transaction; a second call returns the complaint already made."""
    existing = Complaint.objects.filter(foi_application=application).first()
    if existing is not None:
        return existing
    phone = application.phone.reveal() if application.phone else ""
    received = application.concluded_on or selectors.local_today()
    fields = {
        "kind": "complaint", "anonymous": False, "name": application.applicant_name[:NAME_MAX], "phone": phone,
        "subject": f"依申请公开转来：{application.number}"[:SUBJECT_MAX],
        "content": application.description[:CONTENT_MAX] or "（申请内容为空）",
        "about_organisation": application.organisation,
    }
    return _create(actor=None, organisation=application.organisation, channel="foi", received_on=received,
                   fields=fields, foi_application=application)


# --- routing and handling ----------------------------------------------------------------------------


def complaint_route(*, actor, complaint: Complaint, organisation: Organisation, reason: str) -> Complaint:
    """The supervision desk sends the complaint to another responsible unit; the due date stays
    (the complainant's clock runs from the day received). The new unit's leaders are notified."""
    if actor is not None and not (selectors.can_route(actor, complaint.organisation) and selectors.can_route(actor, organisation)):
        raise PermissionDenied("只有监督人员可以交办、转办投诉举报（须同时管辖原承办单位和新承办单位）")
    errors: dict[str, str] = {}
    reason = clean_text(reason, field="reason", label="转办理由", limit=SUBJECT_MAX, errors=errors, required=True)
    if not organisation.is_active:
        errors["organisation"] = f"{organisation}已停用"
    if errors:
        raise ValidationError(errors)
    with audit.action(actor=actor, action="complaint.route", target=complaint, reason=reason):
        locked = _locked(complaint)
        if locked.status not in selectors.OPEN_STATUSES:
            raise ValidationError({"status": f"该件{locked.get_status_display()}，不能再转办"})
        if locked.organisation_id == organisation.pk:
            raise ValidationError({"organisation": f"该件已由{organisation}承办"})
        before = _state(locked)
        locked.organisation, locked.routed_at, locked.routed_by = organisation, timezone.now(), _user(actor)
        locked.status = Complaint.Status.REGISTERED
        locked.save(update_fields=["organisation", "routed_at", "routed_by", "status"])
        audit.record(actor=actor, action="complaint.route", target=locked, before=before, after=_state(locked), reason=reason)
        _notify_routed(locked)
    return locked


def complaint_handle(*, actor, complaint: Complaint, handling: str) -> Complaint:
    """The unit takes the complaint in hand and records how it is being handled (办理情况)."""
    _require_handler(actor, complaint.organisation)
    errors: dict[str, str] = {}
    handling = clean_text(handling, field="handling", label="办理情况", limit=TEXT_MAX, errors=errors, required=True)
    if errors:
        raise ValidationError(errors)
    with audit.action(actor=actor, action="complaint.handle", target=complaint):
        locked = _locked(complaint)
        if locked.status not in selectors.OPEN_STATUSES:
            raise ValidationError({"status": f"该件{locked.get_status_display()}，不能再登记办理情况"})
        before = _state(locked)
        locked.status, locked.handling = Complaint.Status.HANDLING, handling
        locked.save(update_fields=["status", "handling"])
        audit.record(actor=actor, action="complaint.handle", target=locked, before=before, after=_state(locked))
    return locked


def has_contact(complaint: Complaint) -> bool:
    """A way to answer: a phone number, or the portal's tracking code, or the FOI applicant's address."""
    return bool(complaint.phone) or (complaint.channel == "portal" and bool(complaint.secret_hash)) or complaint.channel == "foi"


def complaint_answer(
    *, actor, complaint: Complaint, finding: str, handling: str, answer: str, answer_method: str,
    answered_on, today: date | None = None,
) -> Complaint:
    """The finding (属实/部分属实/不属实, or for an opinion 采纳/收悉), how it was handled and the
    answer given to the complainant. Without any contact the answer may be "不需答复"."""
    _require_handler(actor, complaint.organisation)
    today = today or selectors.local_today()
    errors: dict[str, str] = {}
    handling = clean_text(handling, field="handling", label="办理情况", limit=TEXT_MAX, errors=errors, required=True)
    answer = clean_text(answer, field="answer", label="答复内容", limit=TEXT_MAX, errors=errors)
    answered = clean_date(answered_on, field="answered_on", label="答复日期", errors=errors)
    allowed = FINDINGS_FOR.get(complaint.kind, ())
    if finding not in allowed:
        labels = "、".join(Complaint.Finding(f).label for f in allowed)
        errors["finding"] = f"核查结论：{complaint.get_kind_display()}应为{labels}之一"
    if answer_method not in ANSWER_METHODS:
        errors["answer_method"] = "请选择答复方式"
    elif answer_method == NO_ANSWER:
        if has_contact(complaint):
            errors["answer_method"] = "答复方式：投诉人留有联系方式，必须答复"
    elif not answer and "answer" not in errors:
        errors["answer"] = "请填写答复内容"
    if answered is not None and answered < complaint.received_on:
        errors["answered_on"] = "答复日期不能早于收到日期"
    elif answered is not None and answered > today:
        errors["answered_on"] = "答复日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    with audit.action(actor=actor, action="complaint.answer", target=complaint):
        locked = _locked(complaint)
        if locked.status not in selectors.OPEN_STATUSES:
            raise ValidationError({"status": f"该件{locked.get_status_display()}，不能重复答复"})
        before = _state(locked)
        locked.status, locked.finding, locked.handling = Complaint.Status.ANSWERED, finding, handling
        locked.answer, locked.answer_method, locked.answered_on = answer, answer_method, answered
        locked.answered_by = _user(actor)
        locked.save(update_fields=["status", "finding", "handling", "answer", "answer_method", "answered_on", "answered_by"])
        audit.record(actor=actor, action="complaint.answer", target=locked, before=before,
                     after={**_state(locked), "answered_on": answered, "answer_method": answer_method,
                            "overdue": answered > locked.due_on})
    return locked


def complaint_archive(*, actor, complaint: Complaint, archived_on: date | None = None, today: date | None = None) -> Complaint:
    """File an answered complaint. Two clerks clicking at once archive it once."""
    _require_handler(actor, complaint.organisation)
    today = today or selectors.local_today()
    archived_on = archived_on or today
    if archived_on > today or (complaint.answered_on and archived_on < complaint.answered_on):
        raise ValidationError({"archived_on": "归档日期应在答复日期与今天之间"})
    with audit.action(actor=actor, action="complaint.archive", target=complaint):
        changed = Complaint.objects.filter(pk=complaint.pk, status=Complaint.Status.ANSWERED).update(
            status=Complaint.Status.ARCHIVED, archived_on=archived_on)
        if changed != 1:
            current = Complaint.objects.get(pk=complaint.pk)
            raise ValidationError({"status": f"该件{current.get_status_display()}，只有已答复的件才能归档"})
        complaint.refresh_from_db()
        audit.record(actor=actor, action="complaint.archive", target=complaint,
                     before={"status": Complaint.Status.ANSWERED}, after={"status": complaint.status, "archived_on": archived_on})
    return complaint


# --- the mailbox ---------------------------------------------------------------------------------


def mailbox_open(
    *, actor, organisation: Organisation, mailbox: str, opened_at, letters, witness: User | None = None,
    note: str = "", now=None,
) -> MailboxOpening:
    """"定期开箱": record when the box was opened, by whom, before which witness, how many letters."""
    _require_handler(actor, organisation)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    mailbox = clean_text(mailbox, field="mailbox", label="意见箱", limit=MAILBOX_MAX, errors=errors, required=True)
    note = clean_text(note, field="note", label="说明", limit=TEXT_MAX, errors=errors)
    if not isinstance(opened_at, datetime):
        errors["opened_at"] = "请填写开箱时间"
    elif opened_at > now:
        errors["opened_at"] = "开箱时间不能晚于现在"
    try:
        count = int(letters)
    except (TypeError, ValueError):
        count = -1
    if not 0 <= count <= LETTERS_MAX:
        errors["letters"] = f"信件数应为 0 到 {LETTERS_MAX} 之间的整数"
    opener = _user(actor)
    if opener is None:
        errors["opened_by"] = "开箱人须为登录的工作人员"
    if witness is not None and opener is not None and witness.pk == opener.pk:
        errors["witness"] = "见证人不能是开箱人本人"
    if errors:
        raise ValidationError(errors)
    with audit.action(actor=actor, action="mailbox.open", target=organisation):
        opening = MailboxOpening.objects.create(organisation=organisation, mailbox=mailbox, opened_at=opened_at,
                                                opened_by=opener, witness=witness, letters=count, note=note)
        audit.record(actor=actor, action="mailbox.open", target=opening, after={
            "mailbox": mailbox, "opened_at": opened_at, "letters": count, "witness": str(witness or "")})
    return opening


def letters_left(opening: MailboxOpening) -> int:
    registered = getattr(opening, "registered", None)
    if registered is None:
        registered = MailboxOpening.objects.filter(pk=opening.pk).aggregate(n=Count("letters_registered"))["n"]
    return max(0, opening.letters - registered)

