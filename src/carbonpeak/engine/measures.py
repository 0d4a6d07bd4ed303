"""Estimated CO2 abatement of quantified measures, and the wedges they form.

Each kind of measure has a formula from physical parameters:

- ``renewable`` (新增可再生能源装机): capacity [10⁴ kW] × utilisation hours [h]
  displaces grid electricity,

  .. math:: \\Delta C = K \\times 10^4 \\times h / 1000 \\times F_t

  with :math:`F_t` the grid factor [t CO2/MWh] of the year (so the abatement
  of a solar farm shrinks as the grid decarbonises).
- ``electric_bus`` (电动公交替代柴油公交): n buses × annual distance, diesel
  avoided minus the electricity used,

  .. math:: \\Delta C = n\\,D\\left(\\frac{q_d}{100} \\rho\\, f_d - \\frac{q_e}{100} \\frac{F_t}{1000}\\right)

  with D [km/yr], :math:`q_d` [L/100 km], ρ diesel density [t/L =
  kg/L ÷ 1000], :math:`f_d` diesel CO2 factor [t CO2/t] (GB/T 32150-2015 Annex
  A: 3.0959 t CO2/t = 42.652 GJ/t × 20.2 tC/TJ × 0.98 × 44/12 / 1000) and
  :math:`q_e` [kWh/100 km].
- ``energy_saving`` (节能改造): energy saved [tce/yr] × CO2 factor [t CO2/tce].
- ``fixed`` (其他): an abatement [t CO2/yr] estimated elsewhere and entered with
  its source.

An abatement ramps linearly from 0 in ``start_year`` to its full value in
``full_year`` (a programme being built up) and stays there.

The wedge chart (Pacala & Socolow [1]_) stacks the measures between the
baseline and the policy path; what the measures do not explain is shown as a
remainder, never hidden.

References
----------
.. [1] Pacala, S., Socolow, R. (2004). Stabilization wedges. Science 305, 968–972.
.. [2] GB/T 32150-2015 工业企业温室气体排放核算和报告通则, 附录A 表A.1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

#: Diesel CO2 factor [t CO2/t], GB/T 32150-2015 Annex A (CN_DEFAULT, derived).
DIESEL_CO2_T_PER_T = 3.0959
#: Diesel density [kg/L] (GB 19147 车用柴油, 20 °C, typical 0.82–0.85).
DIESEL_DENSITY_KG_PER_L = 0.835

KINDS: dict[str, str] = {
    "renewable": "新增可再生能源发电",
    "electric_bus": "电动车辆替代柴油车辆",
    "energy_saving": "节能改造（节约标准煤）",
    "fixed": "其他（直接给出减排量）",
}

#: Parameters of each kind: name → (Chinese label, unit).
PARAMETERS: dict[str, dict[str, tuple[str, str]]] = {
    "renewable": {
        "capacity_10k_kw": ("新增装机容量", "万千瓦"),
        "utilisation_hours": ("年利用小时数", "小时"),
    },
    "electric_bus": {
        "vehicles": ("替代车辆数", "辆"),
        "km_per_year": ("单车年行驶里程", "公里/年"),
        "diesel_l_per_100km": ("柴油车百公里油耗", "升/百公里"),
        "electricity_kwh_per_100km": ("电动车百公里电耗", "千瓦时/百公里"),
    },
    "energy_saving": {
        "saved_tce": ("年节能量", "吨标准煤/年"),
        "co2_t_per_tce": ("节约能源的排放因子", "吨CO2/吨标准煤"),
    },
    "fixed": {"abatement_t": ("年减排量", "吨CO2/年")},
}


def renewable_abatement_t(
    capacity_10k_kw: float, utilisation_hours: float, grid_factor_t_per_mwh: float
) -> float:
    """Grid CO2 displaced by new renewable generation [t CO2/yr].

    Parameters
    ----------
    capacity_10k_kw : float
        New capacity [10⁴ kW].
    utilisation_hours : float
        Full-load hours [h/yr].
    grid_factor_t_per_mwh : float
        Grid emission factor [t CO2/MWh].

    Returns
    -------
    float
        :math:`K \\cdot 10^4 \\cdot h / 1000 \\cdot F` [t CO2/yr].
    """
    return capacity_10k_kw * 1e4 * utilisation_hours / 1000.0 * grid_factor_t_per_mwh


def electric_bus_abatement_t(
    vehicles: float,
    km_per_year: float,
    diesel_l_per_100km: float,
    electricity_kwh_per_100km: float,
    grid_factor_t_per_mwh: float,
    diesel_density_kg_per_l: float = DIESEL_DENSITY_KG_PER_L,
    diesel_co2_t_per_t: float = DIESEL_CO2_T_PER_T,
) -> float:
    """Net CO2 avoided by electric vehicles replacing diesel ones [t CO2/yr].

    Parameters
    ----------
    vehicles : float
        Number of vehicles replaced [-].
    km_per_year : float
        Distance per vehicle [km/yr].
    diesel_l_per_100km : float
        Diesel consumption of the replaced vehicle [L/100 km].
    electricity_kwh_per_100km : float
        Electricity consumption of the electric vehicle [kWh/100 km].
    grid_factor_t_per_mwh : float
        Grid emission factor [t CO2/MWh].
    diesel_density_kg_per_l : float
        [kg/L], default 0.835.
    diesel_co2_t_per_t : float
        [t CO2/t], default 3.0959 (GB/T 32150-2015 Annex A).

    Returns
    -------
    float
        :math:`n D (q_d/100 \\cdot \\rho/1000 \\cdot f_d - q_e/100 \\cdot F/1000)` [t CO2/yr].
    """
    km = vehicles * km_per_year
    diesel_t = km * diesel_l_per_100km / 100.0 * diesel_density_kg_per_l / 1000.0
    electricity_mwh = km * electricity_kwh_per_100km / 100.0 / 1000.0
    return diesel_t * diesel_co2_t_per_t - electricity_mwh * grid_factor_t_per_mwh


def energy_saving_abatement_t(saved_tce: float, co2_t_per_tce: float) -> float:
    """CO2 avoided by saving energy [t CO2/yr]: saved [tce/yr] × factor [t CO2/tce]."""
    return saved_tce * co2_t_per_tce


@dataclass(frozen=True)
class MeasureSpec:
    """A quantified measure.

    Parameters
    ----------
    name : str
    kind : str
        One of :data:`KINDS`.
    parameters : Mapping[str, float]
        The kind's parameters (:data:`PARAMETERS`).
    start_year, full_year : int
        Abatement ramps linearly from 0 in ``start_year`` to full in ``full_year``.
    """

    name: str
    kind: str
    parameters: Mapping[str, float]
    start_year: int
    full_year: int
    key: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"措施“{self.name}”的类型“{self.kind}”无效，可用：{', '.join(KINDS)}")
        for p in PARAMETERS[self.kind]:
            if p not in self.parameters:
                label = PARAMETERS[self.kind][p][0]
                raise ValueError(f"措施“{self.name}”缺少参数 {p}（{label}）")
        if self.full_year < self.start_year:
            raise ValueError(f"措施“{self.name}”：达产年份不能早于开始年份")


def ramp(years: Sequence[int], start_year: int, full_year: int) -> np.ndarray:
    """Share of full abatement reached in each year [-] (0 before, linear, 1 after)."""
    y = np.asarray(years, dtype=float)
    if full_year == start_year:
        return (y >= start_year).astype(float)
    return np.clip((y - start_year) / (full_year - start_year), 0.0, 1.0)


def abatement_path(
    spec: MeasureSpec, years: Sequence[int], grid_factor_t_per_mwh: Sequence[float]
) -> list[float]:
    """Annual abatement of one measure [t CO2/yr].

    Parameters
    ----------
    spec : MeasureSpec
    years : sequence of int
    grid_factor_t_per_mwh : sequence of float
        Grid factor of each year [t CO2/MWh] (from the scenario's projection).

    Returns
    -------
    list of float
        Full-year abatement from the kind's formula × :func:`ramp`.
    """
    spec.validate()
    p = spec.parameters
    full = np.zeros(len(years))
    for k, gf in enumerate(grid_factor_t_per_mwh):
        if spec.kind == "renewable":
            full[k] = renewable_abatement_t(p["capacity_10k_kw"], p["utilisation_hours"], gf)
        elif spec.kind == "electric_bus":
            full[k] = electric_bus_abatement_t(
                p["vehicles"], p["km_per_year"], p["diesel_l_per_100km"], p["electricity_kwh_per_100km"], gf
            )
        elif spec.kind == "energy_saving":
            full[k] = energy_saving_abatement_t(p["saved_tce"], p["co2_t_per_tce"])
        else:
            full[k] = p["abatement_t"]
    return [float(v) for v in full * ramp(years, spec.start_year, spec.full_year)]


@dataclass
class Wedges:
    """Wedges between a baseline and a policy path (all [t CO2/yr], by year)."""

    years: list[int]
    gap_t: list[float]
    measures: dict[str, list[float]]
    remainder_t: list[float]


def wedges(
    years: Sequence[int],
    baseline_co2_t: Sequence[float],
    policy_co2_t: Sequence[float],
    measures: Mapping[str, Sequence[float]],
) -> Wedges:
    """Split the gap between baseline and policy paths into measure wedges.

    Parameters
    ----------
    years : sequence of int
    baseline_co2_t, policy_co2_t : sequence of float
        The two paths [t CO2].
    measures : mapping name → abatement path [t CO2/yr]

    Returns
    -------
    Wedges
        ``gap = baseline − policy``; ``remainder = gap − Σ measures`` — the part of
        the gap the quantified measures do not explain (negative when their
        estimates exceed the gap: overlapping or optimistic estimates).
    """
    gap = np.asarray(baseline_co2_t, dtype=float) - np.asarray(policy_co2_t, dtype=float)
    total = np.zeros(len(years))
    for path in measures.values():
        total += np.asarray(path, dtype=float)
    return Wedges(
        years=[int(y) for y in years],
        gap_t=[float(v) for v in gap],
        measures={k: [float(v) for v in path] for k, path in measures.items()},
        remainder_t=[float(v) for v in gap - total],
    )
