"""Intensities, decline rates, pro-rata requirement and barometer levels (DEFAULTS §5–6)."""

from __future__ import annotations

import pytest

from carbonpeak.engine import targets as t
from carbonpeak.engine.targets import WarningLevel


def test_intensity_and_declines_by_hand():
    # 1 000 000 tce / 3 000 000 万元 = 0.333… tce/万元
    assert t.intensity(1_000_000, 3_000_000) == pytest.approx(1 / 3)
    # (1 − 0.30/0.32) × 100 = 6.25 %
    assert t.annual_decline_pct(0.30, 0.32) == pytest.approx(6.25)
    # (1 − 0.28/0.35) × 100 = 20 %
    assert t.cumulative_decline_pct(0.28, 0.35) == pytest.approx(20.0)
    # a rising intensity gives a negative decline
    assert t.annual_decline_pct(0.33, 0.30) == pytest.approx(-10.0)
    with pytest.raises(ValueError):
        t.intensity(1, 0)


def test_cumulative_equals_compounded_annual_declines():
    series = [0.40, 0.39, 0.37, 0.365, 0.35]
    product = 1.0
    for prev, cur in zip(series, series[1:], strict=False):
        product *= 1 - t.annual_decline_pct(cur, prev) / 100
    assert t.cumulative_decline_pct(series[-1], series[0]) == pytest.approx((1 - product) * 100)


def test_required_decline_pro_rata():
    # 14 % over 5 years: year 5 needs exactly 14 %, year 0 nothing
    assert t.required_decline_pct(14, 5, 5) == pytest.approx(14.0)
    assert t.required_decline_pct(14, 0, 5) == pytest.approx(0.0)
    # year 1: 1 − 0.86^(1/5) = 1 − 0.970286… = 2.9714 %
    assert t.required_decline_pct(14, 1, 5) == pytest.approx(2.97144, abs=1e-4)
    # year 3: ln 0.86 = −0.150823; × 0.6 = −0.090494; e^… = 0.913480; 1 − 0.913480 = 8.6520 %
    assert t.required_decline_pct(14, 3, 5) == pytest.approx(8.6520, abs=1e-4)
    # 18 % CO2-intensity target, year 2: ln 0.82 = −0.198451; × 0.4 = −0.079380; 1 − e^… = 7.6311 %
    assert t.required_decline_pct(18, 2, 5) == pytest.approx(7.6311, abs=1e-4)


@pytest.mark.parametrize(
    ("required", "actual", "level"),
    [
        (10.0, 10.0, WarningLevel.GREEN),  # met exactly
        (10.0, 12.0, WarningLevel.GREEN),
        (10.0, 9.5, WarningLevel.YELLOW),
        (10.0, 9.0, WarningLevel.YELLOW),  # gap 1.0 = 10 % of 10 -> not more than 10 % -> yellow
        (10.0, 8.99, WarningLevel.RED),  # gap 1.01 > 1.0 -> red
        (2.9714, 2.70, WarningLevel.YELLOW),
        (2.9714, 2.60, WarningLevel.RED),
        (10.0, -1.0, WarningLevel.RED),  # intensity above base year
    ],
)
def test_barometer_boundaries(required, actual, level):
    assert t.warning_level(required, actual) is level


def test_rising_intensity_is_always_red():
    assert t.warning_level(5.0, 20.0, rising=True) is WarningLevel.RED


@pytest.mark.parametrize(
    ("allowed", "actual", "level"),
    [
        (100.0, 100.0, WarningLevel.GREEN),
        (100.0, 90.0, WarningLevel.GREEN),
        (100.0, 110.0, WarningLevel.YELLOW),  # 10 over 100 -> not more than 10 %
        (100.0, 110.01, WarningLevel.RED),
    ],
)
def test_total_barometer_boundaries(allowed, actual, level):
    assert t.total_warning_level(allowed, actual) is level


def test_allowed_total_geometric_path():
    # from 1000 to a cap of 1210 over 2 years: year 1 allows 1000 × 1.21^(1/2) = 1100
    assert t.allowed_total(1000, 1210, 1, 2) == pytest.approx(1100)
    assert t.allowed_total(1000, 1210, 2, 2) == pytest.approx(1210)


def test_share():
    assert t.share_pct(25, 200) == pytest.approx(12.5)
    assert t.share_pct(1, 0) is None
