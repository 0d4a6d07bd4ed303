import datetime as dt

import pytest
from numpy.testing import assert_allclose

from carbonpeak.engine.budget import (
    budget_use,
    consistency_deviation_pct,
    key_unit_status,
    year_elapsed_fraction,
)


def test_elapsed_fraction():
    assert_allclose(year_elapsed_fraction(2026, dt.date(2026, 7, 2)), 183 / 365)
    assert year_elapsed_fraction(2024, dt.date(2024, 12, 31)) == 1.0
    assert year_elapsed_fraction(2026, dt.date(2025, 12, 31)) == 0.0


@pytest.mark.parametrize(
    ("consumed", "level"),
    [(3900, "none"), (4000, "notice"), (4500, "warning"), (5000, "exceeded"), (6000, "exceeded")],
)
def test_levels_against_prorated_budget(consumed, level):
    # budget 10,000 tce, half the year gone: pro-rated budget 5,000
    use = budget_use(consumed, 10_000, 0.5)
    assert use.level == level
    assert_allclose(use.use_of_prorated_pct, consumed / 50)
    assert_allclose(use.projected_annual_tce, consumed * 2)


def test_whole_budget_spent_is_exceeded_even_early():
    assert budget_use(10_000, 10_000, 1.0).level == "exceeded"


def test_key_unit_thresholds():
    assert key_unit_status(10_000) == "key_unit"
    assert key_unit_status(9_999.9) == "candidate"
    assert key_unit_status(7_000, designated=True) == "designated"
    assert key_unit_status(4_999) == "below"
    assert key_unit_status(None) == "unknown"


def test_consistency_deviation():
    assert_allclose(consistency_deviation_pct(105, 100), 5.0)
    assert consistency_deviation_pct(1, 0) is None
