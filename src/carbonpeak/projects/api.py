"""JSON API of projects (read-only; session login; staff readers, rows scoped to their regions).

- ``GET /api/projects/``: the projects the user may see, with their figures.
- ``GET /api/projects/{id}``: one project with its calculation trace and classification.
- ``GET /api/projects/impact?region=CODE&p=ID&p=ID``: the impact result (same JSON as
  ``carbonpeak projects impact --json`` and the impact page; default: pending projects).
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from carbonpeak.core.errors import UserError
from carbonpeak.core.permissions import can
from carbonpeak.projects import services
from carbonpeak.projects.models import Project

router = Router(auth=django_auth, tags=["两高项目与节能审查"])


class ProjectOut(Schema):
    id: int
    region: str
    code: str
    name: str
    owner: str
    industry_code: str
    stage: str
    production_year: int
    ramp_up_pct: str
    energy_tce: float
    energy_tce_equal_value: float | None
    feedstock_energy_tce: float
    coal_tce: float
    co2_t: float
    is_two_high: bool
    two_high_rule: str
    review_level: str
    disposition: str
    is_sample: bool


def _out(p: Project) -> dict[str, Any]:
    return {
        "id": p.pk,
        "region": p.region.code,
        "code": p.code,
        "name": p.name,
        "owner": p.owner_display,
        "industry_code": p.industry_code,
        "stage": p.stage,
        "production_year": p.production_year,
        "ramp_up_pct": p.ramp_up_pct,
        "energy_tce": p.energy_tce,
        "energy_tce_equal_value": p.energy_tce_equal_value,
        "feedstock_energy_tce": p.feedstock_energy_tce,
        "coal_tce": p.coal_tce,
        "co2_t": p.co2_t,
        "is_two_high": p.is_two_high,
        "two_high_rule": p.two_high_rule,
        "review_level": p.review_level,
        "disposition": p.disposition,
        "is_sample": p.is_sample,
    }


def _visible(request: Any) -> Any:
    if not can(request.user, "projects.list", getattr(request.user, "region", None)):
        raise HttpError(403, "无权访问")
    return Project.objects.visible_to(request.user).select_related("region", "enterprise")


@router.get("/", response=list[ProjectOut], summary="项目列表（本级及下级）")
def project_list(request: Any) -> list[dict[str, Any]]:
    return [_out(p) for p in _visible(request).order_by("region__code", "code")]


@router.get("/impact", summary="项目对目标的影响（与命令行 --json 相同的结构）")
def impact(request: Any, region: str = "", p: list[int] = Query([])) -> dict[str, Any]:  # noqa: B008
    qs = _visible(request)
    from carbonpeak.core.regions import regions_visible_to

    counties = [r for r in regions_visible_to(request.user) if r.level == "county"]
    chosen_region = next((r for r in counties if r.code == region), None) if region else None
    if chosen_region is None:
        own = getattr(request.user, "region", None)
        chosen_region = next((r for r in counties if own is not None and r.pk == own.pk), None) or (
            counties[0] if counties else None
        )
    if chosen_region is None:
        raise HttpError(400, "您的账号范围内没有县级行政区划")
    available = qs.filter(region=chosen_region)
    projects = list(available.filter(pk__in=p)) if p else list(services.pending_projects(available))
    try:
        return services.impact(projects=projects, region=chosen_region).to_dict()
    except UserError as exc:
        raise HttpError(400, exc.message) from None


@router.get("/{project_id}", summary="一个项目：达产年能耗、排放、计算过程、两高判定与审查层级")
def project_detail(request: Any, project_id: int) -> dict[str, Any]:
    project = get_object_or_404(_visible(request), pk=project_id)
    return _out(project) | {"figures": project.figures}
