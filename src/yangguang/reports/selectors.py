"""Reads for the reports: the figures of an annual report counted in the database (a handful of
aggregate queries per organisation, whatever the number of applications), and who may see what."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from yangguang.core.models import Organisation, Role
from yangguang.core.selectors import organisations_for
from yangguang.disclosure.models import Consultation, InformationRecord, RecordState
from yangguang.foi import rules as foi_rules
from yangguang.foi.models import Application, FeeNotice, Review
from yangguang.reports import annual
from yangguang.reports.models import AnnualReport

REPORT_ROLES = (Role.DISCLOSURE_OFFICER, Role.LEADER)


def _window(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _in_scope(ids: list[int], year: int) -> QuerySet[Application]:
    """Applications that section 3 of ``year`` can count: received by 31 December and not
    concluded before 1 January."""
    start, end = _window(year)
    return (
        Application.objects.filter(organisation_id__in=ids, received_on__isnull=False, received_on__lte=end)
        .filter(Q(concluded_on__isnull=True) | Q(concluded_on__gte=start))
        .order_by()
    )


def section3(ids: list[int], year: int) -> dict[str, dict[str, int]]:
    start, end = _window(year)
    table = {row: {col: 0 for col in annual.s3_columns()} for row in annual.s3_rows()}
    scope = _in_scope(ids, year)
    for row in scope.values("applicant_type").annotate(
        new=Count("pk", filter=Q(received_on__gte=start)),
        carried_in=Count("pk", filter=Q(received_on__lt=start)),
        carried_out=Count("pk", filter=Q(concluded_on__isnull=True) | Q(concluded_on__gt=end)),
    ):
        if row["applicant_type"] in annual.APPLICANT_COLUMNS:
            for key in ("new", "carried_in", "carried_out"):
                table[key][row["applicant_type"]] += row[key]
    for row in scope.filter(concluded_on__lte=end).values("applicant_type", "result").annotate(n=Count("pk")):
        key = f"results.{row['result']}"
        if key in table and row["applicant_type"] in annual.APPLICANT_COLUMNS:
            table[key][row["applicant_type"]] += row["n"]
    return annual.complete_section3(table)


def section3_problems(ids: list[int], year: int, limit: int = 200) -> list[tuple[Application, str]]:
    """Applications whose data would break (or falsify) the 勾稽关系, with the reason."""
    valid = [r.removeprefix("results.") for r in annual.result_rows()]
    suspects = _in_scope(ids, year).filter(
        Q(concluded_on__lt=F("received_on"))
        | (Q(concluded_on__isnull=False) & ~Q(result__in=valid))
        | (Q(concluded_on__isnull=True) & ~Q(result=""))
        | ~Q(applicant_type__in=annual.APPLICANT_COLUMNS)
    ).select_related("organisation").order_by("received_on", "pk")[:limit]
    found = []
    for app in suspects:
        fact = annual.ApplicationFact(app.applicant_type, app.received_on, app.concluded_on, app.result, app.number)
        found.append((app, annual.application_problem(fact, year) or "数据异常"))
    return found


def section4(ids: list[int], year: int) -> dict[str, dict[str, int]]:
    facts = [
        annual.ReviewFact(kind, filed_on, outcome, decided_on)
        for kind, filed_on, outcome, decided_on in Review.objects.filter(
            application__organisation_id__in=ids, filed_on__year=year
        ).values_list("kind", "filed_on", "outcome", "decided_on")
    ]
    return annual.section4(facts, year)


COUNTED_STATES = (RecordState.PUBLISHED, RecordState.REPEALED)


def section2(ids: list[int], year: int) -> dict:
    _, end = _window(year)
    records = InformationRecord.objects.filter(organisation_id__in=ids, state__in=COUNTED_STATES).order_by()
    facts = [
        annual.RecordFact(kind, formed_on, repealed_on, None, None)
        for kind, formed_on, repealed_on in records.filter(
            fact_kind__in=["rule", "normative_document"], formed_on__lte=end
        ).values_list("fact_kind", "formed_on", "repealed_on")
    ]
    for row in records.filter(fact_kind__in=["licensing", "penalty", "coercion", "administrative_fee"],
                              formed_on__year=year).values("fact_kind").annotate(n=Sum("decision_count"), fee=Sum("fee_amount")):
        facts.append(annual.RecordFact(row["fact_kind"], date(year, 1, 1), None, row["n"] or 0, row["fee"] or Decimal(0)))
    return annual.section2(facts, year)


def activity(organisations: list[Organisation], year: int, label: str, *, open_at_year_end: int) -> annual.Activity:
    ids = [o.pk for o in organisations]
    start, end = _window(year)
    zone = timezone.get_current_timezone()  # the year runs from local midnight to local midnight
    published = InformationRecord.objects.filter(
        organisation_id__in=ids,
        published_at__gte=datetime.combine(start, time.min, tzinfo=zone),
        published_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )
    by_category = Counter(dict(
        published.values_list("item__parent__name").annotate(n=Count("pk")).order_by("-n").values_list("item__parent__name", "n")[:6]
    ))
    received = Application.objects.filter(organisation_id__in=ids, received_on__gte=start, received_on__lte=end).order_by()
    channels = {foi_rules.CHANNELS[c]: n for c, n in received.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n")}
    concluded = _in_scope(ids, year).filter(concluded_on__lte=end)  # as section 3 counts them
    overdue = list(concluded.filter(due_on__isnull=False, concluded_on__gt=F("due_on")).order_by("concluded_on").values_list("number", flat=True))
    fees = FeeNotice.objects.filter(application__organisation_id__in=ids)
    reviews = Review.objects.filter(application__organisation_id__in=ids, filed_on__year=year)
    return annual.Activity(
        organisation=label, year=year, published_records=published.count(), records_by_category=dict(by_category),
        consultations=Consultation.objects.filter(organisation_id__in=ids, opens_on__year=year).count(),
        applications_new=received.count(), applications_by_channel=channels, concluded=concluded.count(),
        overdue_replies=len(overdue), overdue_numbers=overdue, open_at_year_end=open_at_year_end,
        fees_collected_yuan=fees.filter(paid_on__year=year).aggregate(s=Sum("amount"))["s"] or Decimal(0),
        fee_notices=fees.filter(notified_on__year=year).count(), reviews_filed=reviews.count(),
        reviews_corrected=reviews.filter(outcome="corrected", decided_on__lte=end).count(),
    )


def reports_for(user) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(organisation__in=organisations_for(user, REPORT_ROLES))


def published_reports(organisation: Organisation | None = None) -> QuerySet[AnnualReport]:
    qs = AnnualReport.objects.filter(status=AnnualReport.Status.PUBLISHED).select_related("organisation")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("organisation__path", "scope", "-year", "-version")


def latest_published_by_organisation() -> dict[int, list[AnnualReport]]:
    """Organisation id → the latest published version of each of its reports (own and summary),
    newest year first, own before summary."""
    found: dict[int, list[AnnualReport]] = {}
    seen = set()
    for report in published_reports().defer("data"):  # by organisation, scope, -year, -version
        key = (report.organisation_id, report.scope, report.year)
        if key not in seen:
            seen.add(key)
            found.setdefault(report.organisation_id, []).append(report)
    for reports in found.values():
        reports.sort(key=lambda r: (-r.year, r.scope != AnnualReport.Scope.OWN))
    return found


def latest(organisation: Organisation, year: int, scope: str = AnnualReport.Scope.OWN) -> AnnualReport | None:
    return AnnualReport.objects.filter(organisation=organisation, year=year, scope=scope).order_by("-version").first()
