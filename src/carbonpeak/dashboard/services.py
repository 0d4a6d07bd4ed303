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
    #: cards other apps contribute through ``core.registry.dashboard_cards`` (sinks: forest
    #: sink, net emissions) and lines shown beside the peak outlook (``peak_outlook_lines``)
    cards: list[dict[str, Any]] = field(default_factory=list)
    peak_lines: list[dict[str, Any]] = field(default_factory=list)


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
        "official": bool(get("official", False)),
        "history_note": get("history_note", None),
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
    # Both counts distinct: the filtered count joins the meters, and a plain Count("id")
    # over that join counted meters (7 shown for 3 enterprises).
    ent = Enterprise.objects.in_region(region).aggregate(
        total=Count("id", distinct=True),
        monitored=Count("id", filter=Q(meters__isnull=False), distinct=True),
    )
    if not ent["total"]:
        return None
    alarms = Alarm.objects.in_region(region).filter(status="open").count()
    return {"enterprises": ent["total"], "monitored": ent["monitored"], "alarms": alarms}


# --------------------------------------------------------------------------- assembly


def _card(c: dict[str, Any]) -> dict[str, Any]:
    """A contributed card with every key the template reads (``title``/``note`` accepted)."""
    return {
        "id": c.get("id", ""),
        "label": c.get("label") or c.get("title", ""),
        "value": c.get("value", "—"),
        "unit": c.get("unit", ""),
        "sub": c.get("sub") or c.get("note", ""),
        "url": c.get("url") or "#",
        "level": c.get("level", ""),
        "illustrative": bool(c.get("illustrative")),
    }


def _contributions(region: Any, user: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cards and peak-outlook lines registered by other apps in ``core.registry``."""
    cards = [_card(c) for c in (hook(region, user) for hook in registry.dashboard_cards) if c]
    lines = [ln for ln in (hook(region) for hook in registry.peak_outlook_lines) if ln]
    return cards, lines


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
    cards, peak_lines = _contributions(region, user)
    illustrative = illustrative or any(c.get("illustrative") for c in cards)
    return Dashboard(
        cards=cards,
        peak_lines=peak_lines,
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


# --------------------------------------------------------------------------- Excel export


def export_workbook(d: Dashboard, *, region_name: str, plan_title: str) -> bytes:
    """The dashboard's figures as an Excel workbook (one sheet per section, Chinese headers, units).

    Figures are written as numbers (thousands separators through the cell format), never
    as text, so they can be summed; each sheet says where its figures come from.
    """
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from carbonpeak.core.formatting import comparator_symbol, excel_number_format

    wb = Workbook()
    header_fill = PatternFill("solid", fgColor="E2EFE6")

    def sheet(
        title: str, headers: list[str], rows: list[list[Any]], note: str = "", first: bool = False
    ) -> None:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = title[:31]
        ws.append([f"{region_name} · {title}"])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([note or f"实施方案：{plan_title}"])
        ws.cell(2, 1).font = Font(italic=True, color="666666")
        ws.append(headers)
        for cell in ws[3]:
            cell.font = Font(bold=True)
            cell.fill = header_fill
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                number_format = excel_number_format(cell.value)
                if number_format:
                    cell.number_format = number_format
        for i, h in enumerate(headers, start=1):
            ws.column_dimensions[ws.cell(3, i).column_letter].width = max(10, min(40, len(h) * 2 + 4))
        ws.freeze_panes = "A4"

    peak = d.peak or {}
    summary: list[list[Any]] = [
        ["行政区划", region_name, ""],
        ["实施方案", plan_title, ""],
        ["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M"), ""],
        ["数据说明", "含示例数据，仅供演示" if d.illustrative else "", ""],
        [
            "达峰展望情景",
            peak.get("scenario") or "情景预测尚未运行",
            "官方达峰展望" if peak.get("official") else "未指定官方展望",
        ],
        ["预计达峰年份", peak.get("peak_year") or ("未达峰" if peak else ""), "年"],
        [
            "峰值排放",
            round(float(peak["peak_co2_t"]) / 10000, 2) if peak.get("peak_co2_t") else None,
            "万吨CO₂",
        ],
        ["2030年前达峰概率", peak.get("probability"), "（0–1）"],
        ["情景起点", peak.get("history_note") or "", ""],
        ["指标预警（有风险、滞后）", len(d.warnings), "项"],
    ]
    if d.tasks:
        summary += [["重点任务", d.tasks["total"], "项"], ["其中已完成", d.tasks["completed"], "项"]]
        summary += [[f"其中{k}", v, "项"] for k, v in d.tasks["counts"].items() if k != "已完成"]
    if d.monitoring:
        summary += [
            ["重点用能单位", d.monitoring["enterprises"], "家"],
            ["已接入在线监测", d.monitoring["monitored"], "家"],
            ["未处理告警", d.monitoring["alarms"], "条"],
        ]
    sheet("概要", ["项目", "数值", "单位/说明"], summary, first=True)

    indicator_rows: list[list[Any]] = []
    for r in d.rows:
        i, a = r.indicator, r.assessment
        indicator_rows.append(
            [
                i.name,
                i.unit,
                i.responsible.name if i.responsible_id and i.responsible else "",
                i.baseline_year,
                float(i.baseline_value) if i.baseline_value is not None else None,
                f"{comparator_symbol(i.comparator)} {i.target_value.normalize():f}"
                if i.target_value is not None
                else "无",
                i.target_year,
                a.latest.value if a.latest else None,
                a.latest.t if a.latest else None,
                round(a.progress_pct, 1) if a.progress_pct is not None else None,
                a.projection.value if a.projection else None,
                r.status,
            ]
        )
    sheet(
        "指标一览",
        [
            "指标",
            "单位",
            "责任部门",
            "基准年",
            "基准值",
            "目标",
            "目标年",
            "最新值",
            "最新值所属期（年）",
            "完成进度（%）",
            "目标年预计值",
            "状态",
        ],
        indicator_rows,
    )
    if d.trends:
        sheet(
            "能耗与碳排放",
            ["年份", "能源消费量（吨标准煤，当量值）", "二氧化碳排放（吨）"],
            [
                [y, e, c]
                for y, e, c in zip(d.trends["years"], d.trends["energy_tce"], d.trends["co2_t"], strict=True)
            ],
            note="来源：能耗与碳排放核算" if d.trends.get("source") == "accounting" else "来源：核算类指标",
        )
    if d.tasks:
        statuses = [s["name"] for s in d.tasks["series_action"]]
        sheet(
            "任务完成情况",
            ["行动", "行动名称", *[f"{s}（项）" for s in statuses]],
            [
                [a, title, *[s["data"][k] for s in d.tasks["series_action"]]]
                for k, (a, title) in enumerate(zip(d.tasks["actions"], d.tasks["action_titles"], strict=True))
            ],
        )
    if d.overdue is not None:
        sheet(
            "逾期与滞后任务",
            ["任务编号", "任务", "牵头部门", "情况", "原因"],
            [
                [
                    it["task"].code,
                    it["task"].title,
                    it["department"],
                    "逾期" if it["overdue"] else "滞后",
                    it["reasons"],
                ]
                for it in d.overdue
            ],
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
