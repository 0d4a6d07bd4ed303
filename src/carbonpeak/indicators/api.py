"""JSON API of indicators (read-only; session login; office, leader and department users).

- ``GET /api/indicators/``: every indicator with its latest value, progress, projection and status.
- ``GET /api/indicators/warnings``: indicators rated 有风险 or 滞后 (red first).
- ``GET /api/indicators/{id}/observations``: an indicator's observations with their review state.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from carbonpeak.core.permissions import can
from carbonpeak.indicators import services
from carbonpeak.indicators.models import Indicator

router = Router(auth=django_auth, tags=["指标"])


def _check(request) -> None:
    if not can(request.user, "indicators.view_indicators"):
        raise HttpError(403, "无权访问")


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    comparator: str
    value_kind: str
    baseline_year: int
    baseline_value: float | None
    target_year: int | None
    target_value: float | None
    responsible: str | None
    kind: str
    computed_key: str
    latest_period: float | None
    latest_value: float | None
    progress_pct: float | None
    projected_value: float | None
    projection_method: str | None
    status: str
    level: str


class WarningOut(Schema):
    indicator_id: int
    name: str
    status: str
    level: str
    department_id: int | None
    department: str
    message: str


class ObservationOut(Schema):
    year: int
    quarter: int | None
    value: float
    source: str
    state: str
    illustrative: bool


def _num(v) -> float | None:
    return float(v) if v is not None else None


@router.get("/", response=list[IndicatorOut], summary="指标及其状态、进度与目标年预计值")
def indicators(request):
    _check(request)
    out = []
    for r in services.indicator_rows():
        i, a = r.indicator, r.assessment
        out.append(
            {
                "id": i.pk,
                "name": i.name,
                "unit": i.unit,
                "comparator": i.comparator,
                "value_kind": i.value_kind,
                "baseline_year": i.baseline_year,
                "baseline_value": _num(i.baseline_value),
                "target_year": i.target_year,
                "target_value": _num(i.target_value),
                "responsible": i.responsible.name if i.responsible else None,
                "kind": i.kind,
                "computed_key": i.computed_key,
                "latest_period": a.latest.t if a.latest else None,
                "latest_value": a.latest.value if a.latest else None,
                "progress_pct": a.progress_pct,
                "projected_value": a.projection.value if a.projection else None,
                "projection_method": a.projection.method if a.projection else None,
                "status": r.status,
                "level": r.level,
            }
        )
    return out


@router.get("/warnings", response=list[WarningOut], summary="预警指标（有风险、滞后）")
def warnings(request):
    _check(request)
    return [w.__dict__ for w in services.active_warnings()]


@router.get("/{indicator_id}/observations", response=list[ObservationOut], summary="指标的观测值")
def observations(request, indicator_id: int):
    _check(request)
    indicator = get_object_or_404(Indicator, pk=indicator_id)
    return [
        {
            "year": o.year,
            "quarter": o.quarter,
            "value": float(o.value),
            "source": o.source,
            "state": o.state,
            "illustrative": o.illustrative,
        }
        for o in indicator.observations.order_by("year", "quarter")
    ]
