"""Sample scenarios (基准/政策/强化) and the illustrative county history.

Idempotent: a scenario that exists is left as it is (its versions are the
office's work); the history dataset is replaced by the shipped file. Every value
is labelled 示例数据，仅供演示.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from carbonpeak.scenarios import services, spec
from carbonpeak.scenarios.models import Scenario


def sample_dir() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "sample_data" / "scenarios"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("找不到 sample_data/scenarios 目录")


def from_accounting(data: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any] | None:
    """``data`` with its base year taken from the accounting results (``history = "accounting"``).

    The file's own base-year population, GDP and sector energy and CO2 factors are
    dropped so that :func:`services.fill_from_accounting` fills them from the accounting
    summary: the scenario then starts where the accounting history ends, and the
    dashboard shows one emission history. ``None`` when the accounting data lacks the
    base year or a mapped sector (the file's own data is used then, and the scenario
    page says so).
    """
    out = copy.deepcopy(data)
    out["scenario"]["history"] = "accounting"
    for key in ("population", "gdp_constant_10k_yuan"):
        out.get("base", {}).pop(key, None)
    for sector in out.get("sectors", []):
        if sector.get("code") not in mapping:
            return None
        sector["accounting_sector"] = mapping[sector["code"]]
        sector.pop("energy_tce", None)
        sector.pop("direct_co2_factor_t_per_tce", None)
    try:
        return services.fill_from_accounting(out)
    except spec.SpecError:
        return None


def load(stdout, *, draws: int | None = None) -> None:
    folder = sample_dir()
    services.load_history(user=None, data=spec.load_toml(folder / "history.toml"))
    mapping = {
        s["code"]: s["accounting_sector"]
        for s in spec.load_toml(folder / "policy-from-accounting.toml").get("sectors", [])
        if s.get("accounting_sector")
    }
    for name in ("baseline", "policy", "enhanced"):
        data = spec.load_toml(folder / f"{name}.toml")
        if Scenario.objects.filter(name=data["scenario"]["name"]).exists():
            continue
        data = from_accounting(data, mapping) or data
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
