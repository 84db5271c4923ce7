"""Password complexity for 等保2.0 第三级: at least three of four character classes."""

import re

from django.core.exceptions import ValidationError

CLASSES = [
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"[0-9]"), "数字"),
    (re.compile(r"[^A-Za-z0-9]"), "特殊字符"),
]


class CharacterClassValidator:
    required = 3

    def validate(self, password, user=None):
        present = sum(1 for pattern, _ in CLASSES if pattern.search(password))
        if present < self.required:
            raise ValidationError(
                "密码须至少包含小写字母、大写字母、数字、特殊字符中的三类", code="password_too_simple"
            )

    def get_help_text(self):
        return "密码须至少包含小写字母、大写字母、数字、特殊字符中的三类。"


class MinimumLengthValidator:
    """Django's own, with its message in Chinese (its zh-hans catalogue lags the 5.2 wording)."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 个字符", code="password_too_short")

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"
