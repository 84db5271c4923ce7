"""Every write of applications for disclosure: keyword-only, one transaction, one audit event each.

State changes lock the application row (``select_for_update``) and check the state table in
``rules.TRANSITIONS`` under the lock, so two officers acting at once cannot both succeed: the second
is told what happened. The statutory clock (``clock.compute``) is re-run after every change and its
due date and warning date are stored on the row, so queues are indexed queries.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from yangguang.core import audit, limits, tracking
from yangguang.core import calendar as workdays
from yangguang.core.attachments import attachment_store, check_upload
from yangguang.core.models import Organisation, Role
from yangguang.core.numbering import next_number
from yangguang.core.selectors import organisations_for
from yangguang.core.workcalendar import WorkCalendar
from yangguang.disclosure.consultation import plain_text, sender_hash
from yangguang.foi import clock, rules
from yangguang.foi.models import Application, FeeNotice, Letter, Note, Pause, Review
from yangguang.supervision.lights import warning_day

NUMBER_KIND = "foi_application"
NUMBER_TEMPLATE = "{org}-YSQ-{year}-{seq:05d}"
SECRET_LENGTH = tracking.SECRET_LENGTH
SECRET_PURPOSE = "foi-tracking-secret"
DESCRIPTION_MAX = 2000
TEXT_MAX = 2000
MAX_ATTACHMENTS = 5
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
OFFICER_ROLES = (Role.DISCLOSURE_OFFICER,)
HEAD_ROLES = (Role.LEADER,)
PETITION_RESULT = "not_processed.petition_or_complaint"


RateLimited = limits.RateLimited  # kept under this name for callers


# --- helpers ----------------------------------------------------------------------------------------


def local_today() -> date:
    return timezone.localdate()


def _require(actor, organisation: Organisation, roles=OFFICER_ROLES) -> None:
    if actor is None or not organisations_for(actor, roles).filter(pk=organisation.pk).exists():
        labels = "、".join(Role(r).label for r in roles)
        raise PermissionDenied(f"只有{organisation}的{labels}可以办理此事项")


def _secret_digest(secret: str) -> str:
    return tracking.secret_digest(secret, purpose=SECRET_PURPOSE)


def secret_matches(application: Application, secret: str) -> bool:
    return tracking.secret_matches(application.secret_hash, secret, purpose=SECRET_PURPOSE)


def _new_tracking_code() -> str:
    return tracking.new_code()


def _new_secret(submission_key: uuid.UUID | None = None) -> str:
    return tracking.new_secret(submission_key, purpose=SECRET_PURPOSE)


def cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _locked(application: Application) -> Application:
    locked = Application.objects.select_for_update().filter(pk=application.pk).first()
    if locked is None:
        raise ValidationError({"application": "该申请不存在"})
    return locked


def _check(action: str, application: Application) -> None:
    error = rules.transition_error(action, application.status)
    if error:
        if application.status == rules.CLOSED and application.concluded_by_id:
            error += f"（已由{application.concluded_by}于{cn_date(application.concluded_on)}办结）"
        raise ValidationError({"status": error})


def _state(application: Application) -> dict:
    return {"status": application.status, "due_on": application.due_on, "result": application.result}


# --- the clock on the row -------------------------------------------------------------------------


def clock_input(application: Application, pauses: list[Pause] | None = None) -> clock.ClockInput:
    if pauses is None:
        pauses = list(application.pauses.all()) if application.pk else []
    return clock.ClockInput(
        received_on=application.received_on,
        correction_requested_on=application.correction_requested_on,
        correction_received_on=application.correction_received_on,
        pauses=tuple(clock.Pause(p.started_on, p.ended_on, p.get_kind_display()) for p in pauses),
        extension_workdays=application.extension_workdays,
    )


def clock_for(application: Application, calendar: WorkCalendar | None = None) -> clock.ClockResult | None:
    """How the due date was reached, step by step (None before the application is received)."""
    if application.received_on is None:
        return None
    return clock.compute(clock_input(application), calendar or workdays.get_calendar())


def _apply_clock(application: Application, calendar: WorkCalendar | None = None) -> bool:
    """Store the due and warning dates; True when they changed."""
    before = (application.due_on, application.warning_on, application.due_provisional)
    # A closed application keeps the due date that applied to it (was it answered in time?).
    if application.received_on is None:
        application.due_on = application.warning_on = None
        application.due_provisional = False
    else:
        calendar = calendar or workdays.get_calendar()
        try:
            result = clock.compute(clock_input(application), calendar)
        except clock.ClockError as exc:
            raise ValidationError({"clock": str(exc)}) from None
        application.due_on = result.due_on
        application.due_provisional = result.provisional
        # The earlier of "N working days before the due date" and "P% of the limit used" (电子监察黄灯).
        application.warning_on = (
            warning_day(result.due_on, limit=clock.REPLY_WORKDAYS + application.extension_workdays,
                        warning_workdays=settings.FOI_WARNING_WORKDAYS,
                        share_percent=settings.SUPERVISION_YELLOW_SHARE_PERCENT, calendar=calendar)
            if result.due_on else None
        )
    return before != (application.due_on, application.warning_on, application.due_provisional)


def _save(application: Application, *fields: str) -> None:
    _apply_clock(application)
    application.save(update_fields=[*fields, "status", "due_on", "warning_on", "due_provisional"])


@workdays.register_recomputer("foi")
def recompute_deadlines(*, calendar: WorkCalendar, since: date) -> int:
    """Recompute the due dates of open applications that the change of the calendar can move."""
    changed = 0
    candidates = Application.objects.exclude(status=rules.CLOSED).exclude(received_on=None).filter(
        models_q_due_after(since)
    ).prefetch_related("pauses")
    for application in candidates.iterator(chunk_size=500):
        if _apply_clock(application, calendar):
            application.save(update_fields=["due_on", "warning_on", "due_provisional"])
            changed += 1
    return changed


def models_q_due_after(since: date) -> Q:
    # A due date before ``since`` was counted over days the change does not touch; anything still
    # undecided (no due date yet: paused or waiting) is recomputed too.
    return Q(due_on__gte=since) | Q(due_on__isnull=True) | Q(due_provisional=True)


# --- intake ------------------------------------------------------------------------------------------


@dataclass
class Submitted:
    application: Application
    secret: str  # shown to the applicant; only its keyed hash is stored
    created: bool  # False when the same submission_key came again (double click)


APPLICANT_FIELDS = (
    "applicant_type", "applicant_name", "id_type", "id_number", "legal_representative", "contact_person",
    "phone", "email", "address", "postcode", "description", "form", "delivery",
)


def clean_applicant(data: dict) -> dict:
    """Validate what an applicant fills in (第二十九条); every error names its field."""
    errors: dict[str, str] = {}
    clean: dict = {}
    for name in APPLICANT_FIELDS:
        value = data.get(name)
        clean[name] = plain_text(str(value)) if value is not None else ""

    def choice(name: str, options: dict[str, str], label: str) -> None:
        if clean[name] not in options:
            errors[name] = f"请选择{label}" if not clean[name] else f"{label}“{clean[name]}”无效，可选：{'、'.join(options.values())}"

    choice("applicant_type", rules.APPLICANT_TYPES, "申请人类型")
    choice("id_type", rules.ID_TYPES, "证件类型")
    choice("form", rules.FORMS, "获取信息的形式")
    choice("delivery", rules.DELIVERIES, "获取信息的方式")
    limits = {
        "applicant_name": 100, "legal_representative": 50, "contact_person": 50, "id_number": 40,
        "phone": 30, "email": 100, "address": 200, "postcode": 6,
    }
    for name, limit in limits.items():
        if len(clean[name]) > limit:
            errors[name] = f"不能超过 {limit} 个字（现为 {len(clean[name])} 个字）"
    if not clean["applicant_name"]:
        errors["applicant_name"] = "请填写申请人姓名或名称"
    if not clean["id_number"]:
        errors.setdefault("id_number", "请填写证件号码")
    elif "id_number" not in errors:
        clean["id_number"] = clean["id_number"].upper()
        if clean["id_type"] == "resident_id":
            message = rules.resident_id_error(clean["id_number"])
            if message:
                errors["id_number"] = message
        elif clean["id_type"] == "credit_code":
            message = rules.credit_code_error(clean["id_number"])
            if message:
                errors["id_number"] = message
    if clean["applicant_type"] == rules.NATURAL_PERSON and clean["id_type"] == "credit_code":
        errors["id_type"] = "自然人请选择个人身份证件"
    if clean["applicant_type"] in rules.APPLICANT_TYPES and clean["applicant_type"] != rules.NATURAL_PERSON:
        if clean["id_type"] not in rules.ORGANISATION_ID_TYPES and "id_type" not in errors:
            errors["id_type"] = "法人或其他组织请填写统一社会信用代码或其他有效证明"
        if not clean["contact_person"]:
            errors.setdefault("contact_person", "法人或其他组织请填写联系人")
    phone = clean["phone"].replace(" ", "").replace("-", "")
    if not phone and not clean["email"] and not clean["address"]:
        errors.setdefault("phone", "请至少填写一种联系方式（电话、电子邮箱或通信地址）")
    elif phone and not (phone.lstrip("+").isdigit() and 7 <= len(phone.lstrip("+")) <= 15):
        errors.setdefault("phone", "联系电话只能包含数字，7 到 15 位")
    if clean["email"] and ("@" not in clean["email"] or "." not in clean["email"].rsplit("@", 1)[-1]):
        errors.setdefault("email", "电子邮箱格式不正确")
    if clean["delivery"] == "email" and not clean["email"]:
        errors.setdefault("email", "选择通过电子邮件获取信息时，请填写电子邮箱")
    if clean["delivery"] == "post" and not clean["address"]:
        errors.setdefault("address", "选择邮寄时，请填写通信地址")
    if clean["postcode"] and not (clean["postcode"].isdigit() and len(clean["postcode"]) == 6):
        errors.setdefault("postcode", "邮政编码应为 6 位数字")
    if not clean["description"]:
        errors["description"] = "请填写所需政府信息的名称、文号或者便于查询的其他特征性描述"
    elif len(clean["description"]) > DESCRIPTION_MAX:
        errors["description"] = f"所需信息描述不能超过 {DESCRIPTION_MAX} 字（现为 {len(clean['description'])} 字）"
    if errors:
        raise ValidationError(errors)
    return clean


def _check_attachments(files: list[tuple[str, bytes]]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": f"附件最多 {MAX_ATTACHMENTS} 个（现为 {len(files)} 个）"})
    for name, content in files:
        check_upload(name=name, content=content, max_bytes=ATTACHMENT_MAX_BYTES)


def _rate_check(sender: str, now) -> None:
    limit = settings.FOI_RATE_LIMIT
    if sender:
        limits.refuse_when_over(
            Application.objects.filter(sender_hash=sender, submitted_at__gt=now - timedelta(hours=1)), limit=limit,
            field="application", message=f"提交过于频繁：同一网络每小时最多提交 {limit} 件申请，请稍后再试",
        )


def application_submit(
    *,
    organisation: Organisation,
    data: dict,
    client_ip: str = "",
    submission_key: uuid.UUID | None = None,
    attachments: list[tuple[str, bytes]] = (),
    actor=None,
) -> Submitted:
    """An online application from the portal or the API, no account needed. It counts as received
    only when the office confirms it (第三十一条第（三）项)."""
    return _create(
        organisation=organisation, data=data, channel="online", client_ip=client_ip,
        submission_key=submission_key, attachments=list(attachments), actor=actor or AnonymousUser(),
        received_on=None, receipt_note="",
    )


def application_register(
    *,
    actor,
    organisation: Organisation,
    data: dict,
    channel: str,
    received_on: date,
    receipt_note: str = "",
    attachments: list[tuple[str, bytes]] = (),
    submission_key: uuid.UUID | None = None,
) -> Submitted:
    """An application that reached the office by letter, in person or by fax, registered by staff.
    ``received_on`` follows 第三十一条: in person the day itself, by post the day signed for, by
    fax the day both sides confirmed."""
    _require(actor, organisation)
    if channel not in ("post", "in_person", "fax"):
        raise ValidationError({"channel": "工作人员登记的申请方式只能是信函、当面提交或传真"})
    if received_on is None:
        raise ValidationError({"received_on": "请填写收到申请之日"})
    if received_on > local_today():
        raise ValidationError({"received_on": "收到申请之日不能晚于今天"})
    return _create(
        organisation=organisation, data=data, channel=channel, client_ip="", submission_key=submission_key,
        attachments=list(attachments), actor=actor, received_on=received_on,
        receipt_note=plain_text(receipt_note)[:200] or rules.RECEIPT_RULES[channel],
    )


def _create(*, organisation, data, channel, client_ip, submission_key, attachments, actor, received_on, receipt_note) -> Submitted:
    if not organisation.is_active:
        raise ValidationError({"organisation": f"{organisation}已停用，不再受理申请"})
    if submission_key is not None and attachments:
        # Stored files would be orphaned by a repeat that fails on the unique constraint below.
        existing = Application.objects.filter(organisation=organisation, submission_key=submission_key).first()
        if existing is not None:
            return Submitted(existing, _new_secret(submission_key), False)
    clean = clean_applicant(data)
    _check_attachments(attachments)
    now = timezone.now()
    sender = sender_hash(client_ip) if client_ip else ""
    secret = _new_secret(submission_key)
    application = Application(
        organisation=organisation, channel=channel, submitted_at=now, received_on=received_on,
        receipt_note=receipt_note, secret_hash=_secret_digest(secret), submission_key=submission_key,
        sender_hash=sender, registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        status=rules.SUBMITTED if received_on is None else rules.PROCESSING, tracking_code=_new_tracking_code(), **clean,
    )
    _apply_clock(application)
    try:
        with transaction.atomic():
            stored = [attachment_store(actor=None, name=name, content=content) for name, content in attachments]
            # The gapless number is a hot row: its lock is held from here to the commit, so it is
            # taken after everything that can be done without it (validation, encryption, files).
            year = (received_on or timezone.localdate(now)).year
            application.sequence, application.number = next_number(
                organisation=organisation, kind=NUMBER_KIND, year=year, default_template=NUMBER_TEMPLATE
            )
            _rate_check(sender, now)  # under the number's lock: parallel submissions can't all slip under the limit
            application.save(force_insert=True)
            if stored:
                application.attachments.set(stored)
            audit.record(
                actor=actor, action="foi.application.submit", target=application,
                after={"channel": channel, "status": application.status, "received_on": received_on,
                       "applicant_type": clean["applicant_type"], "due_on": application.due_on},
            )
    except IntegrityError:
        if submission_key is not None:  # the same submission again (a double click): its first result
            existing = Application.objects.filter(organisation=organisation, submission_key=submission_key).first()
            if existing is not None:
                return Submitted(existing, _new_secret(submission_key), False)
        raise
    return Submitted(application, secret, True)


def application_confirm_receipt(*, actor, application: Application, received_on: date | None = None) -> Application:
    """The office confirms an online or fax application; that day is the date of receipt."""
    _require(actor, application.organisation)
    received_on = received_on or local_today()
    with audit.action(actor=actor, action="foi.application.confirm_receipt", target=application):
        app = _locked(application)
        _check("confirm_receipt", app)
        if received_on < timezone.localtime(app.submitted_at).date():
            raise ValidationError({"received_on": "确认收到之日不能早于提交之日"})
        if received_on > local_today():
            raise ValidationError({"received_on": "确认收到之日不能晚于今天"})
        before = _state(app)
        app.received_on = received_on
        app.receipt_note = rules.RECEIPT_RULES[app.channel]
        app.status = rules.PROCESSING
        _save(app, "received_on", "receipt_note")
        audit.record(actor=actor, action="foi.application.confirm_receipt", target=app, before=before, after=_state(app))
    return app


# --- the clock actions ----------------------------------------------------------------------------


def application_request_correction(
    *, actor, application: Application, items: str, correction_due_on: date, requested_on: date | None = None
) -> Application:
    """第三十条: once, within 7 working days of receipt, listing everything to be corrected. The clock
    stands until the corrected application arrives, and then starts again."""
    _require(actor, application.organisation)
    requested_on = requested_on or local_today()
    items = plain_text(items)
    with audit.action(actor=actor, action="foi.application.request_correction", target=application):
        app = _locked(application)
        _check("request_correction", app)
        if app.correction_requested_on is not None:
            raise ValidationError({"items": "补正只能一次性告知，本申请已告知过补正"})
        if not items:
            raise ValidationError({"items": "请一次性列明需要补正的全部事项"})
        if len(items) > TEXT_MAX:
            raise ValidationError({"items": f"补正事项不能超过 {TEXT_MAX} 字"})
        last = clock.correction_request_deadline(app.received_on, workdays.get_calendar())
        if requested_on > last:
            raise ValidationError({"requested_on": f"补正须在收到申请之日起 7 个工作日内告知（最迟 {cn_date(last)}），已超过"})
        if requested_on < app.received_on:
            raise ValidationError({"requested_on": "告知补正之日不能早于收到申请之日"})
        if requested_on > local_today():
            raise ValidationError({"requested_on": "告知补正之日不能晚于今天"})
        if correction_due_on is None or correction_due_on <= requested_on:
            raise ValidationError({"correction_due_on": "请给出晚于告知之日的补正期限"})
        before = _state(app)
        app.correction_requested_on, app.correction_items, app.correction_due_on = requested_on, items, correction_due_on
        app.status = rules.AWAITING_CORRECTION
        _save(app, "correction_requested_on", "correction_items", "correction_due_on")
        _issue_letter(app, "correction", actor, requested_on)
        audit.record(actor=actor, action="foi.application.request_correction", target=app, before=before,
                     after={**_state(app), "items": items, "correction_due_on": correction_due_on})
    return app


def application_receive_correction(*, actor, application: Application, received_on: date | None = None) -> Application:
    _require(actor, application.organisation)
    received_on = received_on or local_today()
    with audit.action(actor=actor, action="foi.application.receive_correction", target=application):
        app = _locked(application)
        _check("receive_correction", app)
        if received_on < app.correction_requested_on:
            raise ValidationError({"received_on": "收到补正之日不能早于告知补正之日"})
        if received_on > local_today():
            raise ValidationError({"received_on": "收到补正之日不能晚于今天"})
        before = _state(app)
        app.correction_received_on = received_on
        app.status = rules.PROCESSING
        _save(app, "correction_received_on")
        audit.record(actor=actor, action="foi.application.receive_correction", target=app, before=before, after=_state(app))
    return app


def application_close_no_correction(*, actor, application: Application, today: date | None = None) -> Application:
    """No correction within the period set: no longer processed (其他处理/1)."""
    today = today or local_today()

    def guard(app: Application) -> None:
        if app.correction_due_on and today <= app.correction_due_on:
            raise ValidationError({"status": f"补正期限 {cn_date(app.correction_due_on)} 尚未届满，不能终止处理"})

    return _conclude(
        actor=actor, application=application, action="close_no_correction", result="other.no_correction",
        article=rules.RESULTS["other.no_correction"].article, summary="申请人无正当理由逾期未补正，视为放弃申请，本机关不再处理。",
        on=today, guard=guard,
    )


def application_start_consultation(
    *, actor, application: Application, kind: str, party: str, started_on: date | None = None, note: str = ""
) -> Pause:
    """第三十二条 (a third party, who has 15 working days) / 第三十四条 (another agency): the time
    taken is not counted; the clock pauses from ``started_on``."""
    _require(actor, application.organisation)
    started_on = started_on or local_today()
    party = plain_text(party)
    if kind not in (Pause.Kind.THIRD_PARTY, Pause.Kind.AGENCY):
        raise ValidationError({"kind": "请选择征求第三方意见或征求其他行政机关意见"})
    if not party:
        raise ValidationError({"party": "请填写征求意见的对象"})
    if len(party) > 200:
        raise ValidationError({"party": "征求意见对象不能超过 200 字"})
    with audit.action(actor=actor, action="foi.application.start_consultation", target=application):
        app = _locked(application)
        _check("start_consultation", app)
        _check_pause_start(app, started_on)
        pause = Pause.objects.create(
            application=app, kind=kind, party=party, started_on=started_on, note=plain_text(note)[:TEXT_MAX],
            reply_due_on=workdays.add_workdays(started_on, clock.THIRD_PARTY_WORKDAYS).date,
        )
        before = _state(app)
        app.status = rules.CONSULTING
        _save(app)
        audit.record(actor=actor, action="foi.application.start_consultation", target=app, before=before,
                     after={**_state(app), "kind": kind, "party": party, "started_on": started_on})
    return pause


def _check_pause_start(app: Application, started_on: date) -> None:
    start = app.correction_received_on or app.received_on
    if started_on <= start:
        raise ValidationError({"started_on": f"暂停须从{cn_date(start)}之后开始"})
    if started_on > local_today():
        raise ValidationError({"started_on": "开始日期不能晚于今天"})
    last = app.pauses.filter(ended_on__isnull=False).order_by("-ended_on").first()
    if last is not None and started_on <= last.ended_on:
        raise ValidationError({"started_on": f"上一次暂停至{cn_date(last.ended_on)}，新的暂停须在其后开始"})
    if app.due_on is not None and started_on > app.due_on:
        raise ValidationError({"started_on": f"答复期限 {cn_date(app.due_on)} 已过，不能再暂停"})


def _end_pause(app: Application, kind_filter, ended_on: date) -> Pause:
    pause = app.pauses.filter(ended_on__isnull=True, kind__in=kind_filter).first()
    if pause is None:
        raise ValidationError({"status": "没有正在进行的暂停"})
    if ended_on < pause.started_on:
        raise ValidationError({"ended_on": f"结束日期不能早于开始日期 {cn_date(pause.started_on)}"})
    if ended_on > local_today():
        raise ValidationError({"ended_on": "结束日期不能晚于今天"})
    pause.ended_on = ended_on
    pause.save(update_fields=["ended_on"])
    return pause


def application_end_consultation(*, actor, application: Application, ended_on: date | None = None, note: str = "") -> Application:
    _require(actor, application.organisation)
    ended_on = ended_on or local_today()
    with audit.action(actor=actor, action="foi.application.end_consultation", target=application):
        app = _locked(application)
        _check("end_consultation", app)
        pause = _end_pause(app, [Pause.Kind.THIRD_PARTY, Pause.Kind.AGENCY], ended_on)
        if note:
            pause.note = (pause.note + "\n" if pause.note else "") + plain_text(note)[:TEXT_MAX]
            pause.save(update_fields=["note"])
        before = _state(app)
        app.status = rules.PROCESSING
        _save(app)
        audit.record(actor=actor, action="foi.application.end_consultation", target=app, before=before,
                     after={**_state(app), "ended_on": ended_on})
    return app


def application_extend(
    *, actor, application: Application, workdays_added: int, reason: str, notified_on: date | None = None
) -> Application:
    """第三十三条第二款: once, at most 20 working days, approved by the head of the disclosure office
    (the organisation's 领导 role), with a notice to the applicant (the extension letter)."""
    _require(actor, application.organisation, HEAD_ROLES)
    notified_on = notified_on or local_today()
    reason = plain_text(reason)
    with audit.action(actor=actor, action="foi.application.extend", target=application):
        app = _locked(application)
        _check("extend", app)
        if app.extension_workdays:
            raise ValidationError({"workdays": "答复期限只能延长一次，本申请已延长过"})
        if not 1 <= workdays_added <= clock.MAX_EXTENSION_WORKDAYS:
            raise ValidationError({"workdays": f"延长期限为 1 至 {clock.MAX_EXTENSION_WORKDAYS} 个工作日"})
        if not reason:
            raise ValidationError({"reason": "请填写需要延长答复期限的理由"})
        if len(reason) > TEXT_MAX:
            raise ValidationError({"reason": f"理由不能超过 {TEXT_MAX} 字"})
        if notified_on > local_today():
            raise ValidationError({"notified_on": "告知日期不能晚于今天"})
        if notified_on < (app.correction_received_on or app.received_on):
            raise ValidationError({"notified_on": "告知日期不能早于收到申请（或补正）之日"})
        if app.due_on is not None and notified_on > app.due_on:
            raise ValidationError({"notified_on": f"答复期限 {cn_date(app.due_on)} 已过，不能再延长"})
        before = _state(app)
        app.extension_workdays, app.extension_reason = workdays_added, reason
        app.extension_approved_by, app.extended_on = actor, notified_on
        _save(app, "extension_workdays", "extension_reason", "extension_approved_by", "extended_on")
        _issue_letter(app, "extension", actor, notified_on)
        audit.record(actor=actor, action="foi.application.extend", target=app, before=before,
                     after={**_state(app), "workdays": workdays_added}, reason=reason)
    return app


# --- fees -----------------------------------------------------------------------------------------------


def fee_standard() -> rules.FeeStandard:
    return rules.FeeStandard.from_setting(settings.FOI_FEE_STANDARD)


def month_ordinal(application: Application) -> int:
    """Which application of this applicant, to this organisation, in the natural month of its
    receipt this one is (1-based), counting by the date of receipt and then by number."""
    received = application.received_on
    first = received.replace(day=1)
    same = Application.objects.filter(
        organisation=application.organisation, id_number_hash=application.id_number_hash,
        received_on__gte=first, received_on__lte=received,
    ).exclude(pk=application.pk)
    earlier = same.filter(received_on__lt=received).count() + same.filter(received_on=received, sequence__lt=application.sequence).count()
    return earlier + 1


def application_notify_fee(
    *, actor, application: Application, method: str, pages: int = 0, notified_on: date | None = None
) -> FeeNotice:
    """Send the fee notice (收费通知). The time until payment is not counted; unpaid within the
    payment period the application is no longer processed (其他处理/2)."""
    _require(actor, application.organisation)
    notified_on = notified_on or local_today()
    standard = fee_standard()
    with audit.action(actor=actor, action="foi.application.notify_fee", target=application):
        app = _locked(application)
        _check("notify_fee", app)
        if FeeNotice.objects.filter(application=app).exists():
            raise ValidationError({"method": "本申请已发出过收费通知"})
        _check_pause_start(app, notified_on)
        ordinal = month_ordinal(app)
        if method == FeeNotice.Method.BY_COUNT:
            amount = rules.fee_by_count(ordinal, standard)
        elif method == FeeNotice.Method.BY_PAGES:
            if pages <= 0:
                raise ValidationError({"pages": "按量计收时请填写页数"})
            amount = rules.fee_by_pages(pages, standard)
        else:
            raise ValidationError({"method": "请选择按件计收或按量计收"})
        if amount <= 0:
            raise ValidationError({"method": f"按此标准本申请不收费（{rules.fee_explanation(ordinal, pages, standard)}）"})
        pay_by = workdays.add_workdays(notified_on, standard.payment_workdays).date
        fee = FeeNotice.objects.create(
            application=app, method=method, ordinal=ordinal, pages=pages, amount=amount,
            explanation=rules.fee_explanation(ordinal, pages, standard), notified_on=notified_on, pay_by=pay_by,
        )
        Pause.objects.create(application=app, kind=Pause.Kind.FEE, started_on=notified_on, reply_due_on=pay_by,
                             note=f"收费 {amount} 元，缴费期限 {cn_date(pay_by)}")
        before = _state(app)
        app.status = rules.AWAITING_PAYMENT
        _save(app)
        _issue_letter(app, "fee", actor, notified_on)
        audit.record(actor=actor, action="foi.application.notify_fee", target=app, before=before,
                     after={**_state(app), "amount": amount, "ordinal": ordinal, "pay_by": pay_by})
    return fee


def application_record_payment(*, actor, application: Application, paid_on: date | None = None, reference: str = "") -> Application:
    _require(actor, application.organisation)
    paid_on = paid_on or local_today()
    with audit.action(actor=actor, action="foi.application.record_payment", target=application):
        app = _locked(application)
        _check("record_payment", app)
        fee = app.fee
        if paid_on > fee.pay_by:
            raise ValidationError({"paid_on": f"缴费期限为 {cn_date(fee.pay_by)}，逾期缴费请按终止处理"})
        _end_pause(app, [Pause.Kind.FEE], paid_on)
        fee.paid_on, fee.payment_reference = paid_on, plain_text(reference)[:60]
        fee.save(update_fields=["paid_on", "payment_reference"])
        before = _state(app)
        app.status = rules.PROCESSING
        _save(app)
        audit.record(actor=actor, action="foi.application.record_payment", target=app, before=before,
                     after={**_state(app), "paid_on": paid_on, "amount": fee.amount})
    return app


def application_close_fee_unpaid(*, actor, application: Application, today: date | None = None) -> Application:
    today = today or local_today()

    def guard(app: Application) -> None:
        fee = FeeNotice.objects.filter(application=app).first()
        if fee is not None and today <= fee.pay_by:
            raise ValidationError({"status": f"缴费期限 {cn_date(fee.pay_by)} 尚未届满，不能终止处理"})

    return _conclude(
        actor=actor, application=application, action="close_fee_unpaid", result="other.fee_unpaid",
        article=rules.RESULTS["other.fee_unpaid"].article, on=today, guard=guard,
        summary="申请人逾期未按收费通知要求缴纳信息处理费，本机关不再处理该政府信息公开申请。",
    )


# --- replies -------------------------------------------------------------------------------------------


def application_reply(
    *, actor, application: Application, result: str, article: str, summary: str, replied_on: date | None = None
) -> Application:
    """Close the application with one result of the annual-report structure and the article relied
    on, and issue the reply letter. Two officers replying at once: the second is refused."""
    if result not in rules.REPLY_RESULTS:
        raise ValidationError({"result": "请选择办理结果" if not result else f"办理结果“{result}”无效"})
    return _conclude(actor=actor, application=application, action="reply", result=result, article=article,
                     summary=summary, on=replied_on or local_today())


def application_withdraw(*, actor, application: Application, reason: str, on: date | None = None) -> Application:
    """The applicant withdrew the application (recorded by staff): 其他处理/3."""
    reason = plain_text(reason)
    if not reason:
        raise ValidationError({"reason": "请填写撤回情况（如申请人书面撤回的日期与方式）"})
    return _conclude(actor=actor, application=application, action="withdraw", result="other.other", article="",
                     summary=f"申请人撤回申请：{reason}", on=on or local_today())


def _conclude(*, actor, application, action, result, article, summary, on, guard=None) -> Application:
    _require(actor, application.organisation)
    article, summary = plain_text(article), plain_text(summary)
    with audit.action(actor=actor, action=f"foi.application.{action}", target=application):
        app = _locked(application)
        _check(action, app)
        if guard is not None:
            guard(app)
        errors = {}
        if action == "reply" and not article:
            errors["article"] = "请填写答复所依据的条款"
        if len(article) > 200:
            errors["article"] = "依据条款不能超过 200 字"
        if action == "reply" and not summary:
            errors["summary"] = "请填写答复内容"
        if len(summary) > 5000:
            errors["summary"] = "答复内容不能超过 5000 字"
        start = app.received_on or timezone.localtime(app.submitted_at).date()
        if on < start:
            errors["replied_on"] = f"办结日期不能早于{cn_date(start)}"
        if on > local_today():
            errors["replied_on"] = "办结日期不能晚于今天"
        if errors:
            raise ValidationError(errors)
        open_pause = app.pauses.filter(ended_on__isnull=True).first()
        if open_pause is not None:
            open_pause.ended_on = max(on, open_pause.started_on)
            open_pause.save(update_fields=["ended_on"])
        before = _state(app)
        overdue = app.due_on is not None and on > app.due_on
        app.status, app.result, app.result_article, app.reply_summary = rules.CLOSED, result, article, summary
        app.concluded_on, app.concluded_by = on, actor
        _save(app, "result", "result_article", "reply_summary", "concluded_on", "concluded_by")
        _issue_letter(app, rules.RESULTS[result].letter, actor, on)
        if result == PETITION_RESULT:  # 不予处理/1: re-routed to the complaints desk in this transaction
            from yangguang.supervision.complaints import complaint_from_foi

            complaint_from_foi(application=app)
        audit.record(actor=actor, action=f"foi.application.{action}", target=app, before=before,
                     after={**_state(app), "article": article, "concluded_on": on, "overdue": overdue})
    return app


# --- workspace ------------------------------------------------------------------------------------------


def application_assign(*, actor, application: Application, assignee) -> Application:
    _require(actor, application.organisation)
    if assignee is not None and not organisations_for(assignee, OFFICER_ROLES).filter(pk=application.organisation_id).exists():
        raise ValidationError({"assignee": f"{assignee}不是{application.organisation}的政务公开工作人员"})
    with audit.action(actor=actor, action="foi.application.assign", target=application):
        app = _locked(application)
        _check("assign", app)
        before = {"assignee": str(app.assignee or "")}
        app.assignee = assignee
        app.save(update_fields=["assignee"])
        audit.record(actor=actor, action="foi.application.assign", target=app, before=before,
                     after={"assignee": str(assignee or "")})
    return app


def note_add(*, actor, application: Application, body: str) -> Note:
    _require(actor, application.organisation)
    body = plain_text(body)
    if not body:
        raise ValidationError({"body": "请填写备注内容"})
    if len(body) > TEXT_MAX:
        raise ValidationError({"body": f"备注不能超过 {TEXT_MAX} 字"})
    with transaction.atomic():
        note = Note.objects.create(application=application, author=actor, body=body)
        audit.record(actor=actor, action="foi.note.add", target=application, after={"note": note.pk})
    return note


# --- reconsideration and litigation --------------------------------------------------------------------


def review_record(
    *, actor, application: Application, kind: str, filed_on: date, body: str = "", case_number: str = "",
    outcome: str = Review.Outcome.PENDING, decided_on: date | None = None, note: str = "",
) -> Review:
    _require(actor, application.organisation)
    review = Review(
        application=application, kind=kind, filed_on=filed_on, body=plain_text(body)[:100],
        case_number=plain_text(case_number)[:60], outcome=outcome, decided_on=decided_on,
        note=plain_text(note)[:TEXT_MAX], recorded_by=actor,
    )
    _validate_review(review)
    with transaction.atomic():
        review.save()
        audit.record(actor=actor, action="foi.review.record", target=review,
                     after={"kind": kind, "filed_on": filed_on, "outcome": outcome, "decided_on": decided_on})
    return review


def review_decide(*, actor, review: Review, outcome: str, decided_on: date | None) -> Review:
    _require(actor, review.application.organisation)
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        before = {"outcome": locked.outcome, "decided_on": locked.decided_on}
        locked.outcome, locked.decided_on = outcome, decided_on
        _validate_review(locked)
        locked.save(update_fields=["outcome", "decided_on"])
        audit.record(actor=actor, action="foi.review.decide", target=locked, before=before,
                     after={"outcome": outcome, "decided_on": decided_on})
    return locked


def _validate_review(review: Review) -> None:
    errors = {}
    if review.kind not in Review.Kind.values:
        errors["kind"] = "请选择行政复议、未经复议直接起诉或复议后起诉"
    if review.outcome not in Review.Outcome.values:
        errors["outcome"] = "请选择结果维持、结果纠正、其他结果或尚未审结"
    if review.filed_on is None:
        errors["filed_on"] = "请填写受理（立案）日期"
    elif review.filed_on > local_today():
        errors["filed_on"] = "受理（立案）日期不能晚于今天"
    if review.outcome == Review.Outcome.PENDING and review.decided_on is not None:
        errors["decided_on"] = "尚未审结的不能填写审结日期"
    if review.outcome != Review.Outcome.PENDING and review.decided_on is None:
        errors["decided_on"] = "已审结的请填写审结日期"
    if review.decided_on and review.filed_on and review.decided_on < review.filed_on:
        errors["decided_on"] = "审结日期不能早于受理（立案）日期"
    if errors:
        raise ValidationError(errors)


# --- letters --------------------------------------------------------------------------------------------


def _issue_letter(app: Application, kind: str, actor, issued_on: date) -> Letter:
    from yangguang.foi import letters

    return letters.letter_issue(application=app, kind=kind, actor=actor, issued_on=issued_on)
