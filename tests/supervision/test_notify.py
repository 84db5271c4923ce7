"""The notification centre: once per event and person; a failing SMS gateway is retried with
back-off and every failure logged, given up after five tries, and the in-app notice is never lost;
the inbox shows only one's own notifications and marks them read."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yangguang.supervision import notify
from yangguang.supervision.models import Delivery, Notification

from .alerts_world import desk  # noqa: F401  (fixture)


class FlakyGateway:
    """Fails while ``down`` is set, like an SMS gateway during an outage."""

    down = True
    sent: list = []

    def send(self, address, title, body):
        if FlakyGateway.down:
            raise ConnectionError("短信网关无响应")
        FlakyGateway.sent.append((address, title))


@pytest.fixture
def sms(settings):
    settings.NOTIFY_BACKENDS = {"sms": "tests.supervision.test_notify.FlakyGateway"}
    FlakyGateway.down, FlakyGateway.sent = True, []
    return FlakyGateway


def test_the_same_event_notifies_each_person_once(desk):
    args = {"recipients": [desk.clerk, desk.head, desk.clerk], "key": "alert:1", "kind": "yellow", "title": "黄灯预警"}
    assert notify.notify(**args) == 2
    assert notify.notify(**args) == 0
    assert Notification.objects.filter(key="alert:1").count() == 2
    assert Delivery.objects.count() == 2


def test_a_failing_backend_is_retried_with_back_off_and_logged(desk, sms, caplog):
    now = timezone.now()
    notify.notify(recipients=[desk.clerk], key="alert:7", kind="red", title="红灯超期：办件 ZW-1", now=now)
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.address) == ("sms", "")  # the number stays encrypted on the user
    with caplog.at_level(logging.WARNING, logger="yangguang.notify"):
        first = notify.deliver_pending(now=now)
    assert (first.sent, first.retried) == (0, 1)
    assert "短信网关无响应" in caplog.text and "将重试" in caplog.text
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("pending", 1, now + timedelta(minutes=1))
    assert notify.deliver_pending(now=now + timedelta(seconds=30)).retried == 0  # not yet due
    sms.down = False
    assert notify.deliver_pending(now=now + timedelta(minutes=1)).sent == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert sms.sent == [("13800000001", "红灯超期：办件 ZW-1")]


def test_after_five_failures_the_delivery_is_given_up_but_the_notice_stays(desk, sms, caplog):
    now = timezone.now()
    notify.notify(recipients=[desk.clerk], key="alert:8", kind="red", title="红灯超期", now=now)
    waits = []
    for _ in range(notify.MAX_ATTEMPTS):
        now += timedelta(days=1)
        with caplog.at_level(logging.WARNING, logger="yangguang.notify"):
            notify.deliver_pending(now=now)
        d = Delivery.objects.get()
        waits.append(d.next_attempt_at - now)
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    d = Delivery.objects.get()
    assert (d.status, d.attempts) == ("failed", 5) and "短信网关无响应" in d.last_error
    assert "已放弃" in caplog.text
    assert notify.unread_count(desk.clerk) == 1  # still in the notification centre


def test_the_inbox_lists_ones_own_notifications_and_marks_them_read(client, desk):
    notify.notify(recipients=[desk.clerk], key="alert:1", kind="yellow", title="黄灯预警：办件 ZW-1")
    notify.notify(recipients=[desk.head], key="alert:2", kind="yellow", title="黄灯预警：办件 ZW-2")
    client.force_login(desk.clerk)
    page = client.get(reverse("supervision-alerts:inbox"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "ZW-1" in text and "ZW-2" not in text and "未读 <strong>1</strong>" in text
    others = Notification.objects.get(recipient=desk.head)
    assert client.post(reverse("supervision-alerts:inbox-read", args=[others.pk])).status_code == 404
    mine = Notification.objects.get(recipient=desk.clerk)
    assert client.post(reverse("supervision-alerts:inbox-read", args=[mine.pk])).status_code == 302
    assert notify.unread_count(desk.clerk) == 0 and notify.unread_count(desk.head) == 1


def test_mark_all_read(client, desk):
    for n in range(3):
        notify.notify(recipients=[desk.head], key=f"alert:{n}", kind="yellow", title=f"黄灯预警 {n}")
    client.force_login(desk.head)
    client.post(reverse("supervision-alerts:inbox-read-all"))
    assert notify.unread_count(desk.head) == 0


def test_the_inbox_needs_a_login(client, db):
    assert client.get(reverse("supervision-alerts:inbox")).status_code == 302
