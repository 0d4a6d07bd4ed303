"""Driver-based sector projection of energy use and CO2, annually to 2060.

Each sector's activity is either its value added (GDP × sector share) or the
population (households). Energy is activity × energy intensity; intensity falls
at an annual rate per period. A share of the sector's energy is electricity
(electrification), whose CO2 follows the grid emission factor; the rest is direct
use, of which a county-wide share is non-fossil (biomass, solar heat, hydrogen
from renewables) and the remainder emits at the sector's direct CO2 factor.

.. math::

    G_t &= G_{t_0} \\prod_{s=t_0+1}^{t} (1 + g_s), \\qquad
    P_t = P_{t_0} \\prod_{s=t_0+1}^{t} (1 + p_s) \\\\
    A_{i,t} &= G_t \\, S_{i,t} \\;\\text{(productive sectors)}, \\qquad A_{i,t} = P_t \\;\\text{(households)} \\\\
    I_{i,t} &= \\frac{E_{i,t_0}}{A_{i,t_0}} \\prod_{s=t_0+1}^{t} (1 - d_{i,s}) \\\\
    E_{i,t} &= A_{i,t} I_{i,t} \\\\
    C_{i,t} &= E_{i,t} \\left[ (1 - e_{i,t})(1 - n_t) f_i + \\frac{e_{i,t}\\, F_t}{k_e} \\right]

with :math:`g, p` the GDP and population growth rates [1/yr], :math:`S` the
value-added share [-], :math:`d` the annual intensity decline [1/yr], :math:`e`
the electricity share of the sector's energy [-], :math:`n` the non-fossil share
of direct (non-electric) energy [-], :math:`f_i` the direct CO2 factor
[t CO2/tce], :math:`F_t` the grid emission factor [t CO2/MWh] declining at an
annual rate, and :math:`k_e = 0.1229` tce/MWh the calorific equivalent of
electricity (GB/T 2589-2020, 当量值 0.1229 kgce/kWh).

This is the structure of a LEAP-style activity × intensity model [1]_; the grid
factor starts from the published provincial average factor (生态环境部、国家统计局
电力二氧化碳排放因子公告) [2]_.

References
----------
.. [1] Heaps, C.G. (2022). LEAP: The Low Emissions Analysis Platform, Stockholm
   Environment Institute — activity × energy intensity demand analysis.
.. [2] 生态环境部、国家统计局 公告2024年第12号《关于发布2021年电力二氧化碳排放因子的公告》.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from carbonpeak.engine.peak import PeakResult, detect_peak

#: Calorific equivalent of electricity [tce/MWh] (GB/T 2589, 0.1229 kgce/kWh).
ELECTRICITY_TCE_PER_MWH = 0.1229

#: Period → annual rate, e.g. {(2021, 2025): 0.065}.
Periods = Mapping[tuple[int, int], float]
#: Year → level, linearly interpolated between anchors, constant beyond them.
Anchors = Mapping[int, float]

FloatArray = npt.NDArray[np.floating]


@dataclass(frozen=True)
class SectorAssumptions:
    """Assumptions of one sector.

    Parameters
    ----------
    code : str
        Identifier (``industry``).
    name : str
        Chinese name (工业).
    driver : str
        ``"gdp"`` (activity = GDP × value-added share) or ``"population"``.
    energy_tce : float
        Base-year energy use [tce].
    direct_co2_factor_t_per_tce : float
        CO2 per tce of direct fossil energy [t CO2/tce].
    electricity_share : Anchors
        Electricity share of the sector's energy by year [-].
    intensity_decline : Periods
        Annual decline of energy intensity per period [1/yr].
    value_added_share : Anchors
        Share of GDP by year [-]; ignored for the population driver.
    """

    code: str
    name: str
    driver: str
    energy_tce: float
    direct_co2_factor_t_per_tce: float
    electricity_share: Anchors
    intensity_decline: Periods
    value_added_share: Anchors = field(default_factory=dict)


@dataclass(frozen=True)
class ProjectionInput:
    """County-wide assumptions and the sectors.

    Parameters
    ----------
    base_year, end_year : int
        First and last year of the path (the base year carries the base data).
    population : float
        Base-year population [persons].
    gdp_10k_yuan : float
        Base-year GDP at constant prices [10k yuan].
    grid_factor_t_per_mwh : float
        Base-year grid emission factor [t CO2/MWh].
    gdp_growth, population_growth, grid_factor_decline : Periods
        Annual rates per period [1/yr].
    non_fossil_direct_share : Anchors
        Non-fossil share of direct (non-electric) energy by year [-].
    sectors : tuple of SectorAssumptions
    """

    base_year: int
    end_year: int
    population: float
    gdp_10k_yuan: float
    grid_factor_t_per_mwh: float
    gdp_growth: Periods
    population_growth: Periods
    grid_factor_decline: Periods
    non_fossil_direct_share: Anchors
    sectors: tuple[SectorAssumptions, ...]

    @property
    def years(self) -> npt.NDArray[np.int64]:
        return np.arange(self.base_year, self.end_year + 1, dtype=np.int64)


@dataclass
class ProjectionResult:
    """Annual results of one deterministic projection (all arrays indexed by year)."""

    years: list[int]
    population: list[float]
    gdp_10k_yuan: list[float]
    energy_tce: list[float]
    co2_t: list[float]
    energy_by_sector_tce: dict[str, list[float]]
    co2_by_sector_t: dict[str, list[float]]
    electricity_mwh: list[float]
    grid_factor_t_per_mwh: list[float]
    non_fossil_direct_share: list[float]
    peak: PeakResult

    def value(self, series: list[float], year: int) -> float:
        return series[self.years.index(year)]

    @property
    def energy_intensity_tce_per_10k_yuan(self) -> list[float]:
        return [e / g for e, g in zip(self.energy_tce, self.gdp_10k_yuan, strict=True)]

    @property
    def co2_intensity_t_per_10k_yuan(self) -> list[float]:
        return [c / g for c, g in zip(self.co2_t, self.gdp_10k_yuan, strict=True)]


def rate_path(periods: Periods, years: npt.ArrayLike, name: str = "rate") -> FloatArray:
    """Annual rate for each year from rates given per period.

    Parameters
    ----------
    periods : Periods
        ``{(first_year, last_year): rate}`` [1/yr]; periods must not overlap.
    years : array_like of int
        The path's years; the first is the base year and gets rate 0.
    name : str
        Name used in the error message.

    Returns
    -------
    ndarray
        Rate per year [1/yr]; element 0 (base year) is 0.

    Raises
    ------
    ValueError
        When a year after the base year is not covered by any period, or is
        covered twice.
    """
    yrs = np.asarray(years, dtype=np.int64)
    out = np.zeros(len(yrs), dtype=float)
    covered = np.zeros(len(yrs), dtype=int)
    for (first, last), rate in periods.items():
        mask = (yrs >= first) & (yrs <= last)
        out[mask] = rate
        covered += mask
    covered[0] = 1
    out[0] = 0.0
    missing = yrs[covered == 0]
    if missing.size:
        raise ValueError(f"{name}：{int(missing[0])}–{int(missing[-1])} 年没有给出取值")
    twice = yrs[covered > 1]
    if twice.size:
        raise ValueError(f"{name}：{int(twice[0])} 年被多个时段重复覆盖")
    return out


def anchor_path(anchors: Anchors, years: npt.ArrayLike) -> FloatArray:
    """Levels by year from anchor values, linear between anchors.

    Parameters
    ----------
    anchors : Anchors
        ``{year: value}`` (at least one).
    years : array_like of int

    Returns
    -------
    ndarray
        :math:`x_t` by linear interpolation, held constant before the first and
        after the last anchor.
    """
    if not anchors:
        raise ValueError("至少需要一个年份取值")
    keys = sorted(anchors)
    return np.interp(np.asarray(years, dtype=float), keys, [anchors[k] for k in keys])


@dataclass
class _Arrays:
    """Deterministic arrays shared by the projection and the Monte Carlo."""

    years: npt.NDArray[np.int64]
    gdp_growth: FloatArray  # (T,)
    population_growth: FloatArray  # (T,)
    grid_decline: FloatArray  # (T,)
    non_fossil: FloatArray  # (T,)
    share: FloatArray  # (T, S), 0 for population-driven sectors
    pop_mask: FloatArray  # (S,), 1 for population-driven sectors
    intensity_decline: FloatArray  # (T, S)
    electricity_share: FloatArray  # (T, S)
    intensity0: FloatArray  # (S,) tce per activity unit
    direct_factor: FloatArray  # (S,)
    log_base: FloatArray  # (T, S) ln(share) + ln(I0), 0 share term for population sectors
    n_gdp: int  # sectors are reordered: GDP-driven first, then population-driven
    position: list[int]  # original sector index -> position in the arrays
    decline_groups: FloatArray  # (G, S) distinct rows of the intensity decline
    year_group: list[int]  # group of each year's decline rates (base year: -1)


def prepare(inp: ProjectionInput) -> _Arrays:
    """Turn the assumptions into arrays (validated)."""
    years = inp.years
    if inp.end_year <= inp.base_year:
        raise ValueError("结束年份须晚于基准年")
    if inp.population <= 0 or inp.gdp_10k_yuan <= 0:
        raise ValueError("基准年人口与地区生产总值须为正数")
    if not inp.sectors:
        raise ValueError("至少需要一个部门")
    n_s = len(inp.sectors)
    share = np.zeros((len(years), n_s))
    pop_mask = np.zeros(n_s)
    decline = np.zeros((len(years), n_s))
    elec = np.zeros((len(years), n_s))
    intensity0 = np.zeros(n_s)
    factor = np.zeros(n_s)
    for k, s in enumerate(inp.sectors):
        if s.driver == "population":
            pop_mask[k] = 1.0
            activity0 = inp.population
        elif s.driver == "gdp":
            share[:, k] = anchor_path(s.value_added_share, years)
            activity0 = inp.gdp_10k_yuan * share[0, k]
            if activity0 <= 0:
                raise ValueError(f"部门“{s.name}”基准年增加值比重须为正数")
        else:
            raise ValueError(f"部门“{s.name}”的驱动因素只能是 gdp 或 population")
        if s.energy_tce < 0:
            raise ValueError(f"部门“{s.name}”基准年能耗不能为负")
        decline[:, k] = rate_path(s.intensity_decline, years, f"部门“{s.name}”能源强度年均下降率")
        elec[:, k] = np.clip(anchor_path(s.electricity_share, years), 0.0, 1.0)
        intensity0[k] = s.energy_tce / activity0
        factor[k] = s.direct_co2_factor_t_per_tce
    order = [k for k in range(n_s) if pop_mask[k] == 0] + [k for k in range(n_s) if pop_mask[k] == 1]
    position = [order.index(k) for k in range(n_s)]
    share, pop_mask, decline, elec = share[:, order], pop_mask[order], decline[:, order], elec[:, order]
    intensity0, factor = intensity0[order], factor[order]
    with np.errstate(divide="ignore"):
        log_share = np.where(pop_mask[None, :] == 1, 0.0, np.log(np.where(share > 0, share, 1e-300)))
        log_i0 = np.log(np.where(intensity0 > 0, intensity0, 1e-300))
    rows = [tuple(decline[t]) for t in range(1, len(years))]
    distinct = sorted(set(rows))
    year_group = [-1] + [distinct.index(row) for row in rows]
    groups = np.array(distinct) if distinct else np.zeros((1, n_s))
    return _Arrays(
        decline_groups=groups,
        year_group=year_group,
        log_base=log_share + log_i0[None, :],
        n_gdp=int((pop_mask == 0).sum()),
        position=position,
        years=years,
        gdp_growth=rate_path(inp.gdp_growth, years, "地区生产总值年均增速"),
        population_growth=rate_path(inp.population_growth, years, "人口年均增速"),
        grid_decline=rate_path(inp.grid_factor_decline, years, "电网排放因子年均下降率"),
        non_fossil=np.clip(anchor_path(inp.non_fossil_direct_share, years), 0.0, 1.0),
        share=share,
        pop_mask=pop_mask,
        intensity_decline=decline,
        electricity_share=elec,
        intensity0=intensity0,
        direct_factor=factor,
    )


#: Uncertain levers a Monte Carlo may perturb (additive offsets), with labels.
LEVERS: dict[str, str] = {
    "gdp_growth": "地区生产总值年均增速（加减百分点）",
    "population_growth": "人口年均增速（加减百分点）",
    "intensity_decline": "各部门能源强度年均下降率（加减百分点）",
    "electricity_share": "各部门电气化率（加减百分点）",
    "grid_factor_decline": "电网排放因子年均下降率（加减百分点）",
    "non_fossil_direct_share": "直接用能中非化石能源比重（加减百分点）",
}


def simulate(
    inp: ProjectionInput | _Arrays,
    base: ProjectionInput,
    offsets: Mapping[str, FloatArray] | None = None,
    n: int = 1,
    dtype: type = np.float64,
    detail: bool = False,
) -> dict[str, FloatArray]:
    """Vectorised core: CO2 paths for ``n`` sets of offsets.

    Parameters
    ----------
    inp : ProjectionInput or prepared arrays
        The assumptions (prepared once by :func:`prepare` for repeated calls).
    base : ProjectionInput
        Base-year levels (population, GDP, grid factor).
    offsets : mapping of lever → ndarray of shape (n,) or (n, S)
        Additive offsets per draw; keys from :data:`LEVERS`, or
        ``"intensity_decline.<k>"`` / ``"electricity_share.<k>"`` for sector
        index ``k`` only. Missing levers are 0.
    n : int
        Number of draws.
    dtype : numpy dtype
        ``float32`` halves memory traffic for Monte Carlo; ``float64`` by default.
    detail : bool
        Also return per-sector energy and CO2 and the drivers.

    Notes
    -----
    The years are computed one after another on (sectors × draws) blocks that
    stay in the CPU cache; the log of each distinct row of intensity-decline
    rates is taken once per draw and accumulated (see the module formulas).

    Returns
    -------
    dict
        ``co2_t`` of shape (n, T) [t CO2] and the same year-major as
        ``co2_t_by_year`` (T, n); with ``detail``, also ``energy_tce``
        and ``co2_sector_t`` (n, T, S), ``gdp`` and ``population`` (n, T),
        ``grid_factor`` (n, T), ``non_fossil`` (n, T), ``electricity_mwh`` (n, T).
    """
    arr = inp if isinstance(inp, _Arrays) else prepare(inp)
    off = dict(offsets or {})
    n_s = arr.share.shape[1]

    def scalar(key: str) -> FloatArray:
        v = off.get(key)
        return np.zeros((n, 1), dtype=dtype) if v is None else np.asarray(v, dtype=dtype).reshape(n, 1)

    def per_sector(key: str) -> FloatArray:
        v = off.get(key)
        total: FloatArray = np.zeros((n, 1, n_s), dtype=dtype)
        if v is not None:
            v = np.asarray(v, dtype=dtype)
            total = total + (v.reshape(n, 1, 1) if v.ndim == 1 else v.reshape(n, 1, n_s))
        for k in range(n_s):
            vk = off.get(f"{key}.{k}")
            if vk is not None:
                total[:, 0, arr.position[k]] += np.asarray(vk, dtype=dtype)
        return total

    first: FloatArray = np.ones(len(arr.years), dtype=dtype)
    first[0] = 0.0  # offsets never apply to the base year
    # County-wide drivers in year-major layout (T, n): cumulative sums run along rows.
    col = first[:, None]

    def log_index(rates: FloatArray, key: str, sign: float = 1.0) -> FloatArray:
        r = rates.astype(dtype)[:, None] + scalar(key).T * col
        return np.cumsum(np.log1p(sign * r), axis=0)

    ln_gdp = np.log(dtype(base.gdp_10k_yuan)) + log_index(arr.gdp_growth, "gdp_growth")  # (T, n)
    ln_pop = np.log(dtype(base.population)) + log_index(arr.population_growth, "population_growth")
    grid_t = dtype(base.grid_factor_t_per_mwh) * np.exp(
        log_index(arr.grid_decline, "grid_factor_decline", -1.0)
    )
    nf_t = np.clip(arr.non_fossil.astype(dtype)[:, None] + scalar("non_fossil_direct_share").T * col, 0, 1)

    # Year by year on (sectors × draws) blocks, which stay in the CPU cache:
    #   ln E[t] = ln A[t] + ln I0 + sum_{s<=t} ln(1 - d[s] - o).
    # Years sharing one row of decline rates form a group g; the log is taken once
    # per group, U[g] = ln(1 - d_g - o), and accumulated year by year.
    n_t = len(arr.years)
    o_d = per_sector("intensity_decline")[:, 0, :].T  # (S, n)
    u = np.log(1 - arr.decline_groups.astype(dtype)[:, :, None] - o_d[None, :, :])  # (G, S, n)
    has_e = "electricity_share" in off or any(key.startswith("electricity_share.") for key in off)
    o_e = per_sector("electricity_share")[:, 0, :].T if has_e else None  # (S, n)
    e_base: FloatArray = arr.electricity_share.astype(dtype)  # (T, S)
    log_base: FloatArray = arr.log_base.astype(dtype)  # (T, S): ln(share) + ln(I0)
    factor: FloatArray = arr.direct_factor.astype(dtype)  # (S,)
    keep_nf = 1 - nf_t  # (T, n)
    gk = grid_t / dtype(ELECTRICITY_TCE_PER_MWH)  # (T, n) t CO2 per tce of electricity
    k = arr.n_gdp
    cum: FloatArray = np.zeros((n_s, n), dtype=dtype)
    co2: FloatArray = np.empty((n_t, n), dtype=dtype)
    elec_tce: FloatArray = np.empty((n_t, n), dtype=dtype)
    if detail:
        energy_out: FloatArray = np.empty((n_t, n_s, n), dtype=dtype)
        co2_sector: FloatArray = np.empty((n_t, n_s, n), dtype=dtype)
    for t in range(n_t):
        if t > 0:
            cum += u[arr.year_group[t]]
        x = cum + log_base[t][:, None]
        if k:
            x[:k] += ln_gdp[t]
        if k < n_s:
            x[k:] += ln_pop[t]
        energy = np.exp(x, out=x)  # (S, n) [tce]
        if o_e is not None and t > 0:
            e = np.clip(e_base[t][:, None] + o_e, 0, 1)
        else:
            e = np.broadcast_to(e_base[t][:, None], energy.shape)
        elec = energy * e  # electricity [tce]
        if detail:
            energy_out[t] = energy
        direct = np.subtract(energy, elec, out=energy)  # direct energy [tce], reuses the buffer
        elec_tce[t] = elec.sum(axis=0)
        co2[t] = keep_nf[t] * (factor @ direct) + gk[t] * elec_tce[t]
        if detail:
            co2_sector[t] = direct * (keep_nf[t] * factor[:, None]) + elec * gk[t]
    out: dict[str, FloatArray] = {"co2_t": co2.T, "co2_t_by_year": co2}  # (n, T) and (T, n)
    if detail:
        inv = arr.position  # back to the caller's sector order
        out.update(
            energy_tce=energy_out.transpose(2, 0, 1)[:, :, inv],
            co2_sector_t=co2_sector.transpose(2, 0, 1)[:, :, inv],
            gdp=np.exp(ln_gdp).T,
            population=np.exp(ln_pop).T,
            grid_factor=grid_t.T,
            non_fossil=nf_t.T,
            electricity_mwh=elec_tce.T / dtype(ELECTRICITY_TCE_PER_MWH),
        )
    return out


def project(inp: ProjectionInput) -> ProjectionResult:
    """Deterministic projection from the base year to the end year.

    Parameters
    ----------
    inp : ProjectionInput

    Returns
    -------
    ProjectionResult
        Population [persons], GDP [10k yuan], energy [tce] and CO2 [t CO2] per
        year, per sector and in total, electricity [MWh], grid factor
        [t CO2/MWh], and the peak (:func:`carbonpeak.engine.peak.detect_peak`).

    Notes
    -----
    See the module docstring for the formulas.
    """
    arr = prepare(inp)
    out = simulate(arr, inp, detail=True)
    years = [int(y) for y in arr.years]
    co2 = [float(v) for v in out["co2_t"][0]]
    energy = out["energy_tce"][0]
    co2_s = out["co2_sector_t"][0]
    return ProjectionResult(
        years=years,
        population=[float(v) for v in out["population"][0]],
        gdp_10k_yuan=[float(v) for v in out["gdp"][0]],
        energy_tce=[float(v) for v in energy.sum(axis=1)],
        co2_t=co2,
        energy_by_sector_tce={s.code: [float(v) for v in energy[:, k]] for k, s in enumerate(inp.sectors)},
        co2_by_sector_t={s.code: [float(v) for v in co2_s[:, k]] for k, s in enumerate(inp.sectors)},
        electricity_mwh=[float(v) for v in out["electricity_mwh"][0]],
        grid_factor_t_per_mwh=[float(v) for v in out["grid_factor"][0]],
        non_fossil_direct_share=[float(v) for v in out["non_fossil"][0]],
        peak=detect_peak(years, co2),
    )


def intensity_decline(result: ProjectionResult, from_year: int, to_year: int, kind: str = "co2") -> float:
    """Cumulative decline of energy or CO2 intensity between two years.

    Parameters
    ----------
    result : ProjectionResult
    from_year, to_year : int
    kind : {"co2", "energy"}

    Returns
    -------
    float
        :math:`1 - I_{t_1} / I_{t_0}` [-], with :math:`I = C / G` or :math:`E / G`
        at constant prices (DEFAULTS.md §5; 发改办环资〔2020〕901号).
    """
    series = (
        result.co2_intensity_t_per_10k_yuan if kind == "co2" else result.energy_intensity_tce_per_10k_yuan
    )
    return 1.0 - result.value(series, to_year) / result.value(series, from_year)


def calibrate_direct_factor(
    *,
    energy_tce: float,
    co2_t: float,
    electricity_share: float,
    non_fossil_direct_share: float,
    grid_factor: float,
) -> float:
    """Direct CO2 factor that reproduces a sector's base-year CO2.

    Parameters
    ----------
    energy_tce : float
        Base-year energy [tce].
    co2_t : float
        Base-year CO2 (incl. indirect from electricity) [t CO2].
    electricity_share : float
        Electricity share of the sector's energy [-].
    non_fossil_direct_share : float
        Non-fossil share of direct energy [-].
    grid_factor : float
        Grid factor [t CO2/MWh].

    Returns
    -------
    float
        :math:`f = \\dfrac{C - E e F / k_e}{E (1-e)(1-n)}` [t CO2/tce]; 0 when the
        sector has no direct fossil energy.
    """
    direct_energy = energy_tce * (1 - electricity_share) * (1 - non_fossil_direct_share)
    indirect = energy_tce * electricity_share * grid_factor / ELECTRICITY_TCE_PER_MWH
    if direct_energy <= 0:
        return 0.0
    return max(co2_t - indirect, 0.0) / direct_energy
