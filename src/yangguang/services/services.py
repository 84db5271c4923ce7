"""Every write of the service centre: keyword-only, one transaction, one audit event each.

State changes lock the case row (``select_for_update``) and check ``rules.transitions`` under the
lock, so two clerks acting at once cannot both succeed: the second is told what happened and by
whom. The clock (``clock.due_date``) is re-run after every change and the due date, the warning date
and, once completed, the working days used are stored on the row, so queues, dashboards and
statistics are indexed queries.
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
from yangguang.core.models import Organisation, Role, Window
from yangguang.core.numbering import next_number
from yangguang.core.selectors import organisations_for
from yangguang.disclosure.consultation import plain_text, sender_hash
from yangguang.foi import rules as foi_rules
from yangguang.services import rules
from yangguang.services.deadlines import CLOCK_FIELDS, apply_clock, clock_for, recompute_deadlines  # noqa: F401  (re-exported)
from yangguang.services.models import Case, CaseMaterial, Hop, Material, ServiceItem, Step, Suspension
from yangguang.services.routing import authorised_windows, centre_for, centres_for, local_today, next_hop, window_refusal  # noqa: F401  (re-exported)

# --- helpers ----------------------------------------------------------------------------------------

NUMBER_KIND = "service_case"
NUMBER_TEMPLATE = "{org}-BJ-{year}-{seq:06d}"
SECRET_PURPOSE = "services-case-secret"
TEXT_MAX = 2000
CLERK_ROLES = (Role.WINDOW_CLERK,)
ACTOR_ROLES = {rules.CLERK: Role.WINDOW_CLERK, rules.REVIEWER: Role.REVIEWER, rules.APPROVER: Role.APPROVER,
               rules.AGENCY: Role.WINDOW_CLERK}


RateLimited = limits.RateLimited


def cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _covered(actor, organisations, role) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    ids = [o.pk if isinstance(o, Organisation) else o for o in organisations if o is not None]
    return organisations_for(actor, (role,)).filter(pk__in=ids).exists()


def actor_kinds(actor, case: Case) -> set[str]:
    """Which of the case's actors (``rules.CLERK`` …) this person is. The window works at the handling
    centre; reviewers and approvers may sit at the centre or in the item's department; an agency
    clerk acts on a case while it is at (or below) their service point."""
    kinds = set()
    if _covered(actor, [case.organisation_id], Role.WINDOW_CLERK):
        kinds.add(rules.CLERK)
    if _covered(actor, [case.organisation_id, case.department_id], Role.REVIEWER):
        kinds.add(rules.REVIEWER)
    if _covered(actor, [case.organisation_id, case.department_id], Role.APPROVER):
        kinds.add(rules.APPROVER)
    if case.location_id != case.organisation_id and _covered(actor, [case.location_id], Role.WINDOW_CLERK):
        kinds.add(rules.AGENCY)
    return kinds


def actions_for(actor, case: Case) -> list[str]:
    """What this person may do with the case now. Window and agency clerks may also record the
    applicant's written withdrawal."""
    kinds = actor_kinds(actor, case)
    if kinds & {rules.CLERK, rules.AGENCY}:
        kinds.add(rules.APPLICANT)
    suspended = case.suspensions.filter(ended_on__isnull=True).exclude(kind="correction").exists()
    return rules.available_actions(case.status, case.step_keys, case.immediate, kinds, suspended=suspended,
                                   en_route=case.location_id != case.organisation_id)


def _require_kind(actor, case: Case, kind: str) -> None:
    if kind == rules.APPLICANT:
        return
    if kind not in actor_kinds(actor, case):
        where = case.location if kind == rules.AGENCY else case.organisation
        raise PermissionDenied(f"只有{where}的{rules.ACTOR_LABELS[kind]}可以办理这一步")


def _locked(case: Case) -> Case:
    locked = Case.objects.select_for_update().select_related("item", "organisation", "location").filter(pk=case.pk).first()
    if locked is None:
        raise ValidationError({"case": "该办件不存在"})
    return locked


def _last_step(case: Case) -> Step | None:
    return case.steps.select_related("actor").order_by("-at", "-pk").first()


def _check(action: str, case: Case) -> None:
    error = rules.transition_error(action, case.status, case.step_keys, case.immediate)
    if error:
        last = _last_step(case)
        if last is not None and last.actor_id:
            label = rules.ACTION_LABELS.get(last.action, last.action)
            error += f"（{last.actor}已于{cn_date(timezone.localtime(last.at).date())}{label}）"
        raise ValidationError({"status": error})


def _state(case: Case) -> dict:
    return {"status": case.status, "due_on": case.due_on, "location": case.location.code if case.location_id else None}


def _step(case: Case, step: str, action: str, actor, opinion: str = "") -> None:
    Step.objects.create(
        case=case, step=step, action=action, actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=timezone.now(), opinion=opinion,
    )


def _save(case: Case, *fields: str) -> None:
    apply_clock(case)
    case.save(update_fields=[*fields, "status", *CLOCK_FIELDS])


def _day(value: date | None, field: str, *, not_before: date | None = None, before_label: str = "") -> date:
    day = value or local_today()
    if day > local_today():
        raise ValidationError({field: "日期不能晚于今天"})
    if not_before is not None and day < not_before:
        raise ValidationError({field: f"日期不能早于{before_label}（{cn_date(not_before)}）"})
    return day


def _text(value: str, field: str, label: str, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    text = plain_text(value or "")
    if required and not text:
        raise ValidationError({field: f"请填写{label}"})
    if len(text) > limit:
        raise ValidationError({field: f"{label}不能超过 {limit} 字（现为 {len(text)} 字）"})
    return text


# --- intake -----------------------------------------------------------------------------------------


@dataclass
class Submitted:
    case: Case
    secret: str  # shown once to the applicant; only its keyed hash is stored
    created: bool  # False when the same submission_key came again (a double click)


def clean_applicant(data: dict) -> dict:
    """Who applies; every error names its field."""
    errors: dict[str, str] = {}
    clean = {k: plain_text(str(data.get(k) or "")).strip() for k in
             ("applicant_type", "applicant_name", "id_number", "phone", "delivery", "request_note")}
    clean["applicant_type"] = clean["applicant_type"] or "person"
    clean["delivery"] = clean["delivery"] or "window"
    if clean["applicant_type"] not in rules.APPLICANT_TYPES:
        errors["applicant_type"] = f"申请人类型无效，可选：{'、'.join(rules.APPLICANT_TYPES.values())}"
    if clean["delivery"] not in rules.DELIVERIES:
        errors["delivery"] = f"送达方式无效，可选：{'、'.join(rules.DELIVERIES.values())}"
    if not clean["applicant_name"]:
        errors["applicant_name"] = "请填写申请人姓名或名称"
    elif len(clean["applicant_name"]) > 100:
        errors["applicant_name"] = "申请人姓名或名称不能超过 100 个字"
    number = clean["id_number"].upper()
    clean["id_number"] = number
    if not number:
        errors["id_number"] = "请填写证件号码"
    elif clean["applicant_type"] == "person":
        message = foi_rules.resident_id_error(number)
        if message:
            errors["id_number"] = message
    else:
        message = foi_rules.credit_code_error(number)
        if message:
            errors["id_number"] = message
    phone = clean["phone"].replace(" ", "").replace("-", "")
    if not phone:
        errors["phone"] = "请填写联系电话"
    elif not phone.isdigit() or not 7 <= len(phone) <= 12:
        errors["phone"] = "联系电话应为 7–12 位数字"
    clean["phone"] = phone
    if len(clean["request_note"]) > TEXT_MAX:
        errors["request_note"] = f"申请事由不能超过 {TEXT_MAX} 字"
    if errors:
        raise ValidationError(errors)
    return clean


def _rate_check(sender: str, now) -> None:
    """Called after the new case is inserted (so a double click finds its first case instead of
    being refused): the count includes it."""
    limit = settings.SERVICES_RATE_LIMIT
    if sender:
        limits.refuse_when_over(
            Case.objects.filter(sender_hash=sender, submitted_at__gt=now - timedelta(hours=1)), limit=limit,
            field="case", message=f"提交过于频繁：同一网络每小时最多网上申报 {limit} 件，请稍后再试", including_new=True,
        )


def case_submit_online(
    *, item: ServiceItem, data: dict, provided: list[int] | None = None, client_ip: str = "",
    submission_key: uuid.UUID | None = None, user=None, centre: Organisation | None = None,
) -> Submitted:
    """An online application (网上申报), no account needed; the centre's window then accepts or
    refuses it. ``provided`` lists the ids of the item's materials the applicant says they have."""
    if not item.is_active_on(local_today()) or not item.online_allowed:
        raise ValidationError({"item": f"“{item.name}”不支持网上申报，请到窗口或便民服务点办理"})
    centre = centre or centre_for(item)
    # A repeated submission_key (a double click) is found by the unique constraint in _create, not
    # by a query first: that query cost every submission a statement (measured in docs/benchmarks.md).
    return _create(
        item=item, centre=centre, location=centre, channel="online", data=data, provided=provided,
        actor=user or AnonymousUser(), client_ip=client_ip, submission_key=submission_key,
    )


def case_register(
    *, actor, item: ServiceItem, data: dict, provided: list[int] | None = None, point: Organisation | None = None,
    submission_key: uuid.UUID | None = None,
) -> Submitted:
    """A window clerk (or an agency clerk at a town or village service point) registers what the
    applicant brought. At the centre the case waits for acceptance; at a service point it waits to
    be forwarded (village → town → centre, 代办)."""
    if not item.is_active_on(local_today()):
        raise ValidationError({"item": f"“{item.name}”已停用"})
    if point is None:
        # At the window: the clerk's own centre, among those whose windows are authorised for the item.
        centre_for(item)  # refuses an item that no centre handles
        centres = [c for c in centres_for(item) if _covered(actor, [c], Role.WINDOW_CLERK)]
        if not centres:
            raise PermissionDenied(f"只有已获授权受理“{item.name}”的政务服务中心的窗口受理人员可以登记")
        centre = centres[0]
        return _create(item=item, centre=centre, location=centre, channel="window", data=data, provided=provided,
                       actor=actor, submission_key=submission_key)
    if point.kind not in (Organisation.Kind.TOWN, Organisation.Kind.VILLAGE):
        raise ValidationError({"point": f"{point}不是镇（街道）或村（社区）便民服务点"})
    if not _covered(actor, [point], Role.WINDOW_CLERK):
        raise PermissionDenied(f"只有{point}便民服务点的代办人员可以在该点登记")
    if not item.agency_allowed:
        raise ValidationError({"item": f"“{item.name}”不在镇村代办事项目录内，请到政务服务中心窗口办理"})
    centre = centre_for(item, near=point)
    return _create(item=item, centre=centre, location=point, channel="agency", data=data, provided=provided,
                   actor=actor, submission_key=submission_key, agency_point=point)


def _create(*, item, centre, location, channel, data, provided, actor, client_ip="", submission_key=None,
            agency_point=None) -> Submitted:
    clean = clean_applicant(data)
    materials = list(item.materials.all())
    provided_ids = _material_ids(materials, provided)
    now = timezone.now()
    sender = sender_hash(client_ip) if client_ip else ""
    secret = tracking.new_secret(submission_key, purpose=SECRET_PURPOSE)
    staff = actor if getattr(actor, "is_authenticated", False) and channel != "online" else None
    case = Case(
        organisation=centre, item=item, department_id=item.department_id, channel=channel, location=location,
        agency_point=agency_point, tracking_code=tracking.new_code(),
        secret_hash=tracking.secret_digest(secret, purpose=SECRET_PURPOSE), submission_key=submission_key,
        sender_hash=sender, submitted_at=now, registered_by=staff,
        applicant_user=actor if channel == "online" and getattr(actor, "is_authenticated", False) else None,
        immediate=item.immediate, committed_limit=item.committed_limit, legal_limit=item.legal_limit,
        step_plan=list(item.step_keys), **clean,
    )
    try:
        with transaction.atomic():
            # The gapless number's row lock is held to the commit: take it last.
            case.sequence, case.number = next_number(
                organisation=centre, kind=NUMBER_KIND, year=timezone.localdate(now).year, default_template=NUMBER_TEMPLATE
            )
            case.save(force_insert=True)
            _rate_check(sender, now)
            CaseMaterial.objects.bulk_create(
                CaseMaterial(case=case, material=m, name=m.name, required=m.required, provided=m.pk in provided_ids,
                             provided_on=timezone.localdate(now) if m.pk in provided_ids else None)
                for m in materials
            )
            if channel == "agency":
                Hop.objects.create(case=case, from_org=None, to_org=location, at=now, by=staff, note="便民服务点登记")
            action = "services.case.submit" if channel == "online" else "services.case.register"
            audit.record(actor=actor, action=action, target=case,
                         after={"channel": channel, "item": item.code, "location": location.code, "status": case.status})
    except IntegrityError:
        if submission_key is not None:
            existing = Case.objects.filter(organisation=centre, submission_key=submission_key).first()
            if existing is not None:
                return Submitted(existing, secret, False)
        raise
    return Submitted(case, secret, True)


def _material_ids(materials: list[Material], provided) -> set[int]:
    ids = {int(x) for x in (provided or ())}
    unknown = ids - {m.pk for m in materials}
    if unknown:
        raise ValidationError({"materials": "所选材料不属于该事项"})
    return ids


def missing_required(case: Case) -> list[str]:
    return [m.name for m in case.materials.all() if m.required and not m.provided]


def secret_matches(case: Case, secret: str) -> bool:
    return tracking.secret_matches(case.secret_hash, secret, purpose=SECRET_PURPOSE)


# --- forwarding (代办) ----------------------------------------------------------------------------


def case_forward(*, actor, case: Case, note: str = "") -> Case:
    """Send an agency case one level up: village point → town → centre. Every hop is recorded."""
    note = _text(note, "note", "转报说明", required=False, limit=200)
    with audit.action(actor=actor, action="services.case.forward", target=case):
        c = _locked(case)
        _check("forward", c)
        if c.location_id == c.organisation_id:
            raise ValidationError({"status": "办件已到达政务服务中心，无需再转报"})
        _require_kind(actor, c, rules.AGENCY)
        before = _state(c)
        target = next_hop(c.location, c.organisation)
        Hop.objects.create(case=c, from_org=c.location, to_org=target, at=timezone.now(), by=actor, note=note)
        c.location = target
        c.save(update_fields=["location"])
        audit.record(actor=actor, action="services.case.forward", target=c, before=before, after=_state(c), reason=note)
    return c


# --- acceptance -------------------------------------------------------------------------------------


def case_accept(
    *, actor, case: Case, window: Window, provided: list[int] | None = None, on: date | None = None,
    document_number: str = "",
) -> Case:
    """受理 at a window authorised for the item, with every required material in hand. A 即办件 is
    completed (准予) at the same moment. ``provided`` (ids of the case's own material rows, as listed
    when it was registered) says what has been handed in by now."""
    with audit.action(actor=actor, action="services.case.accept", target=case):
        c = _locked(case)
        _check("accept", c)
        _require_kind(actor, c, rules.CLERK)
        if c.location_id != c.organisation_id:
            raise ValidationError({"status": f"办件尚在{c.location}，须转报到{c.organisation}后才能受理"})
        on = _day(on, "accepted_on", not_before=timezone.localtime(c.submitted_at).date(), before_label="提交之日")
        if window.centre_id != c.organisation_id:
            raise ValidationError({"window": f"{window}不属于{c.organisation}"})
        refusal = window_refusal(window, c.item, on)
        if refusal:
            raise ValidationError({"window": refusal})
        if provided is not None:
            rows = list(c.materials.all())
            ids = {int(x) for x in provided}
            if ids - {m.pk for m in rows}:
                raise ValidationError({"materials": "所选材料不属于本办件"})
            for m in rows:
                if (m.pk in ids) != m.provided:
                    m.provided, m.provided_on = m.pk in ids, on if m.pk in ids else None
                    m.save(update_fields=["provided", "provided_on"])
        missing = missing_required(c)
        if missing:
            raise ValidationError({"materials": f"缺少必须提供的材料，不能受理：{'、'.join(missing)}"})
        before = _state(c)
        item = c.item
        c.window, c.accepted_on, c.accepted_at, c.accepted_by = window, on, timezone.now(), actor
        c.immediate, c.committed_limit, c.legal_limit = item.immediate, item.committed_limit, item.legal_limit
        c.status = rules.target_status("accept", c.status, c.step_keys, c.immediate)
        fields = ["window", "accepted_on", "accepted_at", "accepted_by", "immediate", "committed_limit", "legal_limit"]
        _step(c, "accept", "accept", actor)
        if c.status == rules.COMPLETED:  # 即办件: decided at the window on the spot
            c.result, c.completed_on, c.completed_at, c.decided_by = "approved", on, timezone.now(), actor
            c.result_document = _text(document_number, "document_number", "决定文书文号", required=False, limit=100)
            fields += ["result", "completed_on", "completed_at", "decided_by", "result_document"]
            _step(c, "complete", "decide", actor, "即办件当场办结")
        _save(c, *fields)
        audit.record(actor=actor, action="services.case.accept", target=c, before=before, after=_state(c))
    return c


def case_reject(*, actor, case: Case, reason: str) -> Case:
    """不予受理, with the reason the applicant is told (行政许可法第三十二条)."""
    reason = _text(reason, "reason", "不予受理的理由")
    with audit.action(actor=actor, action="services.case.reject", target=case):
        c = _locked(case)
        _check("reject", c)
        _require_kind(actor, c, rules.CLERK)
        before = _state(c)
        c.status, c.rejection_reason, c.decided_by = rules.REJECTED, reason, actor
        _step(c, "accept", "reject", actor, reason)
        _save(c, "rejection_reason", "decided_by")
        audit.record(actor=actor, action="services.case.reject", target=c, before=before, after=_state(c), reason=reason)
    return c


# --- review, correction, suspension ---------------------------------------------------------------


def case_review_start(*, actor, case: Case) -> Case:
    return _simple(actor, case, "review_start", "review")


def case_review_pass(*, actor, case: Case, opinion: str) -> Case:
    opinion = _text(opinion, "opinion", "审查意见")
    return _simple(actor, case, "review_pass", "review", opinion)


def case_return_to_review(*, actor, case: Case, opinion: str) -> Case:
    opinion = _text(opinion, "opinion", "退回理由")
    return _simple(actor, case, "return_to_review", "approve", opinion)


def _simple(actor, case: Case, action: str, step: str, opinion: str = "") -> Case:
    with audit.action(actor=actor, action=f"services.case.{action}", target=case):
        c = _locked(case)
        _check(action, c)
        _require_kind(actor, c, rules.actor_for(action, c.step_keys, c.immediate))
        if _open_suspension(c) is not None and action != "review_start":
            raise ValidationError({"status": "特别程序（暂停计时）尚未结束，请先结束后再办理"})
        before = _state(c)
        c.status = rules.target_status(action, c.status, c.step_keys, c.immediate)
        _step(c, step, action, actor, opinion)
        _save(c)
        audit.record(actor=actor, action=f"services.case.{action}", target=c, before=before, after=_state(c), reason=opinion)
    return c


def _open_suspension(case: Case) -> Suspension | None:
    return case.suspensions.filter(ended_on__isnull=True).first()


def _last_dated(case: Case) -> date:
    """The latest day the case's record already speaks of: its acceptance or the end of its last
    suspension. Nothing may be dated before it."""
    last_end = case.suspensions.exclude(ended_on=None).order_by("-ended_on").values_list("ended_on", flat=True).first()
    return max(filter(None, (case.accepted_on, last_end)))


def _suspension_start(case: Case, on: date | None, field: str) -> date:
    """A suspension starts after the previous one ended and no later than the due date: time can
    only stop while it is still running (a pause after the limit ran out would hide an overdue case)."""
    last_end = case.suspensions.exclude(ended_on=None).order_by("-ended_on").values_list("ended_on", flat=True).first()
    not_before = max(filter(None, (case.accepted_on, last_end and last_end + timedelta(days=1))))
    on = _day(on, field, not_before=not_before, before_label="受理日期或上一段暂停计时结束的次日")
    if case.due_on is not None and on > case.due_on:
        raise ValidationError({field: f"已超过办结期限（{cn_date(case.due_on)}），不能再暂停计时"})
    return on


def case_request_correction(*, actor, case: Case, missing: list[str], note: str = "", on: date | None = None) -> Case:
    """一次性告知补正: everything missing, listed once. The clock stops until the materials arrive."""
    items = [plain_text(str(x)).strip()[:200] for x in (missing or ()) if plain_text(str(x)).strip()]
    note = _text(note, "note", "补正说明", required=False)
    if not items:
        raise ValidationError({"missing": "请一次性列明需要补正的全部材料"})
    with audit.action(actor=actor, action="services.case.request_correction", target=case):
        c = _locked(case)
        _check("request_correction", c)
        _require_kind(actor, c, rules.actor_for("request_correction", c.step_keys, c.immediate))
        if c.correction_requested_on is not None:
            raise ValidationError({"missing": f"补正只能一次性告知，本件已于{cn_date(c.correction_requested_on)}告知过"})
        if _open_suspension(c) is not None:
            raise ValidationError({"status": "特别程序（暂停计时）尚未结束，请先结束后再告知补正"})
        on = _suspension_start(c, on, "requested_on")
        before = _state(c)
        c.correction_items, c.correction_note, c.correction_requested_on = items, note, on
        c.status = rules.CORRECTION
        Suspension.objects.create(case=c, kind="correction", started_on=on, reason="；".join(items), created_by=actor)
        _step(c, "review", "request_correction", actor, "；".join(items))
        _save(c, "correction_items", "correction_note", "correction_requested_on")
        audit.record(actor=actor, action="services.case.request_correction", target=c, before=before,
                     after={**_state(c), "missing": items})
    return c


def case_receive_correction(*, actor, case: Case, on: date | None = None) -> Case:
    """The missing materials arrived: the clock runs again from the next day."""
    with audit.action(actor=actor, action="services.case.receive_correction", target=case):
        c = _locked(case)
        _check("receive_correction", c)
        _require_kind(actor, c, rules.actor_for("receive_correction", c.step_keys, c.immediate))
        suspension = _open_suspension(c)
        on = _day(on, "received_on", not_before=suspension.started_on if suspension else c.accepted_on, before_label="告知补正之日")
        before = _state(c)
        if suspension is not None:
            suspension.ended_on = on
            suspension.save(update_fields=["ended_on"])
        for m in c.materials.filter(provided=False, name__in=c.correction_items):
            m.provided, m.provided_on = True, on
            m.save(update_fields=["provided", "provided_on"])
        c.status = rules.target_status("receive_correction", c.status, c.step_keys, c.immediate)
        _step(c, "review", "receive_correction", actor)
        _save(c)
        audit.record(actor=actor, action="services.case.receive_correction", target=c, before=before, after=_state(c))
    return c


def case_suspend(*, actor, case: Case, kind: str, reason: str, on: date | None = None) -> Case:
    """听证, 检验检测, 专家评审 …: time not counted (行政许可法第四十五条), recorded with its reason."""
    if kind not in rules.MANUAL_SUSPENSIONS:
        raise ValidationError({"kind": f"暂停计时的类型无效，可选：{'、'.join(rules.SUSPENSION_KINDS[k] for k in rules.MANUAL_SUSPENSIONS)}"})
    reason = _text(reason, "reason", "暂停计时的事由")
    with audit.action(actor=actor, action="services.case.suspend", target=case):
        c = _locked(case)
        _check("suspend", c)
        _require_kind(actor, c, rules.actor_for("suspend", c.step_keys, c.immediate))
        if _open_suspension(c) is not None:
            raise ValidationError({"kind": "已有一项特别程序正在进行"})
        on = _suspension_start(c, on, "started_on")
        before = _state(c)
        Suspension.objects.create(case=c, kind=kind, started_on=on, reason=reason, created_by=actor)
        _step(c, "review" if c.status == rules.REVIEWING else "approve", "suspend", actor, f"{rules.SUSPENSION_KINDS[kind]}：{reason}")
        _save(c)
        audit.record(actor=actor, action="services.case.suspend", target=c, before=before,
                     after={**_state(c), "kind": kind}, reason=reason)
    return c


def case_resume(*, actor, case: Case, on: date | None = None, outcome: str = "") -> Case:
    outcome = _text(outcome, "outcome", "特别程序结果", required=False)
    with audit.action(actor=actor, action="services.case.resume", target=case):
        c = _locked(case)
        _check("resume", c)
        _require_kind(actor, c, rules.actor_for("resume", c.step_keys, c.immediate))
        suspension = _open_suspension(c)
        if suspension is None or suspension.kind == "correction":
            raise ValidationError({"status": "没有正在进行的特别程序"})
        on = _day(on, "ended_on", not_before=suspension.started_on, before_label="特别程序开始之日")
        before = _state(c)
        suspension.ended_on = on
        suspension.save(update_fields=["ended_on"])
        _step(c, "review" if c.status == rules.REVIEWING else "approve", "resume", actor, outcome)
        _save(c)
        audit.record(actor=actor, action="services.case.resume", target=c, before=before, after=_state(c), reason=outcome)
    return c


# --- decision, delivery, withdrawal ---------------------------------------------------------------


def case_decide(
    *, actor, case: Case, result: str, document_number: str, note: str = "", on: date | None = None
) -> Case:
    """办结: 准予 or 不予, with the decision's document number; a refusal states its reasons. Under
    一审一核 the person who reviewed may not also approve."""
    if result not in rules.RESULTS:
        raise ValidationError({"result": "请选择办理结果：准予或不予"})
    document_number = _text(document_number, "document_number", "决定文书文号", limit=100)
    note = _text(note, "note", "不予的理由", required=result == "refused")
    with audit.action(actor=actor, action="services.case.decide", target=case):
        c = _locked(case)
        _check("decide", c)
        decider = rules.actor_for("decide", c.step_keys, c.immediate)
        _require_kind(actor, c, decider)
        if decider == rules.APPROVER and "review" in c.step_keys and c.steps.filter(step="review", actor=actor).exists():
            raise PermissionDenied("一审一核：审查过本件的人员不能再作核准决定，请由另一位核准人员办理")
        if _open_suspension(c) is not None:
            raise ValidationError({"status": "特别程序（暂停计时）尚未结束，不能作出决定"})
        on = _day(on, "completed_on", not_before=_last_dated(c), before_label="受理日期或暂停计时结束之日")
        before = _state(c)
        c.status, c.result, c.result_document, c.result_note = rules.COMPLETED, result, document_number, note
        c.completed_on, c.completed_at, c.decided_by = on, timezone.now(), actor
        _step(c, "approve" if decider == rules.APPROVER else "complete", "decide", actor,
              f"{rules.RESULTS[result]}（{document_number}）{note}")
        _save(c, "result", "result_document", "result_note", "completed_on", "completed_at", "decided_by")
        audit.record(actor=actor, action="services.case.decide", target=c, before=before,
                     after={**_state(c), "result": result, "used_workdays": c.used_workdays})
    return c


def case_deliver(*, actor, case: Case, on: date | None = None, method: str = "") -> Case:
    """送达: the decision handed over, posted or sent electronically."""
    method = method or case.delivery
    if method not in rules.DELIVERIES:
        raise ValidationError({"method": f"送达方式无效，可选：{'、'.join(rules.DELIVERIES.values())}"})
    with audit.action(actor=actor, action="services.case.deliver", target=case):
        c = _locked(case)
        _check("deliver", c)
        _require_kind(actor, c, rules.CLERK)
        on = _day(on, "delivered_on", not_before=c.completed_on, before_label="办结日期")
        before = _state(c)
        c.status, c.delivered_on, c.delivery = rules.DELIVERED, on, method
        _step(c, "complete", "deliver", actor, rules.DELIVERIES[method])
        _save(c, "delivered_on", "delivery")
        audit.record(actor=actor, action="services.case.deliver", target=c, before=before, after=_state(c))
    return c


def case_withdraw(*, case: Case, reason: str, secret: str | None = None, actor=None) -> Case:
    """The applicant withdraws (with the case's secret), or a window clerk records a written
    withdrawal on the applicant's behalf."""
    reason = _text(reason, "reason", "撤回理由", limit=500)
    with audit.action(actor=actor, action="services.case.withdraw", target=case):
        c = _locked(case)
        if secret is not None:
            if not secret_matches(c, secret):
                raise PermissionDenied("查询码或查询密码不正确")
        elif rules.CLERK not in actor_kinds(actor, c) and rules.AGENCY not in actor_kinds(actor, c):
            raise PermissionDenied("只有申请人本人（凭查询密码）或窗口受理人员可以撤回")
        _check("withdraw", c)
        before = _state(c)
        today = local_today()
        suspension = _open_suspension(c)
        if suspension is not None:
            suspension.ended_on = max(today, suspension.started_on)
            suspension.save(update_fields=["ended_on"])
        c.status, c.withdrawn_on, c.withdrawal_reason = rules.WITHDRAWN, today, reason
        _step(c, "complete", "withdraw", actor, reason)
        _save(c, "withdrawn_on", "withdrawal_reason")
        audit.record(actor=actor, action="services.case.withdraw", target=c, before=before, after=_state(c), reason=reason)
    return c


def can_register(user) -> bool:
    return organisations_for(user, CLERK_ROLES).exists()
