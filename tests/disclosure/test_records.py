"""Records from draft to publication: numbering, the 20-working-day deadline, the review that cannot
be skipped, who may see what."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yangguang.core import calendar
from yangguang.core.models import AuditEvent, Role
from yangguang.disclosure import selectors, services
from yangguang.disclosure.models import InformationRecord, RecordReview, RecordState, SearchEntry

from ..conftest import make_person

D = date.fromisoformat


def test_draft_gets_an_index_number_and_a_deadline(draft):
    first, second = draft(), draft("第二条")
    assert first.index_number == "C-SFJ-2026-00001" and second.index_number == "C-SFJ-2026-00002"
    assert first.state == RecordState.DRAFT and first.scope == "public"
    # 20 working days after 10 Feb 2026 crosses the Spring Festival (15–23 Feb off, 14 and 28 Feb worked).
    assert (first.due_on, first.due_provisional) == (D("2026-03-16"), False)


@pytest.mark.parametrize(
    "formed, due, provisional",
    [
        ("2026-09-25", "2026-10-29", False),  # 28–30 Sep give 3, (1–7 Oct off), 10 Oct (Sat) worked
        ("2026-04-30", "2026-06-01", False),  # Labour Day 1–5 May, 9 May worked
        ("2026-12-20", "2027-01-15", True),   # 2027 not yet configured: weekends only, flagged
    ],
)
def test_publication_deadline_is_twenty_working_days(draft, formed, due, provisional):
    record = draft(formed_on=D(formed))
    assert (record.due_on, record.due_provisional) == (D(due), provisional)


def test_deadline_is_recomputed_when_next_years_schedule_arrives(draft):
    record = draft(formed_on=D("2026-12-20"))
    rows = [calendar.DayRow(D("2027-01-01"), "holiday", "元旦"), calendar.DayRow(D("2027-01-04"), "holiday", "测试")]
    result = calendar.calendar_import(actor=None, rows=rows)
    assert result["recomputed"]["disclosure.publication_deadline"] == 1
    record.refresh_from_db()
    assert (record.due_on, record.due_provisional) == (D("2027-01-19"), False)


def test_published_records_keep_their_deadline(draft, publish):
    record = publish(draft(formed_on=D("2026-12-20")))
    calendar.calendar_import(actor=None, rows=[calendar.DayRow(D("2027-01-04"), "holiday", "测试")])
    assert InformationRecord.objects.get(pk=record.pk).due_on == D("2027-01-15")


def test_full_review_publishes_and_indexes(draft, publish, bureau):
    record = publish(draft())
    assert record.state == RecordState.PUBLISHED and record.published_at is not None
    assert [(r.step, r.approved, r.actor.username) for r in record.reviews.all()] == [
        ("submit", True, "officer"), ("confidentiality", True, "checker"), ("leader", True, "leader"),
    ]
    assert SearchEntry.objects.filter(record=record).exists()
    actions = list(AuditEvent.objects.filter(object_id=str(record.pk), object_type="disclosure.informationrecord").values_list("action", flat=True).order_by("seq"))
    assert actions == ["record.create", "record.submit", "record.confidentiality_approve", "record.leader_approve"]


@pytest.mark.parametrize("action", ["confidentiality_approve", "leader_approve", "withdraw", "repeal"])
def test_no_step_can_be_skipped(draft, bureau, action):
    record = draft()
    actor = {"confidentiality_approve": bureau.checker}.get(action, bureau.leader)
    with pytest.raises(ValidationError) as exc:
        services.record_transition(actor=actor, record=record, action=action, reason="跳过")
    assert "当前状态为“草稿”" in exc.value.messages[0]
    assert InformationRecord.objects.get(pk=record.pk).state == RecordState.DRAFT


def test_leader_cannot_approve_before_the_confidentiality_review(draft, bureau):
    record = draft()
    services.record_transition(actor=bureau.officer, record=record, action="submit")
    with pytest.raises(ValidationError):
        services.record_transition(actor=bureau.leader, record=record, action="leader_approve")
    assert not selectors.public_records().exists()


@pytest.mark.parametrize(
    "who, action",
    [("officer", "confidentiality_approve"), ("leader", "confidentiality_approve"), ("checker", "leader_approve"), ("officer", "leader_approve")],
)
def test_each_step_belongs_to_its_role(draft, bureau, who, action):
    record = draft()
    services.record_transition(actor=bureau.officer, record=record, action="submit")
    if action == "leader_approve":
        services.record_transition(actor=bureau.checker, record=record, action="confidentiality_approve")
    with pytest.raises(PermissionDenied):
        services.record_transition(actor=getattr(bureau, who), record=record, action=action)
    assert AuditEvent.objects.filter(action=f"record.{action}", success=False).exists()


def test_outsiders_cannot_draft_or_review(draft, bureau, world, outsider):
    other_officer = make_person("other-officer", Role.DISCLOSURE_OFFICER, world.other_county)
    with pytest.raises(PermissionDenied):
        services.record_create(actor=other_officer, organisation=bureau.organisation, item=bureau.public_item, title="越权", formed_on=D("2026-03-02"))
    record = draft()
    for person in (outsider, other_officer):
        with pytest.raises(PermissionDenied):
            services.record_transition(actor=person, record=record, action="submit")


def test_the_drafter_cannot_review_their_own_record(draft, bureau):
    from yangguang.core.services import role_grant

    role_grant(actor=None, user=bureau.officer, organisation=bureau.organisation, role=Role.CONFIDENTIALITY_REVIEWER)
    record = draft()
    services.record_transition(actor=bureau.officer, record=record, action="submit")
    with pytest.raises(PermissionDenied) as exc:
        services.record_transition(actor=bureau.officer, record=record, action="confidentiality_approve")
    assert "不能对其进行保密审查" in str(exc.value)


def test_the_confidentiality_reviewer_cannot_also_approve(draft, bureau):
    from yangguang.core.services import role_grant

    role_grant(actor=None, user=bureau.checker, organisation=bureau.organisation, role=Role.LEADER)
    record = draft()
    services.record_transition(actor=bureau.officer, record=record, action="submit")
    services.record_transition(actor=bureau.checker, record=record, action="confidentiality_approve")
    with pytest.raises(PermissionDenied):
        services.record_transition(actor=bureau.checker, record=record, action="leader_approve")


def test_rejection_returns_to_draft_and_needs_a_reason(draft, bureau):
    record = draft()
    services.record_transition(actor=bureau.officer, record=record, action="submit")
    with pytest.raises(ValidationError) as exc:
        services.record_transition(actor=bureau.checker, record=record, action="confidentiality_reject", reason=" ")
    assert "必须填写理由" in exc.value.messages[0]
    services.record_transition(actor=bureau.checker, record=record, action="confidentiality_reject", reason="含个人身份信息")
    record.refresh_from_db()
    assert record.state == RecordState.DRAFT and record.state_reason == "含个人身份信息"
    assert record.reviews.last().approved is False


def test_two_clicks_at_once_give_one_result(draft, bureau):
    record = draft()
    stale = InformationRecord.objects.get(pk=record.pk)
    services.record_transition(actor=bureau.officer, record=record, action="submit")
    with pytest.raises(ValidationError) as exc:
        services.record_transition(actor=bureau.officer, record=stale, action="submit")
    assert "可能已被他人处理" in exc.value.messages[0]
    assert RecordReview.objects.filter(record=record, step="submit").count() == 1


def test_withdraw_and_repeal_take_it_off_the_portal(draft, publish, bureau):
    first, second = publish(draft()), publish(draft("第二条"))
    services.record_transition(actor=bureau.leader, record=first, action="withdraw", reason="内容有误")
    services.record_transition(actor=bureau.leader, record=second, action="repeal", reason="已被新文件替代", on=D("2026-06-30"))
    second.refresh_from_db()
    assert second.repealed_on == D("2026-06-30") and second.state == RecordState.REPEALED
    assert not selectors.public_records().exists()
    assert not SearchEntry.objects.exists()


def test_only_drafts_can_be_edited(draft, publish, bureau):
    record = draft()
    updated = services.record_update(actor=bureau.officer, record=record, title="改后的标题", formed_on=D("2026-03-02"))
    assert updated.title == "改后的标题" and updated.due_on == D("2026-03-30")
    publish(updated)
    with pytest.raises(ValidationError) as exc:
        services.record_update(actor=bureau.officer, record=updated, title="发布后偷改")
    assert "只有草稿可以修改" in exc.value.messages[0]
    assert InformationRecord.objects.get(pk=record.pk).title == "改后的标题"


@pytest.mark.parametrize(
    "html, kept, gone",
    [
        ('<p onclick="steal()">你好<script>alert(1)</script></p>', "<p>你好</p>", ["script", "onclick", "alert"]),
        ('<a href="javascript:alert(1)">点我</a>', "点我", ["javascript"]),
        ('<img src=x onerror=alert(1)><table><tr><td colspan="2">表格</td></tr></table>', 'colspan="2"', ["onerror", "<img"]),
        ('<p style="color:red">样式</p>', "<p>样式</p>", ["style"]),
    ],
)
def test_body_is_sanitised(draft, html, kept, gone):
    record = draft()
    record = services.record_update(actor=record.created_by, record=record, body=html)
    assert kept in record.body
    for fragment in gone:
        assert fragment not in record.body


@pytest.mark.parametrize(
    "fact_kind, extra, field",
    [
        ("licensing", {}, "decision_count"),
        ("", {"decision_count": 3}, "decision_count"),
        ("administrative_fee", {"fee_amount": "abc"}, "fee_amount"),
        ("administrative_fee", {"fee_amount": "-1"}, "fee_amount"),
        ("", {"fee_amount": "10"}, "fee_amount"),
        ("weird", {}, "fact_kind"),
    ],
)
def test_report_facts_are_validated(draft, fact_kind, extra, field):
    before = InformationRecord.objects.count()
    with pytest.raises(ValidationError) as exc:
        draft(fact_kind=fact_kind, **extra)
    assert field in exc.value.message_dict
    assert InformationRecord.objects.count() == before


def test_report_facts_are_kept(draft):
    licence = draft(fact_kind="licensing", decision_count=12)
    fee = draft(fact_kind="administrative_fee", fee_amount="186000.50")
    assert licence.decision_count == 12 and str(fee.fee_amount) == "186000.50"


class TestAttachments:
    PDF = b"%PDF-1.7\n" + b"0" * 100

    def test_good_file_is_stored_with_its_digest(self, draft):
        import hashlib

        record = draft(attachments=[("通知.pdf", self.PDF)])
        attachment = record.attachments.get()
        assert attachment.sha256 == hashlib.sha256(self.PDF).hexdigest()
        assert attachment.size == len(self.PDF) and attachment.original_name == "通知.pdf"

    @pytest.mark.parametrize(
        "name, content, message",
        [
            ("病毒.exe", b"MZ....", "类型不允许"),
            ("伪装.pdf", b"MZ\x90\x00", "内容与扩展名 .pdf 不符"),
            ("空.pdf", b"", "空文件"),
            ("太大.txt", b"x" * (20 * 1024 * 1024 + 1), "超过大小上限 20 MB"),
        ],
    )
    def test_bad_files_are_refused_and_nothing_is_saved(self, draft, name, content, message):
        before = InformationRecord.objects.count()
        with pytest.raises(ValidationError) as exc:
            draft(attachments=[("好的.pdf", self.PDF), (name, content)])
        text = exc.value.message_dict["attachments"][0]
        assert name in text and message in text
        assert InformationRecord.objects.count() == before


class TestVisibility:
    def test_public_sees_published_public_records_only(self, client, draft, publish, bureau):
        published = publish(draft("公开的"))
        internal = publish(draft("对内的", item=bureau.internal_item))
        unpublished = draft("草稿")
        assert client.get(f"/xxgk/xx/{published.pk}/").status_code == 200
        assert client.get(f"/xxgk/xx/{internal.pk}/").status_code == 404
        assert client.get(f"/xxgk/xx/{unpublished.pk}/").status_code == 404

    def test_internal_records_are_for_the_organisations_own_staff(self, client, draft, publish, bureau, world, outsider):
        internal = publish(draft("对内的", item=bureau.internal_item))
        colleague = make_person("colleague", Role.WINDOW_CLERK, world.legal_aid)  # a unit below the bureau
        client.force_login(colleague)
        assert client.get(f"/xxgk/xx/{internal.pk}/").status_code == 200
        client.force_login(outsider)
        assert client.get(f"/xxgk/xx/{internal.pk}/").status_code == 404
        html = client.get("/xxgk/org/C-SFJ/").content.decode()
        assert "局机关财务收支情况" not in html and "对内的" not in html

    def test_staff_pages_are_scoped(self, client, draft, bureau, outsider):
        record = draft()
        client.force_login(outsider)
        assert client.get(f"/staff/xxgk/{record.pk}/").status_code == 404
        assert client.post(f"/staff/xxgk/{record.pk}/", {"action": "submit"}).status_code == 404
        assert client.get("/staff/xxgk/").status_code == 403
        assert client.get("/staff/xxgk/org/C-SFJ/new/").status_code == 403
        assert client.get("/staff/xxgk/org/C-SFJ/catalogue.xlsx").status_code == 403
        assert InformationRecord.objects.get(pk=record.pk).state == RecordState.DRAFT


def test_deadline_board(draft, bureau):
    overdue = draft("逾期", formed_on=D("2026-10-09"))      # due 2026-11-06
    at_risk = draft("临近", formed_on=D("2026-10-30"))      # due 2026-11-27
    on_time = draft("期限内", formed_on=D("2026-11-20"))    # due 2026-12-18
    rows = selectors.records_by_deadline(bureau.officer, today=D("2026-11-26"))
    assert [r.record for r in rows["overdue"]] == [overdue]
    assert [r.record for r in rows["at_risk"]] == [at_risk] and rows["at_risk"][0].workdays_left == 1
    assert [r.record for r in rows["on_time"]] == [on_time]
    assert selectors.records_by_deadline(make_person("nobody", Role.WINDOW_CLERK, bureau.organisation), today=D("2026-11-26")) == {
        "overdue": [], "at_risk": [], "on_time": []}
