"""Applications for disclosure (依申请公开): the application and its clock, pauses, fee notice,
letters, notes, and the reconsideration and litigation records that follow a reply."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from yangguang.core.models import Attachment, Organisation, User
from yangguang.core.personal import EncryptedField, lookup_hash_field
from yangguang.foi import rules


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


class Application(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name="受理机关", on_delete=models.PROTECT, related_name="foi_applications"
    )
    number = models.CharField("申请编号", max_length=60)
    sequence = models.PositiveIntegerField("序号", default=0)
    tracking_code = models.CharField("查询码", max_length=16, unique=True)
    secret_hash = models.CharField("查询密码摘要", max_length=64)
    submission_key = models.UUIDField("提交标识", null=True, blank=True, editable=False)
    sender_hash = models.CharField("提交来源摘要", max_length=64, blank=True, editable=False)

    channel = models.CharField("申请方式", max_length=12, choices=_choices(rules.CHANNELS))
    applicant_type = models.CharField("申请人类型", max_length=20, choices=_choices(rules.APPLICANT_TYPES))
    applicant_name = models.CharField("申请人姓名或名称", max_length=100)
    id_type = models.CharField("证件类型", max_length=20, choices=_choices(rules.ID_TYPES))
    id_number = EncryptedField("证件号码", kind="id_number")
    id_number_hash = lookup_hash_field()
    legal_representative = models.CharField("法定代表人或负责人", max_length=50, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    phone = EncryptedField("联系电话", kind="phone")
    phone_hash = lookup_hash_field()
    email = EncryptedField("电子邮箱", kind="email")
    address = EncryptedField("通信地址", kind="address")
    postcode = models.CharField("邮政编码", max_length=6, blank=True)

    description = models.TextField("所需政府信息的名称、文号或特征性描述")
    form = models.CharField("获取信息的形式", max_length=12, choices=_choices(rules.FORMS))
    delivery = models.CharField("获取信息的方式", max_length=12, choices=_choices(rules.DELIVERIES))
    attachments = models.ManyToManyField(Attachment, verbose_name="附件", blank=True, related_name="+")

    submitted_at = models.DateTimeField("提交时间")
    registered_by = models.ForeignKey(
        User, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField("收到申请之日", null=True, blank=True)
    receipt_note = models.CharField("收到申请的说明", max_length=200, blank=True)

    status = models.CharField("状态", max_length=24, choices=_choices(rules.STATUSES), default=rules.SUBMITTED)
    assignee = models.ForeignKey(
        User, verbose_name="承办人", null=True, blank=True, on_delete=models.PROTECT, related_name="foi_assigned"
    )
    due_on = models.DateField("答复期限", null=True, blank=True)
    warning_on = models.DateField("预警日期", null=True, blank=True)
    due_provisional = models.BooleanField("期限为暂定", default=False)

    correction_requested_on = models.DateField("告知补正之日", null=True, blank=True)
    correction_items = models.TextField("需要补正的事项", blank=True)
    correction_due_on = models.DateField("补正期限", null=True, blank=True)
    correction_received_on = models.DateField("收到补正之日", null=True, blank=True)

    extension_workdays = models.PositiveSmallIntegerField("延长的工作日数", default=0)
    extension_reason = models.TextField("延长理由", blank=True)
    extension_approved_by = models.ForeignKey(
        User, verbose_name="批准延长的负责人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extended_on = models.DateField("延长告知之日", null=True, blank=True)

    result = models.CharField("办理结果", max_length=48, blank=True, choices=[(k, rules.result_label(k)) for k in rules.RESULTS])
    result_article = models.CharField("答复依据", max_length=200, blank=True)
    reply_summary = models.TextField("答复内容", blank=True)
    concluded_on = models.DateField("办结日期", null=True, blank=True)
    concluded_by = models.ForeignKey(
        User, verbose_name="答复人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported = models.BooleanField("从原系统导入", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开申请"
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="foi_application_number_unique"),
            models.UniqueConstraint(
                fields=["organisation", "submission_key"], condition=Q(submission_key__isnull=False),
                name="foi_application_submission_once",
            ),
            models.CheckConstraint(
                condition=Q(status=rules.CLOSED) | Q(result=""), name="foi_application_result_only_when_closed"
            ),
            models.CheckConstraint(
                condition=~Q(status=rules.CLOSED) | ~Q(result=""), name="foi_application_closed_has_result"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="foi_app_queue"),
            # Covers section 3 of the annual report: counted from the index alone.
            models.Index(fields=["organisation", "received_on", "concluded_on", "applicant_type", "result"],
                         name="foi_app_report"),
            models.Index(fields=["organisation", "concluded_on"], name="foi_app_concluded"),
            models.Index(fields=["sender_hash", "submitted_at"], name="foi_app_sender"),
            models.Index(fields=["organisation", "id_number_hash", "received_on"], name="foi_app_applicant"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != rules.CLOSED

    @property
    def is_organisation_applicant(self) -> bool:
        return self.applicant_type != rules.NATURAL_PERSON

    def get_status_display(self) -> str:  # keeps one source of labels
        return rules.STATUSES[self.status]

    def result_display(self) -> str:
        return rules.result_label(self.result) if self.result else ""


class Pause(models.Model):
    """Time not counted (第三十三条第三款): consulting a third party or another agency, or waiting for
    the information-processing fee. ``ended_on`` is empty while it lasts; the days from ``started_on``
    to ``ended_on`` are both excluded."""

    class Kind(models.TextChoices):
        THIRD_PARTY = "third_party", "征求第三方意见"
        AGENCY = "agency", "征求其他行政机关意见"
        FEE = "fee", "等待缴纳信息处理费"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    party = models.CharField("征求意见对象", max_length=200, blank=True)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    reply_due_on = models.DateField("对方答复期限", null=True, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "期限暂停"
        ordering = ["started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(ended_on__isnull=True), name="foi_one_open_pause"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}"


class FeeNotice(models.Model):
    class Method(models.TextChoices):
        BY_COUNT = "by_count", "按件计收"
        BY_PAGES = "by_pages", "按量计收"

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="fee")
    method = models.CharField("计收方式", max_length=10, choices=Method.choices)
    ordinal = models.PositiveIntegerField("本月第几件申请")
    pages = models.PositiveIntegerField("页数", default=0)
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    explanation = models.TextField("计算说明")
    notified_on = models.DateField("通知日期")
    pay_by = models.DateField("缴费期限")
    paid_on = models.DateField("缴费日期", null=True, blank=True)
    payment_reference = models.CharField("缴费凭证号", max_length=60, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信息处理费"

    def __str__(self) -> str:
        return f"{self.application} {self.amount} 元"


class Letter(models.Model):
    """A letter sent to the applicant (告知书). The text is frozen when it is issued: later template
    edits never change what was sent."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField("文书类型", max_length=24, choices=_choices(rules.LETTER_KINDS))
    title = models.CharField("标题", max_length=100)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    addressee = models.CharField("抬头", max_length=120)
    body = models.TextField("正文")
    signature = models.CharField("落款", max_length=100)
    issued_on = models.DateField("日期")
    issued_by = models.ForeignKey(User, verbose_name="出具人", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "告知书"
        ordering = ["issued_on", "pk"]

    def __str__(self) -> str:
        return f"{self.application} {self.title}"


class LetterTemplate(models.Model):
    """An organisation's own wording of a letter; without one the built-in wording is used. The body
    is a Django template; the variables it may use are listed on the edit page."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="foi_letter_templates")
    kind = models.CharField("文书类型", max_length=24, choices=_choices(rules.LETTER_KINDS))
    body = models.TextField("正文模板")
    updated_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "告知书模板"
        constraints = [models.UniqueConstraint(fields=["organisation", "kind"], name="foi_letter_template_unique")]


class Note(models.Model):
    """An internal note: never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("内容")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class Review(models.Model):
    """An administrative reconsideration or lawsuit about an application (annual report, section 4)."""

    class Kind(models.TextChoices):
        RECONSIDERATION = "reconsideration", "行政复议"
        LITIGATION_DIRECT = "litigation_direct", "行政诉讼（未经复议直接起诉）"
        LITIGATION_AFTER = "litigation_after_reconsideration", "行政诉讼（复议后起诉）"

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "结果维持"
        CORRECTED = "corrected", "结果纠正"
        OTHER = "other", "其他结果"
        PENDING = "pending", "尚未审结"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField("类型", max_length=40, choices=Kind.choices)
    body = models.CharField("复议机关或法院", max_length=100, blank=True)
    case_number = models.CharField("案号", max_length=60, blank=True)
    filed_on = models.DateField("受理（立案）日期")
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField("审结日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "行政复议与行政诉讼"
        ordering = ["filed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="pending", decided_on__isnull=True) | (~Q(outcome="pending") & Q(decided_on__isnull=False)),
                name="foi_review_decided_iff_outcome",
            ),
        ]
        indexes = [models.Index(fields=["filed_on"], name="foi_review_filed")]

    def __str__(self) -> str:
        return f"{self.application} {self.get_kind_display()}"
