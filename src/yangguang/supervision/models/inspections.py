"""Invited supervisors (特邀监督员): the roster and their terms, the inspections they make
(明察暗访), what they found and how each finding was followed up."""

from __future__ import annotations

__all__ = ["Supervisor", "Inspection", "InspectionFinding"]

from django.db import models
from django.db.models import F, Q

from yangguang.core.models import Organisation, User, Window
from yangguang.core.personal import EncryptedField, lookup_hash_field


class Supervisor(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name="聘请机构", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=50)
    affiliation = models.CharField("工作单位及职务", max_length=200, blank=True)
    category = models.CharField("界别", max_length=50, blank=True, help_text="如：人大代表、政协委员、群众代表、企业代表")
    phone = EncryptedField("联系电话", kind="phone")
    phone_hash = lookup_hash_field()
    user = models.ForeignKey(User, verbose_name="系统账号", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    certificate_number = models.CharField("聘书编号", max_length=50, blank=True)
    term_starts_on = models.DateField("聘期开始")
    term_ends_on = models.DateField("聘期结束")
    dismissed_on = models.DateField("解聘日期", null=True, blank=True)
    dismissal_reason = models.CharField("解聘原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "特邀监督员"
        ordering = ["organisation", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(term_ends_on__gte=F("term_starts_on")), name="supervisor_term_order"),
            models.CheckConstraint(condition=~Q(name=""), name="supervisor_name_required"),
            models.UniqueConstraint(fields=["organisation", "certificate_number"], condition=~Q(certificate_number=""),
                                    name="supervisor_certificate_once"),
        ]

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    class Kind(models.TextChoices):
        OPEN = "open", "明察"
        UNANNOUNCED = "unannounced", "暗访"
        MEETING = "meeting", "座谈评议"

    organisation = models.ForeignKey(Organisation, verbose_name="被检查机构", on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(Window, verbose_name="被检查窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    supervisors = models.ManyToManyField(Supervisor, verbose_name="参加的监督员", related_name="inspections")
    kind = models.CharField("方式", max_length=12, choices=Kind.choices)
    inspected_on = models.DateField("检查日期", db_index=True)
    summary = models.TextField("检查情况")
    recorded_by = models.ForeignKey(User, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "监督检查"
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.inspected_on}"


class InspectionFinding(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待整改"
        RECTIFIED = "rectified", "已整改"
        CONFIRMED = "confirmed", "已复查确认"

    inspection = models.ForeignKey(Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="findings")
    problem = models.TextField("发现的问题")
    responsible = models.ForeignKey(Organisation, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("整改期限")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    follow_up = models.TextField("整改情况", blank=True)
    rectified_on = models.DateField("整改日期", null=True, blank=True)
    confirmed_on = models.DateField("复查日期", null=True, blank=True)
    confirmed_by = models.ForeignKey(User, verbose_name="复查人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "检查发现的问题"
        ordering = ["inspection", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(problem=""), name="finding_problem_required")]

    def __str__(self) -> str:
        return self.problem[:30]
