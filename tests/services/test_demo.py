"""The demo service centre: the seed's catalogue (43 departments, 156 + 88 items, 即办件 29%, 17.52
days under the legal limits) and a year of cases at a reduced scale whose figures for 1–10月 are
the seed's, with work left open at every step, loaded once."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import F, Sum
from django.test import override_settings
from django.utils import timezone

from tests.conftest import FAST_HASHERS
from yangguang.core import audit
from yangguang.core import demo as core_demo
from yangguang.core.models import NumberSequence, Organisation, RoleAssignment
from yangguang.core.numbering import next_number
from yangguang.services import demo, rules, services
from yangguang.services.models import Case, Hop, ServiceItem, Step, Suspension

CASES = 3000
PERIOD = (date(2026, 1, 1), date(2026, 10, 31))


@pytest.fixture(scope="module")
def centre_year(django_db_setup, django_db_blocker):
    from yangguang.core.calendar import calendar_seed_from_package

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        calendar_seed_from_package()
        core_demo.load()
        created = demo.load_catalogue(), demo.load_cases(cases=CASES)
    yield created
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def demo_day() -> date:
    return min(timezone.localdate(), demo.DEMO_DAY)


def test_the_catalogue_entries_are_the_seeds_as_plain_values():
    entries = demo.catalogue_entries()
    assert len(entries) == 244 and sum(e["kind"] == rules.PUBLIC_SERVICE for e in entries) == 88
    assert {e["dept"] for e in entries} == set(core_demo.RESIDENT + core_demo.COMPREHENSIVE)
    promised = [e for e in entries if not e["immediate"] and e["legal_limit"] is not None]
    assert all(0 < e["committed_limit"] <= e["legal_limit"] for e in promised)
    assert round(sum(e["legal_limit"] - e["committed_limit"] for e in promised) / len(promised), 2) == 17.52


@pytest.mark.django_db
def test_catalogue_has_the_seeds_counts(centre_year):
    items = ServiceItem.objects.filter(department__code__in=[f"SLS-{c}" for c in core_demo.RESIDENT + core_demo.COMPREHENSIVE])
    assert items.values("department").distinct().count() == 43
    assert items.exclude(kind=rules.PUBLIC_SERVICE).count() == 156 and items.filter(kind=rules.PUBLIC_SERVICE).count() == 88
    assert round(items.filter(immediate=True).count() / items.count(), 2) == 0.29
    promised = items.filter(immediate=False, legal_limit__isnull=False)
    limits = list(promised.values_list("legal_limit", "committed_limit"))
    assert round(sum(legal - committed for legal, committed in limits) / len(limits), 2) == 17.52
    assert 6 <= sum(c for _, c in limits) / len(limits) <= 7
    assert items.filter(legal_limit__isnull=True).exclude(kind=rules.PUBLIC_SERVICE).exists()  # some have none
    for item in items.select_related("department").prefetch_related("materials"):
        assert 2 <= len(item.materials.all()) <= 5
        assert item.consult_phone == item.department.phone and "号窗口" in item.place and item.hours
        if item.immediate:
            assert item.step_keys == rules.IMMEDIATE_STEPS and item.committed_limit == 0
        elif item.kind == "licence":
            assert item.step_keys == rules.DEFAULT_STEPS  # 一审一核
    assert 0 < items.filter(online_allowed=True).count() < 244 and 0 < items.filter(agency_allowed=True).count() < 244


@pytest.mark.django_db
def test_the_town_agency_clerk_is_there(centre_year):
    role = RoleAssignment.objects.get(user__username=demo.TOWN_CLERK.username)
    assert role.organisation.code == "YXX-LTZ" and role.role == demo.TOWN_CLERK.role


@pytest.mark.django_db
def test_the_year_has_the_seeds_figures_at_a_smaller_scale(centre_year):
    scale = CASES / demo.SEED_ACCEPTED
    carried_in = round(demo.CARRIED_IN * scale)
    carried_out = carried_in - round((demo.SEED_COMPLETED - demo.SEED_ACCEPTED) * scale)
    cases = Case.objects.filter(organisation__code=core_demo.CENTRE)
    assert cases.filter(accepted_on__range=PERIOD).count() == CASES
    completed = cases.filter(completed_on__range=PERIOD)
    assert completed.count() == CASES + carried_in - carried_out
    assert completed.filter(accepted_on__lt=PERIOD[0]).count() == carried_in
    assert abs(completed.filter(completed_on=F("accepted_on")).count() / completed.count() - demo.SEED_ON_THE_SPOT) < 0.0005
    assert completed.filter(used_workdays__lte=F("committed_limit")).count() == completed.count()  # 100%
    saved = completed.exclude(legal_limit=None).aggregate(s=Sum(F("legal_limit") - F("used_workdays")))["s"]
    assert saved == round(demo.SEED_SAVED * completed.count() / demo.SEED_COMPLETED)
    assert set(cases.values_list("channel", flat=True)) == set(rules.CHANNELS)
    assert cases.exclude(window=None).values("window").distinct().count() == 25
    assert not cases.filter(accepted_on=None).exclude(window=None).exists()  # a window only once accepted
    points = Organisation.objects.filter(pk__in=cases.exclude(agency_point=None).values("agency_point"))
    assert points.exists() and set(points.values_list("kind", flat=True)) <= {"town", "village"}
    assert Suspension.objects.filter(case__completed_on__isnull=False).exists()


@pytest.mark.django_db
def test_work_is_left_open_at_every_step_some_of_it_late(centre_year):
    today = demo_day()
    cases = Case.objects.filter(organisation__code=core_demo.CENTRE)
    statuses = set(cases.values_list("status", flat=True))
    assert {rules.SUBMITTED, rules.ACCEPTED, rules.REVIEWING, rules.CORRECTION, rules.APPROVING,
            rules.COMPLETED, rules.DELIVERED} <= statuses
    running = cases.filter(status__in=rules.RUNNING_STATUSES)
    assert running.filter(due_on__lt=today).count() >= 3  # red
    assert running.filter(warning_on__lte=today, due_on__gte=today).exists()  # yellow
    for case in cases.filter(status=rules.CORRECTION):
        assert case.correction_items and case.due_on is None
        assert case.suspensions.get(ended_on=None).kind == "correction"
    at_village = cases.filter(status=rules.SUBMITTED, location__code=demo.AGENCY_VILLAGE)
    assert at_village.exists()
    assert all(c.agency_point.code == demo.AGENCY_VILLAGE and c.hops.get().from_org_id is None for c in at_village)
    assert cases.filter(status=rules.SUBMITTED, location__code="YXX-LTZ").exists()  # forwarded to the town
    for case in cases.filter(channel="agency", accepted_on__isnull=False)[:50]:
        hops = list(case.hops.all())
        assert hops[0].from_org_id is None and hops[-1].to_org_id == case.organisation_id
    trail = Step.objects.filter(case__status=rules.COMPLETED, case__completed_on=case_completed_yesterday(today))
    assert {"accept", "review_start", "review_pass", "decide"} <= set(trail.values_list("action", flat=True))
    assert not Hop.objects.filter(at__gt=timezone.now()).exists()


def case_completed_yesterday(today: date) -> date:
    from yangguang.core.calendar import add_workdays

    return add_workdays(today, -1).date


@pytest.mark.django_db
def test_live_numbering_continues_after_the_demo(centre_year):
    centre = Organisation.objects.get(code=core_demo.CENTRE)
    top = Case.objects.filter(organisation=centre, number__contains="-2026-").order_by("-sequence").first()
    assert NumberSequence.objects.get(organisation=centre, kind=services.NUMBER_KIND, year=2026).last_value == top.sequence
    _, number = next_number(organisation=centre, kind=services.NUMBER_KIND, year=2026, default_template=services.NUMBER_TEMPLATE)
    assert number == f"SLS-ZWFW-BJ-2026-{top.sequence + 1:06d}" and not Case.objects.filter(number=number).exists()


@pytest.mark.django_db
def test_the_demo_loads_once_and_keeps_the_audit_chain(centre_year):
    items, cases = centre_year
    assert items == 244 and cases > CASES
    before = (ServiceItem.objects.count(), Case.objects.count(), Suspension.objects.count(), Hop.objects.count())
    assert demo.load_catalogue() == 0 and demo.load_cases(cases=CASES) == 0
    assert (ServiceItem.objects.count(), Case.objects.count(), Suspension.objects.count(), Hop.objects.count()) == before
    assert audit.verify().ok
