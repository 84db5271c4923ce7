"""Generated reports. An annual report is a versioned document: its numbers are frozen when it is
published, and a correction is a new version with a reason; every version stays visible."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from yangguang.core.models import Organisation, User


class AnnualReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    class Scope(models.TextChoices):
        OWN = "own", "本机关"
        SUMMARY = "summary", "汇总"

    organisation = models.ForeignKey(Organisation, verbose_name="机关", on_delete=models.PROTECT, related_name="annual_reports")
    scope = models.CharField("范围", max_length=10, choices=Scope.choices, default=Scope.OWN)
    members = models.JSONField("汇总的机关（编码）", default=list, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    version = models.PositiveSmallIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    data = models.JSONField("报告内容")
    reason = models.TextField("更正理由", blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开工作年度报告"
        ordering = ["organisation", "scope", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "scope", "year", "version"], name="annual_report_version_unique"),
            models.UniqueConstraint(
                fields=["organisation", "scope", "year"], condition=Q(status="draft"), name="annual_report_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True) | Q(status="published", published_at__isnull=False),
                name="annual_report_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    @property
    def title(self) -> str:
        suffix = "（汇总）" if self.scope == self.Scope.SUMMARY else ""
        return f"{self.organisation.name}{self.year}年政府信息公开工作年度报告{suffix}"
