"""Targets a city allocates to its counties (分解下达), and the city's view of their progress.

A :class:`~carbonpeak.indicators.models.TargetAllocation` sets the target of the
receiving county's computed indicator with the same key: value and year from the
allocation, target source 市下达, the document reference in the note. The office's
own later edits or the accounting TARGETS never overwrite it (``FOLLOWS_TARGETS``
excludes 市下达); a new allocation replaces the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse

from carbonpeak.core import audit
from carbonpeak.core import notify as notify_mod
from carbonpeak.core.errors import UserError
from carbonpeak.core.models import Region
from carbonpeak.indicators import services
from carbonpeak.indicators.models import Indicator, TargetAllocation


@transaction.atomic
def allocate(
    *,
    user: Any,
    receiving_region: Region,
    key: str,
    value: Any,
    target_year: int,
    document: str,
    baseline_year: int = services.DEFAULT_BASELINE_YEAR,
    note: str = "",
) -> TargetAllocation:
    """The user's city allocates a target to a region directly or indirectly below it.

    Side effects: TargetAllocation row (created or replaced); the receiving region's
    computed indicator created if missing and its target set (source 市下达); audit
    entries for both; a notification to the receiving region's office (after commit).

    Raises
    ------
    UserError
        Unknown key, a value that is not a number, a target year not after the
        baseline year, or an empty document reference.
    """
    city = getattr(user, "region", None)
    if city is None or not city.contains(receiving_region) or city.pk == receiving_region.pk:
        raise UserError("只能向本级以下的行政区划下达目标。")
    if key not in TargetAllocation.Key.values:
        raise UserError("请选择要下达的指标。")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except Exception:
        raise UserError(f"下达目标值“{value}”不是数字。") from None
    if not number.is_finite():
        raise UserError(f"下达目标值“{value}”不是数字。")
    if int(target_year) <= int(baseline_year):
        raise UserError("目标年份必须晚于基准年份。")
    document = (document or "").strip()
    if not document:
        raise UserError("请填写下达目标的文件依据（文号）。")
    allocation = TargetAllocation.objects.filter(
        receiving_region=receiving_region, key=key, target_year=target_year
    ).first()
    before = audit.snapshot(allocation) if allocation else None
    if allocation is None:
        allocation = TargetAllocation(receiving_region=receiving_region, key=key, target_year=target_year)
    allocation.region = city
    allocation.baseline_year = int(baseline_year)
    allocation.value = number
    allocation.document = document[:200]
    allocation.note = note[:300]
    allocation.allocated_by = user
    allocation.save()
    audit.record(
        user=user,
        action="update" if before else "create",
        instance=allocation,
        before=before,
        after=audit.snapshot(allocation),
        note=f"{city.name}下达{receiving_region.name}",
    )
    indicator = apply_allocation(allocation, user=user)
    notify_mod.notify(
        users=notify_mod.office_users(receiving_region),
        kind="target_allocated",
        title=f"{city.name}下达目标：{allocation.get_key_display()} {allocation.target_year}年",
        body=f"下达值 {allocation.value.normalize():f}{allocation.unit}，文件依据：{allocation.document}。",
        url=reverse("indicators:detail", args=[indicator.pk]),
    )
    return allocation


def apply_allocation(allocation: TargetAllocation, *, user: Any = None) -> Indicator:
    """Set the receiving region's computed indicator from the allocation (audited)."""
    region = allocation.receiving_region
    services.ensure_computed_indicators(region=region, user=user)
    indicator = Indicator.objects.in_region(region).get(computed_key=allocation.key)
    before = audit.snapshot(indicator)
    indicator.target_value = allocation.value
    indicator.target_year = allocation.target_year
    indicator.baseline_year = allocation.baseline_year
    indicator.target_source = Indicator.TargetSource.CITY
    indicator.note = (
        f"{allocation.region.name}下达（{allocation.document}）：{allocation.target_year}年"
        f"{allocation.get_key_display()} {allocation.value.normalize():f}{allocation.unit}。"
    )
    indicator.save()
    audit.record(
        user=user,
        action="update",
        instance=indicator,
        before=before,
        after=audit.snapshot(indicator),
        note="市下达目标",
    )
    return indicator


@dataclass(frozen=True)
class CountyProgress:
    """One county's progress against one allocated target, for the city's table and ranking."""

    region: Region
    allocation: TargetAllocation | None
    indicator: Indicator | None
    latest_year: int | None
    latest_value: float | None
    status: str
    level: str
    #: Share of the allocated target reached so far [%] (declines: achieved ÷ target; totals: None).
    attainment_pct: float | None


def county_progress(city: Region, key: str) -> list[CountyProgress]:
    """Every region directly below ``city`` with its allocation and indicator for ``key``.

    Three queries whatever the number of counties and observations. Ranked by
    attainment (highest first), counties without data last.
    """
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    allocations = {
        a.receiving_region_id: a
        for a in TargetAllocation.objects.filter(receiving_region__in=counties, key=key).order_by(
            "target_year"
        )
    }
    rows = services.indicator_rows(Indicator.objects.filter(region__in=counties, computed_key=key))
    by_region = {r.indicator.region_id: r for r in rows}
    out = []
    for county in counties:
        row = by_region.get(county.pk)
        latest = row.assessment.latest if row is not None else None
        value = latest.value if latest is not None else None
        attainment = None
        allocation = allocations.get(county.pk)
        if allocation is not None and value is not None and key.endswith("_pct") and allocation.value:
            attainment = round(value / float(allocation.value) * 100, 1)
        out.append(
            CountyProgress(
                region=county,
                allocation=allocation,
                indicator=row.indicator if row is not None else None,
                latest_year=int(latest.t) if latest is not None else None,
                latest_value=value,
                status=row.status if row is not None else services.NO_TARGET,
                level=row.level if row is not None else "",
                attainment_pct=attainment,
            )
        )
    out.sort(key=lambda p: (p.attainment_pct is None, -(p.attainment_pct or 0), p.region.code))
    return out
