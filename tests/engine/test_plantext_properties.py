"""Properties of the parser: copies of a plan (other punctuation width, stray line breaks,
traditional characters) parse to the same plan; target values round-trip from their digits."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonpeak.engine.plantext import parse_plan, read_document

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "yueyang-county-carbon-peak-plan.txt"
TEXT = read_document(SAMPLE)
# the header and the first two actions: enough structure, fast to parse many times
EXCERPT = TEXT[: TEXT.index("(三)节能减污降碳增效行动")]
TO_FULL = {",": "，", "(": "（", ")": "）", ":": "：", ";": "；", "[": "【", "]": "】", ".": "．", "%": "％"}


def fingerprint(plan):
    return (
        [(a.number, a.title) for a in plan.actions],
        [(t.code, t.title, t.lead, t.cooperating) for t in plan.tasks],
        [
            (t.task_code, t.indicator, t.value_text, t.unit, t.comparator, t.year, t.scope)
            for t in plan.targets
        ],
    )


BASELINE = fingerprint(parse_plan(EXCERPT))
PUNCT_POSITIONS = [i for i, ch in enumerate(EXCERPT) if ch in TO_FULL]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.sets(st.sampled_from(PUNCT_POSITIONS)))
def test_punctuation_width_never_changes_the_plan(positions):
    chars = list(EXCERPT)
    for position in positions:
        chars[position] = TO_FULL[chars[position]]
    assert fingerprint(parse_plan("".join(chars))) == BASELINE


def _break_positions() -> list[int]:
    """Offsets inside long paragraphs, away from the paragraph's opening marker and title."""
    positions = []
    offset = 0
    for line in EXCERPT.split("\n"):
        stripped = line.strip()
        if len(stripped) > 60:
            start = offset + line.index(stripped)
            positions.extend(range(start + 16, start + len(stripped) - 1))
        offset += len(line) + 1
    return positions


BREAKS = _break_positions()


@SETTINGS
@given(st.sets(st.sampled_from(BREAKS), max_size=12))
def test_stray_line_breaks_never_change_the_plan(positions):
    text = "".join(ch + ("\n" if i in positions else "") for i, ch in enumerate(EXCERPT))
    assert fingerprint(parse_plan(text)) == BASELINE


def test_whole_plan_in_traditional_characters_parses_the_same():
    traditional = opencc.OpenCC("s2t").convert(TEXT)
    assert traditional != TEXT
    original, mirror = parse_plan(TEXT), parse_plan(traditional)
    assert fingerprint(mirror) == fingerprint(original)
    assert (mirror.title, mirror.document_number, mirror.issuer, mirror.issued_on) == (
        original.title,
        original.document_number,
        original.issuer,
        original.issued_on,
    )


COMPARATORS = [
    ("达到", "", ">="),
    ("不低于", "", ">="),
    ("达到", "以上", ">="),
    ("不超过", "", "<="),
    ("控制在", "以内", "<="),
    ("稳定在", "", "="),
    ("保持在", "", "="),
    ("达到", "左右", "="),
]
values = st.builds(
    lambda whole, frac: f"{whole}.{frac}" if frac else str(whole),
    st.integers(min_value=0, max_value=99999),
    st.one_of(st.none(), st.from_regex(r"[0-9]{1,3}", fullmatch=True)),
)


@settings(max_examples=60, deadline=None)
@given(
    value_text=values,
    comparator=st.sampled_from(COMPARATORS),
    unit=st.sampled_from(["%", "万千瓦", "万立方米", "万吨标准煤", "个", "公里"]),
    year=st.one_of(st.none(), st.integers(min_value=2021, max_value=2060)),
    indicator=st.sampled_from(["森林覆盖率", "新能源装机容量", "城市生活垃圾无害化处理率", "充电桩数量"]),
)
def test_target_values_round_trip_from_value_text(value_text, comparator, unit, year, indicator):
    verb, post, expected = comparator
    clause = f"全县{indicator}{verb}{value_text}{unit}{post}"
    text = f"二、主要目标\n{'到' + str(year) + '年,' if year else ''}{clause}。"
    (target,) = parse_plan(text).targets
    assert target.value_text == value_text
    assert target.value == pytest.approx(float(value_text))
    assert (target.indicator, target.unit, target.comparator, target.year, target.scope) == (
        indicator,
        unit,
        expected,
        year,
        "全县",
    )
    assert clause in target.quote
