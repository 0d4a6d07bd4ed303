"""Sample indicators: one per target of the sample plan, the computed ones from the sample
accounting, and a few illustrative observations (示例数据，仅供演示). Idempotent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from carbonpeak.indicators import allocations, services
from carbonpeak.indicators.models import Indicator, Observation

NOTE = "示例数据，仅供演示"


def load(stdout) -> None:
    from carbonpeak.plans.models import Plan

    load_second_county(stdout)
    plan = Plan.objects.in_region(None).order_by("-issued_on", "-id").first()
    if plan is None:
        stdout.write("指标：尚无实施方案，跳过示例指标")
        return
    with transaction.atomic():
        created = services.create_indicators_from_plan(plan=plan)
        services.ensure_computed_indicators(plan=plan)
        from carbonpeak.indicators.services import accounting_summary

        summary = accounting_summary()
        refreshed = services.refresh_computed(summary=summary, illustrative=True)
        added = 0
        now = timezone.now()
        last = timezone.localdate().year - 1
        for ind in Indicator.objects.filter(kind=Indicator.Kind.MANUAL, target__plan=plan):
            if ind.observations.exists() or ind.target_value is None:
                continue
            target = float(ind.target_value)
            if ind.comparator == "=":
                start, values = target, [target, target * 0.998, target * 0.996]
            else:
                start = target * (0.85 if ind.unit == "%" and target >= 95 else 0.6)
                share = [0.3, 0.5, 0.7] if ind.pk % 3 else [0.15, 0.25, 0.35]
                values = [start + (target - start) * s for s in share]
            if ind.baseline_value is None:
                ind.baseline_value = Decimal(str(round(start, 4)))
                ind.save(update_fields=["baseline_value"])
            for year, value in zip(range(last - 2, last + 1), values, strict=True):
                Observation.objects.create(
                    indicator=ind,
                    year=year,
                    value=Decimal(str(round(value, 4))),
                    source=NOTE,
                    illustrative=True,
                    state=Observation.State.APPROVED,
                    reviewed_at=now,
                )
                added += 1
    stdout.write(
        f"指标：新建 {len(created.created)} 个方案指标，核算刷新 {refreshed.created} 个年度值，示例观测值 {added} 条（{NOTE}）"
    )


#: Sample allocations of the sample city to its two sample counties (示例数据: not a real
#: document; the values repeat the sample TARGETS of each county).
SAMPLE_ALLOCATION_DOCUMENT = "示例数据（非正式下达文件）"


def load_second_county(stdout: Any) -> None:
    """Indicators of the second sample county (华容县) and the sample city's allocations."""
    from carbonpeak.core.models import Region
    from carbonpeak.indicators.models import TargetAllocation
    from carbonpeak.plans.models import Plan

    county = Region.objects.filter(code="430623").first()
    city = Region.objects.filter(code="430600").first()
    if county is None or city is None:
        return
    plan = Plan.objects.in_region(county).order_by("-issued_on", "-id").first()
    with transaction.atomic():
        if plan is not None:
            services.create_indicators_from_plan(plan=plan)
            services.ensure_computed_indicators(plan=plan)
        services.refresh_computed(region=county, illustrative=True)
        for region in Region.objects.filter(parent=city, code__in=("430621", "430623")):
            if TargetAllocation.objects.filter(receiving_region=region).exists():
                continue
            services.ensure_computed_indicators(region=region)
            for key, value in (
                (TargetAllocation.Key.ENERGY_INTENSITY_DECLINE, Decimal("14")),
                (TargetAllocation.Key.CO2_INTENSITY_DECLINE, Decimal("18")),
            ):
                allocation = TargetAllocation.objects.create(
                    region=city,
                    receiving_region=region,
                    key=key,
                    baseline_year=2020,
                    target_year=2025,
                    value=value,
                    document=SAMPLE_ALLOCATION_DOCUMENT,
                    note=NOTE,
                )
                allocations.apply_allocation(allocation)
    stdout.write("已载入华容县示例指标与岳阳市示例下达目标（示例数据，仅供演示）")
