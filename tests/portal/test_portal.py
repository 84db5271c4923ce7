"""The public shell: navigation, health check, security headers, Chinese error pages."""

import pytest


@pytest.mark.django_db
def test_home_page_has_the_disclosure_column_and_navigation(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>首页 · 阳光政务</title>" in html
    for entry in ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"):
        assert entry in html
    for nav in ("政府信息公开", "政务服务", "互动监督", "工作人员登录"):
        assert nav in html
    assert 'lang="zh-CN"' in html and "跳到正文" in html
    assert "大字模式" in html and "高对比度" in html


@pytest.mark.django_db
@pytest.mark.parametrize("section, title", [("zn", "政府信息公开指南"), ("zd", "政府信息公开制度"), ("fdzdgknr", "法定主动公开内容"), ("nb", "政府信息公开年报")])
def test_disclosure_sections(client, world, section, title):
    html = client.get(f"/xxgk/{section}/").content.decode()
    assert f"<h1>{title}</h1>" in html
    assert "测试市司法局" in html


@pytest.mark.django_db
def test_no_asset_comes_from_another_host(client):
    html = client.get("/").content.decode()
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    assert "/static/vendor/htmx/htmx.min.js" in html


@pytest.mark.django_db
def test_vendored_assets_are_served(client):
    for path in ("/static/vendor/htmx/htmx.min.js", "/static/vendor/echarts/echarts.min.js", "/static/portal/site.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        b"".join(response.streaming_content if response.streaming else [response.content])


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_dead_database(client, monkeypatch):
    from django.db import connection

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "error"


@pytest.mark.django_db
def test_not_found_page_is_chinese_without_details(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_server_error_page_is_chinese_without_traceback(client, monkeypatch):
    from yangguang.portal import views

    def explode():
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views.disclosure_selectors, "portal_organisations", explode)
    client.raise_request_exception = False
    response = client.get("/xxgk/zn/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统繁忙" in html and "secret" not in html and "Traceback" not in html


def test_staff_pages_need_login(client, db):
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_shows_roles_on_the_staff_page(client, clerk):
    response = client.post("/login/", {"username": "clerk", "password": "Persona@2026"}, follow=True)
    html = response.content.decode()
    assert "工作台" in html and "窗口受理人员" in html and "测试市政务服务中心" in html


def test_wrong_password_message_is_chinese(client, clerk):
    html = client.post("/login/", {"username": "clerk", "password": "nope"}).content.decode()
    assert "用户名或密码不正确" in html


def test_logout(client, clerk):
    client.force_login(clerk)
    assert client.post("/logout/").status_code == 302
    assert client.get("/staff/").status_code == 302
