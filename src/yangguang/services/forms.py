"""Forms of the online application, the progress page and the window's actions. Validation of
substance lives in the services; these only shape the input and label it in Chinese."""

from __future__ import annotations

import uuid

from django import forms

from yangguang.core.formfields import choice_field, date_field, text_field
from yangguang.services import rules


class ApplicantForm(forms.Form):
    applicant_type = choice_field("申请人类型", list(rules.APPLICANT_TYPES.items()), widget=forms.RadioSelect)
    applicant_name = text_field("申请人姓名或名称", max_length=100, required=True)
    id_number = text_field("证件号码", max_length=40, required=True,
                           help_text="自然人填写居民身份证号码；法人或其他组织填写统一社会信用代码。")
    phone = text_field("联系电话", max_length=30, required=True)
    delivery = choice_field("决定文书送达方式", list(rules.DELIVERIES.items()))
    request_note = text_field("申请事由或说明", max_length=2000, rows=3)
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, item=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        kwargs["initial"].setdefault("applicant_type", "person")
        super().__init__(*args, **kwargs)
        if item is not None:
            materials = list(item.materials.all())
            self.fields["materials"] = forms.MultipleChoiceField(
                label="已备齐的申请材料", required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(str(m.pk), f"{m.name}（{m.get_form_display()} {m.copies} 份{'，必须' if m.required else '，如有'}）") for m in materials],
                help_text="必须提供的材料不齐，窗口将无法受理。",
            )

    def applicant_data(self) -> dict:
        return {k: self.cleaned_data.get(k, "") for k in ("applicant_type", "applicant_name", "id_number", "phone", "delivery", "request_note")}

    def provided(self) -> list[int]:
        return [int(x) for x in self.cleaned_data.get("materials") or []]


class RegisterForm(ApplicantForm):
    """A clerk at the window or a service point registers what the applicant brought."""

    def __init__(self, *args, points=None, **kwargs):
        super().__init__(*args, **kwargs)
        if points:
            self.fields["point"] = forms.ModelChoiceField(
                label="登记地点", queryset=points, required=False, empty_label="政务服务中心窗口",
                help_text="在镇（街道）、村（社区）便民服务点代办的，选择该服务点；办件将逐级转报到中心。",
                error_messages={"invalid_choice": "登记地点无效"},
            )
            self.order_fields(["point"])


class ProgressForm(forms.Form):
    tracking_code = text_field("查询码", max_length=32, required=True)
    secret = text_field("查询密码", max_length=32, required=True)


class WithdrawPublicForm(ProgressForm):
    reason = text_field("撤回理由", max_length=500, required=True, rows=2)


# --- staff actions ----------------------------------------------------------------------------------


class AcceptForm(forms.Form):
    window = forms.ModelChoiceField(label="受理窗口", queryset=None, error_messages={"required": "请选择受理窗口",
                                                                                 "invalid_choice": "受理窗口无效"})
    materials = forms.MultipleChoiceField(label="已收取的申请材料", required=False, widget=forms.CheckboxSelectMultiple)
    on = date_field("受理日期", required=False, help_text="留空为今天。")
    document_number = text_field("决定文书文号（即办件）", max_length=100)

    def __init__(self, *args, case=None, windows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows
        if case is not None:
            rows = list(case.materials.all())
            self.fields["materials"].choices = [(str(m.pk), f"{m.name}{'（必须）' if m.required else ''}") for m in rows]
            self.initial.setdefault("materials", [str(m.pk) for m in rows if m.provided])
            if not case.immediate:
                del self.fields["document_number"]


class ReasonForm(forms.Form):
    reason = text_field("理由", max_length=2000, required=True, rows=3)


class OpinionForm(forms.Form):
    opinion = text_field("意见", max_length=2000, required=True, rows=3)


class EmptyForm(forms.Form):
    pass


class CorrectionForm(forms.Form):
    missing = forms.MultipleChoiceField(label="需补正的材料", required=False, widget=forms.CheckboxSelectMultiple)
    other = text_field("其他需补正的内容（每行一项）", max_length=1000, rows=3)
    note = text_field("补正说明", max_length=1000, rows=2)
    on = date_field("告知日期", required=False, help_text="留空为今天。补正只能一次性告知。")

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["missing"].choices = [(m.name, m.name) for m in case.materials.all()]

    def items(self) -> list[str]:
        lines = [x.strip() for x in (self.cleaned_data.get("other") or "").splitlines() if x.strip()]
        return list(self.cleaned_data.get("missing") or []) + lines


class DayForm(forms.Form):
    on = date_field("日期", required=False, help_text="留空为今天。")


class SuspendForm(forms.Form):
    kind = choice_field("特别程序", [(k, rules.SUSPENSION_KINDS[k]) for k in rules.MANUAL_SUSPENSIONS])
    reason = text_field("事由", max_length=2000, required=True, rows=2)
    on = date_field("开始日期", required=False, help_text="留空为今天。其间不计算在办理时限内。")


class ResumeForm(forms.Form):
    outcome = text_field("结果", max_length=2000, rows=2)
    on = date_field("结束日期", required=False, help_text="留空为今天。")


class DecideForm(forms.Form):
    result = choice_field("办理结果", list(rules.RESULTS.items()), widget=forms.RadioSelect)
    document_number = text_field("决定文书文号", max_length=100, required=True)
    note = text_field("理由（不予时必填）", max_length=2000, rows=3)
    on = date_field("办结日期", required=False, help_text="留空为今天。")


class DeliverForm(forms.Form):
    method = choice_field("送达方式", list(rules.DELIVERIES.items()))
    on = date_field("送达日期", required=False, help_text="留空为今天。")


class ForwardForm(forms.Form):
    note = text_field("转报说明", max_length=200)


class QueueForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False,
                               choices=[("open", "在办"), ("all", "全部"), *rules.STATUSES.items()])
    light = forms.ChoiceField(label="期限", required=False,
                              choices=[("", "全部"), ("green", "正常"), ("yellow", "临近期限"), ("red", "已逾期"), ("stopped", "暂停计时")])
    q = forms.CharField(label="编号、查询码、申请人或事项", required=False, max_length=100)
