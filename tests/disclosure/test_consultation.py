"""Consultations on drafts (征求意见): the period, moderation before display, rate limits on a keyed
hash of the sender, the feedback note and the final decision, and who may see or do what."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yangguang.core import audit
from yangguang.core.models import AuditEvent, Role
from yangguang.disclosure import consultation as svc
from yangguang.disclosure import services
from yangguang.disclosure.models import Comment, Consultation, InformationRecord, RecordState

from ..conftest import make_person

D = date.fromisoformat
OPENS, CLOSES = D("2026-03-02"), D("2026-03-31")
IP = "203.0.113.77"


# --- personas and fixtures -----------------------------------------------------------------------------


@pytest.fixture
def today(monkeypatch):
    """The date the module believes it is (Asia/Shanghai); tests move it with ``today.set``."""

    class Clock:
        value = OPENS

        def set(self, value: date) -> None:
            self.value = value

    clock = Clock()
    monkeypatch.setattr(svc, "local_today", lambda: clock.value)
    return clock


@pytest.fixture
def officer(disclosure_officer):
    return disclosure_officer  # 测试市司法局 and the 法律援助处 below it


@pytest.fixture
def far_officer(world):
    """A disclosure officer, but of another county: must be refused everything of the bureau's."""
    return make_person("far_officer", Role.DISCLOSURE_OFFICER, world.other_county)


@pytest.fixture
def draft_consultation(world, officer, today):
    def make(title="关于修订法律援助经济困难标准的征求意见稿", *, opens_on=OPENS, closes_on=CLOSES, organisation=None):
        return svc.consultation_create(
            actor=officer, organisation=organisation or world.justice, title=title,
            body="<p>第一条 为规范法律援助工作……</p>", opens_on=opens_on, closes_on=closes_on,
        )

    return make


@pytest.fixture
def open_consultation(draft_consultation, officer):
    def make(*args, **kwargs):
        return svc.consultation_open(actor=officer, consultation=draft_consultation(*args, **kwargs))

    return make


def submit(consultation, body="建议提高经济困难标准。", ip=IP, **extra):
    return svc.comment_submit(consultation=consultation, body=body, client_ip=ip, **extra)


def closed(consultation, officer, today):
    today.set(consultation.closes_on + timedelta(days=1))
    return svc.consultation_close(actor=officer, consultation=consultation)


def make_record(organisation, *, code, published=False):
    author = make_person(f"author-{code}", Role.DISCLOSURE_OFFICER, organisation)
    category = services.catalogue_node_create(actor=None, organisation=organisation, code=code, name="规范性文件")
    item = services.catalogue_node_create(actor=None, organisation=organisation, parent=category, code=code + "01", name="行政规范性文件")
    record = services.record_create(
        actor=author, organisation=organisation, item=item, title="法律援助经济困难标准（正式稿）", formed_on=D("2026-04-10"),
    )
    if published:  # the review itself is tested with the records; here only the outcome matters
        InformationRecord.objects.filter(pk=record.pk).update(state=RecordState.PUBLISHED, published_at=timezone.now())
        record.refresh_from_db()
    return record


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- pure helpers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, text",
    [
        ("<script>alert(1)</script>建议", "建议"),
        ('<img src=x onerror="alert(1)">意见<b onclick="x()">加粗</b>', "意见加粗"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;仍是文本", "仍是文本"),
        ("3 < 5 & 7 > 6", "3 < 5 & 7 > 6"),
        ("第一段\r\n第二段\x00\x07", "第一段\n第二段"),
        ("  <p></p>  ", ""),
    ],
)
def test_plain_text_strips_every_tag(raw, text):
    assert svc.plain_text(raw) == text


@pytest.mark.parametrize("depth", [1, 3, 12])
def test_no_tag_survives_repeated_encoding(depth):
    text = svc.plain_text("&amp;" * depth + "lt;script&gt;alert(1)&lt;/script&gt;")
    assert "<" not in text and "alert" not in text


def test_rich_text_keeps_structure_and_drops_scripts_and_handlers():
    html = svc.rich_text('<p onclick="steal()">正文<script>alert(1)</script><a href="javascript:x()">链接</a></p>')
    assert "script" not in html and "onclick" not in html and "javascript" not in html
    assert html.startswith("<p>正文")
    assert svc.rich_text("第一条\n第二条\n\n3 < 5") == "<p>第一条<br>第二条</p>\n\n<p>3 &lt; 5</p>"


@pytest.mark.parametrize(
    "state, day, accepts, label",
    [
        ("draft", "2026-03-10", False, "草稿"),
        ("open", "2026-03-01", False, "征求意见中"),
        ("open", "2026-03-02", True, "征求意见中"),
        ("open", "2026-03-31", True, "征求意见中"),
        ("open", "2026-04-01", False, "已截止"),  # before the sweep has run
        ("closed", "2026-03-10", False, "已截止"),
        ("concluded", "2026-05-01", False, "已公布采纳情况"),
    ],
)
def test_period_table(state, day, accepts, label):
    consultation = Consultation(state=state, opens_on=OPENS, closes_on=CLOSES)
    assert svc.accepts_comments(consultation, D(day)) is accepts
    assert svc.public_status(consultation, D(day)) == label


# --- creation ------------------------------------------------------------------------------------------


def test_create_makes_a_sanitised_draft_and_an_audit_event(world, officer, today):
    consultation = svc.consultation_create(
        actor=officer, organisation=world.justice, title=" <b>关于</b>征求意见稿 ",
        body='<p onmouseover="x()">第一条</p><script>alert(1)</script>', opens_on=OPENS, closes_on=CLOSES,
    )
    assert consultation.state == Consultation.State.DRAFT
    assert consultation.title == "关于征求意见稿"
    assert consultation.body == "<p>第一条</p>"
    assert consultation.created_by == officer
    event = AuditEvent.objects.get(action="consultation.create")
    assert event.object_id == str(consultation.pk) and event.success


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"closes_on": D("2026-03-01")}, "closes_on", "截止日期不能早于开始日期"),
        ({"title": "  "}, "title", "请填写标题"),
        ({"title": "<script>x</script>"}, "title", "请填写标题"),
        ({"title": "长" * 201}, "title", "标题不能超过 200 字"),
        ({"body": "<script>alert(1)</script>"}, "body", "请填写草案内容"),
        ({"opens_on": None}, "opens_on", "请填写开始日期"),
        ({"opens_on": "2026-02-30"}, "opens_on", "开始日期格式应为 YYYY-MM-DD"),
        ({"closes_on": ""}, "closes_on", "请填写截止日期"),
    ],
)
def test_create_refuses_bad_input_naming_the_field_and_saves_nothing(world, officer, changes, field, message):
    values = {"title": "征求意见稿", "body": "第一条", "opens_on": OPENS, "closes_on": CLOSES, **changes}
    with pytest.raises(ValidationError) as caught:
        svc.consultation_create(actor=officer, organisation=world.justice, **values)
    assert message in caught.value.message_dict[field][0]
    assert not Consultation.objects.exists()


def test_a_one_day_period_is_allowed(draft_consultation):
    assert draft_consultation(opens_on=OPENS, closes_on=OPENS).closes_on == OPENS


@pytest.mark.parametrize("who", ["far_officer", "clerk", "outsider"])
def test_only_the_organisations_disclosure_officer_creates(world, who, request):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        svc.consultation_create(actor=person, organisation=world.justice, title="稿", body="正文", opens_on=OPENS, closes_on=CLOSES)
    assert not Consultation.objects.exists()


def test_officer_of_a_parent_covers_the_unit_below(world, officer, today):
    consultation = svc.consultation_create(actor=officer, organisation=world.legal_aid, title="稿", body="正文", opens_on=OPENS, closes_on=CLOSES)
    assert consultation.organisation == world.legal_aid


# --- opening and the period ----------------------------------------------------------------------------


def test_open_once_only_and_only_by_the_office(draft_consultation, officer, far_officer):
    consultation = draft_consultation()
    with pytest.raises(PermissionDenied):
        svc.consultation_open(actor=far_officer, consultation=consultation)
    svc.consultation_open(actor=officer, consultation=consultation)
    assert consultation.state == Consultation.State.OPEN
    with pytest.raises(ValidationError, match="征求意见中"):
        svc.consultation_open(actor=officer, consultation=consultation)
    assert AuditEvent.objects.filter(action="consultation.open", success=True).count() == 1
    assert AuditEvent.objects.filter(action="consultation.open", success=False).count() == 2


def test_a_draft_whose_period_has_passed_cannot_be_opened(draft_consultation, officer, today):
    consultation = draft_consultation()
    today.set(CLOSES + timedelta(days=1))
    with pytest.raises(ValidationError, match="截止日期已过"):
        svc.consultation_open(actor=officer, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.DRAFT


@pytest.mark.parametrize(
    "day, refusal",
    [
        ("2026-03-01", "尚未开始"),
        ("2026-03-02", None),
        ("2026-03-31", None),
        ("2026-04-01", "截止"),
    ],
)
def test_comments_only_within_the_period(open_consultation, today, day, refusal):
    consultation = open_consultation()
    today.set(D(day))
    if refusal is None:
        assert submit(consultation).state == Comment.State.PENDING
        return
    with pytest.raises(ValidationError) as caught:
        submit(consultation)
    assert refusal in caught.value.message_dict["consultation"][0]
    assert not Comment.objects.exists()


def test_no_comments_on_a_draft_or_after_closing(draft_consultation, officer, today):
    draft = draft_consultation()
    with pytest.raises(ValidationError, match="尚未开始"):
        submit(draft)
    consultation = svc.consultation_open(actor=officer, consultation=draft_consultation("另一稿"))
    closed(consultation, officer, today)
    today.set(CLOSES)  # even if someone's clock says the period is still running
    with pytest.raises(ValidationError, match="已截止"):
        submit(consultation)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"body": ""}, "body", "请填写意见内容"),
        ({"body": "<script>alert(1)</script>"}, "body", "请填写意见内容"),
        ({"body": "字" * 2001}, "body", "意见内容不能超过 2000 字"),
        ({"author_name": "名" * 51}, "author_name", "署名不能超过 50 字"),
    ],
)
def test_comment_bad_input_names_the_field_and_saves_nothing(open_consultation, values, field, message):
    consultation = open_consultation()
    with pytest.raises(ValidationError) as caught:
        submit(consultation, **values)
    assert message in caught.value.message_dict[field][0]
    assert not Comment.objects.exists()


def test_comment_is_plain_text_and_2000_characters_fit(open_consultation):
    consultation = open_consultation()
    comment = submit(consultation, body='<script>alert(1)</script><p onclick="x()">赞成</p>', author_name="<i>张</i>三")
    assert (comment.body, comment.author_name) == ("赞成", "张三")
    assert len(submit(consultation, body="字" * 2000, ip="198.51.100.1").body) == 2000


# --- moderation ----------------------------------------------------------------------------------------


def test_only_approved_comments_are_public(open_consultation, officer):
    consultation = open_consultation()
    waiting, good, bad = (submit(consultation, body=b, ip=f"198.51.100.{i}") for i, b in enumerate(["待审意见", "合理建议", "广告"]))
    svc.comment_moderate(actor=officer, comment=good, decision="approved")
    svc.comment_moderate(actor=officer, comment=bad, decision="rejected", reason="与草案无关的广告")
    assert list(svc.public_comments(consultation)) == [good]
    bad.refresh_from_db()
    assert (bad.state, bad.moderation_reason, bad.moderated_by) == ("rejected", "与草案无关的广告", officer)
    html = Client().get(reverse("disclosure:consultation-detail", args=[consultation.pk])).content.decode()
    assert "合理建议" in html and "待审意见" not in html and "广告" not in html


def test_rejection_needs_a_reason(open_consultation, officer):
    comment = submit(open_consultation())
    with pytest.raises(ValidationError) as caught:
        svc.comment_moderate(actor=officer, comment=comment, decision="rejected", reason=" ")
    assert "审核意见" in caught.value.message_dict["reason"][0]
    comment.refresh_from_db()
    assert comment.state == Comment.State.PENDING


def test_two_moderators_at_once_give_one_result(open_consultation, officer, world):
    second = make_person("officer2", Role.DISCLOSURE_OFFICER, world.justice)
    comment = submit(open_consultation())
    stale = Comment.objects.get(pk=comment.pk)  # what the second moderator's page loaded
    svc.comment_moderate(actor=officer, comment=comment, decision="approved")
    with pytest.raises(ValidationError, match="已审核"):
        svc.comment_moderate(actor=second, comment=stale, decision="rejected", reason="重复")
    comment.refresh_from_db()
    assert (comment.state, comment.moderated_by, comment.moderation_reason) == ("approved", officer, "")
    assert AuditEvent.objects.filter(action="comment.moderate", success=True).count() == 1


def test_outsider_officer_cannot_moderate(open_consultation, far_officer):
    comment = submit(open_consultation())
    with pytest.raises(PermissionDenied):
        svc.comment_moderate(actor=far_officer, comment=comment, decision="approved")
    comment.refresh_from_db()
    assert comment.state == Comment.State.PENDING


# --- rate limits and the sender hash -------------------------------------------------------------------


def test_fourth_comment_in_an_hour_is_refused(open_consultation):
    consultation = open_consultation()
    for n in range(3):
        submit(consultation, body=f"意见{n}")
    with pytest.raises(ValidationError) as caught:
        submit(consultation, body="第四条")
    assert isinstance(caught.value, svc.RateLimited)
    assert "每小时" in caught.value.messages[0]
    assert submit(consultation, ip="198.51.100.9").pk  # another sender is not affected
    # an hour later the same sender may comment again
    Comment.objects.filter(sender_hash=svc.sender_hash(IP)).update(submitted_at=timezone.now() - timedelta(minutes=61))
    assert submit(consultation, body="一小时后").pk


def test_ten_comments_a_day_across_consultations(open_consultation):
    consultations = [open_consultation(f"第{n}号征求意见稿") for n in range(4)]
    for n in range(10):
        submit(consultations[n // 3], body=f"意见{n}")
    with pytest.raises(svc.RateLimited, match="每天"):
        submit(consultations[3], body="第十一条")
    assert Comment.objects.count() == 10
    Comment.objects.update(submitted_at=timezone.now() - timedelta(hours=25))
    assert submit(consultations[3], body="第二天").pk


def test_the_address_is_stored_only_as_a_keyed_hash(open_consultation):
    consultation = open_consultation()
    comment = submit(consultation)
    assert comment.sender_hash == svc.sender_hash(IP) != svc.sender_hash("203.0.113.78")
    assert len(comment.sender_hash) == 64 and IP not in comment.sender_hash
    stored = [str(v) for v in Comment.objects.values_list("author_name", "body", "sender_hash", "moderation_reason")]
    events = [str(e) for e in AuditEvent.objects.values_list("client_ip", "before", "after", "reason", "object_repr")]
    assert not any(IP in row for row in stored + events)


@pytest.mark.parametrize(
    "one, other, same",
    [
        ("203.0.113.77", "203.0.113.78", False),
        ("2001:db8:1:2::1", "2001:db8:1:2:aaaa::9", True),  # one /64 is one household or phone
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:203.0.113.77", "203.0.113.77", True),
    ],
)
def test_who_counts_as_one_sender(one, other, same):
    assert (svc.sender_hash(one) == svc.sender_hash(other)) is same


def test_view_answers_429_on_the_fourth_comment_and_never_stores_the_address(open_consultation):
    consultation = open_consultation()
    url = reverse("disclosure:consultation-detail", args=[consultation.pk])
    client = Client(REMOTE_ADDR=IP)
    for n in range(3):
        assert client.post(url, {"body": f"意见{n}"}).status_code == 302
    response = client.post(url, {"body": "第四条"})
    assert response.status_code == 429
    assert "⚠ 提交过于频繁" in response.content.decode() and response["Retry-After"] == "3600"
    assert Client(REMOTE_ADDR="198.51.100.3").post(url, {"body": "另一来源"}).status_code == 302
    assert Comment.objects.count() == 4
    events = AuditEvent.objects.filter(action="comment.submit")
    assert events.count() == 4 and not events.exclude(client_ip="").exists()
    assert not Comment.objects.filter(sender_hash__contains=IP).exists()


# --- closing -------------------------------------------------------------------------------------------


def test_close_only_after_the_last_day(open_consultation, officer, far_officer, today):
    consultation = open_consultation()
    today.set(CLOSES)
    with pytest.raises(ValidationError, match="截止后才能结束"):
        svc.consultation_close(actor=officer, consultation=consultation)
    today.set(CLOSES + timedelta(days=1))
    with pytest.raises(PermissionDenied):
        svc.consultation_close(actor=far_officer, consultation=consultation)
    svc.consultation_close(actor=officer, consultation=consultation)
    assert consultation.state == Consultation.State.CLOSED
    with pytest.raises(ValidationError, match="已截止"):
        svc.consultation_close(actor=officer, consultation=consultation)


def test_close_expired_sweep_is_idempotent(open_consultation, draft_consultation):
    early = open_consultation("三月稿", closes_on=D("2026-03-10"))
    later = open_consultation("四月稿", closes_on=D("2026-04-30"))
    draft = draft_consultation("草稿", closes_on=D("2026-03-05"))
    assert [c.pk for c in svc.close_expired(today=D("2026-03-11"))] == [early.pk]
    assert svc.close_expired(today=D("2026-03-11")) == []
    states = dict(Consultation.objects.values_list("pk", "state"))
    assert states == {early.pk: "closed", later.pk: "open", draft.pk: "draft"}
    assert AuditEvent.objects.filter(action="consultation.close", object_id=str(early.pk)).count() == 1


def test_close_expired_command(open_consultation, today):
    consultation = open_consultation(closes_on=D("2026-03-10"))
    today.set(D("2026-03-11"))
    out = StringIO()
    call_command("consultations", "close-expired", stdout=out)
    assert f"已结束：#{consultation.pk}" in out.getvalue() and "结束 1 项" in out.getvalue()
    out = StringIO()
    call_command("consultations", "close-expired", "--date", "2026-03-12", stdout=out)
    assert "没有需要结束的征求意见" in out.getvalue()
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.CLOSED


# --- conclusion and the final decision -----------------------------------------------------------------


def test_conclude_needs_the_closed_state_a_note_and_every_comment_moderated(open_consultation, officer, today):
    consultation = open_consultation()
    comment = submit(consultation)
    with pytest.raises(ValidationError, match="征求意见中"):
        svc.consultation_conclude(actor=officer, consultation=consultation, feedback_note="采纳 1 条。")
    closed(consultation, officer, today)
    with pytest.raises(ValidationError) as caught:
        svc.consultation_conclude(actor=officer, consultation=consultation, feedback_note="<p> </p>")
    assert "意见采纳情况说明" in caught.value.message_dict["feedback_note"][0]
    with pytest.raises(ValidationError, match="1 条意见未审核"):
        svc.consultation_conclude(actor=officer, consultation=consultation, feedback_note="采纳 1 条。")
    svc.comment_moderate(actor=officer, comment=comment, decision="approved")
    svc.consultation_conclude(actor=officer, consultation=consultation, feedback_note="共收到意见 1 条，\n已采纳。<script>x</script>")
    assert consultation.state == Consultation.State.CONCLUDED and consultation.concluded_at is not None
    assert consultation.feedback_note == "<p>共收到意见 1 条，<br>已采纳。</p>"
    assert consultation.final_record is None


def test_final_record_must_belong_to_the_same_organisation(open_consultation, officer, world, today):
    consultation = closed(open_consultation(), officer, today)
    foreign = make_record(world.other_county, code="B01")
    with pytest.raises(ValidationError) as caught:
        svc.consultation_conclude(actor=officer, consultation=consultation, feedback_note="采纳。", final_record=foreign)
    assert "测试市司法局" in caught.value.message_dict["final_record"][0]
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.CLOSED and consultation.feedback_note == ""
    own = make_record(world.justice, code="A01")
    svc.consultation_conclude(actor=officer, consultation=consultation, feedback_note="采纳。", final_record=own)
    assert consultation.final_record == own and list(own.consultations.all()) == [consultation]


def test_final_record_can_be_linked_later_but_only_once_concluded(open_consultation, officer, world, today):
    consultation = open_consultation()
    record = make_record(world.justice, code="A01", published=True)
    with pytest.raises(ValidationError, match="公布采纳情况后"):
        svc.consultation_link_final_record(actor=officer, consultation=consultation, final_record=record)
    closed(consultation, officer, today)
    svc.consultation_conclude(actor=officer, consultation=consultation, feedback_note="未收到意见。")
    with pytest.raises(ValidationError, match="最终决定须为"):
        svc.consultation_link_final_record(actor=officer, consultation=consultation,
                                           final_record=make_record(world.other_county, code="B01"))
    svc.consultation_link_final_record(actor=officer, consultation=consultation, final_record=record)
    assert consultation.final_record == record
    assert list(svc.consultations_for_record(record)) == [consultation]
    html = Client().get(reverse("disclosure:consultation-detail", args=[consultation.pk])).content.decode()
    assert "意见采纳情况" in html and "未收到意见。" in html
    assert reverse("disclosure:record", args=[record.pk]) in html


def test_an_unpublished_final_record_is_not_linked_publicly(open_consultation, officer, world, today):
    consultation = closed(open_consultation(), officer, today)
    record = make_record(world.justice, code="A01")
    svc.consultation_conclude(actor=officer, consultation=consultation, feedback_note="采纳。", final_record=record)
    html = Client().get(reverse("disclosure:consultation-detail", args=[consultation.pk])).content.decode()
    assert reverse("disclosure:record", args=[record.pk]) not in html and record.title not in html


# --- what each persona sees ----------------------------------------------------------------------------


def test_public_sees_no_drafts_and_nothing_before_the_first_day(open_consultation, draft_consultation, today):
    draft = draft_consultation("内部草稿")
    scheduled = open_consultation("四月开始", opens_on=D("2026-04-01"), closes_on=D("2026-04-30"))
    current = open_consultation("正在征求")
    listing = Client().get(reverse("disclosure:consultation-list"))
    html = listing.content.decode()
    assert listing.status_code == 200 and "正在征求" in html
    assert "内部草稿" not in html and "四月开始" not in html
    for hidden in (draft, scheduled):
        assert Client().get(reverse("disclosure:consultation-detail", args=[hidden.pk])).status_code == 404
        assert Client().post(reverse("disclosure:consultation-detail", args=[hidden.pk]), {"body": "x"}).status_code == 404
    today.set(D("2026-04-01"))
    assert Client().get(reverse("disclosure:consultation-detail", args=[scheduled.pk])).status_code == 200
    assert list(svc.public_consultations(today=D("2026-04-01"))) == [scheduled, current]


def test_comment_form_success_and_refusals(open_consultation, today):
    consultation = open_consultation()
    url = reverse("disclosure:consultation-detail", args=[consultation.pk])
    page = Client().get(url).content.decode()
    assert "发表意见" in page and 'name="body"' in page and "csrfmiddlewaretoken" in page
    response = Client(REMOTE_ADDR=IP).post(url, {"body": "建议", "author_name": "李四"}, follow=True)
    assert "等待审核" in response.content.decode()
    empty = Client(REMOTE_ADDR=IP).post(url, {"body": "<script>alert(1)</script>"})
    assert empty.status_code == 400 and "⚠ 请填写意见内容" in empty.content.decode()
    too_long = Client(REMOTE_ADDR=IP).post(url, {"body": "字" * 2001, "author_name": "\x00"})
    assert too_long.status_code == 400 and "意见内容不能超过 2000 字" in too_long.content.decode()
    today.set(CLOSES + timedelta(days=1))
    late = Client(REMOTE_ADDR=IP).post(url, {"body": "迟到的意见"})
    assert late.status_code == 400 and "⚠ 征求意见已于2026年3月31日截止" in late.content.decode()
    assert 'name="body"' not in late.content.decode()
    assert Comment.objects.count() == 1


def test_comment_form_needs_a_csrf_token(open_consultation):
    consultation = open_consultation()
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("disclosure:consultation-detail", args=[consultation.pk]), {"body": "意见"})
    assert response.status_code == 403 and not Comment.objects.exists()


def test_staff_pages_need_login_and_the_role(open_consultation, clerk, outsider):
    consultation = open_consultation()
    submit(consultation, body="尚未审核的意见")
    for name, args in [("consultation-staff-list", []), ("consultation-staff", [consultation.pk])]:
        anonymous = Client().get(reverse(f"disclosure:{name}", args=args))
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
        for person in (clerk, outsider):
            response = login(person).get(reverse(f"disclosure:{name}", args=args))
            assert response.status_code == 403 and "尚未审核的意见" not in response.content.decode()


def test_officer_of_another_county_sees_none_of_it(open_consultation, far_officer, officer):
    consultation = open_consultation("司法局的稿")
    comment = submit(consultation, body="尚未审核的意见")
    client = login(far_officer)
    assert "司法局的稿" not in client.get(reverse("disclosure:consultation-staff-list")).content.decode()
    assert client.get(reverse("disclosure:consultation-staff", args=[consultation.pk])).status_code == 404
    for name, extra, data in [
        ("consultation-staff-moderate", [comment.pk], {"decision": "approved"}),
        ("consultation-staff-open", [], {}),
        ("consultation-staff-close", [], {}),
        ("consultation-staff-conclude", [], {"feedback_note": "x"}),
        ("consultation-staff-link", [], {"final_record": "x"}),
    ]:
        assert client.post(reverse(f"disclosure:{name}", args=[consultation.pk, *extra]), data).status_code == 404
    comment.refresh_from_db()
    assert comment.state == Comment.State.PENDING
    mine = svc.staff_consultations(officer).get()
    assert (mine.pk, mine.pending_count, mine.comment_count) == (consultation.pk, 1, 1)


def test_comment_of_another_consultation_is_not_reachable_through_this_one(open_consultation, officer, world):
    own = open_consultation("本局稿")
    other = svc.consultation_open(actor=None, consultation=svc.consultation_create(
        actor=None, organisation=world.other_county, title="乙县稿", body="正文", opens_on=OPENS, closes_on=CLOSES))
    foreign = submit(other, body="乙县的意见")
    response = login(officer).post(reverse("disclosure:consultation-staff-moderate", args=[own.pk, foreign.pk]), {"decision": "approved"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == Comment.State.PENDING


def test_the_whole_flow_through_the_staff_pages(officer, world, today):
    client = login(officer)
    create_url = reverse("disclosure:consultation-staff-create")
    assert client.get(create_url).status_code == 200
    bad = client.post(create_url, {"organisation": world.justice.pk, "title": "稿", "body": "正文",
                                   "opens_on": "2026-03-10", "closes_on": "2026-03-01"})
    assert bad.status_code == 400 and "⚠ 截止日期不能早于开始日期" in bad.content.decode()
    foreign = client.post(create_url, {"organisation": world.other_county.pk, "title": "稿", "body": "正文",
                                       "opens_on": "2026-03-02", "closes_on": "2026-03-31"})
    assert foreign.status_code == 400 and "请选择您负责的机关" in foreign.content.decode()
    assert not Consultation.objects.exists()
    created = client.post(create_url, {"organisation": world.justice.pk, "title": "征求意见稿", "body": "第一条\n\n第二条",
                                       "opens_on": "2026-03-02", "closes_on": "2026-03-31"})
    consultation = Consultation.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse("disclosure:consultation-staff", args=[consultation.pk])
    assert consultation.body == "<p>第一条</p>\n\n<p>第二条</p>"
    page = reverse("disclosure:consultation-staff", args=[consultation.pk])
    assert "开始征求意见" in client.get(page).content.decode()
    assert client.post(reverse("disclosure:consultation-staff-open", args=[consultation.pk])).status_code == 302
    again = client.post(reverse("disclosure:consultation-staff-open", args=[consultation.pk]))
    assert again.status_code == 409 and "⚠ 该征求意见当前状态为“征求意见中”" in again.content.decode()

    good, spam = submit(consultation, body="好建议"), submit(consultation, body="垃圾广告", ip="198.51.100.5")
    listing = client.get(reverse("disclosure:consultation-staff-list")).content.decode()
    assert "1 条待审核" not in listing and "2 条待审核" in listing
    html = client.get(page).content.decode()
    assert "好建议" in html and "垃圾广告" in html and html.count('name="decision"') == 4
    moderate = lambda c, data: client.post(reverse("disclosure:consultation-staff-moderate", args=[consultation.pk, c.pk]), data)  # noqa: E731
    refused = moderate(spam, {"decision": "rejected", "reason": ""})
    assert refused.status_code == 400 and "⚠ 不予公开须填写审核意见" in refused.content.decode()
    assert moderate(spam, {"decision": "rejected", "reason": "广告"}).status_code == 302
    assert moderate(good, {"decision": "approved"}).status_code == 302
    assert moderate(good, {"decision": "rejected", "reason": "改主意"}).status_code == 409

    early = client.post(reverse("disclosure:consultation-staff-close", args=[consultation.pk]))
    assert early.status_code == 400 and "截止后才能结束" in early.content.decode()
    today.set(D("2026-04-01"))
    assert client.post(reverse("disclosure:consultation-staff-close", args=[consultation.pk])).status_code == 302
    conclude_url = reverse("disclosure:consultation-staff-conclude", args=[consultation.pk])
    no_note = client.post(conclude_url, {"feedback_note": "", "final_record": ""})
    assert no_note.status_code == 400 and "⚠ 请填写意见采纳情况说明" in no_note.content.decode()
    foreign_record = make_record(world.other_county, code="B01")
    wrong = client.post(conclude_url, {"feedback_note": "采纳 1 条", "final_record": foreign_record.index_number})
    assert wrong.status_code == 400 and "没有索引号为" in wrong.content.decode()
    assert client.post(conclude_url, {"feedback_note": "采纳 1 条", "final_record": ""}).status_code == 302
    record = make_record(world.justice, code="A01", published=True)
    link = client.post(reverse("disclosure:consultation-staff-link", args=[consultation.pk]), {"final_record": record.index_number})
    assert link.status_code == 302
    consultation.refresh_from_db()
    assert consultation.state == "concluded" and consultation.final_record == record

    public = Client().get(reverse("disclosure:consultation-detail", args=[consultation.pk])).content.decode()
    assert "好建议" in public and "垃圾广告" not in public and "采纳 1 条" in public
    assert "已公布采纳情况" in public and 'name="body"' not in public
    assert audit.verify().ok
