"""好差评: a rating of a completed case or an answered disclosure application, once per channel,
and the rectification task (整改) that a poor rating (差评) opens."""

from __future__ import annotations

__all__ = ["Evaluation", "Rectification"]

from django.db import models
from django.db.models import Q

from yangguang.core.models import Organisation, User, Window

LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
POOR_LEVELS = frozenset({2, 1})  # 差评
CHANNELS = {"device": "窗口评价器", "web": "网上评价", "sms": "短信评价"}


class Evaluation(models.Model):
    subject = models.CharField("对象类型", max_length=12, choices=[("case", "办件"), ("application", "依申请公开")])
    case = models.ForeignKey(
        "services.Case", verbose_name="办件", null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations"
    )
    application = models.ForeignKey(
        "foi.Application", verbose_name="依申请公开", null=True, blank=True, on_delete=models.PROTECT,
        related_name="evaluations",
    )
    organisation = models.ForeignKey(Organisation, verbose_name="被评价机构", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Organisation, verbose_name="实施部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(Window, verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(User, verbose_name="被评价人员", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("评价渠道", max_length=10, choices=list(CHANNELS.items()))
    level = models.PositiveSmallIntegerField("评价等级", choices=list(LEVELS.items()))
    comment = models.TextField("评价内容", blank=True)
    rated_at = models.DateTimeField("评价时间")
    rated_on = models.DateField("评价日期", db_index=True)
    # Set when the supervision desk upholds the unit's appeal (申诉成立): the rating stays on record
    # but no figure counts it.
    voided = models.BooleanField("已作废（申诉成立）", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "好差评"
        ordering = ["-rated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject="case", case__isnull=False, application__isnull=True)
                | Q(subject="application", case__isnull=True, application__isnull=False),
                name="evaluation_one_subject",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="evaluation_level_1_5"),
            models.UniqueConstraint(fields=["case", "channel"], condition=Q(case__isnull=False), name="evaluation_case_once_per_channel"),
            models.UniqueConstraint(
                fields=["application", "channel"], condition=Q(application__isnull=False),
                name="evaluation_application_once_per_channel",
            ),
        ]
        indexes = [
            models.Index(fields=["rated_on", "department", "window", "level", "voided"], name="evaluation_stats"),
            models.Index(fields=["organisation", "rated_on"], name="evaluation_org_day"),
        ]

    def __str__(self) -> str:
        return f"{LEVELS.get(self.level, self.level)} {self.rated_on}"

    @property
    def is_poor(self) -> bool:
        return self.level in POOR_LEVELS


class Rectification(models.Model):
    """差评整改: verify within 1 working day, rectify and reply within 15 (configurable), return
    visit (回访); or the unit appeals a mistaken or malicious rating (申诉复核), which the supervision
    desk decides."""

    class Status(models.TextChoices):
        VERIFYING = "verifying", "待核实"
        RECTIFYING = "rectifying", "整改中"
        REPLIED = "replied", "已整改答复，待回访"
        APPEALED = "appealed", "申诉复核中"
        CLOSED = "closed", "已办结"
        VOIDED = "voided", "申诉成立，差评不计"

    evaluation = models.OneToOneField(Evaluation, verbose_name="差评", on_delete=models.PROTECT, related_name="rectification")
    organisation = models.ForeignKey(Organisation, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.VERIFYING)
    opened_on = models.DateField("开始日期")
    verify_due_on = models.DateField("核实期限")
    reply_due_on = models.DateField("整改答复期限")
    verified_on = models.DateField("核实日期", null=True, blank=True)
    verified_by = models.ForeignKey(User, verbose_name="核实人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verification = models.TextField("核实情况", blank=True)
    measures = models.TextField("整改措施", blank=True)
    reply = models.TextField("答复内容", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    replied_by = models.ForeignKey(User, verbose_name="答复人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revisited_on = models.DateField("回访日期", null=True, blank=True)
    revisited_by = models.ForeignKey(User, verbose_name="回访人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revisit_result = models.CharField("回访结果", max_length=12, blank=True,
                                      choices=[("satisfied", "满意"), ("basic", "基本满意"), ("unsatisfied", "不满意")])
    revisit_note = models.TextField("回访情况", blank=True)
    appeal_reasons = models.TextField("申诉理由", blank=True)
    appealed_on = models.DateField("申诉日期", null=True, blank=True)
    appealed_by = models.ForeignKey(User, verbose_name="申诉人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    appeal_decision = models.CharField("复核结论", max_length=10, blank=True,
                                       choices=[("upheld", "申诉成立"), ("rejected", "申诉不成立")])
    appeal_note = models.TextField("复核意见", blank=True)
    appeal_decided_on = models.DateField("复核日期", null=True, blank=True)
    appeal_decided_by = models.ForeignKey(
        User, verbose_name="复核人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "差评整改"
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(appealed_on__isnull=True) | ~Q(appeal_reasons=""), name="rectification_appeal_needs_reasons"),
        ]
        indexes = [models.Index(fields=["organisation", "status", "reply_due_on"], name="rectification_queue")]

    def __str__(self) -> str:
        return f"整改：{self.evaluation}"
