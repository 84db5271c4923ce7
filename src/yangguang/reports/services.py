"""Every write of the annual reports: draft, edit the texts, refresh the figures, publish (refused
when the 勾稽关系 does not hold, listing the applications at fault), correct (a new version)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yangguang.core import audit
from yangguang.core.models import Organisation, Role
from yangguang.core.selectors import organisations_for
from yangguang.disclosure.consultation import plain_text
from yangguang.reports import annual, selectors
from yangguang.reports.models import AnnualReport

TEXT_SECTIONS = ("s1_overview", "s5_problems", "s6_other")
TEXT_MAX = 20000
EDIT_ROLES = (Role.DISCLOSURE_OFFICER, Role.LEADER)
PUBLISH_ROLES = (Role.LEADER,)  # the head approves publication; officers draft and edit


def _require(actor, organisation: Organisation, roles) -> None:
    if actor is not None and not organisations_for(actor, roles).filter(pk=organisation.pk).exists():
        raise PermissionDenied(f"只有{organisation}的{'、'.join(Role(r).label for r in roles)}可以办理年度报告")


def _members(organisation: Organisation, scope: str, members: list[str] | None) -> list[Organisation]:
    if scope == AnnualReport.Scope.OWN:
        return [organisation]
    codes = list(dict.fromkeys(members or []))
    if not codes:
        raise ValidationError({"members": "汇总报告请选择要汇总的机关"})
    found = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({"members": f"找不到机关：{'、'.join(missing)}"})
    outside = [c for c in codes if not found[c].path.startswith(organisation.path)]
    if outside:
        raise ValidationError({"members": f"不属于{organisation}的机关不能汇总：{'、'.join(outside)}"})
    return [found[c] for c in codes]


def generate(*, organisation: Organisation, year: int, scope: str = AnnualReport.Scope.OWN,
             members: list[str] | None = None, status: str = "draft", version: int = 1, texts: dict | None = None) -> dict:
    """The JSON form of the report as the data stands now."""
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": f"年度 {year} 无效"})
    orgs = _members(organisation, scope, members)
    ids = [o.pk for o in orgs]
    # Sections 3 and 4 of a summary add up exactly when counted once over all the members (an
    # application belongs to one organisation); section 2's fee amounts are rounded per
    # organisation, so a summary adds the rounded figures each department publishes.
    numbers = {
        "s2_proactive": annual.add_tables([selectors.section2([i], year) for i in ids]),
        "s3_applications": selectors.section3(ids, year),
        "s4_review_litigation": selectors.section4(ids, year),
    }
    if texts is None:
        label = organisation.name if scope == AnnualReport.Scope.OWN else f"{organisation.name}（汇总 {len(orgs)} 个机关）"
        carried_out = numbers["s3_applications"]["carried_out"]["total"]
        texts = annual.draft_texts(selectors.activity(orgs, year, label, open_at_year_end=carried_out))
    report = annual.empty_report(org=organisation.code, year=year, status=status, version=version)
    report.update(numbers)
    report.update({k: texts.get(k, "") for k in TEXT_SECTIONS})
    return report


@dataclass
class Problems:
    table: list[str]  # the 勾稽关系, column by column
    applications: list[tuple[object, str]]  # (application, why)

    def __bool__(self) -> bool:
        return bool(self.table or self.applications)

    def message(self) -> str:
        lines = [*self.table, *(f"申请 {app.number}（{app.organisation.name}）：{why}" for app, why in self.applications)]
        return "勾稽关系不成立，不能发布：" + "；".join(lines[:50]) + ("……" if len(lines) > 50 else "")


def check(report: AnnualReport) -> Problems:
    orgs = _members(report.organisation, report.scope, report.members)
    return Problems(
        annual.check_section3(report.data["s3_applications"]),
        selectors.section3_problems([o.pk for o in orgs], report.year),
    )


def report_draft(*, actor, organisation: Organisation, year: int, scope: str = AnnualReport.Scope.OWN,
                 members: list[str] | None = None) -> AnnualReport:
    """The draft of this year's report: the existing one, or a new first version."""
    _require(actor, organisation, EDIT_ROLES)
    current = selectors.latest(organisation, year, scope)
    if current is not None:
        return current
    data = generate(organisation=organisation, year=year, scope=scope, members=members)
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(organisation=organisation, scope=scope, members=members or [], year=year,
                                                 version=1, data=data, created_by=actor)
            audit.record(actor=actor, action="report.annual.draft", target=report, after={"year": year, "scope": scope})
    except IntegrityError:  # drafted by someone else at the same moment
        return selectors.latest(organisation, year, scope)
    return report


def _locked_draft(report: AnnualReport) -> AnnualReport:
    locked = AnnualReport.objects.select_for_update().select_related("organisation").get(pk=report.pk)
    if locked.status != AnnualReport.Status.DRAFT:
        raise ValidationError({"status": f"第{locked.version}版已于{timezone.localtime(locked.published_at):%Y-%m-%d}发布，"
                                         "数字已冻结；如需修改请先“更正”生成新版本"})
    return locked


def report_refresh(*, actor, report: AnnualReport) -> AnnualReport:
    """Recount the figures of a draft from the data as it stands; the edited texts are kept."""
    _require(actor, report.organisation, EDIT_ROLES)
    with transaction.atomic():
        locked = _locked_draft(report)
        texts = {k: locked.data.get(k, "") for k in TEXT_SECTIONS}
        locked.data = generate(organisation=locked.organisation, year=locked.year, scope=locked.scope,
                               members=locked.members, version=locked.version, texts=texts)
        locked.save(update_fields=["data", "updated_at"])
        audit.record(actor=actor, action="report.annual.refresh", target=locked)
    return locked


def report_edit_texts(*, actor, report: AnnualReport, texts: dict[str, str]) -> AnnualReport:
    _require(actor, report.organisation, EDIT_ROLES)
    errors = {}
    clean = {}
    for key in TEXT_SECTIONS:
        value = plain_text(texts.get(key, "")).replace("\r\n", "\n")
        if not value.strip():
            errors[key] = "请填写本部分内容"
        elif len(value) > TEXT_MAX:
            errors[key] = f"不能超过 {TEXT_MAX} 字（现为 {len(value)} 字）"
        clean[key] = value
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked_draft(report)
        locked.data = {**locked.data, **clean}
        locked.save(update_fields=["data", "updated_at"])
        audit.record(actor=actor, action="report.annual.edit", target=locked)
    return locked


def report_publish(*, actor, report: AnnualReport) -> AnnualReport:
    """Recount, check the 勾稽关系, freeze. Refused, listing the applications at fault, when the
    figures don't add up."""
    _require(actor, report.organisation, PUBLISH_ROLES)
    with audit.action(actor=actor, action="report.annual.publish", target=report):
        locked = _locked_draft(report)
        texts = {k: locked.data.get(k, "") for k in TEXT_SECTIONS}
        if not all(v.strip() for v in texts.values()):
            raise ValidationError({"texts": "第一、五、六部分不能为空"})
        locked.data = generate(organisation=locked.organisation, year=locked.year, scope=locked.scope,
                               members=locked.members, version=locked.version, texts=texts, status="published")
        problems = check(locked)
        if problems:
            raise ValidationError({"s3_applications": problems.message()})
        locked.status = AnnualReport.Status.PUBLISHED
        locked.published_by, locked.published_at = actor, timezone.now()
        locked.save(update_fields=["data", "status", "published_by", "published_at", "updated_at"])
        audit.record(actor=actor, action="report.annual.publish", target=locked,
                     after={"version": locked.version, "s3_total": locked.data["s3_applications"]["new"]["total"]})
    return locked


def report_correct(*, actor, report: AnnualReport, reason: str) -> AnnualReport:
    """A published report is never changed: a correction is a new draft version, with its reason,
    recounted from the data; both versions stay visible."""
    _require(actor, report.organisation, EDIT_ROLES)
    reason = plain_text(reason)
    if not reason:
        raise ValidationError({"reason": "请填写更正理由"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "更正理由不能超过 2000 字"})
    with transaction.atomic():
        latest = AnnualReport.objects.select_for_update().filter(
            organisation=report.organisation, scope=report.scope, year=report.year
        ).order_by("-version").first()
        if latest.status == AnnualReport.Status.DRAFT:
            raise ValidationError({"reason": f"第{latest.version}版草稿尚未发布，请直接修改该草稿"})
        texts = {k: latest.data.get(k, "") for k in TEXT_SECTIONS}
        version = latest.version + 1
        data = generate(organisation=latest.organisation, year=latest.year, scope=latest.scope, members=latest.members,
                        version=version, texts=texts)
        new = AnnualReport.objects.create(organisation=latest.organisation, scope=latest.scope, members=latest.members,
                                          year=latest.year, version=version, data=data, reason=reason, created_by=actor)
        audit.record(actor=actor, action="report.annual.correct", target=new, reason=reason,
                     after={"supersedes": latest.version})
    return new
