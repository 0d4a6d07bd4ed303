"""Sample scenarios (基准/政策/强化) and the illustrative county history.

Idempotent: a scenario that exists is left as it is (its versions are the
office's work); the history dataset is replaced by the shipped file. Every value
is labelled 示例数据，仅供演示.
"""

from __future__ import annotations

from pathlib import Path

from carbonpeak.scenarios import services, spec
from carbonpeak.scenarios.models import Scenario


def sample_dir() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "sample_data" / "scenarios"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("找不到 sample_data/scenarios 目录")


def load(stdout, *, draws: int | None = None) -> None:
    folder = sample_dir()
    services.load_history(user=None, data=spec.load_toml(folder / "history.toml"))
    for name in ("baseline", "policy", "enhanced"):
        data = spec.load_toml(folder / f"{name}.toml")
        if Scenario.objects.filter(name=data["scenario"]["name"]).exists():
            continue
        services.create_scenario(
            user=None, assumptions=data, note="示例情景（示例数据，仅供演示）", draws=draws
        )
        stdout.write(f"已载入示例情景：{data['scenario']['name']}")
    # The policy scenarios' wedge baseline is the sample baseline.
    base = Scenario.objects.filter(kind=Scenario.Kind.BASELINE, illustrative=True).first()
    if base is not None:
        Scenario.objects.filter(illustrative=True, baseline__isnull=True).exclude(pk=base.pk).update(
            baseline=base
        )
