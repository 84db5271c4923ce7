"""The complaint pages: the portal form (anonymous, rate-limited, a Chinese 4xx naming the field),
the public lookup with code and secret, the staff queue scoped by role with its filters, the detail
page's actions, and a complaint registered from a reception-day visit. Outsiders are refused."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from yangguang.supervision import complaints as services
from yangguang.supervision.models import Complaint

NS = "supervision-complaints"


def portal_form(org, **overrides) -> dict:
    data = {"kind": "complaint", "about_organisation": org.pk, "subject": "办事指南与实际要求不一致",
            "content": "公证处要求提交办事指南中没有列出的亲属关系证明。", "anonymous": "on", "name": "", "phone": ""}
    data.update(overrides)
    return data


def staff_complaint(bureau, received_on=date(2026, 11, 2), **data):
    fields = {"kind": "complaint", "subject": "窗口人员态度差", "content": "态度生硬。", "anonymous": False,
              "name": "王建军", "phone": "13912345678"}
    fields.update(data)
    return services.complaint_register(actor=bureau.officer, organisation=bureau.organisation, channel="hotline",
                                       data=fields, received_on=received_on).complaint


# --- public -------------------------------------------------------------------------------------------


def test_anonymous_portal_complaint_gets_a_number_and_a_secret_that_reads_the_answer(client, bureau):
    response = client.post(reverse(f"{NS}:public-new"), portal_form(bureau.organisation))
    page = response.content.decode()
    assert response.status_code == 200 and "C-SFJ-TS-2026-00001" in page
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.channel == "portal" and complaint.organisation == bureau.organisation
    secret = re.search(r"<strong>([A-Z0-9]{8})</strong>（只显示这一次", page).group(1)
    services.complaint_answer(actor=bureau.officer, complaint=complaint, finding="upheld", handling="已责令改正",
                              answer="经核查属实，已删除多余的材料要求。", answer_method="网上答复", answered_on=date(2026, 11, 26))
    lookup = client.post(reverse(f"{NS}:public-lookup"), {"tracking_code": complaint.tracking_code.lower(), "secret": secret})
    assert lookup.status_code == 200 and "已删除多余的材料要求" in lookup.content.decode()
    wrong = client.post(reverse(f"{NS}:public-lookup"), {"tracking_code": complaint.tracking_code, "secret": "AAAAAAAA"})
    assert wrong.status_code == 400 and "查询码或查询密码不正确" in wrong.content.decode()
    assert "已删除多余的材料要求" not in wrong.content.decode()


@pytest.mark.parametrize("overrides, message", [
    ({"subject": ""}, "标题：请填写标题"),
    ({"content": ""}, "内容：请填写内容"),
    ({"kind": "spam"}, "类型：类型无效"),
    ({"about_organisation": "999999"}, "反映的单位：反映的单位：请从列表中选择"),
    ({"phone": "12ab", "anonymous": ""}, "联系电话：联系电话应为 7–20 位数字"),
])
def test_portal_bad_input_is_a_chinese_400_naming_the_field(client, bureau, overrides, message):
    response = client.post(reverse(f"{NS}:public-new"), portal_form(bureau.organisation, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Complaint.objects.count() == 0


def test_portal_rate_limit_is_a_chinese_429(client, bureau, settings):
    settings.COMPLAINT_RATE_LIMIT = 1
    assert client.post(reverse(f"{NS}:public-new"), portal_form(bureau.organisation)).status_code == 200
    response = client.post(reverse(f"{NS}:public-new"), portal_form(bureau.organisation))
    assert response.status_code == 429
    assert "提交过于频繁：同一网络每小时最多提交 1 件" in response.content.decode()
    assert Complaint.objects.count() == 1


# --- staff queue --------------------------------------------------------------------------------------


def test_the_queue_shows_the_units_complaints_with_overdue_marked_and_filters(client, bureau):
    late = staff_complaint(bureau, received_on=date(2026, 10, 9), subject="超期未办的投诉")  # due 2026-10-30
    fresh = staff_complaint(bureau, received_on=date(2026, 11, 20), subject="新近的意见", kind="opinion")
    client.force_login(bureau.officer)
    page = client.get(reverse(f"{NS}:staff-list")).content.decode()
    assert late.number in page and fresh.number in page
    assert page.count('<strong class="overdue">超期</strong>') == 1
    overdue = client.get(reverse(f"{NS}:staff-list"), {"overdue": "1"}).content.decode()
    assert late.number in overdue and fresh.number not in overdue
    opinions = client.get(reverse(f"{NS}:staff-list"), {"kind": "opinion"}).content.decode()
    assert fresh.number in opinions and late.number not in opinions


def test_bad_filters_are_a_chinese_400(client, bureau):
    client.force_login(bureau.officer)
    response = client.get(reverse(f"{NS}:staff-list"), {"status": "lost", "org": "C-B"})
    assert response.status_code == 400
    assert "状态（status）无效" in response.content.decode() and "单位（org）无效" in response.content.decode()


def test_outsiders_are_refused(client, bureau):
    complaint = staff_complaint(bureau)
    client.force_login(bureau.outsider)  # a leader of another county
    assert complaint.number not in client.get(reverse(f"{NS}:staff-list")).content.decode()
    assert client.get(reverse(f"{NS}:staff-detail", args=[complaint.pk])).status_code == 404
    assert client.post(reverse(f"{NS}:staff-answer", args=[complaint.pk]), {}).status_code == 404
    assert client.post(reverse(f"{NS}:staff-archive", args=[complaint.pk])).status_code == 404
    client.force_login(bureau.clerk)  # a window clerk of the bureau itself has no say
    assert client.get(reverse(f"{NS}:staff-list")).status_code == 403
    assert client.get(reverse(f"{NS}:staff-detail", args=[complaint.pk])).status_code == 404
    client.logout()
    assert client.get(reverse(f"{NS}:staff-list")).status_code == 302


def test_detail_shows_the_phone_masked_and_answers_through_the_form(client, bureau):
    complaint = staff_complaint(bureau)
    client.force_login(bureau.officer)
    page = client.get(reverse(f"{NS}:staff-detail", args=[complaint.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    bad = client.post(reverse(f"{NS}:staff-answer", args=[complaint.pk]), {
        "finding": "adopted", "handling": "已核查", "answer_method": "电话", "answer": "已答复", "answered_on": "2026-11-20"})
    assert bad.status_code == 400 and "核查结论：投诉应为属实、部分属实、不属实之一" in bad.content.decode()
    ok = client.post(reverse(f"{NS}:staff-answer", args=[complaint.pk]), {
        "finding": "partly", "handling": "已核查", "answer_method": "电话", "answer": "部分属实，已整改", "answered_on": "2026-11-20"})
    assert ok.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.finding, complaint.answered_on) == ("answered", "partly", date(2026, 11, 20))
    again = client.post(reverse(f"{NS}:staff-answer", args=[complaint.pk]), {
        "finding": "upheld", "handling": "x", "answer_method": "电话", "answer": "y", "answered_on": "2026-11-21"})
    assert again.status_code in (400, 409)
    assert client.post(reverse(f"{NS}:staff-archive", args=[complaint.pk])).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "archived"


def test_the_supervision_desk_reroutes_from_the_detail_page(client, bureau, world):
    complaint = staff_complaint(bureau)
    client.force_login(bureau.officer)
    assert "转办（交其他单位承办）" not in client.get(reverse(f"{NS}:staff-detail", args=[complaint.pk])).content.decode()
    assert client.post(reverse(f"{NS}:staff-route", args=[complaint.pk]),
                       {"organisation": world.legal_aid.pk, "reason": "法援处窗口"}).status_code == 403
    client.force_login(bureau.supervisor)
    missing = client.post(reverse(f"{NS}:staff-route", args=[complaint.pk]), {"organisation": world.legal_aid.pk, "reason": ""})
    assert missing.status_code == 400 and "转办理由：请填写转办理由" in missing.content.decode()
    ok = client.post(reverse(f"{NS}:staff-route", args=[complaint.pk]), {"organisation": world.legal_aid.pk, "reason": "法援处窗口"})
    assert ok.status_code == 302
    complaint.refresh_from_db()
    assert complaint.organisation == world.legal_aid


def test_staff_register_a_hotline_call(client, bureau):
    client.force_login(bureau.officer)
    url = reverse(f"{NS}:staff-new")
    data = {"organisation": bureau.organisation.pk, "channel": "hotline", "received_on": "2026-11-25", "kind": "report",
            "subject": "举报违规收费", "content": "某公证处超标准收费。", "name": "李四", "phone": "0999-6543210"}
    bad = client.post(url, {**data, "received_on": "2026-11-30"})
    assert bad.status_code == 400 and "收到日期不能晚于今天" in bad.content.decode()
    assert client.post(url, data).status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.kind, complaint.due_on) == ("hotline", "report", date(2026, 12, 16))


def test_register_a_complaint_from_a_reception_visit(client, bureau):
    visit = bureau.visit(issues="反映公证处办理继承公证时要求的材料与办事指南不一致。")
    client.force_login(bureau.officer)
    url = reverse(f"{NS}:staff-from-visit", args=[visit.pk])
    form = client.get(url).content.decode()
    assert "反映公证处办理继承公证" in form and "13912345678" not in form
    response = client.post(url, {"kind": "complaint", "subject": "材料要求不一致", "content": visit.issues, "name": "王建军"})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.reception_visit == visit and complaint.channel == "reception"
    assert complaint.received_on == visit.visited_on and complaint.phone.reveal() == "13912345678"
    client.force_login(bureau.outsider)
    assert client.get(url).status_code == 404


def test_the_pages_open(client, bureau, settings):
    settings.COMPLAINT_LIMIT_WORKDAYS = 10
    form = client.get(reverse(f"{NS}:public-new")).content.decode()
    assert "10 个工作日内办理并答复" in form and "测试市司法局" in form and "一镇东村" not in form
    assert client.get(reverse(f"{NS}:public-lookup")).status_code == 200
    opening = services.mailbox_open(actor=bureau.officer, organisation=bureau.organisation, mailbox="司法局二楼意见箱",
                                    opened_at=timezone.now(), letters=1, witness=bureau.director)
    client.force_login(bureau.officer)
    page = client.get(reverse(f"{NS}:staff-new"), {"opening": opening.pk}).content.decode()
    assert "司法局二楼意见箱" in page and 'value="mailbox" selected' in page
