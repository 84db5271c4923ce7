"""Supervision (监督): the director's reception days (局长接待日) — each organisation's schedule, its
rotating duty leaders, changes to single months, and the register of visits."""

from __future__ import annotations

__all__ = ["ReceptionSchedule", "ReceptionLeader", "ReceptionDay", "ReceptionVisit"]

from django.db import models
from django.db.models import F, Q

from yangguang.core.models import Organisation, User
from yangguang.core.personal import EncryptedField, lookup_hash_field
from yangguang.supervision.reception import DEFAULT_DAY, Month


class ReceptionSchedule(models.Model):
    """One per organisation: "每月15日（遇公休日顺延下一日）为局长政务公开接待日"."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="reception_schedules"
    )
    day_of_month = models.PositiveSmallIntegerField(
        "接待日（每月几日）", default=DEFAULT_DAY,
        help_text="遇公休日、法定节假日顺延至下一个工作日；当月没有该日时为当月最后一天。",
    )
    place = models.CharField("接待地点", max_length=200)
    hours = models.CharField("接待时间", max_length=100, default="9:00–12:00，14:30–17:30")
    note = models.TextField("说明", blank=True)
    rotation_starts_on = models.DateField(
        "轮值起始月份", help_text="排在第一位的领导在这个月值班，以后每月依次轮换。"
    )
    active = models.BooleanField("在门户网站公布", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "接待日安排"
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="reception_schedule_one_per_organisation"),
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=31), name="reception_schedule_day_of_month_1_31"
            ),
            models.CheckConstraint(condition=Q(rotation_starts_on__day=1), name="reception_schedule_rotation_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name}接待日"

    @property
    def first_month(self) -> Month:
        return Month.of(self.rotation_starts_on)


class ReceptionLeader(models.Model):
    schedule = models.ForeignKey(ReceptionSchedule, verbose_name="接待日安排", on_delete=models.CASCADE, related_name="leaders")
    user = models.ForeignKey(User, verbose_name="领导", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField("轮值顺序")

    class Meta:
        verbose_name = verbose_name_plural = "轮值领导"
        ordering = ["schedule", "order"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "order"], name="reception_leader_order_unique"),
            models.UniqueConstraint(fields=["schedule", "user"], name="reception_leader_user_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.user}"


class ReceptionDay(models.Model):
    """A change to one month's reception: cancelled, or held on another date or by a substitute."""

    schedule = models.ForeignKey(ReceptionSchedule, verbose_name="接待日安排", on_delete=models.CASCADE, related_name="changes")
    month = models.DateField("月份", help_text="该月的第一天")
    cancelled = models.BooleanField("取消本月接待", default=False)
    held_on = models.DateField("改期至", null=True, blank=True)
    substitute = models.ForeignKey(
        User, verbose_name="代班领导", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("原因（将在门户网站公布）", max_length=200)
    decided_by = models.ForeignKey(
        User, verbose_name="决定人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # empty when the system made the change (demo data, commands)
    decided_at = models.DateTimeField("决定时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "接待日变更"
        ordering = ["schedule", "month"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "month"], name="reception_day_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="reception_day_month_first_day"),
            models.CheckConstraint(condition=~Q(reason=""), name="reception_day_reason_required"),
            models.CheckConstraint(
                condition=Q(cancelled=False) | Q(held_on__isnull=True, substitute__isnull=True),
                name="reception_day_cancelled_has_no_date",
            ),
            models.CheckConstraint(
                condition=Q(cancelled=True) | Q(held_on__isnull=False) | Q(substitute__isnull=False),
                name="reception_day_change_changes_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} {self.month:%Y-%m}"

    @property
    def as_month(self) -> Month:
        return Month.of(self.month)


class ReceptionVisit(models.Model):
    """One line of 《政务公开接待日情况登记表》: who came, what they raised, what they were told."""

    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="reception_visits")
    visited_on = models.DateField("接待日期", db_index=True)
    duty_leader = models.ForeignKey(User, verbose_name="值班领导", on_delete=models.PROTECT, related_name="+")
    visitor_name = models.CharField("来访人", max_length=50)
    contact_phone = EncryptedField("联系方式", kind="phone")
    contact_phone_hash = lookup_hash_field()
    issues = models.TextField("反映问题")
    reply = models.TextField("答复情况", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    follow_up_needed = models.BooleanField("需要跟踪办理", default=False)
    follow_up_closed_on = models.DateField("跟踪办结日期", null=True, blank=True)
    recorded_by = models.ForeignKey(User, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "接待日来访登记"
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "visited_on"], name="reception_visit_org_date")]
        constraints = [
            models.CheckConstraint(condition=~Q(visitor_name=""), name="reception_visit_visitor_required"),
            models.CheckConstraint(condition=~Q(issues=""), name="reception_visit_issues_required"),
            models.CheckConstraint(
                condition=Q(replied_on__isnull=True) | (~Q(reply="") & Q(replied_on__gte=F("visited_on"))),
                name="reception_visit_reply_dated_after_visit",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_closed_on__isnull=True) | Q(follow_up_needed=True),
                name="reception_visit_closed_only_when_needed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.visitor_name}"

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_needed and self.follow_up_closed_on is None

    @property
    def replied(self) -> bool:
        return self.replied_on is not None
