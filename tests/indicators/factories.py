"""Small builders for indicator tests."""

from __future__ import annotations

from decimal import Decimal

from carbonpeak.indicators.models import Indicator, Observation


def make_indicator(name="新能源装机容量", *, responsible=None, kind="manual", **extra) -> Indicator:
    values = {
        "unit": "万千瓦",
        "comparator": ">=",
        "baseline_year": 2020,
        "baseline_value": Decimal("35.5"),
        "target_year": 2025,
        "target_value": Decimal("135.5"),
    }
    values.update(extra)
    return Indicator.objects.create(name=name, responsible=responsible, kind=kind, **values)


def observe(indicator, year, value, *, quarter=None, state="approved", **extra) -> Observation:
    return Observation.objects.create(
        indicator=indicator, year=year, quarter=quarter, value=Decimal(str(value)), state=state, **extra
    )
