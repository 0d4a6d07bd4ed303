"""Indicator engine: projection on known series, target path, status rule at its boundaries."""

from __future__ import annotations

import math

import pytest
from numpy.testing import assert_allclose

from carbonpeak.engine import indicators as ind
from carbonpeak.engine.indicators import IndicatorSpec, Point

CAPACITY = IndicatorSpec(">=", 2020, 35.5, 2025, 135.5)  # 新能源装机 [万千瓦]
INTENSITY = IndicatorSpec("<=", 2020, 0.50, 2025, 0.40)  # 能耗强度 [tce/万元]
FOREST = IndicatorSpec("=", 2020, 39.0, 2025, 39.0)  # 森林覆盖率稳定在 39.00%
DECLINE = IndicatorSpec(">=", 2020, 0.0, 2025, 14.0, value_kind="decline_pct")


def test_period_time_places_annual_and_quarterly_values_at_period_end():
    assert ind.period_time(2023) == 2023.0
    assert ind.period_time(2023, 4) == 2023.0
    assert ind.period_time(2023, 1) == 2022.25
    with pytest.raises(ValueError):
        ind.period_time(2023, 5)


def test_linear_projection_from_baseline_is_exact():
    # 35.5 -> 55.5 in two years: 10/a, so 2025 gives 55.5 + 30 = 85.5.
    proj = ind.project(CAPACITY, [Point(2022, 55.5)])
    assert proj.method == "linear"
    assert_allclose(proj.slope_per_year, 10.0)
    assert_allclose(proj.value, 85.5)
    # Two points: still baseline -> latest (the earlier point is ignored by the linear rule).
    proj = ind.project(CAPACITY, [Point(2021, 100.0), Point(2022, 55.5)])
    assert proj.method == "linear"
    assert_allclose(proj.value, 85.5)


def test_trend_projection_recovers_known_slope():
    # v = 3 t - 6000 + noise-free: slope 3 per year, value at 2025 = 75.
    points = [Point(t, 3 * t - 6000) for t in (2019, 2020, 2021, 2022, 2023)]
    proj = ind.project(CAPACITY, points)
    assert proj.method == "trend"
    assert_allclose(proj.slope_per_year, 3.0, rtol=1e-9)
    assert_allclose(proj.value, 75.0, rtol=1e-9)


def test_trend_projection_is_least_squares_on_symmetric_noise():
    # Residuals +1, -2, +1 around v = 2 t + c sum to zero and are orthogonal to t: slope stays 2.
    base = [(2021, 10.0), (2022, 12.0), (2023, 14.0)]
    noise = [1.0, -2.0, 1.0]
    points = [Point(t, v + e) for (t, v), e in zip(base, noise, strict=True)]
    proj = ind.project(CAPACITY, points)
    assert_allclose(proj.slope_per_year, 2.0)
    assert_allclose(proj.value, 18.0)


def test_decline_projection_compounds_a_constant_annual_rate():
    # 3 %/a decline for two years: cumulative 1 - 0.97^2; projected to 5 years: 1 - 0.97^5.
    d2 = (1 - 0.97**2) * 100
    proj = ind.project(DECLINE, [Point(2022, d2)])
    assert_allclose(proj.value, (1 - 0.97**5) * 100)
    pts = [Point(2020 + k, (1 - 0.97**k) * 100) for k in (1, 2, 3)]
    proj = ind.project(DECLINE, pts)
    assert proj.method == "trend"
    assert_allclose(proj.slope_per_year, math.log(0.97))
    assert_allclose(proj.value, (1 - 0.97**5) * 100)


def test_target_path_level_and_decline():
    assert_allclose(ind.target_path_value(CAPACITY, 2022), 35.5 + 100 * 2 / 5)
    assert_allclose(ind.target_path_value(CAPACITY, 2019), 35.5)
    assert_allclose(ind.target_path_value(CAPACITY, 2030), 135.5)
    # Pro-rata progress target of a 14 % five-year decline: 1 - 0.86^(k/5) (DEFAULTS.md §6).
    assert_allclose(ind.target_path_value(DECLINE, 2022), (1 - 0.86 ** (2 / 5)) * 100)


def test_progress_pct():
    assert_allclose(ind.progress_pct(CAPACITY, 85.5), 50.0)
    assert_allclose(ind.progress_pct(INTENSITY, 0.45), 50.0)
    assert ind.progress_pct(FOREST, 39.0) == 100.0
    assert ind.progress_pct(FOREST, 37.0) is None


@pytest.mark.parametrize(
    ("comparator", "value", "expected"),
    [
        (">=", 100.0, True),
        (">=", 99.999, False),
        ("<=", 100.0, True),
        ("<=", 100.001, False),
        ("=", 100.0, True),  # 稳定在: held at or above the level
        ("=", 100.5, True),
        ("=", 99.99, False),
        ("=", 99.5, False),
    ],
)
def test_meets_at_the_boundary(comparator, value, expected):
    assert ind.meets(value, 100.0, comparator) is expected


def test_no_observation_is_no_data():
    a = ind.assess(CAPACITY, [])
    assert a.status == ind.NO_DATA
    assert a.projection is None


def test_status_achieved_when_latest_meets_target_exactly():
    assert ind.assess(CAPACITY, [Point(2023, 135.5)]).status == ind.ACHIEVED
    assert ind.assess(INTENSITY, [Point(2023, 0.40)]).status == ind.ACHIEVED
    assert ind.assess(FOREST, [Point(2023, 39.0)]).status == ind.ACHIEVED


def test_status_on_track_when_projection_meets_target_exactly():
    # Linear from baseline: 35.5 -> 95.5 in 3 years = 20/a -> 135.5 in 2025: exactly the target.
    a = ind.assess(CAPACITY, [Point(2023, 95.5)])
    assert_allclose(a.projection.value, 135.5)
    assert a.status == ind.ON_TRACK
    assert a.level == "green"


def _capacity_with_projection(p: float) -> list[Point]:
    # Single point at 2024 on the line from baseline (2020, 35.5) that hits p in 2025.
    slope = (p - 35.5) / 5
    return [Point(2024, 35.5 + 4 * slope)]


def test_status_at_risk_within_ten_percent_and_lagging_beyond():
    # Target 135.5: shortfall exactly 10 % -> P = 121.95 is 有风险; a little more is 滞后.
    at_band = ind.assess(CAPACITY, _capacity_with_projection(135.5 * 0.9 + 1e-9))
    assert at_band.status == ind.AT_RISK
    assert at_band.level == "yellow"
    beyond = ind.assess(CAPACITY, _capacity_with_projection(135.5 * 0.9 - 1e-6))
    assert beyond.status == ind.LAGGING
    assert beyond.level == "red"


def test_lower_is_better_boundaries():
    # Intensity 0.50 -> target 0.40. Projection 0.44 = 10 % over -> 有风险; 0.4401 -> 滞后.
    def pts(p):
        return [Point(2024, 0.50 + (p - 0.50) * 4 / 5)]

    assert ind.assess(INTENSITY, pts(0.44 - 1e-12)).status == ind.AT_RISK
    assert ind.assess(INTENSITY, pts(0.4401)).status == ind.LAGGING
    assert ind.assess(INTENSITY, pts(0.40)).status == ind.ON_TRACK


def test_equal_comparator_falling_cover_is_at_risk_or_lagging():
    # Forest cover must stay at 39.00 %. Falling to 38.6 in 2024 projects 38.5 (1.3 % off): 有风险.
    assert ind.assess(FOREST, [Point(2024, 38.6)]).status == ind.AT_RISK
    # Falling 4 points a year projects far below: 滞后.
    assert ind.assess(FOREST, [Point(2021, 35.0)]).status == ind.LAGGING


def test_target_year_passed_and_not_met_is_lagging_even_if_close():
    assert ind.assess(CAPACITY, [Point(2025, 135.0)]).status == ind.LAGGING
    assert ind.assess(CAPACITY, [Point(2026, 135.5)]).status == ind.ACHIEVED


def test_decline_rate_status_uses_the_compound_path():
    # 3 %/a gives 14.13 % after 5 years: on track for a 14 % target.
    on_track = [Point(2020 + k, (1 - 0.97**k) * 100) for k in (1, 2, 3)]
    assert ind.assess(DECLINE, on_track).status == ind.ON_TRACK
    # 2.5 %/a gives 11.9 %: 15 % short of 14 -> 滞后; 2.8 %/a gives 13.25 %: 5.3 % short -> 有风险.
    slow = [Point(2020 + k, (1 - 0.975**k) * 100) for k in (1, 2, 3)]
    assert ind.assess(DECLINE, slow).status == ind.LAGGING
    near = [Point(2020 + k, (1 - 0.972**k) * 100) for k in (1, 2, 3)]
    assert ind.assess(DECLINE, near).status == ind.AT_RISK
    # Intensity rose: negative decline, far from a positive target: red.
    assert ind.assess(DECLINE, [Point(2021, -1.0)]).level == "red"


def test_decline_pct():
    assert_allclose(ind.decline_pct(0.5, 0.43), 14.0)
    assert ind.decline_pct(0.5, 0.55) < 0
    with pytest.raises(ValueError):
        ind.decline_pct(0.0, 0.4)


def test_spec_rejects_nonsense():
    with pytest.raises(ValueError):
        IndicatorSpec(">", 2020, 0, 2025, 1)
    with pytest.raises(ValueError):
        IndicatorSpec(">=", 2025, 0, 2025, 1)
    with pytest.raises(ValueError):
        IndicatorSpec(">=", 2020, 0, 2025, 120, value_kind="decline_pct")


def test_forest_cover_below_a_stable_at_target_is_not_achieved():
    """森林覆盖率 38.84 against "稳定在39%" (issue 16): held only at or above 39."""
    a = ind.assess(FOREST, [Point(2023, 38.84)])
    assert a.status != ind.ACHIEVED
    assert a.status == ind.AT_RISK  # 0.4 % short: within the 10 % band
    assert ind.assess(FOREST, [Point(2023, 39.2)]).status == ind.ACHIEVED


ENERGY_CAP = IndicatorSpec("<=", 2020, 300.0, 2025, 350.0)  # 能源消费总量控制在 350 万吨标准煤以内


def test_a_ceiling_under_its_cap_before_the_target_year_is_not_achieved():
    """能源消费总量 at 39 % completion must not read 已达成 (issue 16): status agrees with completion."""
    a = ind.assess(ENERGY_CAP, [Point(2022, 319.5)])
    assert_allclose(a.progress_pct, 39.0)
    assert a.status == ind.ON_TRACK  # projected 348.75 stays under the cap
    assert ind.assess(ENERGY_CAP, [Point(2025, 340.0)]).status == ind.ACHIEVED
    assert ind.assess(ENERGY_CAP, [Point(2025, 351.0)]).status == ind.LAGGING


def test_achieved_implies_full_completion_before_the_target_year():
    for spec, value in ((CAPACITY, 140.0), (INTENSITY, 0.39), (DECLINE, 15.0), (FOREST, 39.0)):
        a = ind.assess(spec, [Point(2023, value)])
        assert a.status == ind.ACHIEVED
        assert a.progress_pct >= 100
