"""Task deadlines (完成时限) as written in ledgers: "2025年底前", "2025年6月", "长期坚持"."""

from __future__ import annotations

import calendar
import datetime as dt
import re

#: Wordings that mean the task has no end date.
ONGOING_WORDS = ("长期", "持续", "常态", "逐年", "每年", "年度", "滚动")

_FULL_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月")
_YEAR_MONTH_DASH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})\s*年?")


class DeadlineError(ValueError):
    """A deadline text that is neither a date nor an ongoing wording."""


def parse_due(text: str | None) -> dt.date | None:
    """The last day a task may be completed on, from a ledger's 完成时限 cell.

    ``"2025年底前"`` and ``"2025年"`` give 2025-12-31; ``"2025年6月底前"`` gives
    2025-06-30; ``"2025-06-15"`` gives that day; ongoing wordings ("长期坚持",
    "持续推进") and an empty cell give ``None``.

    Parameters
    ----------
    text : str or None
        The cell as written.

    Returns
    -------
    datetime.date or None

    Raises
    ------
    DeadlineError
        When the text is neither a date nor an ongoing wording.
    """
    if text is None:
        return None
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    s = str(text).strip().replace(" ", "")
    if not s:
        return None
    if m := _FULL_DATE.match(s):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise DeadlineError(f"“{text}”不是有效日期（完成时限）") from exc
    if (m := _YEAR_MONTH.match(s)) or (m := _YEAR_MONTH_DASH.match(s)):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise DeadlineError(f"“{text}”中的月份无效")
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    if m := _YEAR.match(s):
        return dt.date(int(m[1]), 12, 31)
    if any(word in s for word in ONGOING_WORDS):
        return None
    raise DeadlineError(f"无法识别完成时限“{text}”：请写成“2025年底前”“2025年6月”“2025-06-30”或“长期坚持”")
