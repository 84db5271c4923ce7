"""The in-app notification centre and its outbox.

A ``Notification`` is what a person reads in the notification centre; it is written once per
(``key``, recipient) — the key names the event (an alert, a rectification task, a complaint) — so
two sweeps running at once cannot notify twice. Each notification also queues one ``Delivery`` per
external channel (SMS, email; the console backend by default); a failed delivery is retried with a
growing delay and every attempt is logged, so nothing is lost when a backend is down."""

from __future__ import annotations

__all__ = ["Notification", "Delivery"]

from django.db import models
from django.db.models import Q

from yangguang.core.models import Organisation, User


class Notification(models.Model):
    class Kind(models.TextChoices):
        YELLOW = "yellow", "黄灯预警"
        RED = "red", "红灯超期"
        STEP_OVERTIME = "step_overtime", "环节超时"
        CARD = "card", "黄牌/红牌"
        APPEAL = "appeal", "申诉"
        EVALUATION = "evaluation", "差评整改"
        COMPLAINT = "complaint", "投诉举报"
        INSPECTION = "inspection", "监督检查"
        OTHER = "other", "其他"

    recipient = models.ForeignKey(User, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications")
    organisation = models.ForeignKey(
        Organisation, verbose_name="相关机构", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    key = models.CharField("事件标识", max_length=120, help_text="同一事件对同一人只通知一次")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("通知时间", db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["key", "recipient"], name="notification_once_per_event")]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One message to send through one external channel; the outbox the deliverer drains."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败（已放弃）"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("渠道", max_length=20)  # "sms", "email", "console" — a key of settings.NOTIFY_BACKENDS
    address = models.CharField("地址", max_length=200, blank=True)  # phone or email at queue time; may be empty for console
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间")
    last_error = models.TextField("最近一次错误", blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知发送"
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], condition=Q(status="pending"), name="delivery_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.notification}"
