"""A small, hand-counted set of cases for the service statistics (used by the other
test_service_* modules), and the working days each case used — across National Day 2026, the
adjusted workday of Saturday 10 October, and a suspension for testing.

The hall (tests/services/conftest.py): the city's centre C-ZWFW with window 01 (public security,
C-GAJ) and window 02 (civil affairs, C-MZJ); items 机动车驾驶培训许可 (licence: legal 20, committed
5), 户籍证明开具 (instant: 即办件), 婚姻登记档案查询 (simple: committed 3, no legal limit) and
科技型企业认定 (orphan: C-KJJ, legal 30, committed 10, served by no window).

The period is 2026-09-01 .. 2026-10-31. Cases (all handled by the centre unless said otherwise):

| case | item    | window | agency  | accepted   | completed  | used | notes                          |
|------|---------|--------|---------|------------|------------|------|--------------------------------|
| A    | licence | 01     |         | 2026-09-28 | 2026-10-16 | 8    | holiday, 10/10, testing 10/12–13 |
| B    | licence | 01     |         | 2026-10-09 | 2026-10-15 | 5    | 10/10 (Saturday) is a workday  |
| C    | instant | 01     |         | 2026-10-09 | 2026-10-09 | 0    |                                |
| D    | instant | 01     | village | 2026-10-20 | 2026-10-20 | 0    |                                |
| E    | simple  | 02     |         | 2026-10-26 | 2026-10-29 | 3    |                                |
| F    | simple  | 02     |         | 2026-09-15 | —          |      | still open                     |
| G    | licence | 01     |         | 2026-08-25 | 2026-09-02 | 6    | accepted before the period     |
| H    | licence | 01     |         | 2026-10-30 | 2026-11-03 | 2    | completed after the period     |
| I    | orphan  | —      |         | 2026-10-08 | 2026-10-08 | 0    | handled by C-KJJ itself        |
| J    | licence | 01     | town    | 2026-09-30 | 2026-10-09 | 2    | refused (不予) is completed too |
| K    | simple  | —      |         | 2026-10-12 | 2026-10-12 | 0    | handled by county C-B, online  |
| L    | licence | 01     |         | 2026-09-10 | —          |      | withdrawn after acceptance     |
| M    | licence | 01     |         | —          | —          |      | submitted, never accepted      |
| N    | licence | 01     |         | —          | —          |      | rejected (不予受理)            |

Items that must never count (as of 2026-10-31): one switched off, one stopped on 10-31, one
starting 11-01.
"""

from datetime import date, datetime, timezone
from itertools import count

import pytest

from yangguang.services import rules
from yangguang.services.models import Case, ServiceItem, Suspension
from yangguang.services.services import apply_clock

from ..services.conftest import hall  # noqa: F401  (the fixture)

FROM, TO = date(2026, 9, 1), date(2026, 10, 31)
_serial = count(1)


def make_case(hall, item, *, accepted=None, completed=None, window=None, agency_point=None, organisation=None,
              department=None, status=None, result="approved", channel=None, suspensions=(), **extra) -> Case:
    n = next(_serial)
    organisation = organisation or hall.centre
    accepted_on = date.fromisoformat(accepted) if accepted else None
    completed_on = date.fromisoformat(completed) if completed else None
    if status is None:
        status = rules.COMPLETED if completed_on else rules.ACCEPTED if accepted_on else rules.SUBMITTED
    case = Case(
        organisation=organisation, number=f"ST-{n:05d}", sequence=n, item=item, department=department or item.department,
        window=window, channel=channel or ("agency" if agency_point else "window"), agency_point=agency_point,
        location=organisation, tracking_code=f"STAT{n:08d}", applicant_name="某申请人",
        submitted_at=datetime(2026, 8, 1, tzinfo=timezone.utc), status=status,
        accepted_on=accepted_on, immediate=item.immediate, committed_limit=item.committed_limit,
        legal_limit=item.legal_limit, completed_on=completed_on,
        result=result if status in (rules.COMPLETED, rules.DELIVERED) else "", **extra,
    )
    case.save()
    stops = [Suspension.objects.create(case=case, kind=kind, started_on=date.fromisoformat(start),
                                       ended_on=date.fromisoformat(end)) for kind, start, end in suspensions]
    if accepted_on:
        apply_clock(case, stops)
        case.save()
    return case


@pytest.fixture
def cases(hall):
    w = hall.world
    police, civil = hall.window_police, hall.window_civil
    built = {
        "A": make_case(hall, hall.licence, accepted="2026-09-28", completed="2026-10-16", window=police,
                       suspensions=[("testing", "2026-10-12", "2026-10-13")]),
        "B": make_case(hall, hall.licence, accepted="2026-10-09", completed="2026-10-15", window=police),
        "C": make_case(hall, hall.instant, accepted="2026-10-09", completed="2026-10-09", window=police),
        "D": make_case(hall, hall.instant, accepted="2026-10-20", completed="2026-10-20", window=police,
                       agency_point=w.village),
        "E": make_case(hall, hall.simple, accepted="2026-10-26", completed="2026-10-29", window=civil),
        "F": make_case(hall, hall.simple, accepted="2026-09-15", window=civil),
        "G": make_case(hall, hall.licence, accepted="2026-08-25", completed="2026-09-02", window=police),
        "H": make_case(hall, hall.licence, accepted="2026-10-30", completed="2026-11-03", window=police),
        "I": make_case(hall, hall.orphan, accepted="2026-10-08", completed="2026-10-08", organisation=hall.unserved),
        "J": make_case(hall, hall.licence, accepted="2026-09-30", completed="2026-10-09", window=police,
                       agency_point=w.town, result="refused"),
        "K": make_case(hall, hall.simple, accepted="2026-10-12", completed="2026-10-12", organisation=w.other_county,
                       channel="online"),
        "L": make_case(hall, hall.licence, accepted="2026-09-10", window=police, status=rules.WITHDRAWN,
                       withdrawn_on=date(2026, 9, 11)),
        "M": make_case(hall, hall.licence, window=police),
        "N": make_case(hall, hall.licence, window=police, status=rules.REJECTED, rejection_reason="不属于本机关职权"),
    }
    for code, extra in (("GA-OFF", {"is_active": False}), ("GA-OLD", {"active_until": date(2026, 10, 31)}),
                        ("GA-NEW", {"active_from": date(2026, 11, 1)})):
        ServiceItem.objects.create(code=code, name=f"不计入的事项{code}", kind="licence", department=hall.police,
                                   legal_limit=60, committed_limit=1, **extra)
    return built


def test_used_workdays_skip_national_day_count_the_adjusted_saturday_and_drop_the_suspension(cases):
    # A: 9/29, 9/30, (10/1–10/7 holiday), 10/8, 10/9, 10/10 (调休上班), 10/12–10/16 = 10 working days,
    # less 10/12 and 10/13 (检验检测) = 8
    assert cases["A"].used_workdays == 8
    assert cases["B"].used_workdays == 5  # 10/10, 10/12, 10/13, 10/14, 10/15
    assert cases["G"].used_workdays == 6  # 8/26, 8/27, 8/28, 8/31, 9/1, 9/2
    assert cases["J"].used_workdays == 2  # 10/8, 10/9
    assert cases["E"].used_workdays == 3
    assert [cases[k].used_workdays for k in "CDIK"] == [0, 0, 0, 0]
    assert cases["F"].used_workdays is None and cases["L"].used_workdays is None


def test_a_suspension_over_the_holiday_removes_no_working_day_of_it(hall):
    # accepted Wednesday 9/30, suspended 10/1–10/8 (holiday, then Thursday 10/8), completed Friday 10/9:
    # only 10/9 counts
    case = make_case(hall, hall.licence, accepted="2026-09-30", completed="2026-10-09", window=hall.window_police,
                     suspensions=[("correction", "2026-10-01", "2026-10-08")])
    assert case.used_workdays == 1
