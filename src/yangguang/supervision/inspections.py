"""Invited supervisors (特邀监督员) and their inspections: reads and writes.

Who may do what:
- the supervision desk (``Role.SUPERVISOR``) of an organisation keeps its roster (appoint, dismiss),
  records inspections of the organisations it covers with the findings, and confirms (复查确认)
  what was rectified; it also runs the monthly assessment;
- the unit a finding names (its leaders) reports the rectification (已整改); the desk may record
  that for it too;
- an invited supervisor who has an account sees the inspections they took part in, nothing else.
Everyone else — above all a person of another county — is refused. ``actor=None`` is the system.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yangguang.core import audit
from yangguang.core.masking import normalise_phone
from yangguang.core.models import Organisation, Role, User, Window
from yangguang.core.selectors import organisations_for
from yangguang.supervision.checks import clean_date, clean_text
from yangguang.supervision.models import Inspection, InspectionFinding, Supervisor
from yangguang.supervision.notify import notify

DESK_ROLES = (Role.SUPERVISOR,)
UNIT_ROLES = (Role.LEADER,)
NAME_MAX, AFFILIATION_MAX, CATEGORY_MAX, CERTIFICATE_MAX, REASON_MAX = 50, 200, 50, 50, 200
TEXT_MAX = 4000
_PHONE = re.compile(r"^\d{7,20}$")


def local_today() -> date:
    """Today in Asia/Shanghai. One seam, so tests can fix the date."""
    return timezone.localdate()


# --- access ------------------------------------------------------------------------------------------


def desk_organisations(user) -> QuerySet[Organisation]:
    return organisations_for(user, DESK_ROLES).filter(is_active=True)


def can_manage(user, organisation: Organisation) -> bool:
    return desk_organisations(user).filter(pk=organisation.pk).exists()


def desk_organisation(user, code: str) -> Organisation | None:
    return desk_organisations(user).filter(code=code).first()


def require_desk(actor, organisation: Organisation) -> None:
    if actor is not None and not can_manage(actor, organisation):
        raise PermissionDenied(f"只有{organisation}的监督人员（效能办）可以办理此事项")


def _is_unit_leader(user, organisation: Organisation) -> bool:
    return organisations_for(user, UNIT_ROLES).filter(pk=organisation.pk).exists()


def supervisor_record_of(user) -> QuerySet[Supervisor]:
    if not getattr(user, "is_authenticated", False):
        return Supervisor.objects.none()
    return Supervisor.objects.filter(user=user)


def roster(user) -> QuerySet[Supervisor]:
    return (Supervisor.objects.filter(organisation__in=desk_organisations(user))
            .select_related("organisation", "user").annotate(inspection_count=Count("inspections"))
            .order_by("organisation__path", "dismissed_on", "name"))


def supervisor_for(user, pk: int) -> Supervisor | None:
    return Supervisor.objects.filter(pk=pk, organisation__in=desk_organisations(user)).select_related("organisation").first()


def active_supervisors(organisations: QuerySet[Organisation], on: date) -> QuerySet[Supervisor]:
    return (Supervisor.objects.filter(organisation__in=organisations, term_starts_on__lte=on, term_ends_on__gte=on)
            .filter(Q(dismissed_on__isnull=True) | Q(dismissed_on__gt=on)).order_by("name"))


def _visible_inspections(user) -> Q:
    return (Q(organisation__in=desk_organisations(user)) | Q(supervisors__user=user)
            | Q(findings__responsible__in=organisations_for(user, UNIT_ROLES)))


def inspections_for(user) -> QuerySet[Inspection]:
    if not getattr(user, "is_authenticated", False):
        return Inspection.objects.none()
    ids = Inspection.objects.filter(_visible_inspections(user)).values("pk")
    return (Inspection.objects.filter(pk__in=ids).select_related("organisation", "window", "recorded_by")
            .prefetch_related("supervisors", "findings__responsible").order_by("-inspected_on", "-pk"))


def inspection_for(user, pk: int) -> Inspection | None:
    return inspections_for(user).filter(pk=pk).first()


def finding_for(user, pk: int) -> InspectionFinding | None:
    finding = InspectionFinding.objects.select_related("inspection__organisation", "responsible").filter(pk=pk).first()
    if finding is None or inspection_for(user, finding.inspection_id) is None:
        return None
    return finding


def can_rectify(user, finding: InspectionFinding) -> bool:
    return can_manage(user, finding.inspection.organisation) or _is_unit_leader(user, finding.responsible)


def _visible_findings(user) -> Q:
    """The desk and the supervisors who took part see every finding of an inspection; a unit's
    leader sees only the findings their unit must rectify, not the other units' in the same one."""
    return (Q(inspection__organisation__in=desk_organisations(user)) | Q(inspection__supervisors__user=user)
            | Q(responsible__in=organisations_for(user, UNIT_ROLES)))


def findings_for(user, inspection: Inspection) -> QuerySet[InspectionFinding]:
    ids = InspectionFinding.objects.filter(_visible_findings(user), inspection=inspection).values("pk")
    return InspectionFinding.objects.filter(pk__in=ids).select_related("responsible", "confirmed_by").order_by("pk")


def open_findings(user) -> QuerySet[InspectionFinding]:
    if not getattr(user, "is_authenticated", False):
        return InspectionFinding.objects.none()
    ids = InspectionFinding.objects.filter(_visible_findings(user)).values("pk")
    return (InspectionFinding.objects.filter(pk__in=ids).exclude(status=InspectionFinding.Status.CONFIRMED)
            .select_related("inspection__organisation", "responsible").order_by("due_on", "pk"))


def findings_in(organisation: Organisation, first: date, last: date) -> dict[str, int]:
    """Counts for the briefing: inspections made in [first, last] of the subtree, and their findings."""
    inspections = Inspection.objects.filter(organisation__path__startswith=organisation.path,
                                            inspected_on__gte=first, inspected_on__lte=last)
    findings = InspectionFinding.objects.filter(inspection__in=inspections.values("pk"))
    by_status = {row["status"]: row["n"] for row in findings.values("status").order_by().annotate(n=Count("pk"))}
    return {
        "inspections": inspections.count(),
        "findings": sum(by_status.values()),
        "open": by_status.get(InspectionFinding.Status.OPEN, 0),
        "rectified": by_status.get(InspectionFinding.Status.RECTIFIED, 0),
        "confirmed": by_status.get(InspectionFinding.Status.CONFIRMED, 0),
    }


# --- checks ------------------------------------------------------------------------------------------


def _actor_user(actor) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- supervisors -------------------------------------------------------------------------------------


def supervisor_appoint(
    *, actor, organisation: Organisation, name: str, term_starts_on, term_ends_on, affiliation: str = "",
    category: str = "", phone: str = "", certificate_number: str = "", user: User | None = None,
) -> Supervisor:
    """Put a person on the roster for a term (聘期)."""
    require_desk(actor, organisation)
    errors: dict[str, str] = {}
    name = clean_text(name, field="name", label="姓名", limit=NAME_MAX, errors=errors, required=True)
    affiliation = clean_text(affiliation, field="affiliation", label="工作单位及职务", limit=AFFILIATION_MAX, errors=errors)
    category = clean_text(category, field="category", label="界别", limit=CATEGORY_MAX, errors=errors)
    certificate_number = clean_text(certificate_number, field="certificate_number", label="聘书编号", limit=CERTIFICATE_MAX,
                               errors=errors)
    phone = normalise_phone(str(phone or ""))
    if phone and not _PHONE.match(phone):
        errors["phone"] = "联系电话应为 7–20 位数字（可不填）"
    starts = clean_date(term_starts_on, field="term_starts_on", label="聘期开始", errors=errors)
    ends = clean_date(term_ends_on, field="term_ends_on", label="聘期结束", errors=errors)
    if starts and ends and ends < starts:
        errors["term_ends_on"] = "聘期结束不能早于聘期开始"
    if certificate_number and Supervisor.objects.filter(organisation=organisation,
                                                        certificate_number=certificate_number).exists():
        errors["certificate_number"] = f"聘书编号 {certificate_number} 已被使用"
    if errors:
        raise ValidationError(errors)
    try:
        supervisor = _appoint(actor, organisation, name=name, affiliation=affiliation, category=category, phone=phone,
                              certificate_number=certificate_number, term_starts_on=starts, term_ends_on=ends, user=user)
    except IntegrityError:  # the same certificate number given at the same moment by another clerk
        raise ValidationError({"certificate_number": f"聘书编号 {certificate_number} 已被使用"}) from None
    return supervisor


def _appoint(actor, organisation: Organisation, **fields) -> Supervisor:
    with audit.action(actor=actor, action="supervisor.appoint", target=organisation):
        supervisor = Supervisor.objects.create(organisation=organisation, **fields)
        user = fields["user"]
        audit.record(actor=actor, action="supervisor.appoint", target=supervisor, after={
            "name": fields["name"], "category": fields["category"], "certificate_number": fields["certificate_number"],
            "term": f"{fields['term_starts_on']}–{fields['term_ends_on']}", "user": user.username if user else "",
        })
    return supervisor


def supervisor_dismiss(*, actor, supervisor: Supervisor, dismissed_on, reason: str) -> Supervisor:
    """End the appointment before its term (解聘); the reason is kept with the roster."""
    require_desk(actor, supervisor.organisation)
    errors: dict[str, str] = {}
    on = clean_date(dismissed_on, field="dismissed_on", label="解聘日期", errors=errors)
    reason = clean_text(reason, field="dismissal_reason", label="解聘原因", limit=REASON_MAX, errors=errors, required=True)
    if on is not None and on < supervisor.term_starts_on:
        errors["dismissed_on"] = "解聘日期不能早于聘期开始"
    if errors:
        raise ValidationError(errors)
    with audit.action(actor=actor, action="supervisor.dismiss", target=supervisor):
        changed = Supervisor.objects.filter(pk=supervisor.pk, dismissed_on__isnull=True).update(
            dismissed_on=on, dismissal_reason=reason)
        if not changed:
            raise ValidationError({"dismissed_on": f"{supervisor.name}已于此前解聘"})
        audit.record(actor=actor, action="supervisor.dismiss", target=supervisor,
                     after={"dismissed_on": on, "reason": reason})
    supervisor.refresh_from_db()
    return supervisor


# --- inspections -------------------------------------------------------------------------------------


def inspection_record(
    *, actor, organisation: Organisation, kind: str, inspected_on, summary: str,
    supervisors: Sequence[Supervisor], window: Window | None = None, today: date | None = None,
) -> Inspection:
    """One inspection (明察/暗访/座谈评议) of ``organisation`` (or one of its windows) and who took part."""
    require_desk(actor, organisation)
    today = today or local_today()
    errors: dict[str, str] = {}
    if kind not in Inspection.Kind.values:
        errors["kind"] = "请选择检查方式（明察、暗访或座谈评议）"
    on = clean_date(inspected_on, field="inspected_on", label="检查日期", errors=errors)
    if on is not None and on > today:
        errors["inspected_on"] = "检查日期不能晚于今天"
    summary = clean_text(summary, field="summary", label="检查情况", limit=TEXT_MAX, errors=errors, required=True)
    supervisors = list(supervisors)
    if not supervisors:
        errors["supervisors"] = "请选择参加检查的监督员"
    for person in supervisors:
        in_term = on is None or (person.term_starts_on <= on <= person.term_ends_on
                                 and (person.dismissed_on is None or person.dismissed_on > on))
        if not in_term:
            errors["supervisors"] = f"参加的监督员：{person.name}在检查日期不在聘期内"
        if actor is not None and not can_manage(actor, person.organisation):
            errors["supervisors"] = f"参加的监督员：{person.name}不是您所在机构聘请的监督员"
    if window is not None and window.centre_id != organisation.pk:
        errors["window"] = f"被检查窗口：{window}不属于{organisation}"
    if errors:
        raise ValidationError(errors)
    recorder = _actor_user(actor) or (supervisors[0].user if supervisors[0].user else None)
    if recorder is None:
        raise ValidationError({"recorded_by": "系统登记检查时至少一名监督员须有系统账号"})
    with audit.action(actor=actor, action="inspection.record", target=organisation):
        inspection = Inspection.objects.create(
            organisation=organisation, window=window, kind=kind, inspected_on=on, summary=summary,
            recorded_by=recorder, recorded_at=timezone.now(),
        )
        inspection.supervisors.set(supervisors)
        audit.record(actor=actor, action="inspection.record", target=inspection, after={
            "kind": kind, "inspected_on": on, "window": str(window or ""),
            "supervisors": [p.name for p in supervisors],
        })
    return inspection


def _unit_people(organisation: Organisation) -> list[User]:
    leaders = list(User.objects.filter(is_active=True, role_assignments__organisation=organisation,
                                       role_assignments__role__in=UNIT_ROLES).distinct())
    return leaders or list(User.objects.filter(is_active=True, role_assignments__organisation=organisation).distinct())


def finding_add(
    *, actor, inspection: Inspection, problem: str, responsible: Organisation, due_on, today: date | None = None,
) -> InspectionFinding:
    """A problem found, the unit that must rectify it and by when; the unit is notified."""
    require_desk(actor, inspection.organisation)
    today = today or local_today()
    errors: dict[str, str] = {}
    problem = clean_text(problem, field="problem", label="发现的问题", limit=TEXT_MAX, errors=errors, required=True)
    due = clean_date(due_on, field="due_on", label="整改期限", errors=errors)
    if due is not None and due < inspection.inspected_on:
        errors["due_on"] = "整改期限不能早于检查日期"
    if actor is not None and not can_manage(actor, responsible):
        errors["responsible"] = f"整改单位：{responsible}不在您的监督范围内"
    if errors:
        raise ValidationError(errors)
    with audit.action(actor=actor, action="inspection.finding.add", target=inspection):
        finding = InspectionFinding.objects.create(inspection=inspection, problem=problem, responsible=responsible,
                                                   due_on=due)
        audit.record(actor=actor, action="inspection.finding.add", target=finding,
                     after={"responsible": responsible.code, "due_on": due, "problem": problem[:100]})
        notify(
            recipients=_unit_people(responsible), key=f"inspection-finding-{finding.pk}", kind="inspection",
            title=f"监督检查发现问题，请于{due:%Y年%m月%d日}前整改",
            body=f"{inspection.inspected_on:%Y-%m-%d}{inspection.get_kind_display()}发现：{problem[:200]}",
            url=f"/staff/jdy/inspection/{inspection.pk}/", organisation=responsible,
        )
    return finding


def finding_rectify(*, actor, finding: InspectionFinding, follow_up: str, rectified_on, today: date | None = None,
                    ) -> InspectionFinding:
    """待整改 → 已整改: the unit reports what it did."""
    if actor is not None and not can_rectify(actor, finding):
        raise PermissionDenied(f"只有{finding.responsible}的领导或监督人员可以报告整改情况")
    today = today or local_today()
    errors: dict[str, str] = {}
    follow_up = clean_text(follow_up, field="follow_up", label="整改情况", limit=TEXT_MAX, errors=errors, required=True)
    on = clean_date(rectified_on, field="rectified_on", label="整改日期", errors=errors)
    if on is not None and (on > today or on < finding.inspection.inspected_on):
        errors["rectified_on"] = "整改日期应在检查日期和今天之间"
    if errors:
        raise ValidationError(errors)
    with audit.action(actor=actor, action="inspection.finding.rectify", target=finding):
        changed = InspectionFinding.objects.filter(pk=finding.pk, status=InspectionFinding.Status.OPEN).update(
            status=InspectionFinding.Status.RECTIFIED, follow_up=follow_up, rectified_on=on)
        if not changed:
            raise ValidationError({"status": "该问题不是“待整改”状态，不能再报告整改"})
        audit.record(actor=actor, action="inspection.finding.rectify", target=finding,
                     before={"status": "open"}, after={"status": "rectified", "rectified_on": on})
    finding.refresh_from_db()
    return finding


def finding_confirm(*, actor, finding: InspectionFinding, confirmed_on, today: date | None = None) -> InspectionFinding:
    """已整改 → 已复查确认: the desk checks the rectification."""
    require_desk(actor, finding.inspection.organisation)
    today = today or local_today()
    errors: dict[str, str] = {}
    on = clean_date(confirmed_on, field="confirmed_on", label="复查日期", errors=errors)
    if on is not None and (on > today or (finding.rectified_on and on < finding.rectified_on)):
        errors["confirmed_on"] = "复查日期应在整改日期和今天之间"
    if errors:
        raise ValidationError(errors)
    with audit.action(actor=actor, action="inspection.finding.confirm", target=finding):
        changed = InspectionFinding.objects.filter(pk=finding.pk, status=InspectionFinding.Status.RECTIFIED).update(
            status=InspectionFinding.Status.CONFIRMED, confirmed_on=on, confirmed_by=_actor_user(actor))
        if not changed:
            raise ValidationError({"status": "该问题尚未报告整改（或已复查确认），不能复查确认"})
        audit.record(actor=actor, action="inspection.finding.confirm", target=finding,
                     before={"status": "rectified"}, after={"status": "confirmed", "confirmed_on": on})
    finding.refresh_from_db()
    return finding
