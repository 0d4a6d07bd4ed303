"""LMDI-I: exact sum (additive), exact product (multiplicative), zero values, hand cases."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonpeak.engine.lmdi import (
    EFFECTS,
    DecompositionYear,
    SectorYear,
    lmdi_additive,
    lmdi_multiplicative,
    logarithmic_mean,
    residual_t,
)

positive = st.floats(min_value=1.0, max_value=1e7, allow_nan=False, allow_infinity=False)
maybe_zero = st.one_of(st.just(0.0), positive)
CARRIERS = ("coal", "oil", "gas", "electricity")


@st.composite
def county_year(draw, year: int):
    sectors = {}
    for code in ("industry", "services", "households"):
        energy = {c: draw(maybe_zero) for c in CARRIERS}
        # CO2 only where energy exists; an emission factor may be zero (e.g. non-fossil).
        co2 = {c: (draw(maybe_zero) if energy[c] > 0 else 0.0) for c in CARRIERS}
        gdp = None if code == "households" else draw(positive)
        sectors[code] = SectorYear(gdp, energy, co2)
    return DecompositionYear(year, draw(positive), draw(positive), sectors)


@settings(max_examples=300, deadline=None)
@given(county_year(2015), county_year(2023))
def test_additive_effects_sum_exactly_to_the_change(d0, d1):
    result = lmdi_additive(d0, d1)
    scale = max(1.0, result.co2_0_t, result.co2_1_t)
    assert abs(residual_t(result)) <= 1e-9 * scale
    # per sector too
    for sector, effects in result.by_sector.items():
        c0 = sum(d0.sectors[sector].co2_t.values())
        c1 = sum(d1.sectors[sector].co2_t.values())
        assert math.isclose(math.fsum(effects.values()), c1 - c0, rel_tol=1e-9, abs_tol=1e-9 * scale)


@settings(max_examples=200, deadline=None)
@given(county_year(2015), county_year(2023))
def test_multiplicative_effects_multiply_to_the_ratio(d0, d1):
    result = lmdi_additive(d0, d1)
    if result.co2_0_t <= 0 or result.co2_1_t <= 0:
        assert result.ratios == {}
        return
    product = math.prod(result.ratios.values())
    assert product == pytest.approx(result.co2_1_t / result.co2_0_t, rel=1e-9)


def _year(year, population, gdp, industry_gdp, energy, co2):
    return DecompositionYear(year, population, gdp, {"industry": SectorYear(industry_gdp, energy, co2)})


def test_only_population_changes_all_goes_to_population():
    d0 = _year(2020, 100.0, 1000.0, 500.0, {"coal": 50.0}, {"coal": 130.0})
    # double population, same GDP per capita, structure, intensity, mix and factor
    d1 = _year(2021, 200.0, 2000.0, 1000.0, {"coal": 100.0}, {"coal": 260.0})
    r = lmdi_additive(d0, d1)
    assert r.effects["population"] == pytest.approx(130.0, rel=1e-12)
    for k in EFFECTS[1:]:
        assert r.effects[k] == pytest.approx(0.0, abs=1e-9)
    assert lmdi_multiplicative(d0, d1)["population"] == pytest.approx(2.0)


def test_hand_computed_two_factor_case():
    # Intensity halves while GDP (and sector GDP) triples; factor constant.
    d0 = _year(2020, 100.0, 1000.0, 1000.0, {"coal": 100.0}, {"coal": 200.0})
    d1 = _year(2021, 100.0, 3000.0, 3000.0, {"coal": 150.0}, {"coal": 300.0})
    r = lmdi_additive(d0, d1)
    w = (300.0 - 200.0) / math.log(300.0 / 200.0)
    assert r.effects["affluence"] == pytest.approx(w * math.log(3.0))
    assert r.effects["intensity"] == pytest.approx(w * math.log(0.5))
    assert r.effects["population"] == pytest.approx(0.0, abs=1e-12)


def test_a_carrier_that_disappears_is_a_mix_effect():
    d0 = _year(2020, 100.0, 1000.0, 500.0, {"coal": 50.0, "gas": 50.0}, {"coal": 130.0, "gas": 80.0})
    d1 = _year(2021, 100.0, 1000.0, 500.0, {"gas": 100.0}, {"gas": 160.0})
    r = lmdi_additive(d0, d1)
    assert abs(residual_t(r)) < 1e-9
    assert r.effects["mix"] < 0  # coal left the mix
    assert r.effects["intensity"] == pytest.approx(0.0, abs=1e-9)
    # the vanished coal cell's whole −130 t is in the mix effect
    gas_mix = logarithmic_mean(160.0, 80.0) * math.log(1.0 / 0.5)
    assert r.effects["mix"] == pytest.approx(-130.0 + gas_mix)


def test_a_new_sector_is_a_structure_effect():
    d0 = DecompositionYear(
        2020, 100.0, 1000.0, {"industry": SectorYear(1000.0, {"coal": 10.0}, {"coal": 26.0})}
    )
    d1 = DecompositionYear(
        2021,
        100.0,
        1000.0,
        {
            "industry": SectorYear(900.0, {"coal": 9.0}, {"coal": 23.4}),
            "services": SectorYear(100.0, {"electricity": 1.0}, {"electricity": 4.0}),
        },
    )
    r = lmdi_additive(d0, d1)
    assert abs(residual_t(r)) < 1e-9
    assert r.by_sector["services"]["structure"] == pytest.approx(4.0)
    assert sum(v for k, v in r.by_sector["services"].items() if k != "structure") == pytest.approx(0.0)


def test_logarithmic_mean():
    assert logarithmic_mean(2.0, 2.0) == 2.0
    assert logarithmic_mean(1.0, math.e) == pytest.approx((math.e - 1.0) / 1.0)
    assert logarithmic_mean(0.0, 3.0) == 0.0


def test_emissions_without_energy_are_refused_with_the_cell_named():
    d0 = _year(2020, 100.0, 1000.0, 500.0, {"coal": 50.0}, {"coal": 130.0, "process": 20.0})
    d1 = _year(2021, 100.0, 1000.0, 500.0, {"coal": 50.0}, {"coal": 130.0})
    with pytest.raises(ValueError, match="process"):
        lmdi_additive(d0, d1)
