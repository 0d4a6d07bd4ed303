"""Project use cases: register, classify, dispose, review, coal replacement, impact, monitoring.

Every writing use case has keyword-only arguments, runs in one ``transaction.atomic()`` and
writes its audit entry in the same transaction; inputs are validated and figures computed
(engine) before the transaction opens, so bad input writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from carbonpeak.accounting.models import Dataset, EconomyRecord
from carbonpeak.accounting.services import build_factor_set, dataset_result, latest_dataset
from carbonpeak.core import audit
from carbonpeak.core.errors import UserError
from carbonpeak.core.notify import notify
from carbonpeak.core.permissions import can
from carbonpeak.engine import project_impact as pi
from carbonpeak.engine import two_high as th
from carbonpeak.engine.accounting import AccountingError, EconomyRow
from carbonpeak.engine.targets import Target
from carbonpeak.engine.uscc import check_uscc
from carbonpeak.projects.baseline import Baseline
from carbonpeak.projects.models import (
    PENDING_STAGES,
    CoalReplacement,
    Disposition,
    EnergyReview,
    Project,
    ProjectEnergy,
    ReviewComment,
    Stage,
)


# --------------------------------------------------------------------------------------
# baseline
# --------------------------------------------------------------------------------------
def baseline_from_dataset(ds: Dataset) -> Baseline:
    """The baseline of a stored accounting dataset: its frozen result, economy rows and targets."""
    result = dataset_result(ds)
    economy = [
        EconomyRow(
            year=r.year,
            gdp_10k_yuan=r.gdp_10k_yuan,
            gdp_constant_10k_yuan=r.gdp_constant_10k_yuan,
            population=r.population,
            thermal_power_coal_rate_gce_per_kwh=r.thermal_power_coal_rate_gce_per_kwh,
            non_fossil_energy_tce=r.non_fossil_energy_tce,
        )
        for r in EconomyRecord.objects.filter(dataset=ds).order_by("year")
    ]
    targets = [
        Target(
            indicator=t["indicator"],
            base_year=int(t["base_year"]),
            target_year=int(t["target_year"]),
            decline_pct=t.get("decline_pct"),
            cap=t.get("cap"),
        )
        for t in result.targets
    ]
    return Baseline(
        accounting=result, economy=economy, targets=targets, source=f"核算数据集 #{ds.pk}「{ds.name}」"
    )


def latest_dataset_of(region: Any | None) -> Dataset | None:
    """The latest computed accounting dataset of ``region`` (the home region when None)."""
    return latest_dataset(region)


def region_settings(region: Any) -> tuple[list[Target], pi.ImpactAssumptions | None]:
    """The region's extra targets and its impact assumptions (None when not configured)."""
    from carbonpeak.projects.models import ImpactSettings

    s = ImpactSettings.objects.filter(region=region).first() if region is not None else None
    if s is None:
        return [], None
    return s.targets(), s.as_assumptions()


def save_impact_settings(
    *,
    user: Any,
    region: Any,
    gdp_growth_pct: float | None,
    gdp_growth_source: str,
    baseline_energy_growth_pct: float | None,
    baseline_energy_growth_source: str,
    end_year: int | None,
    extra_targets: list[dict[str, Any]],
) -> Any:
    """Save a county's impact assumptions (测算参数); every value needs its source.

    Raises
    ------
    UserError
        A value without source, an invalid target; nothing is written.
    """
    from django.core.exceptions import ValidationError

    from carbonpeak.projects.models import ImpactSettings

    settings_row = ImpactSettings.objects.filter(region=region).first() or ImpactSettings(region=region)
    settings_row.gdp_growth_pct = gdp_growth_pct
    settings_row.gdp_growth_source = gdp_growth_source.strip()
    settings_row.baseline_energy_growth_pct = baseline_energy_growth_pct or 0.0
    settings_row.baseline_energy_growth_source = baseline_energy_growth_source.strip()
    settings_row.end_year = end_year
    settings_row.extra_targets = extra_targets
    settings_row.is_sample = False
    try:
        settings_row.clean()
    except ValidationError as exc:
        raise UserError("；".join(m for ms in exc.message_dict.values() for m in ms)) from None
    with transaction.atomic():
        settings_row.save()
        audit.record(
            user=user,
            action="update",
            instance=settings_row,
            after={"gdp_growth_pct": gdp_growth_pct, "end_year": end_year, "extra_targets": extra_targets},
            note=f"修改影响测算参数：{region.name}",
        )
    return settings_row


def _merge_targets(first: list[Target], extra: list[Target]) -> list[Target]:
    seen = {(t.indicator, t.base_year, t.target_year) for t in first}
    return first + [t for t in extra if (t.indicator, t.base_year, t.target_year) not in seen]


def latest_baseline(*, region_code: str | None = None) -> Baseline:
    """The baseline of the latest computed accounting dataset (of the region with ``region_code``),
    with the region's extra targets (测算参数) added and its assumptions attached.

    Raises
    ------
    ImpactError
        Unknown region code, or no dataset.
    """
    region = None
    if region_code:
        from carbonpeak.core.models import Region

        region = Region.objects.filter(code=region_code).first()
        if region is None:
            from carbonpeak.engine import region_codes

            known = region_codes.find(region_code)
            if known is None:
                raise pi.ImpactError(f"行政区划代码“{region_code}”不存在")
            raise pi.ImpactError(
                f"{known.name}（{region_code}）还没有核算数据集：请先导入能源与经济统计，或用 --energy/--economy 指定离线文件"
            )
    ds = latest_dataset_of(region)
    if ds is None:
        where = f"{region.name}（{region.code}）" if region is not None else "平台"
        raise pi.ImpactError(
            f"{where}还没有核算数据集：请先导入能源与经济统计（carbonpeak accounting import），"
            "或用 --energy/--economy 指定离线文件"
        )
    baseline = baseline_from_dataset(ds)
    extra, assumptions = region_settings(ds.region)
    baseline.targets = _merge_targets(baseline.targets, extra)
    baseline.assumptions = assumptions
    baseline.policy = policy_for(ds.region)
    return baseline


# --------------------------------------------------------------------------------------
# figures of one project
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnergyInput:
    """One energy row as entered (form or import)."""

    carrier: str
    quantity: float
    unit: str
    use: str = "fuel"


def _province_name(region: Any) -> str:
    r = region
    while r is not None and getattr(r, "level", None) != "province":
        r = getattr(r, "parent", None)
    return r.name if r is not None else "湖南省"


@dataclass(frozen=True)
class Policy:
    """The 两高 rules and review thresholds that apply in a region, and the names of its chain."""

    rule_set: th.TwoHighRuleSet
    thresholds: th.ReviewThresholds
    region_names: tuple[str, ...]


def policy_for(region: Any) -> Policy:
    """Default rules plus the local rules of the region and every region above it; the
    thresholds of the nearest region that set its own (else the defaults)."""
    from carbonpeak.projects.models import ReviewThresholdConfig, TwoHighRuleConfig

    if region is None:
        return Policy(th.TwoHighRuleSet.default(), th.ReviewThresholds.default(), ())
    chain = [*region.ancestors(), region]
    configs = TwoHighRuleConfig.objects.filter(region__in=chain, active=True).select_related("region")
    local = []
    for c in configs.order_by("region__path", "code"):
        try:
            local.append(
                th.make_rule(
                    code=c.code,
                    name_zh=c.name_zh,
                    kind=c.kind,
                    pattern=c.pattern,
                    scope=c.region.name,
                    source=c.source,
                )
            )
        except th.ClassificationError as exc:
            raise UserError(f"本地两高规则“{c.code}”无效：{exc.message}") from None
    rule_set = th.TwoHighRuleSet.default()
    if local:
        rule_set = rule_set.with_rules(local, name=f"两高行业（默认六个大类）+ {region.name}等本地规则")
    thresholds = th.ReviewThresholds.default()
    nearest = (
        ReviewThresholdConfig.objects.filter(region__in=chain)
        .select_related("region")
        .order_by("-region__path")
        .first()
    )
    if nearest is not None:
        try:
            thresholds = nearest.thresholds()
        except th.ClassificationError as exc:
            raise UserError(f"本地节能审查门槛无效：{exc.message}") from None
    return Policy(rule_set, thresholds, tuple(r.name for r in chain))


def parse_ramp(text: str) -> tuple[float, ...]:
    """``"50,80,100"`` → (50.0, 80.0, 100.0); raises :class:`UserError` in Chinese."""
    parts = [p.strip() for p in (text or "100").replace("，", ",").replace("、", ",").split(",") if p.strip()]
    try:
        values = tuple(float(p.rstrip("%％")) for p in parts)
    except ValueError:
        raise UserError(f"达产进度“{text}”应为逐年百分比，如 50,80,100", column="达产进度(%)") from None
    if not values or any(not 0 <= v <= 100 for v in values):
        raise UserError(f"达产进度“{text}”：每年的达产比例应在 0–100 之间", column="达产进度(%)")
    return values


def project_spec(project: Project, rows: list[EnergyInput] | None = None) -> pi.ProjectSpec:
    """The engine's view of a project (energy rows from ``rows`` or the database)."""
    if rows is None:
        rows = [EnergyInput(r.carrier, r.quantity, r.unit, r.use) for r in project.energy_rows.all()]
    return pi.ProjectSpec(
        code=project.code,
        name=project.name,
        production_year=project.production_year,
        energy=tuple(pi.ProjectEnergyRow(r.carrier, r.quantity, r.unit, r.use) for r in rows),
        value_added_10k_yuan=project.value_added_10k_yuan or 0.0,
        renewable_electricity_kwh=project.renewable_electricity_kwh or 0.0,
        process_co2_t=project.process_co2_t or 0.0,
        ramp_up_pct=parse_ramp(project.ramp_up_pct),
        stage=project.stage,
        industry_code=project.industry_code or None,
        products=tuple(p for p in project.products.replace("，", "、").replace(",", "、").split("、") if p),
        processes=tuple(p for p in project.processes.replace("，", "、").replace(",", "、").split("、") if p),
    )


def compute_figures(project: Project, rows: list[EnergyInput]) -> dict[str, Any]:
    """Annual figures at full production, 两高 classification and review level (engine).

    Raises
    ------
    UserError
    """
    if not rows:
        raise UserError("请至少填写一种能源消费（品种、年消费量、单位）")
    spec = project_spec(project, rows)
    year = spec.full_production_year
    policy = policy_for(project.region)
    try:
        fs = build_factor_set(region=_province_name(project.region), area=project.region)
        full = pi.project_annual(spec, year, factor_set=fs)
        cls = th.classify_two_high(
            industry_code=spec.industry_code,
            products=spec.products,
            processes=spec.processes,
            province=policy.region_names,
            rule_set=policy.rule_set,
        )
        review = th.review_level(
            energy_tce=full["energy_tce"],
            electricity_kwh=full["electricity_kwh"],
            thresholds=policy.thresholds,
        )
    except th.ClassificationError as exc:
        raise UserError(exc.message, column="行业代码") from None
    except AccountingError as exc:
        raise UserError(exc.message) from None
    return {"full_production": full, "two_high": cls.to_dict(), "review": review.to_dict()}


def _validate_owner(project: Project) -> None:
    if project.enterprise_id is None and not project.owner_name.strip():
        raise UserError("请选择企业名录中的建设单位，或填写建设单位名称", column="建设单位")
    if project.owner_uscc:
        check = check_uscc(project.owner_uscc)
        if not check.valid:
            raise UserError(
                f"统一社会信用代码“{project.owner_uscc}”无效：{check.message}", column="统一社会信用代码"
            )


def check_project(*, project: Project, energy_rows: list[EnergyInput]) -> dict[str, Any]:
    """Validate a project and compute its figures without writing (import preview).

    Raises
    ------
    UserError
    """
    _validate_owner(project)
    return compute_figures(project, energy_rows)


def save_project(*, user: Any, project: Project, energy_rows: list[EnergyInput]) -> Project:
    """Create or update a project with its energy rows; figures recomputed by the engine.

    Side effects: the project and its :class:`ProjectEnergy` rows (replaced), one audit entry.

    Raises
    ------
    UserError
        Bad input; nothing is written.
    """
    _validate_owner(project)
    figures = compute_figures(project, energy_rows)
    if Project.objects.filter(region=project.region, code=project.code).exclude(pk=project.pk).exists():
        raise UserError(f"项目编号“{project.code}”在本地区已存在", column="项目编号")
    full = figures["full_production"]
    project.energy_tce = full["energy_tce"]
    project.energy_tce_equal_value = full["energy_tce_equal_value"]
    project.feedstock_energy_tce = full["feedstock_energy_tce"]
    project.electricity_kwh = full["electricity_kwh"]
    project.coal_tce = full["coal_tce"]
    project.co2_t = full["co2_t"]
    project.is_two_high = bool(figures["two_high"]["is_two_high"])
    rule = figures["two_high"]["rule"]
    project.two_high_rule = rule["code"] if rule else ""
    project.two_high_reason = figures["two_high"]["reason"][:500]
    project.review_level = figures["review"]["level"]
    project.figures = figures
    if project.is_two_high and not project.disposition:
        project.disposition = Disposition.STRICT if project.stage in PENDING_STAGES else ""
    created = project.pk is None
    with transaction.atomic():
        if created and getattr(user, "is_authenticated", False):
            project.created_by = user
        project.save()
        project.energy_rows.all().delete()
        ProjectEnergy.objects.bulk_create(
            [
                ProjectEnergy(project=project, carrier=r.carrier, quantity=r.quantity, unit=r.unit, use=r.use)
                for r in energy_rows
            ]
        )
        audit.record(
            user=user,
            action="create" if created else "update",
            instance=project,
            after={
                "energy_tce": project.energy_tce,
                "co2_t": project.co2_t,
                "is_two_high": project.is_two_high,
                "review_level": project.review_level,
            },
            note=f"登记项目：{project.name}" if created else f"修改项目：{project.name}",
        )
    return project


def recompute_projects(*, user: Any, projects: Any) -> int:
    """Recompute the figures of ``projects`` with the current factors, rules and thresholds.

    All or nothing: one transaction; a project the engine now refuses stops the whole run.
    """
    items = list(projects.prefetch_related("energy_rows"))
    with transaction.atomic():
        for project in items:
            rows = [EnergyInput(r.carrier, r.quantity, r.unit, r.use) for r in project.energy_rows.all()]
            try:
                save_project(user=user, project=project, energy_rows=rows)
            except UserError as exc:
                raise UserError(f"项目“{project.name}”：{exc.message}") from None
    return len(items)


def delete_project(*, user: Any, project: Project) -> None:
    """Delete a project (refused while it is a coal-replacement source of another project)."""
    if CoalReplacement.objects.filter(source_project=project).exists():
        raise UserError("该项目是其他项目的煤炭替代来源，请先删除相应的替代记录")
    with transaction.atomic():
        audit.record(user=user, action="delete", instance=project, note=f"删除项目：{project.name}")
        project.delete()


def set_disposition(*, user: Any, project: Project, disposition: str, note: str = "") -> Project:
    """Set the 分类处置 of a project on the 两高 list."""
    if disposition not in Disposition.values:
        raise UserError(f"分类处置“{disposition}”无效，可选：{'、'.join(Disposition.values)}")
    before = project.disposition
    with transaction.atomic():
        project.disposition = disposition
        project.disposition_note = note.strip()[:300]
        project.save(update_fields=["disposition", "disposition_note", "updated_at"])
        audit.record(
            user=user,
            action="update",
            instance=project,
            before={"disposition": before},
            after={"disposition": disposition},
            note=f"分类处置：{disposition}",
        )
    return project


# --------------------------------------------------------------------------------------
# coal replacement ledger
# --------------------------------------------------------------------------------------
def coal_covered_tce(project: Project) -> float:
    return float(project.coal_replacements.aggregate(s=Sum("coal_tce"))["s"] or 0.0)


def source_available_tce(source: Project) -> float:
    """Coal a phase-out project frees minus what is already assigned to projects [tce]."""
    given = float(
        CoalReplacement.objects.filter(source_project=source).aggregate(s=Sum("coal_tce"))["s"] or 0.0
    )
    return source.coal_tce - given


def add_coal_replacement(
    *,
    user: Any,
    project: Project,
    coal_tce: float,
    source_description: str,
    source_project: Project | None = None,
) -> CoalReplacement:
    """Assign a coal replacement source to a coal-consuming project.

    Raises
    ------
    UserError
        Not a coal project, amount ≤ 0, source not a phase-out project of the same region,
        or more than the source has left (the ledger would be unbalanced).
    """
    if not project.needs_coal_replacement:
        raise UserError("该项目不消费煤炭（或为淘汰项目），不需要煤炭替代")
    if not coal_tce > 0:
        raise UserError("替代煤炭量必须大于 0", column="替代煤炭量")
    if not source_description.strip():
        raise UserError("请填写替代来源说明（来源与文号）", column="替代来源说明")
    if source_project is not None:
        if source_project.stage != Stage.PHASED_OUT or source_project.region_id != project.region_id:
            raise UserError("替代来源必须是本地区登记的淘汰项目")
        available = source_available_tce(source_project)
        if coal_tce > available + 1e-9:
            raise UserError(
                f"替代来源“{source_project.name}”可用煤炭量只剩 {available:,.2f} tce，不足 {coal_tce:,.2f} tce"
            )
    with transaction.atomic():
        item = CoalReplacement.objects.create(
            project=project,
            source_project=source_project,
            source_description=source_description.strip(),
            coal_tce=coal_tce,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        audit.record(
            user=user, action="create", instance=item, note=f"煤炭替代：{project.name} {coal_tce:,.2f} tce"
        )
    return item


def coal_ledger(projects: Any) -> dict[str, Any]:
    """The replacement ledger of a set of projects: per project need vs covered, per source given vs freed.

    ``balanced`` is True when every coal-consuming project is covered by at least its own
    coal (等量或减量替代) and no source gives more than it freed.
    """
    rows = []
    for p in projects.filter(coal_tce__gt=0).exclude(stage=Stage.PHASED_OUT).order_by("code"):
        covered = coal_covered_tce(p)
        rows.append(
            {"project": p, "need_tce": p.coal_tce, "covered_tce": covered, "ok": covered >= p.coal_tce - 1e-9}
        )
    sources = []
    for s in projects.filter(stage=Stage.PHASED_OUT, coal_tce__gt=0).order_by("code"):
        available = source_available_tce(s)
        sources.append(
            {
                "project": s,
                "freed_tce": s.coal_tce,
                "given_tce": s.coal_tce - available,
                "ok": available >= -1e-9,
            }
        )
    return {
        "projects": rows,
        "sources": sources,
        "balanced": all(r["ok"] for r in rows) and all(s["ok"] for s in sources),
    }


# --------------------------------------------------------------------------------------
# energy review
# --------------------------------------------------------------------------------------
def submit_review(
    *, user: Any, project: Project, report_summary: str, report_file: Any = None
) -> EnergyReview:
    """Submit a project's energy report data for review (节能审查申报).

    Raises
    ------
    UserError
        An open review exists, no summary, or a coal project without full coal replacement.
    """
    if not report_summary.strip():
        raise UserError("请填写节能报告要点", column="节能报告要点")
    if project.reviews.filter(status=EnergyReview.Status.SUBMITTED).exists():
        raise UserError("该项目已有待评审的节能审查")
    if report_file:
        _check_report_file(report_file)
    if project.needs_coal_replacement:
        covered = coal_covered_tce(project)
        if covered < project.coal_tce - 1e-9:
            raise UserError(
                f"耗煤项目须先落实煤炭等量或减量替代：需替代 {project.coal_tce:,.2f} tce，已落实 {covered:,.2f} tce"
            )
    snapshot = {"project": project_snapshot(project), "impact": _impact_snapshot(project)}
    with transaction.atomic():
        review = EnergyReview.objects.create(
            project=project,
            report_summary=report_summary.strip(),
            report_file=report_file or "",
            snapshot=snapshot,
            submitted_by=user if getattr(user, "is_authenticated", False) else None,
        )
        audit.record(user=user, action="create", instance=review, note=f"提交节能审查：{project.name}")
        notify(
            users=_offices_of(project.region, exclude=user),
            kind="projects.review_submitted",
            title=f"节能审查待办：{project.name}",
            body=f"{project.name}（年综合能源消费量 {project.energy_tce:,.2f} tce，{project.review_level_label}）已提交节能审查。",
            url=reverse("projects:review", args=[review.pk]),
        )
    return review


def _check_report_file(upload: Any) -> None:
    """Type (extension and content) and size of the energy report: PDF, Word, Excel, images."""
    from carbonpeak.engine.filetypes import RejectedFile, check_document, zip_member_names

    upload.seek(0)
    head = upload.read(16)
    names = None
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        names = zip_member_names(getattr(upload, "file", None) or upload)
    upload.seek(0)
    try:
        check_document(upload.name or "", upload.size or 0, head, ooxml_names=names)
    except RejectedFile as exc:
        raise UserError(str(exc), column="节能报告（附件）") from None


def add_comment(*, user: Any, review: EnergyReview, expert: str, text: str) -> ReviewComment:
    """Record an expert's comment on an open review."""
    if not review.is_open:
        raise UserError("该审查已作出决定，不能再添加专家意见")
    if not expert.strip() or not text.strip():
        raise UserError("请填写专家姓名和意见")
    with transaction.atomic():
        comment = ReviewComment.objects.create(
            review=review,
            expert=expert.strip()[:100],
            text=text.strip(),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        audit.record(user=user, action="create", instance=comment, note=f"专家意见：{review.project.name}")
    return comment


def _offices_of(region: Any, *, exclude: Any = None) -> list[Any]:
    from django.contrib.auth import get_user_model

    from carbonpeak.core.roles import Role

    qs = get_user_model().objects.filter(role=Role.OFFICE, region=region, is_active=True)
    if exclude is not None and getattr(exclude, "pk", None):
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)


DECISIONS = {
    "approved": EnergyReview.Status.APPROVED,
    "rejected": EnergyReview.Status.REJECTED,
    "supplement": EnergyReview.Status.SUPPLEMENT,
}


def decide_review(*, user: Any, review: EnergyReview, decision: str, note: str) -> EnergyReview:
    """Decide an open review: 通过 / 不予通过 / 补充材料 (the latter reopens submission)."""
    if not review.is_open:
        raise UserError("该审查已作出决定")
    if decision not in DECISIONS:
        raise UserError("审查决定应为 通过、不予通过 或 补充材料")
    if not note.strip():
        raise UserError("请填写审查意见", column="审查意见")
    with transaction.atomic():
        review.status = DECISIONS[decision]
        review.decision_note = note.strip()
        review.decided_by = user if getattr(user, "is_authenticated", False) else None
        review.decided_at = timezone.now()
        review.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        audit.record(
            user=user,
            action="update",
            instance=review,
            after={"status": review.status},
            note=f"审查决定：{review.get_status_display()}",
        )
        if review.submitted_by is not None and review.submitted_by != user:
            notify(
                users=[review.submitted_by],
                kind="projects.review_decided",
                title=f"节能审查结果：{review.project.name} {review.get_status_display()}",
                body=review.decision_note,
                url=reverse("projects:review", args=[review.pk]),
            )
    return review


# --------------------------------------------------------------------------------------
# impact
# --------------------------------------------------------------------------------------
def pending_projects(projects: Any) -> Any:
    return projects.filter(stage__in=PENDING_STAGES)


def impact(*, projects: list[Project], region: Any) -> pi.ImpactResult:
    """The impact of ``projects`` on the targets of ``region`` (baseline: its latest dataset).

    Raises
    ------
    UserError
        No dataset for the region, missing GDP for plan years, a bad project.
    """
    ds = latest_dataset_of(region)
    if ds is None:
        raise UserError(f"{region.name}还没有核算数据集：请先在“能耗与碳排放核算”导入能源与经济统计")
    baseline = baseline_from_dataset(ds)
    extra, assumptions = region_settings(region)
    policy = policy_for(region)
    specs = [project_spec(p) for p in projects]
    try:
        return pi.assess(
            specs,
            accounting=baseline.accounting,
            economy=baseline.economy,
            targets=_merge_targets(baseline.targets, extra),
            assumptions=assumptions,
            rule_set=policy.rule_set,
            thresholds=policy.thresholds,
            province=policy.region_names,
            baseline_source=baseline.source,
        )
    except AccountingError as exc:
        raise UserError(exc.message) from None


def _impact_snapshot(project: Project) -> dict[str, Any] | None:
    try:
        return impact(projects=[project], region=project.region).to_dict()
    except UserError as exc:
        return {"error": exc.message}


def project_snapshot(project: Project) -> dict[str, Any]:
    return {
        "code": project.code,
        "name": project.name,
        "owner": project.owner_display,
        "industry_code": project.industry_code,
        "stage": project.stage,
        "production_year": project.production_year,
        "ramp_up_pct": project.ramp_up_pct,
        "investment_10k_yuan": project.investment_10k_yuan,
        "capacity": project.capacity,
        "energy_rows": [
            {"carrier": r.carrier, "quantity": r.quantity, "unit": r.unit, "use": r.get_use_display()}
            for r in project.energy_rows.all()
        ],
        "figures": project.figures,
    }


# --------------------------------------------------------------------------------------
# dynamic monitoring (actual vs declared)
# --------------------------------------------------------------------------------------
def monitoring_status(project: Project, *, today: dt.date | None = None) -> dict[str, Any]:
    """Metered consumption of the owner enterprise in the last complete year vs the declared energy.

    Keys: ``status`` (``no_enterprise``, ``not_metered``, ``not_producing``, ``incomplete``,
    ``within``, ``over``), ``label``, ``year``, ``actual_tce``, ``declared_tce``, ``ratio_pct``.
    The metered figure is the enterprise's total over all its meters (it may include use
    outside the project); the declared figure is the project's energy × production share.
    """
    from carbonpeak.monitoring.models import Meter
    from carbonpeak.monitoring.services import enterprise_monthly

    today = today or timezone.localdate()
    year = today.year - 1
    out: dict[str, Any] = {"year": year, "actual_tce": None, "declared_tce": None, "ratio_pct": None}
    if project.enterprise_id is None or project.enterprise is None:
        return out | {"status": "no_enterprise", "label": "建设单位未列入企业名录，无在线监测"}
    if not Meter.objects.filter(enterprise_id=project.enterprise_id, active=True).exists():
        return out | {"status": "not_metered", "label": "未接入在线监测"}
    share = pi.production_share(parse_ramp(project.ramp_up_pct), project.production_year, year)
    if share <= 0:
        return out | {"status": "not_producing", "label": f"{year}年尚未投产"}
    rows = enterprise_monthly(enterprise=project.enterprise, year=year)
    months = {r.month for r in rows}
    if any(r.energy_tce is None for r in rows):
        return out | {"status": "incomplete", "label": "计量数据无法折标（单位或品种不明）"}
    actual = sum(r.energy_tce or 0.0 for r in rows)
    declared = project.energy_tce * share
    out |= {"actual_tce": actual, "declared_tce": declared, "months": len(months)}
    if len(months) < 12:
        return out | {"status": "incomplete", "label": f"{year}年只有 {len(months)} 个月计量数据"}
    out["ratio_pct"] = actual / declared * 100.0 if declared > 0 else None
    if actual > declared:
        return out | {"status": "over", "label": "实际能耗超出申报"}
    return out | {"status": "within", "label": "在申报能耗范围内"}


# --------------------------------------------------------------------------------------
# dashboard card (registered in apps.py through core.registry.dashboard_cards)
# --------------------------------------------------------------------------------------
def dashboard_card(region: Any, user: Any) -> dict[str, Any] | None:
    """Pending projects of ``region`` and their combined impact on the targets.

    The dashboard's card shape: ``title``, ``value``, ``unit``, ``note``, ``url``,
    ``illustrative`` (sample data), plus ``lines`` (the note's parts) and ``level``
    (``red`` when a target is no longer reachable with all of them). None when the user
    may not list projects there or the region is not a county.
    """
    if region is None or getattr(region, "level", "") != "county" or not can(user, "projects.list", region):
        return None
    pending = list(pending_projects(Project.objects.visible_to(user).filter(region=region)))
    lines: list[str] = []
    card: dict[str, Any] = {
        "title": "待审批项目（拟建、在建）",
        "value": len(pending),
        "unit": "个",
        "url": reverse("projects:impact") + f"?region={region.code}",
        "illustrative": any(p.is_sample for p in pending),
        "level": "",
        "lines": lines,
    }
    if not pending:
        lines.append("没有拟建、在建项目")
    else:
        total = sum(p.energy_tce for p in pending)
        two_high = sum(1 for p in pending if p.is_two_high)
        lines.append(f"达产年综合能耗合计 {total:,.0f} tce（两高 {two_high} 个）")
        try:
            result = impact(projects=pending, region=region)
        except UserError as exc:
            lines.append(exc.message)
        else:
            for room in result.room:
                share = "已无剩余空间" if room["share_pct"] is None else f"{room['share_pct']:.1f}%"
                lines.append(f"占{room['target_year']}年{room['label']}剩余用能空间 {share}")
            for year, r in result.reachable.items():
                if r["with"] is False:
                    lines.append(f"全部投产后{year}年目标不能实现")
                    card["level"] = "red"
    card["note"] = "；".join(lines)
    return card


def green_projects(region: Any, enterprise_ids: Any) -> list[dict[str, Any]]:
    """Projects for the green-finance list (绿色项目库): of an enterprise already on the list,
    not 两高, and passed by energy review (节能审查 通过). Two queries.

    This is the platform's default rule, stated on the list page; no published national
    criterion was used.
    """
    ids = list(enterprise_ids)
    if not ids:
        return []
    passed = set(
        EnergyReview.objects.filter(project__region=region, status=EnergyReview.Status.APPROVED).values_list(
            "project_id", flat=True
        )
    )
    rows = []
    for p in Project.objects.filter(region=region, enterprise_id__in=ids, is_two_high=False).order_by("name"):
        if p.pk not in passed:
            continue
        rows.append(
            {
                "name": p.name,
                "code": p.code,
                "enterprise_id": p.enterprise_id,
                "industry_code": p.industry_code,
                "investment_10k_yuan": p.investment_10k_yuan,
                "stage": p.get_stage_display(),
                "basis": "建设单位在绿色企业名单内；非两高项目；节能审查通过",
            }
        )
    return rows
