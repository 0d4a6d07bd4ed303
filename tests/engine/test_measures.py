"""Abatement formulas of quantified measures, ramps and wedges."""

from __future__ import annotations

import pytest

from carbonpeak.engine.measures import (
    MeasureSpec,
    abatement_path,
    electric_bus_abatement_t,
    energy_saving_abatement_t,
    ramp,
    renewable_abatement_t,
    wedges,
)


def test_renewable_hand_value():
    # 45 万千瓦 × 1000 h = 450 000 MWh; × 0.5 t/MWh = 225 000 t
    assert renewable_abatement_t(45, 1000, 0.5) == pytest.approx(225_000.0)


def test_electric_bus_hand_value():
    # 100 buses × 50 000 km: diesel 30 L/100km → 1.5e6 L × 0.835 kg/L = 1252.5 t × 3.0959
    # electricity 80 kWh/100km → 4000 MWh × 0.5
    expected = 1252.5 * 3.0959 - 4000 * 0.5
    assert electric_bus_abatement_t(100, 50_000, 30, 80, 0.5) == pytest.approx(expected)


def test_energy_saving():
    assert energy_saving_abatement_t(1000, 2.4) == pytest.approx(2400)


def test_ramp_is_linear_then_flat():
    assert list(ramp([2020, 2021, 2022, 2023, 2024, 2025], 2021, 2023)) == [0, 0, 0.5, 1, 1, 1]
    assert list(ramp([2020, 2021, 2022], 2021, 2021)) == [0, 1, 1]


def test_abatement_follows_the_grid_factor():
    spec = MeasureSpec("光伏", "renewable", {"capacity_10k_kw": 10, "utilisation_hours": 1000}, 2020, 2020)
    path = abatement_path(spec, [2020, 2021], [0.5, 0.4])
    assert path == pytest.approx([50_000, 40_000])


def test_missing_parameter_is_named():
    spec = MeasureSpec("光伏", "renewable", {"capacity_10k_kw": 10}, 2020, 2021)
    with pytest.raises(ValueError, match="utilisation_hours"):
        abatement_path(spec, [2020], [0.5])


def test_wedges_remainder_closes_the_gap():
    w = wedges([2030], [100.0], [60.0], {"a": [25.0], "b": [5.0]})
    assert w.gap_t == [40.0]
    assert w.remainder_t == [10.0]
    w = wedges([2030], [100.0], [90.0], {"a": [25.0]})
    assert w.remainder_t == [-15.0]  # estimates exceed the gap: shown, not hidden
