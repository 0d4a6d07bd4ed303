"""Accounting use cases: import, recompute, delete datasets; manage local factors; read results.

Each writing use case runs in one ``transaction.atomic()`` and writes its audit entry in
the same transaction. Parsing and computing happen before the transaction opens, so a
bad file leaves the database untouched.

Read services for other apps (dashboard, scenarios):

- :func:`latest_result` -> ``AccountingResult | None``
- :func:`yearly_summary` -> ``list[dict]``
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from carbonpeak.accounting.models import Dataset, EconomyRecord, EnergyRecord, LocalFactor
from carbonpeak.core import audit
from carbonpeak.core.regions import home_region
from carbonpeak.engine import accounting_io as aio
from carbonpeak.engine.accounting import (
    AccountingError,
    AccountingResult,
    ActivityResult,
    EconomyRow,
    EnergyRow,
    ExclusionRow,
    compute,
)
from carbonpeak.engine.factors import FactorError, FactorSet, parse_user_factor
from carbonpeak.engine.targets import Target


@dataclass
class UploadedFile:
    """A file's bytes and its name (used in messages)."""

    name: str
    data: bytes


def local_factor_rows(area: Any = None) -> list[dict[str, str]]:
    """The office's local factors of a region (default: the home region) as FACTORS rows (one query)."""
    rows = []
    for index, f in enumerate(LocalFactor.objects.in_region(area).order_by("id"), start=1):
        row = f.as_row()
        row["_row"] = str(index)
        rows.append(row)
    return rows


def build_factor_set(
    *,
    region: str,
    dataset: str = "CN_DEFAULT",
    extra_rows: list[Any] | None = None,
    extra_name: str = "",
    area: Any = None,
) -> FactorSet:
    """Default set for the province ``region``, then the local factors of ``area`` (a
    Region, default the home region), then the file's factors.

    Raises
    ------
    AccountingError
    """
    try:
        fs = FactorSet.default(region, dataset=dataset)
        local = local_factor_rows(area)
        if local:
            fs = fs.with_user_factors(local, filename="本地因子表")
        if extra_rows:
            fs = fs.with_user_factors(extra_rows, filename=extra_name or "因子文件")
    except FactorError as exc:
        raise AccountingError(exc.message, file=extra_name, row=exc.row, column=exc.column) from None
    return fs


@dataclass
class ParsedInputs:
    energy: list[EnergyRow]
    economy: list[EconomyRow]
    targets: list[Target]
    exclusions: list[ExclusionRow]
    factor_rows: list[dict[str, str]]
    result: AccountingResult


def parse_and_compute(
    *,
    energy_file: UploadedFile,
    economy_file: UploadedFile,
    factors_file: UploadedFile | None = None,
    targets_file: UploadedFile | None = None,
    exclusions_file: UploadedFile | None = None,
    region: str = "湖南省",
    base_year: int = 2020,
    dataset: str = "CN_DEFAULT",
    area: Any = None,
) -> ParsedInputs:
    """Parse every file and compute; no database writes.

    Raises
    ------
    AccountingError
        With a Chinese message naming file, row and column.
    """
    energy_rows = aio.parse_energy(aio.read_table(energy_file.data, energy_file.name))
    economy_rows = aio.parse_economy(
        aio.read_table(economy_file.data, economy_file.name), base_year=base_year
    )
    aio.check_years_have_gdp(energy_rows, economy_rows, economy_file.name)
    factor_rows = (
        aio.factor_rows(aio.read_table(factors_file.data, factors_file.name)) if factors_file else []
    )
    target_rows = (
        aio.parse_targets(aio.read_table(targets_file.data, targets_file.name)) if targets_file else []
    )
    exclusion_rows = (
        aio.parse_exclusions(aio.read_table(exclusions_file.data, exclusions_file.name))
        if exclusions_file
        else []
    )
    fs = build_factor_set(
        region=region,
        dataset=dataset,
        extra_rows=factor_rows,
        extra_name=factors_file.name if factors_file else "",
        area=area,
    )
    result = compute(
        energy_rows,
        economy_rows,
        factor_set=fs,
        targets=target_rows,
        base_year=base_year,
        exclusions=exclusion_rows,
    )
    return ParsedInputs(energy_rows, economy_rows, target_rows, exclusion_rows, factor_rows, result)


def _store_result(ds: Dataset, parsed: ParsedInputs) -> None:
    result = parsed.result
    ds.result = result.to_dict(include_trace=False)
    ds.factor_set_name = result.factor_set.get("name", "")[:300]
    ds.factor_set_version = result.factor_set.get("version", "")[:200]
    ds.computed_at = timezone.now()


def import_dataset(
    *,
    user: Any,
    name: str,
    energy_file: UploadedFile,
    economy_file: UploadedFile,
    factors_file: UploadedFile | None = None,
    targets_file: UploadedFile | None = None,
    exclusions_file: UploadedFile | None = None,
    region: str = "湖南省",
    base_year: int = 2020,
    dataset: str = "CN_DEFAULT",
    is_sample: bool = False,
    note: str = "",
    area: Any = None,
) -> Dataset:
    """Import statistics, compute, and store dataset + rows + result in one transaction.

    Side effects: one :class:`Dataset`, its :class:`EnergyRecord` and
    :class:`EconomyRecord` rows, one audit entry (``create``).

    Raises
    ------
    AccountingError
        Nothing is written.
    """
    parsed = parse_and_compute(
        energy_file=energy_file,
        economy_file=economy_file,
        factors_file=factors_file,
        targets_file=targets_file,
        exclusions_file=exclusions_file,
        region=region,
        base_year=base_year,
        dataset=dataset,
        area=area,
    )
    with transaction.atomic():
        ds = Dataset(
            name=name.strip() or energy_file.name,
            region=area or home_region(),
            province=region,
            base_year=base_year,
            dataset_kind=dataset,
            is_sample=is_sample,
            note=note,
            energy_filename=energy_file.name,
            economy_filename=economy_file.name,
            factors_filename=factors_file.name if factors_file else "",
            targets_filename=targets_file.name if targets_file else "",
            exclusions_filename=exclusions_file.name if exclusions_file else "",
            inputs={
                "targets": [t.to_dict() for t in parsed.targets],
                "exclusions": [
                    {
                        "year": x.year,
                        "category": x.category,
                        "carrier": x.carrier,
                        "quantity": x.quantity,
                        "unit": x.unit,
                    }
                    for x in parsed.exclusions
                ],
                "factors": [{k: v for k, v in r.items() if k != "_row"} for r in parsed.factor_rows],
            },
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        _store_result(ds, parsed)
        ds.save()
        _store_rows(ds, parsed)
        audit.record(
            user=user,
            action="create",
            instance=ds,
            after={
                "name": ds.name,
                "energy_rows": len(parsed.energy),
                "years": ds.years,
                "factor_set": ds.factor_set_version,
            },
            note=f"导入核算数据集：{energy_file.name}、{economy_file.name}",
        )
    return ds


def _store_rows(ds: Dataset, parsed: ParsedInputs) -> None:
    records = []
    for row, activity in zip(parsed.energy, parsed.result.activities, strict=True):
        records.append(
            EnergyRecord(
                dataset=ds,
                line=row.row,
                year=row.year,
                sector=row.sector,
                carrier=row.carrier,
                quantity=row.quantity,
                unit=row.unit,
                energy_tce=activity.energy_tce,
                energy_tce_equal_value=activity.energy_tce_equal_value,
                co2_t=activity.co2_t,
                trace=activity.trace,
            )
        )
    EnergyRecord.objects.bulk_create(records, batch_size=500)
    EconomyRecord.objects.bulk_create(
        [
            EconomyRecord(
                dataset=ds,
                year=e.year,
                gdp_10k_yuan=e.gdp_10k_yuan,
                gdp_constant_10k_yuan=e.gdp_constant_10k_yuan,
                population=e.population,
                thermal_power_coal_rate_gce_per_kwh=e.thermal_power_coal_rate_gce_per_kwh,
                non_fossil_energy_tce=e.non_fossil_energy_tce,
            )
            for e in parsed.economy
        ]
    )


def recompute_dataset(*, user: Any, dataset: Dataset) -> Dataset:
    """Recompute a stored dataset with the current defaults and local factors.

    Side effects: the dataset's result and row figures are replaced; one audit entry (``update``).

    Raises
    ------
    AccountingError
        e.g. a local factor that no longer fits; nothing is changed.
    """
    energy_rows = [
        EnergyRow(
            year=r.year,
            sector=r.sector,
            carrier=r.carrier,
            quantity=r.quantity,
            unit=r.unit,
            file=dataset.energy_filename,
            row=r.line,
        )
        for r in dataset.energy_records.order_by("id")
    ]
    economy_rows = [
        EconomyRow(
            year=e.year,
            gdp_10k_yuan=e.gdp_10k_yuan,
            gdp_constant_10k_yuan=e.gdp_constant_10k_yuan,
            population=e.population,
            thermal_power_coal_rate_gce_per_kwh=e.thermal_power_coal_rate_gce_per_kwh,
            non_fossil_energy_tce=e.non_fossil_energy_tce,
        )
        for e in dataset.economy_records.all()
    ]
    inputs = dataset.inputs or {}
    targets = [
        Target(
            indicator=t["indicator"],
            base_year=t["base_year"],
            target_year=t["target_year"],
            decline_pct=t.get("decline_pct"),
            cap=t.get("cap"),
        )
        for t in inputs.get("targets", [])
    ]
    exclusions = [ExclusionRow(**x) for x in inputs.get("exclusions", [])]
    file_factors = [dict(r, _row=str(i)) for i, r in enumerate(inputs.get("factors", []), start=2)]
    fs = build_factor_set(
        region=dataset.province,
        dataset=dataset.dataset_kind,
        area=dataset.region,
        extra_rows=file_factors,
        extra_name=dataset.factors_filename,
    )
    result = compute(
        energy_rows,
        economy_rows,
        factor_set=fs,
        targets=targets,
        base_year=dataset.base_year,
        exclusions=exclusions,
    )
    parsed = ParsedInputs(energy_rows, economy_rows, targets, exclusions, file_factors, result)
    before = {"factor_set": dataset.factor_set_version, "computed_at": dataset.computed_at}
    with transaction.atomic():
        _store_result(dataset, parsed)
        dataset.save()
        dataset.energy_records.all().delete()
        dataset.economy_records.all().delete()
        _store_rows(dataset, parsed)
        audit.record(
            user=user,
            action="update",
            instance=dataset,
            before=before,
            after={"factor_set": dataset.factor_set_version, "computed_at": dataset.computed_at},
            note="按当前因子重新核算",
        )
    return dataset


def delete_dataset(*, user: Any, dataset: Dataset) -> None:
    """Delete a dataset and its rows. Side effects: one audit entry (``delete``)."""
    with transaction.atomic():
        audit.record(
            user=user,
            action="delete",
            instance=dataset,
            before={"name": dataset.name, "years": dataset.years, "factor_set": dataset.factor_set_version},
        )
        dataset.delete()


def _validate_local_factor(*, carrier: str, year: int | None, value: float, unit: str, source: str) -> None:
    try:
        parse_user_factor(
            {
                "carrier": carrier,
                "year": "" if year is None else str(year),
                "co2_factor": repr(value),
                "unit": unit,
                "source": source,
            },
            row_number=1,
            filename="本地因子",
        )
    except FactorError as exc:
        raise AccountingError(
            exc.message.replace("本地因子 第 1 行", "本地因子"), column=exc.column
        ) from None


def save_local_factor(
    *,
    user: Any,
    carrier: str,
    year: int | None,
    value: float,
    unit: str,
    source: str,
    instance: LocalFactor | None = None,
) -> LocalFactor:
    """Create or change a local factor. Side effects: one audit entry.

    Raises
    ------
    AccountingError
        Unknown carrier, unit that does not fit the carrier, negative value.
    """
    _validate_local_factor(carrier=carrier, year=year, value=value, unit=unit, source=source)
    with transaction.atomic():
        before = audit.snapshot(instance) if instance is not None else None
        factor = instance or LocalFactor()
        factor.carrier = carrier.strip()
        factor.year = year
        factor.value = value
        factor.unit = unit.strip()
        factor.source = source.strip()
        factor.updated_by = user if getattr(user, "is_authenticated", False) else None
        factor.save()
        audit.record(
            user=user,
            action="update" if before else "create",
            instance=factor,
            before=before,
            after=audit.snapshot(factor),
        )
    return factor


def delete_local_factor(*, user: Any, factor: LocalFactor) -> None:
    """Delete a local factor. Side effects: one audit entry (``delete``)."""
    with transaction.atomic():
        audit.record(user=user, action="delete", instance=factor, before=audit.snapshot(factor))
        factor.delete()


# ----------------------------------------------------------------------------------------
# read services for other apps
# ----------------------------------------------------------------------------------------
def latest_dataset(region: Any = None) -> Dataset | None:
    """A region's most recently imported or recomputed dataset (one query; default the home region)."""
    return Dataset.objects.in_region(region).exclude(result={}).order_by("-computed_at", "-id").first()


def latest_result(*, with_trace: bool = False, region: Any = None) -> AccountingResult | None:
    """The engine result of the most recent dataset, or None when nothing is imported.

    One query; ``with_trace=True`` adds the per-row ``activities`` (one more query).
    """
    ds = latest_dataset(region)
    if ds is None:
        return None
    return dataset_result(ds, with_trace=with_trace)


def dataset_result(ds: Dataset, *, with_trace: bool = False) -> AccountingResult:
    """A stored dataset's result; ``with_trace`` loads each row's trace (one query)."""
    result = AccountingResult.from_dict(ds.result)
    if with_trace:
        result.activities = [
            ActivityResult(
                energy_tce=r.energy_tce,
                energy_tce_equal_value=r.energy_tce_equal_value,
                co2_t=r.co2_t,
                trace=r.trace,
            )
            for r in EnergyRecord.objects.filter(dataset_id=ds.pk)
            .order_by("id")
            .only("energy_tce", "energy_tce_equal_value", "co2_t", "trace")
        ]
    return result


def summary_rows(result: AccountingResult) -> list[dict[str, Any]]:
    """One dict per year of a result: totals, intensities, structure, declines (no arithmetic)."""
    out = []
    for year in sorted(result.years):
        y = result.years[year]
        out.append(
            {
                "year": year,
                "energy_tce": y.energy_tce,
                "energy_tce_equal_value": y.energy_tce_equal_value,
                "co2_t": y.co2_t,
                "gdp_constant_10k_yuan": y.gdp_constant_10k_yuan,
                "gdp_10k_yuan": y.gdp_10k_yuan,
                "population": y.population,
                "energy_intensity": y.energy_intensity_tce_per_10k_yuan,
                "co2_intensity": y.co2_intensity_t_per_10k_yuan,
                "coal_share_pct": y.coal_share_pct,
                "non_fossil_share_pct": y.non_fossil_share_pct,
                "by_sector": y.by_sector,
                "by_carrier": y.by_carrier,
                "declines": result.declines.get(year, {}),
                "exclusions": y.exclusions,
            }
        )
    return out


def yearly_summary(region: Any = None) -> list[dict[str, Any]]:
    """Yearly figures of the latest dataset (empty list when none); one SQL query.

    Each dict: ``year, energy_tce [tce, 当量值], energy_tce_equal_value, co2_t [t],
    gdp_constant_10k_yuan, gdp_10k_yuan, population, energy_intensity [tce/万元],
    co2_intensity [t/万元], coal_share_pct, non_fossil_share_pct, by_sector, by_carrier,
    declines [%], exclusions``.
    """
    result = latest_result(region=region)
    return summary_rows(result) if result is not None else []
