import datetime as dt

import pytest

from carbonpeak.engine.deadlines import DeadlineError, parse_due


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年底前", dt.date(2025, 12, 31)),
        ("2025年", dt.date(2025, 12, 31)),
        ("2025年6月底前", dt.date(2025, 6, 30)),
        ("2024年2月", dt.date(2024, 2, 29)),
        ("2025-06-15", dt.date(2025, 6, 15)),
        ("2025/6", dt.date(2025, 6, 30)),
        ("2030年9月30日", dt.date(2030, 9, 30)),
        ("长期坚持", None),
        ("持续推进", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_due(text, expected):
    assert parse_due(text) == expected


@pytest.mark.parametrize("text", ["尽快", "2025年13月", "2025-02-30"])
def test_parse_due_rejects_unknown_wording_with_chinese_message(text):
    with pytest.raises(DeadlineError) as exc:
        parse_due(text)
    assert "完成时限" in str(exc.value) or "无效" in str(exc.value)
