"""Pages of enterprise evaluation and disclosure. Views fetch, check and render; work is in services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core.errors import UserError
from carbonpeak.core.excel import xlsx_response
from carbonpeak.core.models import Region
from carbonpeak.core.permissions import can, rule_required
from carbonpeak.engine import carbon_efficiency as ce
from carbonpeak.engine import mu_evaluation as mu
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.evaluation import forms, services, tables
from carbonpeak.evaluation.models import (
    AnnualData,
    CarbonEfficiencyGrade,
    Disclosure,
    MuClassification,
    MuPresetRecord,
    RankingEntry,
    ReductionRanking,
)

SAMPLE_NOTE = services.SAMPLE_NOTE
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _year(request: HttpRequest, default_offset: int = 1) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or "")
    except ValueError:
        year = timezone.localdate().year - default_offset
    return min(max(year, 2000), 2100)


def _counties(request: AuthenticatedHttpRequest) -> list[Region]:
    """The counties the user may see (its own, or every county of its city)."""
    own = request.user.region
    if own is None:
        return []
    return list(Region.objects.filter(path__startswith=own.path, level="county").order_by("code"))


def _region(request: HttpRequest) -> Region:
    """The county a page is about: ``?region=<code>``, else the region being viewed
    (``request.region``) when it is a county, else the first county below it. Whether
    the user may see it is the view's rule (``in_scope``), so another county is a 403."""
    code = request.GET.get("region") or request.POST.get("region") or ""
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Http404("没有该行政区划")
        return region
    viewing = getattr(request, "region", None) or getattr(request.user, "region", None)
    if viewing is None:
        raise Http404("您的账号没有行政区划")
    if viewing.level == "county":
        return viewing
    first = Region.objects.filter(path__startswith=viewing.path, level="county").order_by("code").first()
    if first is None:
        raise Http404("该地区下没有县（市、区）")
    return first


def _page_region(request: HttpRequest, **kwargs: Any) -> Region:
    return _region(request)


def _base(request: AuthenticatedHttpRequest, region: Region, year: int, **extra: Any) -> dict[str, Any]:
    return {
        "region": region,
        "regions": _counties(request),
        "year": year,
        "can_manage": can(request.user, "evaluation.manage", region),
        "sample_note": SAMPLE_NOTE,
        **extra,
    }


def _back(view: str, region: Region, year: int) -> HttpResponse:
    response = redirect(view)
    response["Location"] += f"?region={region.code}&year={year}"
    return response


# --------------------------------------------------------------------------- annual data and grades
@rule_required("evaluation.view", _page_region)
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    year = _year(request)
    rows = services.annual_rows(region=region, year=year)
    grades = {
        g.enterprise_id: g for g in CarbonEfficiencyGrade.objects.filter(enterprise__region=region, year=year)
    }
    classes = {
        c.enterprise_id: c for c in MuClassification.objects.filter(enterprise__region=region, year=year)
    }
    table = [(r, grades.get(r.enterprise_id), classes.get(r.enterprise_id)) for r in rows]
    table.sort(key=lambda t: t[0].enterprise.name)
    return render(
        request,
        "evaluation/index.html",
        _base(
            request,
            region,
            year,
            rows=table,
            any_sample=any(r.is_sample for r in rows),
            published=services.grades_published(region=region, year=year),
            grade_form=forms.GradeForm(initial={"year": year}),
            mu_form=forms.MuForm(initial={"year": year}, presets=services.mu_presets(region)),
            local_presets=MuPresetRecord.objects.filter(region=region),
        ),
    )


def _grade(request: HttpRequest, pk: int) -> CarbonEfficiencyGrade:
    return get_object_or_404(
        CarbonEfficiencyGrade.objects.visible_to(request.user).select_related("enterprise"), pk=pk
    )


def _mu(request: HttpRequest, pk: int) -> MuClassification:
    return get_object_or_404(
        MuClassification.objects.visible_to(request.user).select_related("enterprise"), pk=pk
    )


def _annual(request: HttpRequest, pk: int) -> AnnualData:
    return get_object_or_404(AnnualData.objects.visible_to(request.user).select_related("enterprise"), pk=pk)


@rule_required("evaluation.view_object", _grade)
def grade_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    grade = _grade(request, pk)
    return render(request, "evaluation/grade_detail.html", {"grade": grade, "labels": ce.GRADE_LABELS})


@rule_required("evaluation.view_object", _mu)
def mu_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    result = _mu(request, pk)
    rows = [
        {
            "label": info.label,
            "unit": info.unit,
            "value": result.indicators.get(str(ind)),
            "score": result.scores.get(str(ind)),
            "rule": result.preset.get("rules", {}).get(str(ind), {}),
        }
        for ind, info in mu.INDICATORS.items()
    ]
    return render(request, "evaluation/mu_detail.html", {"result": result, "rows": rows})


@rule_required("evaluation.manage_object", _annual)
def annual_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    row = _annual(request, pk)
    form = forms.AnnualDataForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        services.save_annual_data(row=form.save(commit=False), user=request.user)
        messages.success(request, f"已保存{row.enterprise.name}{row.year}年数据。")
        return _back("evaluation:index", row.enterprise.region, row.year)
    return render(request, "evaluation/annual_edit.html", {"form": form, "row": row})


@rule_required("evaluation.manage", _page_region)
def import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.import_annual_data(
                data=upload.read(), filename=upload.name, region=region, user=request.user
            )
        except UserError as exc:
            errors = tables.error_lines(exc)
        else:
            messages.success(request, report)
            return _back("evaluation:index", region, _year(request))
    return render(
        request, "evaluation/import.html", _base(request, region, _year(request), form=form, errors=errors)
    )


@rule_required("evaluation.view")
def template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    return xlsx_response(tables.template_workbook(), "企业年度数据导入模板.xlsx")


@rule_required("evaluation.view", _page_region)
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    year = _year(request)
    data = tables.export_workbook(region=region, year=year)
    return xlsx_response(data, f"{region.name}{year}年企业评价.xlsx")


@require_POST
@rule_required("evaluation.manage", _page_region)
def compute_grades(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    form = forms.GradeForm(request.POST)
    year = _year(request)
    if not form.is_valid():
        for field, field_errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(str(e) for e in field_errors)}")
        return _back("evaluation:index", region, year)
    try:
        preset = services.carbon_efficiency_preset(
            code=form.cleaned_data["preset"],
            grade_upper_k=form.cleaned_data["grade_bands"],
            level_upper_l=form.cleaned_data["level_bands"],
            source=form.cleaned_data["source"],
        )
        grades = services.compute_grades(region=region, year=year, user=request.user, preset=preset)
    except UserError as exc:
        messages.error(request, str(exc))
    else:
        graded = sum(1 for g in grades if g.grade)
        messages.success(
            request, f"已计算 {len(grades)} 家企业的碳效（{graded} 家评定等级），分档预设 {preset.code}。"
        )
    return _back("evaluation:index", region, year)


@require_POST
@rule_required("evaluation.manage", _page_region)
def compute_mu(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    form = forms.MuForm(request.POST, presets=services.mu_presets(region))
    year = _year(request)
    if form.is_valid():
        try:
            result = services.compute_mu(
                region=region, year=year, user=request.user, preset_code=form.cleaned_data["preset"]
            )
        except UserError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已完成 {len(result.enterprises)} 家企业的亩均评价。")
    return _back("evaluation:index", region, year)


@rule_required("evaluation.manage", _page_region)
def mu_preset_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Copy a preset (shipped or local) and edit its weights and benchmarks, with a source."""
    region = _region(request)
    base_code = request.GET.get("base") or request.POST.get("base") or mu.DEFAULT_PRESET.code
    try:
        base = services.mu_preset(region=region, code=base_code)
    except UserError as exc:
        raise Http404(str(exc)) from None
    initial = {
        "code": f"{region.code}_{base.data_year}",
        "name": f"{region.name}亩均论英雄（{base.data_year}年度数据）",
        "data_year": base.data_year,
    }
    form = forms.MuPresetForm(request.POST or None, base=base, initial=initial)
    if request.method == "POST" and form.is_valid():
        weights, benchmarks, caps = form.values()
        try:
            record = services.save_mu_preset(
                region=region,
                user=request.user,
                base_code=base_code,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                data_year=form.cleaned_data["data_year"],
                valid_from=form.cleaned_data["valid_from"],
                weights=weights,
                benchmarks=benchmarks,
                caps=caps,
                source=form.cleaned_data["source"],
            )
        except UserError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已保存本地评价预设“{record.name}”，计算亩均评价时可选用。")
            return _back("evaluation:index", region, _year(request))
    return render(
        request,
        "evaluation/mu_preset.html",
        _base(request, region, _year(request), form=form, base=base, base_code=base_code),
    )


@require_POST
@rule_required("evaluation.manage", _page_region)
def publish_grades(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    year = _year(request)
    publish = request.POST.get("publish") == "1"
    try:
        services.publish_grades(region=region, year=year, user=request.user, publish=publish)
    except UserError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{year}年碳效等级已{'公开' if publish else '撤回公开'}。")
    return _back("evaluation:index", region, year)


@rule_required("evaluation.view", _page_region)
def parks(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    year = _year(request)
    results = services.park_comparison(rows=services.annual_rows(region=region, year=year))
    return render(request, "evaluation/parks.html", _base(request, region, year, parks=results))


# --------------------------------------------------------------------------- ranking
@rule_required("evaluation.view", _page_region)
def rankings(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    year = _year(request)
    items = ReductionRanking.objects.visible_to(request.user).filter(region=region)
    form = forms.RankingForm(initial={"year": year, "base_year": 2020})
    return render(
        request, "evaluation/rankings.html", _base(request, region, year, rankings=items, form=form)
    )


@require_POST
@rule_required("evaluation.manage", _page_region)
def ranking_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    form = forms.RankingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写排名年度和基准年")
        return _back("evaluation:rankings", region, _year(request))
    try:
        ranking = services.create_ranking(
            region=region,
            year=form.cleaned_data["year"],
            base_year=form.cleaned_data["base_year"],
            user=request.user,
        )
    except UserError as exc:
        messages.error(request, str(exc))
        return _back("evaluation:rankings", region, _year(request))
    messages.success(request, "已生成排名，请审核后公布。")
    return redirect("evaluation:ranking", pk=ranking.pk)


def _ranking(request: HttpRequest, pk: int) -> ReductionRanking:
    return get_object_or_404(
        ReductionRanking.objects.visible_to(request.user).select_related("region"), pk=pk
    )


@rule_required("evaluation.view_object", _ranking)
def ranking_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ranking = _ranking(request, pk)
    entries = ranking.entries.select_related("enterprise")
    return render(
        request,
        "evaluation/ranking_detail.html",
        {
            "ranking": ranking,
            "entries": entries,
            "can_manage": can(request.user, "evaluation.manage_object", ranking),
        },
    )


@require_POST
@rule_required("evaluation.manage_object", _ranking)
def ranking_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ranking = _ranking(request, pk)
    action = request.POST.get("action")
    try:
        if action == "advanced":
            ids = [int(v) for v in request.POST.getlist("advanced") if v.isdigit()]
            services.set_advanced(ranking=ranking, entry_ids=ids, user=request.user)
            messages.success(request, "已保存碳排放管理先进企业名单。")
        elif action in ("publish", "withdraw"):
            services.publish_ranking(ranking=ranking, user=request.user, publish=action == "publish")
            messages.success(request, "排名已公布。" if action == "publish" else "已撤回公布。")
    except UserError as exc:
        messages.error(request, str(exc))
    return redirect("evaluation:ranking", pk=ranking.pk)


@rule_required("evaluation.view_object", _ranking)
def ranking_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ranking = _ranking(request, pk)
    data = tables.ranking_workbook(ranking)
    return xlsx_response(data, f"{ranking.region.name}{ranking}.xlsx")


# --------------------------------------------------------------------------- disclosure (office)
@rule_required("evaluation.view", _page_region)
def disclosures(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    year = _year(request)
    items = (
        Disclosure.objects.visible_to(request.user)
        .filter(enterprise__region=region, year=year)
        .select_related("enterprise")
    )
    filed = {d.enterprise_id for d in items}
    missing = services.enterprises_in(region).exclude(pk__in=filed).order_by("name")
    return render(
        request,
        "evaluation/disclosures.html",
        _base(
            request,
            region,
            year,
            disclosures=items,
            missing=missing,
            deadline=services.disclosure_deadline(year),
        ),
    )


def _disclosure(request: HttpRequest, pk: int) -> Disclosure:
    return get_object_or_404(Disclosure.objects.visible_to(request.user).select_related("enterprise"), pk=pk)


@rule_required("evaluation.view_object", _disclosure)
def disclosure_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    disclosure = _disclosure(request, pk)
    can_review = can(request.user, "evaluation.manage_object", disclosure) and (
        disclosure.status == Disclosure.Status.SUBMITTED
    )
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied("您无权审核此披露。")
        if form.is_valid():
            try:
                services.review_disclosure(
                    disclosure=disclosure,
                    user=request.user,
                    approve=form.cleaned_data["decision"] == "approve",
                    comment=form.cleaned_data["comment"],
                )
            except UserError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "审核结果已保存，并已通知企业。")
                return redirect("evaluation:disclosure", pk=disclosure.pk)
    return render(
        request,
        "evaluation/disclosure_detail.html",
        {
            "disclosure": disclosure,
            "facilities": disclosure.facilities.all(),
            "deadline": services.disclosure_deadline(disclosure.year),
            "can_review": can_review,
            "can_file": can(request.user, "evaluation.file_disclosure", disclosure) and disclosure.editable,
            "form": form,
        },
    )


@rule_required("evaluation.view", _page_region)
def disclosures_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    year = _year(request)
    data = tables.disclosures_workbook(
        Disclosure.objects.visible_to(request.user).filter(enterprise__region=region, year=year), year=year
    )
    return xlsx_response(data, f"{region.name}{year}年度企业碳排放信息披露.xlsx")


@rule_required("evaluation.view", _page_region)
def bulletin(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    year = _year(request)
    response = HttpResponse(services.bulletin_docx(region=region, year=year), content_type=DOCX_MIME)
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename=\"bulletin.docx\"; filename*=UTF-8''{quote(f'{region.name}{year}年度企业碳排放信息公告.docx')}"
    )
    return response


# --------------------------------------------------------------------------- disclosure (enterprise)
@rule_required("evaluation.file_disclosures")
def my_disclosures(request: AuthenticatedHttpRequest) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=request.user.enterprise_id)
    year = timezone.localdate().year - 1
    if request.method == "POST":
        try:
            wanted = int(request.POST.get("year", ""))
        except ValueError:
            wanted = year
        disclosure = services.start_disclosure(enterprise=enterprise, year=wanted, user=request.user)
        return redirect("evaluation:disclosure_edit", pk=disclosure.pk)
    items = Disclosure.objects.filter(enterprise=enterprise).order_by("-year")
    grades = CarbonEfficiencyGrade.objects.filter(enterprise=enterprise).order_by("-year")
    classes = MuClassification.objects.filter(enterprise=enterprise).order_by("-year")
    return render(
        request,
        "evaluation/mine.html",
        {
            "enterprise": enterprise,
            "disclosures": items,
            "year": year,
            "deadline": services.disclosure_deadline(year),
            "has_current": items.filter(year=year).exists(),
            "grades": grades,
            "classes": classes,
        },
    )


@rule_required("evaluation.file_disclosure", _disclosure)
def disclosure_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    disclosure = _disclosure(request, pk)
    if not disclosure.editable:
        messages.info(request, "该披露已提交或已通过，不能修改。")
        return redirect("evaluation:disclosure", pk=disclosure.pk)
    form = forms.DisclosureForm(request.POST or None, instance=disclosure)
    formset = forms.FacilityFormSet(request.POST or None, instance=disclosure)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        facilities = [
            {k: f.cleaned_data.get(k) for k in ("name", "facility_type", "fuel", "co2_t")}
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
        ]
        try:
            services.save_disclosure(
                disclosure=form.save(commit=False), facilities=facilities, user=request.user
            )
            if request.POST.get("submit") == "1":
                services.submit_disclosure(disclosure=disclosure, user=request.user)
                messages.success(request, "已提交，等待碳达峰办审核。")
                return redirect("evaluation:disclosure", pk=disclosure.pk)
        except UserError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已保存草稿。")
        return redirect("evaluation:disclosure_edit", pk=disclosure.pk)
    return render(
        request,
        "evaluation/disclosure_edit.html",
        {
            "disclosure": disclosure,
            "form": form,
            "formset": formset,
            "deadline": services.disclosure_deadline(disclosure.year),
        },
    )


# --------------------------------------------------------------------------- green finance
@rule_required("evaluation.view", _page_region)
def green(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    year = _year(request)
    criteria = services.green_criteria(region)
    form = forms.GreenCriteriaForm(request.POST or None, instance=criteria)
    if request.method == "POST":
        if not can(request.user, "evaluation.manage_object", region):
            raise PermissionDenied("您无权修改名单条件。")
        if form.is_valid():
            try:
                services.save_green_criteria(criteria=form.save(commit=False), user=request.user)
            except UserError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "已保存名单条件。")
                return _back("evaluation:green", region, year)
    rows = services.green_finance_list(region=region, year=year)
    return render(
        request,
        "evaluation/green.html",
        _base(
            request,
            region,
            year,
            rows=rows,
            criteria=criteria,
            form=form,
            projects=services.green_projects(region=region, rows=rows),
        ),
    )


@rule_required("evaluation.view", _page_region)
def green_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _region(request)
    year = _year(request)
    data = tables.green_workbook(region=region, year=year)
    return xlsx_response(data, f"{region.name}{year}年绿色金融支持企业名单.xlsx")


# --------------------------------------------------------------------------- public pages
def public_disclosures(request: HttpRequest) -> HttpResponse:
    """The public list: counties with approved disclosures, and a county's list."""
    code = request.GET.get("region", "")
    approved = services.public_disclosures()
    counties = Region.objects.filter(
        pk__in=approved.values_list("enterprise__region", flat=True).distinct()
    ).order_by("code")
    region = Region.objects.filter(code=code).first() if code else None
    items = approved.filter(enterprise__region=region) if region else approved
    rankings = services.public_rankings(region=region)
    return render(
        request,
        "evaluation/public/disclosures.html",
        {
            "counties": counties,
            "region": region,
            "disclosures": items.order_by("-year", "enterprise__name"),
            "rankings": rankings,
        },
    )


def public_enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    if not services.enterprise_is_public(enterprise):
        raise Http404("没有公开信息")
    return render(
        request,
        "evaluation/public/enterprise.html",
        {
            "enterprise": enterprise,
            "disclosures": services.public_disclosures()
            .filter(enterprise=enterprise)
            .prefetch_related("facilities"),
            "grades": services.public_grades(enterprise=enterprise),
            "entries": RankingEntry.objects.filter(
                enterprise=enterprise, ranking__status=ReductionRanking.Status.PUBLISHED
            ).select_related("ranking"),
            "labels": ce.GRADE_LABELS,
        },
    )


def public_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    ranking = get_object_or_404(services.public_rankings(), pk=pk)
    entries = ranking.entries.select_related("enterprise").order_by("rank_absolute", "enterprise__name")
    return render(request, "evaluation/public/ranking.html", {"ranking": ranking, "entries": entries})
