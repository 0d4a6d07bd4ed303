"""Pages: project list, register/edit, detail, 两高 list, review queue and review, impact.

Views fetch, check permissions and render; figures come from the engine (stored on the
project or computed by :func:`services.impact`).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core.errors import UserError
from carbonpeak.core.permissions import can, rule_required
from carbonpeak.core.regions import regions_visible_to
from carbonpeak.projects import docs, services, tables
from carbonpeak.projects.forms import (
    CoalReplacementForm,
    CommentForm,
    DecisionForm,
    DispositionForm,
    EnergyRowFormSet,
    ExtraTargetFormSet,
    ImpactSettingsForm,
    ImportForm,
    ProjectForm,
    ReviewSubmitForm,
)
from carbonpeak.projects.models import REVIEW_LEVEL_LABELS, Disposition, EnergyReview, Project, Stage


def _projects(request: HttpRequest) -> Any:
    return Project.objects.visible_to(request.user).select_related("region", "enterprise")


def _project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(_projects(request), pk=pk)


def _review(request: HttpRequest, pk: int) -> EnergyReview:
    return get_object_or_404(
        EnergyReview.objects.visible_to(request.user).select_related("project", "project__region"), pk=pk
    )


def _user_regions(request: HttpRequest) -> list[Any]:
    return regions_visible_to(request.user)


def _own_region(request: HttpRequest) -> Any:
    """The user's own region: where its office registers projects."""
    return getattr(request.user, "region", None)


# -----------------------------------------------------------------------------------------
# list
# -----------------------------------------------------------------------------------------
def _filtered(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    qs = _projects(request)
    f = {k: request.GET.get(k, "").strip() for k in ("q", "stage", "two_high", "review", "region")}
    if f["q"]:
        from django.db.models import Q

        qs = qs.filter(
            Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]) | Q(owner_name__icontains=f["q"])
        )
    if f["stage"] in Stage.values:
        qs = qs.filter(stage=f["stage"])
    if f["two_high"] == "1":
        qs = qs.filter(is_two_high=True)
    elif f["two_high"] == "0":
        qs = qs.filter(is_two_high=False)
    if f["review"] in EnergyReview.Status.values:
        qs = qs.filter(reviews__status=f["review"]).distinct()
    if f["region"]:
        qs = qs.filter(region__code=f["region"])
    return qs, f


@rule_required("projects.list")
def project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs, f = _filtered(request)
    return render(
        request,
        "projects/list.html",
        {
            "projects": qs.order_by("region__code", "code"),
            "filters": f,
            "stages": Stage.choices,
            "review_statuses": EnergyReview.Status.choices,
            "regions": _user_regions(request),
            "can_create": can(request.user, "projects.create"),
            "level_labels": REVIEW_LEVEL_LABELS,
        },
    )


@rule_required("projects.list")
def project_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs, _f = _filtered(request)
    return tables.xlsx(
        tables.PROJECT_TABLE, tables.project_rows(qs.order_by("region__code", "code")), "投资项目清单"
    )


# -----------------------------------------------------------------------------------------
# register / edit / delete
# -----------------------------------------------------------------------------------------
def _energy_initial(project: Project | None) -> list[dict[str, Any]]:
    if project is None or project.pk is None:
        return [{"use": "fuel"}] * 3
    rows = [
        {"carrier": r.carrier, "quantity": r.quantity, "unit": r.unit, "use": r.use}
        for r in project.energy_rows.all()
    ]
    return rows + [{"use": "fuel"}]


def _enterprises(request: HttpRequest) -> Any:
    from carbonpeak.enterprises.models import Enterprise

    return Enterprise.objects.visible_to(request.user).order_by("name")


@require_http_methods(["GET", "POST"])
@rule_required("projects.create")
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = _own_region(request)
    if region is None:
        raise PermissionDenied("您的账号没有所属行政区划，不能登记项目。")
    return _edit(request, Project(region=region))


@require_http_methods(["GET", "POST"])
@rule_required("projects.edit", lambda request, pk: _project(request, pk))
def project_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _edit(request, _project(request, pk))


def _edit(request: AuthenticatedHttpRequest, project: Project) -> HttpResponse:
    error = ""
    if request.method == "POST":
        form = ProjectForm(request.POST, instance=project, enterprises=_enterprises(request))
        formset = EnergyRowFormSet(request.POST, prefix="energy")
        if form.is_valid() and formset.is_valid():
            rows = [
                services.EnergyInput(d["carrier"], float(d["quantity"]), d["unit"], d.get("use") or "fuel")
                for d in formset.cleaned_data
                if d and d.get("carrier")
            ]
            try:
                saved = services.save_project(
                    user=request.user, project=form.save(commit=False), energy_rows=rows
                )
            except UserError as exc:
                error = exc.message
            else:
                messages.success(request, f"已保存项目“{saved.name}”，能耗与排放已按核算模块重新计算。")
                return redirect("projects:detail", saved.pk)
    else:
        form = ProjectForm(instance=project, enterprises=_enterprises(request))
        formset = EnergyRowFormSet(initial=_energy_initial(project), prefix="energy")
    return render(
        request,
        "projects/form.html",
        {"form": form, "formset": formset, "project": project, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@rule_required("projects.edit", lambda request, pk: _project(request, pk))
def project_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    if request.method == "POST":
        try:
            services.delete_project(user=request.user, project=project)
        except UserError as exc:
            messages.error(request, exc.message)
            return redirect("projects:detail", pk)
        messages.success(request, f"已删除项目“{project.name}”。")
        return redirect("projects:list")
    return render(request, "projects/confirm_delete.html", {"project": project})


# -----------------------------------------------------------------------------------------
# detail
# -----------------------------------------------------------------------------------------
@rule_required("projects.view", lambda request, pk: _project(request, pk))
def project_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    editable = can(request.user, "projects.edit", project)
    sources = _projects(request).filter(region=project.region, stage=Stage.PHASED_OUT, coal_tce__gt=0)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "figures": project.figures or {},
            "energy_rows": project.energy_rows.all(),
            "reviews": project.reviews.prefetch_related("comments").select_related(
                "submitted_by", "decided_by"
            ),
            "replacements": project.coal_replacements.select_related("source_project"),
            "coal_covered_tce": services.coal_covered_tce(project),
            "monitoring": services.monitoring_status(project),
            "can_edit": editable,
            "can_review": can(request.user, "projects.review", project),
            "submit_form": ReviewSubmitForm(),
            "coal_form": CoalReplacementForm(sources=sources),
            "disposition_form": DispositionForm(
                initial={"disposition": project.disposition or Disposition.STRICT}
            ),
            "level_labels": REVIEW_LEVEL_LABELS,
        },
    )


@require_POST
@rule_required("projects.edit", lambda request, pk: _project(request, pk))
def project_disposition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = DispositionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择分类处置。")
    else:
        try:
            services.set_disposition(
                user=request.user,
                project=project,
                disposition=form.cleaned_data["disposition"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, f"已设置分类处置：{form.cleaned_data['disposition']}。")
        except UserError as exc:
            messages.error(request, exc.message)
    return redirect(request.POST.get("next") or reverse("projects:detail", args=[pk]))


@require_POST
@rule_required("projects.edit", lambda request, pk: _project(request, pk))
def coal_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    sources = _projects(request).filter(region=project.region, stage=Stage.PHASED_OUT)
    form = CoalReplacementForm(request.POST, sources=sources)
    if not form.is_valid():
        messages.error(request, "请填写替代来源说明和替代煤炭量（大于 0）。")
    else:
        try:
            services.add_coal_replacement(
                user=request.user,
                project=project,
                coal_tce=form.cleaned_data["coal_tce"],
                source_description=form.cleaned_data["source_description"],
                source_project=form.cleaned_data["source_project"],
            )
            messages.success(request, "已登记煤炭替代。")
        except UserError as exc:
            messages.error(request, exc.message)
    return redirect("projects:detail", pk)


# -----------------------------------------------------------------------------------------
# 两高 list
# -----------------------------------------------------------------------------------------
@rule_required("projects.list")
def two_high_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs = _projects(request).filter(is_two_high=True).order_by("region__code", "code")
    region = _own_region(request)
    own = _projects(request).filter(region=region) if region is not None else _projects(request).none()
    rows = [(p, services.monitoring_status(p)) for p in qs]
    return render(
        request,
        "projects/two_high.html",
        {
            "rows": rows,
            "dispositions": Disposition.choices,
            "can_import": can(request.user, "projects.create"),
            "import_form": ImportForm(),
            "ledger": services.coal_ledger(own),
        },
    )


@rule_required("projects.list")
def two_high_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs = _projects(request).filter(is_two_high=True).order_by("region__code", "code")
    return tables.xlsx(tables.TWO_HIGH_TABLE, tables.two_high_rows(qs), "两高项目清单")


@rule_required("projects.create")
def two_high_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    return tables.template_response(tables.TWO_HIGH_TABLE, "两高项目清单模板")


@require_POST
@rule_required("projects.create")
def two_high_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    region = _own_region(request)
    if not form.is_valid() or region is None:
        messages.error(request, "请选择要导入的 .xlsx 文件。")
        return redirect("projects:two_high")
    upload = form.cleaned_data["file"]
    try:
        count = tables.import_two_high(
            user=request.user, region=region, data=upload.read(), filename=upload.name
        )
    except UserError as exc:
        messages.error(request, f"未导入任何数据：{exc.message}")
    else:
        messages.success(request, f"已导入 {count} 个项目（新增或更新），能耗与排放已重新计算。")
    return redirect("projects:two_high")


# -----------------------------------------------------------------------------------------
# energy review
# -----------------------------------------------------------------------------------------
@rule_required("projects.list")
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    reviews = EnergyReview.objects.visible_to(request.user).select_related("project", "project__region")
    status = request.GET.get("status", EnergyReview.Status.SUBMITTED)
    if status in EnergyReview.Status.values:
        reviews = reviews.filter(status=status)
    return render(
        request,
        "projects/reviews.html",
        {
            "reviews": reviews,
            "status": status,
            "statuses": EnergyReview.Status.choices,
            "level_labels": REVIEW_LEVEL_LABELS,
        },
    )


@require_POST
@rule_required("projects.review", lambda request, pk: _project(request, pk))
def review_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = ReviewSubmitForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请填写节能报告要点。")
        return redirect("projects:detail", pk)
    try:
        review = services.submit_review(
            user=request.user,
            project=project,
            report_summary=form.cleaned_data["report_summary"],
            report_file=form.cleaned_data.get("report_file"),
        )
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("projects:detail", pk)
    messages.success(request, "已提交节能审查。")
    return redirect("projects:review", review.pk)


@rule_required("projects.view", lambda request, pk: _review(request, pk).project)
def review_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    snapshot = review.snapshot or {}
    return render(
        request,
        "projects/review.html",
        {
            "review": review,
            "project": review.project,
            "snap": snapshot.get("project") or {},
            "impact": snapshot.get("impact") or {},
            "comments": review.comments.all(),
            "can_review": can(request.user, "projects.review", review.project) and review.is_open,
            "comment_form": CommentForm(),
            "decision_form": DecisionForm(),
            "level_labels": REVIEW_LEVEL_LABELS,
        },
    )


@require_POST
@rule_required("projects.review", lambda request, pk: _review(request, pk).project)
def review_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(
                user=request.user,
                review=review,
                expert=form.cleaned_data["expert"],
                text=form.cleaned_data["text"],
            )
            messages.success(request, "已记录专家意见。")
        except UserError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请填写专家姓名和意见。")
    return redirect("projects:review", pk)


@require_POST
@rule_required("projects.review", lambda request, pk: _review(request, pk).project)
def review_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_review(
                user=request.user,
                review=review,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, f"已作出审查决定：{review.get_status_display()}。")
        except UserError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请选择审查决定并填写审查意见。")
    return redirect("projects:review", pk)


@rule_required("projects.view", lambda request, pk: _review(request, pk).project)
def review_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    review = _review(request, pk)
    if not review.report_file:
        raise Http404("没有附件")
    from django.http import FileResponse

    name = str(review.report_file.name or "").rsplit("/", 1)[-1]
    return FileResponse(review.report_file.open("rb"), as_attachment=True, filename=name)


@rule_required("projects.view", lambda request, pk: _review(request, pk).project)
def review_opinion(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    data = docs.review_opinion_docx(review)
    name = f"{review.project.name}-节能审查意见.docx"
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# -----------------------------------------------------------------------------------------
# impact
# -----------------------------------------------------------------------------------------
def _impact_context(request: HttpRequest) -> dict[str, Any]:
    regions = [r for r in _user_regions(request) if r.level == "county"]
    code = request.GET.get("region", "")
    viewing = getattr(request, "region", None)
    region = next((r for r in regions if r.code == code), None) if code else None
    if region is None:
        region = next((r for r in regions if viewing is not None and r.pk == viewing.pk), None)
    if region is None and regions:
        region = regions[0]
    available = _projects(request).filter(region=region) if region is not None else _projects(request).none()
    ids = [int(x) for x in request.GET.getlist("p") if x.isdigit()]
    chosen = list(available.filter(pk__in=ids)) if ids else list(services.pending_projects(available))
    ctx: dict[str, Any] = {"regions": regions, "region": region, "available": available, "chosen": chosen}
    if region is None:
        ctx["error"] = "您的账号范围内没有县级行政区划。"
        return ctx
    try:
        result = services.impact(projects=chosen, region=region)
    except UserError as exc:
        ctx["error"] = exc.message
        return ctx
    data = result.to_dict()
    ctx["result"] = data
    ctx["chart"] = {
        "years": [r["year"] for r in data["years"]],
        "energy_without": [r["without"]["energy_tce"] for r in data["years"]],
        "energy_with": [r["with"]["energy_tce"] for r in data["years"]],
        "ei_without": [r["without"]["energy_intensity_tce_per_10k_yuan"] for r in data["years"]],
        "ei_with": [r["with"]["energy_intensity_tce_per_10k_yuan"] for r in data["years"]],
        "ci_without": [r["without"]["co2_intensity_t_per_10k_yuan"] for r in data["years"]],
        "ci_with": [r["with"]["co2_intensity_t_per_10k_yuan"] for r in data["years"]],
    }
    return ctx


@rule_required("projects.list")
def impact(request: AuthenticatedHttpRequest) -> HttpResponse:
    ctx = _impact_context(request)
    ctx["can_settings"] = can(request.user, "projects.create") and ctx.get("region") == _own_region(request)
    ctx["chosen_ids"] = [p.pk for p in ctx["chosen"]]
    ctx["query"] = request.GET.urlencode()
    return render(request, "projects/impact.html", ctx, status=200)


@rule_required("projects.list")
def impact_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    ctx = _impact_context(request)
    if "error" in ctx:
        return HttpResponse(
            json.dumps({"error": ctx["error"]}, ensure_ascii=False),
            status=400,
            content_type="application/json",
        )
    response = HttpResponse(
        json.dumps(ctx["result"], ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('项目影响分析.json')}"
    return response


@require_http_methods(["GET", "POST"])
@rule_required("projects.create")
def impact_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    from carbonpeak.projects.models import ImpactSettings

    region = _own_region(request)
    if region is None or region.level != "county":
        raise PermissionDenied("测算参数由县级碳达峰办设置。")
    current = ImpactSettings.objects.filter(region=region).first()
    error = ""
    if request.method == "POST":
        form = ImpactSettingsForm(request.POST)
        targets = ExtraTargetFormSet(request.POST, prefix="t")
        if form.is_valid() and targets.is_valid():
            extra = [
                {
                    k: t.get(k)
                    for k in ("indicator", "base_year", "target_year", "decline_pct", "cap", "source")
                }
                for t in targets.cleaned_data
                if t and t.get("indicator")
            ]
            try:
                services.save_impact_settings(
                    user=request.user, region=region, extra_targets=extra, **form.cleaned_data
                )
            except UserError as exc:
                error = exc.message
            else:
                messages.success(request, "已保存测算参数。")
                return redirect(reverse("projects:impact") + f"?region={region.code}")
    else:
        initial = {}
        if current is not None:
            initial = {
                "gdp_growth_pct": current.gdp_growth_pct,
                "gdp_growth_source": current.gdp_growth_source,
                "baseline_energy_growth_pct": current.baseline_energy_growth_pct,
                "baseline_energy_growth_source": current.baseline_energy_growth_source,
                "end_year": current.end_year,
            }
        form = ImpactSettingsForm(initial=initial)
        targets = ExtraTargetFormSet(initial=list(current.extra_targets) if current else [], prefix="t")
    return render(
        request,
        "projects/impact_settings.html",
        {"form": form, "targets": targets, "region": region, "error": error, "current": current},
        status=400 if request.method == "POST" else 200,
    )
