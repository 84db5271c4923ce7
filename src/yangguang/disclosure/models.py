"""Proactive disclosure (主动公开): the catalogue, the records and their review, the guide,
construction-project lifecycle disclosure, consultations on drafts, and the search index."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from yangguang.core.models import Attachment, Organisation, User


class Scope(models.TextChoices):
    PUBLIC = "public", "对外公开"
    INTERNAL = "internal", "对内公开"


class Channel(models.TextChoices):
    PORTAL = "portal", "门户网站"
    BOARD = "board", "政务公开栏/公示栏"
    GUIDE = "guide", "办事指南/手册"
    MEETING = "meeting", "会议"
    INTERNAL_DOCUMENT = "internal_document", "内部行文"


class UpdateFrequency(models.TextChoices):
    ON_CHANGE = "on_change", "变动时更新"
    REALTIME = "realtime", "即时"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    YEARLY = "yearly", "每年"


class CatalogueNode(models.Model):
    """One category (类) or item (项) of an organisation's disclosure catalogue."""

    class Kind(models.TextChoices):
        CATEGORY = "category", "类"
        ITEM = "item", "项"

    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="catalogue")
    parent = models.ForeignKey(
        "self", verbose_name="所属类别", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField("层级", max_length=10, choices=Kind.choices)
    code = models.CharField("编号", max_length=20)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("公开内容说明", blank=True)
    scope = models.CharField("公开范围", max_length=10, choices=Scope.choices, default=Scope.PUBLIC)
    channels = models.JSONField("公开形式", default=list, blank=True)
    responsible_unit = models.CharField("责任科室", max_length=100, blank=True)
    update_frequency = models.CharField(
        "更新频率", max_length=20, choices=UpdateFrequency.choices, default=UpdateFrequency.ON_CHANGE
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "公开目录"
        ordering = ["organisation", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="catalogue_code_unique"),
            models.CheckConstraint(
                condition=Q(kind="category", parent__isnull=True) | Q(kind="item", parent__isnull=False),
                name="catalogue_items_under_categories",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self):
        unknown = set(self.channels or []) - set(Channel.values)
        if unknown:
            raise ValidationError({"channels": f"未知的公开形式：{'、'.join(sorted(unknown))}"})
        if self.parent_id and self.parent.organisation_id != self.organisation_id:
            raise ValidationError({"parent": "所属类别必须属于同一机构"})

    def channel_labels(self) -> list[str]:
        return [Channel(c).label for c in self.channels if c in Channel.values]


class Guide(models.Model):
    """An organisation's 政府信息公开指南 (条例 第十二条)."""

    organisation = models.OneToOneField(Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="disclosure_guide")
    arrangement = models.TextField("主动公开信息的分类与编排体系", blank=True)
    how_to_obtain = models.TextField("获取方式", blank=True)
    application_guidance = models.TextField("依申请公开的程序", blank=True)
    office_name = models.CharField("政府信息公开工作机构名称", max_length=100, blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True)
    office_hours = models.CharField("办公时间", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    fax = models.CharField("传真号码", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # 条例 第十二条 names each of these; a guide without one of them is incomplete.
    REQUIRED = ["arrangement", "how_to_obtain", "office_name", "address", "office_hours", "phone", "fax", "email"]

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开指南"

    def __str__(self) -> str:
        return f"{self.organisation}政府信息公开指南"

    def missing_fields(self) -> list[str]:
        return [str(self._meta.get_field(name).verbose_name) for name in self.REQUIRED if not getattr(self, name)]


class Project(models.Model):
    """A construction project (基建工程) whose records are disclosed stage by stage."""

    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="projects")
    name = models.CharField("项目名称", max_length=200)
    description = models.TextField("项目概况", blank=True)
    started_on = models.DateField("立项日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "基建工程项目"

    def __str__(self) -> str:
        return self.name


class ProjectStage(models.TextChoices):
    """事前 立项、设计、预算 · 事中 招投标 · 事后 质监、验收."""

    APPROVAL = "approval", "立项"
    DESIGN = "design", "设计"
    BUDGET = "budget", "预算"
    TENDER = "tender", "招投标"
    QUALITY = "quality", "质监"
    ACCEPTANCE = "acceptance", "验收"


class FactKind(models.TextChoices):
    """What a record counts as in section 2 of the annual report."""

    NONE = "", "无"
    RULE = "rule", "规章"
    NORMATIVE_DOCUMENT = "normative_document", "行政规范性文件"
    LICENSING = "licensing", "行政许可决定"
    PENALTY = "penalty", "行政处罚决定"
    COERCION = "coercion", "行政强制决定"
    FEE = "administrative_fee", "行政事业性收费"


class RecordState(models.TextChoices):
    DRAFT = "draft", "草稿"
    CONFIDENTIALITY_REVIEW = "confidentiality_review", "待保密审查"
    LEADER_APPROVAL = "leader_approval", "待领导审批"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"
    REPEALED = "repealed", "已废止"


class InformationRecord(models.Model):
    """One piece of government information (政府信息) to be disclosed."""

    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="records")
    item = models.ForeignKey(CatalogueNode, verbose_name="目录项", on_delete=models.PROTECT, related_name="records")
    title = models.CharField("标题", max_length=200)
    summary = models.CharField("内容概述", max_length=500, blank=True)
    body = models.TextField("正文", blank=True)  # sanitised HTML, see rules.sanitise_html
    index_number = models.CharField("索引号", max_length=60, unique=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    formed_on = models.DateField("生成日期")
    publisher = models.ForeignKey(Organisation, verbose_name="发布机构", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField("公开范围", max_length=10, choices=Scope.choices)
    state = models.CharField("状态", max_length=30, choices=RecordState.choices, default=RecordState.DRAFT)
    state_reason = models.TextField("最近一次退回、撤回或废止的理由", blank=True)
    due_on = models.DateField("公开期限", db_index=True)
    due_provisional = models.BooleanField("期限为暂定", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    repealed_on = models.DateField("废止日期", null=True, blank=True)
    fact_kind = models.CharField("年报统计类别", max_length=30, choices=FactKind.choices, blank=True, default="")
    decision_count = models.PositiveIntegerField("处理决定数量", null=True, blank=True)
    fee_amount = models.DecimalField("收费金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    project = models.ForeignKey(Project, verbose_name="基建工程项目", null=True, blank=True, on_delete=models.PROTECT, related_name="records")
    project_stage = models.CharField("工程阶段", max_length=20, choices=ProjectStage.choices, blank=True)
    attachments = models.ManyToManyField(Attachment, verbose_name="附件", blank=True)
    created_by = models.ForeignKey(User, verbose_name="起草人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "政府信息"
        ordering = ["-formed_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "state", "scope"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=True, project_stage="") | Q(project__isnull=False) & ~Q(project_stage=""),
                name="record_project_has_stage",
            ),
            models.CheckConstraint(
                condition=Q(decision_count__isnull=True) | Q(fact_kind__in=["licensing", "penalty", "coercion"]),
                name="record_decisions_only_for_decisions",
            ),
            models.CheckConstraint(
                condition=Q(fee_amount__isnull=True) | Q(fact_kind="administrative_fee"),
                name="record_fee_only_for_fees",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.state == RecordState.PUBLISHED and self.scope == Scope.PUBLIC


class RecordReview(models.Model):
    """The review record (保密审查记录 / 领导审批记录) kept with the information."""

    class Step(models.TextChoices):
        SUBMIT = "submit", "提交审查"
        CONFIDENTIALITY = "confidentiality", "保密审查"
        LEADER = "leader", "领导审批"
        WITHDRAW = "withdraw", "撤回"
        REPEAL = "repeal", "废止"

    record = models.ForeignKey(InformationRecord, on_delete=models.CASCADE, related_name="reviews")
    step = models.CharField("环节", max_length=20, choices=Step.choices)
    approved = models.BooleanField("通过")
    reason = models.TextField("意见", blank=True)
    actor = models.ForeignKey(User, verbose_name="办理人", on_delete=models.PROTECT)
    decided_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "审查记录"
        ordering = ["decided_at", "pk"]


class SearchEntry(models.Model):
    """Segmented text of one public record, for the full-text index (FTS5 on SQLite, tsvector on
    PostgreSQL; both are built over these columns by migration 0002)."""

    record = models.OneToOneField(InformationRecord, primary_key=True, on_delete=models.CASCADE, related_name="search_entry")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(CatalogueNode, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(db_index=True)
    title_tokens = models.TextField()
    body_tokens = models.TextField()

    class Meta:
        verbose_name = verbose_name_plural = "检索索引"


class Consultation(models.Model):
    """预公开 / 征求意见: a draft decision open for public comment for a set period."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        OPEN = "open", "征求意见中"
        CLOSED = "closed", "已截止"
        CONCLUDED = "concluded", "已公布采纳情况"

    organisation = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="consultations")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("草案内容")
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.DRAFT)
    feedback_note = models.TextField("意见采纳情况说明", blank=True)
    concluded_at = models.DateTimeField("公布采纳情况时间", null=True, blank=True)
    final_record = models.ForeignKey(
        InformationRecord, verbose_name="最终决定", null=True, blank=True, on_delete=models.PROTECT, related_name="consultations"
    )
    created_by = models.ForeignKey(User, verbose_name="发起人", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "征求意见"
        ordering = ["-opens_on"]
        constraints = [models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="consultation_period_order")]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已公开"
        REJECTED = "rejected", "不予公开"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    author_name = models.CharField("署名", max_length=50, blank=True)
    body = models.TextField("意见内容")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    moderation_reason = models.CharField("审核意见", max_length=200, blank=True)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)
    # Keyed hash of the sender's address: enough to rate-limit, not enough to identify.
    sender_hash = models.CharField(max_length=64, db_index=True)
    moderated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "公众意见"
        ordering = ["submitted_at", "pk"]
