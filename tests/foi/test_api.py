"""POST /api/v1/foi/applications and the progress lookup: the API form of the portal form."""

import uuid

import pytest
from django.utils import timezone

from yangguang.foi import services
from yangguang.foi.models import Application

from .conftest import resident_id

URL = "/api/v1/foi/applications"


def body(office, **overrides):
    data = {
        "organisation": office.organisation.code, "applicant_type": "natural_person", "name": "张三",
        "id_type": "resident_id", "id_number": resident_id(), "phone": "13800001111", "email": "",
        "address": "", "description": "申请公开 2025 年度法律援助经费使用情况", "form": "electronic", "delivery": "online",
    }
    data.update(overrides)
    return data


def test_submit_then_follow_progress_with_code_and_secret(client, office):
    response = client.post(URL, body(office), content_type="application/json")
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["status"] == "submitted" and out["due_on"] is None and out["number"].endswith("-00001")
    progress = client.get(f"{URL}/{out['tracking_code']}", {"secret": out["secret"]})
    assert progress.status_code == 200
    shown = progress.json()
    assert shown["status_label"] == "已提交，待确认收到" and shown["due_on"] is None
    assert "双方确认之日" in shown["explanation"][0]
    assert "张三" not in progress.content.decode() and "13800001111" not in progress.content.decode()

    app = Application.objects.get()
    services.application_confirm_receipt(actor=office.officer, application=app)
    shown = client.get(f"{URL}/{out['tracking_code']}", {"secret": out["secret"]}).json()
    assert shown["status"] == "processing" and shown["received_on"] == timezone.localdate().isoformat()
    assert shown["due_on"] == app.__class__.objects.get().due_on.isoformat()
    assert shown["explanation"][-1].startswith("答复期限：")


def test_progress_needs_both_code_and_secret_and_says_nothing_about_which_was_wrong(client, office):
    out = client.post(URL, body(office), content_type="application/json").json()
    wrong_secret = client.get(f"{URL}/{out['tracking_code']}", {"secret": "AAAAAAAA"})
    wrong_code = client.get(f"{URL}/ZZZZZZZZZZ", {"secret": out["secret"]})
    missing = client.get(f"{URL}/{out['tracking_code']}")
    assert wrong_secret.status_code == wrong_code.status_code == 404
    assert wrong_secret.json() == wrong_code.json() == {"detail": "未找到"}
    assert missing.status_code == 422 and "查询密码（secret）" in missing.json()["detail"]


def test_bad_input_is_a_chinese_400_naming_the_field(client, office):
    response = client.post(URL, body(office, id_number="110101199003074510", description=""), content_type="application/json")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "证件号码（id_number）：居民身份证号码校验位不正确" in detail and "所需信息描述（description）" in detail
    assert Application.objects.count() == 0


def test_unknown_organisation_and_missing_fields(client, office):
    response = client.post(URL, body(office, organisation="NOPE"), content_type="application/json")
    assert response.status_code == 400 and "受理机关（organisation）" in response.json()["detail"]
    partial = body(office)
    del partial["description"]
    response = client.post(URL, partial, content_type="application/json")
    assert response.status_code == 422 and "所需信息描述（description）：缺少必填项" in response.json()["detail"]
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code in (400, 422)


def test_a_repeated_submission_key_returns_the_same_application(client, office):
    key = str(uuid.uuid4())
    first = client.post(URL, body(office, submission_key=key), content_type="application/json")
    again = client.post(URL, body(office, submission_key=key), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"] and again.json()["secret"] == first.json()["secret"]
    assert Application.objects.count() == 1


def test_the_public_endpoint_is_rate_limited(client, office, settings):
    settings.FOI_RATE_LIMIT = 2
    codes = [client.post(URL, body(office), content_type="application/json").status_code for _ in range(3)]
    assert codes == [201, 201, 429]


def test_oversized_text_is_refused(client, office):
    response = client.post(URL, body(office, description="查" * 5000), content_type="application/json")
    assert response.status_code in (400, 422)
    assert "所需信息描述" in response.json()["detail"]
    assert Application.objects.count() == 0


@pytest.mark.parametrize("applicant_type", ["business", "research", "public_welfare", "legal_service", "other_org"])
def test_every_organisation_type_can_apply(client, office, applicant_type):
    response = client.post(URL, body(office, applicant_type=applicant_type, name="示例单位", id_type="credit_code",
                                     id_number="91330100MA2ABCDE1X", contact_person="李四"),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert Application.objects.get().applicant_type == applicant_type
