"""The service statistics: the pure formulas with plain numbers, then every key of every table
counted by the database against the hand count of test_service_data (period 2026-09-01..10-31)."""

from datetime import date
from decimal import Decimal

import pytest

from yangguang.reports import service_selectors, service_stats
from yangguang.reports.service_stats import KEYS, CaseCounts, ItemCounts

from .test_service_data import FROM, TO, cases, hall, make_case  # noqa: F401  (fixtures)


def figures(*values):
    """The expected figures in the order of KEYS: accepted, completed, on the spot, its rate,
    within commitment, its rate, saved, immediate item ratio, immediate case ratio, the two averages."""
    assert len(values) == len(KEYS)
    return dict(zip(KEYS, values))


# --- pure -----------------------------------------------------------------------------------------


def test_the_keys_are_those_of_the_definitions():
    assert KEYS == (
        "accepted", "completed", "completed_on_the_spot", "on_the_spot_rate", "completed_within_commitment",
        "within_commitment_rate", "saved_workdays", "immediate_item_ratio", "immediate_case_ratio",
        "avg_committed_limit", "avg_compression_workdays",
    )
    assert set(service_stats.LABELS) == set(KEYS)


def test_the_seed_reports_figures_come_out_as_quoted():
    # 受理90470件，办结90493件，当场办结率94.28%，承诺时限内办结率100%，即办件比例29%，平均压缩17.52个工作日
    result = service_stats.figures(
        CaseCounts(accepted=90470, immediate_accepted=26236, completed=90493, on_the_spot=85317,
                   within_commitment=90493, saved_workdays=350570),
        ItemCounts(active=244, immediate=71, promised_with_legal_limit=25, committed_sum=175, compression_sum=438),
    )
    assert result == figures(90470, 90493, 85317, 0.9428, 90493, 1.0, 350570, 0.291, 0.29, 7.0, 17.52)
    assert list(result) == list(KEYS)
    assert service_stats.percent(result["on_the_spot_rate"]) == "94.28%"
    assert service_stats.percent(result["within_commitment_rate"]) == "100.00%"
    assert service_stats.display("avg_compression_workdays", result["avg_compression_workdays"]) == "17.52"
    assert service_stats.display("avg_committed_limit", result["avg_committed_limit"]) == "7.00"


def test_rounding_is_half_up_not_to_even():
    assert service_stats.ratio(1, 8) == Decimal("0.1250")
    assert service_stats.ratio(5, 160000) == Decimal("0.0000")  # 0.00003125
    assert service_stats.ratio(9, 160000) == Decimal("0.0001")  # 0.00005625
    assert service_stats.ratio(1, 80000) == Decimal("0.0000")  # 0.0000125
    assert service_stats.ratio(1, 20000) == Decimal("0.0001")  # 0.00005: half, rounded up
    assert service_stats.mean(1, 8) == Decimal("0.13")  # 0.125 → 0.13 (to even would give 0.12)
    assert service_stats.mean(5, 2) == Decimal("2.50")
    assert service_stats.percent(0.00005) == "0.01%"  # 0.005% → 0.01%
    assert service_stats.percent(Decimal("0.12345")) == "12.35%"


def test_a_zero_denominator_is_null_and_shown_as_a_dash():
    result = service_stats.figures(CaseCounts(), ItemCounts())
    assert result == figures(0, 0, 0, None, 0, None, 0, None, None, None, None)
    assert service_stats.percent(None) == "—" and service_stats.display("on_the_spot_rate", None) == "—"
    assert service_stats.display("saved_workdays", 0) == "0"


def test_without_a_catalogue_the_item_keys_are_null():
    result = service_stats.figures(CaseCounts(accepted=2, immediate_accepted=1, completed=1, on_the_spot=1,
                                              within_commitment=1))
    assert result == figures(2, 1, 1, 1.0, 1, 1.0, 0, None, 0.5, None, None)


def test_saved_days_are_not_clamped():
    assert service_stats.figures(CaseCounts(completed=1, saved_workdays=-3))["saved_workdays"] == -3


def test_one_item_counts_as_its_own_catalogue():
    assert ItemCounts.of(immediate=False, committed_limit=5, legal_limit=20) == ItemCounts(1, 0, 1, 5, 15)
    assert ItemCounts.of(immediate=True, committed_limit=0, legal_limit=None) == ItemCounts(1, 1, 0, 0, 0)
    assert ItemCounts.of(immediate=False, committed_limit=3, legal_limit=None) == ItemCounts(1, 0, 0, 0, 0)
    assert ItemCounts(1, 0, 1, 5, 15) + ItemCounts(1, 1, 0, 0, 0) == ItemCounts(2, 1, 1, 5, 15)


@pytest.mark.parametrize("active, start, until, expected", [
    (True, None, None, True),
    (False, None, None, False),
    (True, date(2026, 10, 31), None, True),  # starts that day
    (True, date(2026, 11, 1), None, False),
    (True, None, date(2026, 10, 31), False),  # stops that day
    (True, None, date(2026, 11, 1), True),
])
def test_an_item_is_active_from_its_first_day_until_its_stop_day(active, start, until, expected):
    assert service_stats.item_active(active, start, until, date(2026, 10, 31)) is expected


# --- counted by the database ----------------------------------------------------------------------


def stats_for(org, date_from=FROM, date_to=TO):
    return service_selectors.service_statistics(org, date_from, date_to)


def rows(report, key):
    return {row["code"]: {k: row[k] for k in KEYS} for row in report[key]}


POLICE = figures(7, 6, 2, 0.3333, 4, 0.6667, 59, 0.5, 0.2857, 5.0, 15.0)
CIVIL = figures(3, 2, 1, 0.5, 2, 1.0, 0, 0.0, 0.0, None, None)
UNSERVED = figures(1, 1, 1, 1.0, 1, 1.0, 30, 0.0, 0.0, 10.0, 20.0)


def test_the_city_covers_every_case_and_every_item(cases, hall):
    report = stats_for(hall.world.city)
    # accepted A B C D E F H I J K L; completed A B C D E G I J K; on the spot C D I K;
    # within B C D E I J K; saved A 12 + B 15 + G 14 + I 30 + J 18; items licence instant simple orphan
    assert report["totals"] == figures(11, 9, 4, 0.4444, 7, 0.7778, 89, 0.25, 0.1818, 7.5, 17.5)
    assert (report["org"], report["from"], report["to"]) == ("C", "2026-09-01", "2026-10-31")


def test_the_city_by_department(cases, hall):
    report = stats_for(hall.world.city)
    assert [r["code"] for r in report["by_department"]] == ["C-GAJ", "C-KJJ", "C-MZJ"]  # by path
    assert rows(report, "by_department") == {"C-GAJ": POLICE, "C-KJJ": UNSERVED, "C-MZJ": CIVIL}
    assert report["by_department"][0]["name"] == "测试市公安局"


def test_the_city_by_window(cases, hall):
    by_window = stats_for(hall.world.city)["by_window"]
    assert [(r["centre"], r["code"], r["name"]) for r in by_window] == [
        ("C-ZWFW", "01", "公安窗口"), ("C-ZWFW", "02", "综合窗口"), (None, None, "未登记受理窗口"),
    ]
    assert [{k: r[k] for k in KEYS} for r in by_window] == [
        POLICE,  # every public-security case went through window 01; its items are those of C-GAJ
        figures(2, 1, 0, 0.0, 1, 1.0, 0, 0.0, 0.0, None, None),  # E, F
        figures(2, 2, 2, 1.0, 2, 1.0, 30, None, 0.0, None, None),  # I (the department's own), K (online)
    ]


def test_the_city_by_item(cases, hall):
    report = stats_for(hall.world.city)
    assert [r["code"] for r in report["by_item"]] == ["GA-001", "GA-002", "KJ-001", "MZ-001"]
    assert report["by_item"][0]["department"] == "C-GAJ"
    assert rows(report, "by_item") == {
        "GA-001": figures(5, 4, 0, 0.0, 2, 0.5, 59, 0.0, 0.0, 5.0, 15.0),  # A B H J L / A B G J
        "GA-002": figures(2, 2, 2, 1.0, 2, 1.0, 0, 1.0, 1.0, None, None),
        "KJ-001": UNSERVED,
        "MZ-001": CIVIL,
    }


def test_the_city_by_agency_point(cases, hall):
    report = stats_for(hall.world.city)
    assert rows(report, "by_agency_point") == {
        "C-A-1": figures(1, 1, 0, 0.0, 1, 1.0, 18, None, 0.0, None, None),  # J, refused
        "C-A-1-01": figures(1, 1, 1, 1.0, 1, 1.0, 0, None, 1.0, None, None),  # D
    }
    assert [r["name"] for r in report["by_agency_point"]] == ["甲县一镇人民政府", "一镇东村"]


def test_the_centre_covers_what_it_handled_and_the_items_of_its_windows(cases, hall):
    report = stats_for(hall.centre)
    # accepted A B C D E F H J L; completed A B C D E G J; not I (the department's) nor K (the county's)
    assert report["totals"] == figures(9, 7, 2, 0.2857, 5, 0.7143, 59, 0.3333, 0.2222, 5.0, 15.0)
    assert [r["code"] for r in report["by_department"]] == ["C-GAJ", "C-MZJ"]  # C-KJJ has no window here


def test_a_department_covers_only_its_own_cases_and_items(cases, hall):
    report = stats_for(hall.police)
    assert report["totals"] == POLICE
    assert [r["code"] for r in report["by_item"]] == ["GA-001", "GA-002"]
    assert rows(stats_for(hall.civil), "by_department") == {"C-MZJ": CIVIL}  # E F at the centre, K in the county


def test_a_town_covers_the_cases_of_its_agency_points(cases, hall):
    town = stats_for(hall.world.town)
    assert town["totals"] == figures(2, 2, 1, 0.5, 2, 1.0, 18, None, 0.5, None, None)  # D and J; no catalogue
    assert [r["code"] for r in town["by_agency_point"]] == ["C-A-1", "C-A-1-01"]
    assert stats_for(hall.world.county)["totals"] == town["totals"]
    village = stats_for(hall.world.village)
    assert village["totals"] == figures(1, 1, 1, 1.0, 1, 1.0, 0, None, 1.0, None, None)
    # the town's report shows the department rows of its cases, with no items of its own
    assert rows(town, "by_department")["C-GAJ"]["immediate_item_ratio"] is None


def test_a_county_that_handled_a_case_itself_covers_it(cases, hall):
    assert stats_for(hall.world.other_county)["totals"] == figures(1, 1, 1, 1.0, 1, 1.0, 0, None, 0.0, None, None)


def test_an_organisation_with_nothing_has_nulls_not_zeros(cases, hall):
    report = stats_for(hall.world.justice)
    assert report["totals"] == figures(0, 0, 0, None, 0, None, 0, None, None, None, None)
    assert report["by_department"] == report["by_window"] == report["by_item"] == report["by_agency_point"] == []


def test_a_period_without_cases_still_has_the_catalogue(cases, hall):
    report = stats_for(hall.centre, date(2025, 1, 1), date(2025, 1, 31))
    # as of 2025-01-31 the item stopped on 2026-10-31 (legal 60, committed 1) was still active
    assert report["totals"] == figures(0, 0, 0, None, 0, None, 0, 0.25, None, 3.0, 37.0)
    # the departments are listed for their items, with no cases
    assert rows(report, "by_department")["C-MZJ"] == figures(0, 0, 0, None, 0, None, 0, 0.0, None, None, None)


def test_both_ends_of_the_period_count(cases, hall):
    one_day = stats_for(hall.world.city, date(2026, 10, 9), date(2026, 10, 9))
    # accepted B C; completed C J
    assert (one_day["totals"]["accepted"], one_day["totals"]["completed"]) == (2, 2)


def test_the_catalogue_follows_the_window_authorisations_as_of_the_last_day(cases, hall):
    authorisation = hall.window_civil.authorisations.get()
    authorisation.revoked_on = date(2026, 10, 31)
    authorisation.save()
    totals = stats_for(hall.centre)["totals"]
    assert totals["immediate_item_ratio"] == 0.5  # licence and instant: civil affairs left on the last day
    earlier = stats_for(hall.centre, FROM, date(2026, 10, 30))["totals"]
    assert earlier["immediate_item_ratio"] == 0.25  # civil affairs still there, and the item stopped on 10-31


def test_a_completed_case_without_used_days_counts_as_completed_only(hall):
    make_case(hall, hall.licence, accepted="2026-10-09", completed="2026-10-15", window=hall.window_police,
              imported=True)
    from yangguang.services.models import Case

    Case.objects.update(used_workdays=None)  # an import that left the column empty
    totals = stats_for(hall.centre)["totals"]
    assert (totals["completed"], totals["completed_within_commitment"], totals["saved_workdays"]) == (1, 0, 0)
    assert totals["within_commitment_rate"] == 0.0


def test_a_case_over_its_legal_limit_subtracts_from_the_saved_days(hall):
    # accepted 2026-09-01, completed 2026-10-16: 21 working days in September after the 1st
    # (20 weekdays from 9/2, less 9/25 中秋, plus Sunday 9/20) and 8 in October
    case = make_case(hall, hall.licence, accepted="2026-09-01", completed="2026-10-16", window=hall.window_police)
    assert case.used_workdays == 29
    assert stats_for(hall.centre)["totals"]["saved_workdays"] == 20 - 29


def test_the_statistics_take_a_fixed_number_of_queries(cases, hall, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        stats_for(hall.world.city)
    with django_assert_max_num_queries(12):  # and two to find the subtree's organisations on cases
        stats_for(hall.police)


def test_a_large_subtree_is_counted_the_same_through_a_subquery(cases, hall, monkeypatch):
    expected = {org.code: stats_for(org) for org in (hall.world.town, hall.police, hall.world.county, hall.centre)}
    monkeypatch.setattr(service_selectors, "LITERAL_SUBTREE", 1)
    for org in (hall.world.town, hall.police, hall.world.county, hall.centre):
        assert stats_for(org) == expected[org.code]
