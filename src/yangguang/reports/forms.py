"""Forms of the annual report pages. They only shape and label the input in Chinese; what a
report may contain is decided by the services."""

from __future__ import annotations

from django import forms

from yangguang.reports import annual, services

MIN_YEAR = 2000


def section_labels() -> dict[str, str]:
    return {s["key"]: s["label"] for s in annual.structure()["sections"]}


def recent_years(today_year: int) -> list[int]:
    """The years an officer works on: this one (a running draft) and the two before."""
    return [today_year, today_year - 1, today_year - 2]


class YearForm(forms.Form):
    """The year selector of the list (GET)."""

    year = forms.TypedChoiceField(label="年度", coerce=int, error_messages={
        "required": "请选择年度", "invalid_choice": "年度无效，只能选择列出的年度",
    })

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]


class DraftForm(forms.Form):
    def __init__(self, *args, max_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = forms.IntegerField(
            label="年度", min_value=MIN_YEAR, max_value=max_year, widget=forms.HiddenInput,
            error_messages={"required": "请填写年度", "invalid": "年度应为四位数字",
                            "min_value": f"年度不能早于 {MIN_YEAR} 年", "max_value": f"年度不能晚于 {max_year} 年"},
        )


class SummaryForm(DraftForm):
    """A government's summary report: which of its departments (and lower governments) to add up."""

    members = forms.MultipleChoiceField(
        label="汇总的机关", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个要汇总的机关", "invalid_choice": "所选机关“%(value)s”不是本级政府的下属机关"},
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(o.code, o.name) for o in children]


class TextsForm(forms.Form):
    """Sections one, five and six: the words of the report; the tables are counted, never typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = section_labels()
        for key in services.TEXT_SECTIONS:
            label = labels[key]
            self.fields[key] = forms.CharField(
                label=label, max_length=services.TEXT_MAX, strip=False,
                widget=forms.Textarea(attrs={"rows": 14}),
                help_text="段落之间空一行。" + ("收取信息处理费情况在此处报告。" if key == "s6_other" else ""),
                error_messages={"required": "请填写本部分内容", "max_length": f"不能超过 {services.TEXT_MAX} 字"},
            )


class CorrectForm(forms.Form):
    reason = forms.CharField(
        label="更正理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="公开页面上与新版本一同显示。",
        error_messages={"required": "请填写更正理由", "max_length": "更正理由不能超过 2000 字"},
    )
