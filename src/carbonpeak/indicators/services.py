"""Use cases of the indicators app.

- :func:`create_indicators_from_plan` — one indicator per plan target (idempotent).
- :func:`ensure_computed_indicators` / :func:`refresh_computed` — indicators computed
  by the accounting app (intensities, their declines, totals, non-fossil share).
- :func:`submit_observation`, :func:`review_observation` — department entry, office review.
- :func:`import_observations` — Excel import, all rows or none, errors per row.
- :func:`indicator_rows` — every indicator with its assessment (two queries).
- :func:`active_warnings` — indicators 有风险 / 滞后, for notifications.

Every write runs in one ``transaction.atomic()`` and records audit entries.
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from carbonpeak.accounting import services as accounting_services
from carbonpeak.accounting.models import Dataset
from carbonpeak.core import audit
from carbonpeak.core import notify as notify_mod
from carbonpeak.core.models import Notification
from carbonpeak.core.regions import home_region, home_region_code
from carbonpeak.core.roles import Role, role_of
from carbonpeak.engine import indicators as engine
from carbonpeak.indicators.models import Indicator, Observation
from carbonpeak.plans.models import Department

#: Base year of the 14th Five-Year period: baselines of plan targets default to it.
DEFAULT_BASELINE_YEAR = 2020
NO_TARGET = "仅监测"


class IndicatorInputError(ValueError):
    """A user error (bad value, bad period, bad spreadsheet) with a Chinese message."""

    def __init__(self, message: str, errors: Sequence[str] = ()):
        super().__init__(message)
        self.errors = list(errors)


# --------------------------------------------------------------------------- computed catalogue


@dataclass(frozen=True)
class ComputedDef:
    key: str
    name: str
    unit: str
    comparator: str
    value_kind: str
    summary_path: tuple[str, ...]
    target_year: int | None = None
    target_value: float | None = None
    #: target as a multiple of the baseline value (for intensities: 1 - decline)
    target_factor: float | None = None
    note: str = ""


_NATIONAL_NOTE = "方案要求“完成市下达目标任务”，具体数值未写入方案；默认取国家“十四五”目标（{src}），核算数据集附有市下达目标（TARGETS.csv）时，从核算结果刷新即按其设定；也可由碳达峰办直接修改。"

COMPUTED: tuple[ComputedDef, ...] = (
    ComputedDef(
        "energy_intensity_decline_cumulative_pct",
        "单位地区生产总值能耗累计下降率（较2020年）",
        "%",
        ">=",
        engine.DECLINE_PCT,
        ("declines", "energy_intensity_cumulative_pct"),
        2025,
        13.5,
        note=_NATIONAL_NOTE.format(src="《“十四五”节能减排综合工作方案》下降13.5%"),
    ),
    ComputedDef(
        "co2_intensity_decline_cumulative_pct",
        "单位地区生产总值二氧化碳排放累计下降率（较2020年）",
        "%",
        ">=",
        engine.DECLINE_PCT,
        ("declines", "co2_intensity_cumulative_pct"),
        2025,
        18.0,
        note=_NATIONAL_NOTE.format(src="国家“十四五”规划纲要下降18%"),
    ),
    ComputedDef(
        "energy_intensity",
        "单位地区生产总值能耗",
        "吨标准煤/万元",
        "<=",
        engine.LEVEL,
        ("energy_intensity",),
        2025,
        target_factor=1 - 0.135,
        note="目标值 = 2020年强度 × (1 − 13.5%)，"
        + _NATIONAL_NOTE.format(src="《“十四五”节能减排综合工作方案》"),
    ),
    ComputedDef(
        "co2_intensity",
        "单位地区生产总值二氧化碳排放",
        "吨/万元",
        "<=",
        engine.LEVEL,
        ("co2_intensity",),
        2025,
        target_factor=1 - 0.18,
        note="目标值 = 2020年强度 × (1 − 18%)，" + _NATIONAL_NOTE.format(src="国家“十四五”规划纲要"),
    ),
    ComputedDef(
        "non_fossil_share_pct",
        "非化石能源消费比重",
        "%",
        ">=",
        engine.LEVEL,
        ("non_fossil_share_pct",),
        2025,
        20.0,
        note="默认取《2030年前碳达峰行动方案》（国发〔2021〕23号）2025年全国目标20%，请按市下达目标修改。",
    ),
    ComputedDef(
        "energy_tce",
        "能源消费总量",
        "吨标准煤",
        "<=",
        engine.LEVEL,
        ("energy_tce",),
        note="方案未设总量目标，仅监测。",
    ),
    ComputedDef(
        "co2_t",
        "二氧化碳排放总量",
        "吨",
        "<=",
        engine.LEVEL,
        ("co2_t",),
        note="2030年前达峰；方案未设总量目标，仅监测。",
    ),
)
COMPUTED_BY_KEY = {d.key: d for d in COMPUTED}


def _summary_value(row: dict[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = row
    for part in path:
        if not isinstance(value, dict) or part not in value:
            # Accept a flat key as well ("energy_intensity_cumulative_pct" at top level).
            value = row.get(path[-1]) if isinstance(row, dict) else None
            break
        value = value[part]
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def accounting_summary(region: Any = None) -> list[dict[str, Any]]:
    """A region's yearly accounting summary, or ``[]`` when it has no data."""
    rows = accounting_services.yearly_summary(region)
    return [r for r in rows if isinstance(r, dict) and r.get("year") is not None]


_SUMMARY_CACHE: dict[str, Any] = {}


def accounting_summary_cached(region: Any = None) -> tuple[list[dict[str, Any]], bool]:
    """:func:`accounting_summary` and whether it is illustrative, re-read only when the data changed.

    The accounting result is a large JSON document (it carries the calculation trace);
    decoding it on every dashboard render costs more than everything else together.
    One small query identifies the latest computed dataset (the same choice as
    ``carbonpeak.accounting.services.latest_dataset``); the summary is decoded again
    only when that dataset or its computation time changes. Per process, never stale.
    """
    key = (
        Dataset.objects.in_region(region)
        .exclude(result={})
        .order_by("-computed_at", "-id")
        .values_list("pk", "computed_at", "is_sample")
        .first()
    )
    if key is None:
        return [], False
    cache_key = getattr(region, "code", None) or home_region_code()
    cached = _SUMMARY_CACHE.get(cache_key)
    if cached is None or cached[0] != key:
        if len(_SUMMARY_CACHE) > 256:
            _SUMMARY_CACHE.clear()
        cached = _SUMMARY_CACHE[cache_key] = (key, accounting_summary(region))
    return cached[1], bool(key[2])


# --------------------------------------------------------------------------- creation


@dataclass
class CreateResult:
    created: list[Indicator] = field(default_factory=list)
    existing: int = 0


def _lead_department_id(target: Any) -> int | None:
    if target.responsible_id:
        return target.responsible_id
    if target.task_id is None:
        return None
    for assignment in target.task.assignments.all():
        if assignment.role == "lead":
            return assignment.department_id
    return None


def comparator_for_target(target: Any) -> str:
    """Indicator comparator for a plan target.

    The plan parser reads 达到 as ``=``; "达到 100%" means *at least* 100 %, so ``=``
    becomes ``>=`` unless the plan says the level must be held (稳定在/保持).
    """
    if target.comparator != "=":
        return target.comparator
    quote = target.quote or ""
    return "=" if ("稳定" in quote or "保持" in quote) else ">="


@transaction.atomic
def create_indicators_from_plan(*, plan: Any, user: Any = None) -> CreateResult:
    """One indicator per target of ``plan``; targets that already have one are left alone.

    The baseline year is :data:`DEFAULT_BASELINE_YEAR` (the plan's 十四五 base); the
    baseline value is unknown from the plan and stays empty until the office sets it
    (until then the earliest approved observation serves as the baseline).

    Side effects: creates Indicator rows; one audit entry each.
    """
    from carbonpeak.plans.models import Target

    result = CreateResult()
    targets = (
        Target.objects.filter(plan=plan, tracked_indicator__isnull=True)
        .select_related("task")
        .prefetch_related("task__assignments")
        .order_by("order", "id")
    )
    result.existing = Indicator.objects.filter(target__plan=plan).count()
    # Plan indicators after the computed ones (orders 0–99), in the plan's order.
    next_order = max(
        100, (Indicator.objects.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    )
    for target in targets:
        year = target.year or 2030
        comparator = comparator_for_target(target)
        baseline_year = min(DEFAULT_BASELINE_YEAR, year - 1)
        name = f"{target.indicator}（{target.scope}）" if target.scope else target.indicator
        indicator = Indicator.objects.create(
            plan=plan,
            target=target,
            name=name[:200],
            unit=target.unit,
            comparator=comparator,
            baseline_year=baseline_year,
            baseline_value=target.value if comparator == "=" else None,
            target_year=year,
            target_value=target.value,
            responsible_id=_lead_department_id(target),
            kind=Indicator.Kind.MANUAL,
            target_source=Indicator.TargetSource.PLAN,
            order=next_order,
            note=target.quote,
        )
        next_order += 1
        audit.record(user=user, action="create", instance=indicator, after=audit.snapshot(indicator))
        result.created.append(indicator)
    return result


@transaction.atomic
def ensure_computed_indicators(*, plan: Any = None, user: Any = None, region: Any = None) -> list[Indicator]:
    """Create the computed indicators of :data:`COMPUTED` that do not exist yet.

    Side effects: creates Indicator rows (responsible: 县发展和改革局 when it exists);
    one audit entry each.
    """
    region = plan.region if plan is not None else (region or home_region())
    existing = set(
        Indicator.objects.in_region(region).exclude(computed_key="").values_list("computed_key", flat=True)
    )
    responsible = (
        Department.objects.in_region(region).filter(name__endswith="发展和改革局").order_by("order").first()
    )
    created = []
    for order, d in enumerate(COMPUTED):
        if d.key in existing:
            continue
        indicator = Indicator.objects.create(
            region=region,
            plan=plan,
            name=d.name,
            unit=d.unit,
            comparator=d.comparator,
            value_kind=d.value_kind,
            baseline_year=DEFAULT_BASELINE_YEAR,
            baseline_value=Decimal(0) if d.value_kind == engine.DECLINE_PCT else None,
            target_year=d.target_year,
            target_value=Decimal(str(d.target_value)) if d.target_value is not None else None,
            responsible=responsible,
            kind=Indicator.Kind.COMPUTED,
            target_source=Indicator.TargetSource.NATIONAL,
            computed_key=d.key,
            order=order,
            note=d.note,
        )
        audit.record(user=user, action="create", instance=indicator, after=audit.snapshot(indicator))
        created.append(indicator)
    return created


@dataclass(frozen=True)
class DatasetTargets:
    """The TARGETS rows of an accounting dataset (``Dataset.inputs["targets"]``).

    Each row: ``indicator`` (energy_intensity, co2_intensity: ``decline_pct`` [%];
    energy_total [tce], co2_total [tCO2]: ``cap``), ``base_year``, ``target_year``.
    """

    dataset: str
    rows: tuple[dict[str, Any], ...]


#: TARGETS indicator → computed keys it sets (decline rate, then level; or the total).
TARGETS_KEYS: dict[str, tuple[str, ...]] = {
    "energy_intensity": ("energy_intensity_decline_cumulative_pct", "energy_intensity"),
    "co2_intensity": ("co2_intensity_decline_cumulative_pct", "co2_intensity"),
    "energy_total": ("energy_tce",),
    "co2_total": ("co2_t",),
}
#: Target sources that follow the accounting TARGETS; a person's target is never overwritten.
FOLLOWS_TARGETS = (Indicator.TargetSource.NATIONAL, Indicator.TargetSource.ACCOUNTING)
#: Fields whose change by a person makes the target the office's (碳达峰办设定).
TARGET_FIELDS = ("target_value", "target_year", "comparator")


def latest_dataset_targets(region: Any = None) -> DatasetTargets | None:
    """TARGETS of the region's latest accounting dataset; None without a dataset or TARGETS."""
    ds = accounting_services.latest_dataset(region)
    if ds is None or not (ds.inputs or {}).get("targets"):
        return None
    return DatasetTargets(dataset=ds.name, rows=tuple(ds.inputs["targets"]))


def _plain(number: Any) -> str:
    """A figure for a note: 14, 13.5, 1150000 (no exponent, no trailing zeros)."""
    return format(Decimal(str(number)).normalize(), "f")


def _target_from_targets(
    indicator: Indicator, targets: DatasetTargets
) -> tuple[Decimal, int, str] | str | None:
    """(target value, target year, note) for ``indicator`` from ``targets``.

    Returns a Chinese reason (str) when a TARGETS row concerns the indicator but cannot
    be applied (base year differs from the baseline year, baseline value unknown), None
    when no row concerns it.
    """
    for row in targets.rows:
        keys = TARGETS_KEYS.get(str(row.get("indicator")), ())
        if indicator.computed_key not in keys:
            continue
        base, year = int(row["base_year"]), int(row["target_year"])
        if base != indicator.baseline_year:
            return (
                f"{indicator.name}：核算数据集“{targets.dataset}”的 TARGETS 基准年为{base}年，"
                f"与指标基准年{indicator.baseline_year}年不一致，目标未按其修改"
            )
        where = f"目标取自核算数据集“{targets.dataset}”的 TARGETS："
        tail = "（市下达目标以此为准；如需改动请直接修改目标值）"
        if row.get("decline_pct") is not None:
            d = Decimal(str(row["decline_pct"]))
            figures = f"{base}—{year}年下降{_plain(d)}%"
            if indicator.value_kind == engine.DECLINE_PCT:
                return d, year, where + figures + tail
            if indicator.baseline_value is None:
                return f"{indicator.name}：基准值未知，无法按 TARGETS 下降{_plain(d)}%计算目标值"
            value = (indicator.baseline_value * (1 - d / 100)).quantize(Decimal("0.000001"))
            return value, year, f"目标值 = {base}年强度 × (1 − {_plain(d)}%)，" + where + figures + tail
        if row.get("cap") is not None:
            cap = Decimal(str(row["cap"]))
            figures = f"{year}年不超过{_plain(cap)}{indicator.unit}"
            return cap, year, where + figures + tail
    return None


@dataclass
class RefreshResult:
    indicators: int = 0
    created: int = 0
    updated: int = 0
    years: list[int] = field(default_factory=list)
    #: names of indicators whose target was set from the dataset's TARGETS
    targets_applied: list[str] = field(default_factory=list)
    #: why a TARGETS row was not applied (Chinese, one per indicator)
    targets_skipped: list[str] = field(default_factory=list)


@transaction.atomic
def refresh_computed(
    *,
    user: Any = None,
    summary: list[dict[str, Any]] | None = None,
    illustrative: bool = False,
    targets: DatasetTargets | None = None,
    region: Any = None,
) -> RefreshResult:
    """Write the accounting app's yearly figures into the computed indicators.

    ``summary`` defaults to :func:`accounting_summary`. Values are stored approved
    (they come from the accounting, not from a person); a year already stored with the
    same value is left alone. The baseline value (2020) and intensity targets that are
    multiples of it are filled when still empty.

    ``targets`` defaults to :func:`latest_dataset_targets`. When the dataset has TARGETS,
    the targets of indicators whose source is 国家默认 or 核算数据集 TARGETS are set from
    them (source becomes 核算数据集 TARGETS, note names the dataset and the figures):
    decline rates = ``decline_pct`` [%], intensity levels = baseline × (1 − decline),
    totals = ``cap`` [tce, tCO2]; only when the TARGETS base year equals the indicator's
    baseline year (otherwise the reason goes to ``targets_skipped``). Targets set by a
    person (碳达峰办设定) or by the plan are never changed.

    Side effects: creates missing computed indicators; creates/updates Observation rows
    (one audit entry per indicator changed, one more per target set from TARGETS).
    """
    region = region or home_region()
    if summary is None:
        rows, illustrative = accounting_summary_cached(region)
    else:
        rows = summary
    if targets is None:
        targets = latest_dataset_targets(region)
    ensure_computed_indicators(user=user, region=region)
    result = RefreshResult(years=sorted({int(r["year"]) for r in rows}))
    if not rows:
        return result
    indicators = {i.computed_key: i for i in Indicator.objects.in_region(region).exclude(computed_key="")}
    existing = {
        (o.indicator_id, o.year): o
        for o in Observation.objects.filter(indicator__in=indicators.values(), quarter__isnull=True)
    }
    now = timezone.now()
    for key, indicator in indicators.items():
        d = COMPUTED_BY_KEY.get(key)
        if d is None:
            continue
        result.indicators += 1
        by_year = {int(r["year"]): _summary_value(r, d.summary_path) for r in rows}
        values = {y: v for y, v in by_year.items() if v is not None}
        changed = 0
        for year, value in sorted(values.items()):
            dec = Decimal(str(round(value, 6)))
            obs = existing.get((indicator.pk, year))
            if obs is None:
                Observation.objects.create(
                    indicator=indicator,
                    year=year,
                    value=dec,
                    source="能耗与碳排放核算（自动）",
                    illustrative=illustrative,
                    state=Observation.State.APPROVED,
                    reviewed_at=now,
                )
                result.created += 1
                changed += 1
            elif obs.value != dec or obs.state != Observation.State.APPROVED:
                obs.value = dec
                obs.state = Observation.State.APPROVED
                obs.illustrative = illustrative
                obs.save(update_fields=["value", "state", "illustrative"])
                result.updated += 1
                changed += 1
        before = audit.snapshot(indicator)
        base = values.get(indicator.baseline_year)
        if indicator.baseline_value is None and base is not None:
            indicator.baseline_value = Decimal(str(round(base, 6)))
        if (
            indicator.target_value is None
            and d.target_factor is not None
            and indicator.baseline_value is not None
        ):
            indicator.target_value = (indicator.baseline_value * Decimal(str(d.target_factor))).quantize(
                Decimal("0.000001")
            )
        refreshed = audit.snapshot(indicator)
        if changed or before != refreshed:
            audit.record(
                user=user,
                action="update",
                instance=indicator,
                before=before,
                after=refreshed,
                note=f"由核算结果刷新 {changed} 个年度值",
            )
        if targets is not None and indicator.target_source in FOLLOWS_TARGETS:
            _apply_targets(indicator, targets, result, user)
        if before != audit.snapshot(indicator):
            indicator.save()
    return result


def _apply_targets(indicator: Indicator, targets: DatasetTargets, result: RefreshResult, user: Any) -> None:
    """Set ``indicator``'s target from ``targets`` (in memory; the caller saves); audit entry."""
    found = _target_from_targets(indicator, targets)
    if found is None:
        return
    if isinstance(found, str):
        result.targets_skipped.append(found)
        return
    value, year, note = found
    source = Indicator.TargetSource.ACCOUNTING
    if (indicator.target_value, indicator.target_year, indicator.target_source, indicator.note) == (
        value,
        year,
        source,
        note,
    ):
        return
    before = audit.snapshot(indicator)
    indicator.target_value = value
    indicator.target_year = year
    indicator.target_source = source
    indicator.note = note
    after = audit.snapshot(indicator)
    result.targets_applied.append(indicator.name)
    audit.record(
        user=user,
        action="update",
        instance=indicator,
        before=before,
        after=after,
        note=f"按核算数据集“{targets.dataset}”的 TARGETS 设定目标",
    )


# --------------------------------------------------------------------------- assessment


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator with its approved series and its assessment (what tables and charts show)."""

    indicator: Indicator
    points: tuple[engine.Point, ...]
    assessment: engine.Assessment
    status: str
    level: str
    baseline_is_observed: bool

    @property
    def series(self) -> list[list[float]]:
        return [[p.t, p.value] for p in self.points]


def assess_indicator(
    indicator: Indicator, points: Sequence[engine.Point]
) -> tuple[engine.Assessment, str, bool]:
    """Assessment of one indicator from its approved points.

    Without a target the indicator is only monitored (status :data:`NO_TARGET`). Without
    a baseline value the earliest observation is the baseline (third return value True).
    """
    pts = sorted(points, key=lambda p: p.t)
    if indicator.target_value is None or indicator.target_year is None:
        latest = pts[-1] if pts else None
        return engine.Assessment(NO_TARGET, "", latest, None, None, None, None), NO_TARGET, False
    baseline_year = float(indicator.baseline_year)
    baseline_value = float(indicator.baseline_value) if indicator.baseline_value is not None else None
    observed_baseline = False
    if baseline_value is None:
        if not pts:
            a = engine.assess(_spec(indicator, baseline_year, float(indicator.target_value)), [])
            return a, a.status, False
        baseline_year, baseline_value = pts[0].t, pts[0].value
        observed_baseline = True
    baseline_year = min(baseline_year, float(indicator.target_year) - 1)
    spec = _spec(indicator, baseline_year, baseline_value)
    a = engine.assess(spec, pts)
    return a, a.status, observed_baseline


def _spec(indicator: Indicator, baseline_year: float, baseline_value: float) -> engine.IndicatorSpec:
    """The engine's spec for an indicator; only indicators with a target are assessed."""
    if indicator.target_year is None or indicator.target_value is None:
        raise ValueError(f"indicator {indicator.pk} has no target year/value to assess against")
    return engine.IndicatorSpec(
        comparator=indicator.comparator,
        baseline_year=baseline_year,
        baseline_value=baseline_value,
        target_year=float(indicator.target_year),
        target_value=float(indicator.target_value),
        value_kind=indicator.value_kind,
    )


def indicator_rows(queryset: QuerySet[Indicator] | None = None) -> list[IndicatorRow]:
    """Every indicator of ``queryset`` with its approved series and assessment.

    Two queries whatever the number of indicators and observations.
    """
    qs = (queryset if queryset is not None else Indicator.objects.in_region(None)).select_related(
        "responsible"
    )
    indicators = list(qs)
    series: dict[int, list[engine.Point]] = defaultdict(list)
    obs = (
        Observation.objects.filter(indicator__in=[i.pk for i in indicators], state=Observation.State.APPROVED)
        .order_by("indicator_id", "year", "quarter")
        .values_list("indicator_id", "year", "quarter", "value")
    )
    for indicator_id, year, quarter, value in obs:
        series[indicator_id].append(engine.Point(engine.period_time(year, quarter), float(value)))
    rows = []
    for indicator in indicators:
        points = series.get(indicator.pk, [])
        a, status, observed = assess_indicator(indicator, points)
        rows.append(IndicatorRow(indicator, tuple(points), a, status, a.level, observed))
    return rows


@dataclass(frozen=True)
class IndicatorWarning:
    """An indicator that is 有风险 or 滞后 (feeds notifications and the dashboard)."""

    indicator_id: int
    region_id: int
    name: str
    status: str
    level: str
    department_id: int | None
    department: str
    message: str


def warnings_from_rows(rows: Iterable[IndicatorRow]) -> list[IndicatorWarning]:
    out = []
    for row in rows:
        i = row.indicator
        # Only an indicator with a target is rated 有风险 / 滞后 (NO_TARGET otherwise).
        if row.status not in (engine.AT_RISK, engine.LAGGING) or i.target_year is None:
            continue
        a = row.assessment
        latest = a.latest
        proj = a.projection
        unit = i.unit
        if latest is not None and latest.t >= float(i.target_year):
            msg = f"{i.target_year}年目标 {i.get_comparator_display()} {_fmt(i.target_value)}{unit}，实际 {_fmt(latest.value)}{unit}，未完成"
        else:
            msg = (
                f"按现有趋势 {i.target_year}年预计 {_fmt(proj.value if proj else None)}{unit}，"
                f"目标 {_fmt(i.target_value)}{unit}"
            )
        out.append(
            IndicatorWarning(
                indicator_id=i.pk,
                region_id=i.region_id,
                name=i.name,
                status=row.status,
                level=row.level,
                department_id=i.responsible_id,
                department=i.responsible.name if i.responsible else "",
                message=msg,
            )
        )
    out.sort(key=lambda w: (0 if w.level == "red" else 1, w.name))
    return out


def active_warnings(region: Any = None) -> list[IndicatorWarning]:
    """A region's indicators rated 有风险 (yellow) or 滞后 (red), red first. Two queries.

    ``region=None`` means every region (for ``carbonpeak`` cron jobs).
    """
    qs = Indicator.objects.all() if region is None else Indicator.objects.in_region(region)
    return warnings_from_rows(indicator_rows(qs))


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    number = float(value)
    if abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:.4g}" if abs(number) < 1 else f"{number:.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- observations


def can_enter(user: Any, indicator: Indicator) -> bool:
    """Office enters for any manual indicator; a department user only for its own ones."""
    role = role_of(user)
    if indicator.kind != Indicator.Kind.MANUAL:
        return False
    if role == Role.OFFICE:
        return True
    return (
        role == Role.DEPARTMENT
        and user.department_id is not None
        and user.department_id == indicator.responsible_id
    )


def _parse_value(raw: Any) -> Decimal:
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        value = Decimal(str(raw))
    else:
        text = str(raw or "").strip().replace(",", "").replace("，", "").rstrip("%").strip()
        if not text:
            raise IndicatorInputError("数值不能为空")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise IndicatorInputError(f"数值“{raw}”不是数字") from None
    if not value.is_finite():
        raise IndicatorInputError(f"数值“{raw}”不是有效数字")
    if abs(value) >= Decimal("1e14"):
        raise IndicatorInputError(f"数值“{raw}”超出范围")
    return value


def _check_period(indicator: Indicator, year: Any, quarter: Any) -> tuple[int, int | None]:
    try:
        y = int(str(year).strip())
    except (TypeError, ValueError):
        raise IndicatorInputError(f"年份“{year}”不是整数") from None
    this_year = timezone.localdate().year
    if not 2000 <= y <= this_year:
        raise IndicatorInputError(f"年份 {y} 不在 2000–{this_year} 之间")
    q: int | None = None
    if quarter not in (None, "", 0, "0"):
        try:
            q = int(str(quarter).strip())
        except (TypeError, ValueError):
            raise IndicatorInputError(f"季度“{quarter}”应为 1–4 或留空") from None
        if q not in (1, 2, 3, 4):
            raise IndicatorInputError(f"季度“{quarter}”应为 1–4 或留空")
    if indicator.value_kind == engine.DECLINE_PCT:
        pass
    return y, q


def _upsert(
    indicator: Indicator, year: int, quarter: int | None, value: Decimal, source: str, user: Any
) -> Observation:
    approved = role_of(user) == Role.OFFICE
    if indicator.value_kind == engine.DECLINE_PCT and value >= 100:
        raise IndicatorInputError("累计下降率必须小于 100%")
    obs = Observation.objects.filter(indicator=indicator, year=year, quarter=quarter).first()
    now = timezone.now()
    fields = {
        "value": value,
        "source": source[:200],
        "entered_by": user,
        "illustrative": False,
        "state": Observation.State.APPROVED if approved else Observation.State.PENDING,
        "reviewed_by": user if approved else None,
        "reviewed_at": now if approved else None,
        "review_note": "",
    }
    if obs is None:
        obs = Observation.objects.create(indicator=indicator, year=year, quarter=quarter, **fields)
        audit.record(user=user, action="create", instance=obs, after=audit.snapshot(obs))
        return obs
    before = audit.snapshot(obs)
    for k, v in fields.items():
        setattr(obs, k, v)
    obs.save()
    audit.record(user=user, action="update", instance=obs, before=before, after=audit.snapshot(obs))
    return obs


EDITABLE_FIELDS = (
    "name",
    "unit",
    "comparator",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "responsible",
    "note",
)


@transaction.atomic
def update_indicator(*, indicator: Indicator, user: Any, **values: Any) -> Indicator:
    """Change an indicator's definition (office only): baseline, target, responsible department …

    A change of target value, target year or comparator makes the target source
    碳达峰办设定 (never overwritten by :func:`refresh_computed`).

    Side effects: saves the Indicator; one audit entry with before and after.
    """
    if role_of(user) != Role.OFFICE:
        raise PermissionError("只有碳达峰办可以修改指标")
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"不可修改的字段：{sorted(unknown)}")
    before = audit.snapshot(indicator)
    old_target = [getattr(indicator, name) for name in TARGET_FIELDS]
    for key, value in values.items():
        setattr(indicator, key, value)
    if old_target != [getattr(indicator, name) for name in TARGET_FIELDS]:
        # A person set the target: refreshing from the accounting must not overwrite it.
        indicator.target_source = Indicator.TargetSource.OFFICE
    if indicator.target_year is not None and indicator.target_year <= indicator.baseline_year:
        raise IndicatorInputError("目标年份必须晚于基准年份")
    if indicator.value_kind == engine.DECLINE_PCT and any(
        v is not None and v >= 100 for v in (indicator.baseline_value, indicator.target_value)
    ):
        raise IndicatorInputError("累计下降率必须小于 100%")
    indicator.save()
    audit.record(
        user=user, action="update", instance=indicator, before=before, after=audit.snapshot(indicator)
    )
    return indicator


@transaction.atomic
def submit_observation(
    *, indicator: Indicator, year: Any, quarter: Any = None, value: Any, source: str = "", user: Any
) -> Observation:
    """Enter (or correct) the value of a period.

    A department user's value waits for the office's review; the office's own entry is
    approved at once. Raises :class:`IndicatorInputError` (Chinese) on bad input and
    :class:`PermissionError` when ``user`` may not enter values for ``indicator``.

    Side effects: creates or updates one Observation; one audit entry.
    """
    if not can_enter(user, indicator):
        raise PermissionError("无权填报该指标")
    y, q = _check_period(indicator, year, quarter)
    return _upsert(indicator, y, q, _parse_value(value), source, user)


@transaction.atomic
def review_observation(*, observation: Observation, approve: bool, note: str = "", user: Any) -> Observation:
    """Approve or reject a pending observation (office only; rejecting needs a reason).

    Side effects: updates the Observation; one audit entry.
    """
    if role_of(user) != Role.OFFICE:
        raise PermissionError("只有碳达峰办可以审核")
    if not approve and not note.strip():
        raise IndicatorInputError("退回时请填写审核意见")
    before = audit.snapshot(observation)
    observation.state = Observation.State.APPROVED if approve else Observation.State.REJECTED
    observation.reviewed_by = user
    observation.reviewed_at = timezone.now()
    observation.review_note = note.strip()[:300]
    observation.save()
    audit.record(
        user=user, action="update", instance=observation, before=before, after=audit.snapshot(observation)
    )
    return observation


# --------------------------------------------------------------------------- Excel

SHEET_TITLE = "观测值"
HEADERS = ("指标编号", "指标名称", "单位", "年份", "季度（1-4，全年留空）", "数值", "数据来源")


def template_workbook(indicators: Iterable[Indicator]) -> bytes:
    """An import template: one row per indicator the user may fill, year and value empty."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i in indicators:
        ws.append([i.pk, i.name, i.unit, None, None, None, ""])
    for col, width in zip("ABCDEFG", (10, 48, 14, 8, 20, 14, 30), strict=True):
        ws.column_dimensions[col].width = width
    notes = wb.create_sheet("填写说明")
    for line in (
        "每行一个观测值：指标编号与年份必填，季度留空表示全年数值。",
        "数值只填数字（百分比填 39.5 表示 39.5%）。",
        "部门填报员只能导入本部门负责的指标，导入后由碳达峰办审核。",
        "任何一行有错误时整份文件都不会导入，请按提示修改后重新上传。",
    ):
        notes.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_workbook(rows: Sequence[IndicatorRow], observations: Iterable[Observation]) -> bytes:
    """The indicator table (with status) and every observation, as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(
        [
            "指标编号",
            "指标名称",
            "单位",
            "比较",
            "基准年份",
            "基准值",
            "目标年份",
            "目标值",
            "目标来源",
            "责任部门",
            "最新年份",
            "最新值",
            "完成进度(%)",
            "预计目标年值",
            "预测方法",
            "状态",
        ]
    )
    for row in rows:
        i, a = row.indicator, row.assessment
        ws.append(
            [
                i.pk,
                i.name,
                i.unit,
                i.comparator,
                i.baseline_year,
                float(i.baseline_value) if i.baseline_value is not None else None,
                i.target_year,
                float(i.target_value) if i.target_value is not None else None,
                i.get_target_source_display() if i.target_value is not None else "",
                i.responsible.name if i.responsible else "",
                a.latest.t if a.latest else None,
                a.latest.value if a.latest else None,
                round(a.progress_pct, 1) if a.progress_pct is not None else None,
                round(a.projection.value, 4) if a.projection else None,
                {"linear": "基准年线性外推", "trend": "最小二乘趋势"}.get(a.projection.method, "")
                if a.projection
                else "",
                row.status,
            ]
        )
    ws2 = wb.create_sheet(SHEET_TITLE)
    ws2.append([*HEADERS, "审核状态", "示例数据"])
    for o in observations:
        ws2.append(
            [
                o.indicator_id,
                o.indicator.name,
                o.indicator.unit,
                o.year,
                o.quarter,
                float(o.value),
                o.source,
                o.get_state_display(),
                "示例数据，仅供演示" if o.illustrative else "",
            ]
        )
    for sheet in (ws, ws2):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def import_observations(*, data: bytes, filename: str, user: Any) -> ImportResult:
    """Import observations from an Excel file in the template's layout.

    All rows or none: any bad row raises :class:`IndicatorInputError` whose ``errors``
    name the file, sheet, row and column. A department user may import only rows of
    indicators its department is responsible for.

    Side effects: creates/updates Observation rows (pending for department users,
    approved for the office); one audit entry each; all in one transaction.
    """
    from openpyxl import load_workbook

    name = filename or "上传文件"
    if not name.lower().endswith(".xlsx"):
        raise IndicatorInputError(f"文件“{name}”不是 .xlsx 格式的 Excel 文件，请使用下载的模板")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken or non-Excel file
        raise IndicatorInputError(f"无法读取文件“{name}”：不是有效的 Excel（.xlsx）文件") from None
    ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not rows:
        raise IndicatorInputError(f"文件“{name}”是空的")
    header = [str(c or "").strip() for c in rows[0]]
    if not header or header[0] != HEADERS[0] or len(header) < 6 or header[5] != HEADERS[5]:
        raise IndicatorInputError(
            f"文件“{name}”工作表“{ws.title}”第1行表头应为：{'、'.join(HEADERS)}，请使用下载的模板"
        )
    indicators = {i.pk: i for i in Indicator.objects.all()}
    errors: list[str] = []
    parsed: list[tuple[Indicator, int, int | None, Decimal, str]] = []
    seen: dict[tuple[int, int, int | None], int] = {}
    for n, raw in enumerate(rows[1:], start=2):
        cells = list(raw) + [None] * 7
        if all(c in (None, "") for c in cells[:7]):
            continue
        if cells[3] in (None, "") and cells[5] in (None, ""):
            continue  # template row left empty
        where = f"“{name}”第{n}行"
        try:
            pk = int(str(cells[0]).strip())
            indicator = indicators[pk]
        except (TypeError, ValueError, KeyError):
            errors.append(f"{where}A列（指标编号）：“{cells[0]}”不是已有指标的编号")
            continue
        if not can_enter(user, indicator):
            errors.append(f"{where}A列（指标编号）：无权填报指标“{indicator.name}”（编号 {pk}）")
            continue
        try:
            year, quarter = _check_period(indicator, cells[3], cells[4])
        except IndicatorInputError as exc:
            col = "E列（季度）" if "季度" in str(exc) else "D列（年份）"
            errors.append(f"{where}{col}：{exc}")
            continue
        try:
            value = _parse_value(cells[5])
        except IndicatorInputError as exc:
            errors.append(f"{where}F列（数值）：{exc}")
            continue
        key = (pk, year, quarter)
        if key in seen:
            errors.append(f"{where}：与第{seen[key]}行重复（同一指标同一期间）")
            continue
        seen[key] = n
        parsed.append((indicator, year, quarter, value, str(cells[6] or "").strip()))
    if errors:
        raise IndicatorInputError(f"文件“{name}”有 {len(errors)} 处错误，未导入任何数据", errors)
    if not parsed:
        raise IndicatorInputError(f"文件“{name}”没有可导入的数据行")
    result = ImportResult()
    existing = set(
        Observation.objects.filter(indicator__in=[p[0] for p in parsed]).values_list(
            "indicator_id", "year", "quarter"
        )
    )
    with transaction.atomic():
        for indicator, year, quarter, value, source in parsed:
            try:
                _upsert(indicator, year, quarter, value, source or f"Excel导入：{name}", user)
            except IndicatorInputError as exc:
                raise IndicatorInputError(
                    f"文件“{name}”：{indicator.name} {year}年：{exc}", [str(exc)]
                ) from None
            if (indicator.pk, year, quarter) in existing:
                result.updated += 1
            else:
                result.created += 1
    return result


# --------------------------------------------------------------------------- supervision link


@dataclass(frozen=True)
class TargetLevel:
    """Barometer level of a plan target, read by ``carbonpeak.supervision.indicator_link``."""

    target_id: int
    indicator_id: int
    status: str
    level: str


#: Rows already assessed during the current dashboard render (see ``dashboard.build``).
_current_rows: ContextVar[list[IndicatorRow] | None] = ContextVar("indicator_rows", default=None)


def target_levels(plan: Any) -> list[TargetLevel]:
    """Levels (green/yellow/red) of the plan's targets that have an assessed indicator.

    Two queries, none when called while the dashboard is being built (its rows are reused).
    """
    shared = _current_rows.get()
    if shared is not None:
        plan_id = getattr(plan, "pk", plan)
        rows = [r for r in shared if r.indicator.target_id is not None and r.indicator.plan_id == plan_id]
    else:
        rows = indicator_rows(Indicator.objects.filter(target__plan=plan))
    return [
        TargetLevel(r.indicator.target_id, r.indicator.pk, r.status, r.level)
        for r in rows
        if r.indicator.target_id is not None and r.level
    ]


def detail_chart(row: IndicatorRow) -> dict[str, Any]:
    """Series for an indicator's chart: observations, target path, projection, target point."""
    i, a = row.indicator, row.assessment
    chart: dict[str, Any] = {
        "name": i.name,
        "unit": i.unit,
        "observed": [[p.t, round(p.value, 6)] for p in row.points],
        "path": [],
        "projection": [],
        "target": None,
    }
    if i.target_value is None or i.target_year is None:
        return chart
    chart["target"] = [float(i.target_year), float(i.target_value)]
    baseline_value = float(i.baseline_value) if i.baseline_value is not None else None
    baseline_year = float(i.baseline_year)
    if baseline_value is None and row.points:
        baseline_year, baseline_value = row.points[0].t, row.points[0].value
    if baseline_value is None:
        return chart
    baseline_year = min(baseline_year, float(i.target_year) - 1)
    spec = _spec(i, baseline_year, baseline_value)
    years = sorted({baseline_year, *range(int(baseline_year) + 1, int(i.target_year) + 1)})
    chart["path"] = [[y, round(engine.target_path_value(spec, y), 6)] for y in years]
    if a.latest is not None and a.projection is not None and a.latest.t < float(i.target_year):
        chart["projection"] = [
            [a.latest.t, round(a.latest.value, 6)],
            [float(i.target_year), round(a.projection.value, 6)],
        ]
    return chart


def notify_warnings(*, today: Any = None) -> int:
    """Send each 有风险 / 滞后 indicator to its department's users and the office, once a month.

    Returns the number of notifications created. Running it again in the same month
    for the same indicator and status sends nothing.

    Side effects: Notification rows; e-mail through the outbox (:mod:`carbonpeak.core.notify`).
    """
    from django.urls import reverse

    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    sent = 0
    with transaction.atomic():
        for w in active_warnings():
            url = reverse("indicators:detail", args=[w.indicator_id])
            title = f"指标预警：{w.name}（{w.status}）"[:200]
            already = Notification.objects.filter(
                kind="indicator_warning", url=url, title=title, created_at__date__gte=month_start
            ).exists()
            if already:
                continue
            users = list(notify_mod.office_users(w.region_id))
            if w.department_id:
                users += list(notify_mod.department_users(w.department_id))
            sent += notify_mod.notify(
                users=users, kind="indicator_warning", title=title, body=w.message, url=url
            )
    return sent
