"""Accounting pages: datasets, results with charts, calculation trace, factor sets, exports.

Views shape data for display only; every figure comes from the engine result stored
on the dataset (or from the engine for structure shares and target paths).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from carbonpeak.accounting import services
from carbonpeak.accounting.forms import LocalFactorForm, UploadForm
from carbonpeak.accounting.models import Dataset, EnergyRecord, LocalFactor
from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core.excel import table_workbook, xlsx_response
from carbonpeak.core.permissions import can, rule_required
from carbonpeak.engine import accounting_templates as tpl
from carbonpeak.engine.accounting import AccountingError, AccountingResult, structure_rows
from carbonpeak.engine.factors import FactorError, FactorSet
from carbonpeak.engine.targets import INDICATOR_LABELS

SAMPLE_NOTE = "示例数据，仅供演示"
LEVEL_LABELS = {"red": "红灯（一级预警）", "yellow": "黄灯（二级预警）", "green": "绿灯（三级预警）"}
KIND_LABELS = {
    "kgce": "折标准煤系数",
    "co2": "二氧化碳排放因子",
    "grid": "电网平均排放因子",
    "ncv": "实测低位发热量",
    "power_coal_rate": "火电发电标准煤耗",
}
ORIGIN_LABELS = {"default": "默认", "user": "用户"}
DECLINE_COLUMNS = [
    ("energy_intensity_annual_pct", "能耗强度年下降率(%)"),
    ("energy_intensity_cumulative_pct", "能耗强度累计下降率(%)"),
    ("co2_intensity_annual_pct", "碳排放强度年下降率(%)"),
    ("co2_intensity_cumulative_pct", "碳排放强度累计下降率(%)"),
]
ADJUSTED_DECLINE_COLUMNS = [
    ("energy_intensity_adjusted_annual_pct", "扣除后能耗强度年下降率(%)"),
    ("energy_intensity_adjusted_cumulative_pct", "扣除后能耗强度累计下降率(%)"),
]


def _dataset(request: HttpRequest, pk: int) -> Dataset:
    return get_object_or_404(Dataset, pk=pk)


def _result(ds: Dataset) -> AccountingResult:
    return AccountingResult.from_dict(ds.result)


# -----------------------------------------------------------------------------------------
# list + upload
# -----------------------------------------------------------------------------------------
@rule_required("accounting.view")
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _render_index(request, UploadForm(), status=200)


def _render_index(request: HttpRequest, form: UploadForm, *, status: int, error: str = "") -> HttpResponse:
    datasets = Dataset.objects.select_related("created_by").defer("result", "inputs")
    return render(
        request,
        "accounting/index.html",
        {
            "datasets": datasets,
            "form": form,
            "error": error,
            "can_manage": can(request.user, "accounting.manage"),
            "template_kinds": [(k, v[0]) for k, v in tpl.TEMPLATES.items()],
        },
        status=status,
    )


@rule_required("accounting.manage")
@require_POST
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_index(request, form, status=400)

    def uploaded(key: str) -> services.UploadedFile | None:
        f = form.cleaned_data.get(key)
        if not f:
            return None
        return services.UploadedFile(name=f.name, data=f.read())

    energy_file = uploaded("energy")
    economy_file = uploaded("economy")
    assert energy_file is not None and economy_file is not None
    try:
        ds = services.import_dataset(
            user=request.user,
            name=form.cleaned_data["name"],
            energy_file=energy_file,
            economy_file=economy_file,
            factors_file=uploaded("factors"),
            targets_file=uploaded("targets"),
            exclusions_file=uploaded("exclusions"),
            region=form.cleaned_data["region"],
            base_year=form.cleaned_data["base_year"],
            dataset=form.cleaned_data["dataset"],
        )
    except AccountingError as exc:
        return _render_index(request, form, status=400, error=f"导入失败，未写入任何数据。{exc.message}")
    messages.success(request, f"已导入并核算“{ds.name}”。")
    return redirect("accounting:dataset", pk=ds.pk)


# -----------------------------------------------------------------------------------------
# results
# -----------------------------------------------------------------------------------------
def _warnings_display(result: AccountingResult) -> list[dict[str, Any]]:
    rows = []
    for w in result.warnings:
        rows.append(
            {
                **w,
                "indicator_label": INDICATOR_LABELS.get(w["indicator"], w["indicator"]),
                "level_label": LEVEL_LABELS[w["level"]],
            }
        )
    return rows


def _chart_data(result: AccountingResult, year: int | None) -> dict[str, Any]:
    years = sorted(result.years)
    data: dict[str, Any] = {
        "years": years,
        "energy": [result.years[y].energy_tce for y in years],
        "co2": [result.years[y].co2_t for y in years],
        "energy_intensity": [result.years[y].energy_intensity_tce_per_10k_yuan for y in years],
        "co2_intensity": [result.years[y].co2_intensity_t_per_10k_yuan for y in years],
        "paths": {},
    }
    for indicator, points in result.target_paths.items():
        data["paths"][indicator] = {
            "label": INDICATOR_LABELS.get(indicator, indicator),
            "years": [p["year"] for p in points],
            "path": [p["path"] for p in points],
            "actual": [p["actual"] for p in points],
        }
    if year is not None and year in result.years:
        y = result.years[year]
        data["sectors"] = [{"name": k, "value": v["energy_tce"]} for k, v in y.by_sector.items()]
        data["carriers"] = [{"name": k, "value": v["energy_tce"]} for k, v in y.by_carrier.items()]
        data["sectors_co2"] = [{"name": k, "value": v["co2_t"]} for k, v in y.by_sector.items()]
        data["carriers_co2"] = [{"name": k, "value": v["co2_t"]} for k, v in y.by_carrier.items()]
    return data


def _decline_explain(result: AccountingResult) -> list[dict[str, Any]]:
    """Operands of every decline rate, for the "计算过程" of the declines table (lookups only)."""
    base = result.years.get(result.base_year)
    rows = []
    for year, d in sorted(result.declines.items()):
        cur, prev = result.years[year], result.years.get(year - 1)
        for key, label, attr in (
            ("energy_intensity", "能耗强度", "energy_intensity_tce_per_10k_yuan"),
            ("co2_intensity", "碳排放强度", "co2_intensity_t_per_10k_yuan"),
        ):
            rows.append(
                {
                    "year": year,
                    "label": label,
                    "current": getattr(cur, attr),
                    "previous": getattr(prev, attr) if prev else None,
                    "base": getattr(base, attr) if base else None,
                    "annual": d.get(f"{key}_annual_pct"),
                    "cumulative": d.get(f"{key}_cumulative_pct"),
                }
            )
    return rows


def _selected_year(request: HttpRequest, result: AccountingResult) -> int | None:
    years = sorted(result.years)
    if not years:
        return None
    try:
        year = int(request.GET.get("year", years[-1]))
    except ValueError:
        return years[-1]
    return year if year in result.years else years[-1]


@rule_required("accounting.view")
def dataset_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ds = _dataset(request, pk)
    result = _result(ds)
    year = _selected_year(request, result)
    year_result = result.years.get(year) if year is not None else None
    carrier_details: dict[str, list[dict[str, Any]]] = {}
    if year is not None:
        for record in (
            EnergyRecord.objects.filter(dataset_id=ds.pk, year=year)
            .order_by("carrier", "id")
            .only("carrier", "trace")
        ):
            carrier_details.setdefault(record.carrier, []).append(record.trace)
    adjusted = any(y.exclusions is not None for y in result.years.values())
    context = {
        "ds": ds,
        "result": result,
        "summary": services.summary_rows(result),
        "year": year,
        "year_result": year_result,
        "sector_rows": structure_rows(year_result.by_sector, year_result.energy_tce, year_result.co2_t)
        if year_result
        else [],
        "carrier_rows": structure_rows(year_result.by_carrier, year_result.energy_tce, year_result.co2_t)
        if year_result
        else [],
        "carrier_details": carrier_details,
        "declines": [
            {
                "year": y,
                "values": [
                    d.get(k) for k, _ in DECLINE_COLUMNS + (ADJUSTED_DECLINE_COLUMNS if adjusted else [])
                ],
            }
            for y, d in sorted(result.declines.items())
        ],
        "decline_headers": [
            label for _, label in DECLINE_COLUMNS + (ADJUSTED_DECLINE_COLUMNS if adjusted else [])
        ],
        "adjusted": adjusted,
        "warnings": _warnings_display(result),
        "decline_explain": _decline_explain(result),
        "chart_data": _chart_data(result, year),
        "can_manage": can(request.user, "accounting.manage"),
        "sample_note": SAMPLE_NOTE if ds.is_sample else "",
        "factor_set": result.factor_set,
    }
    return render(request, "accounting/dataset.html", context)


@rule_required("accounting.view")
def dataset_trace(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ds = _dataset(request, pk)
    rows = _filtered_traces(request, ds)
    records = ds.energy_records.order_by()
    return render(
        request,
        "accounting/trace.html",
        {
            "ds": ds,
            "rows": rows,
            "years": sorted(set(records.values_list("year", flat=True))),
            "carriers": sorted(set(records.values_list("carrier", flat=True))),
            "sectors": sorted(set(records.values_list("sector", flat=True))),
            "filters": {k: request.GET.get(k, "") for k in ("year", "carrier", "sector")},
            "sample_note": SAMPLE_NOTE if ds.is_sample else "",
            "query": request.GET.urlencode(),
        },
    )


def _filtered_traces(request: HttpRequest, ds: Dataset) -> list[dict[str, Any]]:
    """Traces of the dataset's rows, filtered by ?year=&carrier=&sector= in the database (one query)."""
    records = EnergyRecord.objects.filter(dataset_id=ds.pk).order_by("year", "id")
    year = request.GET.get("year", "")
    if year:
        if not year.isdigit():
            return []
        records = records.filter(year=int(year))
    if request.GET.get("carrier"):
        records = records.filter(carrier=request.GET["carrier"])
    if request.GET.get("sector"):
        records = records.filter(sector=request.GET["sector"])
    return [r.trace for r in records.only("trace")]


# -----------------------------------------------------------------------------------------
# exports
# -----------------------------------------------------------------------------------------
def _export_table(
    ds: Dataset, result: AccountingResult, table: str, request: HttpRequest
) -> tuple[str, list[str], list[list[Any]]]:
    years = sorted(result.years)
    rows: list[list[Any]]  # the table's cells; each branch fills its own columns
    if table == "years":
        headers = [
            "年份",
            "能耗（当量值，tce）",
            "能耗（等价值，tce）",
            "二氧化碳（t）",
            "地区生产总值（可比价，万元）",
            "常住人口（人）",
            "能耗强度（tce/万元）",
            "碳排放强度（tCO2/万元）",
            "煤炭消费比重（%）",
            "非化石能源消费比重（%）",
        ]
        rows = [
            [
                y,
                r.energy_tce,
                r.energy_tce_equal_value,
                r.co2_t,
                r.gdp_constant_10k_yuan,
                r.population,
                r.energy_intensity_tce_per_10k_yuan,
                r.co2_intensity_t_per_10k_yuan,
                r.coal_share_pct,
                r.non_fossil_share_pct,
            ]
            for y, r in ((y, result.years[y]) for y in years)
        ]
        if any(result.years[y].exclusions for y in years):
            headers += [
                "可再生能源电力扣除（tce）",
                "原料用能扣除（tce）",
                "考核能耗总量（tce）",
                "扣除原料用能后能耗强度（tce/万元）",
            ]
            for row, y in zip(rows, years, strict=True):
                ex = result.years[y].exclusions or {}
                row += [
                    ex.get("renewable_deduction_tce"),
                    ex.get("feedstock_tce"),
                    ex.get("energy_tce_assessed"),
                    ex.get("energy_intensity_adjusted_tce_per_10k_yuan"),
                ]
        return "分年度核算结果", headers, rows
    if table == "declines":
        adjusted = any(result.years[y].exclusions for y in years)
        cols = DECLINE_COLUMNS + (ADJUSTED_DECLINE_COLUMNS if adjusted else [])
        return (
            "强度下降率",
            ["年份"] + [label for _, label in cols],
            [[y] + [d.get(k) for k, _ in cols] for y, d in sorted(result.declines.items())],
        )
    if table == "warnings":
        return (
            "双控目标预警",
            [
                "年份",
                "指标",
                "预警等级",
                "进度要求（%）",
                "实际（%）",
                "本年较上年下降（%）",
                "允许值",
                "实际值",
                "单位",
                "口径",
            ],
            [
                [
                    w["year"],
                    w["indicator_label"],
                    w["level_label"],
                    w.get("required_pct"),
                    w.get("actual_pct"),
                    w.get("annual_pct"),
                    w.get("allowed"),
                    w.get("actual"),
                    w.get("unit", "%"),
                    "扣除后" if w.get("basis") == "adjusted" else "未扣除",
                ]
                for w in _warnings_display(result)
            ],
        )
    if table in ("sectors", "carriers"):
        key = "by_sector" if table == "sectors" else "by_carrier"
        rows = []
        for y in years:
            r = result.years[y]
            for s in structure_rows(getattr(r, key), r.energy_tce, r.co2_t):
                rows.append(
                    [y, s["name"], s["energy_tce"], s["energy_share_pct"], s["co2_t"], s["co2_share_pct"]]
                )
        label = "行业" if table == "sectors" else "能源品种"
        return (
            f"分{label}结构",
            ["年份", label, "能耗（当量值，tce）", "能耗占比（%）", "二氧化碳（t）", "排放占比（%）"],
            rows,
        )
    if table == "trace":
        rows = []
        for t in _filtered_traces(request, ds):
            rows.append(
                [
                    t.get("row"),
                    t["year"],
                    t.get("sector"),
                    t["carrier"],
                    t["activity"]["quantity"],
                    t["activity"]["unit"],
                    t["converted"]["quantity_base"],
                    t["converted"]["base_unit"],
                    t["kgce_factor"]["value"],
                    t["kgce_factor"]["unit"],
                    t["kgce_factor"]["source"],
                    t["energy_tce"],
                    t["energy_tce_equal_value"],
                    t["converted"]["quantity_accounting"],
                    t["converted"]["accounting_unit"],
                    t["co2_factor"]["value"],
                    t["co2_factor"]["unit"],
                    t["co2_factor"]["source"],
                    t["co2_t"],
                    t["energy_formula"],
                    t["co2_formula"],
                    "；".join(t.get("assumptions", [])),
                ]
            )
        return (
            "计算过程",
            [
                "文件行号",
                "年份",
                "行业",
                "能源品种",
                "实物量",
                "单位",
                "折算量",
                "折算单位",
                "折标系数",
                "折标系数单位",
                "折标系数来源",
                "能耗（当量值，tce）",
                "能耗（等价值，tce）",
                "核算量",
                "核算单位",
                "排放因子",
                "排放因子单位",
                "排放因子来源",
                "二氧化碳（t）",
                "能耗计算式",
                "排放计算式",
                "说明",
            ],
            rows,
        )
    if table == "factors":
        fs = FactorSet.from_dict(result.factor_set)
        return "所用因子集", *_factor_table(fs.factors())
    if table == "assumptions":
        return (
            "假设与说明",
            ["序号", "说明"],
            [[i, text] for i, text in enumerate(result.assumptions, start=1)],
        )
    raise Http404("没有这个表格")


EXPORT_TABLES = ["years", "declines", "warnings", "sectors", "carriers", "trace", "factors", "assumptions"]


def _factor_table(factors: list[Any]) -> tuple[list[str], list[list[Any]]]:
    headers = [
        "类型",
        "能源品种/地区",
        "年份",
        "数值",
        "单位",
        "来源",
        "版本",
        "核实情况",
        "默认/用户",
        "说明",
    ]
    rows = [
        [
            KIND_LABELS.get(f.kind, f.kind),
            f.key,
            f.year if f.year is not None else "所有年份",
            f.value,
            f.unit,
            f.source,
            f.version,
            f.verification,
            ORIGIN_LABELS.get(f.origin, f.origin),
            "；".join(x for x in (f.assumption, f.note) if x),
        ]
        for f in factors
    ]
    return headers, rows


@rule_required("accounting.view")
def dataset_export(request: AuthenticatedHttpRequest, pk: int, table: str) -> HttpResponse:
    ds = _dataset(request, pk)
    if table not in EXPORT_TABLES:
        raise Http404("没有这个表格")
    result = _result(ds)
    title, headers, rows = _export_table(ds, result, table, request)
    note = f"{ds.name}；因子集 {ds.factor_set_name}（{ds.factor_set_version}）"
    if ds.is_sample:
        note = f"{SAMPLE_NOTE}。{note}"
    data = table_workbook(title, headers, rows, note=note)
    return xlsx_response(data, f"{ds.name}-{title}.xlsx")


# -----------------------------------------------------------------------------------------
# office actions
# -----------------------------------------------------------------------------------------
@rule_required("accounting.manage")
@require_POST
def dataset_recompute(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ds = _dataset(request, pk)
    try:
        services.recompute_dataset(user=request.user, dataset=ds)
    except AccountingError as exc:
        messages.error(request, f"重新核算失败，结果未改变：{exc.message}")
    else:
        messages.success(request, "已按当前默认因子和本地因子重新核算。")
    return redirect("accounting:dataset", pk=ds.pk)


@rule_required("accounting.manage")
@require_http_methods(["GET", "POST"])
def dataset_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ds = _dataset(request, pk)
    if request.method == "POST":
        name = ds.name
        services.delete_dataset(user=request.user, dataset=ds)
        messages.success(request, f"已删除数据集“{name}”。")
        return redirect("accounting:index")
    return render(
        request,
        "accounting/confirm_delete.html",
        {
            "title": "删除核算数据集",
            "object_label": f"数据集“{ds.name}”及其 {ds.energy_records.count()} 条能源消费记录",
            "cancel_url": reverse("accounting:dataset", args=[ds.pk]),
        },
    )


# -----------------------------------------------------------------------------------------
# templates
# -----------------------------------------------------------------------------------------
@rule_required("accounting.view")
def template_download(request: AuthenticatedHttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in tpl.TEMPLATES or fmt not in ("csv", "xlsx"):
        raise Http404("没有这个模板")
    filename = f"{kind.upper()}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(tpl.template_csv(kind), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            tpl.template_xlsx(kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = (
        f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


# -----------------------------------------------------------------------------------------
# factor sets
# -----------------------------------------------------------------------------------------
def _default_region() -> str:
    ds = services.latest_dataset()
    return ds.province if ds is not None else "湖南省"


@rule_required("accounting.view")
def factor_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = request.GET.get("region") or _default_region()
    error = ""
    try:
        fs = FactorSet.default(region)
    except FactorError as exc:
        error = exc.message
        fs = FactorSet.default("湖南省")
    headers, rows = _factor_table(fs.factors())
    return render(
        request,
        "accounting/factors.html",
        {
            "factor_set": fs,
            "headers": headers,
            "rows": rows,
            "local_factors": LocalFactor.objects.select_related("updated_by"),
            "can_manage": can(request.user, "accounting.manage"),
            "region": region,
            "error": error,
        },
    )


@rule_required("accounting.view")
def factor_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = request.GET.get("region") or _default_region()
    try:
        fs = FactorSet.default(region)
    except FactorError:
        fs = FactorSet.default("湖南省")
    local = services.local_factor_rows()
    if local:
        fs = fs.with_user_factors(local, filename="本地因子表")  # validated when saved
    headers, rows = _factor_table(fs.factors())
    data = table_workbook("因子集", headers, rows, note=f"{fs.name}（版本 {fs.version}）")
    return xlsx_response(data, "因子集.xlsx")


@rule_required("accounting.manage")
@require_http_methods(["GET", "POST"])
def factor_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(LocalFactor, pk=pk) if pk is not None else None
    initial = (
        {
            "carrier": instance.carrier,
            "year": instance.year,
            "value": instance.value,
            "unit": instance.unit,
            "source": instance.source,
        }
        if instance
        else {}
    )
    form = LocalFactorForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_local_factor(user=request.user, instance=instance, **form.cleaned_data)
            except AccountingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "本地因子已保存。已导入的数据集需“重新核算”才会使用新因子。")
                return redirect("accounting:factors")
        status = 400
    return render(request, "accounting/factor_form.html", {"form": form, "instance": instance}, status=status)


@rule_required("accounting.manage")
@require_http_methods(["GET", "POST"])
def factor_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    factor = get_object_or_404(LocalFactor, pk=pk)
    if request.method == "POST":
        services.delete_local_factor(user=request.user, factor=factor)
        messages.success(request, "本地因子已删除。")
        return redirect("accounting:factors")
    return render(
        request,
        "accounting/confirm_delete.html",
        {
            "title": "删除本地因子",
            "object_label": f"本地因子“{factor}”",
            "cancel_url": reverse("accounting:factors"),
        },
    )
