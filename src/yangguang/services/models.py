"""The service centre (政务服务中心): service items and their guides, cases (办件) from intake to
delivery, their suspensions, the hops of a case forwarded from a village point to the centre, and
the steps each person took."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from yangguang.core.models import Organisation, User, Window
from yangguang.core.personal import EncryptedField, lookup_hash_field
from yangguang.services import rules


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


def _default_steps() -> list[str]:
    return list(rules.DEFAULT_STEPS)


class ServiceItem(models.Model):
    """One item of the catalogue (事项) with everything its guide (办事指南) shows."""

    code = models.CharField("事项编码", max_length=40, unique=True)
    name = models.CharField("事项名称", max_length=200)
    kind = models.CharField("事项类型", max_length=20, choices=_choices(rules.KINDS))
    department = models.ForeignKey(
        Organisation, verbose_name="实施部门", on_delete=models.PROTECT, related_name="service_items"
    )
    legal_limit = models.PositiveSmallIntegerField("法定时限（工作日）", null=True, blank=True)
    committed_limit = models.PositiveSmallIntegerField("承诺时限（工作日）", default=0)
    immediate = models.BooleanField("即办件", default=False)
    steps = models.JSONField("办理环节", default=_default_steps)
    step_limits = models.JSONField("各环节时限（工作日）", default=dict, blank=True)
    charges = models.BooleanField("收费", default=False)
    fee_basis = models.TextField("收费依据", blank=True)
    fee_standard = models.TextField("收费标准", blank=True)
    conditions = models.TextField("办理条件", blank=True)
    legal_basis = models.TextField("设定依据", blank=True)
    place = models.CharField("办理地点", max_length=200, blank=True)
    hours = models.CharField("办理时间", max_length=200, blank=True)
    consult_phone = models.CharField("咨询电话", max_length=50, blank=True)
    supervise_phone = models.CharField("监督投诉电话", max_length=50, blank=True)
    online_allowed = models.BooleanField("可网上申报", default=False)
    agency_allowed = models.BooleanField("可镇村代办", default=False)
    is_active = models.BooleanField("在用", default=True)
    active_from = models.DateField("启用日期", null=True, blank=True)
    active_until = models.DateField("停用日期", null=True, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "政务服务事项"
        ordering = ["department__path", "sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(immediate=False) | Q(committed_limit=0), name="item_immediate_zero_limit"),
            models.CheckConstraint(condition=Q(immediate=True) | Q(committed_limit__gt=0), name="item_promised_limit_positive"),
            models.CheckConstraint(
                condition=Q(legal_limit__isnull=True) | Q(committed_limit__lte=F("legal_limit")),
                name="item_committed_within_legal",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.immediate and self.committed_limit:
            errors["committed_limit"] = "即办件的承诺时限应为 0"
        if not self.immediate and not self.committed_limit:
            errors["committed_limit"] = "承诺件须填写大于 0 的承诺时限"
        if self.legal_limit is not None and self.committed_limit > self.legal_limit:
            errors["committed_limit"] = f"承诺时限（{self.committed_limit}）不能超过法定时限（{self.legal_limit}）"
        message = rules.steps_error(self.steps, self.immediate)
        if message:
            errors["steps"] = message
        if errors:
            raise ValidationError(errors)

    @property
    def step_keys(self) -> tuple[str, ...]:
        return rules.IMMEDIATE_STEPS if self.immediate else rules.normalise_steps(self.steps)

    def is_active_on(self, day) -> bool:
        """In the catalogue on ``day``: switched on, and within its 启用/停用 dates (停用日期 excluded)."""
        return self.is_active and (self.active_from is None or self.active_from <= day) and (
            self.active_until is None or day < self.active_until
        )

    def get_kind_display(self) -> str:
        return rules.KINDS.get(self.kind, self.kind)

    @property
    def is_approval(self) -> bool:
        return self.kind != rules.PUBLIC_SERVICE


class Material(models.Model):
    """A document the applicant brings (申请材料)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=200)
    form = models.CharField("材料形式", max_length=12, choices=_choices(rules.MATERIAL_FORMS), default="original")
    copies = models.PositiveSmallIntegerField("份数", default=1)
    required = models.BooleanField("必须提供", default=True)
    note = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "申请材料"
        ordering = ["item", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """One case (办件). ``organisation`` is the handling centre (or department); its numbers are
    gapless per year. Dates the statistics count (``accepted_on``, ``completed_on``,
    ``used_workdays``) and the limits that applied are stored on the row."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="受理机构", on_delete=models.PROTECT, related_name="service_cases"
    )
    number = models.CharField("办件编号", max_length=60)
    sequence = models.PositiveIntegerField("序号", default=0)
    item = models.ForeignKey(ServiceItem, verbose_name="事项", on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey(
        Organisation, verbose_name="实施部门", on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(Window, verbose_name="受理窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    channel = models.CharField("申报渠道", max_length=10, choices=_choices(rules.CHANNELS))
    agency_point = models.ForeignKey(
        Organisation, verbose_name="代办点", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey(
        Organisation, verbose_name="当前所在", on_delete=models.PROTECT, related_name="+",
        help_text="代办件转报途中所在的便民服务点；到达中心后为受理机构",
    )

    tracking_code = models.CharField("查询码", max_length=16, unique=True)
    secret_hash = models.CharField("查询密码摘要", max_length=64, blank=True)
    submission_key = models.UUIDField("提交标识", null=True, blank=True, editable=False)
    sender_hash = models.CharField("提交来源摘要", max_length=64, blank=True, editable=False)

    applicant_type = models.CharField("申请人类型", max_length=20, choices=_choices(rules.APPLICANT_TYPES), default="person")
    applicant_name = models.CharField("申请人", max_length=100)
    id_number = EncryptedField("证件号码", kind="id_number")
    id_number_hash = lookup_hash_field()
    phone = EncryptedField("联系电话", kind="phone")
    phone_hash = lookup_hash_field()
    applicant_user = models.ForeignKey(
        User, verbose_name="申请人账号", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivery = models.CharField("送达方式", max_length=12, choices=_choices(rules.DELIVERIES), default="window")
    request_note = models.TextField("申请事由", blank=True)

    status = models.CharField("状态", max_length=12, choices=_choices(rules.STATUSES), default=rules.SUBMITTED)
    submitted_at = models.DateTimeField("提交时间")
    registered_by = models.ForeignKey(User, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    accepted_on = models.DateField("受理日期", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    accepted_by = models.ForeignKey(User, verbose_name="受理人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rejection_reason = models.TextField("不予受理理由", blank=True)
    immediate = models.BooleanField("即办件", default=False)
    committed_limit = models.PositiveSmallIntegerField("承诺时限（工作日）", default=0)
    legal_limit = models.PositiveSmallIntegerField("法定时限（工作日）", null=True, blank=True)
    step_plan = models.JSONField("办理环节", default=list, blank=True, help_text="登记时的事项环节；空为按事项当前配置（导入的办件）")
    due_on = models.DateField("办结期限", null=True, blank=True)
    warning_on = models.DateField("预警日期", null=True, blank=True)
    due_provisional = models.BooleanField("期限为暂定", default=False)

    correction_items = models.JSONField("需补正的材料", default=list, blank=True)
    correction_note = models.TextField("补正说明", blank=True)
    correction_requested_on = models.DateField("告知补正之日", null=True, blank=True)

    completed_on = models.DateField("办结日期", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    decided_by = models.ForeignKey(User, verbose_name="决定人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    result = models.CharField("办理结果", max_length=10, blank=True, choices=_choices(rules.RESULTS))
    result_document = models.CharField("决定文书文号", max_length=100, blank=True)
    result_note = models.TextField("决定理由", blank=True)
    used_workdays = models.SmallIntegerField("实际用时（工作日）", null=True, blank=True)
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    withdrawal_reason = models.TextField("撤回理由", blank=True)
    imported = models.BooleanField("从原系统导入", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "办件"
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="service_case_number_unique"),
            models.UniqueConstraint(
                fields=["organisation", "submission_key"], condition=Q(submission_key__isnull=False),
                name="service_case_submission_once",
            ),
            models.CheckConstraint(
                condition=Q(result="") | Q(status__in=[rules.COMPLETED, rules.DELIVERED]),
                name="service_case_result_only_when_completed",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[rules.COMPLETED, rules.DELIVERED]) | (~Q(result="") & Q(completed_on__isnull=False)),
                name="service_case_completed_has_result",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(accepted_on__isnull=False, completed_on__gte=F("accepted_on")),
                name="service_case_completed_after_accepted",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="svc_case_queue"),
            models.Index(fields=["location", "status"], name="svc_case_location"),
            models.Index(fields=["status", "warning_on"], name="svc_case_light"),
            # The e-supervision dashboard groups the running cases by these columns, in this order, reading
            # the index alone (supervision.dashboard): only the running cases are in it.
            models.Index(fields=["organisation", "department", "window", "item", "accepted_by", "due_on", "warning_on"],
                         condition=Q(status__in=rules.RUNNING_STATUSES), name="svc_case_supervision"),
            # The statistics read only these (covering: every column is a key, which SQLite honours too).
            models.Index(fields=["accepted_on", "department", "window", "item", "immediate", "organisation", "agency_point"],
                         name="svc_stat_accepted"),
            models.Index(fields=["completed_on", "department", "window", "item", "status", "accepted_on", "committed_limit",
                                 "legal_limit", "used_workdays", "organisation", "agency_point"], name="svc_stat_completed"),
            models.Index(fields=["accepted_on", "agency_point", "immediate", "organisation", "department"],
                         condition=Q(agency_point__isnull=False), name="svc_stat_agency_accepted"),
            models.Index(fields=["completed_on", "agency_point", "status", "accepted_on", "committed_limit", "legal_limit",
                                 "used_workdays", "organisation", "department"],
                         condition=Q(agency_point__isnull=False), name="svc_stat_agency_completed"),
            models.Index(fields=["id_number_hash", "submitted_at"], name="svc_case_applicant"),
            models.Index(fields=["sender_hash", "submitted_at"], name="svc_case_sender"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_status_display(self) -> str:
        return rules.status_label(self.status)

    @property
    def is_open(self) -> bool:
        return self.status in rules.OPEN_STATUSES

    @property
    def step_keys(self) -> tuple[str, ...]:
        """The steps this case goes through: those of its item when it was registered, so a later
        change of the catalogue does not strand a case half way."""
        if self.immediate:
            return rules.IMMEDIATE_STEPS
        return rules.normalise_steps(self.step_plan) if self.step_plan else self.item.step_keys


class CaseMaterial(models.Model):
    """What the applicant handed in (or, at correction, still owes)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(Material, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("材料名称", max_length=200)
    required = models.BooleanField("必须提供", default=True)  # as the item said when the case was registered
    provided = models.BooleanField("已提交", default=False)
    provided_on = models.DateField("提交日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件材料"
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.name


class Suspension(models.Model):
    """Time not counted (行政许可法第四十五条); ``ended_on`` is empty while it lasts. F..T both excluded."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField("类型", max_length=12, choices=_choices(rules.SUSPENSION_KINDS))
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    reason = models.TextField("事由", blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "暂停计时"
        ordering = ["case", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="suspension_ends_after_start"
            ),
            models.UniqueConstraint(fields=["case"], condition=Q(ended_on__isnull=True), name="suspension_one_open"),
        ]

    def __str__(self) -> str:
        return f"{rules.SUSPENSION_KINDS.get(self.kind, self.kind)} {self.started_on}–{self.ended_on or '…'}"


class Hop(models.Model):
    """One leg of an agency case's way: registered at a village point, forwarded to the town, then
    to the centre. The first hop of every agency case has ``from_org`` empty (registration)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hops")
    from_org = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "代办流转"
        ordering = ["case", "at", "pk"]


class Step(models.Model):
    """One step a person took on a case, with their opinion: the 一审一核 record, and the timing the
    e-supervision checks against each step's own limit."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField("环节", max_length=12, choices=_choices(rules.STEPS))
    action = models.CharField("操作", max_length=24)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")
    opinion = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理环节记录"
        ordering = ["case", "at", "pk"]
