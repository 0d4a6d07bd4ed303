"""Pages of the indicators app and the leaders' dashboard. Views fetch, check and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core.excel import xlsx_response
from carbonpeak.core.permissions import can, rule_required
from carbonpeak.core.roles import Role, role_of
from carbonpeak.engine import indicators as engine
from carbonpeak.indicators import dashboard as dashboard_data
from carbonpeak.indicators import services
from carbonpeak.indicators.models import Indicator, Observation

VIEW = "indicators.view_indicators"
MANAGE = "indicators.manage_indicators"
REVIEW = "indicators.review_observation"

STATUS_FILTERS = (*engine.STATUSES, services.NO_TARGET)


def _sparks(rows: list[services.IndicatorRow]) -> dict[str, list[list[float]]]:
    return {str(r.indicator.pk): [[p.t, round(p.value, 4)] for p in r.points] for r in rows if r.points}


def _visible_indicators(request: AuthenticatedHttpRequest):
    qs = Indicator.objects.all()
    if request.GET.get("mine") == "1" and getattr(request.user, "department_id", None):
        qs = qs.filter(responsible_id=request.user.department_id)
    return qs


@rule_required("indicators.view_dashboard")
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = dashboard_data.build()
    return render(
        request,
        "indicators/dashboard.html",
        {"d": data, "sparks": _sparks(data.rows), "charts": dashboard_data.chart_payload(data)},
    )


@rule_required(VIEW)
def indicator_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = services.indicator_rows(_visible_indicators(request))
    status = request.GET.get("status", "")
    if request.GET.get("warn") == "1":
        rows = [r for r in rows if r.status in (engine.AT_RISK, engine.LAGGING)]
    elif status in STATUS_FILTERS:
        rows = [r for r in rows if r.status == status]
    illustrative = Observation.objects.filter(illustrative=True).exists()
    return render(
        request,
        "indicators/list.html",
        {
            "rows": rows,
            "sparks": _sparks(rows),
            "statuses": STATUS_FILTERS,
            "status": status,
            "warn": request.GET.get("warn") == "1",
            "mine": request.GET.get("mine") == "1",
            "illustrative": illustrative,
            "pending": Observation.objects.filter(state=Observation.State.PENDING).count()
            if role_of(request.user) == Role.OFFICE
            else 0,
        },
    )


@rule_required(VIEW)
def indicator_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("responsible", "target", "plan"), pk=pk)
    row = services.indicator_rows(Indicator.objects.filter(pk=pk))[0]
    observations = list(
        indicator.observations.select_related("entered_by", "reviewed_by").order_by("-year", "-quarter")
    )
    chart = services.detail_chart(row)
    return render(
        request,
        "indicators/detail.html",
        {
            "i": indicator,
            "row": row,
            "a": row.assessment,
            "observations": observations,
            "chart": chart,
            "can_enter": can(request.user, "indicators.enter_observation", indicator),
            "can_review": can(request.user, REVIEW),
            "can_manage": can(request.user, MANAGE),
            "illustrative": any(o.illustrative for o in observations),
            "quarters": [(1, "一季度"), (2, "二季度"), (3, "三季度"), (4, "四季度")],
        },
    )


def _indicator(request: HttpRequest, pk: int) -> Indicator:
    return get_object_or_404(Indicator, pk=pk)


@rule_required("indicators.enter_observation", _indicator)
def observation_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator, pk=pk)
    if request.method != "POST":
        return redirect("indicators:detail", pk=pk)
    try:
        obs = services.submit_observation(
            indicator=indicator,
            year=request.POST.get("year"),
            quarter=request.POST.get("quarter") or None,
            value=request.POST.get("value"),
            source=request.POST.get("source", "").strip(),
            user=request.user,
        )
    except services.IndicatorInputError as exc:
        messages.error(request, f"未保存：{exc}")
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from None
    else:
        if obs.state == Observation.State.APPROVED:
            messages.success(request, f"已保存 {obs.period_label} 的数值 {obs.value.normalize():f}。")
        else:
            messages.success(request, f"已提交 {obs.period_label} 的数值，待碳达峰办审核后计入。")
    return redirect("indicators:detail", pk=pk)


@rule_required(REVIEW)
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending = Observation.objects.filter(state=Observation.State.PENDING).select_related(
        "indicator", "indicator__responsible", "entered_by"
    )
    return render(request, "indicators/review.html", {"pending": pending})


@require_POST
@rule_required(REVIEW)
def observation_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obs = get_object_or_404(Observation, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, "请选择通过或退回。")
        return redirect("indicators:review")
    try:
        services.review_observation(
            observation=obs,
            approve=decision == "approve",
            note=request.POST.get("note", ""),
            user=request.user,
        )
    except services.IndicatorInputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{obs.indicator.name} {obs.period_label}：{obs.get_state_display()}。")
    nxt = request.POST.get("next", "")
    if nxt == "detail":
        return redirect("indicators:detail", pk=obs.indicator_id)
    return redirect("indicators:review")


@rule_required("indicators.import_observations")
def import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要上传的 Excel 文件。")
        else:
            try:
                result = services.import_observations(
                    data=upload.read(), filename=upload.name or "", user=request.user
                )
            except services.IndicatorInputError as exc:
                messages.error(request, str(exc))
                errors = exc.errors
            else:
                suffix = "" if role_of(request.user) == Role.OFFICE else "，待碳达峰办审核后计入"
                messages.success(
                    request, f"已导入：新增 {result.created} 条，更新 {result.updated} 条{suffix}。"
                )
                return redirect("indicators:list")
    return render(request, "indicators/import.html", {"errors": errors})


def _enterable(request: AuthenticatedHttpRequest):
    qs = Indicator.objects.filter(kind=Indicator.Kind.MANUAL)
    if role_of(request.user) != Role.OFFICE:
        qs = qs.filter(responsible_id=request.user.department_id) if request.user.department_id else qs.none()
    return qs


@rule_required("indicators.import_observations")
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    return xlsx_response(services.template_workbook(_enterable(request)), "指标观测值导入模板.xlsx")


@rule_required(VIEW)
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = services.indicator_rows(_visible_indicators(request))
    observations = Observation.objects.filter(indicator__in=[r.indicator.pk for r in rows]).select_related(
        "indicator"
    )
    return xlsx_response(services.export_workbook(rows, observations), "指标与观测值.xlsx")


@rule_required(MANAGE)
def indicator_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from carbonpeak.indicators.forms import IndicatorForm

    indicator = get_object_or_404(Indicator, pk=pk)
    form = IndicatorForm(request.POST or None, instance=Indicator.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        try:
            services.update_indicator(indicator=indicator, user=request.user, **values)
        except services.IndicatorInputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "指标已保存。")
            return redirect("indicators:detail", pk=pk)
    return render(request, "indicators/edit.html", {"i": indicator, "form": form})


@require_POST
@rule_required(MANAGE)
def sync_plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    from carbonpeak.plans.models import Plan

    plan = Plan.objects.order_by("-issued_on", "-id").first()
    if plan is None:
        messages.error(request, "尚未导入实施方案，无法生成指标。")
        return redirect("indicators:list")
    result = services.create_indicators_from_plan(plan=plan, user=request.user)
    computed = services.ensure_computed_indicators(plan=plan, user=request.user)
    messages.success(
        request,
        f"已按方案目标新建 {len(result.created)} 个指标、核算指标 {len(computed)} 个（已有的不重复创建）。",
    )
    return redirect("indicators:list")


@require_POST
@rule_required(MANAGE)
def refresh(request: AuthenticatedHttpRequest) -> HttpResponse:
    result = services.refresh_computed(user=request.user)
    if not result.years:
        messages.warning(request, "核算模块暂无年度数据，核算指标未更新。")
    else:
        messages.success(
            request,
            f"已从核算结果刷新 {result.indicators} 个指标（{result.years[0]}–{result.years[-1]}年）："
            f"新增 {result.created} 个年度值，更新 {result.updated} 个。",
        )
    if result.targets_applied:
        messages.info(request, f"已按核算数据集的 TARGETS 设定目标：{'、'.join(result.targets_applied)}。")
    for reason in result.targets_skipped:
        messages.warning(request, reason)
    return redirect("indicators:list")
