"""Pages of the scenario app. Views fetch, check and render; the work is in services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core.excel import table_workbook, xlsx_response
from carbonpeak.core.permissions import can, rule_required
from carbonpeak.engine import lmdi
from carbonpeak.engine.measures import KINDS as MEASURE_KINDS
from carbonpeak.engine.measures import PARAMETERS as MEASURE_PARAMETERS
from carbonpeak.engine.stirpat import TERM_LABELS
from carbonpeak.scenarios import forms, services
from carbonpeak.scenarios.models import Measure, Scenario, ScenarioVersion
from carbonpeak.scenarios.spec import SpecError, load_toml_bytes

VIEW = "scenarios.view_scenarios"
MANAGE = "scenarios.manage_scenarios"
ILLUSTRATIVE = "示例数据，仅供演示"


def _version(request: HttpRequest, scenario: Scenario) -> ScenarioVersion:
    number = request.GET.get("v", "")
    qs = scenario.versions.all()
    version = qs.filter(number=int(number)).first() if number.isdigit() else qs.order_by("-number").first()
    if version is None:
        raise Http404("没有这个版本")
    return version


@rule_required(VIEW)
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    scenarios = list(Scenario.objects.prefetch_related("versions"))
    rows = [{"scenario": s, "version": s.current} for s in scenarios]
    return render(
        request,
        "scenarios/index.html",
        {
            "rows": rows,
            "can_manage": can(request.user, MANAGE),
            "illustrative": any(s.illustrative for s in scenarios),
        },
    )


@rule_required(VIEW)
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    version = _version(request, scenario)
    current = scenario.current  # not None: ``version`` is one of this scenario's versions
    is_current = current is not None and version.number == current.number
    results = version.results or {}
    entries = forms.entries(version.assumptions)
    chart = {
        "years": list(results.get("path", {})),
        "total": list(results.get("path", {}).values()),
        "sectors": [
            {"name": s["name"], "data": list(s["co2_t"].values())}
            for s in results.get("by_sector", {}).values()
        ],
        "fan": results.get("montecarlo", {}).get("fan", {}),
        "peak_year_counts": results.get("montecarlo", {}).get("peak_year_counts", {}),
        "wedges": services.wedge_data(scenario) if is_current else None,
    }
    return render(
        request,
        "scenarios/detail.html",
        {
            "scenario": scenario,
            "version": version,
            "is_current": is_current,
            "versions": scenario.versions.select_related("created_by"),
            "results": results,
            "entries": entries,
            "measures": scenario.measures.select_related("task"),
            "measure_kinds": MEASURE_KINDS,
            "chart": chart,
            "can_manage": can(request.user, MANAGE),
            "illustrative_text": ILLUSTRATIVE,
            "other_scenarios": Scenario.objects.exclude(pk=scenario.pk),
        },
    )


@rule_required(VIEW)
def export_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    version = _version(request, scenario)
    r = version.results or {}
    sectors = list(r.get("by_sector", {}).values())
    fan = r.get("montecarlo", {}).get("fan", {})
    headers = [
        "年份",
        "二氧化碳排放（吨）",
        "能耗（吨标准煤）",
        "地区生产总值（万元，可比价）",
        "常住人口（人）",
    ]
    headers += [f"{s['name']}排放（吨）" for s in sectors] + ["P5（吨）", "P50（吨）", "P95（吨）"]
    rows = []
    for y, co2 in r.get("path", {}).items():
        f = fan.get(y, {})
        rows.append(
            [int(y), co2, r["energy_path"][y], r["gdp_path"][y], r["population_path"][y]]
            + [s["co2_t"][y] for s in sectors]
            + [f.get("p5"), f.get("p50"), f.get("p95")]
        )
    note = f"{scenario.name} 第{version.number}版；达峰年份 {r.get('peak_year')}；"
    note += ILLUSTRATIVE if scenario.illustrative else "来源见情景假设"
    data = table_workbook("情景排放路径", headers, rows, note=note)
    extra: list[tuple[str, list[str], list[list[Any]]]] = [
        (
            "假设及来源",
            ["类别", "假设", "取值", "来源"],
            [
                [e.group, e.label, e.value_text, e.source if e.needs_source else "（计算设置，无需来源）"]
                for e in forms.entries(version.assumptions)
            ],
        ),
        (
            "减排措施",
            [
                "措施",
                "方案任务",
                "测算方法",
                "参数",
                "开始年份",
                "达产年份",
                "2025年减排（吨）",
                "2030年减排（吨）",
                "来源",
            ],
            [
                [
                    m.name,
                    m.task_code,
                    MEASURE_KINDS.get(m.kind, m.kind),
                    forms.value_to_text(m.parameters),
                    m.start_year,
                    m.full_year,
                    m.abatement_2025_t,
                    m.abatement_2030_t,
                    m.source,
                ]
                for m in scenario.measures.all()
            ],
        ),
        (
            "版本历史",
            ["版本", "说明", "保存人", "保存时间", "达峰年份"],
            [
                [
                    v.number,
                    v.note,
                    str(v.created_by or "系统"),
                    v.created_at.strftime("%Y-%m-%d %H:%M"),
                    (v.results or {}).get("peak_year"),
                ]
                for v in scenario.versions.select_related("created_by")
            ],
        ),
    ]
    return xlsx_response(add_sheets(data, extra), f"{scenario.name}-第{version.number}版.xlsx")


def add_sheets(data: bytes, sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """Append plain sheets (title, header, rows) to a workbook made by ``table_workbook``."""
    import io

    from openpyxl import load_workbook
    from openpyxl.styles import Font

    wb = load_workbook(io.BytesIO(data))
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@rule_required(VIEW)
def export_toml(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    version = _version(request, scenario)
    response = HttpResponse(services.export_toml(version), content_type="application/toml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scenario-{scenario.pk}-v{version.number}.toml"'
    return response


@rule_required(MANAGE)
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    version = _version(request, scenario)
    note_form = forms.VersionNoteForm(request.POST or None)
    rows = forms.entries(version.assumptions)
    error = ""
    if request.method == "POST":
        data, rows = forms.apply_entries(version.assumptions, request.POST)
        if note_form.is_valid() and not any(e.error for e in rows):
            try:
                new = services.save_version(
                    user=request.user,
                    scenario=scenario,
                    assumptions=data,
                    note=note_form.cleaned_data["note"],
                )
            except SpecError as exc:
                error = str(exc)
            else:
                messages.success(request, f"已保存为第{new.number}版并完成计算。")
                return redirect("scenarios:detail", pk=scenario.pk)
        elif any(e.error for e in rows):
            error = "部分假设有误，请按提示修改。"
    return render(
        request,
        "scenarios/edit.html",
        {"scenario": scenario, "version": version, "rows": rows, "note_form": note_form, "error": error},
    )


@rule_required(MANAGE)
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            data = load_toml_bytes(f.read(), f.name)
            scenario = services.create_scenario(
                user=request.user, assumptions=data, note=form.cleaned_data["note"]
            )
        except SpecError as exc:
            error = str(exc)
        else:
            messages.success(request, f"已创建情景“{scenario.name}”。")
            return redirect("scenarios:detail", pk=scenario.pk)
    return render(request, "scenarios/upload.html", {"form": form, "error": error})


def _measure_initial(m: Measure) -> dict[str, Any]:
    return {
        "name": m.name,
        "task": m.task_code,
        "kind": m.kind,
        "start_year": m.start_year,
        "full_year": m.full_year,
        "parameters": forms.value_to_text(m.parameters),
        "source": m.source,
    }


@rule_required(MANAGE)
@require_http_methods(["GET", "POST"])
def measure_form(request: AuthenticatedHttpRequest, pk: int, mid: int | None = None) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    measure = get_object_or_404(Measure, pk=mid, scenario=scenario) if mid is not None else None
    initial = _measure_initial(measure) if measure else {"start_year": 2022, "full_year": 2025}
    form = forms.MeasureForm(request.POST or None, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.save_measure(
                user=request.user, scenario=scenario, data=form.as_measure(), measure=measure
            )
        except SpecError as exc:
            error = str(exc)
        else:
            messages.success(request, "措施已保存，情景已重新计算。")
            return redirect("scenarios:detail", pk=scenario.pk)
    return render(
        request,
        "scenarios/measure_form.html",
        {
            "scenario": scenario,
            "measure": measure,
            "form": form,
            "error": error,
            "parameters": MEASURE_PARAMETERS,
        },
    )


@rule_required(MANAGE)
@require_http_methods(["GET", "POST"])
def measure_delete(request: AuthenticatedHttpRequest, pk: int, mid: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    measure = get_object_or_404(Measure, pk=mid, scenario=scenario)
    if request.method == "POST":
        services.delete_measure(user=request.user, measure=measure)
        messages.success(request, f"已删除措施“{measure.name}”。")
        return redirect("scenarios:detail", pk=scenario.pk)
    return render(request, "scenarios/measure_delete.html", {"scenario": scenario, "measure": measure})


@rule_required(MANAGE)
@require_POST
def set_baseline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    bid = request.POST.get("baseline", "")
    baseline = get_object_or_404(Scenario, pk=int(bid)) if bid.isdigit() else None
    try:
        services.set_baseline(user=request.user, scenario=scenario, baseline=baseline)
    except SpecError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已更新对照基准情景。")
    return redirect("scenarios:detail", pk=scenario.pk)


@rule_required(MANAGE)
@require_POST
def recompute(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    version = scenario.current
    if version is not None:
        try:
            services.compute(version)
        except SpecError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已重新计算。")
    return redirect("scenarios:detail", pk=scenario.pk)


def _compare_versions(request: HttpRequest) -> list[ScenarioVersion]:
    ids = [int(v) for v in request.GET.getlist("v") if v.isdigit()]
    if ids:
        versions = list(ScenarioVersion.objects.filter(pk__in=ids).select_related("scenario"))
    else:
        versions = [s.current for s in Scenario.objects.all() if s.current is not None]
    return versions


@rule_required(VIEW)
def compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    versions = _compare_versions(request)
    data = services.comparison(versions)
    all_versions = ScenarioVersion.objects.select_related("scenario").order_by("scenario__name", "-number")
    return render(
        request,
        "scenarios/compare.html",
        {
            "data": data,
            "chart": {"years": data["years"], "series": data["series"]},
            "all_versions": all_versions,
            "selected": {v.pk for v in versions},
            "illustrative": any(v.scenario.illustrative for v in versions),
            "query": request.GET.urlencode(),
        },
    )


@rule_required(VIEW)
def export_compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = services.comparison(_compare_versions(request))
    headers = ["年份"] + [s["name"] + "（吨CO2）" for s in data["series"]]
    rows = [[int(y)] + [s["data"][i] for s in data["series"]] for i, y in enumerate(data["years"])]
    summary = "；".join(
        f"{r['version'].scenario.name}：达峰 {r['results'].get('peak_year')}，"
        f"P(2030年前达峰)={r['results'].get('montecarlo', {}).get('p_peak_by_2030')}"
        for r in data["rows"]
    )
    return xlsx_response(table_workbook("情景对比", headers, rows, note=summary), "情景对比.xlsx")


def _decomposition(request: HttpRequest) -> dict[str, Any]:
    hist = services.history(request.GET.get("source", ""))
    if hist is None:
        return {"history": None, "source": request.GET.get("source", "")}
    years, meta = hist
    year_list = [h.year for h in years]
    try:
        y0 = int(request.GET.get("from", year_list[0]))
        y1 = int(request.GET.get("to", year_list[-1]))
    except ValueError:
        y0, y1 = year_list[0], year_list[-1]
    ctx: dict[str, Any] = {
        "history": years,
        "meta": meta,
        "years": year_list,
        "y0": y0,
        "y1": y1,
        "source": request.GET.get("source", ""),
    }
    if y0 not in year_list or y1 not in year_list or y0 == y1:
        ctx["error"] = "请选择历史数据中两个不同的年份。"
        return ctx
    try:
        result = services.decomposition(years, y0, y1)
    except ValueError as exc:
        ctx["error"] = str(exc)
        return ctx
    sector_names = meta.get("sectors", {})
    ctx.update(
        result=result,
        effects=[
            {
                "key": k,
                "label": lmdi.EFFECT_LABELS[k],
                "value": result.effects[k],
                "ratio": result.ratios.get(k),
            }
            for k in lmdi.EFFECTS
        ],
        sectors=[
            {
                "name": sector_names.get(s, s),
                "values": [eff[k] for k in lmdi.EFFECTS],
                "total": sum(eff.values()),
            }
            for s, eff in result.by_sector.items()
        ],
        effect_labels=[lmdi.EFFECT_LABELS[k] for k in lmdi.EFFECTS],
        residual=lmdi.residual_t(result),
    )
    return ctx


@rule_required(VIEW)
def decomposition(request: AuthenticatedHttpRequest) -> HttpResponse:
    ctx = _decomposition(request)
    if ctx.get("result"):
        ctx["chart"] = {
            "start": ctx["result"].co2_0_t,
            "end": ctx["result"].co2_1_t,
            "labels": [e["label"] for e in ctx["effects"]],
            "values": [e["value"] for e in ctx["effects"]],
            "y0": ctx["y0"],
            "y1": ctx["y1"],
        }
    ctx["query"] = request.GET.urlencode()
    return render(request, "scenarios/decomposition.html", ctx)


@rule_required(VIEW)
def export_decomposition(request: AuthenticatedHttpRequest) -> HttpResponse:
    ctx = _decomposition(request)
    if not ctx.get("result"):
        raise Http404(ctx.get("error", "没有历史数据"))
    headers = ["部门", *ctx["effect_labels"], "合计（吨CO2）"]
    rows = [[s["name"], *s["values"], s["total"]] for s in ctx["sectors"]]
    rows.append(["全县合计", *[e["value"] for e in ctx["effects"]], ctx["result"].total_change_t])
    rows.append(
        [
            "乘法分解（比值）",
            *[e["ratio"] for e in ctx["effects"]],
            ctx["result"].co2_1_t / ctx["result"].co2_0_t,
        ]
    )
    note = f"LMDI-I 分解 {ctx['y0']}→{ctx['y1']}；数据：{ctx['meta'].get('name')}"
    if ctx["meta"].get("illustrative"):
        note += f"（{ILLUSTRATIVE}）"
    data = table_workbook("LMDI分解", headers, rows, note=note)
    return xlsx_response(data, f"LMDI分解-{ctx['y0']}-{ctx['y1']}.xlsx")


def _stirpat(request: HttpRequest) -> dict[str, Any]:
    hist = services.history(request.GET.get("source", ""))
    scenarios = list(Scenario.objects.all())
    sid = request.GET.get("scenario", "")
    scenario = next((s for s in scenarios if str(s.pk) == sid), None) or next(
        (s for s in scenarios if s.kind == Scenario.Kind.BASELINE), scenarios[0] if scenarios else None
    )
    ctx: dict[str, Any] = {
        "scenarios": scenarios,
        "scenario": scenario,
        "term_labels": TERM_LABELS,
        "source": request.GET.get("source", ""),
        "query": request.GET.urlencode(),
    }
    if hist is not None:
        years, meta = hist
        ctx["meta"] = meta
        ctx.update(services.stirpat_view(years, scenario.current if scenario else None))
        if ctx.get("fit"):
            fit = ctx["fit"]
            ctx["coefficients"] = [{"label": TERM_LABELS[c.term], "c": c} for c in fit.coefficients]
            ctx["vif"] = [{"label": TERM_LABELS[k], "value": v} for k, v in fit.vif.items()]
            chart: dict[str, Any] = {
                "hist_years": [str(y) for y in fit.years],
                "observed": fit.observed_co2_t,
                "fitted": fit.fitted_co2_t,
            }
            if ctx.get("projection"):
                p = ctx["projection"]
                chart.update(proj_years=p["years"], driver=p["driver"], stirpat=p["stirpat"])
            ctx["chart"] = chart
    return ctx


@rule_required(VIEW)
def stirpat_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "scenarios/stirpat.html", _stirpat(request))


@rule_required(VIEW)
def export_stirpat(request: AuthenticatedHttpRequest) -> HttpResponse:
    ctx = _stirpat(request)
    fit = ctx.get("fit")
    if fit is None:
        raise Http404(ctx.get("error", "没有历史数据"))
    rows: list[list[Any]] = [
        [r["label"], r["c"].value, r["c"].std_error, r["c"].t_value, r["c"].p_value]
        for r in ctx["coefficients"]
    ]
    rows += [
        ["R²", fit.r_squared],
        ["调整后 R²", fit.adj_r_squared],
        ["Durbin–Watson", fit.durbin_watson],
        ["样本年数", fit.n_obs],
    ]
    rows += [[f"VIF：{r['label']}", r["value"]] for r in ctx["vif"]]
    note = f"STIRPAT 回归；数据：{ctx['meta'].get('name')}"
    if ctx["meta"].get("illustrative"):
        note += f"（{ILLUSTRATIVE}）"
    data = table_workbook("STIRPAT回归", ["项", "估计值", "标准误", "t 值", "p 值"], rows, note=note)
    extra: list[tuple[str, list[str], list[list[Any]]]] = [
        (
            "历史与拟合",
            ["年份", "历史排放（吨）", "STIRPAT 拟合（吨）"],
            [[y, o, f] for y, o, f in zip(fit.years, fit.observed_co2_t, fit.fitted_co2_t, strict=True)],
        )
    ]
    if ctx.get("projection"):
        p = ctx["projection"]
        extra.append(
            (
                "外推对照",
                ["年份", f"驱动因素模型：{p['version'].scenario.name}（吨）", "STIRPAT 外推（吨）"],
                [[int(y), d, st] for y, d, st in zip(p["years"], p["driver"], p["stirpat"], strict=True)],
            )
        )
    return xlsx_response(add_sheets(data, extra), "STIRPAT回归.xlsx")
