"""E-supervision (电子监察): what the sweep raised, the rules that turn alerts into cards, the cards
(黄牌/红牌) against a window or a person, and appeals against them.

An ``Alert`` is one crossing of one threshold by one open case or disclosure application: it turned
yellow, it turned red (overdue), or one of its steps was held longer than that step's own limit.
It is unique per (subject, level, step, deadline), so sweeping again — or two servers sweeping at
once — raises it once; a moved deadline (a suspension, a calendar change) is a new deadline and may
raise a new alert. ``cleared_on`` is set when the subject no longer shows that light."""

from __future__ import annotations

__all__ = ["Alert", "CardRule", "Card", "CardAppeal"]

from django.db import models
from django.db.models import Q

from yangguang.core.models import Organisation, User, Window

SUBJECTS = {"case": "办件", "application": "依申请公开"}
LEVELS = {"yellow": "黄灯（临近期限）", "red": "红灯（已逾期）", "step_overtime": "环节超时"}
COLOURS = {"yellow": "黄牌", "red": "红牌"}


def _choices(mapping):
    return list(mapping.items())


class Alert(models.Model):
    subject = models.CharField("对象类型", max_length=12, choices=_choices(SUBJECTS))
    case = models.ForeignKey(
        "services.Case", verbose_name="办件", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    application = models.ForeignKey(
        "foi.Application", verbose_name="依申请公开", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    number = models.CharField("编号", max_length=60)
    organisation = models.ForeignKey(Organisation, verbose_name="承办机构", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Organisation, verbose_name="实施部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(Window, verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        "services.ServiceItem", verbose_name="事项", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible = models.ForeignKey(
        User, verbose_name="责任人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("预警类型", max_length=16, choices=_choices(LEVELS))
    step = models.CharField("环节", max_length=12, blank=True)
    due_on = models.DateField("期限")
    raised_on = models.DateField("发出日期", db_index=True)
    raised_at = models.DateTimeField("发出时间")
    cleared_on = models.DateField("解除日期", null=True, blank=True)
    # Set once the responsible person and their head were notified: the sweep's to-do list, so a
    # sweep that died between raising and notifying is finished by the next one.
    notified_at = models.DateTimeField("通知时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "电子监察预警"
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject="case", case__isnull=False, application__isnull=True)
                | Q(subject="application", case__isnull=True, application__isnull=False),
                name="alert_one_subject",
            ),
            models.UniqueConstraint(
                fields=["case", "level", "step", "due_on"], condition=Q(case__isnull=False), name="alert_case_once"
            ),
            models.UniqueConstraint(
                fields=["application", "level", "step", "due_on"], condition=Q(application__isnull=False),
                name="alert_application_once",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "raised_on", "level"], name="alert_org_day"),
            models.Index(fields=["cleared_on", "level"], name="alert_open"),
            models.Index(fields=["raised_on"], condition=Q(notified_at__isnull=True), name="alert_to_notify"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {LEVELS.get(self.level, self.level)}"


class CardRule(models.Model):
    """"累计 N 次 [预警类型] 记 [黄牌/红牌]，对 [窗口/个人]": counted per calendar month."""

    class Against(models.TextChoices):
        WINDOW = "window", "窗口"
        PERSON = "person", "个人"

    organisation = models.ForeignKey(
        Organisation, verbose_name="适用机构（含下级）", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="空为全部机构",
    )
    name = models.CharField("规则名称", max_length=100)
    level = models.CharField("预警类型", max_length=16, choices=_choices(LEVELS))
    threshold = models.PositiveSmallIntegerField("当月累计次数", default=1)
    against = models.CharField("记牌对象", max_length=10, choices=Against.choices)
    colour = models.CharField("牌色", max_length=10, choices=_choices(COLOURS))
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "记牌规则"
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(threshold__gte=1), name="card_rule_threshold_positive")]

    def __str__(self) -> str:
        return self.name


class Card(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", "已记牌"
        APPEALED = "appealed", "申诉中"
        UPHELD = "upheld", "申诉驳回，维持"
        REVOKED = "revoked", "申诉成立，已撤销"

    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(Window, verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(User, verbose_name="个人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    colour = models.CharField("牌色", max_length=10, choices=_choices(COLOURS))
    rule = models.ForeignKey(CardRule, verbose_name="规则", null=True, blank=True, on_delete=models.PROTECT, related_name="cards")
    month = models.DateField("所属月份", help_text="该月第一天")
    ordinal = models.PositiveSmallIntegerField("当月第几张", default=1)
    alerts = models.ManyToManyField(Alert, verbose_name="依据的预警", blank=True, related_name="cards")
    reason = models.TextField("事由")
    issued_on = models.DateField("记牌日期")
    issued_by = models.ForeignKey(
        User, verbose_name="记牌人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # empty when the sweep issued it by rule
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ISSUED)

    class Meta:
        verbose_name = verbose_name_plural = "黄牌/红牌"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window__isnull=False, person__isnull=True) | Q(window__isnull=True, person__isnull=False),
                name="card_one_target",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="card_month_first_day"),
            models.UniqueConstraint(
                fields=["rule", "window", "month", "ordinal"], condition=Q(rule__isnull=False, window__isnull=False),
                name="card_rule_window_once",
            ),
            models.UniqueConstraint(
                fields=["rule", "person", "month", "ordinal"], condition=Q(rule__isnull=False, person__isnull=False),
                name="card_rule_person_once",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "month"], name="card_org_month")]

    def __str__(self) -> str:
        return f"{COLOURS.get(self.colour, self.colour)} {self.window or self.person} {self.month:%Y-%m}"


class CardAppeal(models.Model):
    class Decision(models.TextChoices):
        UPHELD = "upheld", "维持记牌"
        REVOKED = "revoked", "撤销记牌"

    card = models.OneToOneField(Card, verbose_name="牌", on_delete=models.CASCADE, related_name="appeal")
    reasons = models.TextField("申诉理由")
    filed_by = models.ForeignKey(User, verbose_name="申诉人", on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("申诉时间")
    decision = models.CharField("复核结论", max_length=10, choices=Decision.choices, blank=True)
    decision_note = models.TextField("复核意见", blank=True)
    decided_by = models.ForeignKey(User, verbose_name="复核人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("复核时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "记牌申诉"
        constraints = [
            models.CheckConstraint(condition=~Q(reasons=""), name="card_appeal_reasons_required"),
            models.CheckConstraint(
                condition=Q(decision="", decided_at__isnull=True) | (~Q(decision="") & Q(decided_at__isnull=False)),
                name="card_appeal_decided_together",
            ),
        ]

    def __str__(self) -> str:
        return f"申诉：{self.card}"
