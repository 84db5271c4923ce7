"""Complaints, reports and opinions (投诉/举报/意见建议) from every channel, numbered, routed to
the responsible organisation, handled within a limit, answered and archived; and the openings of
the complaint mailbox (意见箱), each recorded."""

from __future__ import annotations

__all__ = ["Complaint", "MailboxOpening"]

from django.db import models
from django.db.models import F, Q

from yangguang.core.models import Organisation, User
from yangguang.core.personal import EncryptedField, lookup_hash_field

KINDS = {"complaint": "投诉", "report": "举报", "opinion": "意见建议"}
CHANNELS = {
    "portal": "网上留言",
    "mailbox": "意见箱",
    "hotline": "监督电话",
    "reception": "接待日",
    "supervisor": "特邀监督员",
    "window": "投诉窗口",
    "foi": "依申请公开转来",
}


class MailboxOpening(models.Model):
    """"定期开箱": when, by whom (two people, as is the practice), how many letters."""

    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    mailbox = models.CharField("意见箱", max_length=100, help_text="如：政务服务中心一楼大厅意见箱")
    opened_at = models.DateTimeField("开箱时间")
    opened_by = models.ForeignKey(User, verbose_name="开箱人", on_delete=models.PROTECT, related_name="+")
    witness = models.ForeignKey(User, verbose_name="见证人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    letters = models.PositiveSmallIntegerField("信件数")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "意见箱开箱记录"
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(witness__isnull=True) | ~Q(witness=F("opened_by")), name="mailbox_witness_other"),
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} {self.opened_at:%Y-%m-%d}"


class Complaint(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", "已登记"
        HANDLING = "handling", "办理中"
        ANSWERED = "answered", "已答复"
        ARCHIVED = "archived", "已归档"

    class Finding(models.TextChoices):
        UPHELD = "upheld", "属实"
        PARTLY = "partly", "部分属实"
        NOT_UPHELD = "not_upheld", "不属实"
        ADOPTED = "adopted", "意见建议已采纳"
        NOTED = "noted", "意见建议已收悉"

    number = models.CharField("编号", max_length=60, unique=True)
    kind = models.CharField("类型", max_length=10, choices=list(KINDS.items()))
    channel = models.CharField("来源渠道", max_length=12, choices=list(CHANNELS.items()))
    received_on = models.DateField("收到日期", db_index=True)
    registered_at = models.DateTimeField("登记时间")
    registered_by = models.ForeignKey(User, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    mailbox_opening = models.ForeignKey(
        MailboxOpening, verbose_name="开箱记录", null=True, blank=True, on_delete=models.PROTECT, related_name="letters_registered"
    )
    foi_application = models.ForeignKey(
        "foi.Application", verbose_name="转来的依申请公开", null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints",
    )
    reception_visit = models.ForeignKey(
        "supervision.ReceptionVisit", verbose_name="接待日来访", null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints",
    )
    anonymous = models.BooleanField("匿名", default=False)
    name = models.CharField("姓名", max_length=50, blank=True)
    phone = EncryptedField("联系电话", kind="phone")
    phone_hash = lookup_hash_field()
    subject = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    about_organisation = models.ForeignKey(
        Organisation, verbose_name="反映的单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    about_case = models.ForeignKey(
        "services.Case", verbose_name="涉及办件", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    tracking_code = models.CharField("查询码", max_length=16, unique=True)
    secret_hash = models.CharField("查询密码摘要", max_length=64, blank=True)
    sender_hash = models.CharField("提交来源摘要", max_length=64, blank=True, editable=False)

    organisation = models.ForeignKey(Organisation, verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    routed_at = models.DateTimeField("交办时间", null=True, blank=True)
    routed_by = models.ForeignKey(User, verbose_name="交办人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    limit_workdays = models.PositiveSmallIntegerField("办理时限（工作日）", default=15)
    due_on = models.DateField("办理期限")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REGISTERED)
    finding = models.CharField("核查结论", max_length=12, choices=Finding.choices, blank=True)
    handling = models.TextField("办理情况", blank=True)
    answer = models.TextField("答复内容", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answered_by = models.ForeignKey(User, verbose_name="答复人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answer_method = models.CharField("答复方式", max_length=20, blank=True)  # 电话/短信/书面/面谈/不需答复（无联系方式）
    archived_on = models.DateField("归档日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "投诉举报和意见建议"
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(content=""), name="complaint_content_required"),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("received_on")), name="complaint_answered_after_received"
            ),
            models.CheckConstraint(condition=Q(archived_on__isnull=True) | Q(status="archived"), name="complaint_archived_state"),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="complaint_queue"),
            models.Index(fields=["sender_hash", "registered_at"], name="complaint_sender"),
        ]

    def __str__(self) -> str:
        return self.number
