"""Reads of proactive disclosure. The public sees published 对外 records only; staff see what their
roles cover; 对内 records are for the staff of that organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from yangguang.core import calendar as workdays
from yangguang.core.models import Organisation, Role, User
from yangguang.core.selectors import organisations_for
from yangguang.disclosure import rules
from yangguang.disclosure.models import (
    CatalogueNode,
    Guide,
    InformationRecord,
    Project,
    ProjectStage,
    RecordState,
    Scope,
)

DISCLOSURE_ROLES = (Role.DISCLOSURE_OFFICER, Role.CONFIDENTIALITY_REVIEWER, Role.LEADER)
OPEN_STATES = (RecordState.DRAFT, RecordState.CONFIDENTIALITY_REVIEW, RecordState.LEADER_APPROVAL)


def public_records() -> QuerySet[InformationRecord]:
    return InformationRecord.objects.filter(state=RecordState.PUBLISHED, scope=Scope.PUBLIC)


def _staff_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations whose 对内 records the user may read: their own organisation and those above it
    (internal disclosure goes "to subordinate units and all staff"), and whatever their disclosure
    roles cover."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    condition = Q(pk__in=organisations_for(user, DISCLOSURE_ROLES).values("pk"))
    if user.organisation_id:
        own_and_above = [code for code in user.organisation.path.split("/") if code]
        condition |= Q(code__in=own_and_above)
    return Organisation.objects.filter(condition)


def readable_records(user: User) -> QuerySet[InformationRecord]:
    """Published records this person may read: every 对外 record, and 对内 records of their own
    organisation(s)."""
    published = InformationRecord.objects.filter(state=RecordState.PUBLISHED)
    if not user.is_authenticated:
        return published.filter(scope=Scope.PUBLIC)
    return published.filter(Q(scope=Scope.PUBLIC) | Q(organisation__in=_staff_organisations(user)))


def record_for_reader(user: User, pk: int) -> InformationRecord | None:
    return readable_records(user).select_related("organisation", "item__parent", "publisher", "project").filter(pk=pk).first()


def workable_records(user: User) -> QuerySet[InformationRecord]:
    """Every record, in any state, that the user's disclosure roles cover."""
    return InformationRecord.objects.filter(organisation__in=organisations_for(user, DISCLOSURE_ROLES))


def record_for_staff(user: User, pk: int) -> InformationRecord | None:
    return workable_records(user).select_related("organisation", "item__parent", "created_by").filter(pk=pk).first()


@dataclass
class PortalOrganisation:
    organisation: Organisation
    has_catalogue: bool
    has_guide: bool
    published: int


def portal_organisations() -> list[PortalOrganisation]:
    """Governments and departments for the 政府信息公开 column, with what each has published."""
    organisations = (
        Organisation.objects.filter(is_active=True, kind__in=[Organisation.Kind.GOVERNMENT, Organisation.Kind.DEPARTMENT])
        .annotate(
            nodes=Count("catalogue", distinct=True),
            published=Count("records", filter=Q(records__state=RecordState.PUBLISHED, records__scope=Scope.PUBLIC), distinct=True),
        )
        .order_by("path")
    )
    guides = set(Guide.objects.values_list("organisation_id", flat=True))
    return [PortalOrganisation(o, o.nodes > 0, o.pk in guides, o.published) for o in organisations]


@dataclass
class CatalogueItem:
    node: CatalogueNode
    records: list[InformationRecord]


@dataclass
class CatalogueCategory:
    node: CatalogueNode
    items: list[CatalogueItem]

    @property
    def records(self) -> list[InformationRecord]:
        return sorted((r for item in self.items for r in item.records), key=lambda r: (r.formed_on, r.pk), reverse=True)


def catalogue_for(organisation: Organisation, user: User, *, with_records: bool = True) -> list[CatalogueCategory]:
    """The catalogue tree with the records this user may read, in two queries."""
    nodes = list(CatalogueNode.objects.filter(organisation=organisation).order_by("sort_order", "code"))
    internal_ok = _staff_organisations(user).filter(pk=organisation.pk).exists()
    visible = [n for n in nodes if n.kind == CatalogueNode.Kind.CATEGORY or n.scope == Scope.PUBLIC or internal_ok]
    by_item: dict[int, list[InformationRecord]] = {}
    if with_records:
        records = readable_records(user).filter(organisation=organisation).order_by("-formed_on", "-pk")
        for record in records:
            by_item.setdefault(record.item_id, []).append(record)
    categories = []
    for category in (n for n in visible if n.kind == CatalogueNode.Kind.CATEGORY):
        items = [CatalogueItem(n, by_item.get(n.pk, [])) for n in visible if n.parent_id == category.pk]
        categories.append(CatalogueCategory(category, items))
    return categories


def guide_of(organisation: Organisation) -> Guide | None:
    return Guide.objects.filter(organisation=organisation).first()


@dataclass
class DeadlineRow:
    record: InformationRecord
    status: str
    workdays_left: int


def records_by_deadline(user: User, *, today: date) -> dict[str, list[DeadlineRow]]:
    """Unpublished records the disclosure office must watch, split into overdue / at risk / on time."""
    calendar = workdays.get_calendar()
    rows: dict[str, list[DeadlineRow]] = {"overdue": [], "at_risk": [], "on_time": []}
    records = workable_records(user).filter(state__in=OPEN_STATES).select_related("organisation").order_by("due_on")
    for record in records:
        at_risk_from = calendar.add_workdays(record.due_on, -rules.AT_RISK_WORKDAYS).date
        status = rules.deadline_status(due_on=record.due_on, today=today, at_risk_from=at_risk_from, published=False)
        left = calendar.count_workdays(today, record.due_on).days
        rows[status].append(DeadlineRow(record, status, left))
    return rows


def review_queue(user: User) -> dict[str, QuerySet[InformationRecord]]:
    """What waits for this person: their drafts, confidentiality checks, approvals."""
    def scoped(role, state):
        return InformationRecord.objects.filter(
            organisation__in=organisations_for(user, [role]), state=state
        ).select_related("organisation").order_by("due_on")

    return {
        "drafts": scoped(Role.DISCLOSURE_OFFICER, RecordState.DRAFT),
        "confidentiality": scoped(Role.CONFIDENTIALITY_REVIEWER, RecordState.CONFIDENTIALITY_REVIEW),
        "approval": scoped(Role.LEADER, RecordState.LEADER_APPROVAL),
    }


@dataclass
class StageRow:
    stage: str
    label: str
    phase: str
    records: list[InformationRecord]


PHASES = {
    ProjectStage.APPROVAL: "事前", ProjectStage.DESIGN: "事前", ProjectStage.BUDGET: "事前",
    ProjectStage.TENDER: "事中", ProjectStage.QUALITY: "事后", ProjectStage.ACCEPTANCE: "事后",
}


def project_lifecycle(project: Project, user: User) -> list[StageRow]:
    records = readable_records(user).filter(project=project).order_by("formed_on", "pk")
    by_stage: dict[str, list[InformationRecord]] = {}
    for record in records:
        by_stage.setdefault(record.project_stage, []).append(record)
    return [StageRow(s.value, s.label, PHASES[s], by_stage.get(s.value, [])) for s in ProjectStage]


def projects_of(organisation: Organisation) -> QuerySet[Project]:
    return Project.objects.filter(organisation=organisation).annotate(
        published=Count("records", filter=Q(records__state=RecordState.PUBLISHED, records__scope=Scope.PUBLIC))
    ).order_by("-started_on", "name")


def submission_register(organisation: Organisation, *, year: int) -> QuerySet[InformationRecord]:
    """《政务公开报送登记表》: what each unit put out, in what form, when."""
    return (
        InformationRecord.objects.filter(organisation=organisation, published_at__year=year)
        .select_related("item", "publisher")
        .order_by("published_at", "pk")
    )
