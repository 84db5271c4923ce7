"""Shared pieces of the line-by-line JSON Lines importers (applications for disclosure, service
cases): reading the file, collecting every error with its line and field, checking one line's
fields, and how a date in a file is read.

An import is all-or-nothing: the importer collects every error (``ErrorList``) and, if there is
any, raises ``ImportRefused`` with them sorted by line. Past a limit errors are only counted, so a
file that is wrong on every one of a million lines still fits in memory."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError

MAX_LISTED_ERRORS = 1000  # a file wrong on every line needs its first errors, not a million
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


class ImportRefused(ValidationError):
    """The file has errors; nothing was imported. ``messages`` lists them (at most
    ``MAX_LISTED_ERRORS``, then one line saying how many more), ``total`` counts them all."""

    def __init__(self, messages: list[str], total: int, *, whole_file: bool = False):
        super().__init__(messages)
        self.total = total
        self.whole_file = whole_file  # about the file itself (missing, unreadable), not about its lines


class ErrorList:
    """(line, message) pairs, kept up to ten times what is listed and counted beyond."""

    def __init__(self, keep: int = 10 * MAX_LISTED_ERRORS):
        self.kept: list[tuple[int, str]] = []
        self.total, self.keep = 0, keep

    def add(self, line: int, message: str) -> None:
        self.total += 1
        if len(self.kept) < self.keep:
            self.kept.append((line, message))

    def __bool__(self) -> bool:
        return self.total > 0

    def refused(self) -> ImportRefused:
        listed = sorted(self.kept, key=lambda e: e[0])[:MAX_LISTED_ERRORS]
        messages = [message for _, message in listed]
        if self.total > len(listed):
            messages.append(f"……另有 {self.total - len(listed)} 处错误未列出")
        return ImportRefused(messages, self.total)


class LineCheck:
    """One object being checked: every problem is noted with its field, and checking goes on.
    Importers subclass it for their own kinds of field; ``clean`` is how text is tidied."""

    def __init__(self, line: int, data: dict, errors: ErrorList, today: date):
        self.line, self.data, self.errors, self.today = line, data, errors, today
        self.failed = False

    def error(self, name: str, message: str) -> None:
        self.failed = True
        self.errors.add(self.line, f"第 {self.line} 行 {name}：{message}")

    def clean(self, text: str) -> str:
        return text.strip()

    def unknown_fields(self, data: dict, allowed: set[str], prefix: str = "") -> None:
        for name in sorted(set(data) - allowed):
            self.error(f"{prefix}{name}", f"未知字段（可用字段：{'、'.join(sorted(allowed))}）")

    def text(self, data: dict, name: str, *, required: bool = False, max_length: int | None = None,
             label: str = "", prefix: str = "", clean: bool = True) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.error(prefix + name, f"缺少{label or '该字段'}")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.error(prefix + name, "应为字符串")
            return ""
        text = self.clean(str(value)) if clean else str(value).strip()
        if required and not text:
            self.error(prefix + name, f"缺少{label or '该字段'}")
        if max_length is not None and len(text) > max_length:
            self.error(prefix + name, f"不能超过 {max_length} 个字（现为 {len(text)} 个字）")
            return ""
        return text

    def choice(self, data: dict, name: str, options: Iterable[str], label: str) -> str:
        value = data.get(name)
        if value is None or value == "":
            self.error(name, f"缺少{label}")
            return ""
        if not isinstance(value, str) or value not in options:
            self.error(name, f"{label} {json.dumps(value, ensure_ascii=False)} 无效，可选：{'、'.join(options)}")
            return ""
        return value

    def day(self, data: dict, name: str, *, required: bool, prefix: str = "") -> date | None:
        value = data.get(name)
        if value is None:
            if required:
                self.error(prefix + name, "缺少日期（YYYY-MM-DD）")
            return None
        day, error = iso_day(value, today=self.today)
        if error:
            self.error(prefix + name, error)
        return day


# --- reading the file ------------------------------------------------------------------------------

_JSON_MESSAGES = {
    "Expecting value": "缺少值",
    "Expecting property name enclosed in double quotes": "应为双引号括起的字段名",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting ',' delimiter": "缺少逗号",
    "Unterminated string": "字符串没有结束",
    "Invalid control character": "有无效的控制字符",
    "Invalid \\escape": "有无效的转义符",
    "Extra data": "在一个 JSON 值之后还有多余内容",
}


def _json_kind(value) -> str:
    if isinstance(value, list):
        return "数组"
    if isinstance(value, str):
        return "字符串"
    if value is None:
        return " null"
    return "数字或布尔值"


def open_import_file(path: Path):
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise ImportRefused([f"file：找不到文件 {path}"], 1, whole_file=True) from None
    except IsADirectoryError:
        raise ImportRefused([f"file：{path} 是目录，不是文件"], 1, whole_file=True) from None
    except OSError as exc:
        raise ImportRefused([f"file：无法读取 {path}（{exc.strerror}）"], 1, whole_file=True) from None


def json_records(path: Path, errors: ErrorList) -> Iterator[tuple[int, dict]]:
    """(line number, object) for every non-blank line that is a JSON object; the others are errors."""
    with open_import_file(path) as stream:
        for line, raw in enumerate(stream, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                errors.add(line, f"第 {line} 行：不是 UTF-8 编码的文本（请以 UTF-8 保存文件）")
                continue
            text = (text.lstrip("\ufeff") if line == 1 else text).strip()
            if not text:
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                reason = next((cn for en, cn in _JSON_MESSAGES.items() if exc.msg.startswith(en)), exc.msg)
                errors.add(line, f"第 {line} 行：不是有效的 JSON（第 {exc.colno} 个字符处{reason}）")
                continue
            if not isinstance(data, dict):
                errors.add(line, f"第 {line} 行：应为一个 JSON 对象（{{…}}），不是{_json_kind(data)}")
                continue
            yield line, data
