"""Driver-based projection: closed-form paths for constant rates, peak detection, validation."""

from __future__ import annotations

import numpy as np
import pytest

from carbonpeak.engine.peak import detect_peak, peak_years
from carbonpeak.engine.projection import (
    ELECTRICITY_TCE_PER_MWH,
    ProjectionInput,
    SectorAssumptions,
    anchor_path,
    calibrate_direct_factor,
    intensity_decline,
    project,
    rate_path,
)


def _input(g=0.05, d=0.03, p=-0.01, r=0.02, e=0.3, nf=0.1, f=2.5, end=2060, sectors=None):
    sectors = sectors or (
        SectorAssumptions("industry", "工业", "gdp", 1000.0, f, {2020: e}, {(2021, end): d}, {2020: 0.4}),
        SectorAssumptions("households", "居民生活", "population", 300.0, f, {2020: e}, {(2021, end): d}),
    )
    return ProjectionInput(
        2020,
        end,
        1000.0,
        10_000.0,
        0.5,
        {(2021, end): g},
        {(2021, end): p},
        {(2021, end): r},
        {2020: nf},
        sectors,
    )


def test_constant_rates_give_geometric_paths():
    g, d, p, r, e, nf, f = 0.05, 0.03, -0.01, 0.02, 0.3, 0.1, 2.5
    res = project(_input(g, d, p, r, e, nf, f))
    t = np.arange(41)
    np.testing.assert_allclose(res.gdp_10k_yuan, 10_000 * (1 + g) ** t, rtol=1e-12)
    np.testing.assert_allclose(res.population, 1000 * (1 + p) ** t, rtol=1e-12)
    industry = 1000 * ((1 + g) * (1 - d)) ** t
    households = 300 * ((1 + p) * (1 - d)) ** t
    np.testing.assert_allclose(res.energy_by_sector_tce["industry"], industry, rtol=1e-12)
    np.testing.assert_allclose(res.energy_by_sector_tce["households"], households, rtol=1e-12)
    grid = 0.5 * (1 - r) ** t
    per_tce = (1 - e) * (1 - nf) * f + e * grid / ELECTRICITY_TCE_PER_MWH
    np.testing.assert_allclose(res.co2_t, (industry + households) * per_tce, rtol=1e-12)
    np.testing.assert_allclose(
        res.electricity_mwh, (industry + households) * e / ELECTRICITY_TCE_PER_MWH, rtol=1e-12
    )


def test_intensity_decline_closed_form():
    res = project(_input(g=0.05, d=0.03, p=0.0, r=0.0, e=0.0, nf=0.0))
    # only the industry sector is GDP driven; energy intensity of the whole county:
    # households grow with population (0) and intensity decline, so compute from the paths
    e0 = 1000 + 300
    e5 = 1000 * (1.05 * 0.97) ** 5 + 300 * 0.97**5
    expected = 1 - (e5 / (10_000 * 1.05**5)) / (e0 / 10_000)
    assert intensity_decline(res, 2020, 2025, "energy") == pytest.approx(expected, rel=1e-12)
    assert intensity_decline(res, 2020, 2025, "co2") == pytest.approx(expected, rel=1e-12)


def test_peak_year_of_a_rising_then_falling_path():
    # GDP grows 6%/yr until 2030 then 1%; intensity falls 3%/yr: energy rises then falls.
    sectors = (
        SectorAssumptions(
            "industry", "工业", "gdp", 1000.0, 2.5, {2020: 0.0}, {(2021, 2060): 0.03}, {2020: 1.0}
        ),
    )
    inp = ProjectionInput(
        2020,
        2060,
        1000.0,
        10_000.0,
        0.5,
        {(2021, 2030): 0.06, (2031, 2060): 0.01},
        {(2021, 2060): 0.0},
        {(2021, 2060): 0.0},
        {2020: 0.0},
        sectors,
    )
    res = project(inp)
    assert res.peak.year == 2030
    assert res.peak.peaked and res.peak.peaks_by(2030)
    assert res.peak.value == pytest.approx(1000 * 2.5 * (1.06 * 0.97) ** 10)


def test_detect_peak_on_constructed_paths():
    years = list(range(2020, 2031))
    assert detect_peak(years, [1, 2, 3, 4, 5, 4, 3, 2, 1, 0, 0]).year == 2024
    rising = detect_peak(years, list(range(11)))
    assert rising.year == 2030 and not rising.peaked and not rising.peaks_by(2030)
    plateau = detect_peak(years, [1, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2])
    assert plateau.year == 2021 and plateau.peaked
    falling = detect_peak(years, list(range(11, 0, -1)))
    assert falling.year == 2020 and falling.peaks_by(2030)
    with pytest.raises(ValueError):
        detect_peak(years, [1.0, float("nan")] + [0.0] * 9)


def test_peak_years_vectorised_matches_scalar():
    rng = np.random.default_rng(3)
    paths = rng.random((50, 11))
    years = np.arange(2020, 2031)
    vec = peak_years(years, paths)
    assert [detect_peak(list(years), row).year for row in paths] == list(vec)


def test_rate_path_requires_every_year():
    with pytest.raises(ValueError, match="2026–2030"):
        rate_path({(2021, 2025): 0.05}, np.arange(2020, 2031), "地区生产总值年均增速")
    with pytest.raises(ValueError, match="重复"):
        rate_path({(2021, 2025): 0.05, (2025, 2030): 0.04}, np.arange(2020, 2031))


def test_anchor_path_interpolates_and_holds():
    np.testing.assert_allclose(
        anchor_path({2020: 0.2, 2030: 0.4}, [2015, 2020, 2025, 2030, 2040]), [0.2, 0.2, 0.3, 0.4, 0.4]
    )


def test_calibrated_factor_reproduces_base_year():
    f = calibrate_direct_factor(
        energy_tce=1000, co2_t=2200, electricity_share=0.3, non_fossil_direct_share=0.1, grid_factor=0.5
    )
    res = project(
        _input(
            g=0.0,
            d=0.0,
            p=0.0,
            r=0.0,
            e=0.3,
            nf=0.1,
            f=f,
            sectors=(
                SectorAssumptions(
                    "industry", "工业", "gdp", 1000.0, f, {2020: 0.3}, {(2021, 2060): 0.0}, {2020: 0.4}
                ),
            ),
        )
    )
    assert res.co2_t[0] == pytest.approx(2200)


def test_bad_driver_is_rejected():
    bad = (SectorAssumptions("x", "某部门", "cars", 1.0, 1.0, {2020: 0.0}, {(2021, 2060): 0.0}),)
    with pytest.raises(ValueError, match="驱动因素"):
        project(_input(sectors=bad))
