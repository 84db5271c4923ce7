"""A case through the hall: who may take each step, what is refused and why, and the dates stored."""

from datetime import date, datetime, timezone as tz

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yangguang.core.calendar import calendar_day_set
from yangguang.core.models import AuditEvent
from yangguang.services import rules, services
from yangguang.services.models import Case, Hop, Suspension

from ..foi.conftest import resident_id

D = date.fromisoformat


def applicant(**overrides) -> dict:
    data = {"applicant_type": "person", "applicant_name": "张三", "id_number": resident_id(7),
            "phone": "13800001111", "delivery": "window"}
    data.update(overrides)
    return data


def all_materials(item) -> list[int]:
    return list(item.materials.values_list("pk", flat=True))


def register(hall, item=None, *, actor=None, backdate: str | None = None, **kw) -> Case:
    item = item or hall.licence
    case = services.case_register(actor=actor or hall.clerk, item=item, data=applicant(), provided=all_materials(item), **kw).case
    if backdate:  # the clock tests accept on chosen days in the past
        Case.objects.filter(pk=case.pk).update(submitted_at=datetime.fromisoformat(backdate).replace(tzinfo=tz.utc))
        case.refresh_from_db()
    return case


def test_window_case_runs_end_to_end_with_one_review_and_one_approval(hall):
    case = register(hall, backdate="2026-09-27")
    assert case.status == rules.SUBMITTED and case.number == "C-ZWFW-BJ-2026-000001"
    case = services.case_accept(actor=hall.clerk, case=case, window=hall.window_police, on=D("2026-09-28"))
    assert case.status == rules.ACCEPTED and case.due_on == D("2026-10-10")  # across National Day
    case = services.case_review_start(actor=hall.reviewer, case=case)
    case = services.case_review_pass(actor=hall.reviewer, case=case, opinion="材料齐全，符合条件，拟准予")
    assert case.status == rules.APPROVING
    case = services.case_decide(actor=hall.approver, case=case, result="approved", document_number="测公许〔2026〕8号",
                                on=D("2026-10-09"))
    assert (case.status, case.result, case.used_workdays) == (rules.COMPLETED, "approved", 4)
    case = services.case_deliver(actor=hall.clerk, case=case, on=D("2026-10-12"))
    assert case.status == rules.DELIVERED
    actions = list(case.steps.values_list("action", flat=True))
    assert actions == ["accept", "review_start", "review_pass", "decide", "deliver"]
    assert AuditEvent.objects.filter(object_id=str(case.pk), action__startswith="services.case.").count() == 6


def test_correction_is_asked_once_and_stops_the_clock(hall):
    case = register(hall, backdate="2026-03-01")
    case = services.case_accept(actor=hall.clerk, case=case, window=hall.window_police, on=D("2026-03-02"))
    assert case.due_on == D("2026-03-09")
    case = services.case_review_start(actor=hall.reviewer, case=case)
    case = services.case_request_correction(actor=hall.reviewer, case=case, missing=["营业执照副本", "场地证明"],
                                            on=D("2026-03-04"))
    assert case.status == rules.CORRECTION and case.due_on is None
    case = services.case_receive_correction(actor=hall.clerk, case=case, on=D("2026-03-06"))
    assert case.status == rules.REVIEWING and case.due_on == D("2026-03-12")  # 4–6 Mar not counted
    with pytest.raises(ValidationError, match="一次性告知"):
        services.case_request_correction(actor=hall.reviewer, case=case, missing=["又一份材料"])


def test_hearing_suspends_and_the_decision_waits_for_it(hall):
    case = register(hall, backdate="2026-03-01")
    case = services.case_accept(actor=hall.clerk, case=case, window=hall.window_police, on=D("2026-03-02"))
    case = services.case_review_start(actor=hall.reviewer, case=case)
    case = services.case_suspend(actor=hall.reviewer, case=case, kind="hearing", reason="申请人要求听证", on=D("2026-03-04"))
    with pytest.raises(ValidationError, match="特别程序"):
        services.case_review_pass(actor=hall.reviewer, case=case, opinion="拟准予")
    case = services.case_resume(actor=hall.reviewer, case=case, on=D("2026-03-06"), outcome="听证完毕")
    assert case.due_on == D("2026-03-12")
    assert Suspension.objects.get(case=case).kind == "hearing"


def test_the_reviewer_may_not_also_approve(hall):
    from yangguang.core.models import Role
    from yangguang.core.services import role_grant

    role_grant(actor=None, user=hall.reviewer, organisation=hall.centre, role=Role.APPROVER)
    case = register(hall)
    case = services.case_accept(actor=hall.clerk, case=case, window=hall.window_police)
    case = services.case_review_start(actor=hall.reviewer, case=case)
    case = services.case_review_pass(actor=hall.reviewer, case=case, opinion="拟准予")
    with pytest.raises(PermissionDenied, match="一审一核"):
        services.case_decide(actor=hall.reviewer, case=case, result="approved", document_number="1号")
    case = services.case_decide(actor=hall.approver, case=case, result="approved", document_number="1号")
    assert case.status == rules.COMPLETED


@pytest.mark.parametrize("who, action", [
    ("reviewer", "accept"), ("approver", "accept"), ("outsider", "accept"), ("agency_village", "accept"),
])
def test_only_the_centres_window_accepts(hall, who, action):
    case = register(hall)
    with pytest.raises(PermissionDenied):
        services.case_accept(actor=getattr(hall, who), case=case, window=hall.window_police)


def test_each_step_belongs_to_its_role(hall):
    case = services.case_accept(actor=hall.clerk, case=register(hall), window=hall.window_police)
    for who in ("clerk", "approver", "outsider"):
        with pytest.raises(PermissionDenied):
            services.case_review_start(actor=getattr(hall, who), case=case)
    case = services.case_review_start(actor=hall.reviewer, case=case)
    case = services.case_review_pass(actor=hall.reviewer, case=case, opinion="拟准予")
    for who in ("clerk", "outsider"):
        with pytest.raises(PermissionDenied):
            services.case_decide(actor=getattr(hall, who), case=case, result="approved", document_number="1号")
    with pytest.raises(PermissionDenied):
        services.case_withdraw(actor=hall.outsider, case=case, reason="不办了")


def test_an_unauthorised_window_is_refused_with_the_reason(hall):
    case = register(hall)
    with pytest.raises(ValidationError) as error:
        services.case_accept(actor=hall.clerk, case=case, window=hall.window_civil)
    message = error.value.message_dict["window"][0]
    assert "02号 综合窗口未获测试市公安局授权" in message and "01号 公安窗口" in message
    assert Case.objects.get(pk=case.pk).status == rules.SUBMITTED


def test_a_revoked_authorisation_no_longer_counts(hall):
    hall.window_police.authorisations.update(revoked_on=D("2026-01-01"))
    with pytest.raises(ValidationError, match="尚未进驻"):
        register(hall)


def test_missing_required_materials_block_acceptance_with_the_list(hall):
    item = hall.licence
    register(hall, hall.simple)  # the case's material rows and the item's materials get different ids
    optional = item.materials.get(required=False)
    case = services.case_register(actor=hall.clerk, item=item, data=applicant(), provided=[optional.pk]).case
    with pytest.raises(ValidationError) as error:
        services.case_accept(actor=hall.clerk, case=case, window=hall.window_police)
    assert error.value.message_dict["materials"] == ["缺少必须提供的材料，不能受理：申请表、身份证明"]
    rows = list(case.materials.values_list("pk", flat=True))
    assert rows != all_materials(item)  # the case's own rows, not the catalogue's materials
    case = services.case_accept(actor=hall.clerk, case=case, window=hall.window_police, provided=rows)
    assert case.status == rules.ACCEPTED


def test_an_immediate_item_is_completed_at_acceptance(hall):
    case = services.case_accept(actor=hall.clerk, case=register(hall, hall.instant), window=hall.window_police)
    assert case.status == rules.COMPLETED and case.result == "approved"
    assert case.completed_on == case.accepted_on == case.due_on and case.used_workdays == 0


def test_a_window_only_item_is_decided_by_the_window(hall):
    case = services.case_accept(actor=hall.clerk, case=register(hall, hall.simple), window=hall.window_civil)
    with pytest.raises(PermissionDenied):
        services.case_decide(actor=hall.approver, case=case, result="approved", document_number="1号")
    case = services.case_decide(actor=hall.clerk, case=case, result="refused", document_number="测民〔2026〕1号",
                                note="查无婚姻登记档案")
    assert case.status == rules.COMPLETED and case.result == "refused"


def test_a_refusal_needs_reasons_and_a_rejection_too(hall):
    case = register(hall)
    with pytest.raises(ValidationError, match="不予受理的理由"):
        services.case_reject(actor=hall.clerk, case=case, reason=" ")
    case = services.case_reject(actor=hall.clerk, case=case, reason="不属于本机关职权范围")
    assert case.status == rules.REJECTED and case.due_on is None


def test_two_clerks_on_one_case_one_wins_the_other_is_told_why(hall):
    case = register(hall)
    stale = Case.objects.get(pk=case.pk)
    services.case_accept(actor=hall.clerk, case=case, window=hall.window_police)
    with pytest.raises(ValidationError) as error:
        services.case_accept(actor=hall.clerk2, case=stale, window=hall.window_police)
    assert "林窗口已于" in error.value.message_dict["status"][0] and "受理" in error.value.message_dict["status"][0]


def test_a_village_point_forwards_through_the_town_to_the_centre(hall):
    w = hall.world
    case = services.case_register(actor=hall.agency_village, item=hall.licence, data=applicant(),
                                  provided=all_materials(hall.licence), point=w.village).case
    assert case.channel == "agency" and case.location == w.village and case.agency_point == w.village
    with pytest.raises(ValidationError, match="转报"):
        services.case_accept(actor=hall.clerk, case=case, window=hall.window_police)
    with pytest.raises(PermissionDenied):
        services.case_forward(actor=hall.outsider, case=case)
    case = services.case_forward(actor=hall.agency_village, case=case, note="材料已核对")
    assert case.location == w.town
    case = services.case_forward(actor=hall.agency_town, case=case)
    assert case.location == hall.centre
    with pytest.raises(ValidationError, match="已到达"):
        services.case_forward(actor=hall.agency_town, case=case)
    hops = [(h.from_org_id, h.to_org_id) for h in Hop.objects.filter(case=case)]
    assert hops == [(None, w.village.pk), (w.village.pk, w.town.pk), (w.town.pk, hall.centre.pk)]
    case = services.case_accept(actor=hall.clerk, case=case, window=hall.window_police)
    assert case.status == rules.ACCEPTED and case.agency_point == w.village


def test_an_item_outside_the_agency_list_is_refused_at_the_village(hall):
    with pytest.raises(ValidationError, match="代办事项目录"):
        services.case_register(actor=hall.agency_village, item=hall.simple, data=applicant(), point=hall.world.village)


def test_online_application_is_withdrawn_with_its_secret(hall):
    submitted = services.case_submit_online(item=hall.licence, data=applicant(), provided=all_materials(hall.licence))
    case = submitted.case
    assert case.channel == "online" and case.location == hall.centre
    with pytest.raises(PermissionDenied):
        services.case_withdraw(case=case, secret="WRONG123", reason="不需要了")
    case = services.case_withdraw(case=case, secret=submitted.secret.lower(), reason="不需要了")
    assert case.status == rules.WITHDRAWN


def test_an_item_without_online_service_cannot_be_applied_for_online(hall):
    with pytest.raises(ValidationError, match="不支持网上申报"):
        services.case_submit_online(item=hall.simple, data=applicant())


@pytest.mark.parametrize("field, value, message", [
    ("id_number", "123", "18 位"),
    ("phone", "abc", "联系电话"),
    ("applicant_name", "", "申请人"),
    ("delivery", "pigeon", "送达方式"),
])
def test_bad_applicant_data_names_the_field_and_writes_nothing(hall, field, value, message):
    with pytest.raises(ValidationError) as error:
        services.case_register(actor=hall.clerk, item=hall.licence, data=applicant(**{field: value}))
    assert message in error.value.message_dict[field][0]
    assert not Case.objects.exists()


def test_numbers_are_gapless_per_centre_per_year(hall):
    numbers = [register(hall).number for _ in range(3)]
    assert numbers == [f"C-ZWFW-BJ-2026-{n:06d}" for n in (1, 2, 3)]


def test_a_calendar_change_moves_open_due_dates(hall, system_admin):
    case = register(hall, backdate="2026-03-01")
    case = services.case_accept(actor=hall.clerk, case=case, window=hall.window_police, on=D("2026-03-02"))
    assert case.due_on == D("2026-03-09")
    calendar_day_set(actor=system_admin, day=D("2026-03-04"), kind="holiday", name="临时放假")
    case.refresh_from_db()
    assert case.due_on == D("2026-03-10")


def test_time_cannot_be_stopped_after_the_limit_ran_out(hall):
    """A suspension dated after the due date would turn an overdue case into one finished in time."""
    case = register(hall, backdate="2026-08-31")
    case = services.case_accept(actor=hall.clerk, case=case, window=hall.window_police, on=D("2026-09-01"))
    case = services.case_review_start(actor=hall.reviewer, case=case)
    assert case.due_on == D("2026-09-08")
    with pytest.raises(ValidationError, match="已超过办结期限"):
        services.case_suspend(actor=hall.reviewer, case=case, kind="other", reason="补记", on=D("2026-09-09"))
    with pytest.raises(ValidationError, match="已超过办结期限"):
        services.case_request_correction(actor=hall.reviewer, case=case, missing=["身份证明"], on=D("2026-09-10"))


def test_a_decision_cannot_be_dated_inside_a_suspension(hall):
    case = register(hall, backdate="2026-03-01")
    case = services.case_accept(actor=hall.clerk, case=case, window=hall.window_police, on=D("2026-03-02"))
    case = services.case_review_start(actor=hall.reviewer, case=case)
    case = services.case_suspend(actor=hall.reviewer, case=case, kind="hearing", reason="听证", on=D("2026-03-03"))
    case = services.case_resume(actor=hall.reviewer, case=case, on=D("2026-03-10"))
    case = services.case_review_pass(actor=hall.reviewer, case=case, opinion="拟准予")
    with pytest.raises(ValidationError, match="不能早于"):
        services.case_decide(actor=hall.approver, case=case, result="approved", document_number="1号", on=D("2026-03-04"))


def test_a_catalogue_change_does_not_strand_an_open_case(hall):
    """The case keeps the materials and steps its item had when it was registered."""
    case = register(hall)
    hall.licence.materials.all().delete()  # a catalogue re-import replaced the materials
    hall.licence.steps = ["accept", "complete"]
    hall.licence.save()
    case = services.case_accept(actor=hall.clerk, case=Case.objects.get(pk=case.pk), window=hall.window_police)
    assert case.step_keys == ("accept", "review", "approve", "complete")
    case = services.case_review_start(actor=hall.reviewer, case=case)
    assert case.status == rules.REVIEWING


def test_an_item_past_its_stop_date_takes_no_applications(hall):
    from yangguang.services.models import ServiceItem

    ServiceItem.objects.filter(pk=hall.licence.pk).update(active_until=services.local_today())
    hall.licence.refresh_from_db()
    with pytest.raises(ValidationError, match="不支持网上申报"):
        services.case_submit_online(item=hall.licence, data=applicant())
    with pytest.raises(ValidationError, match="已停用"):
        services.case_register(actor=hall.clerk, item=hall.licence, data=applicant())


def test_each_centre_handles_its_own_and_the_nearest_takes_agency_cases(hall):
    """A county centre also authorised for the item: the city's clerk registers at the city centre,
    the county's village point sends its case to the county centre."""
    from ..conftest import make_org, make_person
    from yangguang.core.models import Organisation, Role, Window, WindowAuthorisation

    county_centre = make_org("C-A-ZWFW", "甲县政务服务中心", Organisation.Kind.SERVICE_CENTRE, hall.world.county)
    window = Window.objects.create(centre=county_centre, number="01", name="综合窗口", kind=Window.Kind.COMPREHENSIVE)
    WindowAuthorisation.objects.create(window=window, department=hall.police, authorised_on=D("2025-01-02"))
    assert register(hall).organisation == hall.centre
    county_clerk = make_person("cclerk", Role.WINDOW_CLERK, county_centre)
    assert register(hall, actor=county_clerk).organisation == county_centre
    agency = services.case_register(actor=hall.agency_village, item=hall.licence, data=applicant(), point=hall.world.village).case
    assert agency.organisation == county_centre


def test_the_village_point_still_sees_the_case_it_forwarded_and_may_record_a_withdrawal(hall):
    from yangguang.services import selectors

    case = services.case_register(actor=hall.agency_village, item=hall.licence, data=applicant(), point=hall.world.village).case
    assert "withdraw" in services.actions_for(hall.agency_village, case)
    case = services.case_forward(actor=hall.agency_village, case=case)
    assert selectors.case_for(hall.agency_village, case.pk) is not None
    assert services.actions_for(hall.agency_village, case) == []  # it is the town's to forward now


def _accepted(hall):
    return services.case_accept(actor=hall.clerk, case=register(hall), window=hall.window_police)


def _reviewing(hall):
    return services.case_review_start(actor=hall.reviewer, case=_accepted(hall))


def _correction(hall):
    return services.case_request_correction(actor=hall.reviewer, case=_reviewing(hall), missing=["身份证明"])


def _suspended(hall):
    return services.case_suspend(actor=hall.reviewer, case=_reviewing(hall), kind="expert", reason="专家评审")


def _approving(hall):
    return services.case_review_pass(actor=hall.reviewer, case=_reviewing(hall), opinion="拟准予")


def _completed(hall):
    return services.case_decide(actor=hall.approver, case=_approving(hall), result="approved", document_number="1号")


# (set-up, action, the one who may, kwargs): everyone else of the hall is refused.
STEPS = [
    (register, "case_reject", "clerk", {"reason": "不属于受理范围"}),
    (register, "case_accept", "clerk", {"window": "window_police"}),
    (_accepted, "case_review_start", "reviewer", {}),
    (_reviewing, "case_request_correction", "reviewer", {"missing": ["身份证明"]}),
    (_correction, "case_receive_correction", "clerk", {}),
    (_reviewing, "case_suspend", "reviewer", {"kind": "testing", "reason": "检验检测"}),
    (_suspended, "case_resume", "reviewer", {}),
    (_reviewing, "case_review_pass", "reviewer", {"opinion": "拟准予"}),
    (_approving, "case_return_to_review", "approver", {"opinion": "材料需复核"}),
    (_approving, "case_decide", "approver", {"result": "approved", "document_number": "1号"}),
    (_completed, "case_deliver", "clerk", {}),
]
PEOPLE = ("clerk", "reviewer", "approver", "agency_village", "agency_town", "outsider")


@pytest.mark.parametrize("setup, action, allowed, kwargs", STEPS, ids=[s[1] for s in STEPS])
def test_every_step_is_taken_only_by_its_role(hall, setup, action, allowed, kwargs):
    case = setup(hall)
    kwargs = {k: getattr(hall, v) if k == "window" else v for k, v in kwargs.items()}
    for person in PEOPLE:
        if person == allowed:
            continue
        with pytest.raises(PermissionDenied):
            getattr(services, action)(actor=getattr(hall, person), case=case, **kwargs)
    before = Case.objects.get(pk=case.pk).status
    after = getattr(services, action)(actor=getattr(hall, allowed), case=case, **kwargs)
    assert after.status != before or action in ("case_suspend", "case_resume")
    if action == "case_return_to_review":
        assert after.status == rules.REVIEWING
