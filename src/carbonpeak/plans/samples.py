"""Sample data: the Yueyang County plan shipped in sample_data/ (a real, public document)."""

from __future__ import annotations

from pathlib import Path

from carbonpeak.plans import services

SAMPLE_PLAN = Path(__file__).resolve().parents[3] / "sample_data" / "yueyang-county-carbon-peak-plan.txt"


def sample_plan_path() -> Path:
    """The shipped sample plan (repository checkout or installed data)."""
    if SAMPLE_PLAN.exists():
        return SAMPLE_PLAN
    raise FileNotFoundError(f"找不到示例方案文件：{SAMPLE_PLAN}")


def load(stdout) -> None:
    parsed, text = services.parse_file(sample_plan_path())
    result = services.import_plan(parsed, source_text=text)
    if result.applied:
        tasks = sum(len(a.tasks) for a in parsed.actions)
        stdout.write(
            f"已导入示例方案“{parsed.title}”：{len(parsed.actions)} 项行动，{tasks} 项任务，{len(parsed.targets)} 项量化目标。"
        )
    else:
        stdout.write(f"示例方案“{parsed.title}”已导入，无变化。")
