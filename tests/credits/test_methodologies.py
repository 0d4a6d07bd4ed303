"""Methodology versions: factors need sources, no overlap, refusal without factors."""

from __future__ import annotations

import datetime as dt

import pytest

from carbonpeak.core.errors import UserError
from carbonpeak.credits.services import methodologies

from .conftest import V1_FROM

pytestmark = pytest.mark.django_db

BASE = {
    "valid_from": V1_FROM,
    "valid_to": None,
    "reduction_kg_per_unit": None,
    "reduction_source": "",
    "baseline_kg_per_unit": None,
    "baseline_source": "",
    "project_kg_per_unit": None,
    "project_source": "",
    "daily_cap_units": None,
    "points_per_kg": 1000,
}


def test_factor_without_source_is_refused(bus, office_user) -> None:
    with pytest.raises(UserError, match="来源"):
        methodologies.add_version(
            methodology=bus,
            user=office_user,
            version="v9",
            **(BASE | {"reduction_kg_per_unit": 0.08, "valid_from": V1_FROM.replace(year=2030)}),
        )


def test_missing_factor_is_refused(bus, office_user) -> None:
    # CI_CAR_BASELINE_EF is not_found: a PE alone (CI_BUS_PE_BJ) cannot make a version
    values = BASE | {
        "project_kg_per_unit": 0.0562,
        "project_source": "CI_BUS_PE_BJ",
        "valid_from": V1_FROM.replace(year=2030),
    }
    with pytest.raises(UserError, match="基准线排放因子和项目排放因子"):
        methodologies.add_version(methodology=bus, user=office_user, version="v9", **values)


def test_overlapping_validity_is_refused(bus, office_user) -> None:
    values = BASE | {
        "reduction_kg_per_unit": 0.1,
        "reduction_source": "test value",
        "valid_from": V1_FROM + dt.timedelta(days=30),
    }
    with pytest.raises(UserError, match="重叠"):
        methodologies.add_version(methodology=bus, user=office_user, version="v2", **values)


def test_reference_factors_carry_sources_and_blanks() -> None:
    rows = {r.code: r for r in methodologies.reference_factors()}
    assert rows["CI_BUS_BJ_MIN"].value == 80 and rows["CI_BUS_BJ_MIN"].verification == "secondary_single"
    assert rows["CI_CAR_BASELINE_EF"].value is None and rows["CI_CAR_BASELINE_EF"].verification == "not_found"
