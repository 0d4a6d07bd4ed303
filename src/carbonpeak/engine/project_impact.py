"""Impact of investment projects on a county's energy and CO2 targets (项目用能与碳排放影响评价).

For one project or a set of projects, the county's energy consumption, energy intensity, CO2
and CO2 intensity for every year of the plan period **without** and **with** the projects
(each ramping up to full production year by year), the share of the county's remaining
energy-increment room (剩余用能空间) the projects use, and whether each target (2025, 2030 …)
remains reachable.

Every project figure is computed by :func:`carbonpeak.engine.accounting.account_activity`
(activity × standard-coal coefficient × CO2 factor, with source and version), so it traces
to its activity, factor and source exactly as the county accounting does. The county
baseline is an :class:`~carbonpeak.engine.accounting.AccountingResult` (``carbonpeak
accounting compute``) plus the economy rows (GDP path) and the targets.

Definitions (symbols used in the docstrings)
--------------------------------------------
- :math:`L` — the last accounted year (latest year with energy data).
- :math:`E_y` — total energy, 当量值 [tce]; :math:`E^{fi}_y = E_y - F_y` energy for intensity
  (feedstock :math:`F` deducted, 发改环资〔2022〕803号); :math:`E^{as}_y = E_y - F_y - R_y`
  assessed total (new renewable electricity :math:`R` also deducted, 发改运行〔2022〕1258号).
  These are the accounting module's ``energy_tce``, ``energy_tce_for_intensity`` and
  ``energy_tce_assessed``; without an EXCLUSIONS file all three equal :math:`E_y`.
- :math:`C_y` — CO2 [t]; :math:`G_y` — GDP at constant prices [10^4 yuan].
- Baseline beyond :math:`L`: :math:`X_y = X_L (1 + g_E)^{y-L}` for :math:`X \\in \\{E, E^{fi},
  E^{as}, C\\}` (:math:`g_E` the baseline energy growth, default 0: consumption held at the
  latest accounted level) and :math:`G_y` from the economy rows, else
  :math:`G_y = G_{y-1}(1 + g_G)` (the GDP growth the user states, with its source).
- Project increment share :math:`\\Delta s_p(y) = s_p(y) - s_p(L)` for :math:`y > L`, 0 for
  :math:`y \\le L`, where :math:`s_p(y)` is the share of full production in year y from the
  ramp-up list (0 before the production year; the last value continues), and
  :math:`s_p(L)` = 0 when the project starts after :math:`L` — production already in the
  statistics is never counted twice. A 淘汰 (phase-out) project enters with the opposite sign.

References
----------
.. [1] GB/T 2589-2020 综合能耗计算通则; GB/T 32150-2015 (via :mod:`accounting`).
.. [2] 发改环资〔2022〕803号 (原料用能 deducted from totals and from the energy used for
   intensity, GDP unchanged); 发改运行〔2022〕1258号 (new renewable electricity not counted in
   the assessed total).
.. [3] 《固定资产投资项目节能审查办法》(发改委令2023年第2号): the review assesses the project's
   impact on the region's energy-saving targets ("对所在地区完成节能目标任务的影响").
   No published formula for the remaining room or for grading the impact was found
   (``ER_IMPACT_GRADE_THRESHOLDS`` is ``not_found``); :func:`remaining_energy_room_tce` is the
   platform's stated convention.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from carbonpeak.engine import energy
from carbonpeak.engine import targets as tgt
from carbonpeak.engine import two_high as th
from carbonpeak.engine.accounting import (
    AccountingError,
    AccountingResult,
    EconomyRow,
    account_activity,
)
from carbonpeak.engine.factors import FactorError, FactorSet

USES = {"fuel": "燃料动力", "feedstock": "原料"}
USE_ALIASES = {
    "": "fuel",
    "fuel": "fuel",
    "燃料": "fuel",
    "动力": "fuel",
    "燃料动力": "fuel",
    "燃料、动力": "fuel",
    "燃料动力用能": "fuel",
    "能源": "fuel",
    "feedstock": "feedstock",
    "原料": "feedstock",
    "原料用能": "feedstock",
}
#: Project stages (建设阶段) and the sign of their effect on the county.
STAGES = {"拟建": 1, "在建": 1, "存量": 1, "已投产": 1, "淘汰": -1}


class ImpactError(AccountingError):
    """Project input the user can fix (Chinese message naming file, row and column)."""


# --------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProjectEnergyRow:
    """One carrier a project consumes each year at full production.

    Attributes
    ----------
    carrier : str
        Carrier name (原煤, 电力, 天然气 …) as in the accounting module.
    quantity : float
        Annual quantity at full production [unit].
    unit : str
        Physical unit (吨, 万千瓦时, 万立方米 …).
    use : str
        ``fuel`` (燃料动力) or ``feedstock`` (原料用能: energy used as raw material).
    """

    carrier: str
    quantity: float
    unit: str
    use: str = "fuel"
    file: str = ""
    row: int | None = None


@dataclass(frozen=True)
class ProjectSpec:
    """A project as the impact calculation sees it.

    Attributes
    ----------
    code, name : str
    production_year : int
        First year of production (投产年份); for a 淘汰 project, the year it stops.
    energy : tuple of ProjectEnergyRow
        Annual consumption at full production (for a rebuilt project on the same site with
        the same process: the increment).
    value_added_10k_yuan : float
        Annual value added at full production, constant prices of the accounting base year
        [10^4 yuan].
    renewable_electricity_kwh : float
        Of the project's electricity, the part supplied by new renewables (自发自用 or green
        certificates) [kWh/yr]; deducted from the assessed total only.
    process_co2_t : float
        Industrial-process CO2 at full production from the project's report (e.g. clinker
        calcination) [t/yr]; 0 when none.
    ramp_up_pct : tuple of float
        Share of full production in the 1st, 2nd … year of production [%]; the last value
        continues. Default (100,).
    stage : str
        拟建, 在建, 存量, 已投产 or 淘汰 (淘汰: the consumption is removed).
    industry_code : str or None
        GB/T 4754-2017 code (for the 两高 classification).
    products, processes : tuple of str
    """

    code: str
    name: str
    production_year: int
    energy: tuple[ProjectEnergyRow, ...]
    value_added_10k_yuan: float = 0.0
    renewable_electricity_kwh: float = 0.0
    process_co2_t: float = 0.0
    ramp_up_pct: tuple[float, ...] = (100.0,)
    stage: str = "拟建"
    industry_code: str | None = None
    products: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    file: str = ""
    row: int | None = None

    @property
    def sign(self) -> int:
        return STAGES.get(self.stage, 1)

    @property
    def full_production_year(self) -> int:
        return self.production_year + len(self.ramp_up_pct) - 1


@dataclass(frozen=True)
class ImpactAssumptions:
    """Assumptions the projection rests on, each with its source.

    Attributes
    ----------
    gdp_growth_pct : float or None
        Annual real GDP growth for years after the last economy row [%]; required only when
        the economy rows do not reach the end year.
    baseline_energy_growth_pct : float
        Annual growth of the county's energy and CO2 without the projects after the last
        accounted year [%]; default 0 (held at the latest accounted level).
    end_year : int or None
        Last year of the table; default the latest target year (or the year the last project
        reaches full production when there are no targets).
    power_coal_rate_gce_per_kwh : float or None
        Thermal-power coal rate for the projects' electricity 等价值 [gce/kWh]; default the
        factor set's or the economy row's value for the year, else the 等价值 is not computed.
    """

    gdp_growth_pct: float | None = None
    gdp_growth_source: str = ""
    baseline_energy_growth_pct: float = 0.0
    baseline_energy_growth_source: str = ""
    end_year: int | None = None
    power_coal_rate_gce_per_kwh: float | None = None
    power_coal_rate_source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "gdp_growth_pct": self.gdp_growth_pct,
            "gdp_growth_source": self.gdp_growth_source,
            "baseline_energy_growth_pct": self.baseline_energy_growth_pct,
            "baseline_energy_growth_source": self.baseline_energy_growth_source,
            "end_year": self.end_year,
            "power_coal_rate_gce_per_kwh": self.power_coal_rate_gce_per_kwh,
            "power_coal_rate_source": self.power_coal_rate_source,
        }


# --------------------------------------------------------------------------------------
# small pure formulas
# --------------------------------------------------------------------------------------
def production_share(ramp_up_pct: Sequence[float], production_year: int, year: int) -> float:
    r"""Share of full production in ``year`` [fraction 0–1].

    .. math:: s(y) = \begin{cases} 0 & y < P \\ r_{\min(y-P,\, n-1)} / 100 & y \ge P \end{cases}

    Parameters
    ----------
    ramp_up_pct : sequence of float
        :math:`r_0 … r_{n-1}`, share in the 1st … n-th production year [%].
    production_year : int
        :math:`P` [year].
    year : int
        :math:`y` [year].
    """
    if year < production_year or not ramp_up_pct:
        return 0.0
    index = min(year - production_year, len(ramp_up_pct) - 1)
    return float(ramp_up_pct[index]) / 100.0


def increment_share(ramp_up_pct: Sequence[float], production_year: int, year: int, last_year: int) -> float:
    r"""Share of full production a project adds to the county in ``year`` beyond the statistics.

    .. math:: \Delta s(y) = \begin{cases} 0 & y \le L \\ s(y) - s(L) & y > L \end{cases}

    with :math:`L` the last accounted year: production up to :math:`L` is in the county's
    statistics already (:func:`production_share`).
    """
    if year <= last_year:
        return 0.0
    return production_share(ramp_up_pct, production_year, year) - production_share(
        ramp_up_pct, production_year, last_year
    )


def remaining_energy_room_tce(
    *,
    base_intensity_tce_per_10k_yuan: float,
    decline_pct: float,
    gdp_target_year_10k_yuan: float,
    baseline_energy_target_year_tce: float,
) -> float:
    r"""Remaining energy-increment room (剩余用能空间) in a target year [tce].

    Parameters
    ----------
    base_intensity_tce_per_10k_yuan : float
        :math:`I_B = E^{fi}_B / G_B`, energy intensity of the target's base year (feedstock
        deducted) [tce/10^4 yuan].
    decline_pct : float
        :math:`d`, the target's intensity decline from base to target year [%].
    gdp_target_year_10k_yuan : float
        :math:`G_T`, GDP of the target year on the county's path without the projects,
        constant prices [10^4 yuan].
    baseline_energy_target_year_tce : float
        :math:`E^{fi}_T`, the county's energy for intensity in the target year without the
        projects (with the default zero baseline growth: the latest accounted year's) [tce].

    Returns
    -------
    float
        :math:`R_T` [tce]; negative when the baseline alone already exceeds the allowance.

    Notes
    -----
    .. math::

        E^{allow}_T = I_B \, (1 - d/100) \, G_T \qquad R_T = E^{allow}_T - E^{fi}_T

    The allowed energy is the energy at which the county exactly meets its intensity target
    with the planned GDP; the room is what is left of it after the baseline consumption.
    [platform convention] built from the intensity definition of 发改办环资〔2020〕901号 and the
    feedstock rule of 发改环资〔2022〕803号; no published formula was found.
    """
    allowed = base_intensity_tce_per_10k_yuan * (1.0 - decline_pct / 100.0) * gdp_target_year_10k_yuan
    return allowed - baseline_energy_target_year_tce


def room_share_pct(used_tce: float, room_tce: float) -> float | None:
    r"""Share of the remaining room used [%]: :math:`u = \Delta E^{fi}_T / R_T \times 100`.

    None when there is no room left (:math:`R_T \le 0`): any increment then breaks the target.
    """
    if room_tce <= 0:
        return None
    return used_tce / room_tce * 100.0


# --------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------
PATH_KEYS = (
    "energy_tce",
    "energy_tce_for_intensity",
    "energy_tce_assessed",
    "co2_t",
    "gdp_constant_10k_yuan",
)


def _path_values(values: Mapping[str, float]) -> dict[str, float]:
    out = {k: float(values[k]) for k in PATH_KEYS}
    out["energy_intensity_tce_per_10k_yuan"] = tgt.intensity(
        out["energy_tce_for_intensity"], out["gdp_constant_10k_yuan"]
    )
    out["co2_intensity_t_per_10k_yuan"] = tgt.intensity(out["co2_t"], out["gdp_constant_10k_yuan"])
    return out


@dataclass
class ProjectResult:
    """One project's figures: full production, per-year increments, classifications."""

    code: str
    name: str
    stage: str
    production_year: int
    ramp_up_pct: tuple[float, ...]
    full_production: dict[str, Any]
    years: dict[int, dict[str, float]]
    two_high: dict[str, Any]
    review: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "stage": self.stage,
            "production_year": self.production_year,
            "ramp_up_pct": list(self.ramp_up_pct),
            "full_production": self.full_production,
            "years": {str(y): v for y, v in sorted(self.years.items())},
            "two_high": self.two_high,
            "review": self.review,
            "notes": self.notes,
        }


@dataclass
class ImpactResult:
    """Result of :func:`assess`; ``to_dict()`` is the JSON of ``carbonpeak projects impact --json``."""

    region: str
    base_year: int
    last_accounted_year: int
    end_year: int
    factor_set: dict[str, Any]
    assumptions: dict[str, Any]
    notes: list[str]
    years: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    room: list[dict[str, Any]]
    reachable: dict[str, dict[str, bool | None]]
    projects: list[ProjectResult]
    totals: dict[str, float]
    baseline_source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "baseline_source": self.baseline_source,
            "base_year": self.base_year,
            "last_accounted_year": self.last_accounted_year,
            "end_year": self.end_year,
            "factor_set": self.factor_set,
            "assumptions": self.assumptions,
            "notes": self.notes,
            "years": self.years,
            "targets": self.targets,
            "room": self.room,
            "reachable": self.reachable,
            "projects": [p.to_dict() for p in self.projects],
            "totals": self.totals,
        }


# --------------------------------------------------------------------------------------
# one project
# --------------------------------------------------------------------------------------
def _where(file: str, row: int | None) -> str:
    parts = [p for p in (file, f"第 {row} 行" if row is not None else "") if p]
    return " ".join(parts) + ("：" if parts else "")


def _activity(
    r: ProjectEnergyRow, year: int, fs: FactorSet, coal_rate: float | None, project: ProjectSpec
) -> Any:
    try:
        return account_activity(
            r.carrier, r.quantity, r.unit, year, factor_set=fs, power_coal_rate_gce_per_kwh=coal_rate
        )
    except energy.UnknownCarrierError:
        raise ImpactError(
            f"{_where(r.file, r.row)}项目“{project.name}”：未知能源品种“{r.carrier}”",
            file=r.file,
            row=r.row,
            column="carrier",
        ) from None
    except (energy.UnknownUnitError, energy.IncompatibleUnitError):
        raise ImpactError(
            f"{_where(r.file, r.row)}项目“{project.name}”：单位“{r.unit}”不能用于能源品种“{r.carrier}”",
            file=r.file,
            row=r.row,
            column="unit",
        ) from None
    except FactorError as exc:
        raise ImpactError(f"{_where(r.file, r.row)}{exc.message}", file=r.file, row=r.row) from None
    except ValueError:
        raise ImpactError(
            f"{_where(r.file, r.row)}项目“{project.name}”：年消费量不能为负数",
            file=r.file,
            row=r.row,
            column="quantity",
        ) from None


def project_annual(
    project: ProjectSpec,
    year: int,
    *,
    factor_set: FactorSet | None = None,
    power_coal_rate_gce_per_kwh: float | None = None,
) -> dict[str, Any]:
    r"""A project's annual figures at full production, with factors of ``year``.

    Parameters
    ----------
    project : ProjectSpec
    year : int
        Year whose factors apply (grid factor, thermal-power coal rate) [year].
    factor_set : FactorSet, optional
        Default :meth:`FactorSet.default`.
    power_coal_rate_gce_per_kwh : float, optional
        For the electricity 等价值 [gce/kWh].

    Returns
    -------
    dict
        ``energy_tce`` (当量值, all rows), ``energy_tce_equal_value`` (None when an electricity
        row has no coal rate), ``feedstock_energy_tce``, ``energy_tce_for_intensity``,
        ``renewable_electricity_tce``, ``energy_tce_assessed``, ``electricity_kwh``,
        ``coal_tce``, ``combustion_co2_t``, ``process_co2_t``, ``co2_t``,
        ``value_added_10k_yuan`` and ``activities`` (one accounting trace per row).

    Notes
    -----
    .. math::

        E = \sum_i q_i s_i k_i / 1000, \quad F = \sum_{i \in feed} E_i, \quad
        R = q^{re}_{kWh} \times 0.1229 / 1000

        E^{fi} = E - F, \quad E^{as} = E - F - R, \quad
        C = \sum_{i \in fuel} q^{acc}_i EF_i + C^{proc}

    Feedstock rows carry no combustion CO2 (they are not burnt; GB/T 32150-2015 counts
    combustion of fuels); the carbon that leaves them as process emissions is in
    :math:`C^{proc}` from the project's own report. Renewable electricity is converted by the
    same 当量值 coefficient as any electricity (GB/T 2589-2020) and deducted from
    :math:`E^{as}` only (reference [2]); the CO2 of electricity is counted on all
    electricity at the grid factor, as in the county accounting.

    Raises
    ------
    ImpactError
    """
    fs = factor_set or FactorSet.default()
    totals = {
        "energy_tce": 0.0,
        "feedstock_energy_tce": 0.0,
        "electricity_kwh": 0.0,
        "fuel_electricity_kwh": 0.0,
        "coal_tce": 0.0,
        "combustion_co2_t": 0.0,
    }
    equal: float | None = 0.0
    activities = []
    for r in project.energy:
        if r.use not in USES:
            raise ImpactError(
                f"{_where(r.file, r.row)}用途“{r.use}”无效，应为“燃料动力”或“原料”",
                file=r.file,
                row=r.row,
                column="use",
            )
        a = _activity(r, year, fs, power_coal_rate_gce_per_kwh, project)
        trace = dict(a.trace)
        trace["use"] = USES[r.use]
        trace["file"] = r.file
        trace["row"] = r.row
        totals["energy_tce"] += a.energy_tce
        if equal is not None:
            equal = None if a.energy_tce_equal_value is None else equal + a.energy_tce_equal_value
        if r.use == "feedstock":
            totals["feedstock_energy_tce"] += a.energy_tce
            trace["co2_t"] = 0.0
            trace["co2_formula"] = "原料用能：不作为燃料燃烧，不计燃料燃烧 CO2（工业过程排放另列）"
        else:
            totals["combustion_co2_t"] += a.co2_t
        if trace["carrier_kind"] == "electricity":
            kwh = float(trace["converted"]["quantity_base"])
            totals["electricity_kwh"] += kwh
            if r.use == "fuel":
                totals["fuel_electricity_kwh"] += kwh
        if trace["category"] == "coal":
            totals["coal_tce"] += a.energy_tce
        activities.append(trace)
    if project.renewable_electricity_kwh < 0:
        raise ImpactError(
            f"{_where(project.file, project.row)}新增可再生能源电力不能为负数", file=project.file
        )
    if project.renewable_electricity_kwh > totals["electricity_kwh"] + 1e-9:
        raise ImpactError(
            f"{_where(project.file, project.row)}项目“{project.name}”：新增可再生能源电力 "
            f"{project.renewable_electricity_kwh:,.0f} kWh 大于其电力消费量 {totals['electricity_kwh']:,.0f} kWh",
            file=project.file,
            row=project.row,
            column="renewable_electricity_kwh",
        )
    renewable_tce = 0.0
    renewable_trace = None
    if project.renewable_electricity_kwh > 0:
        re = account_activity("电力", project.renewable_electricity_kwh, "千瓦时", year, factor_set=fs)
        renewable_tce = re.energy_tce
        renewable_trace = {
            "energy_formula": re.trace["energy_formula"],
            "kgce_factor": re.trace["kgce_factor"],
            "rule": "发改运行〔2022〕1258号：新增可再生能源电力消费量不纳入能源消费总量考核",
        }
    for_intensity = totals["energy_tce"] - totals["feedstock_energy_tce"]
    co2 = totals["combustion_co2_t"] + project.process_co2_t
    return {
        "factor_year": year,
        "energy_tce": totals["energy_tce"],
        "energy_tce_equal_value": equal,
        "feedstock_energy_tce": totals["feedstock_energy_tce"],
        "energy_tce_for_intensity": for_intensity,
        "renewable_electricity_kwh": project.renewable_electricity_kwh,
        "renewable_electricity_tce": renewable_tce,
        "energy_tce_assessed": for_intensity - renewable_tce,
        "electricity_kwh": totals["electricity_kwh"],
        "coal_tce": totals["coal_tce"],
        "combustion_co2_t": totals["combustion_co2_t"],
        "process_co2_t": project.process_co2_t,
        "co2_t": co2,
        "value_added_10k_yuan": project.value_added_10k_yuan,
        "activities": activities,
        "renewable": renewable_trace,
    }


# --------------------------------------------------------------------------------------
# the county
# --------------------------------------------------------------------------------------
def _validate_project(p: ProjectSpec) -> None:
    where = _where(p.file, p.row)
    if p.stage not in STAGES:
        raise ImpactError(
            f"{where}项目“{p.name}”：建设阶段“{p.stage}”无效，可选：{'、'.join(STAGES)}",
            file=p.file,
            row=p.row,
            column="stage",
        )
    if not p.ramp_up_pct:
        raise ImpactError(
            f"{where}项目“{p.name}”：达产进度不能为空", file=p.file, row=p.row, column="ramp_up_pct"
        )
    for v in p.ramp_up_pct:
        if not 0 <= v <= 100:
            raise ImpactError(
                f"{where}项目“{p.name}”：达产进度应在 0–100（%）之间，得到 {v:g}",
                file=p.file,
                row=p.row,
                column="ramp_up_pct",
            )
    if p.value_added_10k_yuan < 0 or p.process_co2_t < 0:
        raise ImpactError(f"{where}项目“{p.name}”：增加值和工业过程排放不能为负数", file=p.file, row=p.row)
    if not p.energy:
        raise ImpactError(f"{where}项目“{p.name}”没有能源消费数据", file=p.file, row=p.row)


def _gdp_path(
    result: AccountingResult,
    economy: Iterable[EconomyRow],
    years: list[int],
    last: int,
    a: ImpactAssumptions,
    notes: list[str],
) -> dict[int, float]:
    known = {y: r.gdp_constant_10k_yuan for y, r in result.years.items()}
    for e in economy:
        known.setdefault(e.year, e.gdp_constant_10k_yuan)
    path: dict[int, float] = {}
    grown: list[int] = []
    for y in years:
        if y in known:
            path[y] = float(known[y])
            continue
        if a.gdp_growth_pct is None:
            raise ImpactError(
                f"经济数据中没有{y}年可比价地区生产总值：请在经济数据中补充{y}年的规划值，"
                "或提供 GDP 年均增速（gdp_growth_pct，%）及其来源（项目表“参数”页，或平台“测算参数”页）"
            )
        prev = path.get(y - 1, known.get(y - 1))
        if prev is None:
            raise ImpactError(f"缺少{y - 1}年可比价地区生产总值，无法按增速推算{y}年")
        path[y] = prev * (1.0 + a.gdp_growth_pct / 100.0)
        grown.append(y)
    if grown:
        notes.append(
            f"{grown[0]}–{grown[-1]}年可比价地区生产总值按年均增长 {a.gdp_growth_pct:g}% 推算"
            f"（来源：{a.gdp_growth_source or '未注明'}）"
        )
    return path


def assess(
    projects: Sequence[ProjectSpec],
    *,
    accounting: AccountingResult,
    economy: Iterable[EconomyRow] = (),
    targets: Iterable[tgt.Target] = (),
    assumptions: ImpactAssumptions | None = None,
    factor_set: FactorSet | None = None,
    rule_set: th.TwoHighRuleSet | None = None,
    thresholds: th.ReviewThresholds | None = None,
    province: str | tuple[str, ...] | None = None,
    baseline_source: str = "",
) -> ImpactResult:
    r"""The county's path without and with the projects, target reachability and room used.

    Parameters
    ----------
    projects : sequence of ProjectSpec
    accounting : AccountingResult
        The county's accounted years (``carbonpeak accounting compute``).
    economy : iterable of EconomyRow
        Economy rows; rows after the last accounted year give the GDP path.
    targets : iterable of Target
        Intensity decline targets and total caps (TARGETS.csv).
    assumptions : ImpactAssumptions, optional
    factor_set : FactorSet, optional
        Factors for the projects; default the one recorded in ``accounting``.
    rule_set, thresholds : optional
        For the 两高 classification and the energy-review level (:mod:`two_high`).
    province : str, optional
        Scope of provincial 两高 rules.
    baseline_source : str
        Where the baseline came from (dataset name or file names), echoed in the result.

    Returns
    -------
    ImpactResult

    Notes
    -----
    For every year :math:`y` from the first accounted year to the end year and every
    quantity :math:`X \in \{E, E^{fi}, E^{as}, C, G\}`:

    .. math::

        X^{with}_y = X^{without}_y + \sum_p \sigma_p \, \Delta s_p(y) \, X_p(y)

        I^{E}_y = E^{fi}_y / G_y, \qquad I^{C}_y = C_y / G_y

    with :math:`\sigma_p = -1` for 淘汰 and +1 otherwise, :math:`X_p(y)` the project's annual
    value at full production with the factors of year y (:func:`project_annual`; for
    :math:`G` the value added). A target (base B, target T) is reachable in a scenario when

    .. math::

        I_T \le I_B (1 - d/100) \quad\text{(intensity)}, \qquad
        E^{as}_T \le cap \ \text{or}\ C_T \le cap \quad\text{(totals)}

    each scenario using its own base-year value. The remaining room of an energy-intensity
    target is :func:`remaining_energy_room_tce` on the path without the projects, and the
    projects use :math:`\sum_p \sigma_p \Delta s_p(T) E^{fi}_p(T)` of it
    (:func:`room_share_pct`); for an energy-total cap the room is :math:`cap - E^{as}_T`.

    Raises
    ------
    ImpactError
        Missing GDP for a year (and no growth assumption), a bad project row.
    """
    a = assumptions or ImpactAssumptions()
    if not accounting.years:
        raise ImpactError("县域核算结果没有任何年份的数据，无法评价项目影响")
    fs = factor_set or FactorSet.from_dict(accounting.factor_set)
    economy = list(economy)
    target_list = list(targets)
    notes: list[str] = []
    for p in projects:
        _validate_project(p)
    last = max(accounting.years)
    if a.end_year is not None:
        end = a.end_year
    elif target_list:
        end = max(t.target_year for t in target_list)
    else:
        end = max([last + 1] + [p.full_production_year for p in projects])
    if end <= last:
        end = last
    years = sorted({y for y in accounting.years if y <= end} | set(range(last + 1, end + 1)))

    # baseline ---------------------------------------------------------------------------
    latest = accounting.years[last]
    g_e = a.baseline_energy_growth_pct / 100.0
    if a.baseline_energy_growth_pct == 0:
        notes.append(
            f"{last + 1}年起不含项目的基线能耗和二氧化碳保持{last}年（最新核算年份）水平不变"
            "（未设定基线增速）"
            if end > last
            else f"全部年份均为核算值（最新核算年份 {last} 年）"
        )
    else:
        notes.append(
            f"{last + 1}年起基线能耗和二氧化碳按年均增长 {a.baseline_energy_growth_pct:g}% 推算"
            f"（来源：{a.baseline_energy_growth_source or '未注明'}）"
        )

    def accounted(y: int) -> dict[str, float]:
        yr = accounting.years[y]
        ex = yr.exclusions or {}
        return {
            "energy_tce": yr.energy_tce,
            "energy_tce_for_intensity": float(ex.get("energy_tce_for_intensity", yr.energy_tce)),
            "energy_tce_assessed": float(ex.get("energy_tce_assessed", yr.energy_tce)),
            "co2_t": yr.co2_t,
        }

    base_latest = accounted(last)
    if latest.exclusions is None:
        notes.append("核算数据未含扣除项（EXCLUSIONS），县域基线的原料用能和新增可再生能源电力未扣除")

    # projects ---------------------------------------------------------------------------
    economy_rate = {e.year: e.thermal_power_coal_rate_gce_per_kwh for e in economy}

    def coal_rate(y: int) -> float | None:
        if a.power_coal_rate_gce_per_kwh is not None:
            return a.power_coal_rate_gce_per_kwh
        return economy_rate.get(y)

    project_results: list[ProjectResult] = []
    increments: dict[int, dict[str, float]] = {y: dict.fromkeys(PATH_KEYS, 0.0) for y in years}
    for p in projects:
        p_notes: list[str] = []
        if p.production_year <= last and p.sign > 0:
            p_notes.append(
                f"投产年份 {p.production_year} 年不晚于最新核算年份 {last} 年：{last} 年及以前的生产已计入统计，"
                f"只计 {last} 年以后达产增加的部分"
            )
        full_year = max(p.full_production_year, last + 1)
        full = project_annual(p, full_year, factor_set=fs, power_coal_rate_gce_per_kwh=coal_rate(full_year))
        if full["energy_tce_equal_value"] is None:
            p_notes.append(f"{full_year}年无火电发电标准煤耗，电力等价值未计算（不作估计）")
        per_year: dict[int, dict[str, float]] = {}
        for y in years:
            ds = increment_share(p.ramp_up_pct, p.production_year, y, last)
            if y <= last:
                continue
            annual = (
                full
                if y == full_year
                else project_annual(p, y, factor_set=fs, power_coal_rate_gce_per_kwh=coal_rate(y))
            )
            sign = p.sign * ds
            year_entry = {
                "production_share_pct": production_share(p.ramp_up_pct, p.production_year, y) * 100.0,
                "increment_share_pct": ds * 100.0,
                "energy_tce": sign * annual["energy_tce"],
                "feedstock_energy_tce": sign * annual["feedstock_energy_tce"],
                "energy_tce_for_intensity": sign * annual["energy_tce_for_intensity"],
                "renewable_electricity_tce": sign * annual["renewable_electricity_tce"],
                "energy_tce_assessed": sign * annual["energy_tce_assessed"],
                "co2_t": sign * annual["co2_t"],
                "gdp_constant_10k_yuan": sign * annual["value_added_10k_yuan"],
            }
            per_year[y] = year_entry
            for k in PATH_KEYS:
                increments[y][k] += year_entry[k]
        try:
            cls = th.classify_two_high(
                industry_code=p.industry_code,
                products=p.products,
                processes=p.processes,
                province=province,
                rule_set=rule_set,
            ).to_dict()
        except th.ClassificationError as exc:
            raise ImpactError(
                f"{_where(p.file, p.row)}项目“{p.name}”：{exc.message}",
                file=p.file,
                row=p.row,
                column="industry_code",
            ) from None
        review = th.review_level(
            energy_tce=full["energy_tce"], electricity_kwh=full["electricity_kwh"], thresholds=thresholds
        ).to_dict()
        project_results.append(
            ProjectResult(
                code=p.code,
                name=p.name,
                stage=p.stage,
                production_year=p.production_year,
                ramp_up_pct=p.ramp_up_pct,
                full_production=full,
                years=per_year,
                two_high=cls,
                review=review,
                notes=p_notes,
            )
        )

    gdp = _gdp_path(accounting, economy, years, last, a, notes)
    without: dict[int, dict[str, float]] = {}
    for y in years:
        if y in accounting.years:
            values = accounted(y)
        else:
            f = (1.0 + g_e) ** (y - last)
            values = {k: v * f for k, v in base_latest.items()}
        values["gdp_constant_10k_yuan"] = gdp[y]
        without[y] = values
    with_: dict[int, dict[str, float]] = {
        y: {k: without[y][k] + increments[y][k] for k in PATH_KEYS} for y in years
    }
    for y in years:
        if with_[y]["gdp_constant_10k_yuan"] <= 0:
            raise ImpactError(
                f"{y}年含项目的可比价地区生产总值不大于 0（淘汰项目的增加值大于全县），请检查数据"
            )
    rows: list[dict[str, Any]] = []
    by_year_without: dict[int, dict[str, float]] = {}
    by_year_with: dict[int, dict[str, float]] = {}
    for y in years:
        w = by_year_without[y] = _path_values(without[y])
        h = by_year_with[y] = _path_values(with_[y])
        rows.append(
            {
                "year": y,
                "kind": "actual" if y in accounting.years else "projected",
                "without": w,
                "with": h,
                "delta": {k: h[k] - w[k] for k in w},
            }
        )

    # targets ----------------------------------------------------------------------------
    target_rows: list[dict[str, Any]] = []
    room_rows: list[dict[str, Any]] = []
    for t in target_list:
        label = tgt.INDICATOR_LABELS.get(t.indicator, t.indicator)
        entry: dict[str, Any] = {
            "indicator": t.indicator,
            "label": label,
            "base_year": t.base_year,
            "target_year": t.target_year,
            "decline_pct": t.decline_pct,
            "cap": t.cap,
        }
        if t.base_year not in by_year_without or t.target_year not in by_year_without:
            missing = t.base_year if t.base_year not in by_year_without else t.target_year
            entry["without"] = entry["with"] = None
            entry["evaluable"] = False
            entry["reason"] = f"{missing}年没有数据（不在核算年份或测算期内），无法判断"
            target_rows.append(entry)
            notes.append(f"目标“{label}”（{t.base_year}–{t.target_year}）：{entry['reason']}")
            continue
        entry["evaluable"] = True
        for scenario, path in (("without", by_year_without), ("with", by_year_with)):
            base, cur = path[t.base_year], path[t.target_year]
            if t.indicator in tgt.INTENSITY_INDICATORS and t.decline_pct is not None:
                key = (
                    "energy_intensity_tce_per_10k_yuan"
                    if t.indicator == "energy_intensity"
                    else "co2_intensity_t_per_10k_yuan"
                )
                allowed = base[key] * (1.0 - t.decline_pct / 100.0)
                value = cur[key]
                entry[scenario] = {
                    "base_value": base[key],
                    "allowed": allowed,
                    "value": value,
                    "decline_pct": tgt.cumulative_decline_pct(value, base[key]),
                    "margin": allowed - value,
                    "reachable": value <= allowed,
                    "unit": "tce/万元" if t.indicator == "energy_intensity" else "tCO2/万元",
                }
            elif t.indicator in tgt.TOTAL_INDICATORS and t.cap is not None:
                key = "energy_tce_assessed" if t.indicator == "energy_total" else "co2_t"
                value = cur[key]
                entry[scenario] = {
                    "base_value": base[key],
                    "allowed": t.cap,
                    "value": value,
                    "decline_pct": None,
                    "margin": t.cap - value,
                    "reachable": value <= t.cap,
                    "unit": "tce" if t.indicator == "energy_total" else "tCO2",
                }
            else:
                entry[scenario] = None
        target_rows.append(entry)

        # room
        if t.indicator == "energy_intensity" and t.decline_pct is not None:
            base_w = by_year_without[t.base_year]
            room = remaining_energy_room_tce(
                base_intensity_tce_per_10k_yuan=base_w["energy_intensity_tce_per_10k_yuan"],
                decline_pct=t.decline_pct,
                gdp_target_year_10k_yuan=by_year_without[t.target_year]["gdp_constant_10k_yuan"],
                baseline_energy_target_year_tce=by_year_without[t.target_year]["energy_tce_for_intensity"],
            )
            key = "energy_tce_for_intensity"
            allowed_energy = room + by_year_without[t.target_year][key]
        elif t.indicator == "energy_total" and t.cap is not None:
            key = "energy_tce_assessed"
            allowed_energy = t.cap
            room = t.cap - by_year_without[t.target_year][key]
        else:
            continue
        used = increments[t.target_year][key]
        room_rows.append(
            {
                "indicator": t.indicator,
                "label": label,
                "base_year": t.base_year,
                "target_year": t.target_year,
                "basis": key,
                "allowed_energy_tce": allowed_energy,
                "baseline_energy_tce": by_year_without[t.target_year][key],
                "remaining_energy_room_tce": room,
                "projects_energy_tce": used,
                "share_pct": room_share_pct(used, room),
                "remaining_after_tce": room - used,
                "per_project": [
                    {
                        "code": pr.code,
                        "name": pr.name,
                        "energy_tce": pr.years.get(t.target_year, {}).get(key, 0.0),
                        "share_pct": room_share_pct(pr.years.get(t.target_year, {}).get(key, 0.0), room),
                    }
                    for pr in project_results
                ],
            }
        )

    reachable: dict[str, dict[str, bool | None]] = {}
    for year in sorted({t.target_year for t in target_list} | {2025, 2030}):
        relevant = [r for r in target_rows if r["target_year"] == year]
        if not relevant:
            reachable[str(year)] = {"without": None, "with": None}
            if year in (2025, 2030):
                notes.append(f"未提供{year}年目标，无法判断{year}年目标能否实现")
            continue
        for scenario in ("without", "with"):
            flags = [r[scenario]["reachable"] for r in relevant if r.get(scenario)]
            unknown = any(not r.get(scenario) for r in relevant)
            reachable.setdefault(str(year), {})[scenario] = (
                False if (flags and not all(flags)) else (None if unknown or not flags else True)
            )

    totals = {
        k: sum(float(pr.full_production[k]) for pr in project_results)
        for k in (
            "energy_tce",
            "feedstock_energy_tce",
            "energy_tce_for_intensity",
            "renewable_electricity_tce",
            "energy_tce_assessed",
            "electricity_kwh",
            "coal_tce",
            "co2_t",
            "value_added_10k_yuan",
        )
    }
    return ImpactResult(
        region=accounting.region,
        base_year=accounting.base_year,
        last_accounted_year=last,
        end_year=end,
        factor_set={k: v for k, v in accounting.factor_set.items() if k != "factors"}
        if factor_set is None
        else fs.to_dict(include_factors=False),
        assumptions=a.to_dict(),
        notes=notes,
        years=rows,
        targets=target_rows,
        room=room_rows,
        reachable=reachable,
        projects=project_results,
        totals=totals,
        baseline_source=baseline_source,
    )


__all__ = [
    "STAGES",
    "USES",
    "ImpactAssumptions",
    "ImpactError",
    "ImpactResult",
    "ProjectEnergyRow",
    "ProjectResult",
    "ProjectSpec",
    "assess",
    "increment_share",
    "production_share",
    "project_annual",
    "remaining_energy_room_tce",
    "room_share_pct",
]
