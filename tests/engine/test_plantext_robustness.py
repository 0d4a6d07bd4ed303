"""Any input ends in a parse or a clear Chinese error, quickly, never a traceback (issues 15 and 17).

The hypothesis tests are bounded (few examples, no deadline) so the suite stays fast.
"""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonpeak.engine.plantext import ParsedPlan, PlanParseError, parse_plan, read_document
from carbonpeak.engine.plantext.reading import MAX_FILE_BYTES, read_bytes

from .plan_pdf import plan_pdf

CHINESE = re.compile(r"[\u4e00-\u9fff]")
GENRE = "一二三四五六七八九十、（）()〔〕【】1234567890.%，。；：县市省发改局牵头配合负责按职责分工到年达到以上下降万千瓦行动任务主要目标\n\t "


def _refused_in_chinese(call) -> str:
    started = time.monotonic()
    with pytest.raises(PlanParseError) as info:
        call()
    assert time.monotonic() - started < 10
    assert CHINESE.search(str(info.value))
    return str(info.value)


def test_a_50_mb_file_is_refused_at_once(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    message = _refused_in_chinese(lambda: read_document(path))
    assert "过大" in message and "50.0 MB" in message
    assert MAX_FILE_BYTES < 50 * 1024 * 1024


def test_a_zip_bomb_disguised_as_docx_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(100):  # 100 MB inflated, about 100 KB on disk
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    path = tmp_path / "plan.docx"
    path.write_bytes(data)
    message = _refused_in_chinese(lambda: read_document(path))
    assert "压缩炸弹" in message


@pytest.mark.parametrize("name", ["plan.txt", "plan.docx", "plan.pdf"])
def test_binary_garbage_is_refused(name):
    garbage = bytes((i * 131 + 7) % 256 for i in range(200_000))
    _refused_in_chinese(lambda: read_bytes(garbage, name))


def test_pdf_with_a_huge_page_is_refused():
    lines = [(72, 700 - (i % 600), "碳达峰实施方案" * 3) for i in range(40_000)]
    from .plan_pdf import pdf_bytes

    data = pdf_bytes([lines])
    message = _refused_in_chinese(lambda: read_bytes(data, "dense.pdf"))
    assert "异常庞大" in message


def _parse_or_refuse(text: str) -> None:
    try:
        plan = parse_plan(text)
    except PlanParseError as exc:
        assert CHINESE.search(str(exc))
    else:
        assert isinstance(plan, ParsedPlan)
        plan.to_dict()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(GENRE), max_size=600))
def test_fuzz_genre_characters_parse_or_refuse(text):
    _parse_or_refuse(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_fuzz_any_text_parse_or_refuse(text):
    _parse_or_refuse(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=3000),
    st.sampled_from(["a.txt", "a.docx", "a.pdf", "a.doc", "a"]),
)
def test_fuzz_any_bytes_read_or_refuse(data, name):
    try:
        text = read_bytes(data, name)
    except PlanParseError as exc:
        assert CHINESE.search(str(exc))
    else:
        _parse_or_refuse(text)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzz_damaged_pdf_bytes_read_or_refuse(data):
    pdf = bytearray(plan_pdf("一、主要目标\n到2025年，全县非化石能源消费比重达到22%。\n" * 5))
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(pdf) - 1))
        pdf[position] = data.draw(st.integers(0, 255))
    try:
        text = read_bytes(bytes(pdf), "damaged.pdf")
    except PlanParseError as exc:
        assert CHINESE.search(str(exc))
    else:
        _parse_or_refuse(text)


def test_pdf_extraction_stops_at_its_time_budget_and_page_limit():
    from carbonpeak.engine.plantext.pdf import read_pdf

    data = plan_pdf("一、主要目标\n到2025年，全县非化石能源消费比重达到22%。\n" * 60)
    message = _refused_in_chinese(lambda: read_pdf(data, "slow.pdf", seconds=0))
    assert "超过 0 秒仍未完成" in message
    message = _refused_in_chinese(lambda: read_pdf(data, "long.pdf", max_pages=1))
    assert "页数过多" in message
