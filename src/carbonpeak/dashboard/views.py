"""The leaders' dashboard: a region's own (county or city) and the city roll-up of its counties."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from carbonpeak.core.excel import xlsx_response
from carbonpeak.core.models import Region
from carbonpeak.core.permissions import rule_required
from carbonpeak.core.regions import SESSION_KEY
from carbonpeak.dashboard import city as city_data
from carbonpeak.dashboard import services as dashboard_data


def _sparks(rows: list[Any]) -> dict[str, list[list[float]]]:
    return {str(r.indicator.pk): [[p.t, round(p.value, 4)] for p in r.points] for r in rows if r.points}


@rule_required("dashboard.view")
def index(request: HttpRequest) -> HttpResponse:
    region = getattr(request, "region", None)
    data = dashboard_data.build(region=region, user=request.user)
    return render(
        request,
        "dashboard/index.html",
        {
            "d": data,
            "sparks": _sparks(data.rows),
            "charts": dashboard_data.chart_payload(data),
            "city_view": region is not None and region.level != "county",
        },
    )


@rule_required("dashboard.view_city")
def city(request: HttpRequest) -> HttpResponse:
    region = getattr(request, "region", None)
    data = city_data.build(region)
    return render(request, "dashboard/city.html", {"c": data})


@rule_required("dashboard.view_city")
def city_export(request: HttpRequest) -> HttpResponse:
    region = getattr(request, "region", None)
    data = city_data.build(region)
    return xlsx_response(city_data.export_xlsx(data), f"{data.region.name}各县市区碳达峰进展.xlsx")


@rule_required("dashboard.view_city")
def drill_down(request: HttpRequest, code: str) -> HttpResponse:
    """Open a county's own dashboard from the city roll-up (a county below the user's region)."""
    own = request.user.region  # type: ignore[union-attr]
    target = Region.objects.filter(code=code, path__startswith=own.path).first()
    if target is None:
        raise Http404("没有这个行政区划，或您无权查看。")
    request.session[SESSION_KEY] = target.code
    return redirect("dashboard:index")
