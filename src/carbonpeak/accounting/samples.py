"""Sample data: illustrative statistics of Yueyang County 2020–2024 (示例数据，仅供演示).

Loads ``sample_data/accounting/*.csv`` (shipped with the repository) as one dataset
marked ``is_sample``. Idempotent: does nothing when the sample dataset exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from carbonpeak.accounting.models import Dataset
from carbonpeak.accounting.services import UploadedFile, import_dataset

SAMPLE_NAME = "岳阳县能源与经济统计 2020—2024（示例数据，仅供演示）"


def sample_dir() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "sample_data" / "accounting"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("sample_data/accounting")


def _file(name: str) -> UploadedFile:
    path = sample_dir() / name
    return UploadedFile(name=name, data=path.read_bytes())


def load(stdout) -> None:
    _load_home(stdout)
    load_second_county(stdout)


def _load_home(stdout: Any) -> None:
    if Dataset.objects.filter(is_sample=True, name=SAMPLE_NAME).exists():
        stdout.write("核算示例数据已存在，跳过")
        return
    try:
        directory = sample_dir()
    except FileNotFoundError:
        stdout.write("未找到 sample_data/accounting，跳过核算示例数据")
        return
    import_dataset(
        user=None,
        name=SAMPLE_NAME,
        energy_file=_file("ENERGY.csv"),
        economy_file=_file("ECONOMY.csv"),
        targets_file=_file("TARGETS.csv"),
        exclusions_file=_file("EXCLUSIONS.csv") if (directory / "EXCLUSIONS.csv").exists() else None,
        region="湖南省",
        base_year=2020,
        is_sample=True,
        note="示例数据，仅供演示：统计数据与目标均为虚构示例，不代表岳阳县官方统计。",
    )
    stdout.write("已载入核算示例数据（示例数据，仅供演示）")


SECOND_NAME = "华容县能源与经济统计 2020—2024（示例数据，仅供演示）"


def load_second_county(stdout: Any) -> None:
    """The second county of the sample city (华容县), from sample_data/huarong (scaled, fictional)."""
    from carbonpeak.core.regions import ensure_region

    directory = sample_dir().parent / "huarong"
    if not (directory / "ENERGY.csv").exists() or Dataset.objects.filter(name=SECOND_NAME).exists():
        return

    def f(name: str) -> UploadedFile:
        return UploadedFile(name=name, data=(directory / name).read_bytes())

    import_dataset(
        user=None,
        name=SECOND_NAME,
        energy_file=f("ENERGY.csv"),
        economy_file=f("ECONOMY.csv"),
        targets_file=f("TARGETS.csv"),
        region="湖南省",
        base_year=2020,
        is_sample=True,
        note="示例数据，仅供演示：由岳阳县示例数据缩放得到的虚构统计，不代表华容县官方统计。",
        area=ensure_region("430623"),
    )
    stdout.write("已载入华容县核算示例数据（示例数据，仅供演示）")
