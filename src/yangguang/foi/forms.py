"""Forms of the application page and of the officer's actions. Validation of substance lives in
the services; these only shape the input and label it in Chinese."""

from __future__ import annotations

import uuid

from django import forms

from yangguang.core.formfields import choice_field, date_field, text_field
from yangguang.core.models import Organisation
from yangguang.disclosure.forms import MultipleFileField
from yangguang.foi import rules, services
from yangguang.foi.models import FeeNotice, Pause, Review

_date, _text, _choice = date_field, text_field, choice_field


class ApplicantForm(forms.Form):
    """What 第二十九条 asks of an applicant."""

    applicant_type = _choice("申请人类型", list(rules.APPLICANT_TYPES.items()), widget=forms.RadioSelect)
    applicant_name = _text("姓名或名称", max_length=100, required=True, help_text="自然人填写姓名；法人或其他组织填写单位全称。")
    id_type = _choice("证件类型", list(rules.ID_TYPES.items()))
    id_number = _text("证件号码", max_length=40, required=True, help_text="法人或其他组织填写统一社会信用代码。仅用于办理本申请，加密保存。")
    legal_representative = _text("法定代表人或负责人", max_length=50, help_text="法人或其他组织填写。")
    contact_person = _text("联系人", max_length=50, help_text="法人或其他组织必填。")
    phone = _text("联系电话", max_length=30)
    email = _text("电子邮箱", max_length=100)
    address = _text("通信地址", max_length=200)
    postcode = _text("邮政编码", max_length=6)
    description = _text(
        "所需政府信息的名称、文号或者便于查询的其他特征性描述", max_length=services.DESCRIPTION_MAX, required=True, rows=5,
        help_text=f"请尽量写明信息的名称、文号、形成时间或其他特征，不超过 {services.DESCRIPTION_MAX} 字。",
    )
    form = _choice("获取信息的形式", list(rules.FORMS.items()), widget=forms.RadioSelect)
    delivery = _choice("获取信息的方式", list(rules.DELIVERIES.items()), widget=forms.RadioSelect)
    attachments = MultipleFileField(
        label="附件（可选）",
        help_text=f"如身份证明、授权委托书。PDF、图片或 Word，最多 {services.MAX_ATTACHMENTS} 个，单个不超过 10 MB。",
    )

    def applicant_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in services.APPLICANT_FIELDS}


def organisations_accepting() -> forms.models.QuerySet:
    kinds = [Organisation.Kind.GOVERNMENT, Organisation.Kind.DEPARTMENT]
    return Organisation.objects.filter(is_active=True, kind__in=kinds).order_by("path")


class PublicApplicationForm(ApplicantForm):
    organisation = forms.ModelChoiceField(
        label="向哪个机关申请", queryset=Organisation.objects.none(), error_messages={"required": "请选择受理机关", "invalid_choice": "受理机关无效"},
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    field_order = ["organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_accepting()
        self.fields["organisation"].label_from_instance = lambda o: o.name
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())


class RegisterForm(ApplicantForm):
    organisation = forms.ModelChoiceField(label="受理机关", queryset=Organisation.objects.none(),
                                          error_messages={"required": "请选择受理机关"})
    channel = _choice("申请方式", [(k, v) for k, v in rules.CHANNELS.items() if k != "online"])
    received_on = _date("收到申请之日", help_text="当面提交的为提交之日；邮寄的为签收之日；传真的为双方确认之日（第三十一条）。")
    receipt_note = _text("收件说明", max_length=200, help_text="如挂号信单号、传真确认方式。")
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    field_order = ["organisation", "channel", "received_on", "receipt_note"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())


class ProgressForm(forms.Form):
    tracking_code = _text("查询码", max_length=32, required=True)
    secret = _text("查询密码", max_length=32, required=True)


# --- officer actions ------------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    received_on = _date("收到申请之日（确认之日）", required=False, help_text="留空为今天。")


class CorrectionForm(forms.Form):
    items = _text("需要补正的事项（一次性列明全部）", max_length=services.TEXT_MAX, required=True, rows=4)
    correction_due_on = _date("补正期限")
    requested_on = _date("告知补正之日", required=False, help_text="留空为今天；须在收到申请之日起 7 个工作日内。")


class ReceiveCorrectionForm(forms.Form):
    received_on = _date("收到补正之日", required=False, help_text="留空为今天。答复期限自此重新计算。")


class ConsultationForm(forms.Form):
    kind = _choice("征求意见类型", [(Pause.Kind.THIRD_PARTY, Pause.Kind.THIRD_PARTY.label), (Pause.Kind.AGENCY, Pause.Kind.AGENCY.label)])
    party = _text("征求意见对象", max_length=200, required=True)
    started_on = _date("开始日期", required=False, help_text="留空为今天。第三方应在 15 个工作日内提出意见。")
    note = _text("说明", max_length=services.TEXT_MAX, rows=2)


class EndConsultationForm(forms.Form):
    ended_on = _date("结束日期（收到意见或期满之日）", required=False, help_text="留空为今天。")
    note = _text("意见情况", max_length=services.TEXT_MAX, rows=2)


class ExtendForm(forms.Form):
    workdays = forms.IntegerField(label="延长工作日数", min_value=1, max_value=20,
                                  error_messages={"required": "请填写延长工作日数", "min_value": "至少延长 1 个工作日", "max_value": "最多延长 20 个工作日"})
    reason = _text("延长理由", max_length=services.TEXT_MAX, required=True, rows=2)
    notified_on = _date("告知申请人之日", required=False, help_text="留空为今天。")


class FeeForm(forms.Form):
    method = _choice("计收方式", FeeNotice.Method.choices)
    pages = forms.IntegerField(label="页数（按量计收时填写）", min_value=0, required=False)
    notified_on = _date("通知日期", required=False, help_text="留空为今天。")


class PaymentForm(forms.Form):
    paid_on = _date("缴费日期", required=False, help_text="留空为今天。")
    reference = _text("缴费凭证号", max_length=60)


class ReplyForm(forms.Form):
    result = _choice("办理结果", [("", "—— 请选择 ——")] + [(k, rules.result_label(k)) for k in rules.REPLY_RESULTS])
    article = _text("依据条款", max_length=200, help_text="留空则使用该结果通常依据的条款。")
    summary = _text("答复内容", max_length=5000, required=True, rows=5, help_text="写入告知书：提供的信息、获取方式，或不予公开、无法提供、不予处理的理由。")
    replied_on = _date("答复日期", required=False, help_text="留空为今天。")


class WithdrawForm(forms.Form):
    reason = _text("撤回情况", max_length=500, required=True, rows=2)
    on = _date("撤回日期", required=False, help_text="留空为今天。")


class CloseForm(forms.Form):
    """No fields: the service checks that the period has passed."""


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="承办人", queryset=None, required=False, empty_label="（不指定）")

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers


class NoteForm(forms.Form):
    body = _text("内部备注（申请人看不到）", max_length=services.TEXT_MAX, required=True, rows=2)


class ReviewForm(forms.Form):
    kind = _choice("类型", Review.Kind.choices)
    body = _text("复议机关或法院", max_length=100)
    case_number = _text("案号", max_length=60)
    filed_on = _date("受理（立案）日期")
    outcome = _choice("结果", Review.Outcome.choices)
    decided_on = _date("审结日期", required=False)
    note = _text("说明", max_length=services.TEXT_MAX, rows=2)


class ReviewDecideForm(forms.Form):
    outcome = _choice("结果", Review.Outcome.choices)
    decided_on = _date("审结日期", required=False)


class LetterTemplateForm(forms.Form):
    body = forms.CharField(label="正文模板", widget=forms.Textarea(attrs={"rows": 14}), max_length=10000,
                           error_messages={"required": "请填写模板正文", "max_length": "模板正文不能超过 10000 字"})
