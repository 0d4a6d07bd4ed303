"""Sink pages: results, forest inventory (import with preview, export, template), parameters.

Every page is about ``request.region`` (the region being viewed; city users switch in the page
header); ``rule_required`` checks the permission on it. Views render what :mod:`carbonpeak.sinks.services` returns; no arithmetic.
"""

from __future__ import annotations

import base64
import binascii
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core.errors import UserError
from carbonpeak.core.excel import xlsx_response
from carbonpeak.core.models import Region
from carbonpeak.core.permissions import can, rule_required
from carbonpeak.engine.sinks import PARAMETER_PUBLICATIONS, missing_parameters
from carbonpeak.sinks import services, tables
from carbonpeak.sinks.forms import InventoryUploadForm, ParameterForm
from carbonpeak.sinks.models import ForestInventory, ParameterSet, SinkSettings, SpeciesParameter

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _region(request: HttpRequest) -> Region:
    """The region whose pages the user is viewing (``request.region``: its own, or a county
    below it chosen in the page header's switcher)."""
    region = getattr(request, "region", None)
    if region is None:
        raise Http404("您的账号没有所属行政区划")
    return region


def _context(request: HttpRequest, region: Region, **extra: Any) -> dict[str, Any]:
    return {
        "region": region,
        "can_manage_inventory": can(request.user, "sinks.manage_inventory", region),
        "can_manage_parameters": can(request.user, "sinks.manage_parameters", region),
        **extra,
    }


def _back(name: str) -> HttpResponse:
    return redirect(name)


# -----------------------------------------------------------------------------------------
# results
# -----------------------------------------------------------------------------------------
@rule_required("sinks.view")
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    result = services.region_result(region=region)
    return render(request, "sinks/index.html", _context(request, region, r=result))


# -----------------------------------------------------------------------------------------
# inventory
# -----------------------------------------------------------------------------------------
def _inventory_page(request: HttpRequest, region: Region, *, status: int = 200, **extra: Any) -> HttpResponse:
    rows = ForestInventory.objects.in_region(region).order_by("year", "id")
    years = [(year, list(items)) for year, items in groupby(rows, key=lambda r: r.year)]
    return render(
        request, "sinks/inventory.html", _context(request, region, years=years, **extra), status=status
    )


@rule_required("sinks.view")
def inventory(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    return _inventory_page(request, region)


@rule_required("sinks.view")
def inventory_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    return xlsx_response(tables.inventory_template(), "森林资源清单模板.xlsx")


@rule_required("sinks.view")
def inventory_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    return xlsx_response(tables.inventory_export(region), f"{region.name}森林资源清单.xlsx")


@rule_required("sinks.manage_inventory")
@require_POST
def inventory_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    if request.POST.get("confirm"):
        filename = request.POST.get("filename", "") or "清单"
        try:
            data = base64.b64decode(request.POST.get("payload", ""), validate=True)
        except (binascii.Error, ValueError):
            return _inventory_page(request, region, status=400, errors=["上传内容已损坏，请重新上传"])
        try:
            preview = services.import_inventory(
                region=region, data=data, filename=filename, user=request.user
            )
        except UserError as exc:
            return _inventory_page(request, region, status=400, errors=[exc.message])
        messages.success(
            request, f"已导入 {len(preview.rows)} 行（{'、'.join(str(y) for y in preview.years)} 年）。"
        )
        return _back("sinks:inventory")
    form = InventoryUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _inventory_page(request, region, status=400, errors=["请选择要上传的清单文件"])
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        return _inventory_page(request, region, status=400, errors=["文件超过 5 MB"])
    data = upload.read()
    preview = services.preview_inventory(region=region, data=data, filename=upload.name)
    if not preview.ok:
        errors = preview.errors or [f"{upload.name}：没有数据行"]
        return _inventory_page(request, region, status=400, errors=errors)
    return _inventory_page(request, region, preview=preview, payload=base64.b64encode(data).decode("ascii"))


@rule_required("sinks.manage_inventory")
def inventory_delete(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    region = _region(request)
    if not ForestInventory.objects.in_region(region).filter(year=year).exists():
        raise Http404("该年没有清单数据")
    if request.method == "POST":
        count = services.delete_inventory_year(region=region, year=year, user=request.user)
        messages.success(request, f"已删除 {year} 年清单（{count} 行）。")
        return _back("sinks:inventory")
    return render(
        request,
        "sinks/confirm_delete.html",
        {
            "title": "删除清单",
            "object_label": f"{region.name} {year} 年的森林资源清单",
            "cancel_url": reverse("sinks:inventory"),
        },
    )


# -----------------------------------------------------------------------------------------
# parameters
# -----------------------------------------------------------------------------------------
@rule_required("sinks.view")
def parameters(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    settings_obj = SinkSettings.objects.in_region(region).select_related("parameter_set__region").first()
    pset = settings_obj.parameter_set if settings_obj else None
    rows = services.inventory_rows(region)
    missing = missing_parameters(rows, services.engine_parameters(pset)) if pset else []
    return render(
        request,
        "sinks/parameters.html",
        _context(
            request,
            region,
            settings=settings_obj,
            pset=pset,
            values=pset.values.order_by("species_group", "id") if pset else [],
            missing=missing,
            inventory_groups=sorted({r.species_group for r in rows}),
            publications=PARAMETER_PUBLICATIONS,
            available=services.sets_available_to(region).order_by("region__code", "name"),
            can_edit_set=pset is not None and can(request.user, "sinks.edit_parameter_set", pset),
        ),
    )


def _parameter(request: HttpRequest, pk: int) -> SpeciesParameter:
    return get_object_or_404(
        SpeciesParameter.objects.visible_to(request.user).select_related("parameter_set__region"), pk=pk
    )


@rule_required("sinks.edit_parameter_set", lambda request, pk: _parameter(request, pk).parameter_set)
def parameter_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    parameter = _parameter(request, pk)
    region = _region(request)
    error = ""
    if request.method == "POST":
        form = ParameterForm(request.POST)
        if form.is_valid():
            try:
                services.save_parameter(
                    parameter=parameter,
                    value=form.cleaned_data["value"],
                    source=form.cleaned_data["source"],
                    verification=form.cleaned_data["verification"],
                    user=request.user,
                )
            except UserError as exc:
                error = exc.message
            else:
                messages.success(request, f"已保存 {parameter}。")
                return _back("sinks:parameters")
        status = 400
    else:
        form = ParameterForm(
            initial={
                "value": parameter.value,
                "source": parameter.source,
                "verification": parameter.verification,
            }
        )
        status = 200
    return render(
        request,
        "sinks/parameter_form.html",
        {
            "parameter": parameter,
            "form": form,
            "error": error,
            "region": region,
            "publications": PARAMETER_PUBLICATIONS,
        },
        status=status,
    )


def _set(request: HttpRequest, pk: int) -> ParameterSet:
    return get_object_or_404(ParameterSet.objects.visible_to(request.user), pk=pk)


def _available_set(request: HttpRequest, pk: int) -> ParameterSet:
    """A set the viewed region may adopt or copy: its own or one of the regions above it."""
    return get_object_or_404(services.sets_available_to(_region(request)), pk=pk)


@rule_required("sinks.edit_parameter_set", lambda request, pk: _set(request, pk))
@require_POST
def group_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pset = _set(request, pk)
    try:
        services.add_species_group(
            parameter_set=pset,
            species_group=request.POST.get("species_group", ""),
            by_area=bool(request.POST.get("by_area")),
            user=request.user,
        )
    except UserError as exc:
        messages.error(request, exc.message)
    return _back("sinks:parameters")


@rule_required("sinks.manage_parameters")
@require_POST
def set_default(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    services.ensure_default_parameter_set(region=region, user=request.user)
    messages.success(request, "已建立默认参数集；请按已发布的参数表填写空白数值并注明来源。")
    return _back("sinks:parameters")


@rule_required("sinks.manage_parameters")
@require_POST
def set_choose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    region = _region(request)
    pset = _available_set(request, pk)
    try:
        services.choose_parameter_set(region=region, parameter_set=pset, user=request.user)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{region.name}已采用参数集“{pset}”。")
    return _back("sinks:parameters")


@rule_required("sinks.manage_parameters")
@require_POST
def set_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    region = _region(request)
    pset = _available_set(request, pk)
    copy = services.copy_parameter_set(
        parameter_set=pset, region=region, name=request.POST.get("name", ""), user=request.user
    )
    services.choose_parameter_set(region=region, parameter_set=copy, user=request.user)
    messages.success(request, f"已复制为“{copy}”并采用。")
    return _back("sinks:parameters")


@rule_required("sinks.manage_parameters")
@require_POST
def land_area(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    raw = request.POST.get("land_area_hm2", "").strip()
    try:
        value = float(raw) if raw else None
    except ValueError:
        messages.error(request, f"土地总面积“{raw}”不是数字")
        return _back("sinks:parameters")
    try:
        services.set_land_area(
            region=region,
            land_area_hm2=value,
            source=request.POST.get("land_area_source", ""),
            user=request.user,
        )
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存土地总面积。")
    return _back("sinks:parameters")


@rule_required("sinks.view")
def parameters_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pset = _available_set(request, pk)
    return xlsx_response(tables.parameters_export(pset), f"{pset.name}.xlsx")


@rule_required("sinks.edit_parameter_set", lambda request, pk: _set(request, pk))
@require_POST
def parameters_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pset = _set(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要导入的参数文件")
        return _back("sinks:parameters")
    try:
        changed = services.import_parameters(
            parameter_set=pset, data=upload.read(), filename=upload.name or "参数.xlsx", user=request.user
        )
    except UserError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已导入，修改了 {changed} 个数值（参数集现为第 {pset.version} 版）。")
    return _back("sinks:parameters")


@rule_required("sinks.manage_parameters")
@require_POST
def growth_rates(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    values: list[float | None] = []
    for key in ("growth_rate_pct", "consumption_rate_pct"):
        raw = request.POST.get(key, "").strip()
        try:
            values.append(float(raw) if raw else None)
        except ValueError:
            messages.error(request, f"“{raw}”不是数字")
            return _back("sinks:parameters")
    try:
        services.set_growth_rates(
            region=region,
            growth_rate_pct=values[0],
            consumption_rate_pct=values[1],
            source=request.POST.get("rates_source", ""),
            user=request.user,
        )
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存生长率与消耗率。")
    return _back("sinks:parameters")
