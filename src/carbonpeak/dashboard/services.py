"""What the leaders' dashboard (驾驶舱) shows, gathered in a fixed number of queries.

Each section reads its source app through a small adapter and is ``None`` (shown as an
empty state) when that app has not landed or has no data:

- indicators and warnings: this app (two queries);
- energy and CO2 trends, structure by sector and carrier: accounting's
  ``yearly_summary()``, falling back to the computed indicators' series;
- task completion and the overdue list: supervision's ``task_progress()`` (derived
  task status), falling back to the plan's due dates;
- peak outlook: the scenarios app;
- online monitoring: monitoring's ``enterprise_status_summary()``.

No arithmetic on figures happens in the view: the numbers come from the engine or from
the source apps; this module only groups and labels them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from carbonpeak.core import registry
from carbonpeak.engine import indicators as engine
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.indicators import services
from carbonpeak.indicators.models import Indicator, Observation
from carbonpeak.monitoring.models import Alarm
from carbonpeak.plans.models import Plan, Task
from carbonpeak.scenarios import services as scenario_services
from carbonpeak.supervision import services as supervision_services

TASK_STATUS_LABELS = {
    "completed": "已完成",
    "in_progress": "推进中",
    "not_started": "未启动",
    "lagging": "滞后",
}
TASK_STATUS_ORDER = ("completed", "in_progress", "not_started", "lagging")


def _url(name: str, *args: Any, **query: Any) -> str:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _first_url(*names: str) -> str:
    for name in names:
        url = _url(name)
        if url:
            return url
    return ""


@dataclass
class Dashboard:
    rows: list[services.IndicatorRow]
    warnings: list[services.IndicatorWarning]
    status_counts: dict[str, int]
    intensity: dict[str, Any] | None
    peak: dict[str, Any] | None
    trends: dict[str, Any] | None
    structure: dict[str, Any] | None
    tasks: dict[str, Any] | None
    overdue: list[dict[str, Any]] | None
    monitoring: dict[str, Any] | None
    pending_reviews: int
    illustrative: bool
    links: dict[str, str] = field(default_factory=dict)
    region: Any = None
    plan: Any = None
    #: Cards other apps contribute through ``core.registry.dashboard_cards``.
    cards: list[dict[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------- sections


def _intensity_card(rows: list[services.IndicatorRow]) -> dict[str, Any] | None:
    """Cumulative energy-intensity decline against the compound target path."""
    by_key = {r.indicator.computed_key: r for r in rows if r.indicator.computed_key}
    row = by_key.get("energy_intensity_decline_cumulative_pct")
    if row is None or row.assessment.latest is None:
        return None
    i, a = row.indicator, row.assessment
    # Both target fields are nullable; without a target year there is no path to draw.
    if i.target_value is None or i.target_year is None:
        return None
    spec = engine.IndicatorSpec(
        i.comparator,
        float(i.baseline_year),
        float(i.baseline_value or 0),
        float(i.target_year),
        float(i.target_value),
        i.value_kind,
    )
    years = list(range(i.baseline_year, i.target_year + 1))
    path = [[y, round(engine.target_path_value(spec, y), 2)] for y in years]
    actual = [[p.t, round(p.value, 2)] for p in row.points]
    co2 = by_key.get("co2_intensity_decline_cumulative_pct")
    return {
        "indicator": i,
        "latest": a.latest,
        "expected": a.expected_now,
        "target": float(i.target_value),
        "target_year": i.target_year,
        "status": row.status,
        "level": row.level,
        "path": path,
        "actual": actual,
        "co2": co2.assessment.latest if co2 else None,
        "co2_indicator": co2.indicator if co2 else None,
        "co2_status": co2.status if co2 else None,
    }


def _peak_outlook(region: Any) -> dict[str, Any] | None:
    """Peak year and the probability of peaking by 2030, from the region's scenarios."""
    data = scenario_services.peak_outlook(region)
    if data is None:
        return None
    get = data.get if isinstance(data, dict) else lambda k, d=None: getattr(data, k, d)
    peak_year = get("peak_year")
    prob = get("probability_peak_by_2030", None)
    if prob is None:
        prob = get("p_peak_by_2030", None)
    return {
        "peak_year": peak_year,
        "peak_co2_t": get("peak_co2_t", None),
        "illustrative": bool(get("illustrative", False)),
        "probability": prob,
        "scenario": get("scenario_name", None) or get("scenario", None),
        "url": get("url", None) or _first_url("scenarios:index", "scenarios:list"),
    }


def _as_pairs(value: Any, *keys: str) -> list[tuple[str, float]]:
    """``{name: number}`` or ``[{name|sector|carrier: …, energy_tce|co2_t|value: …}]`` as pairs."""
    out: list[tuple[str, float]] = []
    if isinstance(value, dict):
        for name, v in value.items():
            if isinstance(v, dict):
                v = next((v[k] for k in keys if v.get(k) is not None), None)
            if isinstance(v, (int, float)) or (v is not None and str(v).replace(".", "", 1).isdigit()):
                out.append((str(name), float(v)))
    elif isinstance(value, (list, tuple)):
        for item in value:
            if not isinstance(item, dict):
                continue
            name = item.get("label") or item.get("name") or item.get("sector") or item.get("carrier")
            v = next((item[k] for k in keys if item.get(k) is not None), None)
            if name is not None and v is not None:
                out.append((str(name), float(v)))
    return [(n, v) for n, v in out if v > 0]


def _trends_and_structure(
    rows: list[services.IndicatorRow], summary: list[dict[str, Any]]
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    if summary:
        ordered = sorted(summary, key=lambda r: int(r["year"]))
        years = [int(r["year"]) for r in ordered]
        energy = [_num(r.get("energy_tce")) for r in ordered]
        co2 = [_num(r.get("co2_t")) for r in ordered]
        trends: dict[str, Any] | None = {
            "years": years,
            "energy_tce": energy,
            "co2_t": co2,
            "source": "accounting",
        }
        latest = ordered[-1]
        sector = _as_pairs(latest.get("by_sector"), "energy_tce", "co2_t", "value")
        carrier = _as_pairs(latest.get("by_carrier"), "energy_tce", "value", "co2_t")
        structure = (
            {"year": int(latest["year"]), "by_sector": sector, "by_carrier": carrier}
            if (sector or carrier)
            else None
        )
        if not any(v is not None for v in energy + co2):
            trends = None
        return trends, structure
    by_key = {r.indicator.computed_key: r for r in rows if r.indicator.computed_key}
    e, c = by_key.get("energy_tce"), by_key.get("co2_t")
    if not (e and e.points) and not (c and c.points):
        return None, None
    e_map = {int(p.t): p.value for p in (e.points if e else ()) if p.t == int(p.t)}
    c_map = {int(p.t): p.value for p in (c.points if c else ()) if p.t == int(p.t)}
    years = sorted(set(e_map) | set(c_map))
    return {
        "years": years,
        "energy_tce": [e_map.get(y) for y in years],
        "co2_t": [c_map.get(y) for y in years],
        "source": "indicators",
    }, None


def _num(v: Any) -> float | None:
    try:
        return None if v is None else round(float(v), 2)
    except (TypeError, ValueError):
        return None


def _task_sections(today: dt.date, region: Any) -> tuple[dict[str, Any] | None, list[dict[str, Any]] | None]:
    """Task completion by action and by lead department, and the overdue list."""
    plan = Plan.objects.in_region(region).order_by("-issued_on", "-id").first()
    if plan is None:
        return None, None
    tasks = list(
        Task.objects.filter(action__plan=plan).select_related("action").order_by("action__number", "number")
    )
    if not tasks:
        return None, None
    items: list[dict[str, Any]] = []
    for tp in supervision_services.task_progress(tasks, today=today):
        items.append(
            {
                "task": tp.task,
                "status": tp.status,
                "overdue": tp.derived.overdue,
                "department": tp.lead.name if tp.lead else "未明确",
                "department_id": tp.lead.pk if tp.lead else None,
                "reasons": "；".join(tp.derived.reasons),
            }
        )
    source = "supervision"
    by_action: dict[str, Counter[str]] = defaultdict(Counter)
    action_titles: dict[str, str] = {}
    by_dept: dict[str, Counter[str]] = defaultdict(Counter)
    for it in items:
        a = it["task"].action
        key = f"({a.number})"
        action_titles[key] = a.title
        by_action[key][it["status"]] += 1
        by_dept[it["department"]][it["status"]] += 1
    actions = list(by_action)
    depts = sorted(by_dept, key=lambda d: (-sum(by_dept[d].values()), d))[:15]
    total = Counter(it["status"] for it in items)
    task_data = {
        "source": source,
        "total": len(items),
        "counts": {TASK_STATUS_LABELS[s]: total.get(s, 0) for s in TASK_STATUS_ORDER},
        "completed": total.get("completed", 0),
        "actions": actions,
        "action_titles": [action_titles[k] for k in actions],
        "departments": depts,
        "series_action": [
            {"name": TASK_STATUS_LABELS[s], "data": [by_action[k].get(s, 0) for k in actions]}
            for s in TASK_STATUS_ORDER
        ],
        "series_department": [
            {"name": TASK_STATUS_LABELS[s], "data": [by_dept[d].get(s, 0) for d in depts]}
            for s in TASK_STATUS_ORDER
        ],
    }
    overdue = [it for it in items if it["overdue"] or it["status"] == "lagging"]
    detail = "supervision:task_detail" if _url("supervision:task_detail", 0) else "plans:task_detail"
    for it in overdue:
        it["url"] = _url(detail, it["task"].pk)
    return task_data, overdue


def _monitoring(region: Any) -> dict[str, Any] | None:
    """Enterprises under online monitoring and their open alarms (two aggregate queries).

    Counted in the database rather than through monitoring's per-enterprise summary,
    which reads the meter store and grows with the data.
    """
    ent = Enterprise.objects.in_region(region).aggregate(
        total=Count("id"), monitored=Count("id", filter=Q(meters__isnull=False), distinct=True)
    )
    if not ent["total"]:
        return None
    alarms = Alarm.objects.in_region(region).filter(status="open").count()
    return {"enterprises": ent["total"], "monitored": ent["monitored"], "alarms": alarms}


# --------------------------------------------------------------------------- assembly


def build(*, today: dt.date | None = None, region: Any = None, user: Any = None) -> Dashboard:
    """Everything a region's dashboard needs; the number of queries does not grow with the data.

    ``region`` is the county (or city) shown; ``None`` means the home region.
    """
    today = today or timezone.localdate()
    rows = services.indicator_rows(Indicator.objects.in_region(region))
    warnings = services.warnings_from_rows(rows)
    counts = Counter(r.status for r in rows)
    summary, summary_illustrative = services.accounting_summary_cached(region)
    trends, structure = _trends_and_structure(rows, summary)
    token = services._current_rows.set(rows)
    try:
        tasks, overdue = _task_sections(today, region)
    finally:
        services._current_rows.reset(token)
    stats = Observation.objects.in_region(region).aggregate(
        pending=Count("id", filter=Q(state=Observation.State.PENDING)),
        illustrative=Count("id", filter=Q(illustrative=True)),
    )
    illustrative = bool(stats["illustrative"]) or summary_illustrative
    return Dashboard(
        rows=rows,
        warnings=warnings,
        status_counts={s: counts.get(s, 0) for s in engine.STATUSES + (services.NO_TARGET,)},
        intensity=_intensity_card(rows),
        peak=_peak_outlook(region),
        trends=trends,
        structure=structure,
        tasks=tasks,
        overdue=overdue,
        monitoring=_monitoring(region),
        pending_reviews=stats["pending"],
        illustrative=illustrative,
        region=region,
        plan=Plan.objects.in_region(region).order_by("-issued_on", "-id").first(),
        cards=[card for hook in registry.dashboard_cards if (card := hook(region, user)) is not None],
        links={
            "accounting": _first_url("accounting:index", "accounting:summary", "accounting:dashboard"),
            "ledger": _first_url("supervision:index", "supervision:tasks", "plans:ledger"),
            "overdue": _first_url(
                "supervision:overdue", "supervision:tasks", "supervision:index", "plans:ledger"
            ),
            "monitoring": _first_url("monitoring:index", "monitoring:dashboard", "monitoring:alarms"),
            "scenarios": _first_url("scenarios:index", "scenarios:list"),
            "indicators": _url("indicators:list"),
            "warnings": _url("indicators:list", warn=1),
        },
    )


def chart_payload(d: Dashboard) -> dict[str, Any]:
    """The JSON the dashboard's charts read (already computed figures, only rearranged)."""
    return {
        "trends": d.trends,
        "intensity": {"path": d.intensity["path"], "actual": d.intensity["actual"]} if d.intensity else None,
        "structure": d.structure,
        "tasks": {k: v for k, v in d.tasks.items() if k != "counts"} if d.tasks else None,
    }
