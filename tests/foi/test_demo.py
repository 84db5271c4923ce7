"""The demo justice bureau's year of applications: every reply kind, work waiting, a clean clock."""

import pytest

from tests.disclosure.test_demo import demo_city  # noqa: F401  (the demo city, loaded once per module)
from yangguang.foi import rules
from yangguang.foi.models import Application, Review


@pytest.mark.django_db
def test_demo_applications_cover_every_result_and_leave_work_waiting(demo_city):  # noqa: F811
    apps = Application.objects.filter(organisation__code="SLS-SFJ")
    results = set(apps.exclude(result="").values_list("result", flat=True))
    assert results == set(rules.RESULTS)
    statuses = set(apps.values_list("status", flat=True))
    assert {rules.SUBMITTED, rules.PROCESSING, rules.AWAITING_CORRECTION, rules.CONSULTING, rules.CLOSED} <= statuses
    assert apps.filter(received_on__year=2025, concluded_on__year=2026).count() == 3  # carried into 2026
    assert set(apps.values_list("applicant_type", flat=True)) == set(rules.APPLICANT_TYPES)
    assert Review.objects.filter(outcome="pending").exists() and Review.objects.filter(outcome="upheld").exists()
    assert all(a.due_on for a in apps.filter(status=rules.PROCESSING))
