"""Monthly assessment (月度考核) of a service centre's windows and staff: the month's inputs gathered
by the database in a few grouped queries, scored by ``scoring`` under the formula in force, stored
as ``MonthlyScore`` rows and ranked; 红旗窗口 and 服务标兵 are the top of those rankings.

Who and what counts, for the centre ``org`` and the calendar month ``month``:
- cases: completed (办结/已送达) with a completion date in the month, registered at one of the
  centre's windows or handled by an organisation in the centre's subtree. A case counts for its
  window, and for the person who accepted it (受理人, ``Case.accepted_by``): the clerk who took it in
  is the face the applicant met and the one who promised the time limit. On time = its used
  working days are at most its committed limit (承诺时限);
- evaluations (好差评): rated in the month on such a case's window or such a person (``staff``),
  satisfied = 非常满意/满意/基本满意; a poor rating whose appeal was upheld (整改状态“申诉成立，差评
  不计”) is left out of both counts;
- upheld complaints: finding 属实 or 部分属实, answered in the month (the finding is known then),
  about a case: it counts against that case's window and its accepting clerk;
- cards: 黄牌/红牌 of the month against the window or person, except those revoked on appeal.
A window or person is scored when it has any of these in the month. ``assess`` replaces the
month's rows in one transaction, so running it again gives the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.utils import timezone

from yangguang.core import audit
from yangguang.core.models import Organisation, User, Window
from yangguang.services import rules as case_rules
from yangguang.services.models import Case
from yangguang.supervision import scoring
from yangguang.supervision.inspections import require_desk
from yangguang.supervision.models import AssessmentFormula, Card, Complaint, Evaluation, MonthlyScore, Rectification

SATISFIED_LEVELS = (5, 4, 3)
UPHELD_FINDINGS = (Complaint.Finding.UPHELD, Complaint.Finding.PARTLY)
DONE = (case_rules.COMPLETED, case_rules.DELIVERED)
FIELDS = ("completed", "on_time", "evaluations", "satisfied", "complaints_upheld", "yellow_cards", "red_cards")


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    after = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, after


def parse_month(text: str) -> date:
    try:
        year, number = text.strip().split("-")
        if len(year) != 4 or len(number) != 2 or not 2000 <= int(year) <= 2100:
            raise ValueError
        return date(int(year), int(number), 1)
    except ValueError:
        raise ValidationError({"month": f"月份“{text}”应为 YYYY-MM 格式，如 2026-10"}) from None


def formula_for(organisation: Organisation, month: date) -> AssessmentFormula | None:
    return (AssessmentFormula.objects.filter(organisation=organisation, effective_from__lte=month.replace(day=1))
            .order_by("-effective_from").first())


def weights_of(formula: AssessmentFormula) -> scoring.Weights:
    return scoring.Weights(
        base_points=formula.base_points, on_time_weight=formula.on_time_weight,
        satisfaction_weight=formula.satisfaction_weight, complaint_deduction=formula.complaint_deduction,
        yellow_card_deduction=formula.yellow_card_deduction, red_card_deduction=formula.red_card_deduction,
    )


def _case_scope(organisation: Organisation) -> Q:
    return Q(window__centre=organisation) | Q(organisation__path__startswith=organisation.path)


def counted_ratings():
    """Ratings that count: not voided on appeal (the rating's flag, or its rectification's state)."""
    voided = Rectification.objects.filter(status=Rectification.Status.VOIDED).values("evaluation_id")
    return Evaluation.objects.exclude(voided=True).exclude(pk__in=voided)


def gather(organisation: Organisation, month: date) -> dict[tuple[str, int], dict[str, int]]:
    """{("window", pk) | ("person", pk): {input: count}} for the month."""
    first, after = month_bounds(month)
    counts: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    scope = _case_scope(organisation)

    cases = Case.objects.filter(scope, status__in=DONE, completed_on__gte=first, completed_on__lt=after)
    on_time = Count("pk", filter=Q(used_workdays__isnull=False, used_workdays__lte=F("committed_limit")))
    for kind, field in (("window", "window_id"), ("person", "accepted_by_id")):
        for row in cases.exclude(**{f"{field}__isnull": True}).values(field).order_by().annotate(
                n=Count("pk"), ok=on_time):
            counts[(kind, row[field])]["completed"] += row["n"]
            counts[(kind, row[field])]["on_time"] += row["ok"]

    ratings = (counted_ratings().filter(rated_on__gte=first, rated_on__lt=after)
               .filter(Q(window__centre=organisation) | Q(organisation__path__startswith=organisation.path)))
    satisfied = Count("pk", filter=Q(level__in=SATISFIED_LEVELS))
    for kind, field in (("window", "window_id"), ("person", "staff_id")):
        for row in ratings.exclude(**{f"{field}__isnull": True}).values(field).order_by().annotate(
                n=Count("pk"), ok=satisfied):
            counts[(kind, row[field])]["evaluations"] += row["n"]
            counts[(kind, row[field])]["satisfied"] += row["ok"]

    complaints = Complaint.objects.filter(
        finding__in=UPHELD_FINDINGS, answered_on__gte=first, answered_on__lt=after, about_case__isnull=False,
    ).filter(Q(about_case__window__centre=organisation) | Q(about_case__organisation__path__startswith=organisation.path))
    for kind, field in (("window", "about_case__window_id"), ("person", "about_case__accepted_by_id")):
        for row in complaints.exclude(**{f"{field}__isnull": True}).values(field).order_by().annotate(n=Count("pk")):
            counts[(kind, row[field])]["complaints_upheld"] += row["n"]

    cards = (Card.objects.filter(month=first).exclude(status=Card.Status.REVOKED)
             .filter(Q(window__centre=organisation) | Q(organisation__path__startswith=organisation.path)))
    for kind, field in (("window", "window_id"), ("person", "person_id")):
        for row in cards.exclude(**{f"{field}__isnull": True}).values(field, "colour").order_by().annotate(n=Count("pk")):
            counts[(kind, row[field])]["yellow_cards" if row["colour"] == "yellow" else "red_cards"] += row["n"]
    # a window of another centre may appear only through a case handled in the subtree: keep own windows
    own = set(Window.objects.filter(centre=organisation).values_list("pk", flat=True))
    return {key: value for key, value in counts.items() if key[0] == "person" or key[1] in own}


def assess(*, actor, organisation: Organisation, month: date) -> dict[str, int]:
    """(Re)compute and store the month's scores; returns how many windows and persons were scored.
    Two runs at once (two servers, two clicks) queue on the organisation's row, so the month is
    replaced whole by one and then by the other, never mixed."""
    require_desk(actor, organisation)
    first = month.replace(day=1)
    with audit.action(actor=actor, action="assessment.assess", target=organisation):
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        formula = formula_for(organisation, first)
        if formula is None:
            raise ValidationError({"formula": f"{organisation.name}尚未设置{first:%Y年%m月}适用的考核办法，请先设置考核办法"})
        rows = _scored_rows(organisation, first, formula)
        stored = MonthlyScore.objects.filter(organisation=organisation, month=first)
        before = stored.count()
        stored.delete()
        MonthlyScore.objects.bulk_create(rows)
        result = {"windows": sum(1 for r in rows if r.window_id), "persons": sum(1 for r in rows if r.person_id)}
        audit.record(actor=actor, action="assessment.assess", target=organisation,
                     before={"month": first.isoformat(), "rows": before},
                     after={"month": first.isoformat(), "formula": formula.pk, **result})
    return result


def _scored_rows(organisation: Organisation, first: date, formula: AssessmentFormula) -> list[MonthlyScore]:
    weights = weights_of(formula)
    counts = gather(organisation, first)
    windows = {w.pk: w for w in Window.objects.filter(pk__in=[pk for kind, pk in counts if kind == "window"])}
    people = {u.pk: u for u in User.objects.filter(pk__in=[pk for kind, pk in counts if kind == "person"])}
    now = timezone.now()
    rows: list[MonthlyScore] = []
    for kind, names in (("window", {pk: w.number for pk, w in windows.items()}),
                        ("person", {pk: u.username for pk, u in people.items()})):
        scored = []
        for (k, pk), values in counts.items():
            if k == kind:
                inputs = scoring.Inputs(**values)
                scored.append((pk, inputs, scoring.score(weights, inputs).score))
        for place, (pk, inputs, value) in scoring.rank(
                scored, key=lambda e, names=names: scoring.ranking_key(e[2], e[1], names[e[0]])):
            target = {"window": windows[pk]} if kind == "window" else {"person": people[pk]}
            rows.append(MonthlyScore(organisation=organisation, month=first, formula=formula, score=value, rank=place,
                                     computed_at=now, **target, **{f: getattr(inputs, f) for f in FIELDS}))
    return rows


def breakdown(row: MonthlyScore) -> scoring.Result:
    """The stored row's score, worked out again line by line under its own formula."""
    return scoring.score(weights_of(row.formula), scoring.Inputs(**{f: getattr(row, f) for f in FIELDS}))


def scores_of(organisation: Organisation, month: date, *, kind: str):
    rows = MonthlyScore.objects.filter(organisation=organisation, month=month.replace(day=1)).select_related(
        "window", "person", "formula")
    rows = rows.filter(window__isnull=False) if kind == "window" else rows.filter(person__isnull=False)
    return rows.order_by("rank")


def honours(organisation: Organisation, month: date) -> tuple[list[MonthlyScore], list[MonthlyScore]]:
    """(红旗窗口, 服务标兵): the top N of each ranking, N set by the month's formula."""
    formula = formula_for(organisation, month)
    if formula is None:
        return [], []
    return (list(scores_of(organisation, month, kind="window")[: formula.red_flag_count]),
            list(scores_of(organisation, month, kind="person")[: formula.model_staff_count]))


def formula_save(*, actor, organisation: Organisation, effective_from: date, note: str = "",
                 **weights) -> AssessmentFormula:
    """Set the formula from a month on (replacing one set for that same month). ``weights`` are
    any of the formula's numbers; those not given keep their defaults."""
    require_desk(actor, organisation)
    first = effective_from.replace(day=1)
    errors = {}
    for name, value in weights.items():
        label = AssessmentFormula._meta.get_field(name).verbose_name
        if value is None or not isinstance(value, (int, Decimal)) or not 0 <= value < 1000:
            errors[name] = f"{label}应为 0 到 999.99 之间的数"
    if errors:
        raise ValidationError(errors)
    weights["note"] = str(note or "")[:2000]
    with audit.action(actor=actor, action="assessment.formula.save", target=organisation):
        formula, created = AssessmentFormula.objects.select_for_update().update_or_create(
            organisation=organisation, effective_from=first, defaults=weights)
        audit.record(actor=actor, action="assessment.formula.save", target=formula,
                     after={"effective_from": first.isoformat(), "created": created,
                            **{k: str(v) for k, v in weights.items()}})
    return formula


# --- export ------------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    ("名次", 6), ("{target}", 22), ("办结件数", 9), ("按时办结件数", 12), ("评价数", 8), ("满意评价数", 10),
    ("属实投诉", 9), ("黄牌", 6), ("红牌", 6), ("得分", 8), ("计算过程", 70), ("评定", 10),
]


def target_name(row: MonthlyScore) -> str:
    if row.window_id:
        return f"{row.window.number} {row.window.name}"
    return row.person.full_name or row.person.username


def ranking_workbook(organisation: Organisation, month: date) -> bytes:
    """红旗窗口 and 服务标兵: both rankings in full, each row with its inputs and the working of its
    score, the top N marked; a third sheet states the formula and the ranking rule."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    first = month.replace(day=1)
    formula = formula_for(organisation, first)
    workbook = Workbook()
    sheets = [("红旗窗口", "window", "窗口", formula.red_flag_count if formula else 0),
              ("服务标兵", "person", "人员", formula.model_staff_count if formula else 0)]
    for index, (title, kind, target, top_n) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append([f"{organisation.name}{first:%Y年%m月}{title}评定（窗口和人员月度考核排名）"])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([name.format(target=target) for name, _ in EXPORT_COLUMNS])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in scores_of(organisation, first, kind=kind):
            sheet.append([row.rank, target_name(row), row.completed, row.on_time, row.evaluations, row.satisfied,
                          row.complaints_upheld, row.yellow_cards, row.red_cards, float(row.score),
                          breakdown(row).explanation, title if row.rank <= top_n else ""])
            sheet.cell(row=sheet.max_row, column=10).number_format = "0.00"
            sheet.cell(row=sheet.max_row, column=11).alignment = Alignment(wrap_text=True, vertical="top")
        for number, (_, width) in enumerate(EXPORT_COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        sheet.freeze_panes = "A3"
    rules = workbook.create_sheet("考核办法")
    rules.append(["考核办法"])
    rules["A1"].font = Font(bold=True, size=14)
    if formula is not None:
        for label, value in formula_lines(formula):
            rules.append([label, value])
    rules.append(["排名规则", scoring.RANKING_RULE])
    rules.append(["计分规则", "各项得分四舍五入保留两位小数，总分为各项之和，最低为 0 分；当月无办结件或无评价的，该项按满分计。"])
    rules.column_dimensions["A"].width, rules.column_dimensions["B"].width = 18, 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def formula_lines(formula: AssessmentFormula) -> list[tuple[str, str]]:
    return [
        ("起用月份", f"{formula.effective_from:%Y年%m月}"),
        ("计算公式", "得分 = 基础分 + 按时办结率权重 × 按时办结率 + 满意率权重 × 满意率 − 属实投诉扣分 − 黄牌扣分 − 红牌扣分"),
        ("基础分", f"{formula.base_points} 分"),
        ("按时办结率权重", f"{formula.on_time_weight} 分（按时 = 实际用时不超过承诺时限）"),
        ("满意率权重", f"{formula.satisfaction_weight} 分（满意 = 非常满意、满意、基本满意；申诉成立的差评不计）"),
        ("每件属实投诉扣分", f"{formula.complaint_deduction} 分（属实或部分属实，按答复月份计）"),
        ("每张黄牌扣分", f"{formula.yellow_card_deduction} 分（申诉撤销的不计）"),
        ("每张红牌扣分", f"{formula.red_card_deduction} 分（申诉撤销的不计）"),
        ("红旗窗口", f"每月前 {formula.red_flag_count} 名窗口"),
        ("服务标兵", f"每月前 {formula.model_staff_count} 名人员（办件计入受理人）"),
    ]
