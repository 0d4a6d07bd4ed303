"""STIRPAT: recovers known elasticities, reports diagnostics, refuses short histories."""

from __future__ import annotations

import numpy as np
import pytest

from carbonpeak.engine import stirpat


def _synthetic(n=14, noise=0.002, seed=1):
    rng = np.random.default_rng(seed)
    years = list(range(2010, 2010 + n))
    p = 700_000 * np.exp(rng.normal(0, 0.02, n).cumsum())
    gdp = 2e6 * np.exp(np.linspace(0, 0.8, n) + rng.normal(0, 0.03, n))
    t = 0.5 * np.exp(-np.linspace(0, 0.4, n) + rng.normal(0, 0.03, n))  # tce per 10k yuan
    energy = gdp * t
    a = gdp / p
    ln_c = 1.0 + 0.8 * np.log(p) + 0.9 * np.log(a) + 1.1 * np.log(t) + rng.normal(0, noise, n)
    return years, p, gdp, energy, np.exp(ln_c)


def test_recovers_the_elasticities():
    years, p, gdp, energy, co2 = _synthetic()
    fit = stirpat.fit(years, p, gdp, energy, co2)
    assert fit.coefficient("ln_affluence") == pytest.approx(0.9, abs=0.05)
    assert fit.coefficient("ln_energy_intensity") == pytest.approx(1.1, abs=0.05)
    assert fit.r_squared > 0.99
    assert fit.adj_r_squared <= fit.r_squared
    assert 0 < fit.durbin_watson < 4
    assert set(fit.vif) == {"ln_population", "ln_affluence", "ln_energy_intensity"}
    assert all(c.std_error > 0 and 0 <= c.p_value <= 1 for c in fit.coefficients)


def test_prediction_reproduces_fitted_values():
    years, p, gdp, energy, co2 = _synthetic()
    fit = stirpat.fit(years, p, gdp, energy, co2)
    np.testing.assert_allclose(stirpat.predict(fit, p, gdp, energy), fit.fitted_co2_t, rtol=1e-10)


def test_short_history_is_refused():
    years, p, gdp, energy, co2 = _synthetic(n=7)
    with pytest.raises(stirpat.InsufficientHistory, match="至少需要 8 年"):
        stirpat.fit(years, p, gdp, energy, co2)
