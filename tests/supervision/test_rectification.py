"""差评整改: deadlines from the rating day on the working-day calendar (around Spring Festival and
National Day 2026), verify → rectify and reply → return visit, the unit's appeal (reasons needed)
and the supervision desk's decision (upheld → the rating is voided). Today is fixed at 2026-11-26."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yangguang.core.models import Role
from yangguang.supervision import evaluation_selectors as sel
from yangguang.supervision import evaluations
from yangguang.supervision.models import Evaluation, Rectification

from ..conftest import make_person
from .test_evaluations import TODAY, _today, desk  # noqa: F401  (shared fixtures)

S = Rectification.Status


# Worked by hand from the State Council's 2026 schedule: Spring Festival off 02-15…02-23 with
# Saturdays 02-14 and 02-28 worked; Mid-Autumn 09-25…09-27; National Day 10-01…10-07 with
# Saturday 10-10 worked.
@pytest.mark.parametrize("rated_on, verify_due, reply_due", [
    (date(2026, 11, 25), date(2026, 11, 26), date(2026, 12, 16)),  # an ordinary Wednesday
    (date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 18)),  # Friday: verify on Monday
    (date(2026, 2, 13), date(2026, 2, 14), date(2026, 3, 12)),  # Friday before Spring Festival: Saturday 02-14 is worked
    (date(2026, 2, 14), date(2026, 2, 24), date(2026, 3, 13)),  # on the worked Saturday: verify after the holiday
    (date(2026, 2, 16), date(2026, 2, 24), date(2026, 3, 13)),  # rated during the holiday (SMS at home)
    (date(2026, 9, 24), date(2026, 9, 28), date(2026, 10, 22)),  # before Mid-Autumn, 15 days across National Day
    (date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 27)),  # eve of National Day; Saturday 10-10 counts
    (date(2026, 10, 1), date(2026, 10, 8), date(2026, 10, 27)),  # on National Day itself
])
def test_deadlines_count_working_days_from_the_rating_day(seeded_calendar, rated_on, verify_due, reply_due):
    assert evaluations.deadlines(rated_on) == (verify_due, reply_due)


def test_the_reply_limit_is_configurable(seeded_calendar, settings):
    settings.EVALUATION_REPLY_WORKDAYS = 5
    settings.EVALUATION_VERIFY_WORKDAYS = 2
    assert evaluations.deadlines(date(2026, 9, 30)) == (date(2026, 10, 9), date(2026, 10, 13))


@pytest.fixture
def poor(desk):
    return evaluations.evaluation_rate_web(subject=desk.case(), level=2, comment="材料要求反复变").rectification


def test_full_run_verify_reply_revisit(desk, poor):
    r = evaluations.rectification_verify(actor=desk.leader, rectification=poor, verification="属实，窗口一次性告知不到位")
    assert (r.status, r.verified_on, r.verified_by) == (S.RECTIFYING, TODAY, desk.leader)
    r = evaluations.rectification_reply(actor=desk.leader, rectification=r, measures="组织窗口人员学习一次性告知制度",
                                        reply="已电话致歉并说明整改措施")
    assert (r.status, r.replied_on) == (S.REPLIED, TODAY)
    r = evaluations.rectification_revisit(actor=desk.supervisor, rectification=r, result="satisfied", note="申请人表示认可")
    r.refresh_from_db()
    assert (r.status, r.revisit_result, r.revisited_by) == (S.CLOSED, "satisfied", desk.supervisor)
    assert r.evaluation.voided is False  # a rectified 差评 still counts


def test_steps_out_of_order_are_refused(desk, poor):
    with pytest.raises(ValidationError, match="当前状态为“待核实”，不能整改答复"):
        evaluations.rectification_reply(actor=desk.leader, rectification=poor, measures="x", reply="y")
    with pytest.raises(ValidationError, match="不能登记回访"):
        evaluations.rectification_revisit(actor=desk.leader, rectification=poor, result="satisfied")
    with pytest.raises(ValidationError, match="不能复核"):
        evaluations.rectification_decide_appeal(actor=desk.supervisor, rectification=poor, upheld=True, note="x")


@pytest.mark.parametrize("field, call", [
    ("verification", lambda d, r: evaluations.rectification_verify(actor=d.leader, rectification=r, verification="  ")),
    ("reasons", lambda d, r: evaluations.rectification_appeal(actor=d.leader, rectification=r, reasons="")),
])
def test_empty_text_is_refused_naming_the_field(desk, poor, field, call):
    with pytest.raises(ValidationError) as exc:
        call(desk, poor)
    assert field in exc.value.message_dict
    poor.refresh_from_db()
    assert poor.status == S.VERIFYING and poor.appealed_on is None


def test_the_unit_is_the_one_who_verifies_not_the_desk_the_clerk_or_an_outsider(desk, poor):
    for who in (desk.outsider, desk.clerk, desk.officer, desk.supervisor):
        with pytest.raises(PermissionDenied):
            evaluations.rectification_verify(actor=who, rectification=poor, verification="x")
    poor.refresh_from_db()
    assert poor.status == S.VERIFYING


def test_appeal_upheld_voids_the_rating(desk, poor):
    r = evaluations.rectification_appeal(actor=desk.leader, rectification=poor, reasons="申请人在评价器上误按，已当面确认")
    assert (r.status, r.appealed_by) == (S.APPEALED, desk.leader)
    for who in (desk.leader, desk.outsider, desk.clerk):
        with pytest.raises(PermissionDenied, match="只有监督人员"):
            evaluations.rectification_decide_appeal(actor=who, rectification=r, upheld=True, note="成立")
    r = evaluations.rectification_decide_appeal(actor=desk.supervisor, rectification=r, upheld=True, note="核实为误评")
    assert r.status == S.VOIDED and r.appeal_decision == "upheld"
    assert Evaluation.objects.get(pk=r.evaluation_id).voided is True
    assert sel.allowed_actions(desk.leader, r) == []


def test_appeal_rejected_goes_back_to_rectifying_and_cannot_be_repeated(desk, poor):
    r = evaluations.rectification_verify(actor=desk.leader, rectification=poor, verification="申请人称等候过久")
    r = evaluations.rectification_appeal(actor=desk.leader, rectification=r, reasons="当日系统故障，非人员原因")
    r = evaluations.rectification_decide_appeal(actor=desk.supervisor, rectification=r, upheld=False, note="仍应改进")
    assert (r.status, r.appeal_decision) == (S.RECTIFYING, "rejected")
    assert Evaluation.objects.get(pk=r.evaluation_id).voided is False
    with pytest.raises(ValidationError, match="已申诉过一次"):
        evaluations.rectification_appeal(actor=desk.leader, rectification=r, reasons="再次申诉")
    assert "appeal" not in sel.allowed_actions(desk.leader, r)


def test_decision_needs_a_note(desk, poor):
    r = evaluations.rectification_appeal(actor=desk.leader, rectification=poor, reasons="恶意差评")
    with pytest.raises(ValidationError, match="请填写复核意见"):
        evaluations.rectification_decide_appeal(actor=desk.supervisor, rectification=r, upheld=True, note="")
    r.refresh_from_db()
    assert r.status == S.APPEALED


def test_a_desk_of_another_county_cannot_decide(desk, poor):
    other_desk = make_person("other-desk", Role.SUPERVISOR, desk.world.other_county)
    r = evaluations.rectification_appeal(actor=desk.leader, rectification=poor, reasons="恶意差评")
    with pytest.raises(PermissionDenied):
        evaluations.rectification_decide_appeal(actor=other_desk, rectification=r, upheld=True, note="成立")


@pytest.mark.parametrize("today, status, overdue", [
    (date(2026, 11, 26), S.VERIFYING, False),  # rated 11-26: verify due 11-27
    (date(2026, 11, 27), S.VERIFYING, False),  # the last day is still in time
    (date(2026, 11, 30), S.VERIFYING, True),
    (date(2026, 11, 30), S.RECTIFYING, False),  # verified; the reply is due 12-17
    (date(2026, 12, 17), S.RECTIFYING, False),
    (date(2026, 12, 18), S.RECTIFYING, True),
    (date(2026, 12, 18), S.REPLIED, False),
    (date(2026, 12, 18), S.APPEALED, False),  # with the desk, not the unit
])
def test_overdue_in_the_staff_list(desk, poor, monkeypatch, today, status, overdue):
    assert (poor.verify_due_on, poor.reply_due_on) == (date(2026, 11, 27), date(2026, 12, 17))
    Rectification.objects.filter(pk=poor.pk).update(status=status)
    monkeypatch.setattr(sel, "local_today", lambda: today)
    listed = list(sel.rectifications_for(desk.leader, overdue=True))
    assert (poor.pk in [r.pk for r in listed]) is overdue


def test_staff_list_is_scoped_by_role(desk, poor):
    assert [r.pk for r in sel.rectifications_for(desk.leader)] == [poor.pk]
    assert [r.pk for r in sel.rectifications_for(desk.supervisor)] == [poor.pk]
    assert [r.pk for r in sel.rectifications_for(desk.clerk)] == [poor.pk]  # the centre where it was handled
    assert list(sel.rectifications_for(desk.outsider)) == []
    assert list(sel.rectifications_for(desk.officer)) == []  # 司法局 has nothing to do with the police's case
    assert sel.rectification_for(desk.outsider, poor.pk) is None


# --- demo -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_rates_part_of_the_year_with_rectifications_in_every_state(seeded_calendar, client):
    from django.test import override_settings

    from tests.conftest import FAST_HASHERS
    from yangguang.core import demo as core_demo
    from yangguang.services import demo as services_demo
    from yangguang.services.models import Case
    from yangguang.supervision import demo_evaluations

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        core_demo.load()
        services_demo.load_catalogue()
        services_demo.load_cases(cases=1500)
    created = demo_evaluations.load_evaluations()
    completed = Case.objects.filter(status__in=["completed", "delivered"], completed_on__lte=TODAY).count()
    rated_cases = Evaluation.objects.filter(subject="case").values("case").distinct().count()
    assert created == Evaluation.objects.count() > 0
    assert 0.2 * completed < rated_cases < 0.5 * completed
    counted = Evaluation.objects.filter(voided=False)
    assert counted.filter(level__lte=2).count() == 7  # a handful of 差评; one more was voided on appeal
    assert counted.filter(level__gte=3).count() / counted.count() > 0.98
    statuses = set(Rectification.objects.values_list("status", flat=True))
    assert statuses == {S.VERIFYING, S.RECTIFYING, S.REPLIED, S.CLOSED, S.APPEALED, S.VOIDED}
    overdue = [r for r in Rectification.objects.all() if sel.is_overdue(r, TODAY)]
    assert len(overdue) == 1 and overdue[0].status == S.RECTIFYING
    assert Rectification.objects.filter(status=S.CLOSED, revisit_result="satisfied").count() == 2
    assert Evaluation.objects.filter(voided=True).count() == 1
    assert demo_evaluations.load_evaluations() == 0
    assert "好评率" in client.get("/hdjd/hcp/?year=2026").content.decode()


def test_an_appeal_rejected_before_verification_goes_back_to_verification(desk, poor):
    r = evaluations.rectification_appeal(actor=desk.leader, rectification=poor, reasons="申请人在评价器上误按")
    r = evaluations.rectification_decide_appeal(actor=desk.supervisor, rectification=r, upheld=False, note="录像显示非误按")
    assert r.status == S.VERIFYING and r.verified_on is None
    with pytest.raises(ValidationError):
        evaluations.rectification_reply(actor=desk.leader, rectification=r, measures="培训", reply="已致歉")


def test_whoever_appealed_cannot_decide_their_own_appeal(desk, poor):
    # A leader who is also on the supervision desk files the appeal: another member of the desk decides.
    both = make_person("both", Role.LEADER, desk.world.centre)
    from yangguang.core.services import role_grant

    role_grant(actor=None, user=both, organisation=desk.world.city, role=Role.SUPERVISOR)
    r = evaluations.rectification_appeal(actor=both, rectification=poor, reasons="恶意差评")
    with pytest.raises(PermissionDenied, match="申诉人不能复核"):
        evaluations.rectification_decide_appeal(actor=both, rectification=r, upheld=True, note="成立")
    assert Evaluation.objects.get(pk=r.evaluation_id).voided is False
    evaluations.rectification_decide_appeal(actor=desk.supervisor, rectification=r, upheld=True, note="成立")
