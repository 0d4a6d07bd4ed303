"""Intensities, decline rates, progress against a period target, barometer warning levels.

Percentages are returned as numbers where 3.2 means 3.2 %.

References
----------
.. [1] 国家发展改革委办公厅 发改办环资〔2020〕901号《各地区2020年前三季度能耗双控目标完成
   情况晴雨表》: 一级预警（红）未完成进度目标且差距大于目标值10%；二级预警（黄）差距在10%以内；
   三级预警（绿）完成进度目标.
.. [2] 国家统计局、国家发展改革委、国家能源局《分省（区、市）万元地区生产总值能耗降低率等指标
   公报》: intensity = energy / GDP at constant prices; reduction rate = 1 − I_t / I_{t−1}.
.. [3] 发改运行〔2022〕1258号 (new renewable electricity), 发改环资〔2022〕803号 (feedstock):
   deductions from assessed energy totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class WarningLevel(StrEnum):
    """晴雨表 levels: red = 一级预警, yellow = 二级预警, green = 三级预警."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"

    @property
    def label(self) -> str:
        return {"red": "红灯（一级预警）", "yellow": "黄灯（二级预警）", "green": "绿灯（三级预警）"}[
            self.value
        ]


#: The barometer's gap threshold: red when the gap exceeds 10 % of the target value.
GAP_THRESHOLD: float = 0.10


def intensity(value: float, gdp_constant_10k_yuan: float) -> float:
    r"""Quantity per 10 000 yuan of GDP at constant prices.

    Parameters
    ----------
    value : float
        Energy [tce] or CO2 [tCO2].
    gdp_constant_10k_yuan : float
        GDP at constant prices of the base year [10^4 yuan].

    Returns
    -------
    float
        Intensity [tce/10^4 yuan or tCO2/10^4 yuan].

    Notes
    -----
    .. math:: I = E / GDP_{const}

    Reference [2].
    """
    if gdp_constant_10k_yuan <= 0:
        raise ValueError("GDP must be positive")
    return value / gdp_constant_10k_yuan


def annual_decline_pct(current: float, previous: float) -> float | None:
    r"""Annual decline rate of an intensity [%].

    .. math:: r_t = (1 - I_t / I_{t-1}) \times 100

    Parameters
    ----------
    current, previous : float
        Intensities of year t and t−1 [same unit].

    Returns
    -------
    float or None
        Decline [%]; negative when the intensity rose; None when the previous
        intensity is 0 (a decline from nothing is undefined). Reference [2].
    """
    if previous == 0:
        return None
    return (1.0 - current / previous) * 100.0


def cumulative_decline_pct(current: float, base: float) -> float | None:
    r"""Cumulative decline of an intensity against the base year [%].

    .. math:: R_t = (1 - I_t / I_{base}) \times 100 = \left(1 - \prod_k (1 - r_k)\right) \times 100

    Parameters
    ----------
    current, base : float
        Intensities of year t and of the base year [same unit].

    Returns
    -------
    float or None
        Decline [%]; None when the base intensity is 0. Reference [2], DEFAULTS §5.
    """
    if base == 0:
        return None
    return (1.0 - current / base) * 100.0


def required_decline_pct(target_decline_pct: float, years_elapsed: float, period_years: float) -> float:
    r"""Pro-rata (time-elapsed) decline required by year k of a period target [%].

    Parameters
    ----------
    target_decline_pct : float
        Period target T, e.g. 14 for −14 % from 2020 to 2025 [%].
    years_elapsed : float
        k, years since the base year [a].
    period_years : float
        n, length of the period [a].

    Returns
    -------
    float
        Required cumulative decline by year k [%].

    Notes
    -----
    .. math:: R_k = \left(1 - (1 - T)^{k/n}\right) \times 100

    warning_rules.md §2 [platform convention], DEFAULTS §6. Example: T = 14 %, n = 5,
    k = 3: 1 − 0.86^0.6 = 8.6520 %.
    """
    if period_years <= 0:
        raise ValueError("period must be positive")
    t = target_decline_pct / 100.0
    return (1.0 - (1.0 - t) ** (years_elapsed / period_years)) * 100.0


def allowed_total(base_value: float, cap_value: float, years_elapsed: float, period_years: float) -> float:
    r"""Allowed total in year k on the geometric path from the base-year value to the cap.

    Parameters
    ----------
    base_value : float
        Base-year total [tce or tCO2].
    cap_value : float
        Allowed total in the target year [tce or tCO2].
    years_elapsed, period_years : float
        k and n [a].

    Returns
    -------
    float
        Allowed total in year k [tce or tCO2].

    Notes
    -----
    .. math:: A_k = E_{base} \times (C / E_{base})^{k/n}

    The same pro-rata rule as :func:`required_decline_pct` applied to a total
    (DEFAULTS §6, [platform convention]).
    """
    if base_value <= 0:
        return cap_value
    return base_value * (cap_value / base_value) ** (years_elapsed / period_years)


def warning_level(required_pct: float, actual_pct: float, *, rising: bool = False) -> WarningLevel:
    r"""Barometer level for an intensity decline.

    Parameters
    ----------
    required_pct : float
        Required cumulative decline by this year [%] (:func:`required_decline_pct`).
    actual_pct : float
        Actual cumulative decline [%] (:func:`cumulative_decline_pct`).
    rising : bool
        True when the intensity rose against the previous year: always red
        (能耗强度不降反升, DEFAULTS §6).

    Returns
    -------
    WarningLevel

    Notes
    -----
    green if :math:`A \ge R`; red if :math:`R - A > 0.1 |R|`; yellow otherwise
    (发改办环资〔2020〕901号, warning_rules.md §1).
    """
    if rising:
        return WarningLevel.RED
    if actual_pct >= required_pct:
        return WarningLevel.GREEN
    if (required_pct - actual_pct) > GAP_THRESHOLD * abs(required_pct):
        return WarningLevel.RED
    return WarningLevel.YELLOW


def total_warning_level(allowed: float, actual: float) -> WarningLevel:
    r"""Barometer level for a total under a cap.

    green if :math:`A \le T`; red if :math:`A - T > 0.1 |T|`; yellow otherwise
    (warning_rules.md §1, DEFAULTS §6).
    """
    if actual <= allowed:
        return WarningLevel.GREEN
    if (actual - allowed) > GAP_THRESHOLD * abs(allowed):
        return WarningLevel.RED
    return WarningLevel.YELLOW


def share_pct(part: float, total: float) -> float | None:
    """Share of a part in a total [%] (coal share, non-fossil share); None when the total is 0."""
    if total == 0:
        return None
    return part / total * 100.0


INTENSITY_INDICATORS = {
    "energy_intensity": "单位地区生产总值能耗",
    "co2_intensity": "单位地区生产总值二氧化碳排放",
}
TOTAL_INDICATORS = {
    "energy_total": "能源消费总量",
    "co2_total": "二氧化碳排放总量",
}
INDICATOR_LABELS = {**INTENSITY_INDICATORS, **TOTAL_INDICATORS}


@dataclass(frozen=True)
class Target:
    """A period target (TARGETS.csv row).

    Attributes
    ----------
    indicator : str
        ``energy_intensity``, ``co2_intensity`` (decline targets) or ``energy_total``,
        ``co2_total`` (caps).
    base_year, target_year : int
    decline_pct : float or None
        Target decline over the period [%] for intensity indicators.
    cap : float or None
        Allowed total in the target year [tce or tCO2] for total indicators.
    """

    indicator: str
    base_year: int
    target_year: int
    decline_pct: float | None = None
    cap: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "indicator": self.indicator,
            "base_year": self.base_year,
            "target_year": self.target_year,
            "decline_pct": self.decline_pct,
            "cap": self.cap,
        }
