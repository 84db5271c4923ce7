"""Every write of 好差评: the rating itself, once per channel and only by the applicant, and the
rectification (整改) a poor rating opens — verify, rectify and reply, return visit, appeal and the
supervision desk's decision. Keyword-only, one transaction, one audit event each.

Channels and how the applicant is recognised:
- ``web``: the tracking code and its secret (as on the public progress pages);
- ``sms``: a signed token for that one case or application, valid ``SMS_TOKEN_DAYS`` days, which the
  platform puts in a link (sent by SMS or printed on the completion notice);
- ``device``: the evaluation device at the window, which posts through the session of the window
  clerk signed in at that window; it may rate only a case handled at that same window."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yangguang.core import audit
from yangguang.core.calendar import get_calendar
from yangguang.core.models import Role
from yangguang.core.selectors import organisations_for
from yangguang.foi.models import Application
from yangguang.services.models import Case
from yangguang.supervision import evaluation_selectors as sel
from yangguang.supervision.models import Evaluation, Rectification
from yangguang.supervision.models.evaluations import CHANNELS, LEVELS, POOR_LEVELS
from yangguang.supervision.notify import notify

COMMENT_MAX, TEXT_MAX = 500, 2000
SMS_TOKEN_DAYS = 30
SMS_SALT = "yangguang.supervision.evaluation-sms"
REVISIT_RESULTS = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
S = Rectification.Status


def _text(value, *, field: str, label: str, limit: int, required: bool = False) -> str:
    text = "".join(ch for ch in str(value or "") if ch in "\n\t" or ord(ch) >= 32).strip()
    if required and not text:
        raise ValidationError({field: f"请填写{label}"})
    if len(text) > limit:
        raise ValidationError({field: f"{label}不能超过 {limit} 字（现为 {len(text)} 字）"})
    return text


def _subject_label(subject) -> str:
    return f"办件 {subject.number}" if isinstance(subject, Case) else f"依申请公开 {subject.number}"


# --- SMS links --------------------------------------------------------------------------------------


def sms_token(subject) -> str:
    kind = "case" if isinstance(subject, Case) else "application"
    return signing.dumps({"k": kind, "id": subject.pk}, salt=SMS_SALT, compress=True)


def subject_from_sms_token(token: str):
    """The case or application the token was made for; None when forged, altered or expired."""
    try:
        data = signing.loads(token or "", salt=SMS_SALT, max_age=SMS_TOKEN_DAYS * 86400)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    model = {"case": Case, "application": Application}.get(data.get("k")) if isinstance(data, dict) else None
    if model is None:
        return None
    return model.objects.select_related("organisation").filter(pk=data.get("id")).first()


def sms_link_issue(*, actor, subject, url: str) -> str:
    """Record that the link for ``subject`` was issued (to be sent by SMS or printed) and, when the
    applicant has an account, put it in their notification centre too."""
    allowed = organisations_for(actor, [Role.WINDOW_CLERK, Role.DISCLOSURE_OFFICER, Role.LEADER, Role.SUPERVISOR])
    if not allowed.filter(pk=subject.organisation_id).exists():
        raise PermissionDenied("只有受理机构的工作人员可以发送评价链接")
    rateable = sel.case_is_rateable(subject) if isinstance(subject, Case) else sel.application_is_rateable(subject)
    if not rateable:
        raise ValidationError({"number": f"{_subject_label(subject)}尚未办结，不能邀请评价"})
    with audit.action(actor=actor, action="evaluation.sms_link", target=subject):
        audit.record(actor=actor, action="evaluation.sms_link", target=subject, after={"days": SMS_TOKEN_DAYS})
        account = getattr(subject, "applicant_user", None)
        if account is not None:
            notify(recipients=[account], key=f"evaluation-invite:{subject._meta.label_lower}:{subject.pk}",
                   kind="evaluation", title=f"请对{_subject_label(subject)}的办理进行评价", url=url,
                   organisation=subject.organisation)
    return url


# --- rating -----------------------------------------------------------------------------------------


def _who_handled(subject) -> dict:
    if isinstance(subject, Case):
        return {"subject": "case", "case": subject, "organisation_id": subject.organisation_id,
                "department_id": subject.department_id, "window_id": subject.window_id,
                "staff_id": subject.accepted_by_id or subject.registered_by_id}
    return {"subject": "application", "application": subject, "organisation_id": subject.organisation_id,
            "department_id": subject.organisation_id, "window_id": None,
            "staff_id": subject.concluded_by_id or subject.assignee_id}


def evaluation_submit(*, actor=None, subject, channel: str, level, comment: str = "") -> Evaluation:
    """Rate a completed case or an answered application. The caller has already recognised the
    applicant for the channel (``evaluation_rate_web``, ``…_sms``, ``…_device``)."""
    if channel not in CHANNELS:
        raise ValidationError({"channel": "评价渠道不正确"})
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in LEVELS:
        raise ValidationError({"level": "请选择评价等级（非常满意、满意、基本满意、不满意、非常不满意）"})
    comment = _text(comment, field="comment", label="评价内容", limit=COMMENT_MAX)
    rateable = sel.case_is_rateable(subject) if isinstance(subject, Case) else sel.application_is_rateable(subject)
    if not rateable:
        raise ValidationError({"subject": f"{_subject_label(subject)}尚未办结，办结后才能评价"})
    now = timezone.now()
    today = sel.local_today()
    once = ValidationError({"channel": f"{_subject_label(subject)}已通过{CHANNELS[channel]}评价过，同一渠道只能评价一次"})
    if channel in sel.rated_channels(subject):
        raise once
    with audit.action(actor=actor, action="evaluation.submit", target=subject):
        try:
            with transaction.atomic():  # a savepoint, so PostgreSQL can go on to record the refusal
                evaluation = Evaluation.objects.create(
                    channel=channel, level=level, comment=comment, rated_at=now, rated_on=today, **_who_handled(subject)
                )
        except IntegrityError:  # the same channel at the same moment: the constraint decides
            raise once from None
        audit.record(actor=actor, action="evaluation.submit", target=evaluation,
                     after={"subject": _subject_label(subject), "channel": channel, "level": level})
        if level in POOR_LEVELS:
            _open_rectification(actor=actor, evaluation=evaluation, today=today)
    return evaluation


def evaluation_rate_web(*, subject, level, comment: str = "") -> Evaluation:
    """The public page has looked the subject up by tracking code and secret."""
    return evaluation_submit(subject=subject, channel="web", level=level, comment=comment)


def evaluation_rate_sms(*, token: str, level, comment: str = "") -> Evaluation:
    subject = subject_from_sms_token(token)
    if subject is None:
        raise PermissionDenied("评价链接无效或已过期")
    return evaluation_submit(subject=subject, channel="sms", level=level, comment=comment)


def evaluation_rate_device(*, actor, case: Case, window_id: int, level, comment: str = "") -> Evaluation:
    """From the evaluation device (评价器) at a window, through the clerk's session at that window."""
    if not organisations_for(actor, [Role.WINDOW_CLERK]).filter(pk=case.organisation_id).exists():
        raise PermissionDenied("只有受理机构的窗口工作人员的评价器可以提交评价")
    if case.window_id is None or case.window_id != window_id:
        raise PermissionDenied("该办件不是在本窗口办理的，不能在本窗口评价器上评价")
    if actor.pk != case.accepted_by_id:
        # The device sits on the desk of the clerk who served the applicant: another clerk's session
        # (who could rate a colleague, or themself through someone else's case) is refused.
        raise PermissionDenied("只有受理该办件的窗口工作人员的评价器可以提交评价")
    return evaluation_submit(actor=actor, subject=case, channel="device", level=level, comment=comment)


# --- rectification ----------------------------------------------------------------------------------


def deadlines(rated_on: date) -> tuple[date, date]:
    """(核实期限, 整改答复期限): the n-th working day after the rating day."""
    calendar = get_calendar()
    verify = calendar.add_workdays(rated_on, settings.EVALUATION_VERIFY_WORKDAYS).date
    reply = calendar.add_workdays(rated_on, settings.EVALUATION_REPLY_WORKDAYS).date
    return verify, reply


def _open_rectification(*, actor, evaluation: Evaluation, today: date) -> Rectification:
    verify_due, reply_due = deadlines(evaluation.rated_on)
    rectification = Rectification.objects.create(
        evaluation=evaluation, organisation_id=evaluation.department_id or evaluation.organisation_id,
        opened_on=evaluation.rated_on, verify_due_on=verify_due, reply_due_on=reply_due,
    )
    audit.record(actor=actor, action="evaluation.rectification.open", target=rectification,
                 after={"verify_due_on": verify_due, "reply_due_on": reply_due})
    subject = evaluation.case or evaluation.application
    notify(
        recipients=sel.responsible_people(evaluation), key=f"rectification-open:{rectification.pk}", kind="evaluation",
        title=f"差评整改：{_subject_label(subject)}（{LEVELS[evaluation.level]}）",
        body=f"请于 {verify_due:%Y-%m-%d} 前核实，{reply_due:%Y-%m-%d} 前整改并答复。",
        url=f"/staff/hcp/{rectification.pk}/", organisation=rectification.organisation,
    )
    return rectification


def _locked(rectification: Rectification, allowed: tuple[str, ...], what: str) -> Rectification:
    row = Rectification.objects.select_for_update().select_related("evaluation").get(pk=rectification.pk)
    if row.status not in allowed:
        raise ValidationError({"status": f"当前状态为“{row.get_status_display()}”，不能{what}"})
    return row


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)


def rectification_verify(*, actor, rectification: Rectification, verification: str) -> Rectification:
    _require(actor is None or sel.can_handle(actor, rectification), "只有被评价单位的领导可以核实差评")
    verification = _text(verification, field="verification", label="核实情况", limit=TEXT_MAX, required=True)
    with audit.action(actor=actor, action="evaluation.rectification.verify", target=rectification):
        row = _locked(rectification, (S.VERIFYING,), "核实")
        row.status, row.verification, row.verified_on = S.RECTIFYING, verification, sel.local_today()
        row.verified_by = actor
        row.save(update_fields=["status", "verification", "verified_on", "verified_by"])
        audit.record(actor=actor, action="evaluation.rectification.verify", target=row,
                     before={"status": S.VERIFYING}, after={"status": row.status, "late": row.verified_on > row.verify_due_on})
    return row


def rectification_reply(*, actor, rectification: Rectification, measures: str, reply: str) -> Rectification:
    _require(actor is None or sel.can_handle(actor, rectification), "只有被评价单位的领导可以整改答复")
    measures = _text(measures, field="measures", label="整改措施", limit=TEXT_MAX, required=True)
    reply = _text(reply, field="reply", label="答复内容", limit=TEXT_MAX, required=True)
    with audit.action(actor=actor, action="evaluation.rectification.reply", target=rectification):
        row = _locked(rectification, (S.RECTIFYING,), "整改答复")
        row.status, row.measures, row.reply, row.replied_on, row.replied_by = S.REPLIED, measures, reply, sel.local_today(), actor
        row.save(update_fields=["status", "measures", "reply", "replied_on", "replied_by"])
        audit.record(actor=actor, action="evaluation.rectification.reply", target=row,
                     before={"status": S.RECTIFYING}, after={"status": row.status, "late": row.replied_on > row.reply_due_on})
    return row


def rectification_revisit(*, actor, rectification: Rectification, result: str, note: str = "") -> Rectification:
    _require(actor is None or sel.can_revisit(actor, rectification), "只有被评价单位的领导或监督人员可以登记回访")
    if result not in REVISIT_RESULTS:
        raise ValidationError({"result": "请选择回访结果"})
    note = _text(note, field="note", label="回访情况", limit=TEXT_MAX)
    with audit.action(actor=actor, action="evaluation.rectification.revisit", target=rectification):
        row = _locked(rectification, (S.REPLIED,), "登记回访")
        row.status, row.revisit_result, row.revisit_note = S.CLOSED, result, note
        row.revisited_on, row.revisited_by = sel.local_today(), actor
        row.save(update_fields=["status", "revisit_result", "revisit_note", "revisited_on", "revisited_by"])
        audit.record(actor=actor, action="evaluation.rectification.revisit", target=row,
                     before={"status": S.REPLIED}, after={"status": row.status, "result": result})
    return row


def rectification_appeal(*, actor, rectification: Rectification, reasons: str) -> Rectification:
    """申诉复核: the unit says the rating was mistaken or malicious. Once per rating."""
    _require(actor is None or sel.can_handle(actor, rectification), "只有被评价单位的领导可以提出申诉")
    reasons = _text(reasons, field="reasons", label="申诉理由", limit=TEXT_MAX, required=True)
    with audit.action(actor=actor, action="evaluation.rectification.appeal", target=rectification):
        row = _locked(rectification, sel.OPEN_STATUSES, "申诉")
        if row.appealed_on is not None:
            raise ValidationError({"reasons": "该差评已申诉过一次，不能再次申诉"})
        before = row.status
        row.status, row.appeal_reasons, row.appealed_on, row.appealed_by = S.APPEALED, reasons, sel.local_today(), actor
        row.save(update_fields=["status", "appeal_reasons", "appealed_on", "appealed_by"])
        audit.record(actor=actor, action="evaluation.rectification.appeal", target=row,
                     before={"status": before}, after={"status": row.status, "reasons": reasons})
    return row


def rectification_decide_appeal(*, actor, rectification: Rectification, upheld: bool, note: str) -> Rectification:
    """The supervision desk decides: upheld → the rating is voided and no figure counts it;
    rejected → the unit goes on rectifying (the deadlines do not move)."""
    _require(actor is None or sel.can_decide_appeal(actor, rectification), "只有监督人员（效能办）可以复核申诉")
    note = _text(note, field="note", label="复核意见", limit=TEXT_MAX, required=True)
    with audit.action(actor=actor, action="evaluation.rectification.decide", target=rectification):
        row = _locked(rectification, (S.APPEALED,), "复核")
        _require(actor is None or actor.pk != row.appealed_by_id, "申诉人不能复核本人提出的申诉")
        row.appeal_decision = "upheld" if upheld else "rejected"
        # Rejected: back to where the task was — to verification if it had not been verified yet.
        row.status = S.VOIDED if upheld else (S.RECTIFYING if row.verified_on else S.VERIFYING)
        row.appeal_note, row.appeal_decided_on, row.appeal_decided_by = note, sel.local_today(), actor
        row.save(update_fields=["status", "appeal_decision", "appeal_note", "appeal_decided_on", "appeal_decided_by"])
        if upheld:
            Evaluation.objects.filter(pk=row.evaluation_id).update(voided=True)
        audit.record(actor=actor, action="evaluation.rectification.decide", target=row,
                     before={"status": S.APPEALED}, after={"status": row.status, "decision": row.appeal_decision})
    return row
