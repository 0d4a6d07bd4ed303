"""JSON API of the forest carbon-sink accounting (read-only; session login; staff roles).

- ``GET /api/sinks/result``: the region being viewed — its stock per year and species group,
  annual sink (the shape of ``carbonpeak sinks compute --json``), or, while parameters are
  missing, ``computed: false`` with the exact list of missing values.
"""

from __future__ import annotations

from typing import Any

from ninja import Router
from ninja.errors import HttpError
from ninja.security import django_auth

from carbonpeak.core.permissions import can
from carbonpeak.sinks import services

router = Router(auth=django_auth, tags=["林业碳汇核算"])


@router.get("/result", summary="当前区划的森林碳储量、年碳汇与计算过程；参数不全时列出缺少的数值")
def result(request) -> dict[str, Any]:
    region = getattr(request, "region", None)
    if region is None or not can(request.user, "sinks.view", region):
        raise HttpError(403, "无权访问")
    r = services.region_result(region=region)
    out: dict[str, Any] = {
        "region": {"code": region.code, "name": region.name},
        "computed": r.result is not None,
        "inventory_years": r.inventory_years,
        "parameter_set": (
            {"name": r.parameter_set.name, "version": r.parameter_set.version} if r.parameter_set else None
        ),
        "missing": [
            {"species_group": m.species_group, "field": m.field, "label": m.label} for m in r.missing
        ],
        "illustrative": r.illustrative,
    }
    if r.result is not None:
        out.update(r.result.to_dict())
        out["forest_cover_pct"] = {f.year: f.forest_cover_pct for f in r.figures}
        out["net_emissions"] = [
            {
                "year": n.year,
                "gross_co2_t": n.gross_co2_t,
                "sink_co2_t_per_year": n.sink_co2_t_per_year,
                "net_co2_t": n.net_co2_t,
            }
            for n in r.net_emissions
        ]
    return out
