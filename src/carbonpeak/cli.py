"""The ``carbonpeak`` console command.

It is the project's ``manage.py``: every Django management command runs through it
(``carbonpeak migrate``, ``carbonpeak runserver``) together with the project's own
commands (``carbonpeak plan parse``, ``carbonpeak accounting compute`` …).
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

#: Django prefixes a command's user error with the exception's class name; people read Chinese.
_ENGLISH_PREFIXES = ("CommandError: ", "SystemCheckError: ")


class _ChineseErrorStream:
    """``sys.stderr`` with Django's ``CommandError: `` prefix written as ``错误：``."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        for prefix in _ENGLISH_PREFIXES:
            if text.startswith(prefix):
                text = "错误：" + text[len(prefix) :]
        if text.startswith("Unknown command: "):
            text = text.replace("Unknown command: ", "未知命令：", 1)
        text = text.replace("Type 'carbonpeak help' for usage.", "运行 `carbonpeak help` 查看全部命令。")
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonpeak.site.settings")
    from django.core.management import execute_from_command_line

    if not isinstance(sys.stderr, _ChineseErrorStream):
        sys.stderr = _ChineseErrorStream(sys.stderr)  # type: ignore[assignment]
    execute_from_command_line(["carbonpeak", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":  # pragma: no cover
    main()
