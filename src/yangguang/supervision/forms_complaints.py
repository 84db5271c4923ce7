"""Forms of the complaint pages. They only shape and label the input; the rules (findings per kind,
who needs an answer, letters counted in the mailbox) are checked by the services, which name the field."""

from __future__ import annotations

from django import forms

from yangguang.core.formfields import choice_field, date_field, text_field
from yangguang.core.models import Organisation, User
from yangguang.supervision import complaints as services
from yangguang.supervision.models import Complaint, MailboxOpening
from yangguang.supervision.models.complaints import CHANNELS, KINDS

STAFF_CHANNEL_CHOICES = [(c, CHANNELS[c]) for c in services.STAFF_CHANNELS]


def _org_field(label: str, queryset, *, required: bool = True) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(label=label, queryset=queryset, required=required, empty_label="（请选择）",
                                   error_messages={"required": f"请选择{label}", "invalid_choice": f"{label}：请从列表中选择"})
    field.label_from_instance = lambda o: o.name
    return field


class _PersonFields(forms.Form):
    kind = choice_field("类型", [("", "（请选择）"), *KINDS.items()])
    subject = text_field("标题", max_length=services.SUBJECT_MAX, required=True)
    content = text_field("内容", max_length=services.CONTENT_MAX, required=True, rows=6)
    anonymous = forms.BooleanField(label="匿名", required=False)
    name = text_field("姓名", max_length=services.NAME_MAX, help_text="可不填。")
    phone = text_field("联系电话", max_length=30, help_text="可不填；留下电话的，办理单位将电话或短信答复。加密保存。")

    def person_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("kind", "subject", "content", "anonymous", "name", "phone")}


class PublicComplaintForm(_PersonFields):
    about_organisation = _org_field("反映的单位", Organisation.objects.none())
    field_order = ["kind", "about_organisation", "subject", "content", "anonymous", "name", "phone"]

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about_organisation"].queryset = targets


class StaffComplaintForm(_PersonFields):
    organisation = _org_field("收到的单位", Organisation.objects.none())
    channel = choice_field("来源渠道", [("", "（请选择）"), *STAFF_CHANNEL_CHOICES])
    received_on = date_field("收到日期")
    mailbox_opening = forms.ModelChoiceField(
        label="开箱记录", queryset=MailboxOpening.objects.none(), required=False, empty_label="（非意见箱来信）",
        error_messages={"invalid_choice": "开箱记录：请从列表中选择"})
    field_order = ["organisation", "channel", "received_on", "mailbox_opening", "kind", "subject", "content",
                   "anonymous", "name", "phone"]

    def __init__(self, *args, organisations, openings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["mailbox_opening"].queryset = openings
        self.fields["mailbox_opening"].label_from_instance = (
            lambda o: f"{o.organisation.name} {o.mailbox} {o.opened_at:%Y-%m-%d}（{o.letters} 封）")


class RouteForm(forms.Form):
    organisation = _org_field("转交单位", Organisation.objects.none())
    reason = text_field("转办理由", max_length=services.SUBJECT_MAX, required=True)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = targets


class HandleForm(forms.Form):
    handling = text_field("办理情况", max_length=services.TEXT_MAX, required=True, rows=4)


class AnswerForm(forms.Form):
    finding = choice_field("核查结论", [("", "（请选择）"), *Complaint.Finding.choices])
    handling = text_field("办理情况", max_length=services.TEXT_MAX, required=True, rows=4)
    answer_method = choice_field("答复方式", [("", "（请选择）"), *((m, m) for m in services.ANSWER_METHODS)])
    answer = text_field("答复内容", max_length=services.TEXT_MAX, rows=4, help_text="匿名且无联系方式的，可选择“不需答复”，不填答复内容。")
    answered_on = date_field("答复日期")


class OpeningForm(forms.Form):
    organisation = _org_field("单位", Organisation.objects.none())
    mailbox = text_field("意见箱", max_length=services.MAILBOX_MAX, required=True, help_text="如：政务服务中心一楼大厅意见箱")
    opened_at = forms.DateTimeField(label="开箱时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                    error_messages={"required": "请填写开箱时间", "invalid": "开箱时间格式应为 YYYY-MM-DD HH:MM"})
    witness = forms.ModelChoiceField(label="见证人", queryset=User.objects.none(), required=False, empty_label="（无）",
                                     error_messages={"invalid_choice": "见证人：请从列表中选择"})
    letters = forms.IntegerField(label="信件数", min_value=0, max_value=services.LETTERS_MAX, error_messages={
        "required": "请填写信件数", "invalid": "信件数应为整数",
        "min_value": f"信件数应为 0 到 {services.LETTERS_MAX} 之间的整数", "max_value": f"信件数应为 0 到 {services.LETTERS_MAX} 之间的整数"})
    note = text_field("说明", max_length=services.TEXT_MAX, rows=2)

    def __init__(self, *args, organisations, witnesses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["witness"].queryset = witnesses
        self.fields["witness"].label_from_instance = lambda u: f"{u}（{u.username}）"


class LookupForm(forms.Form):
    tracking_code = forms.CharField(label="查询码", max_length=32, error_messages={"required": "请填写查询码"})
    secret = forms.CharField(label="查询密码", max_length=32, widget=forms.PasswordInput,
                             error_messages={"required": "请填写查询密码"})
