"""The public form and progress page, and the officer's workspace, through HTTP."""

import re
from datetime import date

import pytest
from django.utils import timezone

from yangguang.foi import rules, services
from yangguang.foi.models import Application, Letter

from .conftest import applicant

D = date.fromisoformat


def form_data(office, **overrides):
    data = applicant(**overrides)
    data["organisation"] = office.organisation.pk
    return data


def login(client, user):
    client.force_login(user)


def test_a_citizen_applies_without_an_account_and_follows_progress(client, office):
    page = client.get("/ysqgk/apply/")
    assert page.status_code == 200 and "提交政府信息公开申请" in page.content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f-]+)"', page.content.decode()).group(1)
    response = client.post("/ysqgk/apply/", {**form_data(office), "submission_key": key})
    assert response.status_code == 200
    html = response.content.decode()
    app = Application.objects.get()
    secret = re.search(r'查询密码</dt><dd><strong class="code">(\w+)</strong>', html).group(1)
    assert app.tracking_code in html and services.secret_matches(app, secret)

    again = client.post("/ysqgk/apply/", {**form_data(office), "submission_key": key})  # the double click
    assert Application.objects.count() == 1 and secret in again.content.decode()

    progress = client.post("/ysqgk/progress/", {"tracking_code": app.tracking_code, "secret": secret})
    text = progress.content.decode()
    assert progress.status_code == 200 and "已提交，待确认收到" in text and app.number in text
    assert "张三" not in text and "13800001111" not in text and "zhangsan" not in text


def test_progress_with_a_wrong_secret_reveals_nothing(client, office):
    submitted = services.application_submit(organisation=office.organisation, data=applicant(), client_ip="10.0.0.1")
    response = client.post("/ysqgk/progress/", {"tracking_code": submitted.application.tracking_code, "secret": "WRONGPWD"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "查询码或查询密码不正确" in text and submitted.application.number not in text
    assert client.get(f"/ysqgk/progress/?tracking_code={submitted.application.tracking_code}").status_code == 200


def test_bad_input_on_the_form_is_a_400_naming_the_field(client, office):
    response = client.post("/ysqgk/apply/", form_data(office, id_number="123", description=""))
    assert response.status_code == 400
    text = response.content.decode()
    assert "证件号码：居民身份证号码应为 18 位" in text
    assert "所需政府信息的名称、文号或者便于查询的其他特征性描述：请填写" in text
    assert Application.objects.count() == 0


def test_the_form_is_rate_limited(client, office, settings):
    settings.FOI_RATE_LIMIT = 1
    assert client.post("/ysqgk/apply/", form_data(office)).status_code == 200
    response = client.post("/ysqgk/apply/", form_data(office))
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()


def test_the_officer_sees_the_queue_by_due_date_with_lights(client, office):
    late = office.register(D("2026-01-05"))
    soon = office.register(timezone.localdate())
    login(client, office.officer)
    page = client.get("/staff/ysqgk/")
    text = page.content.decode()
    assert page.status_code == 200 and text.index(late.number) < text.index(soon.number)
    assert "✗ 已逾期" in text and "● 正常" in text
    red = client.get("/staff/ysqgk/?light=red").content.decode()
    assert late.number in red and soon.number not in red


def test_outsiders_are_refused_everywhere(client, office):
    app = office.register(D("2026-03-02"))
    login(client, office.outsider)
    assert client.get(f"/staff/ysqgk/{app.pk}/").status_code == 404
    assert app.number not in client.get("/staff/ysqgk/").content.decode()
    response = client.post(f"/staff/ysqgk/{app.pk}/", {"action": "reply", "result": "disclosed", "summary": "x"})
    assert response.status_code == 404
    client.logout()
    assert client.get("/staff/ysqgk/").status_code == 302  # to the login page


def test_the_officer_replies_and_downloads_the_letter(client, office):
    app = office.register(D("2026-03-02"))
    login(client, office.officer)
    page = client.get(f"/staff/ysqgk/{app.pk}/").content.decode()
    assert "答复期限：2026年3月30日" in page and "申请人" in page and "1101**********" in page
    bad = client.post(f"/staff/ysqgk/{app.pk}/", {"action": "reply", "result": "", "summary": ""})
    assert bad.status_code == 400 and "办理结果：请选择办理结果" in bad.content.decode()
    ok = client.post(f"/staff/ysqgk/{app.pk}/", {"action": "reply", "result": "withheld.third_party_rights",
                                                  "summary": "所申请信息涉及他人个人隐私。"}, follow=True)
    assert "已答复" in ok.content.decode()
    assert "提交或登记申请" in ok.content.decode() and "<td>答复</td>" in ok.content.decode()  # the history, in words
    app.refresh_from_db()
    assert app.result == "withheld.third_party_rights" and app.result_article == rules.RESULTS[app.result].article
    letter = Letter.objects.get(application=app)
    docx = client.get(f"/staff/ysqgk/{app.pk}/letter/{letter.pk}.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    pdf = client.get(f"/staff/ysqgk/{app.pk}/letter/{letter.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


def test_the_applicant_downloads_the_letter_with_code_and_secret(client, office):
    submitted = services.application_submit(organisation=office.organisation, data=applicant(), client_ip="10.0.0.1")
    services.application_confirm_receipt(actor=office.officer, application=submitted.application)
    services.application_reply(actor=office.officer, application=submitted.application, result="disclosed",
                               article="第三十六条第（二）项", summary="信息见附件。")
    letter = Letter.objects.get()
    creds = {"tracking_code": submitted.application.tracking_code, "secret": submitted.secret}
    assert client.post(f"/ysqgk/progress/letter/{letter.pk}.pdf", creds).content[:5] == b"%PDF-"
    assert client.post(f"/ysqgk/progress/letter/{letter.pk}.pdf", {**creds, "secret": "NOPE"}).status_code == 404
    assert client.get(f"/ysqgk/progress/letter/{letter.pk}.pdf").status_code == 405


def test_staff_register_a_letter_received_by_post(client, office):
    login(client, office.officer)
    response = client.post("/staff/ysqgk/register/", {
        **form_data(office), "channel": "post", "received_on": "2026-02-10", "receipt_note": "挂号信 XA123",
    })
    assert response.status_code == 302
    app = Application.objects.get()
    assert (app.channel, app.received_on, app.due_on) == ("post", D("2026-02-10"), D("2026-03-16"))


def test_only_the_head_sees_and_may_use_the_extension(client, office):
    app = office.register(timezone.localdate())
    login(client, office.officer)
    assert "延长答复期限" not in client.get(f"/staff/ysqgk/{app.pk}/").content.decode()
    response = client.post(f"/staff/ysqgk/{app.pk}/", {"action": "extend", "workdays": 10, "reason": "档案调取"})
    assert response.status_code == 403
    client.logout()
    login(client, office.head)
    assert "延长答复期限" in client.get(f"/staff/ysqgk/{app.pk}/").content.decode()
    client.post(f"/staff/ysqgk/{app.pk}/", {"action": "extend", "workdays": 10, "reason": "档案调取"})
    app.refresh_from_db()
    assert app.extension_workdays == 10


def test_an_edited_template_is_used_for_later_letters_only(client, office):
    first = office.register(D("2026-03-02"))
    services.application_reply(actor=office.officer, application=first, result="disclosed", article="第三十六条", summary="甲")
    login(client, office.officer)
    bad = client.post(f"/staff/ysqgk/templates/{office.organisation.code}/disclosed/", {"body": "{% if %}"})
    assert bad.status_code == 400 and "模板语法错误" in bad.content.decode()
    include = client.post(f"/staff/ysqgk/templates/{office.organisation.code}/disclosed/", {"body": '{% include "x.html" %}'})
    assert include.status_code == 400 and "模板无法生成告知书" in include.content.decode()
    client.post(f"/staff/ysqgk/templates/{office.organisation.code}/disclosed/", {"body": "{{ applicant }}您好：\n\n新写法 {{ summary }}"})
    second = office.register(D("2026-03-02"))
    services.application_reply(actor=office.officer, application=second, result="disclosed", article="第三十六条", summary="乙")
    assert Letter.objects.get(application=second).body == "张三您好：\n\n新写法 乙"
    assert "新写法" not in Letter.objects.get(application=first).body


@pytest.mark.parametrize("url", ["/ysqgk/", "/ysqgk/apply/", "/ysqgk/progress/"])
def test_public_pages_render(client, office, url):
    assert client.get(url).status_code == 200


def test_notes_assignment_and_reviews_from_the_detail_page(client, office):
    app = office.register(D("2026-03-02"))
    client.force_login(office.officer)
    client.post(f"/staff/ysqgk/{app.pk}/note/", {"body": "申请人来电询问进度"})
    client.post(f"/staff/ysqgk/{app.pk}/assign/", {"assignee": office.colleague.pk})
    refused = client.post(f"/staff/ysqgk/{app.pk}/review/", {"kind": "reconsideration", "filed_on": "2026-04-01",
                                                            "outcome": "upheld"}, follow=True)
    assert "已审结的请填写审结日期" in refused.content.decode()
    client.post(f"/staff/ysqgk/{app.pk}/review/", {"kind": "reconsideration", "filed_on": "2026-04-01", "outcome": "pending"})
    review = app.reviews.get()
    client.post(f"/staff/ysqgk/{app.pk}/review/{review.pk}/", {"outcome": "corrected", "decided_on": "2026-05-20"})
    app.refresh_from_db()
    review.refresh_from_db()
    assert app.notes.get().body == "申请人来电询问进度" and app.assignee == office.colleague
    assert (review.outcome, review.decided_on) == ("corrected", D("2026-05-20"))
