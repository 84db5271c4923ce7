"""The ground every other app stands on: places, organisations, windows, people and their roles,
the working-day calendar, numbering and the audit trail."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from yangguang.core.personal import EncryptedField, lookup_hash_field

CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def validate_code(value: str) -> None:
    if not CODE_RE.match(value):
        raise ValidationError("编码只能由字母、数字、下划线或连字符组成，长度 1–40")


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（区）"
        TOWN = "town", "镇（街道）"
        VILLAGE = "village", "村（社区）"

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"), name="region_code_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", "人民政府"
        DEPARTMENT = "department", "政府部门"
        SERVICE_CENTRE = "service_centre", "政务服务中心"
        WINDOW_UNIT = "window_unit", "窗口单位"
        TOWN = "town", "镇（街道）"
        VILLAGE = "village", "村（社区）"

    code = models.CharField("机构编码", max_length=40, unique=True, validators=[validate_code])
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级机构", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region = models.ForeignKey(Region, verbose_name="所在区划", null=True, blank=True, on_delete=models.PROTECT)
    # "/CITY/CITY-SFJ/" — the chain of codes from the root, so a subtree is one indexed prefix query.
    path = models.CharField("层级路径", max_length=500, db_index=True, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    address = models.CharField("办公地址", max_length=200, blank=True)
    phone = models.CharField("办公电话", max_length=50, blank=True)
    office_hours = models.CharField("办公时间", max_length=100, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "机构"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.pk and self.parent_id:
            parent_path = Organisation.objects.filter(pk=self.parent_id).values_list("path", flat=True).first() or ""
            old_path = Organisation.objects.filter(pk=self.pk).values_list("path", flat=True).first() or ""
            if old_path and parent_path.startswith(old_path):
                raise ValidationError({"parent": "上级机构不能是本机构或其下级机构"})

    def save(self, *args, **kwargs):
        old_path = Organisation.objects.filter(pk=self.pk).values_list("path", flat=True).first() if self.pk else None
        self.path = (self.parent.path if self.parent_id else "/") + self.code + "/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moved or renamed: every descendant's path starts with the new prefix.
            moved = list(Organisation.objects.filter(path__startswith=old_path).exclude(pk=self.pk))
            for org in moved:
                org.path = self.path + org.path[len(old_path):]
            Organisation.objects.bulk_update(moved, ["path"])

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    phone = EncryptedField("手机号码", kind="phone")
    phone_hash = lookup_hash_field()
    id_number = EncryptedField("身份证号码", kind="id_number")
    id_number_hash = lookup_hash_field()

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    WINDOW_CLERK = "window_clerk", "窗口受理人员"
    REVIEWER = "reviewer", "审核人员"
    APPROVER = "approver", "核准人员"
    DISCLOSURE_OFFICER = "disclosure_officer", "政务公开工作人员"
    CONFIDENTIALITY_REVIEWER = "confidentiality_reviewer", "保密审查人员"
    LEADER = "leader", "领导"
    SUPERVISOR = "supervisor", "监督人员"
    INFORMATION_OFFICER = "information_officer", "政务信息员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


# 三权分立: one person never holds two of these.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="role_assignments")
    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT)
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    include_descendants = models.BooleanField("含下级机构", default=True)
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class Window(models.Model):
    class Kind(models.TextChoices):
        RESIDENT = "resident", "常驻窗口"
        COMPREHENSIVE = "comprehensive", "综合窗口"

    centre = models.ForeignKey(
        Organisation, verbose_name="政务服务中心", on_delete=models.PROTECT, related_name="windows"
    )
    number = models.CharField("窗口号", max_length=10)
    name = models.CharField("窗口名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    is_active = models.BooleanField("启用", default=True)
    departments = models.ManyToManyField(
        Organisation, through="WindowAuthorisation", related_name="served_by_windows", verbose_name="进驻部门"
    )

    class Meta:
        verbose_name = verbose_name_plural = "窗口"
        ordering = ["centre", "number"]
        constraints = [models.UniqueConstraint(fields=["centre", "number"], name="window_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}号 {self.name}"


class WindowAuthorisation(models.Model):
    """A department's authorisation (授权书) for a window to accept and decide its items."""

    window = models.ForeignKey(Window, verbose_name="窗口", on_delete=models.CASCADE, related_name="authorisations")
    department = models.ForeignKey(Organisation, verbose_name="授权部门", on_delete=models.PROTECT)
    chief_representative = models.ForeignKey(
        User, verbose_name="首席代表", null=True, blank=True, on_delete=models.SET_NULL
    )
    letter_number = models.CharField("授权书文号", max_length=100, blank=True)
    authorised_on = models.DateField("授权日期")
    scope = models.TextField("授权范围", blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "窗口授权"
        constraints = [
            models.UniqueConstraint(fields=["window", "department"], name="window_authorisation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.department} → {self.window}"


class CalendarYear(models.Model):
    """A year whose official schedule is configured; dates in other years are provisional."""

    class Source(models.TextChoices):
        PACKAGE = "chinesecalendar", "chinesecalendar 数据包"
        ADMIN = "admin", "管理员录入"

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    document = models.CharField("依据文件", max_length=200, blank=True)
    configured_at = models.DateTimeField("配置时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "已配置年度"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2200), name="calendar_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("节日", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"


class CalendarRevision(models.Model):
    """One row whose token changes on every calendar change, so every process notices. A random
    token rather than a counter: a rolled-back change must never leave a process holding a
    calendar under a revision number that a later, different change will reuse."""

    token = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = verbose_name_plural = "日历版本"


class NumberingRule(models.Model):
    """How numbers of one kind look, e.g. ``〔{year}〕{seq}号`` or ``{org}-{year}-{seq:06d}``."""

    kind = models.CharField("编号类型", max_length=40)
    organisation = models.ForeignKey(
        Organisation, verbose_name="适用机构（空为全部）", null=True, blank=True, on_delete=models.CASCADE
    )
    template = models.CharField("编号格式", max_length=100, default="〔{year}〕{seq}号")

    class Meta:
        verbose_name = verbose_name_plural = "编号规则"
        constraints = [
            models.UniqueConstraint(fields=["kind", "organisation"], name="numbering_rule_unique"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(organisation__isnull=True), name="numbering_rule_default_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.template}"


class NumberSequence(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    kind = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "编号序列"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "year"], name="number_sequence_unique"),
        ]


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计事件只能追加，不能修改")

    def delete(self):
        raise PermissionError("审计事件只能追加，不能删除")

    _raw_delete = delete


class AuditEvent(models.Model):
    """One line of the append-only audit trail, chained to the previous by HMAC-SM3."""

    seq = models.PositiveBigIntegerField("序号", unique=True)
    occurred_at = models.DateTimeField("时间", db_index=True)
    # The actor is a snapshot, not a foreign key: deleting a user must never rewrite history.
    actor_id = models.BigIntegerField("操作人编号", null=True, blank=True, db_index=True)
    actor_label = models.CharField("操作人", max_length=150)
    action = models.CharField("操作", max_length=80, db_index=True)
    object_type = models.CharField("对象类型", max_length=80, blank=True)
    object_id = models.CharField("对象编号", max_length=80, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    reason = models.TextField("原因", blank=True)
    success = models.BooleanField("是否成功", default=True)
    client_ip = models.CharField("客户端地址", max_length=45, blank=True)
    prev_hash = models.CharField("前一事件摘要", max_length=64)
    hash = models.CharField("摘要", max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计事件"
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计事件只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计事件只能追加，不能删除")


class AuditHead(models.Model):
    """The tip of the chain. Appending locks this row, so events from many servers form one chain."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)


class ApiToken(models.Model):
    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=12, db_index=True)
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class Attachment(models.Model):
    """An uploaded file, identified by its SHA-256 so a published document can be checked later."""

    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(User, verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.original_name
