"""Use cases of the forest carbon-sink accounting (林业碳汇核算).

- :func:`ensure_default_parameter_set` — a region's first parameter set: the sourced
  defaults (IPCC carbon fraction 0.47) filled, every species parameter empty.
- :func:`save_parameter`, :func:`add_species_group`, :func:`copy_parameter_set`,
  :func:`choose_parameter_set`, :func:`set_land_area` — the office's edits, one transaction
  each, audited; every change raises the set's version.
- :func:`preview_inventory`, :func:`import_inventory`, :func:`delete_inventory_year` — the
  forestry bureau's inventory (Excel/CSV; every bad row reported, nothing written on error).
- :func:`region_result` — what the results page shows: stock, sink, forest cover and stock
  volume against the plan's targets, net emissions (gross CO2 − sink, both shown), or the
  exact list of missing values when the parameter set is incomplete.
- :func:`yearly_forest_summary` — yearly figures for indicators, dashboard and scenarios.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from carbonpeak.core import audit
from carbonpeak.core.errors import UserError
from carbonpeak.engine import indicators as ind_engine
from carbonpeak.engine import sinks as engine
from carbonpeak.engine.sinks import InventoryRow, MissingParameter, SinkError, SpeciesParameters
from carbonpeak.sinks.models import (
    ForestInventory,
    ParameterField,
    ParameterSet,
    SinkSettings,
    SpeciesParameter,
    Verification,
)

SAMPLE_NOTE = "示例数据，仅供演示"

#: The inventory's usual dominant species groups (examples from 二类调查 practice in Hunan);
#: the office adds or removes groups to match its own inventory.
VOLUME_GROUPS = ("杉木", "马尾松", "湿地松", "柏木", "杨树", "硬阔类", "软阔类")
AREA_GROUPS = ("竹林", "经济林", "灌木林")

VOLUME_FIELDS = (
    ParameterField.WOOD_DENSITY,
    ParameterField.BEF,
    ParameterField.ROOT_SHOOT,
    ParameterField.CARBON_FRACTION,
)
AREA_FIELDS = (ParameterField.BIOMASS_PER_AREA, ParameterField.CARBON_FRACTION)

#: The plan's target names (as the plan parser reads them) that this app measures.
FOREST_COVER_TARGET = "森林覆盖率"
STOCK_VOLUME_TARGET = "森林蓄积量"
#: Units a plan may state the stock-volume target in → m³ per unit.
VOLUME_UNITS_M3 = {
    "立方米": 1.0,
    "m3": 1.0,
    "m³": 1.0,
    "万立方米": 1e4,
    "万m3": 1e4,
    "万m³": 1e4,
    "亿立方米": 1e8,
}


# --------------------------------------------------------------------------------------
# parameter sets
# --------------------------------------------------------------------------------------
def _ipcc_source() -> tuple[float, str, str]:
    ref = engine.ipcc_carbon_fraction()
    source = (
        "IPCC 2006 国家温室气体清单指南 第4卷第4章 表4.3 缺省含碳率 0.47（平台参考表 forest_carbon_params.csv "
        f"行 {ref.code}；转引自：{ref.source}；IPCC 原表未直接核对）"
    )
    return ref.value, source, Verification.SECONDARY_2PLUS


@transaction.atomic
def ensure_default_parameter_set(*, region: Any, user: Any = None) -> SinkSettings:
    """The region's settings; on first use, a default parameter set chosen for it.

    The default set lists the usual species groups. Only sourced values are filled: the
    IPCC default carbon fraction 0.47 t C/t d.m. for every group, with its source. Every
    basic wood density, BEF, root-to-shoot ratio and per-area biomass stays empty until the
    office fills it with a cited source (the platform found no readable primary table).

    Side effects: creates SinkSettings, ParameterSet and SpeciesParameter rows; audit entries.
    """
    settings_obj, created = SinkSettings.objects.get_or_create(region=region)
    if settings_obj.parameter_set_id is not None:
        return settings_obj
    pset = ParameterSet.objects.create(
        region=region,
        name=f"{region.name}碳汇参数集",
        note="平台默认：仅含有来源的含碳率缺省值；各树种组的基本木材密度、生物量扩展因子、根茎比（或单位面积生物量）须由碳达峰办按已发布的参数表填写并注明来源。",
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    cf, cf_source, cf_verification = _ipcc_source()
    rows = []
    for group in VOLUME_GROUPS:
        for f in VOLUME_FIELDS:
            rows.append(_default_value(pset, group, f, cf, cf_source, cf_verification))
    for group in AREA_GROUPS:
        for f in AREA_FIELDS:
            rows.append(_default_value(pset, group, f, cf, cf_source, cf_verification))
    SpeciesParameter.objects.bulk_create(rows)
    audit.record(user=user, action="create", instance=pset, after=audit.snapshot(pset), note="默认参数集")
    before = audit.snapshot(settings_obj) if not created else None
    settings_obj.parameter_set = pset
    settings_obj.save()
    audit.record(
        user=user,
        action="create" if created else "update",
        instance=settings_obj,
        before=before,
        after=audit.snapshot(settings_obj),
    )
    return settings_obj


def _default_value(
    pset: ParameterSet, group: str, f: str, cf: float, cf_source: str, cf_verification: str
) -> SpeciesParameter:
    if f == ParameterField.CARBON_FRACTION:
        return SpeciesParameter(
            parameter_set=pset,
            species_group=group,
            field=f,
            value=cf,
            source=cf_source,
            verification=cf_verification,
        )
    return SpeciesParameter(parameter_set=pset, species_group=group, field=f)


def _bump(pset: ParameterSet) -> None:
    ParameterSet.objects.filter(pk=pset.pk).update(version=F("version") + 1, updated_at=timezone.now())
    pset.refresh_from_db(fields=["version", "updated_at"])


_BOUNDS = {
    ParameterField.WOOD_DENSITY: (lambda v: v > 0, "应大于 0"),
    ParameterField.BEF: (lambda v: v > 0, "应大于 0"),
    ParameterField.ROOT_SHOOT: (lambda v: v >= 0, "不能为负数"),
    ParameterField.CARBON_FRACTION: (lambda v: 0 < v <= 1, "应在 0 与 1 之间"),
    ParameterField.BIOMASS_PER_AREA: (lambda v: v >= 0, "不能为负数"),
}


@transaction.atomic
def save_parameter(
    *, parameter: SpeciesParameter, value: float | None, source: str, verification: str, user: Any
) -> SpeciesParameter:
    """Set one value with its source. A value needs a source; clearing the value is allowed.

    Side effects: updates the row; the set's version goes up by one; one audit entry.
    """
    source = (source or "").strip()
    if value is not None:
        if not math.isfinite(value):
            raise UserError("数值无效", column="value")
        ok, rule = _BOUNDS[ParameterField(parameter.field)]
        if not ok(value):
            raise UserError(f"{parameter.get_field_display()}{rule}", column="value")
        if not source:
            raise UserError(
                "请注明来源（文件名称、表号或条款、页码），没有来源的数值不能用于计算", column="source"
            )
        if not verification:
            raise UserError("请选择核验状态", column="verification")
    before = audit.snapshot(parameter)
    parameter.value = value
    parameter.source = source
    parameter.verification = verification if value is not None else ""
    parameter.updated_by = user
    parameter.save()
    _bump(parameter.parameter_set)
    audit.record(
        user=user,
        action="update",
        instance=parameter,
        before=before,
        after=audit.snapshot(parameter),
        note=f"参数集第 {parameter.parameter_set.version} 版",
    )
    return parameter


@transaction.atomic
def add_species_group(*, parameter_set: ParameterSet, species_group: str, by_area: bool, user: Any) -> None:
    """Add a species group (empty values; carbon fraction prefilled with the IPCC default).

    Side effects: creates SpeciesParameter rows; the set's version goes up; audit entry.
    """
    group = species_group.strip()
    if not group:
        raise UserError("请填写树种组名称", column="species_group")
    if parameter_set.values.filter(species_group=group).exists():
        raise UserError(f"参数集中已有树种组“{group}”", column="species_group")
    cf, cf_source, cf_verification = _ipcc_source()
    fields = AREA_FIELDS if by_area else VOLUME_FIELDS
    SpeciesParameter.objects.bulk_create(
        [_default_value(parameter_set, group, f, cf, cf_source, cf_verification) for f in fields]
    )
    _bump(parameter_set)
    audit.record(
        user=user,
        action="update",
        instance=parameter_set,
        note=f"新增树种组“{group}”（{'按面积' if by_area else '按蓄积量'}）",
    )


@transaction.atomic
def copy_parameter_set(*, parameter_set: ParameterSet, region: Any, name: str, user: Any) -> ParameterSet:
    """A new set (version 1) in ``region`` with every value and source of ``parameter_set``.

    Side effects: creates ParameterSet and SpeciesParameter rows; one audit entry.
    """
    name = name.strip() or f"{parameter_set.name}（副本）"
    copy = ParameterSet.objects.create(
        region=region,
        name=name,
        note=f"复制自“{parameter_set}”",
        created_by=user,
    )
    SpeciesParameter.objects.bulk_create(
        [
            SpeciesParameter(
                parameter_set=copy,
                species_group=v.species_group,
                field=v.field,
                value=v.value,
                source=v.source,
                verification=v.verification,
            )
            for v in parameter_set.values.all()
        ]
    )
    audit.record(user=user, action="create", instance=copy, after=audit.snapshot(copy), note=copy.note)
    return copy


def sets_available_to(region: Any) -> QuerySet[ParameterSet]:
    """Parameter sets a region may choose: its own and those of the regions above it."""
    ids = [region.pk]
    parent = region.parent
    while parent is not None:
        ids.append(parent.pk)
        parent = parent.parent
    return ParameterSet.objects.filter(region_id__in=ids).select_related("region")


@transaction.atomic
def choose_parameter_set(*, region: Any, parameter_set: ParameterSet, user: Any) -> SinkSettings:
    """The region uses ``parameter_set`` from now on.

    Side effects: updates SinkSettings; one audit entry.
    """
    if not sets_available_to(region).filter(pk=parameter_set.pk).exists():
        raise UserError("只能采用本区划或上级区划的参数集")
    settings_obj, _ = SinkSettings.objects.get_or_create(region=region)
    before = audit.snapshot(settings_obj)
    settings_obj.parameter_set = parameter_set
    settings_obj.updated_by = user
    settings_obj.save()
    audit.record(
        user=user, action="update", instance=settings_obj, before=before, after=audit.snapshot(settings_obj)
    )
    return settings_obj


@transaction.atomic
def set_land_area(*, region: Any, land_area_hm2: float | None, source: str, user: Any) -> SinkSettings:
    """The region's land area [hm²] for forest cover, with its source.

    Side effects: updates SinkSettings; one audit entry.
    """
    if land_area_hm2 is not None and (not math.isfinite(land_area_hm2) or land_area_hm2 <= 0):
        raise UserError("土地总面积应大于 0", column="land_area_hm2")
    if land_area_hm2 is not None and not source.strip():
        raise UserError("请注明土地面积的来源（如 国土变更调查、统计年鉴）", column="land_area_source")
    settings_obj, _ = SinkSettings.objects.get_or_create(region=region)
    before = audit.snapshot(settings_obj)
    settings_obj.land_area_hm2 = land_area_hm2
    settings_obj.land_area_source = source.strip()
    settings_obj.updated_by = user
    settings_obj.save()
    audit.record(
        user=user, action="update", instance=settings_obj, before=before, after=audit.snapshot(settings_obj)
    )
    return settings_obj


@transaction.atomic
def set_growth_rates(
    *,
    region: Any,
    growth_rate_pct: float | None,
    consumption_rate_pct: float | None,
    source: str,
    user: Any,
) -> SinkSettings:
    """The stock volume's annual gross growth rate and net consumption rate [%/a] (both or
    neither), with their source, for the growth-minus-consumption method.

    Side effects: updates SinkSettings; one audit entry.
    """
    if (growth_rate_pct is None) != (consumption_rate_pct is None):
        raise UserError("生长率与消耗率须同时填写（或同时留空）", column="growth_rate_pct")
    for value in (growth_rate_pct, consumption_rate_pct):
        if value is not None and (not math.isfinite(value) or value < 0 or value > 100):
            raise UserError("生长率、消耗率应在 0 与 100（%/年）之间", column="growth_rate_pct")
    if growth_rate_pct is not None and not source.strip():
        raise UserError(
            "请注明生长率、消耗率的来源（如 森林资源连续清查成果、省级清单）", column="rates_source"
        )
    settings_obj, _ = SinkSettings.objects.get_or_create(region=region)
    before = audit.snapshot(settings_obj)
    settings_obj.growth_rate_pct = growth_rate_pct
    settings_obj.consumption_rate_pct = consumption_rate_pct
    settings_obj.rates_source = source.strip() if growth_rate_pct is not None else ""
    settings_obj.updated_by = user
    settings_obj.save()
    audit.record(
        user=user, action="update", instance=settings_obj, before=before, after=audit.snapshot(settings_obj)
    )
    return settings_obj


def _with_rates(
    params: dict[str, SpeciesParameters], settings_obj: SinkSettings | None
) -> dict[str, SpeciesParameters]:
    """Give every stock-volume group the region's growth and consumption rates (as fractions)."""
    if (
        settings_obj is None
        or settings_obj.growth_rate_pct is None
        or settings_obj.consumption_rate_pct is None
    ):
        return params
    from dataclasses import replace

    return {
        group: (
            replace(
                p,
                growth_rate_per_year=settings_obj.growth_rate_pct / 100.0,
                consumption_rate_per_year=settings_obj.consumption_rate_pct / 100.0,
            )
            if p.method == engine.METHOD_VOLUME
            else p
        )
        for group, p in params.items()
    }


def engine_parameters(parameter_set: ParameterSet | None) -> dict[str, SpeciesParameters]:
    """The set as engine input; one source text per group naming each value's source."""
    if parameter_set is None:
        return {}
    by_group: dict[str, dict[str, SpeciesParameter]] = {}
    for v in parameter_set.values.all():
        by_group.setdefault(v.species_group, {})[v.field] = v
    out: dict[str, SpeciesParameters] = {}
    for group, values in by_group.items():

        def val(f: str, values: dict[str, SpeciesParameter] = values) -> float | None:
            v = values.get(f)
            return None if v is None or v.value is None or not v.source.strip() else v.value

        labels = {f.value: f.label.split("[")[0].strip() for f in ParameterField}
        sources = [
            f"{labels[f]}：{v.source}（{v.get_verification_display() or '未标核验状态'}）"
            for f, v in values.items()
            if v.value is not None and v.source.strip()
        ]
        out[group] = SpeciesParameters(
            species_group=group,
            wood_density_t_per_m3=val(ParameterField.WOOD_DENSITY),
            bef=val(ParameterField.BEF),
            root_shoot_ratio=val(ParameterField.ROOT_SHOOT),
            carbon_fraction=val(ParameterField.CARBON_FRACTION),
            biomass_t_per_hm2=val(ParameterField.BIOMASS_PER_AREA),
            source="；".join(sources),
            verification="、".join(
                sorted({v.get_verification_display() for v in values.values() if v.verification})
            ),
        )
    return out


# --------------------------------------------------------------------------------------
# inventory
# --------------------------------------------------------------------------------------
@dataclass
class InventoryPreview:
    """What an import would write: rows by year, years replaced, or every row error."""

    filename: str
    rows: list[InventoryRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    replaced_years: list[int] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.rows})

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def preview_inventory(*, region: Any, data: bytes, filename: str) -> InventoryPreview:
    """Read an inventory file; every bad row is reported, nothing is written."""
    from carbonpeak.sinks.tables import INVENTORY

    preview = InventoryPreview(filename=filename)
    try:
        table = INVENTORY.read(data, filename)
    except UserError as exc:
        preview.errors.append(str(exc))
        return preview
    preview.errors.extend(f"{filename} {e}" for e in table.errors)
    seen: dict[tuple[int, str], int] = {}
    for cells, line in zip(table.rows, table.lines, strict=True):
        if any(cells.get(k) is None for k in ("year", "species_group", "area_hm2")):
            continue  # already reported as a row error
        key = (cells["year"], cells["species_group"])
        if key in seen:
            preview.errors.append(
                f"{filename} 第{line}行：{key[0]} 年树种组“{key[1]}”重复（第{seen[key]}行已有），每个年份每个树种组只填一行"
            )
            continue
        seen[key] = line
        counts = cells.get("counts_for_forest_cover")
        preview.rows.append(
            InventoryRow(
                year=cells["year"],
                species_group=cells["species_group"],
                area_hm2=cells["area_hm2"],
                volume_m3=cells.get("volume_m3"),
                counts_for_forest_cover=True if counts is None else bool(counts),
                file=filename,
                row=line,
            )
        )
    if not preview.errors and not preview.rows:
        preview.errors.append(f"{filename}：没有数据行")
    existing = set(ForestInventory.objects.in_region(region).values_list("year", flat=True).distinct())
    preview.replaced_years = sorted(existing & set(preview.years))
    return preview


@transaction.atomic
def import_inventory(
    *, region: Any, data: bytes, filename: str, user: Any, is_sample: bool = False
) -> InventoryPreview:
    """Write an inventory file: every year in the file replaces that year's rows.

    Raises :class:`UserError` listing every bad row; nothing is written then.

    Side effects: deletes and creates ForestInventory rows of the file's years; one audit entry.
    """
    preview = preview_inventory(region=region, data=data, filename=filename)
    if preview.errors:
        raise UserError("导入失败，未写入任何数据：" + "；".join(preview.errors[:50]))
    ForestInventory.objects.in_region(region).filter(year__in=preview.years).delete()
    ForestInventory.objects.bulk_create(
        [
            ForestInventory(
                region=region,
                year=r.year,
                species_group=r.species_group,
                area_hm2=r.area_hm2,
                volume_m3=r.volume_m3,
                counts_for_forest_cover=r.counts_for_forest_cover,
                is_sample=is_sample,
                source_file=filename,
                line=r.row,
                updated_by=user if getattr(user, "is_authenticated", False) else None,
            )
            for r in preview.rows
        ]
    )
    audit.record(
        user=user,
        action="update",
        object_type="sinks.ForestInventory",
        object_id=region.pk,
        object_repr=f"{region.name}森林资源清单",
        after={"years": preview.years, "rows": len(preview.rows), "file": filename},
        note=f"导入 {filename}：{len(preview.rows)} 行；替换年份 {preview.replaced_years or '无'}",
    )
    return preview


@transaction.atomic
def delete_inventory_year(*, region: Any, year: int, user: Any) -> int:
    """Delete one year's inventory of a region. Side effects: deletes rows; one audit entry."""
    rows = ForestInventory.objects.in_region(region).filter(year=year)
    count = rows.count()
    if not count:
        raise UserError(f"{year} 年没有清单数据")
    rows.delete()
    audit.record(
        user=user,
        action="delete",
        object_type="sinks.ForestInventory",
        object_id=region.pk,
        object_repr=f"{region.name}森林资源清单 {year} 年",
        before={"year": year, "rows": count},
    )
    return count


def inventory_rows(region: Any) -> list[InventoryRow]:
    return [
        InventoryRow(
            year=r.year,
            species_group=r.species_group,
            area_hm2=r.area_hm2,
            volume_m3=r.volume_m3,
            counts_for_forest_cover=r.counts_for_forest_cover,
            file=r.source_file,
            row=r.line,
        )
        for r in ForestInventory.objects.in_region(region).order_by("year", "id")
    ]


# --------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TargetStatus:
    """A plan target this app measures, and the latest value against it."""

    name: str
    target_value: float
    unit: str
    comparator: str
    target_year: int | None
    quote: str
    value: float | None
    value_year: int | None
    met: bool | None


@dataclass(frozen=True)
class NetEmissionsRow:
    year: int
    gross_co2_t: float
    sink_co2_t_per_year: float | None
    sink_interval: str
    net_co2_t: float | None


@dataclass(frozen=True)
class YearFigures:
    year: int
    forest_area_hm2: float
    forest_cover_pct: float | None
    volume_m3: float
    carbon_stock_tc: float
    co2_stock_t: float


@dataclass
class RegionResult:
    """Everything the results page shows for one region."""

    region: Any
    settings: SinkSettings | None
    parameter_set: ParameterSet | None
    inventory_years: list[int]
    missing: list[MissingParameter] = field(default_factory=list)
    error: str = ""
    result: engine.SinkResult | None = None
    figures: list[YearFigures] = field(default_factory=list)
    #: growth-minus-consumption sink per inventory year [t CO2/a] (when the rates are given)
    flow_sink: dict[int, float] = field(default_factory=dict)
    forest_cover: TargetStatus | None = None
    stock_volume: TargetStatus | None = None
    net_emissions: list[NetEmissionsRow] = field(default_factory=list)
    illustrative: bool = False
    publications: tuple[str, ...] = engine.PARAMETER_PUBLICATIONS

    @property
    def computed(self) -> bool:
        return self.result is not None


def _plan_target(region: Any, name: str) -> Any:
    from carbonpeak.plans.models import Target

    return (
        Target.objects.in_region(region)
        .filter(indicator=name)
        .select_related("plan")
        .order_by("-plan__issued_on", "-plan_id", "order")
        .first()
    )


def _target_status(region: Any, name: str, values: dict[int, float], to_unit: float) -> TargetStatus | None:
    target = _plan_target(region, name)
    if target is None:
        return None
    comparator = target.comparator
    quote = (target.quote or "").replace(" ", "")
    if comparator == "=" and not any(
        f"{w}{target.value_text}" in quote for w in ("稳定在", "保持在", "稳定", "保持")
    ):
        # "达到 X" means at least X; only "稳定在 X" (said of this very value) holds a level
        comparator = ">="
    latest_year = max(values) if values else None
    value = values[latest_year] / to_unit if latest_year is not None else None
    met = None
    if value is not None:
        # 稳定在 X：not below X (the plan asks to hold the level)
        met = ind_engine.meets(value, float(target.value), ">=" if comparator == "=" else comparator)
    return TargetStatus(
        name=name,
        target_value=float(target.value),
        unit=target.unit,
        comparator=comparator,
        target_year=target.year,
        quote=target.quote,
        value=value,
        value_year=latest_year,
        met=met,
    )


def gross_co2_by_year(region: Any) -> dict[int, float]:
    """Gross CO2 [t] per year from the energy accounting (the latest dataset)."""
    from carbonpeak.accounting import services as accounting_services

    rows = accounting_services.yearly_summary(region)
    return {int(r["year"]): float(r["co2_t"]) for r in rows if r.get("co2_t") is not None}


def region_result(*, region: Any) -> RegionResult:
    """Stock, sink, targets and net emissions of ``region``, or why they cannot be computed."""
    settings_obj = SinkSettings.objects.filter(region=region).select_related("parameter_set").first()
    pset = settings_obj.parameter_set if settings_obj else None
    rows = inventory_rows(region)
    out = RegionResult(
        region=region,
        settings=settings_obj,
        parameter_set=pset,
        inventory_years=sorted({r.year for r in rows}),
        illustrative=ForestInventory.objects.in_region(region).filter(is_sample=True).exists(),
    )
    if not rows or pset is None:
        return out
    params = _with_rates(engine_parameters(pset), settings_obj)
    out.missing = engine.missing_parameters(rows, params)
    if out.missing:
        return out
    try:
        out.result = engine.compute(rows, params)
    except SinkError as exc:
        out.error = exc.message
        return out
    out.flow_sink = out.result.growth_consumption_by_year()
    land = settings_obj.land_area_hm2 if settings_obj else None
    for y in out.result.years:
        out.figures.append(
            YearFigures(
                year=y.year,
                forest_area_hm2=y.forest_area_hm2,
                forest_cover_pct=engine.forest_cover_pct(y.forest_area_hm2, land) if land else None,
                volume_m3=y.volume_m3,
                carbon_stock_tc=y.carbon_stock_tc,
                co2_stock_t=y.co2_stock_t,
            )
        )
    cover = {f.year: f.forest_cover_pct for f in out.figures if f.forest_cover_pct is not None}
    out.forest_cover = _target_status(region, FOREST_COVER_TARGET, cover, 1.0)
    volume_target = _plan_target(region, STOCK_VOLUME_TARGET)
    factor = VOLUME_UNITS_M3.get((volume_target.unit if volume_target else "").strip(), 1.0)
    out.stock_volume = _target_status(
        region, STOCK_VOLUME_TARGET, {f.year: f.volume_m3 for f in out.figures}, factor
    )
    for year, gross in sorted(gross_co2_by_year(region).items()):
        sink = engine.sink_for_year(out.result.annual_sink, year)
        out.net_emissions.append(
            NetEmissionsRow(
                year=year,
                gross_co2_t=gross,
                sink_co2_t_per_year=sink.co2_t_per_year if sink else None,
                sink_interval=f"{sink.from_year}—{sink.to_year}" if sink else "",
                net_co2_t=engine.net_emissions_co2_t(gross, sink.co2_t_per_year) if sink else None,
            )
        )
    return out


def yearly_forest_summary(*, region: Any) -> list[dict[str, Any]]:
    """Per inventory year: ``forest_cover_pct`` (None without land area), ``stock_volume_m3``,
    ``co2_stock_t``; and ``sink_co2_t_per_year`` for years covered by a stock difference.
    Empty when nothing can be computed (no inventory, incomplete parameters)."""
    r = region_result(region=region)
    if r.result is None:
        return []
    out = []
    for f in r.figures:
        sink = engine.sink_for_year(r.result.annual_sink, f.year)
        out.append(
            {
                "year": f.year,
                "forest_cover_pct": f.forest_cover_pct,
                "stock_volume_m3": f.volume_m3,
                "co2_stock_t": f.co2_stock_t,
                "sink_co2_t_per_year": sink.co2_t_per_year if sink else None,
                "illustrative": r.illustrative,
            }
        )
    return out


# --------------------------------------------------------------------------------------
# contributions to other apps (registered in SinksConfig.ready through core.registry)
# --------------------------------------------------------------------------------------
def _fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def target_series(region: Any) -> list[dict[str, Any]]:
    """Yearly forest cover [%] and stock volume [in the plan target's unit] for the plan's
    forest targets (``core.registry.target_series_providers``). Empty until computable."""
    rows = yearly_forest_summary(region=region)
    if not rows:
        return []
    illustrative = any(r["illustrative"] for r in rows)
    out = []
    cover = {r["year"]: r["forest_cover_pct"] for r in rows if r["forest_cover_pct"] is not None}
    if cover:
        out.append(
            {
                "target_indicator": FOREST_COVER_TARGET,
                "unit": "%",
                "values": cover,
                "source": "林业碳汇核算（森林资源清单，自动）",
                "illustrative": illustrative,
            }
        )
    target = _plan_target(region, STOCK_VOLUME_TARGET)
    unit = target.unit.strip() if target is not None and target.unit.strip() in VOLUME_UNITS_M3 else "立方米"
    factor = VOLUME_UNITS_M3[unit]
    out.append(
        {
            "target_indicator": STOCK_VOLUME_TARGET,
            "unit": unit,
            "values": {r["year"]: r["stock_volume_m3"] / factor for r in rows},
            "source": "林业碳汇核算（森林资源清单，自动）",
            "illustrative": illustrative,
        }
    )
    return out


def dashboard_card(region: Any, user: Any) -> dict[str, Any] | None:
    """The leaders' dashboard card: annual forest sink, or why it is not computed."""
    from django.urls import reverse

    r = region_result(region=region)
    if not r.inventory_years:
        return None
    card: dict[str, Any] = {
        "id": "card-sinks",
        "label": "林业碳汇",
        "url": reverse("sinks:index"),
        "level": "",
    }
    card["illustrative"] = r.illustrative
    if r.result is None:
        card["value"] = "—"
        card["sub"] = (
            f"参数不全，暂不计算（缺 {len(r.missing)} 个数值）"
            if r.missing
            else (r.error or "尚未选用参数集")
        )
        card["level"] = "yellow"
        return card
    sink = r.result.annual_sink[-1] if r.result.annual_sink else None
    last = r.figures[-1]
    if sink is None:
        card["value"] = "—"
        card["sub"] = f"只有 {last.year} 年一期清单 · 碳储量 {_fmt(last.carbon_stock_tc)} t C"
    else:
        card["value"] = f"{_fmt(sink.co2_t_per_year)} t CO₂/年"
        card["sub"] = (
            f"{sink.from_year}—{sink.to_year} 年均 · 碳储量 {_fmt(last.carbon_stock_tc)} t C（{last.year}年）"
        )
    return card


def net_emissions_card(region: Any, user: Any) -> dict[str, Any] | None:
    """The dashboard card of net emissions: gross CO2, sink and net, all three shown."""
    from django.urls import reverse

    r = region_result(region=region)
    covered = [n for n in r.net_emissions if n.net_co2_t is not None]
    if not covered:
        return None
    n = covered[-1]
    return {
        "id": "card-net-emissions",
        "label": f"净排放（{n.year}年）",
        "value": f"{_fmt(n.net_co2_t or 0.0)} t CO₂",
        "sub": f"总排放 {_fmt(n.gross_co2_t)} − 林业碳汇 {_fmt(n.sink_co2_t_per_year or 0.0)}（{n.sink_interval} 年均）",
        "url": reverse("sinks:index") + "#net-table",
        "level": "",
        "illustrative": r.illustrative,
    }


def peak_outlook_line(region: Any) -> dict[str, Any] | None:
    """A separate line beside the peak outlook: the latest annual sink (not part of the peak)."""
    from django.urls import reverse

    r = region_result(region=region)
    if r.result is None or not r.result.annual_sink:
        return None
    sink = r.result.annual_sink[-1]
    return {
        "label": "林业碳汇",
        "text": f"{_fmt(sink.co2_t_per_year)} t CO₂/年（{sink.from_year}—{sink.to_year} 年均，单独列出，不计入达峰判断）",
        "url": reverse("sinks:index"),
        "illustrative": r.illustrative,
    }


@transaction.atomic
def import_parameters(*, parameter_set: ParameterSet, data: bytes, filename: str, user: Any) -> int:
    """Fill a parameter set from a workbook (the export's layout). All rows or none.

    A row with a value needs a source and a verification status; a row without a value
    clears that value. Unknown species groups are added. Raises :class:`UserError` listing
    every bad row; nothing is written then.

    Side effects: creates/updates SpeciesParameter rows; the set's version goes up once;
    one audit entry per changed value.
    """
    from carbonpeak.core.errors import RowError, TableError
    from carbonpeak.sinks.tables import PARAMETERS

    table = PARAMETERS.read(data, filename)
    errors = list(table.errors)
    seen: dict[tuple[Any, Any], int] = {}
    for cells, line in zip(table.rows, table.lines, strict=True):
        key = (cells.get("species_group"), cells.get("field"))
        if None not in key:
            if key in seen:
                errors.append(RowError(line, "参数", f"与第{seen[key]}行重复"))
            seen.setdefault(key, line)
        if cells.get("value") is not None:
            if not (cells.get("source") or "").strip():
                errors.append(RowError(line, "来源", "有数值的行必须注明来源"))
            if not cells.get("verification"):
                errors.append(RowError(line, "核验状态", "有数值的行必须选择核验状态"))
            f = cells.get("field")
            if f in _BOUNDS and not _BOUNDS[ParameterField(f)][0](cells["value"]):
                errors.append(RowError(line, "数值", f"{cells['value']} {_BOUNDS[ParameterField(f)][1]}"))
    if errors:
        raise TableError(errors, file=filename)
    existing = {(v.species_group, v.field): v for v in parameter_set.values.all()}
    changed = 0
    for cells in table.rows:
        key = (cells["species_group"], cells["field"])
        value = cells.get("value")
        source = (cells.get("source") or "").strip() if value is not None else ""
        verification = (cells.get("verification") or "") if value is not None else ""
        row = existing.get(key)
        if row is None:
            row = SpeciesParameter(parameter_set=parameter_set, species_group=key[0], field=key[1])
            before = None
        elif (row.value, row.source, row.verification) == (value, source, verification):
            continue
        else:
            before = audit.snapshot(row)
        row.value, row.source, row.verification, row.updated_by = value, source, verification, user
        row.save()
        existing[key] = row
        audit.record(
            user=user,
            action="create" if before is None else "update",
            instance=row,
            before=before,
            after=audit.snapshot(row),
            note=f"从 {filename} 导入",
        )
        changed += 1
    if changed:
        _bump(parameter_set)
    return changed
