"""Department F1 and target F1 of the parser on the genre corpus (tests/engine/plan_samples/corpus).

Each corpus text is written for the project in the genre of real plans (invented places and
numbers); its ``.expected.json`` was written by hand. ``city_lines_pdf`` is also typeset as a
PDF (wrapped lines, running header, page numbers) and must score the same from the PDF.
The figures are reported in docs/plan-parser.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carbonpeak.engine.plantext import parse_plan, read_document
from carbonpeak.engine.plantext.evaluation import Score, score

from .plan_pdf import plan_pdf

CORPUS = Path(__file__).parent / "plan_samples" / "corpus"
TEXTS = sorted(CORPUS.glob("*.txt"))


def _has_table(path: Path) -> bool:
    return "\t" in path.read_text(encoding="utf-8")


def _expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))


def test_corpus_covers_county_city_province():
    names = {p.stem.split("_")[0] for p in TEXTS}
    assert {"county", "city", "province"} <= names
    assert all(p.with_suffix(".expected.json").exists() for p in TEXTS)


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_each_corpus_plan_scores_at_least_095(path):
    departments, targets = score(parse_plan(read_document(path)), _expected(path))
    assert departments.f1 >= 0.95, departments
    assert targets.f1 >= 0.95, targets


def test_corpus_totals(capsys):
    total_departments, total_targets = Score(0, 0, 0), Score(0, 0, 0)
    for path in TEXTS:
        departments, targets = score(parse_plan(read_document(path)), _expected(path))
        total_departments += departments
        total_targets += targets
    with capsys.disabled():
        print(
            f"\n方案语料：部门 F1 {total_departments.f1:.3f}（{total_departments.matched}/{total_departments.expected} 期望，"
            f"{total_departments.found} 识别），目标 F1 {total_targets.f1:.3f}（{total_targets.matched}/"
            f"{total_targets.expected} 期望，{total_targets.found} 识别）"
        )
    assert total_departments.f1 >= 0.95 and total_targets.f1 >= 0.95


@pytest.mark.parametrize("path", [p for p in TEXTS if not _has_table(p)], ids=lambda p: p.stem)
def test_pdf_copy_scores_like_the_text(tmp_path, path):
    """Each corpus plan typeset as a PDF (28 columns, running header, "- n -" page numbers).

    Plans with a target table are left out: the test PDF writer cannot give table cells a
    text layer a reader separates (see test_plantext_pdf for tables in a text layer)."""
    pdf = tmp_path / f"{path.stem}.pdf"
    pdf.write_bytes(plan_pdf(path.read_text(encoding="utf-8"), header="人民政府文件", page_number="- {n} -"))
    departments, targets = score(parse_plan(read_document(pdf)), _expected(path))
    assert (departments.f1, targets.f1) == (1.0, 1.0)


def test_a_wrong_parse_scores_below_the_bar():
    path = CORPUS / "county_deep_brackets.txt"
    plan = parse_plan(read_document(path))
    for task in plan.tasks:
        task.lead, task.cooperating = task.cooperating, task.lead
    plan.targets = plan.targets[: len(plan.targets) // 2]
    departments, targets = score(plan, _expected(path))
    assert departments.f1 < 0.95 and targets.f1 < 0.95


def _as_docx(path: Path, target: Path) -> Path:
    """The corpus text as a Word document: paragraphs, and tab-separated rows as a Word table."""
    import docx

    document = docx.Document()
    rows: list[list[str]] = []
    for line in [*path.read_text(encoding="utf-8").split("\n"), ""]:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for row, cells in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, cells, strict=True):
                    cell.text = value
            rows = []
        if line.strip():
            document.add_paragraph(line)
    document.save(target)
    return target


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_word_copy_scores_like_the_text(path, tmp_path):
    word = _as_docx(path, tmp_path / f"{path.stem}.docx")
    departments, targets = score(parse_plan(read_document(word)), _expected(path))
    assert (departments.f1, targets.f1) == (1.0, 1.0)
