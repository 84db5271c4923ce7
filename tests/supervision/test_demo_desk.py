"""What the supervision desk sees after `make run` (at a reduced scale: 2,000 cases instead of
98,700): the demo year's lights, alerts and cards, ratings and their rectifications, complaints;
and a poor rating that the centre's director and the desk carry through rectification."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import FAST_HASHERS
from yangguang.core import demo
from yangguang.core.models import User
from yangguang.supervision.models import Alert, Card, Complaint, Evaluation, MonthlyScore, Notification, Rectification


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    from yangguang.core.calendar import calendar_seed_from_package

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, SERVICES_DEMO_CASES=2000):
        calendar_seed_from_package()
        demo.load()
        demo.load_apps(history=True)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def desk(client, demo_city):
    client.force_login(User.objects.get(username="jiandu"))
    return client


@pytest.mark.django_db
def test_the_desk_sees_the_years_lights_cards_ratings_and_complaints(desk):
    assert Alert.objects.filter(level="yellow").exists() and Alert.objects.filter(level="red").exists()
    assert Card.objects.filter(colour="yellow").exists() and Card.objects.filter(status="revoked").exists()
    assert Evaluation.objects.count() > 500 and Rectification.objects.values("status").distinct().count() >= 4
    assert Complaint.objects.values("channel").distinct().count() >= 5
    assert MonthlyScore.objects.filter(month__year=2026).exists()

    page = desk.get("/staff/dzjc/")
    assert page.status_code == 200 and "红灯" in page.content.decode()
    cards = desk.get("/staff/dzjc/cards/").content.decode()
    assert "黄牌" in cards and "已撤销" in cards
    rectifications = desk.get("/staff/hcp/").content.decode()
    assert "待核实" in rectifications
    complaints = desk.get("/staff/ts/").content.decode()
    assert Complaint.objects.filter(organisation__code=demo.JUSTICE).first().number in complaints
    assert desk.get("/staff/jdy/kh/").status_code == 200


@pytest.mark.django_db
def test_a_poor_rating_runs_through_rectification(client, desk, demo_city):
    task = Rectification.objects.filter(status="verifying", evaluation__subject="case").first()
    assert task is not None
    director = User.objects.get(username="zhongxin")
    assert Notification.objects.filter(recipient=director, kind="evaluation").exists()

    client.force_login(director)
    url = f"/staff/hcp/{task.pk}/"
    assert client.post(url + "verify/", {"verify-verification": "经调取窗口录像核实，属实。"}).status_code == 302
    assert client.post(url + "reply/", {"reply-measures": "对窗口人员进行批评教育并组织业务培训。",
                                        "reply-reply": "已电话向申请人致歉并说明整改情况。"}).status_code == 302
    assert client.post(url + "revisit/", {"revisit-result": "satisfied", "revisit-note": "申请人表示满意。"}).status_code == 302
    task.refresh_from_db()
    assert task.status == "closed" and task.verified_by == director and task.revisit_result == "satisfied"
    # Done once: doing it again is refused with the reason, not a 500.
    again = client.post(url + "verify/", {"verify-verification": "再次核实"})
    assert again.status_code == 400 and "不能核实" in again.content.decode()


@pytest.mark.django_db
def test_an_outsider_sees_none_of_it(client, demo_city):
    client.force_login(User.objects.get(username="waibu"))
    task = Rectification.objects.first()
    assert client.get(f"/staff/hcp/{task.pk}/").status_code in (403, 404)
    assert client.get(f"/staff/dzjc/cards/{Card.objects.first().pk}/").status_code in (403, 404)
    assert client.get(f"/staff/ts/{Complaint.objects.first().pk}/").status_code in (403, 404)
    assert client.get("/staff/dzjc/").status_code in (403, 404)
