"""PDF plans: text layer read, page furniture removed, hard wraps rejoined; bad PDFs refused in Chinese.

The PDFs are typeset on the fly by :mod:`tests.engine.plan_pdf` (a plan text of our own,
wrapped at 28 characters, a running header and page numbers on every page).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest

from carbonpeak.engine.plantext import PlanParseError, parse_plan, read_document
from carbonpeak.engine.plantext.pdf import pdf_lines_to_text

from .plan_pdf import pdf_bytes, plan_pdf, wrap

SAMPLES = Path(__file__).parent / "plan_samples"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("page_number", ["— {n} —", "-{n}-", "第{n}页", "第 {n} 页 共 9 页", "{n}"])
def test_pdf_plan_parses_like_its_text(tmp_path, page_number):
    text = (SAMPLES / "corpus" / "city_lines_pdf.txt").read_text(encoding="utf-8")
    pdf = plan_pdf(text, header="青岚市碳达峰实施方案", page_number=page_number)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) >= 3
    from_pdf = parse_plan(read_document(_write(tmp_path, "plan.pdf", pdf)))
    from_text = parse_plan(text)
    assert from_pdf.title == from_text.title == "青岚市碳达峰实施方案"
    assert [(t.code, t.title, t.lead, t.cooperating) for t in from_pdf.tasks] == [
        (t.code, t.title, t.lead, t.cooperating) for t in from_text.tasks
    ]
    assert [t.to_dict() for t in from_pdf.targets] == [t.to_dict() for t in from_text.targets]


def test_furniture_and_wraps():
    # lines wrapped at 20 full-width columns: inside a number (2 / 2%) and inside a bracket
    goal = wrap("到2025年，全市非化石能源消费比重达到22%。", 20.5)
    task = wrap(
        "1.推进光伏建设。到2025年，光伏装机达到50万千瓦。（市发展改革委牵头，市自然资源局配合）", 20.5
    )
    pages = [
        ["青岚市碳达峰实施方案", "　　一、主要目标", *goal, "— 1 —"],
        ["青岚市人民政府文件", "　　二、重点任务", *task, "— 2 —"],
        [
            "青岚市人民政府文件",
            "　　2.推进储能建设。（市能源局负责）",
            "抄送：市委各部门，市人大常委会办公室。",
            "青岚市人民政府办公室 2023年5月6日印发",
            "— 3 —",
        ],
    ]
    assert any(line.endswith("2") for line in goal) and len(task) >= 3
    text = pdf_lines_to_text(pages)
    assert "— " not in text and "人民政府文件" not in text and "抄送" not in text and "印发" not in text
    assert "到2025年，全市非化石能源消费比重达到22%。" in text.splitlines()
    assert "（市发展改革委牵头，市自然资源局配合）" in text
    assert text.splitlines()[0] == "青岚市碳达峰实施方案"
    plan = parse_plan(text)
    assert [(t.lead, t.cooperating) for t in plan.tasks] == [
        (["市发展和改革委员会"], ["市自然资源局"]),
        (["市能源局"], []),
    ]


def test_scanned_pdf_without_text_layer_is_refused(tmp_path):
    pdf = plan_pdf("一、主要目标\n到2025年，全市非化石能源消费比重达到22%。\n" * 20, text_layer=False)
    with pytest.raises(PlanParseError) as info:
        read_document(_write(tmp_path, "scan.pdf", pdf))
    assert "没有可提取的文字层" in str(info.value) and "扫描件" in str(info.value)


def test_encrypted_pdf_is_refused(tmp_path):
    reader = pypdf.PdfReader(io.BytesIO(plan_pdf("一、主要目标\n到2025年，全市非化石能源消费比重达到22%。")))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(PlanParseError) as info:
        read_document(_write(tmp_path, "locked.pdf", buffer.getvalue()))
    assert "已加密" in str(info.value) and "locked.pdf" in str(info.value)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 50,
        plan_pdf("一、主要目标\n到2025年达到22%。")[:300],
        pdf_bytes([[(72, 700, "文字")]]).replace(b"/Root", b"/Rxxx"),
    ],
)
def test_damaged_pdf_is_refused_in_chinese(tmp_path, data):
    with pytest.raises(PlanParseError) as info:
        read_document(_write(tmp_path, "broken.pdf", data))
    assert CHINESE.search(str(info.value))


def test_a_target_table_in_the_text_layer_keeps_its_cells():
    pages = [
        [
            "一、主要目标",
            "到 2025 年，全县非化石能源消费比重达到 22%。",
            "序号 指标 单位 2020年（基期） 2025年 2030年 属性",
            "1 非化石能源消费比重 % 16.2 22 28以上 约束性",
            "2 森林覆盖率 % 60 61 62 约束性",
            "二、重点任务",
        ]
    ]
    plan = parse_plan(pdf_lines_to_text(pages))
    assert [(t.indicator, t.value_text, t.year) for t in plan.targets] == [
        ("非化石能源消费比重", "22", 2025),
        ("非化石能源消费比重", "28", 2030),
        ("森林覆盖率", "61", 2025),
        ("森林覆盖率", "62", 2030),
    ]


@pytest.mark.parametrize("separator", ["\f", "\n"])
def test_text_copied_out_of_a_pdf_is_unpaginated(separator):
    """Plans often arrive as the text of their PDF (pdftotext, "save as text"): page numbers,
    running headers and hard wraps inside the text itself."""
    import json

    from carbonpeak.engine.plantext.evaluation import score

    path = SAMPLES / "corpus" / "city_lines_pdf.txt"
    pdf = pypdf.PdfReader(io.BytesIO(plan_pdf(path.read_text(encoding="utf-8"), header="青岚市人民政府文件")))
    text = separator.join(page.extract_text() for page in pdf.pages)
    assert "— 2 —" in text and "青岚市人民政府文件" in text
    plan = parse_plan(text)
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    departments, targets = score(plan, expected)
    assert departments.f1 == 1.0 and targets.f1 == 1.0
    assert not any("— " in t.text or "人民政府文件" in t.text for t in plan.tasks)


@pytest.mark.parametrize("columns", [20, 24, 35])
@pytest.mark.parametrize("indent", [True, False])
def test_text_hard_wrapped_at_a_page_width_without_page_numbers(columns, indent):
    import json

    from carbonpeak.engine.plantext.evaluation import score

    from .plan_pdf import wrap

    for name in ("city_lines_pdf", "county_deep_brackets"):
        path = SAMPLES / "corpus" / f"{name}.txt"
        lines: list[str] = []
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            if "\t" in paragraph:
                lines.append(paragraph)
            elif paragraph.strip():
                lines.extend(wrap(paragraph, columns, indent))
        departments, targets = score(
            parse_plan("\n".join(lines)),
            json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8")),
        )
        assert (departments.f1, targets.f1) == (1.0, 1.0), name


def test_text_whose_characters_an_extractor_spaced_apart():
    import json

    from carbonpeak.engine.plantext.evaluation import score

    def spaced(line: str) -> str:
        out = ""
        for ch in line:
            if out and not (ch.isascii() and out[-1].isascii()):
                out += " "
            out += ch
        return out

    path = SAMPLES / "corpus" / "county_deep_brackets.txt"
    text = "\n".join(
        spaced(line) if "\t" not in line else line for line in path.read_text(encoding="utf-8").split("\n")
    )
    assert "一 、 总 体 要 求" in text
    departments, targets = score(
        parse_plan(text), json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    )
    assert (departments.f1, targets.f1) == (1.0, 1.0)


def test_a_department_line_at_the_foot_of_several_pages_is_not_furniture():
    pages = [
        ["　　1.推进光伏建设。", "牵头单位：市发展改革委", "— 1 —"],
        ["　　2.推进储能建设。", "牵头单位：市发展改革委", "— 2 —"],
        ["　　3.推进氢能发展。", "牵头单位：市发展改革委", "— 3 —"],
    ]
    text = pdf_lines_to_text(pages)
    assert text.count("牵头单位：市发展改革委") == 3
