"""Sample data: labelled 示例数据, idempotent, and no species parameter invented."""

from __future__ import annotations

import io

import pytest

from carbonpeak.core.regions import home_region
from carbonpeak.sinks import samples, services
from carbonpeak.sinks.models import ForestInventory, SpeciesParameter

pytestmark = pytest.mark.django_db


def test_samples_are_labelled_idempotent_and_leave_species_parameters_empty():
    out = io.StringIO()
    samples.load(out)
    samples.load(out)
    region = home_region()
    rows = ForestInventory.objects.in_region(region)
    assert rows.count() == 16 and all(r.is_sample for r in rows)
    assert "示例数据" in rows.first().source_file
    filled = SpeciesParameter.objects.exclude(value=None)
    assert filled.exists() and set(filled.values_list("field", flat=True)) == {"carbon_fraction"}
    r = services.region_result(region=region)
    assert r.illustrative and r.result is None and r.missing
    assert "已存在，跳过" in out.getvalue()
