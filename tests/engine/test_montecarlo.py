"""Monte Carlo: reproducible with a seed, independent of chunking, consistent with the projection."""

from __future__ import annotations

import numpy as np
import pytest

from carbonpeak.engine.montecarlo import Distribution, draw_offsets, run
from carbonpeak.engine.projection import ProjectionInput, SectorAssumptions, project

PARAMS = {
    "gdp_growth": Distribution("triangular", low=-0.02, mode=0.0, high=0.01),
    "intensity_decline": Distribution("normal", sd=0.006),
    "grid_factor_decline": Distribution("uniform", low=-0.01, high=0.01),
    "electricity_share.industry": Distribution("normal", sd=0.05),
}


def _input(g_late=0.01):
    sectors = (
        SectorAssumptions(
            "industry", "工业", "gdp", 1000.0, 2.5, {2020: 0.3, 2060: 0.7}, {(2021, 2060): 0.03}, {2020: 0.4}
        ),
        SectorAssumptions(
            "households", "居民生活", "population", 300.0, 2.0, {2020: 0.4}, {(2021, 2060): 0.01}
        ),
    )
    return ProjectionInput(
        2020,
        2060,
        1000.0,
        10_000.0,
        0.5,
        {(2021, 2030): 0.06, (2031, 2060): g_late},
        {(2021, 2060): 0.0},
        {(2021, 2060): 0.02},
        {2020: 0.05},
        sectors,
    )


def test_same_seed_same_result_and_chunking_does_not_matter():
    a = run(_input(), PARAMS, draws=3000, seed=42, chunk=1000)
    b = run(_input(), PARAMS, draws=3000, seed=42, chunk=512)
    assert a.p_peak_by_2030 == b.p_peak_by_2030
    assert a.fan == b.fan
    assert a.peak_year_counts == b.peak_year_counts
    c = run(_input(), PARAMS, draws=3000, seed=43, chunk=1000)
    assert c.fan != a.fan


def test_zero_width_distributions_reproduce_the_deterministic_path():
    flat = {k: Distribution("uniform", low=0.0, high=0.0) for k in PARAMS}
    mc = run(_input(), flat, draws=10, seed=1)
    det = project(_input())
    p50 = [mc.fan[y][1] for y in det.years]
    np.testing.assert_allclose(p50, det.co2_t, rtol=2e-5)  # float32 working precision
    expected = 1.0 if det.peak.peaks_by(2030) else 0.0
    assert mc.p_peak_by_2030 == expected


def test_fan_is_ordered_and_probability_is_a_fraction():
    mc = run(_input(), PARAMS, draws=2000, seed=7)
    for p5, p50, p95 in mc.fan.values():
        assert p5 <= p50 <= p95
    assert 0.0 <= mc.p_peak_by_2030 <= 1.0
    assert sum(mc.peak_year_counts.values()) == 2000


def test_probability_extremes():
    # Fast GDP growth all the way: never peaks; strong decline after 2025: always peaks.
    rising = run(
        _input(g_late=0.08), {"gdp_growth": Distribution("uniform", low=0.0, high=0.005)}, draws=500, seed=1
    )
    assert rising.p_peak_by_2030 == 0.0
    falling = run(
        _input(g_late=-0.02), {"gdp_growth": Distribution("uniform", low=-0.005, high=0.0)}, draws=500, seed=1
    )
    assert falling.p_peak_by_2030 == 1.0


def test_draws_follow_their_distributions():
    off = draw_offsets(
        {
            "gdp_growth": Distribution("triangular", low=-0.02, mode=0.0, high=0.01),
            "intensity_decline": Distribution("normal", mean=0.01, sd=0.002),
        },
        20_000,
        5,
        ["industry"],
    )
    g = off["gdp_growth"]
    assert g.min() >= -0.02 and g.max() <= 0.01
    assert g.mean() == pytest.approx((-0.02 + 0.0 + 0.01) / 3, abs=5e-4)
    assert off["intensity_decline"].std() == pytest.approx(0.002, rel=0.05)


def test_invalid_distribution_and_lever():
    with pytest.raises(ValueError, match="三角分布"):
        Distribution("triangular", low=0.0, mode=-1.0, high=1.0)
    with pytest.raises(ValueError, match="分布类型"):
        Distribution("lognormal")
    with pytest.raises(ValueError, match="不是可扰动的参数"):
        run(_input(), {"nonsense": Distribution("normal", sd=0.1)}, draws=10)


def test_offsets_never_change_the_base_year():
    params = {
        k: Distribution("normal", sd=0.05)
        for k in (
            "gdp_growth",
            "intensity_decline",
            "electricity_share",
            "grid_factor_decline",
            "non_fossil_direct_share",
        )
    }
    mc = run(_input(), params, draws=500, seed=3)
    p5, p50, p95 = mc.fan[2020]
    assert p5 == pytest.approx(p95, rel=1e-6)
    assert p50 == pytest.approx(project(_input()).co2_t[0], rel=1e-6)
