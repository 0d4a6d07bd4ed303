"""CO2 from fuel combustion, electricity and heat (GB/T 32150-2015)."""

from __future__ import annotations

import pytest

from carbonpeak.engine import emissions


def test_raw_coal_default_factor_by_hand():
    # 20.908 GJ/t × 26.1 tC/TJ = 545.6988; × 0.93 = 507.499884; × 44/12 = 1860.832908; ÷ 1000
    assert emissions.fuel_co2_factor(20.908, 26.1, 0.93) == pytest.approx(1.860832908, rel=1e-12)


def test_natural_gas_factor_by_hand():
    # 389.31 GJ/10^4 m³ × 15.3 = 5956.443; × 0.99 = 5896.87857; × 44/12 = 21621.88809; ÷ 1000
    assert emissions.fuel_co2_factor(389.31, 15.3, 0.99) == pytest.approx(21.62188809, rel=1e-12)


def test_diesel_factor_matches_reference_table():
    # 42.652 × 20.2 × 0.98 × 44/12 / 1000 = 3.0959096373…; the table prints 3.0959
    assert emissions.fuel_co2_factor(42.652, 20.2, 0.98) == pytest.approx(3.0959, abs=5e-5)


def test_fuel_electricity_heat():
    assert emissions.co2_from_fuel(10, 2.0) == 20
    # 10 000 MWh × 0.4900 tCO2/MWh = 4900 t
    assert emissions.co2_from_electricity(10_000, 0.49) == pytest.approx(4900)
    # 5000 GJ × 0.11 tCO2/GJ = 550 t
    assert emissions.co2_from_heat(5000) == pytest.approx(550)
    ratio = emissions.CO2_PER_C
    assert ratio == pytest.approx(44 / 12)
