"""JSON API of the scenarios (read-only; session login; office, leader and department users).

- ``GET /api/scenarios/``: scenarios with their current version's peak summary.
- ``GET /api/scenarios/{id}``: a version's cached result (``?version=N``, default the
  current one), in the same shape as ``carbonpeak scenario run --json`` plus per-sector paths.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from carbonpeak.core.permissions import can
from carbonpeak.scenarios.models import Scenario

router = Router(auth=django_auth, tags=["达峰情景分析"])


def _check(request) -> None:
    if not can(request.user, "scenarios.view_scenarios"):
        raise HttpError(403, "无权访问")


class ScenarioOut(Schema):
    id: int
    name: str
    kind: str
    illustrative: bool
    version: int | None
    peak_year: int | None
    peak_co2_t: float | None
    peaks_by_2030: bool | None
    p_peak_by_2030: float | None


@router.get("/", response=list[ScenarioOut], summary="情景列表及当前版本的达峰结果")
def scenarios(request):
    _check(request)
    out = []
    for s in Scenario.objects.prefetch_related("versions"):
        v = s.current
        r = (v.results if v else None) or {}
        out.append(
            {
                "id": s.pk,
                "name": s.name,
                "kind": s.kind,
                "illustrative": s.illustrative,
                "version": v.number if v else None,
                "peak_year": r.get("peak_year") if r.get("peaked") else None,
                "peak_co2_t": r.get("peak_co2_t"),
                "peaks_by_2030": r.get("peaks_by_2030"),
                "p_peak_by_2030": (r.get("montecarlo") or {}).get("p_peak_by_2030"),
            }
        )
    return out


@router.get("/{scenario_id}", response=dict[str, Any], summary="情景某一版本的计算结果")
def result(request, scenario_id: int, version: int | None = None):
    _check(request)
    s = get_object_or_404(Scenario, pk=scenario_id)
    qs = s.versions.all()
    v = qs.filter(number=version).first() if version is not None else qs.order_by("-number").first()
    if v is None or not v.results:
        raise HttpError(404, "没有这个版本或尚未计算")
    return {"id": s.pk, "version": v.number, "note": v.note, **v.results}
