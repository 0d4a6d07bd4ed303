"""The city roll-up of its counties (市级驾驶舱): energy, CO2, intensity against the
allocated target, task completion and warnings per county, a ranking and the
drill-down into each county's own dashboard.

The number of queries depends on the number of counties (one accounting lookup
each), never on the amount of data behind them: tasks, reports, indicators and
observations of all counties are read in a fixed number of queries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from carbonpeak.core.excel import table_workbook
from carbonpeak.core.models import Region
from carbonpeak.engine import indicators as engine
from carbonpeak.indicators import services as indicator_services
from carbonpeak.indicators.models import Indicator, TargetAllocation
from carbonpeak.plans.models import Plan, Task
from carbonpeak.supervision import services as supervision_services

DECLINE_KEY = TargetAllocation.Key.ENERGY_INTENSITY_DECLINE.value


@dataclass
class CountyRow:
    region: Region
    year: int | None = None
    energy_tce: float | None = None
    co2_t: float | None = None
    energy_intensity: float | None = None
    decline_pct: float | None = None
    allocated_decline_pct: float | None = None
    allocation_document: str = ""
    attainment_pct: float | None = None
    tasks_total: int = 0
    tasks_completed: int = 0
    red: int = 0
    yellow: int = 0
    illustrative: bool = False
    rank: int | None = None

    @property
    def completion_pct(self) -> float | None:
        return round(self.tasks_completed / self.tasks_total * 100, 1) if self.tasks_total else None


@dataclass
class CityDashboard:
    region: Region
    rows: list[CountyRow]
    totals: dict[str, Any] = field(default_factory=dict)
    illustrative: bool = False
    as_of: Any = None


def build(city: Region | None) -> CityDashboard:
    """Roll up every region directly below ``city``."""
    if city is None:
        raise ValueError("city required")
    today = timezone.localdate()
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    rows = {c.pk: CountyRow(region=c) for c in counties}
    # Accounting: each county's latest dataset (cached summary per dataset).
    for county in counties:
        summary, illustrative = indicator_services.accounting_summary_cached(county)
        if summary:
            last = max(summary, key=lambda r: int(r["year"]))
            row = rows[county.pk]
            row.year = int(last["year"])
            row.energy_tce = _num(last.get("energy_tce"))
            row.co2_t = _num(last.get("co2_t"))
            row.energy_intensity = _num(last.get("energy_intensity"))
            row.illustrative = illustrative
    # Indicators and warnings of all counties (two queries).
    ind_rows = indicator_services.indicator_rows(Indicator.objects.filter(region__in=counties))
    for r in ind_rows:
        row = rows[r.indicator.region_id]
        if r.status == engine.LAGGING:
            row.red += 1
        elif r.status == engine.AT_RISK:
            row.yellow += 1
        if r.indicator.computed_key == DECLINE_KEY and r.assessment.latest is not None:
            row.decline_pct = r.assessment.latest.value
    # Allocations (one query) and attainment.
    for a in TargetAllocation.objects.filter(receiving_region__in=counties, key=DECLINE_KEY).order_by(
        "target_year"
    ):
        row = rows[a.receiving_region_id]
        row.allocated_decline_pct = float(a.value)
        row.allocation_document = a.document
    for row in rows.values():
        if row.decline_pct is not None and row.allocated_decline_pct:
            row.attainment_pct = round(row.decline_pct / row.allocated_decline_pct * 100, 1)
    # Tasks of each county's current plan (a fixed number of queries for all counties).
    latest_plan: dict[int, int] = {}
    for plan_id, region_id in (
        Plan.objects.filter(region__in=counties).order_by("issued_on", "id").values_list("id", "region_id")
    ):
        latest_plan[region_id] = plan_id
    tasks = list(Task.objects.filter(action__plan_id__in=latest_plan.values()).select_related("action__plan"))
    completed: Counter[int] = Counter()
    total: Counter[int] = Counter()
    for tp in supervision_services.task_progress(tasks, today=today):
        region_id = tp.task.action.plan.region_id
        total[region_id] += 1
        if tp.status == "completed":
            completed[region_id] += 1
    for region_id, n in total.items():
        rows[region_id].tasks_total = n
        rows[region_id].tasks_completed = completed[region_id]
    ranked = sorted(
        rows.values(), key=lambda r: (r.attainment_pct is None, -(r.attainment_pct or 0), r.region.code)
    )
    for i, row in enumerate(ranked, start=1):
        row.rank = i if row.attainment_pct is not None else None
    totals: dict[str, Any] = defaultdict(float)
    for row in ranked:
        for key in ("energy_tce", "co2_t"):
            value = getattr(row, key)
            if value is not None:
                totals[key] += value
        totals["tasks_total"] += row.tasks_total
        totals["tasks_completed"] += row.tasks_completed
        totals["red"] += row.red
        totals["yellow"] += row.yellow
    return CityDashboard(
        region=city,
        rows=ranked,
        totals=dict(totals),
        illustrative=any(r.illustrative for r in ranked),
        as_of=today,
    )


def _num(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def export_xlsx(data: CityDashboard) -> bytes:
    """The table a city circulates: counties ranked by attainment of the allocated intensity target."""
    headers = (
        "排名",
        "县（市、区）",
        "行政区划代码",
        "核算年份",
        "能源消费总量 [吨标准煤]",
        "二氧化碳排放 [吨]",
        "单位GDP能耗 [吨标准煤/万元]",
        "能耗强度累计下降 [%]",
        "市下达累计下降目标 [%]",
        "目标完成进度 [%]",
        "文件依据",
        "任务总数",
        "已完成任务",
        "红色预警指标",
        "黄色预警指标",
    )
    rows = (
        (
            r.rank or "—",
            r.region.name,
            r.region.code,
            r.year or "",
            _round(r.energy_tce, 0),
            _round(r.co2_t, 0),
            _round(r.energy_intensity, 4),
            _round(r.decline_pct, 2),
            _round(r.allocated_decline_pct, 2),
            _round(r.attainment_pct, 1),
            r.allocation_document,
            r.tasks_total,
            r.tasks_completed,
            r.red,
            r.yellow,
        )
        for r in data.rows
    )
    note = f"截至 {data.as_of:%Y-%m-%d}；排名按能耗强度下降目标完成进度。" + (
        "含示例数据，仅供演示。" if data.illustrative else ""
    )
    return table_workbook(f"{data.region.name}各县市区碳达峰工作进展", headers, rows, note=note)


def _round(value: float | None, digits: int) -> Any:
    return "" if value is None else round(value, digits)
