"""Complaints, reports and opinions: numbering, routing, the working-day limit, findings and
answers, archiving, the portal's rate limit, the FOI petition re-routed. Today is 2026-11-26
(tests/supervision/conftest.py); the bureau is the justice bureau with its leaders, its disclosure
officer, the city's supervision desk and an outsider from another county."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yangguang.core.limits import RateLimited
from yangguang.core.models import Role
from yangguang.foi import services as foi_services
from yangguang.supervision import complaints as services
from yangguang.supervision.models import Complaint, Notification

from ..conftest import make_person
from ..foi.conftest import applicant

D = date.fromisoformat


def person(**overrides) -> dict:
    data = {"kind": "complaint", "subject": "窗口人员态度差", "content": "在法律援助窗口咨询时工作人员态度生硬。",
            "anonymous": False, "name": "王建军", "phone": "13912345678"}
    data.update(overrides)
    return data


def register(bureau, *, organisation=None, received_on=D("2026-11-02"), channel="hotline", actor=None, **data):
    return services.complaint_register(
        actor=actor or bureau.officer, organisation=organisation or bureau.organisation, channel=channel,
        data=person(**data), received_on=received_on,
    ).complaint


def answer(bureau, complaint, **overrides):
    fields = {"finding": "upheld", "handling": "已约谈窗口负责人并批评教育当事人。", "answer": "经核查属实，已整改。",
              "answer_method": "电话", "answered_on": D("2026-11-10")}
    fields.update(overrides)
    return services.complaint_answer(actor=bureau.officer, complaint=complaint, **fields)


# --- numbering -------------------------------------------------------------------------------------


def test_numbers_are_gapless_per_organisation_and_year_even_after_a_refused_registration(bureau, world):
    first = register(bureau)
    with pytest.raises(ValidationError):
        register(bureau, subject="")  # refused: takes no number
    second = register(bureau)
    last_year = register(bureau, received_on=D("2025-12-31"))
    aid = register(bureau, organisation=world.legal_aid)
    assert [first.number, second.number] == ["C-SFJ-TS-2026-00001", "C-SFJ-TS-2026-00002"]
    assert last_year.number == "C-SFJ-TS-2025-00001"
    assert aid.number == "C-SFJ-FLYZ-TS-2026-00001"


# --- the limit -------------------------------------------------------------------------------------


@pytest.mark.parametrize("received, limit, due", [
    ("2026-11-02", 15, "2026-11-23"),  # three plain weeks
    ("2026-09-30", 15, "2026-10-27"),  # National Day 10-01..07 skipped, Saturday 10-10 worked
    ("2026-10-03", 15, "2026-10-27"),  # received during the holiday: counting starts after it
    ("2026-02-13", 15, "2026-03-12"),  # Spring Festival 02-15..23 skipped, Saturdays 02-14 and 02-28 worked
    ("2026-11-20", 5, "2026-11-27"),   # a shorter limit from the settings
])
def test_due_date_counts_working_days_after_the_day_received(bureau, settings, received, limit, due):
    settings.COMPLAINT_LIMIT_WORKDAYS = limit
    complaint = register(bureau, received_on=D(received))
    assert complaint.due_on == D(due)
    assert complaint.limit_workdays == limit


def test_a_new_holiday_moves_open_due_dates_but_not_answered_ones(bureau):
    from yangguang.core import calendar as workdays

    open_one, answered = register(bureau), register(bureau)
    answer(bureau, answered)
    workdays.calendar_day_set(actor=None, day=D("2026-11-16"), kind="holiday", name="临时放假")
    open_one.refresh_from_db()
    answered.refresh_from_db()
    assert open_one.due_on == D("2026-11-24") and answered.due_on == D("2026-11-23")


def test_received_date_in_the_future_is_refused_naming_the_field(bureau):
    with pytest.raises(ValidationError) as caught:
        register(bureau, received_on=D("2026-11-27"))
    assert "收到日期不能晚于今天" in caught.value.message_dict["received_on"][0]
    assert Complaint.objects.count() == 0


# --- routing ---------------------------------------------------------------------------------------


def test_registration_routes_to_the_unit_and_notifies_its_leaders_once(bureau):
    complaint = register(bureau)
    assert complaint.organisation == bureau.organisation and complaint.status == Complaint.Status.REGISTERED
    notified = set(Notification.objects.filter(kind="complaint").values_list("recipient__username", flat=True))
    assert notified == {"director", "deputy", "deputy2"}


def test_supervision_desk_reroutes_keeping_the_due_date_and_notifies_the_new_unit(bureau, world):
    aid_head = make_person("aidhead", Role.LEADER, world.legal_aid, full_name="法援处长")
    complaint = register(bureau)
    rerouted = services.complaint_route(actor=bureau.supervisor, complaint=complaint, organisation=world.legal_aid,
                                        reason="反映的是法律援助处窗口")
    assert rerouted.organisation == world.legal_aid
    assert rerouted.due_on == D("2026-11-23")
    assert Notification.objects.filter(recipient=aid_head, kind="complaint").count() == 1


@pytest.mark.parametrize("who", ["officer", "director", "outsider"])
def test_only_the_supervision_desk_reroutes(bureau, world, who):
    complaint = register(bureau)
    with pytest.raises(PermissionDenied):
        services.complaint_route(actor=getattr(bureau, who), complaint=complaint, organisation=world.legal_aid, reason="转")
    complaint.refresh_from_db()
    assert complaint.organisation == bureau.organisation


def test_reroute_needs_a_reason_and_an_open_complaint(bureau, world):
    complaint = register(bureau)
    with pytest.raises(ValidationError) as caught:
        services.complaint_route(actor=bureau.supervisor, complaint=complaint, organisation=world.legal_aid, reason=" ")
    assert "转办理由" in caught.value.message_dict["reason"][0]
    answer(bureau, complaint)
    with pytest.raises(ValidationError) as caught:
        services.complaint_route(actor=bureau.supervisor, complaint=complaint, organisation=world.legal_aid, reason="转")
    assert "不能再转办" in caught.value.message_dict["status"][0]


@pytest.mark.parametrize("who", ["outsider", "clerk"])
def test_people_without_a_role_in_the_unit_cannot_register_or_handle(bureau, who):
    actor = getattr(bureau, who)
    with pytest.raises(PermissionDenied):
        register(bureau, actor=actor)
    complaint = register(bureau)
    with pytest.raises(PermissionDenied):
        services.complaint_handle(actor=actor, complaint=complaint, handling="x")
    with pytest.raises(PermissionDenied):
        services.complaint_answer(actor=actor, complaint=complaint, finding="upheld", handling="x", answer="y",
                                  answer_method="电话", answered_on=D("2026-11-10"))


# --- findings and answers --------------------------------------------------------------------------


def test_answer_and_archive(bureau):
    complaint = register(bureau)
    services.complaint_handle(actor=bureau.officer, complaint=complaint, handling="已调取窗口录像。")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.HANDLING
    answered = answer(bureau, complaint)
    assert (answered.status, answered.finding, answered.answer_method) == ("answered", "upheld", "电话")
    archived = services.complaint_archive(actor=bureau.director, complaint=answered)
    assert archived.status == Complaint.Status.ARCHIVED and archived.archived_on == D("2026-11-26")
    with pytest.raises(ValidationError) as caught:
        services.complaint_archive(actor=bureau.director, complaint=archived)
    assert "只有已答复的件才能归档" in caught.value.message_dict["status"][0]


def test_an_unanswered_complaint_cannot_be_archived(bureau):
    complaint = register(bureau)
    with pytest.raises(ValidationError):
        services.complaint_archive(actor=bureau.officer, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REGISTERED and complaint.archived_on is None


def test_anonymous_without_contact_needs_no_answer(bureau):
    complaint = register(bureau, channel="window", anonymous=True, name="李四", phone="")
    assert complaint.anonymous and complaint.name == ""
    done = answer(bureau, complaint, answer="", answer_method=services.NO_ANSWER)
    assert done.status == Complaint.Status.ANSWERED and done.answer_method == services.NO_ANSWER


def test_a_complainant_who_left_a_phone_must_be_answered(bureau):
    complaint = register(bureau, anonymous=True, phone="13912345678")
    with pytest.raises(ValidationError) as caught:
        answer(bureau, complaint, answer="", answer_method=services.NO_ANSWER)
    assert "必须答复" in caught.value.message_dict["answer_method"][0]
    with pytest.raises(ValidationError) as caught:
        answer(bureau, complaint, answer="", answer_method="电话")
    assert "请填写答复内容" in caught.value.message_dict["answer"][0]


@pytest.mark.parametrize("kind, finding, ok", [
    ("complaint", "upheld", True), ("report", "partly", True), ("complaint", "adopted", False),
    ("opinion", "adopted", True), ("opinion", "noted", True), ("opinion", "not_upheld", False),
])
def test_findings_follow_the_kind(bureau, kind, finding, ok):
    complaint = register(bureau, kind=kind)
    if ok:
        assert answer(bureau, complaint, finding=finding).finding == finding
    else:
        with pytest.raises(ValidationError) as caught:
            answer(bureau, complaint, finding=finding)
        assert "核查结论" in caught.value.message_dict["finding"][0]


@pytest.mark.parametrize("answered_on, message", [
    ("2026-11-01", "答复日期不能早于收到日期"), ("2026-11-27", "答复日期不能晚于今天"),
])
def test_answer_date_between_receipt_and_today(bureau, answered_on, message):
    complaint = register(bureau)
    with pytest.raises(ValidationError) as caught:
        answer(bureau, complaint, answered_on=D(answered_on))
    assert message in caught.value.message_dict["answered_on"][0]


def test_a_complaint_is_answered_once(bureau):
    complaint = register(bureau)
    answer(bureau, complaint)
    with pytest.raises(ValidationError) as caught:
        answer(bureau, complaint, answer="第二次答复")
    assert "不能重复答复" in caught.value.message_dict["status"][0]
    complaint.refresh_from_db()
    assert complaint.answer == "经核查属实，已整改。"


# --- the portal ------------------------------------------------------------------------------------


def test_portal_submission_is_routed_to_the_unit_chosen_and_readable_with_its_secret(bureau, world):
    from yangguang.supervision import complaint_selectors

    submitted = services.complaint_submit(data={**person(anonymous=True, phone=""), "about_organisation": world.legal_aid},
                                          client_ip="203.0.113.5")
    complaint = submitted.complaint
    assert complaint.organisation == world.legal_aid and complaint.channel == "portal"
    assert complaint.received_on == D("2026-11-26") and complaint.due_on == D("2026-12-17")
    assert complaint_selectors.public_lookup(complaint.tracking_code, submitted.secret) == complaint
    assert complaint_selectors.public_lookup(complaint.tracking_code, "WRONG123") is None
    # The citizen can read the answer online: "不需答复" is refused even without a phone.
    with pytest.raises(ValidationError):
        services.complaint_answer(actor=bureau.supervisor, complaint=complaint, finding="upheld", handling="已核查",
                                  answer="", answer_method=services.NO_ANSWER, answered_on=D("2026-11-26"))


def test_portal_rate_limit_per_sender(bureau, world, settings):
    settings.COMPLAINT_RATE_LIMIT = 2
    data = {**person(), "about_organisation": world.justice}
    for _ in range(2):
        services.complaint_submit(data=data, client_ip="203.0.113.5")
    with pytest.raises(RateLimited) as caught:
        services.complaint_submit(data=data, client_ip="203.0.113.5")
    assert "每小时最多提交 2 件" in caught.value.message_dict["complaint"][0]
    services.complaint_submit(data=data, client_ip="198.51.100.7")  # another sender is not held up
    assert Complaint.objects.count() == 3


def test_portal_bad_input_names_every_field(bureau):
    with pytest.raises(ValidationError) as caught:
        services.complaint_submit(data={"kind": "x", "subject": "", "content": "", "phone": "12ab",
                                        "about_organisation": None})
    assert set(caught.value.message_dict) == {"kind", "subject", "content", "phone", "about_organisation"}
    assert Complaint.objects.count() == 0


# --- a petition sent as an application for disclosure -----------------------------------------------


def test_a_petition_sent_as_an_foi_application_is_rerouted_once(bureau):
    application = foi_services.application_register(
        actor=bureau.officer, organisation=bureau.organisation, channel="post", received_on=D("2026-11-02"),
        data=applicant(description="举报某公证处收费过高，要求查处并答复。"),
    ).application
    foi_services.application_reply(actor=bureau.officer, application=application, result="not_processed.petition_or_complaint",
                                   article="第三十九条第一款", summary="您的申请属于信访举报投诉类，已转投诉举报办理。",
                                   replied_on=D("2026-11-05"))
    complaint = Complaint.objects.get(foi_application=application)
    assert (complaint.channel, complaint.organisation, complaint.received_on) == ("foi", bureau.organisation, D("2026-11-05"))
    assert complaint.name == "张三" and complaint.phone.reveal() == "13800001111"
    assert "公证处收费过高" in complaint.content
    assert services.complaint_from_foi(application=application) == complaint  # again: the same one
    assert Complaint.objects.filter(foi_application=application).count() == 1
    with pytest.raises(ValidationError):
        services.complaint_answer(actor=bureau.officer, complaint=complaint, finding="upheld", handling="已查处",
                                  answer="", answer_method=services.NO_ANSWER, answered_on=D("2026-11-20"))


def test_other_foi_results_create_no_complaint(bureau):
    application = foi_services.application_register(
        actor=bureau.officer, organisation=bureau.organisation, channel="post", received_on=D("2026-11-02"),
        data=applicant(),
    ).application
    foi_services.application_reply(actor=bureau.officer, application=application, result="not_processed.repeated",
                                   article="第三十六条第（六）项", summary="重复申请。", replied_on=D("2026-11-05"))
    assert Complaint.objects.count() == 0


# --- demo ------------------------------------------------------------------------------------------


def test_demo_year_of_complaints_is_built_once(seeded_calendar, db):
    from zoneinfo import ZoneInfo

    from yangguang.core import demo
    from yangguang.core.models import Organisation, User
    from yangguang.supervision import demo as reception_demo
    from yangguang.supervision import demo_complaints
    from yangguang.supervision.models import MailboxOpening

    SHANGHAI = ZoneInfo("Asia/Shanghai")
    demo.load()
    reception_demo.load_schedule()
    reception_demo.load_visits()
    justice = Organisation.objects.get(code=demo.JUSTICE)
    officer = User.objects.get(username="gongkai")
    application = foi_services.application_register(
        actor=officer, organisation=justice, channel="post", received_on=D("2026-06-01"),
        data=applicant(description="要求查处某律师事务所违规代理，并书面答复处理结果。"),
    ).application
    foi_services.application_reply(actor=officer, application=application, result="not_processed.petition_or_complaint",
                                   article="第三十九条第一款", summary="已转投诉举报办理。", replied_on=D("2026-06-05"))
    created = demo_complaints.load_complaints()
    assert created > 30
    assert demo_complaints.load_complaints() == 0
    rows = Complaint.objects.all()
    assert set(rows.values_list("channel", flat=True)) == {"mailbox", "hotline", "portal", "window", "supervisor", "reception", "foi"}
    assert set(rows.values_list("kind", flat=True)) == {"complaint", "report", "opinion"}
    assert rows.filter(channel="foi").count() == 1
    openings = list(MailboxOpening.objects.all())
    assert len(openings) >= 40 and all(o.letters_registered.count() == o.letters for o in openings)
    weeks = [o.opened_at.astimezone(SHANGHAI).isocalendar()[:2] for o in openings]
    assert len(weeks) == len(set(weeks))  # weekly: never twice in one week
    statuses = set(rows.values_list("status", flat=True))
    assert {"archived", "answered"} <= statuses and statuses & {"registered", "handling"}
    overdue_open = rows.filter(status__in=["registered", "handling"], due_on__lt=D("2026-11-26")).count()
    answered_late = sum(1 for c in rows.exclude(answered_on=None) if c.answered_on > c.due_on)
    assert overdue_open >= 1 and answered_late >= 1
    assert rows.filter(answer_method=services.NO_ANSWER).exists()
