import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from carbonpeak.plans import samples
from carbonpeak.plans.models import Plan, Task

SAMPLE = str(samples.sample_plan_path())


def test_parse_json_shape(capsys, db):
    call_command("plan", "parse", SAMPLE, "--json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"title", "document_number", "issuer", "issued_on", "goals", "actions", "targets"}
    assert len(data["actions"]) == 10
    assert sum(len(a["tasks"]) for a in data["actions"]) == 38
    task = data["actions"][0]["tasks"][0]
    assert set(task) >= {"code", "title", "text", "lead", "cooperating"}
    target = data["targets"][0]
    assert set(target) >= {"indicator", "value", "unit", "comparator", "year", "scope", "quote", "task_code"}


def test_parse_refuses_non_plan_with_exit_code_2(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("购物清单：苹果、香蕉、牛奶。", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "carbonpeak.cli", "plan", "parse", str(f), "--json"],
        capture_output=True,
        text=True,
        env={"CARBONPEAK_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert any("\u4e00" <= ch <= "\u9fff" for ch in proc.stderr)


def test_parse_missing_file(db):
    with pytest.raises(CommandError) as exc:
        call_command("plan", "parse", "/nonexistent/plan.txt")
    assert exc.value.returncode == 2
    assert "找不到文件" in str(exc.value)


def test_import_is_idempotent(capsys, db):
    call_command("plan", "import", SAMPLE)
    assert Task.objects.count() == 38
    call_command("plan", "import", SAMPLE)
    assert "无变化" in capsys.readouterr().out
    assert Plan.objects.count() == 1


def test_import_revised_needs_confirmation(tmp_path, capsys, db):
    call_command("plan", "import", SAMPLE)
    revised = tmp_path / "revised.txt"
    revised.write_text(
        samples.sample_plan_path().read_text(encoding="utf-8").replace("441万立方米", "450万立方米"),
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("plan", "import", str(revised))  # stdin is not a tty: refuses without --yes
    assert Plan.objects.get().targets.filter(value_text="441").exists()
    call_command("plan", "import", str(revised), "--yes")
    assert Plan.objects.get().targets.filter(value_text="450").exists()


def test_export_and_reimport_ledger_roundtrip(tmp_path, capsys, db):
    call_command("plan", "import", SAMPLE)
    out = tmp_path / "ledger.xlsx"
    call_command("plan", "export-ledger", str(out))
    call_command("plan", "import-ledger", str(out), "--yes")
    assert "无变化" in capsys.readouterr().out


def test_parse_a_pdf_plan(capsys, db, tmp_path):
    from tests.engine.plan_pdf import plan_pdf

    text = (samples.sample_plan_path().parent / "yueyang-county-carbon-peak-plan.txt").read_text(
        encoding="utf-8"
    )
    pdf = tmp_path / "方案.pdf"
    pdf.write_bytes(plan_pdf(text, header="岳阳县碳达峰实施方案", page_number="- {n} -"))
    call_command("plan", "parse", str(pdf), "--json")
    from_pdf = json.loads(capsys.readouterr().out)
    call_command("plan", "parse", SAMPLE, "--json")
    from_text = json.loads(capsys.readouterr().out)
    assert sum(len(a["tasks"]) for a in from_pdf["actions"]) == 38
    # the sample plan parses exactly the same from its PDF copy: tasks, texts, units, targets
    assert from_pdf == from_text


def test_parse_a_scanned_pdf_exits_2_with_a_chinese_message(tmp_path):
    from tests.engine.plan_pdf import plan_pdf

    f = tmp_path / "scan.pdf"
    f.write_bytes(
        plan_pdf("一、主要目标\n到2025年，全县非化石能源消费比重达到22%。\n" * 10, text_layer=False)
    )
    proc = subprocess.run(
        [sys.executable, "-m", "carbonpeak.cli", "plan", "parse", str(f)],
        capture_output=True,
        text=True,
        env={"CARBONPEAK_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "没有可提取的文字层" in proc.stderr
