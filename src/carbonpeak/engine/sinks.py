"""Forest carbon stock and annual sink from a forest resource inventory (林业碳汇核算).

The stock-volume expansion method (蓄积量扩展法) turns an inventory's stand stock volume
by dominant species group into tree biomass, carbon and CO2; the annual sink is the
stock difference between two inventory years, or — where the annual growth and
consumption rates of the stock volume are given — the growth-minus-consumption method
of the provincial greenhouse-gas inventory guideline. Bamboo and economic forest, which
carry no stock volume, are counted by area × per-area biomass where that value is given.

Every species figure keeps its trace: the inventory row (file, line) times the parameter
values with their source and verification status.

Public interface
----------------
- :func:`stock_volume_biomass_t`, :func:`area_biomass_t`, :func:`carbon_stock_tc`,
  :func:`co2_from_carbon_t` — the formula chain.
- :func:`stock_difference_sink_co2_t_per_year`,
  :func:`growth_minus_consumption_sink_co2_t_per_year` — annual sink.
- :func:`forest_cover_pct` — forest cover.
- :func:`missing_parameters` — which values a parameter set still lacks for an inventory.
- :func:`compute` — a whole inventory to a :class:`SinkResult`; ``to_dict()`` is the JSON of
  ``carbonpeak sinks compute --json``.

References
----------
.. [1] Stock-volume expansion formula ``C = V × SVD × BEF × (1+R) × CF``, ``CO2 = C × 44/12``:
   reference table ``forest_carbon_params.csv`` row ``FC_FORMULA_STOCK`` (application of
   AR-CM-001-V01 碳汇造林项目方法学; secondary_2plus).
.. [2] Growth-minus-consumption ``Sink = V × (GR − CR) × SVD × BEF × CF × 44/12``: reference
   table row ``FC_FORMULA_FLOW`` (湖南省温室气体清单 林业部门分报告, after
   《省级温室气体清单编制指南(试行)》 土地利用变化和林业; secondary_2plus).
.. [3] IPCC 2006 Guidelines Vol. 4 Ch. 4 Table 4.3: default carbon fraction of dry matter
   0.47 t C/t d.m. (reference row ``FC_CF_IPCC``; secondary_2plus).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from carbonpeak.engine.emissions import CO2_PER_C

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

METHOD_VOLUME = "volume"
METHOD_AREA = "area"

#: Parameter fields, their Chinese label and unit, in the order a page lists them.
PARAMETER_FIELDS: dict[str, tuple[str, str]] = {
    "wood_density_t_per_m3": ("基本木材密度（SVD）", "t d.m./m³"),
    "bef": ("生物量扩展因子（BEF）", "无量纲"),
    "root_shoot_ratio": ("根茎比（R）", "无量纲"),
    "carbon_fraction": ("含碳率（CF）", "t C/t d.m."),
    "biomass_t_per_hm2": ("单位面积生物量", "t d.m./hm²"),
}

#: Where species parameter tables are published (shown wherever a value is missing).
PARAMETER_PUBLICATIONS = (
    "《省级温室气体清单编制指南（试行）》（国家发展改革委办公厅，2011）土地利用变化和林业部分：乔木林各优势树种组的基本木材密度、生物量扩展因子、根茎比与含碳率推荐值表",
    "CCER-14-001-V01《温室气体自愿减排项目方法学 造林碳汇》附录（各树种组参数表）",
    "林业行业标准 LY/T 2258、LY/T 2259、LY/T 2263 等（立木生物量模型及碳计量参数，分树种）",
    "本省森林资源连续清查或林业部门发布的本地实测参数",
)


class SinkError(ValueError):
    """Input the user can fix (message in Chinese, naming file, row and column when known)."""

    def __init__(self, message: str, *, file: str = "", row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.column = column


# --------------------------------------------------------------------------------------
# formula chain
# --------------------------------------------------------------------------------------
def stock_volume_biomass_t(
    volume_m3: float, wood_density_t_per_m3: float, bef: float, root_shoot_ratio: float
) -> float:
    r"""Whole-tree biomass of a stand from its stock volume (蓄积量扩展法).

    Parameters
    ----------
    volume_m3 : float
        Stand stock volume [m³].
    wood_density_t_per_m3 : float
        Basic wood density SVD (基本木材密度) [t d.m./m³].
    bef : float
        Biomass expansion factor, above-ground to stem biomass (生物量扩展因子) [-].
    root_shoot_ratio : float
        Root-to-shoot ratio, below- to above-ground biomass (根茎比) [-].

    Returns
    -------
    float
        Above- plus below-ground biomass [t d.m.].

    Notes
    -----
    .. math:: B = V \times SVD \times BEF \times (1 + R)

    Reference [1] of this module (``FC_FORMULA_STOCK``).
    Example: 1 000 m³ × 0.4 t/m³ × 1.5 × (1 + 0.25) = 750 t.
    """
    return volume_m3 * wood_density_t_per_m3 * bef * (1.0 + root_shoot_ratio)


def area_biomass_t(area_hm2: float, biomass_t_per_hm2: float) -> float:
    r"""Biomass of a stand counted by area (bamboo, economic forest: no stock volume).

    Parameters
    ----------
    area_hm2 : float
        Area [hm²].
    biomass_t_per_hm2 : float
        Biomass per unit area as published for the species group, covering the parts
        the source counts [t d.m./hm²].

    Returns
    -------
    float
        Biomass [t d.m.].

    Notes
    -----
    .. math:: B = A \times b

    The per-area biomass is a parameter the office fills with its source (reference
    table rows ``BAMBOO_MAOZHU_C`` and ``ECON_FOREST_C``: not found, left blank).
    """
    return area_hm2 * biomass_t_per_hm2


def carbon_stock_tc(biomass_t: float, carbon_fraction: float) -> float:
    r"""Carbon in biomass.

    Parameters
    ----------
    biomass_t : float
        Dry biomass [t d.m.].
    carbon_fraction : float
        Carbon fraction of dry matter (含碳率) [t C/t d.m.], e.g. the IPCC default 0.47.

    Returns
    -------
    float
        Carbon stock [t C].

    Notes
    -----
    .. math:: C = B \times CF

    References [1] and [3] of this module.
    """
    return biomass_t * carbon_fraction


def co2_from_carbon_t(carbon_tc: float) -> float:
    r"""CO2 equivalent of a carbon mass.

    Parameters
    ----------
    carbon_tc : float
        Carbon [t C].

    Returns
    -------
    float
        CO2 [t CO2].

    Notes
    -----
    .. math:: CO_2 = C \times \frac{44}{12}

    44/12 is the ratio of the molecular weights (exact; reference row ``FC_CO2_C_RATIO``).
    """
    return carbon_tc * CO2_PER_C


def stock_difference_sink_co2_t_per_year(
    co2_stock_start_t: float, co2_stock_end_t: float, from_year: int, to_year: int
) -> float:
    r"""Annual sink by the stock-difference method between two inventory years.

    Parameters
    ----------
    co2_stock_start_t : float
        CO2 equivalent of the carbon stock in ``from_year`` [t CO2].
    co2_stock_end_t : float
        CO2 equivalent of the carbon stock in ``to_year`` [t CO2].
    from_year, to_year : int
        Inventory years, ``to_year > from_year`` [a].

    Returns
    -------
    float
        Annual removal [t CO2/a]; positive = the forest took CO2 up (removal), negative =
        the stock shrank (a net source).

    Notes
    -----
    .. math:: S = \frac{CO_{2,t_2} - CO_{2,t_1}}{t_2 - t_1}

    Annual sink = change of carbon stock between inventories ÷ years (reference
    ``forest_sink_parameters.csv`` README, method notes; IPCC 2006 Vol. 4 Ch. 2
    stock-difference method).
    """
    if to_year <= from_year:
        raise ValueError("to_year must be after from_year")
    return (co2_stock_end_t - co2_stock_start_t) / (to_year - from_year)


def growth_minus_consumption_sink_co2_t_per_year(
    volume_m3: float,
    growth_rate_per_year: float,
    consumption_rate_per_year: float,
    wood_density_t_per_m3: float,
    bef: float,
    carbon_fraction: float,
) -> float:
    r"""Annual sink by the growth-minus-consumption method of the provincial inventory guideline.

    Parameters
    ----------
    volume_m3 : float
        Standing stock volume [m³].
    growth_rate_per_year : float
        Annual gross growth rate of the stock volume GR (活立木蓄积量年均总生长率) as a
        fraction [1/a], e.g. 0.0798 for 7.98 %/a.
    consumption_rate_per_year : float
        Annual net consumption rate CR (活立木年均净消耗率) as a fraction [1/a].
    wood_density_t_per_m3 : float
        Basic wood density SVD [t d.m./m³].
    bef : float
        Biomass expansion factor [-].
    carbon_fraction : float
        Carbon fraction [t C/t d.m.].

    Returns
    -------
    float
        Annual removal [t CO2/a], positive = removal.

    Notes
    -----
    .. math:: S = V \times (GR - CR) \times SVD \times BEF \times CF \times \frac{44}{12}

    Reference [2] of this module (``FC_FORMULA_FLOW``), followed as published: the
    formula carries no root-to-shoot term, unlike the stock method.
    """
    return (
        volume_m3
        * (growth_rate_per_year - consumption_rate_per_year)
        * wood_density_t_per_m3
        * bef
        * carbon_fraction
        * CO2_PER_C
    )


def forest_cover_pct(forest_area_hm2: float, land_area_hm2: float) -> float:
    r"""Forest cover (森林覆盖率).

    Parameters
    ----------
    forest_area_hm2 : float
        Forest area counted for forest cover [hm²].
    land_area_hm2 : float
        Land area of the region [hm²], > 0.

    Returns
    -------
    float
        Forest cover [%].

    Notes
    -----
    .. math:: FC = \frac{A_{forest}}{A_{land}} \times 100

    Which stands count as forest follows the forestry bureau's survey rules; the
    inventory marks each row.
    """
    if land_area_hm2 <= 0:
        raise ValueError("land area must be positive")
    return forest_area_hm2 / land_area_hm2 * 100.0


# --------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InventoryRow:
    """One inventory row: a dominant species group's area and stock volume in a year.

    ``volume_m3`` is ``None`` for groups counted by area (bamboo, economic forest).
    ``file`` and ``row`` (1-based line, header = 1) locate it for messages and traces.
    """

    year: int
    species_group: str
    area_hm2: float
    volume_m3: float | None
    counts_for_forest_cover: bool = True
    file: str = ""
    row: int | None = None


@dataclass(frozen=True)
class SpeciesParameters:
    """The parameters of one species group, with where they come from.

    A group is counted by stock volume (``wood_density_t_per_m3``, ``bef``,
    ``root_shoot_ratio``, ``carbon_fraction``) or, when ``biomass_t_per_hm2`` is given,
    by area (``biomass_t_per_hm2``, ``carbon_fraction``). Growth and consumption rates
    [1/a] are optional and enable the growth-minus-consumption method.
    """

    species_group: str
    wood_density_t_per_m3: float | None = None
    bef: float | None = None
    root_shoot_ratio: float | None = None
    carbon_fraction: float | None = None
    source: str = ""
    verification: str = ""
    biomass_t_per_hm2: float | None = None
    growth_rate_per_year: float | None = None
    consumption_rate_per_year: float | None = None
    file: str = ""
    row: int | None = None

    @property
    def method(self) -> str:
        return METHOD_AREA if self.biomass_t_per_hm2 is not None else METHOD_VOLUME

    def required_fields(self) -> tuple[str, ...]:
        if self.method == METHOD_AREA:
            return ("biomass_t_per_hm2", "carbon_fraction")
        return ("wood_density_t_per_m3", "bef", "root_shoot_ratio", "carbon_fraction")

    def missing(self) -> list[str]:
        """Names of the fields this group's method needs and that are blank."""
        return [name for name in self.required_fields() if getattr(self, name) is None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "species_group": self.species_group,
            "method": self.method,
            "wood_density_t_per_m3": self.wood_density_t_per_m3,
            "bef": self.bef,
            "root_shoot_ratio": self.root_shoot_ratio,
            "carbon_fraction": self.carbon_fraction,
            "biomass_t_per_hm2": self.biomass_t_per_hm2,
            "growth_rate_per_year": self.growth_rate_per_year,
            "consumption_rate_per_year": self.consumption_rate_per_year,
            "source": self.source,
            "verification": self.verification,
        }


@dataclass(frozen=True)
class MissingParameter:
    """One value a parameter set lacks for the inventory at hand."""

    species_group: str
    field: str  # a key of PARAMETER_FIELDS, or "" when the whole group is absent

    @property
    def label(self) -> str:
        if not self.field:
            return "全部参数（参数集中没有该树种组）"
        name, unit = PARAMETER_FIELDS[self.field]
        return f"{name} [{unit}]"

    def message(self) -> str:
        return f"树种组“{self.species_group}”缺少{self.label}"


def missing_parameters(
    inventory: Iterable[InventoryRow], parameters: Mapping[str, SpeciesParameters]
) -> list[MissingParameter]:
    """Every value the parameter set still lacks to compute the inventory, group by group.

    A group absent from the set, a blank value its method needs, and a blank source each
    count; the order is the inventory's first appearance of each group.
    """
    out: list[MissingParameter] = []
    seen: set[str] = set()
    for item in inventory:
        group = item.species_group
        if group in seen:
            continue
        seen.add(group)
        params = parameters.get(group)
        if params is None:
            out.append(MissingParameter(group, ""))
            continue
        if item.volume_m3 is None and params.method == METHOD_VOLUME and params.missing():
            # no stock volume: the area method is what the group needs
            for name in ("biomass_t_per_hm2", "carbon_fraction"):
                if getattr(params, name) is None:
                    out.append(MissingParameter(group, name))
            continue
        out.extend(MissingParameter(group, name) for name in params.missing())
    return out


# --------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SpeciesStock:
    """Stock of one species group in one year, with its trace (inventory row × parameters)."""

    year: int
    species_group: str
    method: str
    area_hm2: float
    volume_m3: float | None
    biomass_t: float
    carbon_stock_tc: float
    co2_stock_t: float
    parameters: SpeciesParameters
    inventory_file: str = ""
    inventory_row: int | None = None
    counts_for_forest_cover: bool = True

    def formula(self) -> str:
        p = self.parameters
        if self.method == METHOD_AREA:
            return (
                f"B = A × b = {self.area_hm2:g} hm² × {p.biomass_t_per_hm2:g} t/hm² = {self.biomass_t:.6g} t；"
                f"C = B × CF = {self.biomass_t:.6g} × {p.carbon_fraction:g} = {self.carbon_stock_tc:.6g} tC；"
                f"CO2 = C × 44/12 = {self.co2_stock_t:.6g} t"
            )
        return (
            f"B = V × SVD × BEF × (1+R) = {self.volume_m3:g} m³ × {p.wood_density_t_per_m3:g} × {p.bef:g}"
            f" × (1 + {p.root_shoot_ratio:g}) = {self.biomass_t:.6g} t；"
            f"C = B × CF = {self.biomass_t:.6g} × {p.carbon_fraction:g} = {self.carbon_stock_tc:.6g} tC；"
            f"CO2 = C × 44/12 = {self.co2_stock_t:.6g} t"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "species_group": self.species_group,
            "carbon_stock_tc": self.carbon_stock_tc,
            "co2_stock_t": self.co2_stock_t,
            "biomass_t": self.biomass_t,
            "area_hm2": self.area_hm2,
            "volume_m3": self.volume_m3,
            "method": self.method,
            "trace": {
                "inventory": {"file": self.inventory_file, "row": self.inventory_row},
                "parameters": self.parameters.to_dict(),
                "formula": self.formula(),
            },
        }


@dataclass
class YearStock:
    """All species groups of one inventory year."""

    year: int
    by_species: list[SpeciesStock] = field(default_factory=list)

    @property
    def area_hm2(self) -> float:
        return math.fsum(s.area_hm2 for s in self.by_species)

    @property
    def forest_area_hm2(self) -> float:
        return math.fsum(s.area_hm2 for s in self.by_species if s.counts_for_forest_cover)

    @property
    def volume_m3(self) -> float:
        return math.fsum(s.volume_m3 for s in self.by_species if s.volume_m3 is not None)

    @property
    def biomass_t(self) -> float:
        return math.fsum(s.biomass_t for s in self.by_species)

    @property
    def carbon_stock_tc(self) -> float:
        return math.fsum(s.carbon_stock_tc for s in self.by_species)

    @property
    def co2_stock_t(self) -> float:
        return math.fsum(s.co2_stock_t for s in self.by_species)

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "carbon_stock_tc": self.carbon_stock_tc,
            "co2_stock_t": self.co2_stock_t,
            "biomass_t": self.biomass_t,
            "area_hm2": self.area_hm2,
            "forest_area_hm2": self.forest_area_hm2,
            "volume_m3": self.volume_m3,
            "by_species": [s.to_dict() for s in self.by_species],
        }


@dataclass(frozen=True)
class AnnualSink:
    """Annual sink between two consecutive inventory years (stock difference)."""

    from_year: int
    to_year: int
    co2_t_per_year: float
    carbon_tc_per_year: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "from_year": self.from_year,
            "to_year": self.to_year,
            "co2_t_per_year": self.co2_t_per_year,
            "carbon_tc_per_year": self.carbon_tc_per_year,
            "method": "stock_difference",
        }


@dataclass(frozen=True)
class FlowSink:
    """Growth-minus-consumption sink of one species group in one inventory year."""

    year: int
    species_group: str
    volume_m3: float
    co2_t_per_year: float
    parameters: SpeciesParameters

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "species_group": self.species_group,
            "volume_m3": self.volume_m3,
            "co2_t_per_year": self.co2_t_per_year,
            "growth_rate_per_year": self.parameters.growth_rate_per_year,
            "consumption_rate_per_year": self.parameters.consumption_rate_per_year,
            "source": self.parameters.source,
            "method": "growth_minus_consumption",
        }


@dataclass
class SinkResult:
    """Stocks per year, the annual sink between consecutive years and, where rates are given,
    the growth-minus-consumption sink per species group and year."""

    years: list[YearStock]
    annual_sink: list[AnnualSink]
    growth_consumption: list[FlowSink]
    parameters: dict[str, SpeciesParameters]

    def year(self, year: int) -> YearStock | None:
        return next((y for y in self.years if y.year == year), None)

    def growth_consumption_by_year(self) -> dict[int, float]:
        """Growth-minus-consumption sink summed over species groups, per inventory year [t CO2/a]."""
        years = sorted({f.year for f in self.growth_consumption})
        return {y: math.fsum(f.co2_t_per_year for f in self.growth_consumption if f.year == y) for y in years}

    def to_dict(self) -> dict[str, Any]:
        used = {s.species_group for y in self.years for s in y.by_species}
        return {
            "years": [y.to_dict() for y in self.years],
            "annual_sink": [s.to_dict() for s in self.annual_sink],
            "growth_consumption_sink": [s.to_dict() for s in self.growth_consumption],
            "parameters": [p.to_dict() for g, p in self.parameters.items() if g in used],
            "units": {
                "carbon_stock_tc": "t C",
                "co2_stock_t": "t CO2",
                "co2_t_per_year": "t CO2/a（正值 = 吸收）",
                "biomass_t": "t d.m.",
                "area_hm2": "hm²",
                "volume_m3": "m³",
            },
        }


def compute(inventory: Sequence[InventoryRow], parameters: Mapping[str, SpeciesParameters]) -> SinkResult:
    """Carbon stock per year and species group, and the annual sink between years.

    Parameters
    ----------
    inventory : sequence of InventoryRow
        One row per year and species group.
    parameters : mapping of species group -> SpeciesParameters

    Returns
    -------
    SinkResult

    Raises
    ------
    SinkError
        A species group without parameters, a blank value or a blank source (the message
        names every such group and value; nothing is computed with a silent zero), a
        duplicated (year, species group), a volume-method group without stock volume.
    """
    missing = missing_parameters(inventory, parameters)
    if missing:
        raise SinkError(
            "参数不全，不能计算："
            + "；".join(m.message() for m in missing)
            + "。请按已发布的参数表填写并注明来源",
            column=missing[0].field or "species_group",
        )
    unsourced = sorted({r.species_group for r in inventory if not parameters[r.species_group].source.strip()})
    if unsourced:
        raise SinkError(
            f"树种组“{'、'.join(unsourced)}”的参数没有注明来源（source），不能计算", column="source"
        )
    seen: dict[tuple[int, str], InventoryRow] = {}
    by_year: dict[int, YearStock] = {}
    flows: list[FlowSink] = []
    for item in inventory:
        key = (item.year, item.species_group)
        if key in seen:
            first = seen[key]
            where = f"第 {first.row} 行" if first.row else "前面"
            raise SinkError(
                f"{item.file + ' ' if item.file else ''}第 {item.row} 行：{item.year} 年树种组“{item.species_group}”"
                f"重复（{where}已有），每个年份每个树种组只填一行",
                file=item.file,
                row=item.row,
                column="species_group",
            )
        seen[key] = item
        params = parameters[item.species_group]
        if params.method == METHOD_AREA:
            biomass = area_biomass_t(item.area_hm2, params.biomass_t_per_hm2)  # type: ignore[arg-type]
        else:
            if item.volume_m3 is None:
                raise SinkError(
                    f"{item.file + ' ' if item.file else ''}第 {item.row} 行：树种组“{item.species_group}”"
                    "按蓄积量计算，蓄积量（volume_m3）不能为空；竹林、经济林等无蓄积的树种组请在参数中填写单位面积生物量",
                    file=item.file,
                    row=item.row,
                    column="volume_m3",
                )
            biomass = stock_volume_biomass_t(
                item.volume_m3,
                params.wood_density_t_per_m3,  # type: ignore[arg-type]
                params.bef,  # type: ignore[arg-type]
                params.root_shoot_ratio,  # type: ignore[arg-type]
            )
        carbon = carbon_stock_tc(biomass, params.carbon_fraction)  # type: ignore[arg-type]
        stock = SpeciesStock(
            year=item.year,
            species_group=item.species_group,
            method=params.method,
            area_hm2=item.area_hm2,
            volume_m3=item.volume_m3,
            biomass_t=biomass,
            carbon_stock_tc=carbon,
            co2_stock_t=co2_from_carbon_t(carbon),
            parameters=params,
            inventory_file=item.file,
            inventory_row=item.row,
            counts_for_forest_cover=item.counts_for_forest_cover,
        )
        by_year.setdefault(item.year, YearStock(year=item.year)).by_species.append(stock)
        if (
            params.method == METHOD_VOLUME
            and item.volume_m3 is not None
            and params.growth_rate_per_year is not None
            and params.consumption_rate_per_year is not None
        ):
            flows.append(
                FlowSink(
                    year=item.year,
                    species_group=item.species_group,
                    volume_m3=item.volume_m3,
                    co2_t_per_year=growth_minus_consumption_sink_co2_t_per_year(
                        item.volume_m3,
                        params.growth_rate_per_year,
                        params.consumption_rate_per_year,
                        params.wood_density_t_per_m3,  # type: ignore[arg-type]
                        params.bef,  # type: ignore[arg-type]
                        params.carbon_fraction,  # type: ignore[arg-type]
                    ),
                    parameters=params,
                )
            )
    years = [by_year[y] for y in sorted(by_year)]
    sinks = [
        AnnualSink(
            from_year=a.year,
            to_year=b.year,
            co2_t_per_year=stock_difference_sink_co2_t_per_year(a.co2_stock_t, b.co2_stock_t, a.year, b.year),
            carbon_tc_per_year=(b.carbon_stock_tc - a.carbon_stock_tc) / (b.year - a.year),
        )
        for a, b in zip(years, years[1:], strict=False)
    ]
    return SinkResult(years=years, annual_sink=sinks, growth_consumption=flows, parameters=dict(parameters))


def sink_for_year(annual_sink: Sequence[AnnualSink], year: int) -> AnnualSink | None:
    """The stock-difference interval that covers ``year``: ``from_year < year <= to_year``.

    The stock difference is an average over the interval; a year outside every interval
    (before the second inventory, after the last one) has no sink — never a zero.
    """
    return next((s for s in annual_sink if s.from_year < year <= s.to_year), None)


def net_emissions_co2_t(gross_co2_t: float, sink_co2_t_per_year: float) -> float:
    r"""Net CO2 emissions: gross emissions from the energy accounting minus the forest sink.

    Parameters
    ----------
    gross_co2_t : float
        Gross CO2 emissions of the year from the energy accounting [t CO2].
    sink_co2_t_per_year : float
        Annual forest sink of the year, positive = removal [t CO2/a].

    Returns
    -------
    float
        Net emissions [t CO2].

    Notes
    -----
    .. math:: E_{net} = E_{gross} - S

    Both terms are always shown beside the net figure; nothing is netted silently.
    """
    return gross_co2_t - sink_co2_t_per_year


# --------------------------------------------------------------------------------------
# packaged defaults
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReferenceValue:
    """A sourced value from the packaged reference table ``forest_carbon_params.csv``."""

    code: str
    name_zh: str
    value: float
    unit: str
    source: str
    verification: str


@lru_cache(maxsize=1)
def reference_values() -> dict[str, ReferenceValue]:
    """Rows of ``engine/reference/forest_carbon_params.csv`` that carry a numeric value."""
    out: dict[str, ReferenceValue] = {}
    with (REFERENCE_DIR / "forest_carbon_params.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                value = float(row["value"])
            except ValueError:
                continue
            out[row["code"]] = ReferenceValue(
                code=row["code"],
                name_zh=row["name_zh"],
                value=value,
                unit=row["unit"],
                source=row["source"],
                verification=row["verification"],
            )
    return out


def ipcc_carbon_fraction() -> ReferenceValue:
    """The IPCC 2006 default carbon fraction 0.47 t C/t d.m. with its source (row ``FC_CF_IPCC``)."""
    return reference_values()["FC_CF_IPCC"]
