"""Forms of the reception-day pages. They only shape and label the input; the rules (who may be a
duty leader, which dates are allowed) are checked by the services, which name the field."""

from __future__ import annotations

from django import forms

from yangguang.core.formfields import date_field, text_field
from yangguang.core.models import User
from yangguang.supervision import services

MAX_LEADERS = 8


def _leader_field(label: str, queryset, *, required: bool) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label=label, queryset=queryset, required=required, empty_label="（无）",
        error_messages={"required": f"请选择{label}", "invalid_choice": f"{label}：请选择本机构的领导"},
    )
    field.label_from_instance = lambda u: f"{u}（{u.username}）"
    return field


class ScheduleForm(forms.Form):
    day_of_month = forms.IntegerField(
        label="接待日（每月几日）", min_value=1, max_value=31, initial=15,
        help_text="遇公休日、法定节假日顺延至下一个工作日；当月没有该日时为当月最后一天，同样顺延。",
        error_messages={"required": "请填写接待日（每月几日）", "invalid": "接待日（每月几日）应为 1 到 31 之间的整数",
                        "min_value": "接待日（每月几日）应为 1 到 31 之间的整数", "max_value": "接待日（每月几日）应为 1 到 31 之间的整数"},
    )
    place = text_field("接待地点", max_length=services.PLACE_MAX, required=True)
    hours = text_field("接待时间", max_length=services.HOURS_MAX, required=True)
    rotation_starts_on = date_field("轮值起始月份", help_text="排在第一位的领导在这一天所在的月份值班，以后每月依次轮换。")
    note = text_field("说明", max_length=services.NOTE_MAX, rows=3, help_text="如预约方式、接待范围。将在门户网站公布。")
    active = forms.BooleanField(label="在门户网站公布", required=False, initial=True)


class LeadersForm(forms.Form):
    """The rotation in order: 第1位 serves in the starting month, 第2位 the month after, and so on."""

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_LEADERS + 1):
            self.fields[f"leader_{n}"] = _leader_field(f"第{n}位", candidates, required=False)

    def ordered(self) -> list[User]:
        return [self.cleaned_data[f"leader_{n}"] for n in range(1, MAX_LEADERS + 1) if self.cleaned_data.get(f"leader_{n}")]


class ChangeForm(forms.Form):
    month = date_field("月份", help_text="该月任意一天。")
    cancelled = forms.BooleanField(label="取消本月接待", required=False)
    held_on = date_field("改期至", required=False)
    substitute = forms.ModelChoiceField(label="代班领导", queryset=User.objects.none(), required=False, empty_label="（不变）",
                                        error_messages={"invalid_choice": "代班领导：请选择本机构的领导"})
    reason = text_field("原因（将在门户网站公布）", max_length=services.REASON_MAX, required=True)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = candidates


class VisitForm(forms.Form):
    visited_on = date_field("接待日期")
    duty_leader = forms.ModelChoiceField(label="值班领导", queryset=User.objects.none(),
                                         error_messages={"required": "请选择值班领导", "invalid_choice": "值班领导：请选择本机构的领导"})
    visitor_name = text_field("来访人", max_length=services.NAME_MAX, required=True)
    contact_phone = text_field("联系方式", max_length=30, help_text="电话号码，可不填；加密保存，只显示部分号码。")
    issues = text_field("反映问题", max_length=services.ISSUES_MAX, required=True, rows=5)
    reply = text_field("答复情况", max_length=services.REPLY_MAX, rows=4, help_text="当场答复的请填写；需要会后答复的可以以后补充。")
    replied_on = date_field("答复日期", required=False)
    follow_up_needed = forms.BooleanField(label="需要跟踪办理", required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty_leader"].queryset = candidates
        self.fields["duty_leader"].label_from_instance = lambda u: f"{u}（{u.username}）"


class ReplyForm(forms.Form):
    reply = text_field("答复情况", max_length=services.REPLY_MAX, required=True, rows=5)
    replied_on = date_field("答复日期")
    follow_up_needed = forms.BooleanField(label="需要跟踪办理", required=False)
