"""Pages of the enterprise registry. Views fetch, check and render; work is in services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core.excel import table_workbook, xlsx_response
from carbonpeak.core.permissions import can, rule_required
from carbonpeak.enterprises import services
from carbonpeak.enterprises.forms import EnterpriseForm, ImportForm
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.monitoring import services as monitoring
from carbonpeak.monitoring.models import Alarm, Meter

SAMPLE_NOTE = "示例数据，仅供演示"


def _enterprise(request: HttpRequest, pk: int) -> Enterprise:
    return get_object_or_404(Enterprise, pk=pk)


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


@rule_required("enterprises.list")
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = _year(request)
    rows = monitoring.enterprise_status_summary(year=year)
    status = request.GET.get("status", "")
    if status:
        rows = [r for r in rows if r["key_unit_status"] == status]
    return render(
        request,
        "enterprises/index.html",
        {
            "rows": rows,
            "year": year,
            "status": status,
            "any_sample": any(r["is_sample"] for r in rows),
            "sample_note": SAMPLE_NOTE,
            "can_edit": can(request.user, "enterprises.edit"),
        },
    )


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.enterprise_id:
        raise Http404("您的账号未绑定企业")
    return redirect("enterprises:detail", pk=request.user.enterprise_id)


@rule_required("enterprises.view", _enterprise)
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    year = _year(request)
    monthly = monitoring.enterprise_monthly(enterprise=enterprise, year=year)
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    carriers = sorted({r.carrier for r in monthly})
    series = [
        {
            "name": c,
            "data": [
                round(sum(r.energy_tce or 0 for r in monthly if r.carrier == c and r.month == m), 3)
                for m in months
            ],
        }
        for c in carriers
    ]
    co2 = [round(sum(r.co2_t or 0 for r in monthly if r.month == m), 3) for m in months]
    notes = sorted({r.note for r in monthly if r.note})
    budget = monitoring.enterprise_budget(enterprise=enterprise, year=year)
    prev = monitoring.enterprise_monthly(enterprise=enterprise, year=year - 1)
    metered_prev = (
        sum(r.energy_tce or 0 for r in prev) if prev and not any(r.energy_tce is None for r in prev) else None
    )
    last = monitoring.get_store().last_reading_times([enterprise.pk])
    # Each meter with the time of its latest reading (None when it has never reported).
    meters: list[tuple[Meter, dt.datetime | None]] = []
    for m in Meter.objects.filter(enterprise=enterprise).order_by("code"):
        t = last.get(m.pk)
        meters.append((m, dt.datetime.fromtimestamp(t / 1000, tz=dt.UTC) if t else None))
    context = {
        "enterprise": enterprise,
        "year": year,
        "monthly": monthly,
        "chart": {"months": months, "series": series, "co2": co2},
        "total_tce": sum(r.energy_tce or 0 for r in monthly),
        "total_co2": sum(r.co2_t or 0 for r in monthly),
        "notes": notes,
        "budget": budget,
        "key_unit_label": enterprise.key_unit_label(metered_prev),
        "metered_prev": metered_prev,
        "meters": meters,
        "alarms": Alarm.objects.filter(enterprise=enterprise, status=Alarm.Status.OPEN).select_related(
            "meter"
        )[:50],
        "consistency": monitoring.consistency_rows(enterprise=enterprise, year=year),
        "can_manage": can(request.user, "monitoring.manage_enterprise_data", enterprise),
        "can_edit": can(request.user, "enterprises.edit"),
        "sample_note": SAMPLE_NOTE,
    }
    return render(request, "enterprises/detail.html", context)


@rule_required("enterprises.view", _enterprise)
def detail_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    year = _year(request)
    rows = [
        [r.month, r.carrier, r.unit, r.quantity, r.energy_tce, r.co2_t, r.note]
        for r in monitoring.enterprise_monthly(enterprise=enterprise, year=year)
    ]
    note = SAMPLE_NOTE if enterprise.is_sample else "在线监测计量值，已剔除负增量与突变区间"
    data = table_workbook(
        f"{enterprise.name}{year}年逐月能耗",
        ["月份", "能源品种", "计量单位", "实物量", "折标准煤(吨)", "二氧化碳(吨)", "说明"],
        rows,
        note=note,
    )
    return xlsx_response(data, f"{enterprise.name}-{year}年逐月能耗.xlsx")


@rule_required("enterprises.edit")
def edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk) if pk else Enterprise()
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        obj = services.save_enterprise(enterprise=form.save(commit=False), user=request.user)
        messages.success(request, f"已保存“{obj.name}”。")
        return redirect("enterprises:detail", pk=obj.pk)
    return render(request, "enterprises/edit.html", {"form": form, "enterprise": enterprise})


@rule_required("enterprises.edit")
def import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.import_workbook(data=upload.read(), filename=upload.name, user=request.user)
        except services.ImportFailed as exc:
            errors = exc.report.errors
        else:
            messages.success(request, f"导入完成：新增 {report.created} 家，更新 {report.updated} 家。")
            return redirect("enterprises:index")
    return render(request, "enterprises/import.html", {"form": form, "errors": errors})


@rule_required("enterprises.list")
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    enterprises = list(Enterprise.objects.order_by("name"))
    note = SAMPLE_NOTE if any(e.is_sample for e in enterprises) else ""
    data = table_workbook(
        "重点用能单位名录", [h for h, _f in services.COLUMNS], services.export_rows(enterprises), note=note
    )
    return xlsx_response(data, "重点用能单位名录.xlsx")


@rule_required("enterprises.list")
def status_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = _year(request)
    rows = [
        [
            r["name"],
            r["uscc"],
            r["key_unit_label"],
            r["meters"],
            r["ytd_energy_tce"],
            r["ytd_co2_t"],
            r["energy_budget_tce"],
            r["budget_use_pct"],
            r["budget_label"],
            r["open_alarms"],
        ]
        for r in monitoring.enterprise_status_summary(year=year)
    ]
    data = table_workbook(
        f"{year}年重点用能单位监测概况",
        [
            "企业名称",
            "统一社会信用代码",
            "类别",
            "计量点数",
            "累计能耗(吨标准煤)",
            "累计二氧化碳(吨)",
            "年度用能预算(吨标准煤)",
            "按进度预算使用率(%)",
            "预算状态",
            "未处理告警",
        ],
        rows,
    )
    return xlsx_response(data, f"{year}年重点用能单位监测概况.xlsx")
