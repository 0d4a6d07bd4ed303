"""LMDI-I index decomposition of a change in CO2 emissions.

The change in emissions between two years is split into the contributions of
population, affluence (GDP per capita), economic structure, energy intensity,
energy mix and emission factor, per sector. Both the additive and the
multiplicative forms of the logarithmic mean Divisia index method I (LMDI-I) are
given; the effects sum (additive) or multiply (multiplicative) exactly to the
total change, with no residual.

The emission identity (an extended Kaya identity) per sector *i* and energy
carrier *j* is

.. math::

    C_{ij} = P \\cdot \\frac{G}{P} \\cdot \\frac{G_i}{G} \\cdot \\frac{E_i}{G_i}
             \\cdot \\frac{E_{ij}}{E_i} \\cdot \\frac{C_{ij}}{E_{ij}}

For a sector without value added (households, 居民生活) the activity is the
population: :math:`C_{ij} = P \\cdot (E_i/P) \\cdot (E_{ij}/E_i) \\cdot (C_{ij}/E_{ij})`,
so it has population, intensity, mix and emission-factor effects only.

Zero values are handled with the analytical limits of Ang & Liu's small-value
strategy [3]_: replacing a zero by a small number δ and letting δ → 0 assigns the
whole change of that cell to the factor that is zero (or becomes zero); every
other factor of the cell gets zero. A cell that is zero in both years contributes
nothing. This keeps the exact-sum property.

References
----------
.. [1] Ang, B.W. (2004). Decomposition analysis for policymaking in energy: which
   is the preferred method? Energy Policy 32(9), 1131–1139.
.. [2] Ang, B.W. (2005). The LMDI approach to decomposition analysis: a practical
   guide. Energy Policy 33(7), 867–871.
.. [3] Ang, B.W., Liu, N. (2007). Handling zero values in index decomposition
   analysis. Energy Policy 35(1), 238–246.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

#: Effect names, in the order of the identity.
EFFECTS: tuple[str, ...] = ("population", "affluence", "structure", "intensity", "mix", "emission_factor")

#: Chinese labels of the effects, for tables and charts.
EFFECT_LABELS: dict[str, str] = {
    "population": "人口规模效应",
    "affluence": "经济发展（人均GDP）效应",
    "structure": "产业结构效应",
    "intensity": "能源强度效应",
    "mix": "能源结构效应",
    "emission_factor": "排放因子效应",
}


@dataclass(frozen=True)
class SectorYear:
    """One sector's data for one year.

    Parameters
    ----------
    gdp_10k_yuan : float or None
        Value added of the sector at constant prices [10k yuan]; ``None`` for a
        sector whose activity is the population (households).
    energy_tce : Mapping[str, float]
        Energy use by carrier [tce].
    co2_t : Mapping[str, float]
        CO2 emissions by carrier [t CO2].
    """

    gdp_10k_yuan: float | None
    energy_tce: Mapping[str, float]
    co2_t: Mapping[str, float]


@dataclass(frozen=True)
class DecompositionYear:
    """County data for one year: population, GDP and sectors.

    Parameters
    ----------
    year : int
    population : float
        Resident population [persons].
    gdp_10k_yuan : float
        GDP at constant prices [10k yuan].
    sectors : Mapping[str, SectorYear]
    """

    year: int
    population: float
    gdp_10k_yuan: float
    sectors: Mapping[str, SectorYear]


@dataclass
class LmdiResult:
    """Result of a decomposition between ``year0`` and ``year1``.

    ``effects`` are the additive effects [t CO2]; ``by_sector[sector][effect]`` the
    same per sector; ``ratios`` the multiplicative effects (dimensionless,
    product = ``co2_1 / co2_0``).
    """

    year0: int
    year1: int
    co2_0_t: float
    co2_1_t: float
    effects: dict[str, float]
    by_sector: dict[str, dict[str, float]]
    ratios: dict[str, float] = field(default_factory=dict)

    @property
    def total_change_t(self) -> float:
        return self.co2_1_t - self.co2_0_t


def logarithmic_mean(a: float, b: float) -> float:
    """Logarithmic mean :math:`L(a,b) = (a-b)/(\\ln a - \\ln b)`, :math:`L(a,a)=a`.

    Parameters
    ----------
    a, b : float
        Positive numbers.

    Returns
    -------
    float
        The logarithmic mean; 0 when either argument is 0 (its limit).
    """
    if a <= 0 or b <= 0:
        return 0.0
    if math.isclose(a, b, rel_tol=1e-12):
        return (a + b) / 2.0
    return (a - b) / (math.log(a) - math.log(b))


def _safe_ratio(num: float, den: float) -> float:
    """num/den, with 0/0 and x/0 returned as 0 (the factor is absent)."""
    return num / den if den > 0 else 0.0


def _cells(data: DecompositionYear, sectors: Sequence[str], carriers: dict[str, list[str]]):
    """Factor values per (sector, carrier) cell, and the cell's CO2."""
    out: dict[tuple[str, str], tuple[list[float], float]] = {}
    p = data.population
    g = data.gdp_10k_yuan
    for s in sectors:
        sec = data.sectors.get(s)
        for c in carriers[s]:
            if sec is None:
                out[(s, c)] = ([p, _safe_ratio(g, p), 0.0, 0.0, 0.0, 0.0], 0.0)
                continue
            e_i = sum(max(v, 0.0) for v in sec.energy_tce.values())
            e_ij = max(sec.energy_tce.get(c, 0.0), 0.0)
            c_ij = max(sec.co2_t.get(c, 0.0), 0.0)
            if sec.gdp_10k_yuan is None:  # activity = population
                factors = [p, 1.0, 1.0, _safe_ratio(e_i, p), _safe_ratio(e_ij, e_i), _safe_ratio(c_ij, e_ij)]
            else:
                g_i = max(sec.gdp_10k_yuan, 0.0)
                factors = [
                    p,
                    _safe_ratio(g, p),
                    _safe_ratio(g_i, g),
                    _safe_ratio(e_i, g_i),
                    _safe_ratio(e_ij, e_i),
                    _safe_ratio(c_ij, e_ij),
                ]
            if c_ij > 0 and min(factors) <= 0:
                raise ValueError(
                    f"{data.year}年部门“{s}”的“{c}”有排放 {c_ij:g} 吨但能耗或增加值为零，无法按恒等式分解"
                )
            out[(s, c)] = (factors, c_ij)
    return out


def _cell_effects(f0: list[float], f1: list[float], c0: float, c1: float) -> list[float]:
    """Additive LMDI-I effects of one cell, with Ang & Liu's zero-value limits."""
    if c0 <= 0 and c1 <= 0:
        return [0.0] * len(f0)
    if c0 > 0 and c1 > 0:
        w = logarithmic_mean(c1, c0)
        return [w * math.log(b / a) for a, b in zip(f0, f1, strict=True)]
    # One year is zero: the whole change goes to the first factor that is zero
    # in that year (limit of the small-value strategy, Ang & Liu 2007).
    zero_side = f1 if c1 <= 0 else f0
    effects = [0.0] * len(f0)
    for k, v in enumerate(zero_side):
        if v <= 0:
            effects[k] = c1 - c0
            return effects
    effects[-1] = c1 - c0  # not reachable with consistent data; keep the sum exact
    return effects


def lmdi_additive(data0: DecompositionYear, data1: DecompositionYear) -> LmdiResult:
    """Additive LMDI-I decomposition of the CO2 change from ``data0`` to ``data1``.

    Parameters
    ----------
    data0, data1 : DecompositionYear
        County data in the base year and in the comparison year. Sectors and
        carriers may differ between the years (missing means zero).

    Returns
    -------
    LmdiResult
        Effects [t CO2] in total and per sector, plus the multiplicative ratios
        (see :func:`lmdi_multiplicative`).

    Raises
    ------
    ValueError
        When a cell has CO2 but no energy (or its sector no value added): the
        identity does not hold for it (e.g. process emissions belong elsewhere).

    Notes
    -----
    For each factor :math:`x_k` of the identity,

    .. math::

        \\Delta C_{x_k} = \\sum_{i,j} L(C^T_{ij}, C^0_{ij}) \\ln\\frac{x^T_{k,ij}}{x^0_{k,ij}},
        \\qquad L(a,b) = \\frac{a-b}{\\ln a - \\ln b}

    and :math:`\\sum_k \\Delta C_{x_k} = C^T - C^0` exactly (Ang 2005 [2]_, Table 1,
    LMDI-I additive).
    """
    sectors = sorted(set(data0.sectors) | set(data1.sectors))
    carriers: dict[str, list[str]] = {}
    for s in sectors:
        names: set[str] = set()
        for d in (data0, data1):
            sec = d.sectors.get(s)
            if sec is not None:
                names |= set(sec.energy_tce) | set(sec.co2_t)
        carriers[s] = sorted(names)
    cells0 = _cells(data0, sectors, carriers)
    cells1 = _cells(data1, sectors, carriers)
    by_sector: dict[str, dict[str, float]] = {s: dict.fromkeys(EFFECTS, 0.0) for s in sectors}
    for key in cells0:
        f0, c0 = cells0[key]
        f1, c1 = cells1[key]
        for name, value in zip(EFFECTS, _cell_effects(f0, f1, c0, c1), strict=True):
            by_sector[key[0]][name] += value
    effects = {name: math.fsum(by_sector[s][name] for s in sectors) for name in EFFECTS}
    co2_0 = math.fsum(c for _, c in cells0.values())
    co2_1 = math.fsum(c for _, c in cells1.values())
    result = LmdiResult(data0.year, data1.year, co2_0, co2_1, effects, by_sector)
    result.ratios = multiplicative_from_additive(result)
    return result


def multiplicative_from_additive(result: LmdiResult) -> dict[str, float]:
    """Multiplicative LMDI-I effects from the additive ones.

    Parameters
    ----------
    result : LmdiResult
        An additive decomposition.

    Returns
    -------
    dict
        Ratio :math:`D_{x_k}` per effect [-]; their product equals :math:`C^T/C^0`.
        Empty when either total is zero (the ratio is undefined).

    Notes
    -----
    .. math:: D_{x_k} = \\exp\\left(\\frac{\\Delta C_{x_k}}{L(C^T, C^0)}\\right)

    (Ang 2004 [1]_, eq. for the relation between the additive and the
    multiplicative LMDI-I; Ang 2005 [2]_, Table 1).
    """
    if result.co2_0_t <= 0 or result.co2_1_t <= 0:
        return {}
    w = logarithmic_mean(result.co2_1_t, result.co2_0_t)
    return {name: math.exp(value / w) for name, value in result.effects.items()}


def lmdi_multiplicative(data0: DecompositionYear, data1: DecompositionYear) -> dict[str, float]:
    """Multiplicative LMDI-I decomposition: ratio per effect.

    Parameters
    ----------
    data0, data1 : DecompositionYear

    Returns
    -------
    dict
        :math:`D_{x_k} = \\exp\\left(\\sum_{ij} \\frac{L(C^T_{ij},C^0_{ij})}{L(C^T,C^0)}
        \\ln\\frac{x^T_{k,ij}}{x^0_{k,ij}}\\right)` [-]; the product over effects
        equals :math:`C^T/C^0` (Ang 2005 [2]_, Table 1, LMDI-I multiplicative).
    """
    return lmdi_additive(data0, data1).ratios


def residual_t(result: LmdiResult) -> float:
    """Residual of the additive decomposition [t CO2]: zero up to rounding."""
    return math.fsum(result.effects.values()) - (result.co2_1_t - result.co2_0_t)
