"""/api/v1/: the working-day endpoint, the schema, token authentication, and Chinese errors."""

import pytest

from yangguang.core.services import api_token_create


@pytest.fixture
def api(client, seeded_calendar):
    return client


def test_workdays_add(api):
    response = api.get("/api/v1/workdays/add", {"start": "2026-02-10", "n": 20})
    assert response.status_code == 200
    assert response.json() == {"date": "2026-03-16", "provisional": False}


def test_workdays_add_provisional(api):
    assert api.get("/api/v1/workdays/add", {"start": "2026-12-30", "n": 3}).json() == {"date": "2027-01-04", "provisional": True}


def test_workdays_count(api):
    assert api.get("/api/v1/workdays/count", {"start": "2026-02-10", "end": "2026-03-10"}).json() == {"days": 16, "provisional": False}


@pytest.mark.parametrize(
    "params, field, words",
    [
        ({"start": "2026-02-30", "n": 3}, "start", "起始日期（start）：不是 YYYY-MM-DD 格式的有效日期"),
        ({"start": "2026-02-10", "n": "x"}, "n", "工作日数（n）：必须是整数"),
        ({"start": "2026-02-10", "n": 10001}, "n", "工作日数（n）：不得大于 10000"),
        ({"n": 3}, "start", "起始日期（start）：缺少必填项"),
    ],
)
def test_bad_input_is_422_in_chinese_naming_the_field(api, params, field, words):
    response = api.get("/api/v1/workdays/add", params)
    assert response.status_code == 422
    body = response.json()
    assert words in body["detail"]
    assert body["errors"][0]["field"] == field


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/workdays/add" in schema["paths"]
    assert "/api/v1/me" in schema["paths"]


def test_token_authentication(client, clerk):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer yg_not-a-token").status_code == 401
    token, key = api_token_create(actor=None, user=clerk, name="测试")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["roles"] == [{"role": "window_clerk", "label": "窗口受理人员", "organisation": "C-ZWFW"}]
    assert key not in token.key_hash


def test_revoked_expired_and_inactive_tokens_are_refused(client, clerk):
    from datetime import datetime, timedelta, timezone

    from yangguang.core.models import ApiToken

    _, revoked = api_token_create(actor=None, user=clerk, name="吊销")
    ApiToken.objects.filter(name="吊销").update(revoked_at=datetime.now(timezone.utc))
    _, expired = api_token_create(actor=None, user=clerk, name="过期", expires_at=datetime.now(timezone.utc) - timedelta(seconds=1))
    _, live = api_token_create(actor=None, user=clerk, name="有效")
    for key in (revoked, expired):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    clerk.is_active = False
    clerk.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {live}").status_code == 401


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
