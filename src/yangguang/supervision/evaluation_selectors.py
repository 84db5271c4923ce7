"""Reads of 好差评: what may be rated and by whom, the role-scoped rectification queue, and the
public figures (好评率) per department and window.

Who may do what with a rectification (整改):
- verify (核实), rectify and reply (整改答复), appeal (申诉): a leader (``Role.LEADER``) covering the
  unit that was rated or the centre where the case was handled;
- return visit (回访): the same leaders, or the supervision desk (``Role.SUPERVISOR``);
- decide an appeal (申诉复核): only the supervision desk (电子监察/效能办) covering the unit or the centre;
- see it: any of those, or anyone with another staff role covering the unit or the centre.
Anyone else — above all a person of another county — is refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yangguang.core.models import Organisation, Role, User, Window
from yangguang.core.selectors import organisations_for
from yangguang.foi import rules as foi_rules
from yangguang.foi.models import Application
from yangguang.services import rules as service_rules
from yangguang.services.models import Case
from yangguang.supervision.models import Evaluation, Rectification
from yangguang.supervision.models.evaluations import LEVELS

HANDLER_ROLES = (Role.LEADER,)
DESK_ROLES = (Role.SUPERVISOR,)
REVISIT_ROLES = (Role.LEADER, Role.SUPERVISOR)
VIEW_ROLES = (Role.LEADER, Role.SUPERVISOR, Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER, Role.DISCLOSURE_OFFICER)
GOOD_LEVELS = (5, 4, 3)  # 非常满意、满意、基本满意 count as 好评
OPEN_STATUSES = (Rectification.Status.VERIFYING, Rectification.Status.RECTIFYING)


def local_today() -> date:
    """Today in Asia/Shanghai. One seam, so tests can fix the date."""
    return timezone.localdate()


# --- what may be rated ------------------------------------------------------------------------------


def case_is_rateable(case: Case) -> bool:
    return case.status in (service_rules.COMPLETED, service_rules.DELIVERED)


def application_is_rateable(application: Application) -> bool:
    """Answered: closed with a reply (a withdrawal or a lapse closes without one)."""
    return application.status == foi_rules.CLOSED and bool(application.result_article) and bool(application.result)


def rated_channels(subject) -> set[str]:
    field_name = "case" if isinstance(subject, Case) else "application"
    return set(Evaluation.objects.filter(**{field_name: subject}).values_list("channel", flat=True))


# --- permissions ------------------------------------------------------------------------------------


def _orgs(rectification: Rectification) -> list[int]:
    return [rectification.organisation_id, rectification.evaluation.organisation_id]


def _covers(user, org_ids: list[int], roles) -> bool:
    return organisations_for(user, list(roles)).filter(pk__in=org_ids).exists()


def can_view(user, rectification: Rectification) -> bool:
    return _covers(user, _orgs(rectification), VIEW_ROLES)


def can_handle(user, rectification: Rectification) -> bool:
    return _covers(user, _orgs(rectification), HANDLER_ROLES)


def can_revisit(user, rectification: Rectification) -> bool:
    return _covers(user, _orgs(rectification), REVISIT_ROLES)


def can_decide_appeal(user, rectification: Rectification) -> bool:
    return _covers(user, _orgs(rectification), DESK_ROLES)


def allowed_actions(user, rectification: Rectification) -> list[str]:
    """The actions this viewer may take now, in the order the page shows them."""
    S = Rectification.Status
    status, actions = rectification.status, []
    if can_handle(user, rectification):
        if status == S.VERIFYING:
            actions.append("verify")
        if status == S.RECTIFYING:
            actions.append("reply")
        if status in OPEN_STATUSES and rectification.appealed_on is None:
            actions.append("appeal")
    if status == S.REPLIED and can_revisit(user, rectification):
        actions.append("revisit")
    if status == S.APPEALED and can_decide_appeal(user, rectification):
        actions.append("decide")
    return actions


def responsible_people(evaluation: Evaluation) -> list[User]:
    """Who hears of a new 差评: the leaders covering the rated unit (the department) and the centre
    where it was handled — the same people who may handle the rectification — and the person rated."""
    orgs = Organisation.objects.filter(pk__in={evaluation.department_id or evaluation.organisation_id, evaluation.organisation_id})
    people: dict[int, User] = {}
    for org in orgs:
        parts = [p for p in org.path.split("/") if p]
        ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
        reach = Q(role_assignments__organisation=org) | Q(
            role_assignments__organisation__path__in=ancestors, role_assignments__include_descendants=True
        )
        # The unit's own leaders (and those above who cover it): not the whole government's.
        for user in User.objects.filter(reach, role_assignments__role=Role.LEADER, is_active=True).distinct():
            people.setdefault(user.pk, user)
    if evaluation.staff_id and evaluation.staff.is_active:
        people.setdefault(evaluation.staff_id, evaluation.staff)
    return list(people.values())


# --- the staff queue --------------------------------------------------------------------------------


def _overdue_q(today: date) -> Q:
    S = Rectification.Status
    return Q(status=S.VERIFYING, verify_due_on__lt=today) | Q(status__in=OPEN_STATUSES, reply_due_on__lt=today)


def is_overdue(rectification: Rectification, today: date | None = None) -> bool:
    today = today or local_today()
    S = Rectification.Status
    if rectification.status == S.VERIFYING and rectification.verify_due_on < today:
        return True
    return rectification.status in OPEN_STATUSES and rectification.reply_due_on < today


def rectifications_for(user, *, status: str = "", overdue: bool = False) -> QuerySet[Rectification]:
    orgs = organisations_for(user, VIEW_ROLES)
    qs = Rectification.objects.filter(Q(organisation__in=orgs) | Q(evaluation__organisation__in=orgs)).select_related(
        "organisation", "evaluation", "evaluation__case", "evaluation__application", "evaluation__window",
        "evaluation__staff", "evaluation__department",
    )
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(_overdue_q(local_today()))
    return qs.distinct().order_by("reply_due_on", "pk")


def rectification_for(user, pk: int) -> Rectification | None:
    """One rectification, only when the user's roles reach it (None otherwise: the view says 404)."""
    rectification = (
        Rectification.objects.select_related(
            "organisation", "evaluation", "evaluation__case", "evaluation__application", "evaluation__window",
            "evaluation__staff", "evaluation__department", "evaluation__organisation",
        ).filter(pk=pk).first()
    )
    if rectification is None or not can_view(user, rectification):
        return None
    return rectification


def case_for_clerk(user, *, number: str) -> Case | None:
    """A completed case a window clerk may hand an SMS evaluation link for."""
    orgs = organisations_for(user, [Role.WINDOW_CLERK, Role.LEADER, Role.SUPERVISOR])
    return Case.objects.filter(number=(number or "").strip(), organisation__in=orgs).select_related("window").first()


def application_for_officer(user, *, number: str) -> Application | None:
    orgs = organisations_for(user, [Role.DISCLOSURE_OFFICER, Role.LEADER, Role.SUPERVISOR])
    return Application.objects.filter(number=(number or "").strip(), organisation__in=orgs).first()


# --- public figures ---------------------------------------------------------------------------------


@dataclass
class Row:
    """One department's or window's figures: counts per level (5..1), total and 好评率."""

    label: str
    counts: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def good(self) -> int:
        return sum(self.counts.get(level, 0) for level in GOOD_LEVELS)

    @property
    def poor(self) -> int:
        return self.total - self.good

    @property
    def levels(self) -> list[int]:
        return [self.counts.get(level, 0) for level in LEVELS]

    @property
    def rate(self) -> str:
        return good_rate(self.good, self.total)


def good_rate(good: int, total: int) -> str:
    """好评率 as shown, two decimals, half up; "—" when nothing was rated."""
    if total == 0:
        return "—"
    hundredths = (good * 10000 * 2 + total) // (2 * total)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def _counted(year: int, month: int | None) -> QuerySet[Evaluation]:
    qs = Evaluation.objects.filter(voided=False, rated_on__year=year)
    if month:
        qs = qs.filter(rated_on__month=month)
    return qs


def public_figures(*, year: int, month: int | None = None) -> dict:
    """Counts per level and 好评率 per department and per window; voided ratings are not counted."""
    qs = _counted(year, month)
    by_department: dict[int, Row] = {}
    names = dict(Organisation.objects.filter(pk__in=qs.values("department")).values_list("pk", "name"))
    for dep, level, n in qs.filter(department__isnull=False).values_list("department", "level").annotate(n=Count("pk")).order_by():
        by_department.setdefault(dep, Row(names.get(dep, ""))).counts[level] = n
    by_window: dict[int, Row] = {}
    windows = {w.pk: w for w in Window.objects.filter(pk__in=qs.values("window")).select_related("centre")}
    for win, level, n in qs.filter(window__isnull=False).values_list("window", "level").annotate(n=Count("pk")).order_by():
        w = windows[win]
        by_window.setdefault(win, Row(f"{w.centre.name} {w.number}号 {w.name}")).counts[level] = n
    total = Row("合计")
    for level, n in qs.values_list("level").annotate(n=Count("pk")).order_by():
        total.counts[level] = n
    return {
        "departments": sorted(by_department.values(), key=lambda r: (-r.total, r.label)),
        "windows": sorted(by_window.values(), key=lambda r: r.label),
        "total": total,
        "levels": list(LEVELS.values()),
    }


def years_with_ratings() -> list[int]:
    return sorted({d.year for d in Evaluation.objects.dates("rated_on", "year")}, reverse=True)
