"""Who may set the schedule and keep the register, what the services refuse, and what they record."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from yangguang.core.models import AuditEvent
from yangguang.core.personal import blind_index
from yangguang.supervision import selectors, services
from yangguang.supervision.models import ReceptionDay, ReceptionSchedule, ReceptionVisit
from yangguang.supervision.reception import Month

D = date.fromisoformat


def _schedule_fields(**overrides):
    fields = {"day_of_month": 15, "place": "接待室", "hours": "上午", "rotation_starts_on": D("2026-01-01")}
    fields.update(overrides)
    return fields


@pytest.mark.django_db
def test_leaders_and_the_supervision_desk_set_the_schedule(bureau, world):
    services.schedule_save(actor=bureau.supervisor, organisation=bureau.organisation, **_schedule_fields(day_of_month=20))
    assert ReceptionSchedule.objects.get(organisation=bureau.organisation).day_of_month == 20
    assert ReceptionSchedule.objects.count() == 1  # one per organisation: saved again, not added
    event = AuditEvent.objects.filter(action="reception.schedule.save").order_by("-seq").first()
    assert event.before["day_of_month"] == 15 and event.after["day_of_month"] == 20 and event.success


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "officer", "clerk"])
def test_others_may_not_set_the_schedule(bureau, who):
    actor = getattr(bureau, who)
    with pytest.raises(PermissionDenied):
        services.schedule_save(actor=actor, organisation=bureau.organisation, **_schedule_fields(day_of_month=3))
    with pytest.raises(PermissionDenied):
        services.schedule_leaders_set(actor=actor, schedule=bureau.schedule, leaders=[bureau.deputy])
    with pytest.raises(PermissionDenied):
        services.reception_day_change(actor=actor, schedule=bureau.schedule, month=D("2026-12-01"), reason="x", cancelled=True)
    assert ReceptionSchedule.objects.get().day_of_month == 15
    assert not ReceptionDay.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "director", "supervisor"])
def test_the_register_is_kept_by_leaders_supervisors_and_the_disclosure_office(bureau, who):
    visit = bureau.visit(actor=getattr(bureau, who))
    assert visit.recorded_by == getattr(bureau, who)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "clerk"])
def test_others_may_not_touch_the_register(bureau, who):
    with pytest.raises(PermissionDenied):
        bureau.visit(actor=getattr(bureau, who))
    visit = bureau.visit()
    with pytest.raises(PermissionDenied):
        services.visit_reply(actor=getattr(bureau, who), visit=visit, reply="答复", replied_on=D("2026-11-20"), follow_up_needed=False)
    assert selectors.visit_for_staff(getattr(bureau, who), visit.pk) is None
    assert not selectors.visits_of(getattr(bureau, who), bureau.organisation, year=2026).exists()


@pytest.mark.django_db
def test_only_the_organisations_own_leaders_rotate(bureau, world):
    from tests.conftest import make_person
    from yangguang.core.models import Role

    city_leader = make_person("mayor", Role.LEADER, world.city)  # covers the bureau, but is not 局领导
    for leaders, field_message in (
        ([bureau.director, bureau.officer], "黄静怡 不是测试市司法局的领导"),
        ([bureau.director, city_leader], "不是测试市司法局的领导"),
        ([bureau.director, bureau.deputy, bureau.director], "郑国华 重复出现"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.schedule_leaders_set(actor=bureau.director, schedule=bureau.schedule, leaders=leaders)
        assert field_message in caught.value.message_dict["leaders"][0]
    assert selectors.leaders_of(bureau.schedule) == [bureau.director, bureau.deputy, bureau.second_deputy]
    services.schedule_leaders_set(actor=bureau.director, schedule=bureau.schedule, leaders=[bureau.second_deputy, bureau.director])
    assert selectors.leaders_of(ReceptionSchedule.objects.get()) == [bureau.second_deputy, bureau.director]


@pytest.mark.django_db
def test_schedule_as_computed_from_the_database(bureau):
    schedule = selectors.schedule_of(bureau.organisation)
    year = selectors.receptions_in_year(schedule, 2026)
    assert [r.on for r in year][:3] == [D("2026-01-15"), D("2026-02-24"), D("2026-03-16")]
    assert [r.leader.full_name for r in year][:4] == ["郑国华", "钱文斌", "杜慧敏", "郑国华"]
    upcoming = selectors.upcoming_receptions(schedule, today=D("2026-11-26"))
    assert upcoming[0].on == D("2026-12-15") and upcoming[0].leader == bureau.second_deputy
    assert len(upcoming) == 12


@pytest.mark.django_db
def test_a_month_is_changed_and_restored(bureau):
    services.reception_day_change(actor=bureau.director, schedule=bureau.schedule, month=D("2026-12-09"),
                                  held_on=D("2026-12-16"), substitute=bureau.director, reason="值班领导外出学习")
    december = selectors.upcoming_receptions(selectors.schedule_of(bureau.organisation), today=D("2026-11-26"))[0]
    assert (december.on, december.leader, december.changed) == (D("2026-12-16"), bureau.director, "值班领导外出学习")
    # changed again: still one change for the month
    services.reception_day_change(actor=bureau.supervisor, schedule=bureau.schedule, month=D("2026-12-01"),
                                  cancelled=True, reason="全市集中接访")
    assert ReceptionDay.objects.get().cancelled and ReceptionDay.objects.get().held_on is None
    assert services.reception_day_restore(actor=bureau.director, schedule=bureau.schedule, month=D("2026-12-01"))
    assert not ReceptionDay.objects.exists()
    assert not services.reception_day_restore(actor=bureau.director, schedule=bureau.schedule, month=D("2026-12-01"))
    actions = list(AuditEvent.objects.filter(action__startswith="reception.day").order_by("seq").values_list("action", flat=True))
    assert actions == ["reception.day.change", "reception.day.change", "reception.day.restore"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"held_on": D("2026-12-19")}, "held_on", "不是工作日"),  # a Saturday
        ({"held_on": D("2027-02-01")}, "held_on", "前后 31 天以内"),
        ({}, "held_on", "请填写改期日期或选择代班领导"),
        ({"cancelled": True, "held_on": D("2026-12-16")}, "cancelled", "不能同时"),
        ({"held_on": D("2026-12-16"), "reason": " "}, "reason", "请填写原因"),
        ({"held_on": "2026-13-01"}, "held_on", "改期日期格式应为 YYYY-MM-DD"),
    ],
)
def test_bad_changes_are_refused_naming_the_field(bureau, fields, field, message):
    data = {"month": D("2026-12-01"), "reason": "会议"}
    data.update(fields)
    with pytest.raises(ValidationError) as caught:
        services.reception_day_change(actor=bureau.director, schedule=bureau.schedule, **data)
    assert message in caught.value.message_dict[field][0]
    assert not ReceptionDay.objects.exists()


@pytest.mark.django_db
def test_a_substitute_must_be_a_leader(bureau):
    with pytest.raises(ValidationError) as caught:
        services.reception_day_change(actor=bureau.director, schedule=bureau.schedule, month=D("2026-12-01"),
                                      substitute=bureau.officer, reason="外出")
    assert "代班领导" in caught.value.message_dict["substitute"][0]


@pytest.mark.django_db
def test_the_phone_number_is_stored_encrypted_and_found_by_hash(bureau):
    visit = bureau.visit(contact_phone="139-1234-5678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM supervision_receptionvisit WHERE id = %s", [visit.pk])
        stored = cursor.fetchone()[0]
    assert "13912345678" not in stored and "5678" not in stored
    assert ReceptionVisit.objects.get(contact_phone_hash=blind_index("phone", "13912345678")) == visit
    assert str(ReceptionVisit.objects.get().contact_phone) == "139****5678"
    event = AuditEvent.objects.get(action="reception.visit.record")
    assert event.after["contact_phone"] == "139****5678"
    assert "13912345678" not in str(event.after)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"visitor_name": ""}, "visitor_name", "请填写来访人"),
        ({"issues": "  "}, "issues", "请填写反映问题"),
        ({"issues": "问" * 4001}, "issues", "反映问题不能超过 4000 字"),
        ({"visited_on": D("2026-11-27")}, "visited_on", "接待日期不能晚于今天"),
        ({"visited_on": "昨天"}, "visited_on", "接待日期格式应为 YYYY-MM-DD"),
        ({"duty_leader": None}, "duty_leader", "请选择值班领导"),
        ({"contact_phone": "12ab"}, "contact_phone", "联系方式应为"),
        ({"reply": "已答复"}, "replied_on", "请填写答复日期"),
        ({"reply": "已答复", "replied_on": D("2026-11-10")}, "replied_on", "答复日期不能早于接待日期"),
        ({"replied_on": D("2026-11-20")}, "reply", "请同时填写答复情况"),
    ],
)
def test_bad_visits_are_refused_naming_the_field(bureau, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        bureau.visit(**fields)
    assert message in caught.value.message_dict[field][0]
    assert not ReceptionVisit.objects.exists()


@pytest.mark.django_db
def test_the_duty_leader_must_be_a_leader_of_the_bureau(bureau):
    with pytest.raises(ValidationError) as caught:
        bureau.visit(duty_leader=bureau.outsider)
    assert "不是测试市司法局的领导" in caught.value.message_dict["duty_leader"][0]


@pytest.mark.django_db
def test_reply_then_follow_up_closed_once(bureau):
    visit = bureau.visit(follow_up_needed=True)
    with pytest.raises(ValidationError) as caught:
        services.visit_follow_up_close(actor=bureau.officer, visit=visit)
    assert "请先登记答复情况" in caught.value.message_dict["reply"][0]
    services.visit_reply(actor=bureau.officer, visit=visit, reply="已核查并电话答复", replied_on=D("2026-11-20"), follow_up_needed=True)
    closed = services.visit_follow_up_close(actor=bureau.director, visit=visit)
    assert closed.follow_up_closed_on == D("2026-11-26")
    with pytest.raises(ValidationError) as caught:
        services.visit_follow_up_close(actor=bureau.officer, visit=visit)  # the second click
    assert "已经办结" in caught.value.message_dict["state"][0]
    assert AuditEvent.objects.filter(action="reception.visit.close", success=True).count() == 1
    with pytest.raises(ValidationError):
        services.visit_reply(actor=bureau.officer, visit=visit, reply="改", replied_on=D("2026-11-20"), follow_up_needed=False)


@pytest.mark.django_db
def test_the_reception_held_on_a_day(bureau):
    schedule = selectors.schedule_of(bureau.organisation)
    assert selectors.reception_on(schedule, D("2026-02-24")).month == Month(2026, 2)
    assert selectors.reception_on(schedule, D("2026-02-15")) is None
