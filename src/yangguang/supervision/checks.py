"""Checks of form values shared by the supervision services: each problem goes into ``errors``
(field → Chinese message naming it), so a service can report every problem at once and write
nothing."""

from __future__ import annotations

import re
from datetime import date, datetime

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value, *, field: str, label: str, limit: int, errors: dict, required: bool = False) -> str:
    """The text without control characters, Windows line ends or surrounding space."""
    text = CONTROL.sub("", str(value or "")).replace("\r\n", "\n").strip()
    if required and not text:
        errors[field] = f"请填写{label}"
    elif len(text) > limit:
        errors[field] = f"{label}不能超过 {limit} 字（现为 {len(text)} 字）"
    return text


def clean_date(value, *, field: str, label: str, errors: dict, required: bool = True) -> date | None:
    """A date, a datetime's date or a ``YYYY-MM-DD`` string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            errors[field] = f"{label}格式应为 YYYY-MM-DD"
            return None
    if required:
        errors[field] = f"请填写{label}"
    return None
