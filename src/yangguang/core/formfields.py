"""Form fields labelled and explained in Chinese, shared by every app's forms."""

from __future__ import annotations

from django import forms

DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD"}


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={**DATE_ERRORS, "required": f"请填写{label}"},
    )


def text_field(label: str, *, max_length: int, required: bool = False, rows: int = 0, help_text: str = "") -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(
        label=label, max_length=max_length, required=required, help_text=help_text, widget=widget,
        error_messages={"required": f"请填写{label}", "max_length": f"{label}不能超过 {max_length} 字"},
    )


def choice_field(label: str, choices, *, required: bool = True, widget=None) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=required, widget=widget,
                             error_messages={"required": f"请选择{label}", "invalid_choice": f"{label}无效"})
