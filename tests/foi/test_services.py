"""Applications for disclosure through their services: intake, the clock on the row, corrections,
consultations, extension, fees, replies, reviews, and who may do what."""

import threading
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from yangguang.core import calendar as workdays
from yangguang.core.models import AuditEvent
from yangguang.foi import rules, selectors, services
from yangguang.foi.models import Application, FeeNotice, Letter, Pause, Review

from .conftest import applicant, resident_id

D = date.fromisoformat


# --- intake -----------------------------------------------------------------------------------------


def test_an_online_application_waits_for_the_office_to_confirm_receipt(office):
    submitted = services.application_submit(organisation=office.organisation, data=applicant(), client_ip="10.0.0.1")
    app = submitted.application
    assert submitted.created and len(submitted.secret) == services.SECRET_LENGTH
    assert app.status == rules.SUBMITTED and app.received_on is None and app.due_on is None
    assert app.number == f"{office.organisation.code}-YSQ-{timezone.localdate().year}-00001"
    assert app.secret_hash != submitted.secret and services.secret_matches(app, submitted.secret)
    assert str(app.id_number).count("*") == 10  # masked everywhere it is printed

    services.application_confirm_receipt(actor=office.officer, application=app)
    app.refresh_from_db()
    assert app.status == rules.PROCESSING and app.received_on == timezone.localdate()
    assert app.due_on == workdays.add_workdays(timezone.localdate(), 20).date
    assert "双方确认之日" in app.receipt_note


def test_numbers_are_gapless_and_a_refused_application_takes_none(office):
    services.application_submit(organisation=office.organisation, data=applicant(), client_ip="10.0.0.1")
    with pytest.raises(ValidationError):
        services.application_submit(organisation=office.organisation, data=applicant(description=""), client_ip="10.0.0.1")
    third = services.application_submit(organisation=office.organisation, data=applicant(), client_ip="10.0.0.1")
    assert third.application.number.endswith("-00002")


def test_a_double_clicked_submit_creates_one_application(office):
    key = uuid.uuid4()
    first = services.application_submit(organisation=office.organisation, data=applicant(), submission_key=key, client_ip="1.2.3.4")
    again = services.application_submit(organisation=office.organisation, data=applicant(), submission_key=key, client_ip="1.2.3.4")
    assert again.application.pk == first.application.pk and not again.created
    assert again.secret == first.secret and services.secret_matches(first.application, again.secret)
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"applicant_name": ""}, "applicant_name", "请填写申请人姓名或名称"),
        ({"id_number": "110101199003074510"}, "id_number", "校验位不正确"),
        ({"id_number": "11010119901307451X"}, "id_number", "出生日期无效"),
        ({"applicant_type": "alien"}, "applicant_type", "申请人类型“alien”无效"),
        ({"applicant_type": "business", "id_type": "resident_id", "contact_person": "李四"}, "id_type", "统一社会信用代码"),
        ({"applicant_type": "business", "id_type": "credit_code", "id_number": "91330100MA27XXXX1X"}, "contact_person", "联系人"),
        ({"phone": "", "email": "", "address": "", "delivery": "pickup"}, "phone", "至少填写一种联系方式"),
        ({"email": "", "delivery": "email"}, "email", "请填写电子邮箱"),
        ({"description": "查" * 2001}, "description", "不能超过 2000 字（现为 2001 字）"),
        ({"description": "   "}, "description", "特征性描述"),
        ({"form": "scroll"}, "form", "获取信息的形式"),
    ],
)
def test_bad_input_names_the_field_in_chinese_and_writes_nothing(office, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        services.application_submit(organisation=office.organisation, data=applicant(**overrides), client_ip="10.0.0.9")
    assert message in " ".join(caught.value.message_dict[field])
    assert Application.objects.count() == 0


def test_an_organisation_applies_with_its_credit_code(office):
    app = services.application_submit(
        organisation=office.organisation, client_ip="10.0.0.2",
        data=applicant(applicant_type="legal_service", applicant_name="示例律师事务所", id_type="credit_code",
                       id_number="31330000MD0123456A", contact_person="李律师"),
    ).application
    assert app.is_organisation_applicant and app.get_applicant_type_display() == "法人或其他组织/法律服务机构"


def test_oversized_or_false_attachments_are_refused(office):
    with pytest.raises(ValidationError) as caught:
        services.application_submit(organisation=office.organisation, data=applicant(), client_ip="10.0.0.3",
                                    attachments=[("身份证.pdf", b"not a pdf at all")])
    assert "附件" in caught.value.message_dict["attachments"][0]
    big = b"%PDF-1.4\n" + b"0" * (services.ATTACHMENT_MAX_BYTES + 1)
    with pytest.raises(ValidationError) as caught:
        services.application_submit(organisation=office.organisation, data=applicant(), client_ip="10.0.0.3",
                                    attachments=[("证明.pdf", big)])
    assert "超过大小上限 10 MB" in caught.value.message_dict["attachments"][0]
    assert Application.objects.count() == 0


def test_public_submissions_are_rate_limited_per_sender(office, settings):
    settings.FOI_RATE_LIMIT = 3
    for _ in range(3):
        services.application_submit(organisation=office.organisation, data=applicant(), client_ip="203.0.113.7")
    with pytest.raises(services.RateLimited) as caught:
        services.application_submit(organisation=office.organisation, data=applicant(), client_ip="203.0.113.7")
    assert "每小时最多提交 3 件" in caught.value.message_dict["application"][0]
    services.application_submit(organisation=office.organisation, data=applicant(), client_ip="203.0.113.8")
    assert Application.objects.count() == 4
    assert "203.0.113.7" not in str(list(Application.objects.values_list("sender_hash", flat=True)))


@pytest.mark.parametrize("channel, rule", [("in_person", "提交之日"), ("post", "签收之日"), ("fax", "双方确认之日")])
def test_staff_register_letters_visits_and_faxes_with_the_receipt_rule(office, channel, rule):
    app = office.register(D("2026-02-10"), channel=channel)
    assert app.status == rules.PROCESSING and app.received_on == D("2026-02-10")
    assert rule in app.receipt_note
    assert app.due_on == D("2026-03-16")  # 20 working days across the Spring Festival


def test_a_registration_in_the_future_is_refused(office):
    with pytest.raises(ValidationError) as caught:
        office.register(timezone.localdate() + timedelta(days=1))
    assert "不能晚于今天" in caught.value.message_dict["received_on"][0]


# --- the clock ---------------------------------------------------------------------------------------


def test_correction_is_asked_once_within_seven_working_days_and_restarts_the_clock(office):
    app = office.register(D("2026-03-02"))
    with pytest.raises(ValidationError) as caught:
        services.application_request_correction(actor=office.officer, application=app, items="请说明所需文件的文号",
                                                correction_due_on=D("2026-03-30"), requested_on=D("2026-03-12"))
    assert "最迟 2026年3月11日" in caught.value.message_dict["requested_on"][0]
    services.application_request_correction(actor=office.officer, application=app, items="请说明所需文件的文号",
                                            correction_due_on=D("2026-03-20"), requested_on=D("2026-03-04"))
    app.refresh_from_db()
    assert app.status == rules.AWAITING_CORRECTION and app.due_on is None
    assert app.letters.get().kind == "correction" and "请说明所需文件的文号" in app.letters.get().body
    services.application_receive_correction(actor=office.officer, application=app, received_on=D("2026-03-20"))
    app.refresh_from_db()
    assert app.status == rules.PROCESSING and app.due_on == D("2026-04-20")
    with pytest.raises(ValidationError) as caught:
        services.application_request_correction(actor=office.officer, application=app, items="再补一次",
                                                correction_due_on=D("2026-04-30"), requested_on=D("2026-03-23"))
    assert "一次性" in str(caught.value)


def test_no_correction_in_time_closes_as_other_processing_1(office):
    app = office.register(D("2026-03-02"))
    services.application_request_correction(actor=office.officer, application=app, items="请提供身份证明",
                                            correction_due_on=D("2026-03-20"), requested_on=D("2026-03-04"))
    with pytest.raises(ValidationError) as caught:
        services.application_close_no_correction(actor=office.officer, application=app, today=D("2026-03-20"))
    assert "尚未届满" in str(caught.value)
    services.application_close_no_correction(actor=office.officer, application=app, today=D("2026-03-23"))
    app.refresh_from_db()
    assert (app.status, app.result, app.concluded_on) == (rules.CLOSED, "other.no_correction", D("2026-03-23"))
    assert app.letters.last().kind == "other"


def test_consulting_a_third_party_pauses_the_clock(office):
    app = office.register(D("2026-03-02"))
    pause = services.application_start_consultation(actor=office.officer, application=app, kind="third_party",
                                                    party="示例建设有限公司", started_on=D("2026-03-05"))
    assert pause.reply_due_on == D("2026-03-26")  # the third party has 15 working days
    app.refresh_from_db()
    assert app.status == rules.CONSULTING and app.due_on is None
    assert selectors.queue(office.officer, selectors.QueueFilter(light="stopped"), today=D("2026-03-10")).get() == app
    services.application_end_consultation(actor=office.officer, application=app, ended_on=D("2026-03-25"))
    app.refresh_from_db()
    assert app.status == rules.PROCESSING and app.due_on == D("2026-04-21")
    steps = services.clock_for(app).steps
    assert any("2026年3月5日 至 2026年3月25日 征求第三方意见，其间 15 个工作日不计入" in s for s in steps)


def test_the_head_extends_once_by_at_most_twenty_days_with_a_notice(office):
    app = office.register(D("2026-02-10"))
    with pytest.raises(PermissionDenied):
        services.application_extend(actor=office.officer, application=app, workdays_added=20, reason="需要调取档案",
                                    notified_on=D("2026-03-10"))
    with pytest.raises(ValidationError) as caught:
        services.application_extend(actor=office.head, application=app, workdays_added=21, reason="需要调取档案",
                                    notified_on=D("2026-03-10"))
    assert "1 至 20 个工作日" in str(caught.value)
    services.application_extend(actor=office.head, application=app, workdays_added=20, reason="需要调取历史档案",
                                notified_on=D("2026-03-10"))
    app.refresh_from_db()
    assert app.due_on == D("2026-04-14") and app.extension_approved_by == office.head
    letter = app.letters.get(kind="extension")
    assert "延长20个工作日" in letter.body and "2026年4月14日" in letter.body
    with pytest.raises(ValidationError) as caught:
        services.application_extend(actor=office.head, application=app, workdays_added=5, reason="再延长",
                                    notified_on=D("2026-03-11"))
    assert "只能延长一次" in str(caught.value)


def test_an_extension_after_the_due_date_is_refused(office):
    app = office.register(D("2026-02-10"))
    with pytest.raises(ValidationError) as caught:
        services.application_extend(actor=office.head, application=app, workdays_added=10, reason="来不及",
                                    notified_on=D("2026-03-17"))
    assert "已过" in str(caught.value)


def test_national_day_in_the_way(office):
    app = office.register(D("2026-09-25"))
    assert app.due_on == D("2026-10-29")
    steps = "\n".join(services.clock_for(app).steps)
    assert "10月1日放假" in steps and "10月10日调休上班" in steps


def test_the_warning_date_is_five_working_days_before_the_due_date(office):
    app = office.register(D("2026-09-25"))
    assert app.warning_on == D("2026-10-22")  # 23, 26, 27, 28, 29 Oct remain
    assert rules.light(due_on=app.due_on, warning_on=app.warning_on, today=D("2026-10-21")) == rules.GREEN
    assert rules.light(due_on=app.due_on, warning_on=app.warning_on, today=D("2026-10-22")) == rules.YELLOW
    assert rules.light(due_on=app.due_on, warning_on=app.warning_on, today=D("2026-10-30")) == rules.RED


def test_a_calendar_change_moves_open_due_dates_and_is_audited(office):
    app = office.register(D("2026-09-25"))
    workdays.calendar_day_set(actor=None, day=D("2026-10-20"), kind="holiday", name="临时放假")
    app.refresh_from_db()
    assert app.due_on == D("2026-10-30")
    event = AuditEvent.objects.filter(action="calendar.recompute_deadlines").latest("seq")
    assert event.after["foi"] >= 1


# --- fees ---------------------------------------------------------------------------------------------


def test_fee_standard_tiers_by_count_and_by_pages():
    standard = rules.FeeStandard()
    assert [rules.fee_by_count(n, standard) for n in (1, 10, 11, 30, 31, 40, 41, 51)] == [0, 0, 100, 100, 200, 200, 300, 400]
    assert rules.fee_by_pages(30, standard) == 0
    assert rules.fee_by_pages(31, standard) == 10
    assert rules.fee_by_pages(100, standard) == 700
    assert rules.fee_by_pages(150, standard) == 700 + 50 * 20
    assert rules.fee_by_pages(250, standard) == 700 + 2000 + 50 * 40


def test_the_standard_is_configurable():
    standard = rules.FeeStandard.from_setting({"free_count": 5, "count_bands": [[20, 50]], "step_increment": 50})
    assert [rules.fee_by_count(n, standard) for n in (5, 6, 20, 21, 31)] == [0, 50, 50, 100, 150]


def test_the_eleventh_application_in_a_month_pays_and_the_month_boundary_resets(office):
    apps = [office.register(D("2026-03-02") + timedelta(days=i)) for i in range(11)]
    nxt = office.register(D("2026-04-01"))
    assert services.month_ordinal(apps[10]) == 11 and services.month_ordinal(nxt) == 1
    with pytest.raises(ValidationError) as caught:
        services.application_notify_fee(actor=office.officer, application=apps[9], method="by_count", notified_on=D("2026-03-16"))
    assert "不收费" in str(caught.value) and "第 10 件" in str(caught.value)
    with pytest.raises(ValidationError):
        services.application_notify_fee(actor=office.officer, application=nxt, method="by_count", notified_on=D("2026-04-02"))
    fee = services.application_notify_fee(actor=office.officer, application=apps[10], method="by_count", notified_on=D("2026-03-16"))
    assert fee.amount == 100 and fee.pay_by == D("2026-04-14")
    app = Application.objects.get(pk=apps[10].pk)
    assert app.status == rules.AWAITING_PAYMENT and app.due_on is None
    assert app.letters.get(kind="fee").body.count("100") >= 1
    services.application_record_payment(actor=office.officer, application=app, paid_on=D("2026-03-20"), reference="NO.1")
    app.refresh_from_db()
    # received 12 Mar: 1 working day (13 Mar) ran, 16–20 Mar not counted, 19 more from 23 Mar,
    # skipping Qingming (6 Apr)
    assert app.status == rules.PROCESSING and app.due_on == D("2026-04-17")


def test_unpaid_by_the_deadline_closes_as_other_processing_2(office):
    apps = [office.register(D("2026-05-06")) for _ in range(11)]
    services.application_notify_fee(actor=office.officer, application=apps[10], method="by_pages", pages=40, notified_on=D("2026-05-07"))
    assert FeeNotice.objects.get().amount == 100
    with pytest.raises(ValidationError):
        services.application_close_fee_unpaid(actor=office.officer, application=apps[10], today=D("2026-06-03"))
    services.application_close_fee_unpaid(actor=office.officer, application=apps[10], today=D("2026-06-04"))
    app = Application.objects.get(pk=apps[10].pk)
    assert (app.status, app.result) == (rules.CLOSED, "other.fee_unpaid")
    assert app.pauses.get().ended_on == D("2026-06-04")
    assert app.fee.pay_by == D("2026-06-03")  # 20 working days after 7 May


# --- replies -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("result", rules.REPLY_RESULTS)
def test_every_reply_kind_closes_with_its_result_article_and_letter(office, result):
    app = office.register(D("2026-03-02"))
    services.application_reply(actor=office.officer, application=app, result=result,
                               article=rules.RESULTS[result].article or "第三十六条", summary="具体答复如下。",
                               replied_on=D("2026-03-10"))
    app.refresh_from_db()
    assert (app.status, app.result, app.concluded_on, app.concluded_by) == (rules.CLOSED, result, D("2026-03-10"), office.officer)
    letter = app.letters.get()
    assert letter.kind == rules.RESULTS[result].letter and "具体答复如下。" in letter.body
    assert letter.doc_number.endswith("〔2026〕1号") and letter.addressee == "张三："


def test_a_reply_needs_a_result_an_article_and_content(office):
    app = office.register(D("2026-03-02"))
    with pytest.raises(ValidationError) as caught:
        services.application_reply(actor=office.officer, application=app, result="", article="", summary="")
    assert "请选择办理结果" in caught.value.message_dict["result"][0]
    with pytest.raises(ValidationError) as caught:
        services.application_reply(actor=office.officer, application=app, result="disclosed", article="", summary="")
    assert set(caught.value.message_dict) == {"article", "summary"}
    assert Letter.objects.count() == 0


def test_an_outsider_can_do_nothing(office):
    app = office.register(D("2026-03-02"))
    for call in (
        lambda: services.application_reply(actor=office.outsider, application=app, result="disclosed", article="x", summary="y"),
        lambda: services.application_confirm_receipt(actor=office.outsider, application=app),
        lambda: services.note_add(actor=office.outsider, application=app, body="看看"),
        lambda: services.application_register(actor=office.outsider, organisation=office.organisation, data=applicant(),
                                              channel="post", received_on=D("2026-03-02")),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert selectors.application_for(office.outsider, app.pk) is None
    assert not selectors.applications_for(office.outsider).exists()


def _reply_in_thread(officer, pk, outcomes):
    try:
        services.application_reply(actor=officer, application=Application.objects.get(pk=pk), result="disclosed",
                                   article="第三十六条第（二）项", summary=f"{officer.full_name}的答复")
        outcomes.append("ok")
    except ValidationError as exc:
        outcomes.append(" ".join(exc.messages))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_officers_replying_at_once_exactly_one_succeeds(office):
    app = office.register(D("2026-03-02"))
    outcomes = []
    threads = [threading.Thread(target=_reply_in_thread, args=(who, app.pk, outcomes)) for who in (office.officer, office.colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[0] == "ok" and outcomes.count("ok") == 1
    refusal = next(o for o in outcomes if o != "ok")
    assert "已办结" in refusal and "不能答复" in refusal
    assert Letter.objects.filter(application=app).count() == 1


def test_earlier_applications_of_the_same_applicant_are_linked(office):
    first = office.register(D("2026-03-02"))
    second = office.register(D("2026-03-03"))
    other = office.register(D("2026-03-03"), id_number=resident_id(7))
    assert list(selectors.earlier_applications(second)) == [first]
    assert not selectors.earlier_applications(other).exists()


def test_history_shows_every_step(office):
    app = office.register(D("2026-03-02"))
    services.note_add(actor=office.officer, application=app, body="已电话联系申请人")
    services.application_assign(actor=office.officer, application=app, assignee=office.colleague)
    services.application_reply(actor=office.colleague, application=app, result="disclosed", article="第三十六条", summary="见附件")
    actions = [e.action for e in selectors.history(app)]
    assert actions == ["foi.application.submit", "foi.note.add", "foi.application.assign", "foi.application.reply"]


def test_assigning_to_someone_who_is_not_an_officer_here_is_refused(office):
    app = office.register(D("2026-03-02"))
    with pytest.raises(ValidationError) as caught:
        services.application_assign(actor=office.officer, application=app, assignee=office.outsider)
    assert "不是" in caught.value.message_dict["assignee"][0]


# --- reconsideration and litigation ------------------------------------------------------------------


def test_reviews_are_recorded_and_decided(office):
    app = office.register(D("2026-03-02"))
    services.application_reply(actor=office.officer, application=app, result="withheld.third_party_rights",
                               article="第十五条", summary="涉及个人隐私", replied_on=D("2026-03-20"))
    review = services.review_record(actor=office.officer, application=app, kind="reconsideration", filed_on=D("2026-04-10"),
                                    body="示例市人民政府")
    assert review.outcome == Review.Outcome.PENDING
    with pytest.raises(ValidationError) as caught:
        services.review_decide(actor=office.officer, review=review, outcome="upheld", decided_on=None)
    assert "审结日期" in caught.value.message_dict["decided_on"][0]
    services.review_decide(actor=office.officer, review=review, outcome="upheld", decided_on=D("2026-06-01"))
    review.refresh_from_db()
    assert (review.outcome, review.decided_on) == ("upheld", D("2026-06-01"))
    with pytest.raises(ValidationError) as caught:
        services.review_record(actor=office.officer, application=app, kind="litigation", filed_on=D("2026-04-10"))
    assert "kind" in caught.value.message_dict


def test_public_lookup_needs_both_code_and_secret(office):
    submitted = services.application_submit(organisation=office.organisation, data=applicant(), client_ip="10.1.1.1")
    code = submitted.application.tracking_code
    assert selectors.public_lookup(code, submitted.secret) == submitted.application
    assert selectors.public_lookup(code.lower(), submitted.secret.lower()) == submitted.application
    assert selectors.public_lookup(code, "WRONG123") is None
    assert selectors.public_lookup("NOSUCHCODE", submitted.secret) is None
    assert selectors.public_lookup(code, "") is None


def test_pause_rows_are_never_two_open_at_once(office):
    app = office.register(D("2026-03-02"))
    services.application_start_consultation(actor=office.officer, application=app, kind="agency", party="示例市财政局",
                                            started_on=D("2026-03-05"))
    with pytest.raises(ValidationError):
        services.application_start_consultation(actor=office.officer, application=app, kind="third_party", party="某公司",
                                                started_on=D("2026-03-06"))
    assert Pause.objects.count() == 1


def test_letters_and_extensions_cannot_be_dated_in_the_future(office):
    from datetime import timedelta as td

    app = office.register(timezone.localdate())
    tomorrow = timezone.localdate() + td(days=1)
    with pytest.raises(ValidationError) as caught:
        services.application_request_correction(actor=office.officer, application=app, items="请补正",
                                                correction_due_on=tomorrow + td(days=10), requested_on=tomorrow)
    assert "不能晚于今天" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        services.application_extend(actor=office.head, application=app, workdays_added=5, reason="需要调档",
                                    notified_on=tomorrow)
    assert "不能晚于今天" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        services.application_extend(actor=office.head, application=app, workdays_added=5, reason="需要调档",
                                    notified_on=timezone.localdate() - td(days=3))
    assert "不能早于收到申请" in str(caught.value)


def test_the_letter_shows_the_local_submission_date(office):
    from datetime import datetime as dt
    from datetime import timezone as tz

    from yangguang.foi import letters

    app = office.register(D("2026-03-02"))
    Application.objects.filter(pk=app.pk).update(submitted_at=dt(2026, 3, 1, 17, 30, tzinfo=tz.utc))  # 2 Mar 01:30 in Beijing
    app.refresh_from_db()
    assert letters.context_for(app)["submitted_on"] == "2026年3月2日"


@pytest.mark.parametrize(
    "status, who, done, expected",
    [
        (rules.SUBMITTED, "officer", {}, {"confirm_receipt", "withdraw", "assign"}),
        (rules.PROCESSING, "officer", {}, {"request_correction", "start_consultation", "notify_fee", "reply", "withdraw", "assign"}),
        (rules.PROCESSING, "officer", {"correction_asked": True, "fee_notified": True}, {"start_consultation", "reply", "withdraw", "assign"}),
        (rules.PROCESSING, "head", {}, {"extend"}),
        (rules.PROCESSING, "head", {"extended": True}, set()),
        (rules.AWAITING_PAYMENT, "officer", {}, {"record_payment", "close_fee_unpaid", "withdraw", "assign"}),
        (rules.CLOSED, "officer", {}, set()),
        (rules.PROCESSING, "nobody", {}, set()),
    ],
)
def test_available_actions(status, who, done, expected):
    flags = {"correction_asked": False, "extended": False, "fee_notified": False, **done}
    assert set(rules.available_actions(status, officer=who == "officer", head=who == "head", **flags)) == expected
