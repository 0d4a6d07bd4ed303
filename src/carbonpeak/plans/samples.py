"""Sample data: the Yueyang County plan shipped in sample_data/ (a real, public document),
and a second county of Yueyang City (华容县) with a fictional plan written for the
demonstration (示例数据, labelled so in the file and on every page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from carbonpeak.core.regions import ensure_region
from carbonpeak.plans import services

SAMPLE_PLAN = Path(__file__).resolve().parents[3] / "sample_data" / "yueyang-county-carbon-peak-plan.txt"
#: The second county of the sample city (fictional plan, 示例数据).
SECOND_COUNTY = "430623"
SECOND_PLAN = SAMPLE_PLAN.parent / "huarong" / "huarong-county-carbon-peak-plan-SAMPLE.txt"
#: The city above both counties.
SAMPLE_CITY = "430600"


def sample_plan_path() -> Path:
    """The shipped sample plan (repository checkout or installed data)."""
    if SAMPLE_PLAN.exists():
        return SAMPLE_PLAN
    raise FileNotFoundError(f"找不到示例方案文件：{SAMPLE_PLAN}")


def load(stdout) -> None:
    ensure_region(SAMPLE_CITY)
    _load_plan(stdout, sample_plan_path(), None)
    if SECOND_PLAN.exists():
        _load_plan(stdout, SECOND_PLAN, ensure_region(SECOND_COUNTY))


def _load_plan(stdout: Any, path: Path, region: Any) -> None:
    parsed, text = services.parse_file(path, region)
    result = services.import_plan(parsed, source_text=text, region=region)
    if result.applied:
        tasks = sum(len(a.tasks) for a in parsed.actions)
        stdout.write(
            f"已导入示例方案“{parsed.title}”：{len(parsed.actions)} 项行动，{tasks} 项任务，{len(parsed.targets)} 项量化目标。"
        )
    else:
        stdout.write(f"示例方案“{parsed.title}”已导入，无变化。")
