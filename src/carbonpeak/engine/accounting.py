"""County energy and CO2 accounting: activity rows + economy + factors + targets -> results.

The orchestrator of :mod:`energy`, :mod:`emissions`, :mod:`factors` and :mod:`targets`.
Every figure carries its trace: activity × conversion × factor = result, with the
factor's source and version, so an auditor can follow each number.

Public interface
----------------
- :func:`account_activity` — one activity (carrier, quantity, unit, year) to tce and tCO2.
- :func:`compute` — a whole dataset to an :class:`AccountingResult`; ``to_dict()`` is the
  JSON of ``carbonpeak accounting compute --json``.

References
----------
.. [1] GB/T 2589-2020 综合能耗计算通则 (clause 4, Annex A).
.. [2] GB/T 32150-2015 工业企业温室气体排放核算和报告通则 (clause 6, Annex A).
.. [3] MEE & NBS notices on electricity CO2 emission factors (2021–2023 data).
.. [4] 发改办环资〔2020〕901号 (barometer); 发改运行〔2022〕1258号; 发改环资〔2022〕803号.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from carbonpeak.engine import emissions, energy
from carbonpeak.engine import targets as tgt
from carbonpeak.engine.factors import FactorError, FactorSet, normalize_region

RENEWABLE_ELECTRICITY = "可再生能源电力"
FEEDSTOCK = "原料用能"
EXCLUSION_CATEGORIES = {
    RENEWABLE_ELECTRICITY: "可再生能源电力消费量（按 发改运行〔2022〕1258号，扣除较基准年的新增部分）",
    FEEDSTOCK: "原料用能（按 发改环资〔2022〕803号 扣除）",
}


class AccountingError(ValueError):
    """Input the user can fix (message in Chinese, naming file, row and column when known)."""

    def __init__(self, message: str, *, file: str = "", row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.column = column


# --------------------------------------------------------------------------------------
# input rows
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnergyRow:
    """One ENERGY.csv row: ``year,sector,carrier,quantity,unit``.

    ``file`` and ``row`` (1-based line, header = 1) locate it for error messages.
    """

    year: int
    sector: str
    carrier: str
    quantity: float
    unit: str
    file: str = ""
    row: int | None = None


@dataclass(frozen=True)
class EconomyRow:
    """One ECONOMY.csv row.

    Attributes
    ----------
    year : int
    gdp_10k_yuan : float or None
        GDP at current prices [10^4 yuan].
    gdp_constant_10k_yuan : float
        GDP at constant prices of the base year [10^4 yuan].
    population : float or None
        Resident population [persons].
    thermal_power_coal_rate_gce_per_kwh : float or None
        Optional: the year's thermal-power standard-coal consumption rate for the 等价值 [gce/kWh].
    non_fossil_energy_tce : float or None
        Optional: non-fossil energy consumption as reported by statistics [tce].
    """

    year: int
    gdp_10k_yuan: float | None
    gdp_constant_10k_yuan: float
    population: float | None = None
    thermal_power_coal_rate_gce_per_kwh: float | None = None
    non_fossil_energy_tce: float | None = None
    file: str = ""
    row: int | None = None


@dataclass(frozen=True)
class ExclusionRow:
    """One EXCLUSIONS.csv row: ``year,category,carrier,quantity,unit``.

    ``category`` is 可再生能源电力 (renewable electricity consumption of the year; the
    increase over the base year is deducted from assessed totals) or 原料用能
    (feedstock use, deducted from totals and from the energy used for intensity).
    """

    year: int
    category: str
    carrier: str
    quantity: float
    unit: str
    file: str = ""
    row: int | None = None


def _where(file: str, row: int | None, column: str | None) -> str:
    parts = []
    if file:
        parts.append(file)
    if row is not None:
        parts.append(f"第 {row} 行")
    if column:
        parts.append(f"“{column}”列")
    return " ".join(parts) + ("：" if parts else "")


def _field(
    row: Mapping[str, Any], column: str, convert: Any, index: int, label: str, *, required: bool = True
) -> Any:
    value = row.get(column)
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if required:
            raise AccountingError(f"{label}第 {index} 行“{column}”列：不能为空", row=index, column=column)
        return None
    try:
        return convert(str(value).replace(",", "").strip() if convert is not str else value)
    except (TypeError, ValueError):
        raise AccountingError(
            f"{label}第 {index} 行“{column}”列：“{value}”格式不正确", row=index, column=column
        ) from None


def _int(text: Any) -> int:
    number = float(text)
    if not number.is_integer():
        raise ValueError(text)
    return int(number)


def _coerce_energy(row: EnergyRow | Mapping[str, Any], index: int) -> EnergyRow:
    if isinstance(row, EnergyRow):
        return row
    label = "能源数据"
    return EnergyRow(
        year=_field(row, "year", _int, index, label),
        sector=str(row.get("sector") or "未分行业"),
        carrier=str(_field(row, "carrier", str, index, label)),
        quantity=_field(row, "quantity", float, index, label),
        unit=str(_field(row, "unit", str, index, label)),
        file=str(row.get("file", "")),
        row=row.get("row", index),
    )


def _opt_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def _coerce_economy(row: EconomyRow | Mapping[str, Any], index: int, base_year: int) -> EconomyRow | None:
    """An economy row; None for a year without constant-price GDP (its energy rows then fail)."""
    if isinstance(row, EconomyRow):
        return row
    label = "经济数据"
    year = _field(row, "year", _int, index, label)
    gdp = _field(row, "gdp_10k_yuan", float, index, label, required=False)
    constant = _field(row, "gdp_constant_10k_yuan", float, index, label, required=False)
    if constant is None and year == base_year:
        constant = gdp  # in the base year constant prices are current prices
    if constant is None:
        return None
    return EconomyRow(
        year=year,
        gdp_10k_yuan=gdp,
        gdp_constant_10k_yuan=constant,
        population=_field(row, "population", float, index, label, required=False),
        thermal_power_coal_rate_gce_per_kwh=_field(
            row, "thermal_power_coal_rate_gce_per_kwh", float, index, label, required=False
        ),
        non_fossil_energy_tce=_field(row, "non_fossil_energy_tce", float, index, label, required=False),
    )


def _coerce_target(t: tgt.Target | Mapping[str, Any]) -> tgt.Target:
    if isinstance(t, tgt.Target):
        return t
    return tgt.Target(
        indicator=str(t["indicator"]),
        base_year=int(t["base_year"]),
        target_year=int(t["target_year"]),
        decline_pct=_opt_float(t.get("decline_pct")),
        cap=_opt_float(t.get("cap")),
    )


def _coerce_exclusion(row: ExclusionRow | Mapping[str, Any]) -> ExclusionRow:
    if isinstance(row, ExclusionRow):
        return row
    return ExclusionRow(
        year=int(row["year"]),
        category=str(row["category"]),
        carrier=str(row.get("carrier") or "电力"),
        quantity=float(row["quantity"]),
        unit=str(row["unit"]),
    )


# --------------------------------------------------------------------------------------
# one activity
# --------------------------------------------------------------------------------------
@dataclass
class ActivityResult:
    """The energy and CO2 of one activity, with its trace.

    Attributes
    ----------
    energy_tce : float
        Energy on the 当量值 (calorific-equivalent) basis [tce].
    energy_tce_equal_value : float or None
        Energy on the 等价值 basis [tce]; None for electricity without a thermal-power
        coal rate for the year.
    co2_t : float
        CO2 [tCO2].
    trace : dict
        Activity, converted quantities, factors with source and version, the arithmetic
        as text, flags (``nearest_year_grid_factor``, ``equal_value_missing``) and assumptions.
    """

    energy_tce: float
    energy_tce_equal_value: float | None
    co2_t: float
    trace: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "energy_tce": self.energy_tce,
            "energy_tce_equal_value": self.energy_tce_equal_value,
            "co2_t": self.co2_t,
            "trace": self.trace,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ActivityResult:
        return cls(
            energy_tce=data["energy_tce"],
            energy_tce_equal_value=data.get("energy_tce_equal_value"),
            co2_t=data["co2_t"],
            trace=dict(data.get("trace") or {}),
        )


def _fmt(x: float) -> str:
    text = f"{x:,.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def account_activity(
    carrier: str,
    quantity: float,
    unit: str,
    year: int,
    *,
    factor_set: FactorSet | None = None,
    region: str = "湖南省",
    power_coal_rate_gce_per_kwh: float | None = None,
) -> ActivityResult:
    r"""Energy (tce) and CO2 (t) of one activity, e.g. 120 万千瓦时 of electricity in 2022.

    Parameters
    ----------
    carrier : str
        Carrier name as in the statistics (原煤, 柴油, 天然气, 电力, 热力 …) or an alias.
    quantity : float
        Amount [unit]; must be ≥ 0.
    unit : str
        吨, 万吨, 千克, 立方米, 万立方米, 亿立方米, 千瓦时, 万千瓦时, 亿千瓦时, 兆瓦时,
        吉焦, 百万千焦, 兆焦 …
    year : int
        Data year (selects the grid factor and the thermal-power coal rate).
    factor_set : FactorSet, optional
        Factors to use; default :meth:`FactorSet.default` for ``region``. When given,
        its own region decides the grid factor.
    region : str, default "湖南省"
        Province (or 华中 / 全国) for the grid factor when no factor set is given.
    power_coal_rate_gce_per_kwh : float, optional
        Thermal-power coal rate for the 等价值 [gce/kWh]; default from the factor set.

    Returns
    -------
    ActivityResult

    Notes
    -----
    .. math::

        E_{tce} = q \cdot s \cdot k / 1000 \qquad
        E^{eq}_{tce} = q_{kWh} \cdot b / 10^6 \qquad
        CO_2 = q_{acc} \cdot EF

    with :math:`s` the unit size in the carrier's base unit, :math:`k` the
    standard-coal coefficient [kgce/base unit] (GB/T 2589-2020 Annex A), :math:`b`
    the thermal-power coal rate [gce/kWh], :math:`q_{acc}` the quantity in t, 万立方米,
    MWh or GJ and :math:`EF` the CO2 factor (GB/T 32150-2015 clause 6; MEE/NBS grid
    factors; 0.11 tCO2/GJ for heat).

    Raises
    ------
    energy.UnknownCarrierError, energy.UnknownUnitError, energy.IncompatibleUnitError,
    FactorError, ValueError (negative quantity)
    """
    c = energy.get_carrier(carrier)
    canonical_unit = energy.check_unit_for_carrier(c, unit)
    quantity = float(quantity)
    if not quantity >= 0:
        raise ValueError(f"数量不能为负数（{quantity}）")
    fs = factor_set if factor_set is not None else FactorSet.default(region)
    flags: list[str] = []
    assumptions: list[str] = []

    kgce = fs.kgce(c.name_zh, year)
    base_q = energy.convert_quantity(quantity, canonical_unit, c.base_unit)
    energy_tce = base_q * kgce.value / 1000.0
    unit_size = energy.unit_size(canonical_unit)
    energy_formula = (
        f"{_fmt(quantity)} {canonical_unit} × {_fmt(float(unit_size))} {c.base_unit}/{canonical_unit}"
        f" × {kgce.value:g} {kgce.unit} ÷ 1000 = {_fmt(energy_tce)} tce"
    )

    equal_value: float | None
    rate_info: dict[str, Any] | None = None
    if c.kind == "electricity":
        rate = power_coal_rate_gce_per_kwh
        rate_source = "参数"
        if rate is None:
            rate_factor = fs.power_coal_rate(year)
            if rate_factor is not None:
                rate, rate_source = rate_factor.value, rate_factor.source
        if rate is None:
            equal_value = None
            flags.append("equal_value_missing")
            assumptions.append(
                f"{year}年未提供火电发电标准煤耗（gce/kWh），电力等价值未计算（null），不作估计"
            )
        else:
            equal_value = base_q * rate / 1_000_000.0
            rate_info = {"value": rate, "unit": "gce/kWh", "source": rate_source}
    else:
        equal_value = energy_tce
        if c.kind == "heat":
            flags.append("heat_equal_value_as_equivalent")

    co2_factor, co2_flags = fs.co2(c.name_zh, year)
    flags.extend(co2_flags)
    acc_q = energy.convert_quantity(quantity, canonical_unit, c.accounting_unit)
    if c.kind == "electricity":
        co2_t = emissions.co2_from_electricity(acc_q, co2_factor.value)
    elif c.kind == "heat":
        co2_t = emissions.co2_from_heat(acc_q, co2_factor.value)
    else:
        co2_t = emissions.co2_from_fuel(acc_q, co2_factor.value)
    co2_formula = (
        f"{_fmt(acc_q)} {c.accounting_unit} × {co2_factor.value:.6g} {co2_factor.unit} = {_fmt(co2_t)} tCO2"
    )
    comp = co2_factor.components
    if "carbon_content_tc_per_tj" in comp:
        co2_formula += (
            f"（因子 = {comp['ncv']:g} {comp['ncv_unit']} × {comp['carbon_content_tc_per_tj']:g} tC/TJ"
            f" × {comp['oxidation_rate']:g} × 44/12 ÷ 1000）"
        )
    if "nearest_year_grid_factor" in co2_flags:
        assumptions.append(
            f"{year}年无已发布的{co2_factor.key}电网平均排放因子，采用最近年份（{co2_factor.year}年）"
            f"{co2_factor.value:g} tCO2/MWh"
        )
    if co2_factor.assumption:
        assumptions.append(co2_factor.assumption)

    trace = {
        "year": year,
        "carrier": c.name_zh,
        "carrier_input": carrier,
        "carrier_kind": c.kind,
        "category": c.category,
        "activity": {"quantity": quantity, "unit": canonical_unit},
        "converted": {
            "quantity_base": base_q,
            "base_unit": c.base_unit,
            "quantity_accounting": acc_q,
            "accounting_unit": c.accounting_unit,
        },
        "kgce_factor": kgce.to_dict(),
        "co2_factor": co2_factor.to_dict(),
        "power_coal_rate": rate_info,
        "energy_formula": energy_formula,
        "co2_formula": co2_formula,
        "energy_tce": energy_tce,
        "energy_tce_equal_value": equal_value,
        "co2_t": co2_t,
        "flags": flags,
        "assumptions": assumptions,
    }
    return ActivityResult(energy_tce=energy_tce, energy_tce_equal_value=equal_value, co2_t=co2_t, trace=trace)


# --------------------------------------------------------------------------------------
# whole dataset
# --------------------------------------------------------------------------------------
@dataclass
class YearResult:
    """Totals, intensities and structure of one year (energy on the 当量值 basis)."""

    year: int
    energy_tce: float
    energy_tce_equal_value: float | None
    co2_t: float
    gdp_10k_yuan: float | None
    gdp_constant_10k_yuan: float
    population: float | None
    energy_intensity_tce_per_10k_yuan: float
    co2_intensity_t_per_10k_yuan: float
    by_sector: dict[str, dict[str, float]]
    by_carrier: dict[str, dict[str, float]]
    coal_share_pct: float | None
    non_fossil_share_pct: float | None
    exclusions: dict[str, Any] | None = None
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "energy_tce": self.energy_tce,
            "energy_tce_equal_value": self.energy_tce_equal_value,
            "co2_t": self.co2_t,
            "energy_intensity_tce_per_10k_yuan": self.energy_intensity_tce_per_10k_yuan,
            "co2_intensity_t_per_10k_yuan": self.co2_intensity_t_per_10k_yuan,
            "by_sector": self.by_sector,
            "by_carrier": self.by_carrier,
            "gdp_10k_yuan": self.gdp_10k_yuan,
            "gdp_constant_10k_yuan": self.gdp_constant_10k_yuan,
            "population": self.population,
            "coal_share_pct": self.coal_share_pct,
            "non_fossil_share_pct": self.non_fossil_share_pct,
        }
        if self.exclusions is not None:
            data["exclusions"] = self.exclusions
        data["flags"] = list(self.flags)
        return data

    @classmethod
    def from_dict(cls, year: int, data: Mapping[str, Any]) -> YearResult:
        return cls(
            year=year,
            energy_tce=data["energy_tce"],
            energy_tce_equal_value=data.get("energy_tce_equal_value"),
            co2_t=data["co2_t"],
            gdp_10k_yuan=data.get("gdp_10k_yuan"),
            gdp_constant_10k_yuan=data["gdp_constant_10k_yuan"],
            population=data.get("population"),
            energy_intensity_tce_per_10k_yuan=data["energy_intensity_tce_per_10k_yuan"],
            co2_intensity_t_per_10k_yuan=data["co2_intensity_t_per_10k_yuan"],
            by_sector=dict(data.get("by_sector") or {}),
            by_carrier=dict(data.get("by_carrier") or {}),
            coal_share_pct=data.get("coal_share_pct"),
            non_fossil_share_pct=data.get("non_fossil_share_pct"),
            exclusions=data.get("exclusions"),
            flags=list(data.get("flags") or []),
        )


@dataclass
class AccountingResult:
    """Result of :func:`compute`. ``to_dict()`` gives the CLI's JSON shape.

    Attributes
    ----------
    factor_set : dict
        ``FactorSet.to_dict()`` of the set used.
    years : dict[int, YearResult]
    declines : dict[int, dict]
        Annual and cumulative declines [%] of both intensities.
    warnings : list[dict]
        One entry per target indicator and year between base and target year with data.
    assumptions : list[str]
        Every assumption the figures rest on (Chinese).
    activities : list[ActivityResult]
        One per input row, in input order, with the full trace.
    targets : list[dict]
    base_year : int
    region : str
    """

    factor_set: dict[str, Any]
    years: dict[int, YearResult]
    declines: dict[int, dict[str, float | None]]
    warnings: list[dict[str, Any]]
    assumptions: list[str]
    activities: list[ActivityResult] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    base_year: int = 2020
    region: str = "湖南"
    target_paths: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_dict(self, *, include_trace: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "factor_set": self.factor_set,
            "years": {str(y): self.years[y].to_dict() for y in sorted(self.years)},
            "declines": {str(y): self.declines[y] for y in sorted(self.declines)},
            "warnings": self.warnings,
            "assumptions": self.assumptions,
            "base_year": self.base_year,
            "region": self.region,
            "targets": self.targets,
            "target_paths": self.target_paths,
        }
        if include_trace:
            data["activities"] = [a.to_dict() for a in self.activities]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AccountingResult:
        return cls(
            factor_set=dict(data["factor_set"]),
            years={int(y): YearResult.from_dict(int(y), v) for y, v in data["years"].items()},
            declines={int(y): dict(v) for y, v in data.get("declines", {}).items()},
            warnings=list(data.get("warnings", [])),
            assumptions=list(data.get("assumptions", [])),
            activities=[ActivityResult.from_dict(a) for a in data.get("activities", [])],
            targets=list(data.get("targets", [])),
            base_year=int(data.get("base_year", 2020)),
            region=data.get("region", "湖南"),
            target_paths={k: list(v) for k, v in (data.get("target_paths") or {}).items()},
        )


def _add(bucket: dict[str, dict[str, float]], key: str, energy_tce: float, co2_t: float) -> None:
    entry = bucket.setdefault(key, {"energy_tce": 0.0, "co2_t": 0.0})
    entry["energy_tce"] += energy_tce
    entry["co2_t"] += co2_t


def compute(
    energy_rows: Iterable[EnergyRow | Mapping[str, Any]],
    economy_rows: Iterable[EconomyRow | Mapping[str, Any]],
    *,
    factor_set: FactorSet | None = None,
    targets: Iterable[tgt.Target | Mapping[str, Any]] = (),
    region: str = "湖南省",
    base_year: int = 2020,
    exclusions: Iterable[ExclusionRow | Mapping[str, Any]] = (),
) -> AccountingResult:
    r"""Account a county's energy and CO2 for every year, with intensities, declines and warnings.

    Parameters
    ----------
    energy_rows : iterable of EnergyRow or mapping
        ``year, sector, carrier, quantity [unit], unit``.
    economy_rows : iterable of EconomyRow or mapping
        ``year, gdp_10k_yuan, gdp_constant_10k_yuan [10^4 yuan, base-year prices], population``.
    factor_set : FactorSet, optional
        Default: :meth:`FactorSet.default` for ``region``.
    targets : iterable of Target or mapping
        Period targets (``energy_intensity``, ``co2_intensity`` with ``decline_pct`` [%];
        ``energy_total``, ``co2_total`` with ``cap`` [tce, tCO2]).
    region : str
        Province for the grid factor when no factor set is given.
    base_year : int
        Base year of cumulative declines (2020 for the 14th Five-Year Plan).
    exclusions : iterable of ExclusionRow or mapping
        Optional deductions (可再生能源电力, 原料用能).

    Returns
    -------
    AccountingResult

    Notes
    -----
    .. math::

        E_y = \sum_i E_{i}, \quad C_y = \sum_i C_i, \quad
        I^E_y = E_y / GDP_y, \quad I^C_y = C_y / GDP_y

        r_y = 1 - I_y / I_{y-1}, \quad R_y = 1 - I_y / I_{base}, \quad
        R^{req}_k = 1 - (1 - T)^{k/n}

    Energy on the 当量值 basis (GB/T 2589-2020), CO2 per GB/T 32150-2015, GDP at
    constant prices (DEFAULTS §5), warnings per 发改办环资〔2020〕901号 (DEFAULTS §6).

    Raises
    ------
    AccountingError
        Unknown carrier or unit, negative quantity, a year without GDP, a carrier
        without CO2 factor — message in Chinese naming file, row and column.
    """
    fs = factor_set if factor_set is not None else FactorSet.default(region)
    economy = {}
    for eco_index, e in enumerate(economy_rows, start=2):
        er = _coerce_economy(e, eco_index, base_year)
        if er is not None:
            economy[er.year] = er

    activities: list[ActivityResult] = []
    assumptions: list[str] = []
    per_year: dict[int, dict[str, Any]] = {}

    def note(text: str) -> None:
        if text not in assumptions:
            assumptions.append(text)

    for index, raw in enumerate(energy_rows, start=2):
        row = _coerce_energy(raw, index)
        where = lambda column, r=row: _where(r.file, r.row, column)  # noqa: E731
        if row.year not in economy:
            raise AccountingError(
                f"{where('year')}{row.year}年在经济数据中没有地区生产总值（GDP），无法计算强度",
                file=row.file,
                row=row.row,
                column="year",
            )
        if not row.quantity >= 0:
            raise AccountingError(
                f"{where('quantity')}数量不能为负数（{row.quantity}）",
                file=row.file,
                row=row.row,
                column="quantity",
            )
        try:
            result = account_activity(
                row.carrier,
                row.quantity,
                row.unit,
                row.year,
                factor_set=fs,
                power_coal_rate_gce_per_kwh=economy[row.year].thermal_power_coal_rate_gce_per_kwh,
            )
        except energy.UnknownCarrierError:
            raise AccountingError(
                f"{where('carrier')}未知能源品种“{row.carrier}”", file=row.file, row=row.row, column="carrier"
            ) from None
        except energy.UnknownUnitError:
            raise AccountingError(
                f"{where('unit')}未知计量单位“{row.unit}”", file=row.file, row=row.row, column="unit"
            ) from None
        except energy.IncompatibleUnitError:
            c = energy.get_carrier(row.carrier)
            raise AccountingError(
                f"{where('unit')}单位“{row.unit}”不能用于能源品种“{c.name_zh}”（应为{_dimension_label(c.dimension)}单位，如 {_unit_examples(c.dimension)}）",
                file=row.file,
                row=row.row,
                column="unit",
            ) from None
        except FactorError as exc:
            raise AccountingError(
                f"{where('carrier')}{exc.message}", file=row.file, row=row.row, column="carrier"
            ) from None
        result.trace["sector"] = row.sector
        result.trace["row"] = row.row
        result.trace["file"] = row.file
        activities.append(result)
        for text in result.trace["assumptions"]:
            note(text)
        bucket = per_year.setdefault(
            row.year,
            {
                "energy": 0.0,
                "equal": 0.0,
                "equal_missing": False,
                "co2": 0.0,
                "by_sector": {},
                "by_carrier": {},
                "by_category": defaultdict(float),
                "heat": False,
                "flags": [],
            },
        )
        bucket["energy"] += result.energy_tce
        bucket["co2"] += result.co2_t
        if result.energy_tce_equal_value is None:
            bucket["equal_missing"] = True
        else:
            bucket["equal"] += result.energy_tce_equal_value
        for flag in result.trace["flags"]:
            if flag not in bucket["flags"]:
                bucket["flags"].append(flag)
        if result.trace["carrier_kind"] == "heat":
            bucket["heat"] = True
        _add(bucket["by_sector"], row.sector, result.energy_tce, result.co2_t)
        _add(bucket["by_carrier"], result.trace["carrier"], result.energy_tce, result.co2_t)
        bucket["by_category"][result.trace["category"]] += result.energy_tce

    # exclusions ---------------------------------------------------------------------
    exclusion_rows = [_coerce_exclusion(x) for x in exclusions]
    renewable: dict[int, float] = defaultdict(float)
    feedstock: dict[int, float] = defaultdict(float)
    for ex in exclusion_rows:
        where_ex = _where(ex.file, ex.row, None)
        if ex.category not in EXCLUSION_CATEGORIES:
            raise AccountingError(
                f"{_where(ex.file, ex.row, 'category')}未知扣除类别“{ex.category}”，可选：{'、'.join(EXCLUSION_CATEGORIES)}",
                file=ex.file,
                row=ex.row,
                column="category",
            )
        if not ex.quantity >= 0:
            raise AccountingError(
                f"{_where(ex.file, ex.row, 'quantity')}数量不能为负数",
                file=ex.file,
                row=ex.row,
                column="quantity",
            )
        try:
            c = energy.get_carrier(ex.carrier)
            unit = energy.check_unit_for_carrier(c, ex.unit)
            if ex.category == RENEWABLE_ELECTRICITY and c.kind != "electricity":
                raise AccountingError(
                    f"{_where(ex.file, ex.row, 'carrier')}可再生能源电力的能源品种应为“电力”",
                    file=ex.file,
                    row=ex.row,
                    column="carrier",
                )
            kgce = fs.kgce(c.name_zh, ex.year)
            tce = energy.convert_quantity(ex.quantity, unit, c.base_unit) * kgce.value / 1000.0
        except energy.UnknownCarrierError:
            raise AccountingError(
                f"{where_ex}未知能源品种“{ex.carrier}”", file=ex.file, row=ex.row, column="carrier"
            ) from None
        except (energy.UnknownUnitError, energy.IncompatibleUnitError):
            raise AccountingError(
                f"{_where(ex.file, ex.row, 'unit')}单位“{ex.unit}”无法用于“{ex.carrier}”",
                file=ex.file,
                row=ex.row,
                column="unit",
            ) from None
        if ex.category == RENEWABLE_ELECTRICITY:
            renewable[ex.year] += tce
        else:
            feedstock[ex.year] += tce

    # years ----------------------------------------------------------------------------
    years: dict[int, YearResult] = {}
    for year in sorted(per_year):
        b = per_year[year]
        eco = economy[year]
        if not eco.gdp_constant_10k_yuan > 0:
            raise AccountingError(
                f"{_where(eco.file, eco.row, 'gdp_constant_10k_yuan')}{year}年可比价地区生产总值必须大于 0",
                file=eco.file,
                row=eco.row,
                column="gdp_constant_10k_yuan",
            )
        total = b["energy"]
        exclusions_info = None
        if exclusion_rows:
            re_base = renewable.get(base_year)
            re_now = renewable.get(year)
            if re_now is not None and re_base is None and year != base_year and renewable:
                note(f"未提供基准年（{base_year}年）可再生能源电力消费量，新增部分无法计算，未扣除")
            renewable_deduction = (
                max(0.0, re_now - re_base) if (re_now is not None and re_base is not None) else 0.0
            )
            feed = feedstock.get(year, 0.0)
            for_intensity = total - feed
            exclusions_info = {
                "renewable_electricity_tce": re_now,
                "renewable_deduction_tce": renewable_deduction,
                "feedstock_tce": feed,
                "energy_tce_assessed": total - renewable_deduction - feed,
                "energy_tce_for_intensity": for_intensity,
                "energy_intensity_adjusted_tce_per_10k_yuan": tgt.intensity(
                    for_intensity, eco.gdp_constant_10k_yuan
                ),
            }
        if b["heat"]:
            note("热力等价值按当量值（0.03412 kgce/MJ）计入，未按供热煤耗折算")
        coal = b["by_category"].get("coal", 0.0)
        non_fossil = (
            tgt.share_pct(eco.non_fossil_energy_tce, total) if eco.non_fossil_energy_tce is not None else None
        )
        years[year] = YearResult(
            year=year,
            energy_tce=total,
            energy_tce_equal_value=None if b["equal_missing"] else b["equal"],
            co2_t=b["co2"],
            gdp_10k_yuan=eco.gdp_10k_yuan,
            gdp_constant_10k_yuan=eco.gdp_constant_10k_yuan,
            population=eco.population,
            energy_intensity_tce_per_10k_yuan=tgt.intensity(total, eco.gdp_constant_10k_yuan),
            co2_intensity_t_per_10k_yuan=tgt.intensity(b["co2"], eco.gdp_constant_10k_yuan),
            by_sector=b["by_sector"],
            by_carrier=b["by_carrier"],
            coal_share_pct=tgt.share_pct(coal, total),
            non_fossil_share_pct=non_fossil,
            exclusions=exclusions_info,
            flags=sorted(b["flags"]),
        )
    if years and not any(y.non_fossil_share_pct is not None for y in years.values()):
        note("未提供非化石能源消费量（non_fossil_energy_tce），非化石能源消费比重未计算")
    if base_year not in years and years:
        note(f"没有基准年（{base_year}年）数据，累计下降率无法计算")

    declines = _declines(years, base_year, adjusted=bool(exclusion_rows))
    target_list = [_coerce_target(t) for t in (targets or ())]
    warnings = _warnings(years, target_list, note, adjusted=bool(exclusion_rows))
    return AccountingResult(
        factor_set=fs.to_dict(),
        years=years,
        declines=declines,
        warnings=warnings,
        assumptions=assumptions,
        activities=activities,
        targets=[t.to_dict() for t in target_list],
        base_year=base_year,
        region=fs.region,
        target_paths=_target_paths(years, target_list, adjusted=bool(exclusion_rows)),
    )


def _target_paths(
    years: dict[int, YearResult], target_list: list[tgt.Target], *, adjusted: bool
) -> dict[str, list[dict[str, Any]]]:
    r"""The pro-rata path of each target, every year from base to target year.

    Intensity: :math:`I^{path}_k = I_{base} (1 - R^{req}_k)`; totals: the allowed total
    :func:`targets.allowed_total`. ``actual`` is the year's value (None without data).
    """
    paths: dict[str, list[dict[str, Any]]] = {}
    for t in target_list:
        base = years.get(t.base_year)
        if base is None:
            continue
        n = t.target_year - t.base_year
        points = []
        for year in range(t.base_year, t.target_year + 1):
            k = year - t.base_year
            cur = years.get(year)
            if t.indicator in tgt.INTENSITY_INDICATORS and t.decline_pct is not None:
                if t.indicator == "energy_intensity":
                    ua = adjusted and base.exclusions is not None
                    base_v = _adjusted_intensity(base) if ua else base.energy_intensity_tce_per_10k_yuan
                    actual = (
                        (_adjusted_intensity(cur) if ua else cur.energy_intensity_tce_per_10k_yuan)
                        if cur
                        else None
                    )
                else:
                    base_v = base.co2_intensity_t_per_10k_yuan
                    actual = cur.co2_intensity_t_per_10k_yuan if cur else None
                required = tgt.required_decline_pct(t.decline_pct, k, n)
                points.append(
                    {
                        "year": year,
                        "required_pct": required,
                        "path": base_v * (1.0 - required / 100.0),
                        "actual": actual,
                    }
                )
            elif t.indicator in tgt.TOTAL_INDICATORS and t.cap is not None:
                if t.indicator == "energy_total":
                    ua = adjusted and base.exclusions is not None
                    base_v = (
                        base.exclusions["energy_tce_assessed"]
                        if (ua and base.exclusions)
                        else base.energy_tce
                    )
                    actual = (
                        cur.exclusions["energy_tce_assessed"]
                        if (ua and cur and cur.exclusions)
                        else (cur.energy_tce if cur else None)
                    )
                else:
                    base_v = base.co2_t
                    actual = cur.co2_t if cur else None
                points.append(
                    {
                        "year": year,
                        "required_pct": None,
                        "path": tgt.allowed_total(base_v, t.cap, k, n),
                        "actual": actual,
                    }
                )
        if points:
            paths[t.indicator] = points
    return paths


def structure_rows(
    breakdown: Mapping[str, Mapping[str, float]], energy_total: float, co2_total: float
) -> list[dict[str, Any]]:
    """Rows of a structure table (by sector or carrier), largest energy first, with shares [%].

    ``energy_share_pct = energy_i / energy_total × 100``, ``co2_share_pct = co2_i / co2_total × 100``.
    """
    rows: list[dict[str, Any]] = []
    for name, values in breakdown.items():
        rows.append(
            {
                "name": name,
                "energy_tce": values["energy_tce"],
                "co2_t": values["co2_t"],
                "energy_share_pct": tgt.share_pct(values["energy_tce"], energy_total),
                "co2_share_pct": tgt.share_pct(values["co2_t"], co2_total),
            }
        )
    rows.sort(key=lambda r: -float(r["energy_tce"]))
    return rows


def _dimension_label(dimension: str) -> str:
    return {"mass": "质量", "volume": "体积", "electricity": "电量", "heat": "热量"}[dimension]


def _unit_examples(dimension: str) -> str:
    return {
        "mass": "吨、万吨、千克",
        "volume": "立方米、万立方米、亿立方米",
        "electricity": "千瓦时、万千瓦时、亿千瓦时、兆瓦时",
        "heat": "吉焦、百万千焦、兆焦",
    }[dimension]


def _adjusted_intensity(y: YearResult) -> float:
    assert y.exclusions is not None
    return float(y.exclusions["energy_intensity_adjusted_tce_per_10k_yuan"])


def _declines(
    years: dict[int, YearResult], base_year: int, *, adjusted: bool
) -> dict[int, dict[str, float | None]]:
    out: dict[int, dict[str, float | None]] = {}
    ordered = sorted(years)
    base = years.get(base_year)
    for year in ordered[1:]:
        cur = years[year]
        prev = years.get(year - 1)
        entry: dict[str, float | None] = {
            "energy_intensity_annual_pct": tgt.annual_decline_pct(
                cur.energy_intensity_tce_per_10k_yuan, prev.energy_intensity_tce_per_10k_yuan
            )
            if prev
            else None,
            "energy_intensity_cumulative_pct": tgt.cumulative_decline_pct(
                cur.energy_intensity_tce_per_10k_yuan, base.energy_intensity_tce_per_10k_yuan
            )
            if base
            else None,
            "co2_intensity_annual_pct": tgt.annual_decline_pct(
                cur.co2_intensity_t_per_10k_yuan, prev.co2_intensity_t_per_10k_yuan
            )
            if prev
            else None,
            "co2_intensity_cumulative_pct": tgt.cumulative_decline_pct(
                cur.co2_intensity_t_per_10k_yuan, base.co2_intensity_t_per_10k_yuan
            )
            if base
            else None,
        }
        if adjusted:
            entry["energy_intensity_adjusted_annual_pct"] = (
                tgt.annual_decline_pct(_adjusted_intensity(cur), _adjusted_intensity(prev)) if prev else None
            )
            entry["energy_intensity_adjusted_cumulative_pct"] = (
                tgt.cumulative_decline_pct(_adjusted_intensity(cur), _adjusted_intensity(base))
                if base
                else None
            )
        out[year] = entry
    return out


def _warnings(
    years: dict[int, YearResult], target_list: list[tgt.Target], note: Any, *, adjusted: bool
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for t in target_list:
        n = t.target_year - t.base_year
        label = tgt.INDICATOR_LABELS.get(t.indicator, t.indicator)
        base = years.get(t.base_year)
        if base is None:
            note(f"目标“{label}”的基准年（{t.base_year}年）没有数据，无法计算预警")
            continue
        missing = [y for y in range(t.base_year + 1, t.target_year + 1) if y not in years]
        for year in range(t.base_year + 1, t.target_year + 1):
            cur = years.get(year)
            if cur is None:
                continue
            k = year - t.base_year
            if t.indicator in tgt.INTENSITY_INDICATORS:
                if t.decline_pct is None:
                    continue
                use_adjusted = adjusted and t.indicator == "energy_intensity"

                def value(y: YearResult, *, ua: bool = use_adjusted, ind: str = t.indicator) -> float:
                    if ind == "energy_intensity":
                        return _adjusted_intensity(y) if ua else y.energy_intensity_tce_per_10k_yuan
                    return y.co2_intensity_t_per_10k_yuan

                required = tgt.required_decline_pct(t.decline_pct, k, n)
                actual = tgt.cumulative_decline_pct(value(cur), value(base))
                if actual is None:
                    note(f"目标“{label}”：基准年强度为 0，无法计算下降率和预警")
                    continue
                prev = years.get(year - 1)
                annual = tgt.annual_decline_pct(value(cur), value(prev)) if prev else None
                rising = annual is not None and annual < 0
                level = tgt.warning_level(required, actual, rising=rising)
                out.append(
                    {
                        "year": year,
                        "indicator": t.indicator,
                        "level": level.value,
                        "required_pct": required,
                        "actual_pct": actual,
                        "annual_pct": annual,
                        "rising": rising,
                        "target_pct": t.decline_pct,
                        "years_elapsed": k,
                        "period_years": n,
                        "base_year": t.base_year,
                        "target_year": t.target_year,
                        "basis": "adjusted" if use_adjusted else "unadjusted",
                    }
                )
            elif t.indicator in tgt.TOTAL_INDICATORS:
                if t.cap is None:
                    continue
                if t.indicator == "energy_total":
                    base_v = (
                        base.exclusions["energy_tce_assessed"]
                        if (adjusted and base.exclusions)
                        else base.energy_tce
                    )
                    cur_v = (
                        cur.exclusions["energy_tce_assessed"]
                        if (adjusted and cur.exclusions)
                        else cur.energy_tce
                    )
                    unit = "tce"
                else:
                    base_v, cur_v, unit = base.co2_t, cur.co2_t, "tCO2"
                allowed = tgt.allowed_total(base_v, t.cap, k, n)
                level = tgt.total_warning_level(allowed, cur_v)
                out.append(
                    {
                        "year": year,
                        "indicator": t.indicator,
                        "level": level.value,
                        "required_pct": (allowed / base_v - 1.0) * 100.0 if base_v else None,
                        "actual_pct": (cur_v / base_v - 1.0) * 100.0 if base_v else None,
                        "allowed": allowed,
                        "actual": cur_v,
                        "unit": unit,
                        "cap": t.cap,
                        "years_elapsed": k,
                        "period_years": n,
                        "base_year": t.base_year,
                        "target_year": t.target_year,
                        "basis": "adjusted" if (adjusted and t.indicator == "energy_total") else "unadjusted",
                    }
                )
        if missing:
            note(f"目标“{label}”：{'、'.join(str(y) for y in missing)}年没有数据，未计算预警")
    return out


__all__ = [
    "AccountingError",
    "AccountingResult",
    "ActivityResult",
    "EconomyRow",
    "EnergyRow",
    "ExclusionRow",
    "FactorSet",
    "YearResult",
    "account_activity",
    "compute",
    "normalize_region",
    "structure_rows",
]
