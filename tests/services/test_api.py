"""/api/v1/services/: online application and progress lookup."""

import uuid

from yangguang.services.models import Case

from .test_cases import applicant


def payload(item, **overrides) -> dict:
    data = applicant()
    body = {"item": item.code, "applicant_type": "person", "name": data["applicant_name"], "id_number": data["id_number"],
            "phone": data["phone"], "materials": ["申请表"]}
    body.update(overrides)
    return body


def test_submit_and_follow_through_the_api(client, hall):
    key = str(uuid.uuid4())
    response = client.post("/api/v1/services/cases", payload(hall.licence, submission_key=key), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "C-ZWFW-BJ-2026-000001" and body["missing_materials"] == ["身份证明"]
    again = client.post("/api/v1/services/cases", payload(hall.licence, submission_key=key), content_type="application/json")
    assert again.status_code == 200 and again.json()["secret"] == body["secret"] and Case.objects.count() == 1
    progress = client.get(f"/api/v1/services/cases/{body['tracking_code']}", {"secret": body["secret"]})
    assert progress.status_code == 200 and progress.json()["status_label"] == "已提交"
    assert client.get(f"/api/v1/services/cases/{body['tracking_code']}", {"secret": "NOPE1234"}).status_code == 404


def test_bad_input_names_the_field(client, hall):
    cases = [
        ({**payload(hall.licence), "item": "NOSUCH"}, "item"),
        (payload(hall.simple), "item"),  # no online service
        (payload(hall.licence, materials=["营业执照"]), "materials"),
        (payload(hall.licence, id_number="123"), "id_number"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/services/cases", body, content_type="application/json")
        assert response.status_code in (400, 422), (field, response.content)
        assert field in response.content.decode()
    assert not Case.objects.exists()


def test_too_many_submissions_from_one_sender_are_a_429(client, hall, settings):
    settings.SERVICES_RATE_LIMIT = 1
    first = client.post("/api/v1/services/cases", payload(hall.licence), content_type="application/json")
    second = client.post("/api/v1/services/cases", payload(hall.licence), content_type="application/json")
    assert first.status_code == 201 and second.status_code == 429
    assert "提交过于频繁" in second.json()["detail"] and Case.objects.count() == 1


def test_an_item_past_its_stop_date_is_refused(client, hall):
    from yangguang.services.models import ServiceItem
    from yangguang.services.services import local_today

    ServiceItem.objects.filter(pk=hall.licence.pk).update(active_until=local_today())
    response = client.post("/api/v1/services/cases", payload(hall.licence), content_type="application/json")
    assert response.status_code == 400 and "item" in response.content.decode()
