"""STIRPAT regression: emissions explained by population, affluence and technology.

The stochastic IPAT model (STIRPAT) of Dietz & Rosa [1]_ in logarithms,

.. math::

    \\ln C_t = a + b \\ln P_t + c \\ln A_t + d \\ln T_t + \\varepsilon_t

with :math:`C` CO2 [t], :math:`P` population [persons], :math:`A` GDP per capita
[10k yuan/person] and :math:`T` a technology term — here the energy intensity
[tce/10k yuan], as in York, Rosa & Dietz [2]_. The coefficients are elasticities.
It is fitted by ordinary least squares (statsmodels) and needs a history of at
least :data:`MIN_YEARS` years; with fewer years the fit is refused because 4
parameters on so few points say nothing.

Diagnostics: R², adjusted R², coefficients with standard errors and p values,
the Durbin–Watson statistic of the residuals (autocorrelation; ≈ 2 means none)
and the variance inflation factor (VIF) of each regressor (collinearity; > 10 is
severe — common for P, A, T in a county series, which makes single elasticities
unstable while the fitted path can still be useful).

References
----------
.. [1] Dietz, T., Rosa, E.A. (1997). Effects of population and affluence on CO2
   emissions. PNAS 94(1), 175–179.
.. [2] York, R., Rosa, E.A., Dietz, T. (2003). STIRPAT, IPAT and ImPACT: analytic
   tools for unpacking the driving forces of environmental impacts. Ecological
   Economics 46(3), 351–365.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_YEARS = 8

TERMS = ("const", "ln_population", "ln_affluence", "ln_energy_intensity")
TERM_LABELS = {
    "const": "常数项 a",
    "ln_population": "ln 人口（弹性 b）",
    "ln_affluence": "ln 人均GDP（弹性 c）",
    "ln_energy_intensity": "ln 单位GDP能耗（弹性 d）",
}


class InsufficientHistory(ValueError):
    """The history is too short for a regression."""


@dataclass(frozen=True)
class Coefficient:
    """One estimated coefficient: value, standard error, t and p value."""

    term: str
    value: float
    std_error: float
    t_value: float
    p_value: float


@dataclass
class StirpatFit:
    """Fitted STIRPAT model and its diagnostics."""

    years: list[int]
    coefficients: list[Coefficient]
    r_squared: float
    adj_r_squared: float
    durbin_watson: float
    vif: dict[str, float]
    n_obs: int
    fitted_co2_t: list[float]
    observed_co2_t: list[float]

    def coefficient(self, term: str) -> float:
        return next(c.value for c in self.coefficients if c.term == term)


def _design(population: Sequence[float], gdp: Sequence[float], energy: Sequence[float]) -> np.ndarray:
    p = np.asarray(population, dtype=float)
    g = np.asarray(gdp, dtype=float)
    e = np.asarray(energy, dtype=float)
    if np.any(p <= 0) or np.any(g <= 0) or np.any(e <= 0):
        raise ValueError("人口、地区生产总值和能耗须全部为正数才能取对数")
    return np.column_stack([np.ones_like(p), np.log(p), np.log(g / p), np.log(e / g)])


def fit(
    years: Sequence[int],
    population: Sequence[float],
    gdp_10k_yuan: Sequence[float],
    energy_tce: Sequence[float],
    co2_t: Sequence[float],
) -> StirpatFit:
    """Fit :math:`\\ln C = a + b\\ln P + c\\ln A + d\\ln T` by OLS.

    Parameters
    ----------
    years : sequence of int
    population : sequence of float
        Population [persons].
    gdp_10k_yuan : sequence of float
        GDP at constant prices [10k yuan].
    energy_tce : sequence of float
        Energy use [tce]; T = energy / GDP [tce/10k yuan].
    co2_t : sequence of float
        CO2 emissions [t CO2].

    Returns
    -------
    StirpatFit

    Raises
    ------
    InsufficientHistory
        Fewer than :data:`MIN_YEARS` years.
    """
    n = len(years)
    if n < MIN_YEARS:
        raise InsufficientHistory(f"历史数据只有 {n} 年，STIRPAT 回归至少需要 {MIN_YEARS} 年")
    import statsmodels.api as sm
    from statsmodels.stats.outliers_influence import variance_inflation_factor
    from statsmodels.stats.stattools import durbin_watson

    x = _design(population, gdp_10k_yuan, energy_tce)
    c = np.asarray(co2_t, dtype=float)
    if np.any(c <= 0):
        raise ValueError("二氧化碳排放量须全部为正数才能取对数")
    y = np.log(c)
    model = sm.OLS(y, x).fit()
    coefs = [
        Coefficient(
            term,
            float(model.params[k]),
            float(model.bse[k]),
            float(model.tvalues[k]),
            float(model.pvalues[k]),
        )
        for k, term in enumerate(TERMS)
    ]
    vif = {TERMS[k]: float(variance_inflation_factor(x, k)) for k in range(1, len(TERMS))}
    return StirpatFit(
        years=[int(v) for v in years],
        coefficients=coefs,
        r_squared=float(model.rsquared),
        adj_r_squared=float(model.rsquared_adj),
        durbin_watson=float(durbin_watson(model.resid)),
        vif=vif,
        n_obs=n,
        fitted_co2_t=[float(v) for v in np.exp(model.fittedvalues)],
        observed_co2_t=[float(v) for v in c],
    )


def predict(
    model: StirpatFit, population: Sequence[float], gdp_10k_yuan: Sequence[float], energy_tce: Sequence[float]
) -> list[float]:
    """CO2 [t] predicted by a fitted model for given drivers.

    Parameters
    ----------
    model : StirpatFit
    population, gdp_10k_yuan, energy_tce : sequence of float
        Driver paths (e.g. from the driver-based projection) [persons, 10k yuan, tce].

    Returns
    -------
    list of float
        :math:`\\hat C_t = \\exp(a + b\\ln P_t + c\\ln A_t + d\\ln T_t)` [t CO2]
        (point prediction, no log-retransformation bias correction).
    """
    x = _design(population, gdp_10k_yuan, energy_tce)
    beta = np.array([model.coefficient(t) for t in TERMS])
    return [float(v) for v in np.exp(x @ beta)]
