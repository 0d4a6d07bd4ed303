"""Password complexity (MLPS level 3, 身份鉴别: 口令具有复杂度要求)."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError

CLASSES = (
    ("大写字母", set(string.ascii_uppercase)),
    ("小写字母", set(string.ascii_lowercase)),
    ("数字", set(string.digits)),
    ("符号", set(string.punctuation)),
)


class CharacterClassesValidator:
    """At least ``min_classes`` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        used = [name for name, chars in CLASSES if any(c in chars for c in password)]
        if len(used) < self.min_classes:
            raise ValidationError(
                f"密码过于简单：须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类"
                f"（现只有{'、'.join(used) or '其他字符'}）。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"
