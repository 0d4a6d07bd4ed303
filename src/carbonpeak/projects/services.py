"""Project use cases and the baseline read from accounting."""

from __future__ import annotations

from carbonpeak.accounting.models import Dataset, EconomyRecord
from carbonpeak.accounting.services import dataset_result
from carbonpeak.engine.accounting import EconomyRow
from carbonpeak.engine.project_impact import ImpactError
from carbonpeak.engine.targets import Target
from carbonpeak.projects.baseline import Baseline


def baseline_from_dataset(ds: Dataset) -> Baseline:
    """The baseline of a stored accounting dataset: its frozen result, economy rows and targets."""
    result = dataset_result(ds)
    economy = [
        EconomyRow(
            year=r.year,
            gdp_10k_yuan=r.gdp_10k_yuan,
            gdp_constant_10k_yuan=r.gdp_constant_10k_yuan,
            population=r.population,
            thermal_power_coal_rate_gce_per_kwh=r.thermal_power_coal_rate_gce_per_kwh,
            non_fossil_energy_tce=r.non_fossil_energy_tce,
        )
        for r in EconomyRecord.objects.filter(dataset=ds).order_by("year")
    ]
    targets = [
        Target(
            indicator=t["indicator"],
            base_year=int(t["base_year"]),
            target_year=int(t["target_year"]),
            decline_pct=t.get("decline_pct"),
            cap=t.get("cap"),
        )
        for t in result.targets
    ]
    return Baseline(
        accounting=result, economy=economy, targets=targets, source=f"核算数据集 #{ds.pk}「{ds.name}」"
    )


def latest_baseline(*, region_code: str | None = None) -> Baseline:
    """The baseline of the latest computed accounting dataset.

    Raises
    ------
    ImpactError
        No dataset.
    """
    ds = Dataset.objects.exclude(result={}).order_by("-computed_at", "-id").first()
    if ds is None:
        raise ImpactError(
            "平台中还没有核算数据集：请先导入能源与经济统计（carbonpeak accounting import），"
            "或用 --energy/--economy 指定离线文件"
        )
    return baseline_from_dataset(ds)
