"""Consultations on drafts (预公开 / 征求意见): the services that change them and the selectors that
read them.

A consultation is drafted by the disclosure office, opened, takes public comments from ``opens_on``
to ``closes_on`` (both days included, Asia/Shanghai), is closed, and is concluded with a note on
which comments were adopted (采纳情况) and, when there is one, a link to the final decision.
Comments are shown only after moderation. Senders are rate-limited by a keyed hash of their
address; the address itself is never stored."""

from __future__ import annotations

import html as html_lib
import ipaddress
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.html import linebreaks

import nh3

from yangguang.core import audit, context, gmcrypto
from yangguang.core.models import Organisation, Role
from yangguang.core.selectors import organisations_for
from yangguang.disclosure import rules
from yangguang.disclosure.models import Comment, Consultation, InformationRecord

State = Consultation.State
PUBLIC_STATES = (State.OPEN, State.CLOSED, State.CONCLUDED)

TITLE_MAX = 200
COMMENT_MAX = 2000
AUTHOR_MAX = 50
REASON_MAX = 200  # Comment.moderation_reason


@dataclass(frozen=True)
class Limit:
    count: int
    window: timedelta
    message: str


PER_CONSULTATION_LIMIT = Limit(3, timedelta(hours=1), "提交过于频繁：每小时对同一征求意见最多提交 3 条意见，请稍后再试")
DAILY_LIMIT = Limit(10, timedelta(days=1), "提交过于频繁：每天最多提交 10 条意见，请明天再试")


class RateLimited(ValidationError):
    """A sender has used up their comments for now (HTTP 429 in the views)."""


def local_today() -> date:
    """Today in Asia/Shanghai. One seam, so tests can fix the date."""
    return timezone.localdate()


# --- pure helpers --------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLOCK = re.compile(r"<(p|br|div|ul|ol|table|h[2-4]|blockquote|hr)\b")


def plain_text(value: str) -> str:
    """Text with every tag removed (script and style with their content), control characters
    dropped and entities decoded. Repeated until stable, so ``&lt;script&gt;`` cannot come back as
    a tag after decoding."""
    text = _CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))
    for _ in range(10):
        cleaned = html_lib.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    else:  # encoded over and over: whatever is left, no angle bracket survives
        text = text.replace("<", "").replace(">", "")
    return text.strip()


def rich_text(value: str) -> str:
    """Sanitised HTML for a draft or a feedback note. Text typed without block markup keeps its
    paragraphs and line breaks."""
    html = rules.sanitise_html(_CONTROL.sub("", (value or "").replace("\r\n", "\n")).strip())
    if not _BLOCK.search(html):
        html = linebreaks(html)  # already sanitised: only <p> and <br> are added
    return html.strip()


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def accepts_comments(consultation: Consultation, today: date) -> bool:
    return consultation.state == State.OPEN and consultation.opens_on <= today <= consultation.closes_on


def public_status(consultation: Consultation, today: date) -> str:
    """What the public page says: an open consultation whose period has passed reads 已截止 even
    before the sweep closes it."""
    if consultation.state == State.OPEN and today > consultation.closes_on:
        return State.CLOSED.label
    return State(consultation.state).label


def _refusal(consultation: Consultation, today: date) -> str:
    if consultation.state == State.DRAFT:
        return "该征求意见尚未开始，暂不接受意见"
    if consultation.state != State.OPEN:
        return f"该征求意见{State(consultation.state).label}，不再接受意见"
    if today < consultation.opens_on:
        return f"征求意见期为{cn_date(consultation.opens_on)}至{cn_date(consultation.closes_on)}，尚未开始"
    return f"征求意见已于{cn_date(consultation.closes_on)}截止，不再接受意见"


def sender_of(client_ip: str) -> str:
    """Who counts as one sender: an IPv4 address, or the /64 network of an IPv6 address (one
    household or phone gets a whole /64 and could otherwise rotate through it)."""
    try:
        address = ipaddress.ip_address((client_ip or "").strip())
    except ValueError:
        return (client_ip or "").strip()
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def sender_hash(client_ip: str) -> str:
    """Keyed hash (HMAC-SM3) of the sender: the same sender gives the same value, and the address
    cannot be recovered from it without the key."""
    key = gmcrypto.derive_key(settings.PII_KEY, "comment-sender")
    return gmcrypto.hmac_sm3(key, sender_of(client_ip).encode()).hex()


@contextmanager
def _without_client_ip():
    # The audit trail normally records the client address; for a public comment it records the
    # sender hash instead, so the address is stored nowhere.
    token = context.client_ip.set("")
    try:
        yield
    finally:
        context.client_ip.reset(token)


def _require(actor, organisation: Organisation) -> None:
    if actor is None:  # the system itself: the sweep, the CLI, demo data
        return
    if not organisations_for(actor, [Role.DISCLOSURE_OFFICER]).filter(pk=organisation.pk).exists():
        raise PermissionDenied(f"只有{organisation}的{Role.DISCLOSURE_OFFICER.label}可以办理此事项")


def _as_date(value, field: str, label: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({field: f"{label}格式应为 YYYY-MM-DD"}) from None
    raise ValidationError({field: f"请填写{label}"})


def _state_error(consultation_pk: int, wanted: str) -> ValidationError:
    current = Consultation.objects.filter(pk=consultation_pk).values_list("state", flat=True).first()
    label = State(current).label if current else "不存在"
    return ValidationError({"state": f"该征求意见当前状态为“{label}”，不能{wanted}（可能已被他人处理）"})


# --- services ------------------------------------------------------------------------------------------


def consultation_create(
    *, actor, organisation: Organisation, title: str, body: str, opens_on: date, closes_on: date
) -> Consultation:
    """A draft; nothing is public until it is opened."""
    _require(actor, organisation)
    errors: dict[str, str] = {}
    title = plain_text(title)
    if not title:
        errors["title"] = "请填写标题"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"标题不能超过 {TITLE_MAX} 字（现为 {len(title)} 字）"
    body = rich_text(body)
    if not rules.html_to_text(body):
        errors["body"] = "请填写草案内容"
    try:
        opens_on = _as_date(opens_on, "opens_on", "开始日期")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        closes_on = _as_date(closes_on, "closes_on", "截止日期")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if "opens_on" not in errors and "closes_on" not in errors and closes_on < opens_on:
        errors["closes_on"] = "截止日期不能早于开始日期"
    if errors:
        raise ValidationError(errors)
    with audit.action(actor=actor, action="consultation.create", object_type="disclosure.consultation", object_repr=title):
        consultation = Consultation.objects.create(
            organisation=organisation, title=title, body=body, opens_on=opens_on, closes_on=closes_on,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor, action="consultation.create", target=consultation,
            after={"state": State.DRAFT, "opens_on": opens_on, "closes_on": closes_on},
        )
    return consultation


def consultation_open(*, actor, consultation: Consultation) -> Consultation:
    """Draft → open. The public page shows it from ``opens_on``; opening early schedules it."""
    with audit.action(actor=actor, action="consultation.open", target=consultation):
        _require(actor, consultation.organisation)
        if consultation.closes_on < local_today():
            raise ValidationError({"closes_on": "截止日期已过，不能开始征求意见；请新建征求意见"})
        if Consultation.objects.filter(pk=consultation.pk, state=State.DRAFT).update(state=State.OPEN) != 1:
            raise _state_error(consultation.pk, "开始征求意见")
        consultation.refresh_from_db()
        audit.record(actor=actor, action="consultation.open", target=consultation,
                     before={"state": State.DRAFT}, after={"state": State.OPEN})
    return consultation


def comment_submit(
    *, consultation: Consultation, body: str, client_ip: str, author_name: str = "", actor=None
) -> Comment:
    """A public comment, held for moderation. Anonymous is fine. Refused outside the period and
    beyond the rate limits (``RateLimited``)."""
    sender = sender_hash(client_ip)
    actor = actor or AnonymousUser()
    with _without_client_ip(), transaction.atomic():
        # The row lock orders a comment against a concurrent close, and comments from one sender
        # to one consultation against each other, so the hourly limit cannot be raced.
        locked = Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        if locked is None:
            raise ValidationError({"consultation": "该征求意见不存在或已被删除"})
        today = local_today()
        if not accepts_comments(locked, today):
            raise ValidationError({"consultation": _refusal(locked, today)})
        body = plain_text(body)
        author_name = plain_text(author_name)
        errors: dict[str, str] = {}
        if not body:
            errors["body"] = "请填写意见内容"
        elif len(body) > COMMENT_MAX:
            errors["body"] = f"意见内容不能超过 {COMMENT_MAX} 字（现为 {len(body)} 字）"
        if len(author_name) > AUTHOR_MAX:
            errors["author_name"] = f"署名不能超过 {AUTHOR_MAX} 字（现为 {len(author_name)} 字）"
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        mine = Comment.objects.filter(sender_hash=sender)
        if mine.filter(consultation=locked, submitted_at__gt=now - PER_CONSULTATION_LIMIT.window).count() >= PER_CONSULTATION_LIMIT.count:
            raise RateLimited({"consultation": PER_CONSULTATION_LIMIT.message})
        if mine.filter(submitted_at__gt=now - DAILY_LIMIT.window).count() >= DAILY_LIMIT.count:
            raise RateLimited({"consultation": DAILY_LIMIT.message})
        comment = Comment.objects.create(consultation=locked, body=body, author_name=author_name, sender_hash=sender)
        audit.record(actor=actor, action="comment.submit", target=comment,
                     object_repr=f"{locked.title[:150]} · 意见 {comment.pk}",
                     after={"consultation": locked.pk, "state": Comment.State.PENDING, "sender": sender})
    return comment


def comment_moderate(*, actor, comment: Comment, decision: str, reason: str = "") -> Comment:
    """Pending → approved (shown to the public) or rejected (with a reason). Two moderators
    clicking at once give one result; the second is told it was already done."""
    with audit.action(actor=actor, action="comment.moderate", target=comment, reason=reason):
        _require(actor, comment.consultation.organisation)
        if decision not in (Comment.State.APPROVED, Comment.State.REJECTED):
            raise ValidationError({"decision": "请选择“公开”或“不予公开”"})
        reason = plain_text(reason)
        if decision == Comment.State.REJECTED and not reason:
            raise ValidationError({"reason": "不予公开须填写审核意见"})
        if len(reason) > REASON_MAX:
            raise ValidationError({"reason": f"审核意见不能超过 {REASON_MAX} 字（现为 {len(reason)} 字）"})
        changed = Comment.objects.filter(pk=comment.pk, state=Comment.State.PENDING).update(
            state=decision, moderation_reason=reason, moderated_by=actor
        )
        if changed != 1:
            current = Comment.objects.filter(pk=comment.pk).values_list("state", flat=True).first()
            label = Comment.State(current).label if current else "已删除"
            raise ValidationError({"state": f"该意见已审核（{label}），可能已被他人处理"})
        comment.refresh_from_db()
        audit.record(actor=actor, action="comment.moderate", target=comment, reason=reason,
                     before={"state": Comment.State.PENDING}, after={"state": decision})
    return comment


def consultation_close(*, actor, consultation: Consultation, today: date | None = None) -> Consultation:
    """Open → closed, once the last day of the period has passed."""
    today = today or local_today()
    with audit.action(actor=actor, action="consultation.close", target=consultation):
        _require(actor, consultation.organisation)
        changed = Consultation.objects.filter(pk=consultation.pk, state=State.OPEN, closes_on__lt=today).update(state=State.CLOSED)
        if changed != 1:
            current = Consultation.objects.get(pk=consultation.pk)
            if current.state == State.OPEN:
                raise ValidationError({"closes_on": f"征求意见期至{cn_date(current.closes_on)}，截止后才能结束"})
            raise _state_error(consultation.pk, "结束征求意见")
        consultation.refresh_from_db()
        audit.record(actor=actor, action="consultation.close", target=consultation,
                     before={"state": State.OPEN}, after={"state": State.CLOSED, "closes_on": consultation.closes_on})
    return consultation


def close_expired(*, today: date | None = None) -> list[Consultation]:
    """The sweep: close every open consultation whose period has passed. Each is closed by the
    same race-safe update, so running it twice, or on two servers at once, closes each once."""
    today = today or local_today()
    closed = []
    for pk in Consultation.objects.filter(state=State.OPEN, closes_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            if Consultation.objects.filter(pk=pk, state=State.OPEN, closes_on__lt=today).update(state=State.CLOSED) != 1:
                continue  # another server got there first
            consultation = Consultation.objects.get(pk=pk)
            audit.record(actor=None, action="consultation.close", target=consultation,
                         before={"state": State.OPEN}, after={"state": State.CLOSED, "closes_on": consultation.closes_on})
        closed.append(consultation)
    return closed


def _check_final_record(consultation: Consultation, final_record) -> None:
    if not isinstance(final_record, InformationRecord) or final_record.organisation_id != consultation.organisation_id:
        raise ValidationError({"final_record": f"最终决定须为{consultation.organisation}的政府信息"})


def consultation_conclude(
    *, actor, consultation: Consultation, feedback_note: str, final_record: InformationRecord | None = None
) -> Consultation:
    """Closed → concluded: publish how the comments were taken up (采纳情况), optionally linking
    the final decision. Every comment must have been moderated first."""
    with audit.action(actor=actor, action="consultation.conclude", target=consultation):
        _require(actor, consultation.organisation)
        note = rich_text(feedback_note)
        if not rules.html_to_text(note):
            raise ValidationError({"feedback_note": "请填写意见采纳情况说明"})
        if final_record is not None:
            _check_final_record(consultation, final_record)
        wanted = "公布采纳情况（须在征求意见结束后）"
        if not Consultation.objects.filter(pk=consultation.pk, state=State.CLOSED).exists():
            raise _state_error(consultation.pk, wanted)
        pending = Comment.objects.filter(consultation_id=consultation.pk, state=Comment.State.PENDING).count()
        if pending:
            raise ValidationError({"state": f"还有 {pending} 条意见未审核，请审核全部意见后再公布采纳情况"})
        changed = Consultation.objects.filter(pk=consultation.pk, state=State.CLOSED).update(
            state=State.CONCLUDED, feedback_note=note, final_record=final_record, concluded_at=timezone.now()
        )
        if changed != 1:
            raise _state_error(consultation.pk, wanted)
        consultation.refresh_from_db()
        audit.record(actor=actor, action="consultation.conclude", target=consultation,
                     before={"state": State.CLOSED},
                     after={"state": State.CONCLUDED, "final_record": final_record.pk if final_record else None})
    return consultation


def consultation_link_final_record(*, actor, consultation: Consultation, final_record: InformationRecord) -> Consultation:
    """Link (or correct the link to) the final decision of a concluded consultation."""
    with audit.action(actor=actor, action="consultation.link_final_record", target=consultation):
        _require(actor, consultation.organisation)
        _check_final_record(consultation, final_record)
        before = Consultation.objects.filter(pk=consultation.pk).values_list("final_record_id", flat=True).first()
        if Consultation.objects.filter(pk=consultation.pk, state=State.CONCLUDED).update(final_record=final_record) != 1:
            raise _state_error(consultation.pk, "关联最终决定（须在公布采纳情况后）")
        consultation.refresh_from_db()
        audit.record(actor=actor, action="consultation.link_final_record", target=consultation,
                     before={"final_record": before}, after={"final_record": final_record.pk})
    return consultation


# --- selectors -----------------------------------------------------------------------------------------


def public_consultations(*, today: date | None = None) -> QuerySet[Consultation]:
    """What anyone may see: opened, from the first day of the period."""
    today = today or local_today()
    return (
        Consultation.objects.filter(state__in=PUBLIC_STATES, opens_on__lte=today)
        .select_related("organisation")
        .annotate(approved_count=Count("comments", filter=Q(comments__state=Comment.State.APPROVED)))
        .order_by("-opens_on", "-pk")
    )


def public_consultation(*, pk: int, today: date | None = None) -> Consultation | None:
    return public_consultations(today=today).select_related("final_record").filter(pk=pk).first()


def public_comments(consultation: Consultation) -> QuerySet[Comment]:
    return consultation.comments.filter(state=Comment.State.APPROVED).order_by("submitted_at", "pk")


def consultations_for_record(record: InformationRecord, *, today: date | None = None) -> QuerySet[Consultation]:
    """The public consultations whose final decision is this record (for the record page)."""
    return public_consultations(today=today).filter(final_record=record)


def staff_consultations(user) -> QuerySet[Consultation]:
    """The consultations of the organisations the user is a disclosure officer for."""
    return (
        Consultation.objects.filter(organisation__in=organisations_for(user, [Role.DISCLOSURE_OFFICER]))
        .select_related("organisation")
        .annotate(
            pending_count=Count("comments", filter=Q(comments__state=Comment.State.PENDING)),
            comment_count=Count("comments"),
        )
        .order_by("-opens_on", "-pk")
    )


def staff_consultation(user, pk: int) -> Consultation | None:
    return staff_consultations(user).select_related("final_record").filter(pk=pk).first()


def staff_comment(consultation: Consultation, pk: int) -> Comment | None:
    """A comment of a consultation already fetched through ``staff_consultation``."""
    return consultation.comments.filter(pk=pk).select_related("consultation__organisation").first()


def staff_comments(consultation: Consultation) -> QuerySet[Comment]:
    return consultation.comments.select_related("moderated_by").order_by("submitted_at", "pk")


def final_record_by_index(consultation: Consultation, index_number: str) -> InformationRecord | None:
    """Look a record up by its 索引号 among the consultation's own organisation only."""
    return InformationRecord.objects.filter(organisation_id=consultation.organisation_id, index_number=index_number.strip()).first()
