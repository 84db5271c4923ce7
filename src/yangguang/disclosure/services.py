"""Every write of proactive disclosure: keyword-only, one transaction, one audit event each."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone as dj_timezone

from yangguang.core import audit
from yangguang.core import calendar as workdays
from yangguang.core.attachments import attachment_store
from yangguang.core.models import Organisation, Role
from yangguang.core.numbering import next_number
from yangguang.core.selectors import organisations_for
from yangguang.disclosure import rules, search
from yangguang.disclosure.models import (
    CatalogueNode,
    Channel,
    FactKind,
    Guide,
    InformationRecord,
    Project,
    RecordReview,
    RecordState,
)

INDEX_KIND = "disclosure_index"
INDEX_TEMPLATE = "{org}-{year}-{seq:05d}"
DECISION_KINDS = {FactKind.LICENSING, FactKind.PENALTY, FactKind.COERCION}
EDITABLE_FIELDS = {
    "title", "summary", "body", "document_number", "formed_on", "item", "fact_kind", "decision_count",
    "fee_amount", "project", "project_stage",
}


def _require(actor, organisation: Organisation, *roles: str) -> None:
    if not organisations_for(actor, roles).filter(pk=organisation.pk).exists():
        labels = "、".join(Role(r).label for r in roles)
        raise PermissionDenied(f"只有{organisation}的{labels}可以办理此事项")


# --- catalogue and guide ---------------------------------------------------------------------------


def catalogue_node_create(
    *,
    actor,
    organisation: Organisation,
    code: str,
    name: str,
    parent: CatalogueNode | None = None,
    scope: str = "public",
    channels: list[str] | None = None,
    responsible_unit: str = "",
    update_frequency: str = "on_change",
    description: str = "",
    sort_order: int = 0,
) -> CatalogueNode:
    if actor is not None:
        _require(actor, organisation, Role.DISCLOSURE_OFFICER)
    node = CatalogueNode(
        organisation=organisation, parent=parent, kind=CatalogueNode.Kind.ITEM if parent else CatalogueNode.Kind.CATEGORY,
        code=code, name=name, scope=scope, channels=channels or [Channel.PORTAL], responsible_unit=responsible_unit,
        update_frequency=update_frequency, description=description, sort_order=sort_order,
    )
    node.full_clean()
    with audit.action(actor=actor, action="catalogue.create", object_type="disclosure.cataloguenode", object_repr=name):
        node.save()
        audit.record(actor=actor, action="catalogue.create", target=node, after={"code": code, "scope": scope})
    return node


NODE_FIELDS = {"name", "description", "scope", "channels", "responsible_unit", "update_frequency", "sort_order"}


def catalogue_node_update(*, actor, node: CatalogueNode, **changes) -> CatalogueNode:
    """Change a category or item. Records already filed under an item keep their own scope: a
    record's scope is fixed when it is drafted and reviewed."""
    if actor is not None:
        _require(actor, node.organisation, Role.DISCLOSURE_OFFICER)
    unknown = set(changes) - NODE_FIELDS
    if unknown:
        raise ValidationError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    with audit.action(actor=actor, action="catalogue.update", target=node):
        locked = CatalogueNode.objects.select_for_update().get(pk=node.pk)
        before = {k: getattr(locked, k) for k in changes}
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.full_clean()
        locked.save()
        audit.record(actor=actor, action="catalogue.update", target=locked, before=before, after=changes)
    return locked


def guide_update(*, actor, organisation: Organisation, **fields) -> Guide:
    if actor is not None:
        _require(actor, organisation, Role.DISCLOSURE_OFFICER)
    unknown = set(fields) - {f.name for f in Guide._meta.fields}
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}")
    with audit.action(actor=actor, action="guide.update", target=organisation):
        guide, _ = Guide.objects.select_for_update().get_or_create(organisation=organisation)
        before = {k: getattr(guide, k) for k in fields}
        for key, value in fields.items():
            setattr(guide, key, value)
        guide.full_clean()
        guide.save()
        audit.record(actor=actor, action="guide.update", target=guide, before=before, after=fields)
    return guide


# --- records -----------------------------------------------------------------------------------------


def _clean_facts(*, fact_kind: str, decision_count, fee_amount) -> tuple[str, int | None, Decimal | None]:
    if fact_kind not in FactKind.values:
        raise ValidationError({"fact_kind": "年报统计类别无效"})
    if fact_kind in DECISION_KINDS:
        if decision_count is None or int(decision_count) < 0:
            raise ValidationError({"decision_count": "行政许可、处罚、强制决定须填写处理决定数量"})
        decision_count = int(decision_count)
    elif decision_count not in (None, ""):
        raise ValidationError({"decision_count": "只有行政许可、处罚、强制决定可以填写处理决定数量"})
    else:
        decision_count = None
    if fact_kind == FactKind.FEE:
        try:
            fee_amount = Decimal(str(fee_amount))
        except Exception:
            raise ValidationError({"fee_amount": "收费金额须为数字（单位：元）"}) from None
        if fee_amount < 0:
            raise ValidationError({"fee_amount": "收费金额不能为负数"})
    elif fee_amount not in (None, ""):
        raise ValidationError({"fee_amount": "只有行政事业性收费可以填写收费金额"})
    else:
        fee_amount = None
    return fact_kind, decision_count, fee_amount


def _deadline(formed_on: date) -> tuple[date, bool]:
    result = workdays.add_workdays(formed_on, rules.PUBLICATION_WORKDAYS)
    return result.date, result.provisional


def record_create(
    *,
    actor,
    organisation: Organisation,
    item: CatalogueNode,
    title: str,
    formed_on: date,
    summary: str = "",
    body: str = "",
    document_number: str = "",
    fact_kind: str = "",
    decision_count: int | None = None,
    fee_amount=None,
    project: Project | None = None,
    project_stage: str = "",
    attachments: list[tuple[str, bytes]] = (),
) -> InformationRecord:
    """A new draft. Its index number (索引号) is taken now; its publication deadline is 20 working
    days after the date it was formed (条例 第二十六条)."""
    if actor is not None:
        _require(actor, organisation, Role.DISCLOSURE_OFFICER)
    if item.organisation_id != organisation.pk or item.kind != CatalogueNode.Kind.ITEM:
        raise ValidationError({"item": "请选择本机构公开目录中的“项”"})
    if not title.strip():
        raise ValidationError({"title": "标题不能为空"})
    if project is not None and project.organisation_id != organisation.pk:
        raise ValidationError({"project": "基建工程项目须属于本机构"})
    if (project is None) != (not project_stage):
        raise ValidationError({"project_stage": "基建工程信息须同时选择项目和阶段"})
    fact_kind, decision_count, fee_amount = _clean_facts(
        fact_kind=fact_kind, decision_count=decision_count, fee_amount=fee_amount
    )
    due_on, provisional = _deadline(formed_on)
    with audit.action(actor=actor, action="record.create", object_type="disclosure.informationrecord", object_repr=title[:200]):
        _, index_number = _next_index_number(organisation, formed_on.year)
        record = InformationRecord(
            organisation=organisation, item=item, title=title.strip(), summary=summary.strip(),
            body=rules.sanitise_html(body), index_number=index_number, document_number=document_number.strip(),
            formed_on=formed_on, publisher=organisation, scope=item.scope, due_on=due_on, due_provisional=provisional,
            fact_kind=fact_kind, decision_count=decision_count, fee_amount=fee_amount, project=project,
            project_stage=project_stage, created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record.full_clean(exclude=["attachments", "created_by"])
        record.save()
        for name, content in attachments:
            record.attachments.add(attachment_store(actor=actor, name=name, content=content))
        audit.record(
            actor=actor, action="record.create", target=record,
            after={"index_number": index_number, "item": item.code, "scope": record.scope, "due_on": due_on},
        )
    return record


def _next_index_number(organisation: Organisation, year: int) -> tuple[int, str]:
    from yangguang.core.models import NumberingRule

    NumberingRule.objects.get_or_create(kind=INDEX_KIND, organisation=None, defaults={"template": INDEX_TEMPLATE})
    return next_number(organisation=organisation, kind=INDEX_KIND, year=year)


def record_update(*, actor, record: InformationRecord, attachments: list[tuple[str, bytes]] = (), **changes) -> InformationRecord:
    """Edit a draft. Anything already under review or published is changed only by sending it back."""
    if actor is not None:
        _require(actor, record.organisation, Role.DISCLOSURE_OFFICER)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    with audit.action(actor=actor, action="record.update", target=record):
        locked = InformationRecord.objects.select_for_update().get(pk=record.pk)
        if locked.state != RecordState.DRAFT:
            raise ValidationError({"state": f"只有草稿可以修改，当前状态为“{locked.get_state_display()}”"})
        before = {k: getattr(locked, k) for k in changes}
        for key, value in changes.items():
            setattr(locked, key, rules.sanitise_html(value) if key == "body" else value)
        if "item" in changes:
            if locked.item.organisation_id != locked.organisation_id or locked.item.kind != CatalogueNode.Kind.ITEM:
                raise ValidationError({"item": "请选择本机构公开目录中的“项”"})
            locked.scope = locked.item.scope
        locked.fact_kind, locked.decision_count, locked.fee_amount = _clean_facts(
            fact_kind=locked.fact_kind, decision_count=locked.decision_count, fee_amount=locked.fee_amount
        )
        if "formed_on" in changes:
            locked.due_on, locked.due_provisional = _deadline(locked.formed_on)
        locked.full_clean(exclude=["attachments"])
        locked.save()
        for name, content in attachments:
            locked.attachments.add(attachment_store(actor=actor, name=name, content=content))
        audit.record(actor=actor, action="record.update", target=locked, before=before,
                     after={k: getattr(locked, k) for k in changes})
    return locked


def record_transition(*, actor, record: InformationRecord, action: str, reason: str = "", on: date | None = None) -> InformationRecord:
    """Move a record one step through its review (see rules.TRANSITIONS). Only the role the step
    belongs to may take it; the state is checked and changed in one statement, so two people
    clicking at once produce one result; no one reviews their own work twice over."""
    transition = rules.TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": f"未知操作 {action}"})
    with audit.action(actor=actor, action=f"record.{action}", target=record, reason=reason):
        _require(actor, record.organisation, transition.role)
        if transition.needs_reason and not reason.strip():
            raise ValidationError({"reason": f"“{transition.label}”必须填写理由"})
        _check_separation(actor, record, action)
        now = datetime.now(timezone.utc)
        updates = {"state": transition.target}
        if transition.needs_reason:
            updates["state_reason"] = reason.strip()
        if transition.target == RecordState.PUBLISHED:
            updates["published_at"] = now
        if transition.target == RecordState.REPEALED:
            updates["repealed_on"] = on or dj_timezone.localdate(now)
        changed = InformationRecord.objects.filter(pk=record.pk, state=transition.source).update(**updates)
        if changed != 1:
            current = InformationRecord.objects.get(pk=record.pk).get_state_display()
            raise ValidationError({"state": f"该信息当前状态为“{current}”，不能{transition.label}（可能已被他人处理）"})
        record.refresh_from_db()
        RecordReview.objects.create(
            record=record, step=_step_of(action), approved=not action.endswith("reject"), reason=reason.strip(), actor=actor
        )
        if record.is_public:
            search.index_record(record)
        else:
            search.unindex_record(record)
        audit.record(
            actor=actor, action=f"record.{action}", target=record, reason=reason,
            before={"state": transition.source}, after={"state": transition.target},
        )
    return record


def _step_of(action: str) -> str:
    if action == "submit":
        return RecordReview.Step.SUBMIT
    if action.startswith("confidentiality"):
        return RecordReview.Step.CONFIDENTIALITY
    if action.startswith("leader"):
        return RecordReview.Step.LEADER
    return RecordReview.Step.WITHDRAW if action == "withdraw" else RecordReview.Step.REPEAL


def _check_separation(actor, record: InformationRecord, action: str) -> None:
    """The person who drafted or submitted a record does not review it; the confidentiality reviewer
    does not also approve it. Two different people look at everything before it goes out."""
    if action.startswith("confidentiality"):
        submitted_by = set(record.reviews.filter(step=RecordReview.Step.SUBMIT).values_list("actor_id", flat=True))
        if actor.pk == record.created_by_id or actor.pk in submitted_by:
            raise PermissionDenied("起草或提交该信息的人不能对其进行保密审查")
    if action.startswith("leader"):
        last_check = record.reviews.filter(step=RecordReview.Step.CONFIDENTIALITY, approved=True).last()
        if last_check is not None and last_check.actor_id == actor.pk:
            raise PermissionDenied("保密审查人不能同时审批发布")


@workdays.register_recomputer("disclosure.publication_deadline")
def recompute_deadlines(*, calendar, since: date) -> int:
    """Open records whose deadline could move because the calendar changed on or after ``since``."""
    changed = 0
    open_states = [RecordState.DRAFT, RecordState.CONFIDENTIALITY_REVIEW, RecordState.LEADER_APPROVAL]
    for record in InformationRecord.objects.filter(state__in=open_states, due_on__gte=since).only("pk", "formed_on", "due_on", "due_provisional"):
        result = calendar.add_workdays(record.formed_on, rules.PUBLICATION_WORKDAYS)
        if (result.date, result.provisional) != (record.due_on, record.due_provisional):
            InformationRecord.objects.filter(pk=record.pk).update(due_on=result.date, due_provisional=result.provisional)
            changed += 1
    return changed


def project_create(*, actor, organisation: Organisation, name: str, description: str = "", started_on: date | None = None) -> Project:
    if actor is not None:
        _require(actor, organisation, Role.DISCLOSURE_OFFICER)
    if not name.strip():
        raise ValidationError({"name": "项目名称不能为空"})
    with transaction.atomic():
        project = Project.objects.create(organisation=organisation, name=name.strip(), description=description, started_on=started_on)
        audit.record(actor=actor, action="project.create", target=project)
    return project
