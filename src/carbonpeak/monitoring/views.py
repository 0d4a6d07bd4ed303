"""Monitoring pages: alarms, meters, uploads, tokens, reported statistics.

Views fetch, check permissions and render; the work is in :mod:`services`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core.excel import table_workbook, xlsx_response
from carbonpeak.core.permissions import can, rule_required
from carbonpeak.core.roles import Role, role_of
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.monitoring import services
from carbonpeak.monitoring.forms import (
    CloseAlarmForm,
    MeterForm,
    ReplacementForm,
    ReportedForm,
    TokenForm,
    UploadForm,
)
from carbonpeak.monitoring.models import Alarm, ApiToken, IngestBatch, Meter, ReportedStatistic


def _enterprise(request: HttpRequest, pk: int, **_kwargs: object) -> Enterprise:
    return get_object_or_404(Enterprise, pk=pk)


def _meter(request: HttpRequest, pk: int) -> Meter:
    return get_object_or_404(Meter.objects.select_related("enterprise"), pk=pk)


def _alarms_for(request: AuthenticatedHttpRequest):
    qs = Alarm.objects.select_related("enterprise", "meter")
    if role_of(request.user) == Role.ENTERPRISE:
        # An enterprise account not (yet) bound to an enterprise sees no alarms.
        enterprise_id = request.user.enterprise_id
        qs = qs.filter(enterprise_id=enterprise_id) if enterprise_id is not None else qs.none()
    status = request.GET.get("status", "open")
    if status in (Alarm.Status.OPEN, Alarm.Status.CLOSED):
        qs = qs.filter(status=status)
    if request.GET.get("enterprise", "").isdigit():
        qs = qs.filter(enterprise_id=int(request.GET["enterprise"]))
    if request.GET.get("kind") in Alarm.Kind.values:
        qs = qs.filter(kind=request.GET["kind"])
    return qs, status


@rule_required("monitoring.view_alarms")
def alarms(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs, status = _alarms_for(request)
    return render(
        request,
        "monitoring/alarms.html",
        {
            "alarms": qs[:500],
            "count": qs.count(),
            "status": status,
            "kinds": Alarm.Kind.choices,
            "kind": request.GET.get("kind", ""),
            "can_close": can(request.user, "monitoring.close_alarm"),
            "close_form": CloseAlarmForm(),
        },
    )


@rule_required("monitoring.view_alarms")
def alarms_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs, _status = _alarms_for(request)
    rows = [
        [
            a.enterprise.name,
            a.meter.code if a.meter else "",
            a.get_kind_display(),
            a.get_severity_display(),
            a.period,
            a.message,
            a.get_status_display(),
            timezone.localtime(a.first_seen).strftime("%Y-%m-%d %H:%M"),
            a.close_note,
        ]
        for a in qs[:50000]
    ]
    data = table_workbook(
        "在线监测告警",
        ["企业", "计量点", "类型", "级别", "期间", "说明", "状态", "首次发现", "处理说明"],
        rows,
    )
    return xlsx_response(data, "在线监测告警.xlsx")


@require_POST
@rule_required("monitoring.close_alarm")
def alarm_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alarm = get_object_or_404(Alarm, pk=pk)
    form = CloseAlarmForm(request.POST)
    if form.is_valid():
        services.close_alarm(alarm=alarm, user=request.user, note=form.cleaned_data["note"])
        messages.success(request, "告警已标记为已处理。")
    else:
        messages.error(request, "请填写处理说明。")
    return redirect("monitoring:alarms")


@rule_required("monitoring.manage_enterprise_data", _enterprise)
def meters(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    form = MeterForm(request.POST or None, instance=Meter(enterprise=enterprise))
    if request.method == "POST" and form.is_valid():
        meter = services.save_meter(meter=form.save(commit=False), user=request.user)
        messages.success(request, f"已登记计量点 {meter.code}。")
        return redirect("monitoring:meters", pk=enterprise.pk)
    return render(
        request,
        "monitoring/meters.html",
        {"enterprise": enterprise, "meters": enterprise.meters.order_by("code"), "form": form},
    )


@rule_required("monitoring.view_enterprise_data", _meter)
def meter_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meter = _meter(request, pk)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = services.last_complete_day()
    start = end - dt.timedelta(days=29)
    daily, quality = services.meter_daily(meter=meter, start=start, end=end)
    days = [(start + dt.timedelta(days=i)).isoformat() for i in range(30)]
    can_manage = can(request.user, "monitoring.manage_enterprise_data", meter)
    edit_form = MeterForm(instance=meter)
    rep_form = ReplacementForm()
    if request.method == "POST":
        if not can_manage:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("您的账号无权修改此计量点。")
        if request.POST.get("action") == "replace":
            rep_form = ReplacementForm(request.POST)
            if rep_form.is_valid():
                services.record_replacement(meter=meter, user=request.user, **rep_form.cleaned_data)
                messages.success(request, "已登记换表。")
                return redirect("monitoring:meter", pk=meter.pk)
        else:
            edit_form = MeterForm(request.POST, instance=meter)
            if edit_form.is_valid():
                services.save_meter(meter=edit_form.save(commit=False), user=request.user)
                messages.success(request, "已保存计量点。")
                return redirect("monitoring:meter", pk=meter.pk)
    return render(
        request,
        "monitoring/meter.html",
        {
            "meter": meter,
            "start": start,
            "end": end,
            "chart": {"days": days, "values": [round(daily.get(d, 0.0), 3) for d in days]},
            "quality": quality,
            "total": sum(daily.values()),
            "can_manage": can_manage,
            "edit_form": edit_form,
            "rep_form": rep_form,
            "replacements": meter.replacements.all(),
            "corrections": meter.corrections.order_by("-created_at")[:50],
        },
    )


@rule_required("monitoring.manage_enterprise_data", _enterprise)
def upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    error = ""
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        name = f.name
        try:
            if name.lower().endswith(".xlsx"):
                result = services.ingest_excel(
                    enterprise=enterprise, file=f, user=request.user, filename=name
                )
            elif name.lower().endswith(".csv"):
                with tempfile.NamedTemporaryFile(suffix=".csv", delete=True) as tmp:
                    for chunk in f.chunks():
                        tmp.write(chunk)
                    tmp.flush()
                    result = services.ingest_csv(
                        path=Path(tmp.name),
                        enterprise=enterprise,
                        source=IngestBatch.Source.UPLOAD,
                        user=request.user,
                        filename=name,
                    )
            else:
                error = f"不支持的文件类型“{name}”，请上传 .csv 或 .xlsx"
        except services.IngestError as exc:
            error = str(exc)
    batches = IngestBatch.objects.filter(enterprise=enterprise)[:20]
    return render(
        request,
        "monitoring/upload.html",
        {"enterprise": enterprise, "form": form, "result": result, "error": error, "batches": batches},
    )


@rule_required("monitoring.manage_enterprise_data", _enterprise)
def tokens(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = services.create_token(
            enterprise=enterprise, name=form.cleaned_data["name"], user=request.user
        )
        form = TokenForm()
    response = render(
        request,
        "monitoring/tokens.html",
        {"enterprise": enterprise, "tokens": enterprise.api_tokens.all(), "form": form, "secret": secret},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@rule_required("monitoring.manage_enterprise_data", _enterprise)
def token_revoke(request: AuthenticatedHttpRequest, pk: int, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, enterprise_id=pk)
    services.revoke_token(token=token, user=request.user)
    messages.success(request, f"令牌 {token.prefix}… 已吊销，使用它的终端将无法再上传。")
    return redirect("monitoring:tokens", pk=pk)


@rule_required("monitoring.manage_enterprise_data", _enterprise)
def reported(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    form = ReportedForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        services.save_reported(enterprise=enterprise, user=request.user, **form.cleaned_data)
        messages.success(request, "已保存月度统计报表。")
        return redirect("monitoring:reported", pk=enterprise.pk)
    rows = ReportedStatistic.objects.filter(enterprise=enterprise).order_by("-year", "-month", "carrier")
    return render(request, "monitoring/reported.html", {"enterprise": enterprise, "rows": rows, "form": form})
