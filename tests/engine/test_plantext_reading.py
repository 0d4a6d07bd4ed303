"""Reading files (.txt in UTF-8/GB18030, .docx with a task table) and refusing what is not a plan."""

from __future__ import annotations

import datetime
import re

import docx
import pytest

from carbonpeak.engine.plantext import PlanParseError, parse_plan, read_document

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def build_docx(path):
    document = docx.Document()
    document.add_paragraph("清溪县人民政府关于印发《清溪县碳达峰实施方案》的通知")
    document.add_paragraph("清政发〔2024〕5号")
    document.add_paragraph("清溪县人民政府")
    document.add_paragraph("2024年5月6日")
    document.add_paragraph("清溪县碳达峰实施方案")
    document.add_paragraph("一、主要目标")
    document.add_paragraph("到2025年，全县非化石能源消费比重达到20%，顺利实现2030年前碳达峰目标。")
    document.add_paragraph("二、重点任务")
    rows = [
        ["序号", "重点任务", "主要内容", "牵头单位", "配合单位", "完成时限"],
        ["（一）能源绿色低碳转型行动"] * 6,
        [
            "1",
            "大力发展新能源",
            "到2025年，新能源装机容量达到50万千瓦以上。",
            "县发改局",
            "县住建局、县供电公司",
            "2025年底",
        ],
        ["2", "推进煤炭清洁利用", "严控新增耗煤项目。", "县发改局、县工信局", "县生态环境局", "长期坚持"],
        ["（二）节能降碳增效行动"] * 6,
        [
            "1",
            "提升节能管理能力",
            "强化节能审查，推行用能预算管理。",
            "县发改局",
            "县统计局、县市场监管局",
            "2025年底",
        ],
    ]
    table = document.add_table(rows=len(rows), cols=6)
    for r, values in enumerate(rows):
        if len(set(values)) == 1:
            merged = table.cell(r, 0).merge(table.cell(r, 5))
            merged.text = values[0]
            continue
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    document.add_paragraph("三、保障措施")
    document.add_paragraph("（一）加强组织领导。县碳达峰碳中和工作领导小组统筹推进。")
    document.save(path)


def test_docx_with_task_table(tmp_path):
    path = tmp_path / "清溪县方案.docx"
    build_docx(path)
    text = read_document(path)
    assert "牵头单位：县发改局" in text
    plan = parse_plan(text)
    assert plan.title == "清溪县碳达峰实施方案"
    assert plan.document_number == "清政发〔2024〕5号"
    assert plan.issuer == "清溪县人民政府"
    assert plan.issued_on == datetime.date(2024, 5, 6)
    assert [(a.title, [t.title for t in a.tasks]) for a in plan.actions] == [
        ("能源绿色低碳转型行动", ["大力发展新能源", "推进煤炭清洁利用"]),
        ("节能降碳增效行动", ["提升节能管理能力"]),
    ]
    assert {t.code: (t.lead, t.cooperating) for t in plan.tasks} == {
        "1.1": (["县发展和改革局"], ["县住房和城乡建设局", "县供电公司"]),
        "1.2": (["县发展和改革局", "县工业和信息化局"], ["县生态环境局"]),
        "2.1": (["县发展和改革局"], ["县统计局", "县市场监督管理局"]),
    }
    assert [(t.task_code, t.indicator, t.value_text, t.unit, t.comparator, t.year) for t in plan.targets] == [
        (None, "非化石能源消费比重", "20", "%", ">=", 2025),
        ("1.1", "新能源装机容量", "50", "万千瓦", ">=", 2025),
    ]
    assert any("2030年前碳达峰" in g for g in plan.goals)


def test_docx_paragraphs_and_cells_in_document_order(tmp_path):
    document = docx.Document()
    document.add_paragraph("第一段")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "表格甲"
    table.cell(0, 1).text = "表格乙"
    document.add_paragraph("最后一段")
    path = tmp_path / "order.docx"
    document.save(path)
    assert read_document(path).split("\n") == ["第一段", "表格甲", "表格乙", "最后一段"]


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("一、主要目标\n到2025年,森林覆盖率稳定在39%。".encode("utf-8-sig"))
    text = read_document(path)
    assert text.startswith("一、主要目标")
    assert parse_plan(text).targets[0].value_text == "39"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "空"),
        ("blank.txt", b"  \n\n \t", "空"),
        ("binary.txt", bytes(range(256)) * 4, "二进制"),
        ("broken.pdf", b"%PDF-1.4", "无法读取 PDF"),
        ("not-a-pdf.pdf", b"hello world", "不是 PDF"),
        ("sheet.xls", b"\xd0\xcf\x11\xe0", "仅支持 .txt、.docx 和 .pdf"),
        ("old.doc", b"\xd0\xcf\x11\xe0", "另存为 .docx"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "Word"),
    ],
)
def test_unreadable_files_are_refused_in_chinese(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PlanParseError) as info:
        read_document(path)
    assert message in str(info.value)
    assert name in str(info.value)
    assert CHINESE.search(str(info.value))


def test_missing_file(tmp_path):
    with pytest.raises(PlanParseError, match="找不到文件"):
        read_document(tmp_path / "nowhere.txt")


@pytest.mark.parametrize(
    "text",
    [
        "今年秋季运动会于10月12日举行，共有800余名运动员参加了比赛。初二(3)班获得团体总分第一名。",
        "The quick brown fox jumps over the lazy dog. 1. 2. 3.",
        "   \n\n  ",
        "一、会议时间\n2024年5月6日上午9点。\n二、参会人员\n各部门负责人。",
    ],
)
def test_text_with_nothing_of_the_genre_is_refused(text):
    with pytest.raises(PlanParseError) as info:
        parse_plan(text)
    assert CHINESE.search(str(info.value))


def test_not_a_plan_sample_file_is_refused():
    from pathlib import Path

    text = read_document(Path(__file__).parent / "plan_samples" / "not_a_plan.txt")
    with pytest.raises(PlanParseError, match="未在文本中找到碳达峰实施方案的内容"):
        parse_plan(text)


def test_docx_indicator_table_gives_targets(tmp_path):
    from carbonpeak.engine.plantext import parse_plan

    document = docx.Document()
    document.add_paragraph("一、主要目标")
    document.add_paragraph("到2025年，全县非化石能源消费比重达到22%。")
    table = document.add_table(rows=3, cols=6)
    for row, cells in zip(
        table.rows,
        [
            ["序号", "指标", "单位", "2020年（基期）", "2025年", "2030年"],
            ["1", "非化石能源消费比重", "%", "16", "22", "28以上"],
            ["2", "森林覆盖率", "%", "60.2", "61", "62"],
        ],
        strict=True,
    ):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    path = tmp_path / "指标.docx"
    document.save(path)
    plan = parse_plan(read_document(path))
    assert [(t.indicator, t.comparator, t.value_text, t.year) for t in plan.targets] == [
        ("非化石能源消费比重", ">=", "22", 2025),
        ("非化石能源消费比重", ">=", "28", 2030),
        ("森林覆盖率", ">=", "61", 2025),
        ("森林覆盖率", ">=", "62", 2030),
    ]
