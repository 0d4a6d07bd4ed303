"""Energy budget (用能预算) use, pro-rated by elapsed time, and key-unit status.

References
----------
.. [1] 《重点用能单位节能管理办法》(国家发展改革委等7部门令第15号, 2018), Article 2:
   key energy-using units consume 10,000 tce a year or more; units of 5,000 to
   10,000 tce may be designated.
.. [2] 《用能预算管理指南》 practice of provincial energy-budget pilots: notices when use
   reaches 80 %, 90 % and 100 % of the budget due so far.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: Warning thresholds on the pro-rated budget [%] [2]_.
THRESHOLDS_PCT = (80.0, 90.0, 100.0)
#: Key-unit thresholds [tce/yr] [1]_.
KEY_UNIT_TCE = 10_000.0
DESIGNATED_MIN_TCE = 5_000.0

LEVEL_LABELS = {
    "none": "正常",
    "notice": "提示（≥80%）",
    "warning": "预警（≥90%）",
    "exceeded": "超预算（≥100%）",
}
LEVEL_BADGES = {"none": "green", "notice": "yellow", "warning": "red", "exceeded": "red"}


def year_elapsed_fraction(year: int, through: dt.date) -> float:
    """Share of the calendar year elapsed up to and including ``through`` [-].

    .. math:: f = \\frac{d_{through} - d_{Jan 1} + 1}{d_{year}},\\quad 0 \\le f \\le 1
    """
    first = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - first).days
    elapsed = (through - first).days + 1
    return min(1.0, max(0.0, elapsed / days))


@dataclass(frozen=True)
class BudgetUse:
    """Budget use of one enterprise.

    Attributes
    ----------
    consumed_tce : float
        Consumption so far in the year [tce].
    budget_tce : float
        Annual energy budget [tce].
    elapsed_fraction : float
        Share of the year elapsed [-].
    prorated_budget_tce : float
        Budget due so far, ``budget × elapsed`` [tce].
    use_of_annual_pct : float
        Consumed ÷ annual budget [%].
    use_of_prorated_pct : float
        Consumed ÷ pro-rated budget [%]; equals the projected year-end use of budget.
    projected_annual_tce : float
        Consumption extrapolated to the whole year [tce].
    level : str
        ``none``, ``notice`` (≥ 80 %), ``warning`` (≥ 90 %) or ``exceeded`` (≥ 100 %).
    """

    consumed_tce: float
    budget_tce: float
    elapsed_fraction: float
    prorated_budget_tce: float
    use_of_annual_pct: float
    use_of_prorated_pct: float
    projected_annual_tce: float
    level: str

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def badge(self) -> str:
        return LEVEL_BADGES[self.level]


def budget_use(consumed_tce: float, budget_tce: float, elapsed_fraction: float) -> BudgetUse:
    """Budget use pro-rated by elapsed time, with the 80/90/100 % warning level.

    Parameters
    ----------
    consumed_tce : float
        Consumption so far in the budget year [tce].
    budget_tce : float
        Annual energy budget [tce], > 0.
    elapsed_fraction : float
        Share of the year elapsed, see :func:`year_elapsed_fraction` [-].

    Returns
    -------
    BudgetUse

    Notes
    -----
    .. math:: u = 100 \\cdot \\frac{E}{B \\cdot f}

    Level: ``exceeded`` if :math:`u \\ge 100` or :math:`E \\ge B`; ``warning`` if
    :math:`u \\ge 90`; ``notice`` if :math:`u \\ge 80`; else ``none`` [2]_.
    """
    if budget_tce <= 0:
        raise ValueError("用能预算须大于0")
    f = min(1.0, max(0.0, elapsed_fraction))
    prorated = budget_tce * f
    use_annual = 100.0 * consumed_tce / budget_tce
    use_prorated = 100.0 * consumed_tce / prorated if prorated > 0 else 0.0
    projected = consumed_tce / f if f > 0 else 0.0
    if use_prorated >= THRESHOLDS_PCT[2] or use_annual >= 100.0:
        level = "exceeded"
    elif use_prorated >= THRESHOLDS_PCT[1]:
        level = "warning"
    elif use_prorated >= THRESHOLDS_PCT[0]:
        level = "notice"
    else:
        level = "none"
    return BudgetUse(consumed_tce, budget_tce, f, prorated, use_annual, use_prorated, projected, level)


KEY_UNIT_LABELS = {
    "key_unit": "重点用能单位",
    "designated": "指定重点用能单位",
    "candidate": "可指定（5000–10000吨）",
    "below": "未达标准",
    "unknown": "无能耗数据",
}


def key_unit_status(annual_energy_tce: float | None, *, designated: bool = False) -> str:
    """Key-unit status from annual comprehensive energy consumption.

    Parameters
    ----------
    annual_energy_tce : float or None
        Annual comprehensive energy consumption [tce/yr].
    designated : bool
        Whether the energy-saving authority designated the unit [-].

    Returns
    -------
    str
        ``key_unit`` (≥ 10,000), ``designated`` (5,000–10,000 and designated),
        ``candidate`` (5,000–10,000, not designated), ``below`` or ``unknown`` [1]_.
    """
    if annual_energy_tce is None:
        return "designated" if designated else "unknown"
    if annual_energy_tce >= KEY_UNIT_TCE:
        return "key_unit"
    if annual_energy_tce >= DESIGNATED_MIN_TCE:
        return "designated" if designated else "candidate"
    return "designated" if designated else "below"


def consistency_deviation_pct(metered: float, reported: float) -> float | None:
    """Relative deviation of metered from reported consumption [%].

    .. math:: \\delta = 100 \\cdot \\frac{|M - R|}{R}

    The data-quality rule allows at most 5 % (reference/key_energy_units_monitoring.md §5).
    Returns None when nothing was reported (R = 0).
    """
    if reported == 0:
        return None
    return 100.0 * abs(metered - reported) / abs(reported)


CONSISTENCY_MAX_PCT = 5.0
