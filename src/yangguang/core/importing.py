"""Shared pieces of the line-by-line importers (applications for disclosure, service cases): how a
date in a file is read, and what is said when it cannot be."""

from __future__ import annotations

import json
import re
from datetime import date

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_day(value, *, today: date) -> tuple[date | None, str]:
    """A ``YYYY-MM-DD`` string as a date not after ``today``; otherwise ``(None, why)`` in Chinese."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None, f"{json.dumps(value, ensure_ascii=False)} 不是 YYYY-MM-DD 格式的日期"
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None, f"{value} 不是有效的日期"
    if day > today:
        return None, f"{value} 晚于今天"
    return day, ""
