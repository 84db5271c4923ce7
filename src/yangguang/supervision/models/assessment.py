"""Monthly assessment of windows and staff: the formula in force (weights shown to everyone
assessed) and the scores computed from it, from which 红旗窗口 and 服务标兵 are ranked."""

from __future__ import annotations

__all__ = ["AssessmentFormula", "MonthlyScore"]

from django.db import models
from django.db.models import Q

from yangguang.core.models import Organisation, User, Window


class AssessmentFormula(models.Model):
    """Score = base × on-time rate + base × satisfaction − deductions; see ``supervision.assessment``.
    One formula per organisation from a month on; the latest one not after a month applies to it."""

    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField("起用月份", help_text="该月第一天")
    on_time_weight = models.DecimalField("按时办结率权重（分）", max_digits=5, decimal_places=2, default=40)
    satisfaction_weight = models.DecimalField("满意率权重（分）", max_digits=5, decimal_places=2, default=40)
    base_points = models.DecimalField("基础分", max_digits=5, decimal_places=2, default=20)
    complaint_deduction = models.DecimalField("每件属实投诉扣分", max_digits=5, decimal_places=2, default=5)
    yellow_card_deduction = models.DecimalField("每张黄牌扣分", max_digits=5, decimal_places=2, default=2)
    red_card_deduction = models.DecimalField("每张红牌扣分", max_digits=5, decimal_places=2, default=5)
    red_flag_count = models.PositiveSmallIntegerField("红旗窗口个数", default=3)
    model_staff_count = models.PositiveSmallIntegerField("服务标兵人数", default=5)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核办法"
        ordering = ["organisation", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "effective_from"], name="assessment_formula_once_per_month"),
            models.CheckConstraint(condition=Q(effective_from__day=1), name="assessment_formula_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} 考核办法（{self.effective_from:%Y年%m月起}）"


class MonthlyScore(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份", help_text="该月第一天")
    window = models.ForeignKey(Window, verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(User, verbose_name="人员", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    formula = models.ForeignKey(AssessmentFormula, verbose_name="考核办法", on_delete=models.PROTECT, related_name="+")
    completed = models.PositiveIntegerField("办结件数", default=0)
    on_time = models.PositiveIntegerField("按时办结件数", default=0)
    evaluations = models.PositiveIntegerField("评价数", default=0)
    satisfied = models.PositiveIntegerField("满意评价数", default=0)
    complaints_upheld = models.PositiveIntegerField("属实投诉件数", default=0)
    yellow_cards = models.PositiveIntegerField("黄牌数", default=0)
    red_cards = models.PositiveIntegerField("红牌数", default=0)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField("名次")
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = verbose_name_plural = "月度考核得分"
        ordering = ["organisation", "month", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window__isnull=False, person__isnull=True) | Q(window__isnull=True, person__isnull=False),
                name="monthly_score_one_target",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="monthly_score_first_day"),
            models.UniqueConstraint(fields=["organisation", "month", "window"], condition=Q(window__isnull=False),
                                    name="monthly_score_window_once"),
            models.UniqueConstraint(fields=["organisation", "month", "person"], condition=Q(person__isnull=False),
                                    name="monthly_score_person_once"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.window or self.person} {self.score}"
