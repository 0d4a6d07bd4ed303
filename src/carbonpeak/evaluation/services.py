"""Use cases of the evaluation app. Each one runs in one transaction and lists its side effects.

Calculations are in ``carbonpeak.engine.carbon_efficiency`` and
``carbonpeak.engine.mu_evaluation``; here data is gathered, the engine called and the
results stored with the rule (preset) that produced them.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from carbonpeak.core import audit
from carbonpeak.core.errors import UserError
from carbonpeak.core.models import Region
from carbonpeak.engine import carbon_efficiency as ce
from carbonpeak.engine import mu_evaluation as mu
from carbonpeak.engine.budget import CONSISTENCY_MAX_PCT
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.evaluation.models import (
    AnnualData,
    CarbonEfficiencyGrade,
    Disclosure,
    DisclosureFacility,
    GradePublication,
    GreenFinanceCriteria,
    MuClassification,
    MuPresetRecord,
    RankingEntry,
    ReductionRanking,
)

SAMPLE_NOTE = "示例数据，仅供演示"

#: Annual disclosure deadline: 15 March of the following year (MEE Order No. 24;
#: ../shared/reference/policy/disclosure_requirements.csv DIS_ANNUAL_DEADLINE, secondary_single).
DISCLOSURE_DEADLINE_MONTH_DAY = (3, 15)
#: Days before the deadline on which enterprises without an approved disclosure are reminded
#: (a platform default, not from the rule).
REMINDER_DAYS_BEFORE = (30, 7, 1)


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def disclosure_deadline(year: int) -> dt.date:
    """Deadline of the disclosure for ``year``: 15 March of ``year + 1``."""
    month, day = DISCLOSURE_DEADLINE_MONTH_DAY
    return dt.date(year + 1, month, day)


# --------------------------------------------------------------------------- monitoring values
@dataclass(frozen=True)
class MonitoredValues:
    energy_tce: float | None
    co2_t: float | None
    note: str


def monitored_values(*, enterprise: Enterprise, year: int) -> MonitoredValues:
    """The enterprise's energy [tce, 当量值] and CO2 [t] for ``year`` from online monitoring,
    else from its reported monthly statistics; None where neither has the whole year."""
    from carbonpeak.monitoring import services as monitoring
    from carbonpeak.monitoring.models import Meter, ReportedStatistic

    if Meter.objects.filter(enterprise=enterprise).exists():
        monthly = monitoring.enterprise_monthly(enterprise=enterprise, year=year)
        months = {r.month for r in monthly}
        if len(months) == 12 and all(r.energy_tce is not None and r.co2_t is not None for r in monthly):
            return MonitoredValues(
                energy_tce=sum(r.energy_tce or 0.0 for r in monthly),
                co2_t=sum(r.co2_t or 0.0 for r in monthly),
                note="在线监测计量值（12个月）",
            )
    reported = list(ReportedStatistic.objects.filter(enterprise=enterprise, year=year))
    if reported and len({r.month for r in reported}) == 12:
        energy = co2 = 0.0
        for r in reported:
            e, c, note = monitoring.convert(r.carrier, r.quantity, r.unit, year)
            if e is None or c is None:
                return MonitoredValues(None, None, f"统计报表无法折算：{note}")
            energy += e
            co2 += c
        return MonitoredValues(energy_tce=energy, co2_t=co2, note="企业月度统计报表（12个月）")
    return MonitoredValues(None, None, "")


def _deviation_pct(entered: float, reference: float) -> float | None:
    if reference == 0:
        return None if entered == 0 else float("inf")
    return 100.0 * abs(entered - reference) / abs(reference)


def apply_monitoring(*, row: AnnualData, values: MonitoredValues) -> None:
    """Prefill blank energy/CO2 from monitoring and flag entered values that differ by more
    than the monitoring consistency threshold (5 %). Changes ``row`` in memory only."""
    row.monitored_energy_tce = values.energy_tce
    row.monitored_co2_t = values.co2_t
    row.monitored_note = values.note
    prefilled = []
    differences = []
    for field, label, reference in (
        ("energy_tce_equivalent", "综合能耗(当量值)", values.energy_tce),
        ("co2_t", "二氧化碳排放量", values.co2_t),
    ):
        if reference is None:
            continue
        entered = getattr(row, field)
        if entered is None:
            setattr(row, field, round(reference, 3))
            prefilled.append(label)
            continue
        dev = _deviation_pct(float(entered), reference)
        if dev is None or dev > CONSISTENCY_MAX_PCT:
            shown = "∞" if dev is None or dev == float("inf") else f"{dev:.1f}%"
            differences.append(f"{label}填报 {entered:,.2f}，监测 {reference:,.2f}，相差 {shown}")
    row.prefilled = "、".join(prefilled)
    row.difference_note = "；".join(differences)[:300]


# --------------------------------------------------------------------------- annual data
@transaction.atomic
def save_annual_data(*, row: AnnualData, user: Any) -> AnnualData:
    """Create or update one enterprise-year, prefilled and checked against monitoring.
    Side effects: one audit entry."""
    creating = row.pk is None
    before = None if creating else audit.snapshot(AnnualData.objects.get(pk=row.pk))
    if row.land_area_mu is None and row.enterprise.land_area_mu is not None:
        row.land_area_mu = float(row.enterprise.land_area_mu)
    apply_monitoring(row=row, values=monitored_values(enterprise=row.enterprise, year=row.year))
    row.updated_by = _actor(user)
    row.save()
    audit.record(
        user=user,
        action="create" if creating else "update",
        instance=row,
        before=before,
        after=audit.snapshot(row),
    )
    return row


@transaction.atomic
def import_annual_data(*, data: bytes, filename: str, region: Region, user: Any) -> str:
    """Create or update enterprise-years of ``region`` from an Excel/CSV file; all or nothing.

    Every bad cell and row is reported (:class:`~carbonpeak.core.errors.TableError`); then
    nothing is written. Returns a Chinese summary. Side effects: AnnualData rows (prefilled
    and checked against monitoring), one audit entry each.
    """
    from carbonpeak.core.errors import RowError, TableError
    from carbonpeak.evaluation.tables import ANNUAL_TABLE, EXEMPTION_INPUT

    result = ANNUAL_TABLE.read(data, filename)
    errors = list(result.errors)
    enterprises = {e.uscc: e for e in enterprises_in(region)}
    seen: dict[tuple[str, int], int] = {}
    planned: list[tuple[Enterprise, dict[str, Any]]] = []
    for line, row in zip(result.lines, result.rows, strict=True):
        uscc = (row.get("uscc") or "").strip().upper()
        enterprise = enterprises.get(uscc)
        if uscc and enterprise is None:
            errors.append(
                RowError(line, "统一社会信用代码", f"{uscc} 不是{region.name}重点用能单位名录中的企业")
            )
            continue
        year = row.get("year")
        if enterprise is None or year is None:
            continue
        key = (uscc, year)
        if key in seen:
            errors.append(RowError(line, "年度", f"与第{seen[key]}行重复（同一企业同一年度）"))
            continue
        seen[key] = line
        planned.append((enterprise, row))
    if errors:
        raise TableError(errors, file=filename)
    if not planned:
        raise UserError("文件中没有数据行", file=filename)
    created = updated = flagged = 0
    fields = [c.key for c in ANNUAL_TABLE.columns if c.key not in ("uscc", "name", "year", "exemption")]
    for enterprise, row in planned:
        existing = AnnualData.objects.filter(enterprise=enterprise, year=row["year"]).first()
        target = existing or AnnualData(enterprise=enterprise, year=row["year"])
        for f in fields:
            setattr(target, f, row.get(f))
        target.exemption = EXEMPTION_INPUT[row.get("exemption") or ""]
        save_annual_data(row=target, user=user)
        created += existing is None
        updated += existing is not None
        flagged += bool(target.difference_note)
    summary = f"导入完成：新增 {created} 行，更新 {updated} 行"
    if flagged:
        summary += f"；{flagged} 行与在线监测数据相差超过 {CONSISTENCY_MAX_PCT:g}%，已在列表中标出"
    return summary + "。"


def enterprises_in(region: Region) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(region=region)


def annual_rows(*, region: Region, year: int) -> list[AnnualData]:
    return list(AnnualData.objects.filter(enterprise__region=region, year=year).select_related("enterprise"))


# --------------------------------------------------------------------------- carbon efficiency
def carbon_efficiency_preset(
    *,
    code: str = ce.DEFAULT_PRESET.code,
    grade_upper_k: Sequence[float] | None = None,
    level_upper_l: Sequence[float] | None = None,
    source: str = "",
) -> ce.CarbonEfficiencyPreset:
    """A shipped preset, optionally with the office's own bands (their source is required)."""
    if code not in ce.PRESETS:
        raise UserError(f"没有分档预设“{code}”")
    preset = ce.PRESETS[code]
    if grade_upper_k or level_upper_l:
        if not source.strip():
            raise UserError("自定分档须注明来源（文件名称、文号或网址）")
        try:
            preset = preset.with_bands(
                grade_upper_k=grade_upper_k, level_upper_l=level_upper_l, source=source
            )
        except ce.CarbonEfficiencyError as exc:
            raise UserError(exc.message) from None
    return preset


@transaction.atomic
def compute_grades(
    *, region: Region, year: int, user: Any, preset: ce.CarbonEfficiencyPreset = ce.DEFAULT_PRESET
) -> list[CarbonEfficiencyGrade]:
    """Grade every enterprise of ``region`` that has CO2 and value added for ``year``.

    Replaces the year's earlier grades of the region; refused while that year's grades are
    published (withdraw first, so the public never sees grades change silently).
    Side effects: grade rows, one audit entry.
    """
    if grades_published(region=region, year=year):
        raise UserError(f"{year}年碳效等级已在公众页面公开；如需重算，请先撤回公开")
    rows = [
        r
        for r in annual_rows(region=region, year=year)
        if r.co2_t is not None and r.value_added_10k_yuan is not None and r.enterprise.industry_code
    ]
    if not rows:
        raise UserError(f"{year}年没有同时具备行业代码、二氧化碳排放量和增加值的企业，无法计算碳效等级")
    inputs = [
        ce.EnterpriseYear(
            uscc=r.enterprise.uscc,
            name=r.enterprise.name,
            industry_code=r.enterprise.industry_code,
            year=year,
            co2_t=r.co2_t if r.co2_t is not None else 0.0,
            value_added_10k_yuan=r.value_added_10k_yuan if r.value_added_10k_yuan is not None else 0.0,
        )
        for r in rows
    ]
    try:
        results = ce.evaluate(inputs, preset)
    except ce.CarbonEfficiencyError as exc:
        raise UserError(exc.message) from None
    CarbonEfficiencyGrade.objects.filter(enterprise__region=region, year=year).delete()
    by_uscc = {r.enterprise.uscc: r.enterprise for r in rows}
    rule = preset.to_dict()
    grades = CarbonEfficiencyGrade.objects.bulk_create(
        [
            CarbonEfficiencyGrade(
                enterprise=by_uscc[res.uscc],
                year=year,
                division=res.division,
                intensity_t_per_10k_yuan=res.intensity_t_per_10k_yuan,
                industry_mean_t_per_10k_yuan=res.industry_mean_t_per_10k_yuan,
                division_enterprises=res.division_enterprises,
                k=res.k,
                grade=res.grade,
                level=res.level or "",
                reason=res.reason[:300],
                preset_code=preset.code,
                preset=rule,
            )
            for res in results
        ]
    )
    audit.record(
        user=user,
        action="update",
        object_type="evaluation.carbonefficiencygrade",
        object_id=f"{region.code}-{year}",
        object_repr=f"{region.name}{year}年碳效等级（{len(grades)}家，预设 {preset.code}）",
        after={"preset": rule, "count": len(grades)},
    )
    return grades


# --------------------------------------------------------------------------- per-mu
def mu_presets(region: Region) -> list[tuple[str, str]]:
    """(code, name) of the shipped presets and the county's own ones."""
    own = [
        (p.code, f"{p.name}（本地，{p.valid_from:%Y-%m-%d} 起）")
        for p in MuPresetRecord.objects.filter(region=region)
    ]
    return [(p.code, p.name) for p in mu.PRESETS.values()] + own


def mu_preset(*, region: Region, code: str) -> mu.MuPreset:
    """The engine preset for ``code``: a shipped one, or the county's own record."""
    if code in mu.PRESETS:
        return mu.PRESETS[code]
    record = MuPresetRecord.objects.filter(region=region, code=code).first()
    if record is None:
        raise UserError(f"没有评价预设“{code}”")
    return _engine_preset(record)


def _engine_preset(record: MuPresetRecord) -> mu.MuPreset:
    rules = {
        mu.Indicator(key): mu.IndicatorRule(
            weight=float(r["weight"]),
            benchmark=None if r.get("benchmark") is None else float(r["benchmark"]),
            source=record.source,
            verification="user",
            missing=r.get("missing", mu.MISSING_NOT_EVALUATED),
            cap=None if r.get("cap") is None else float(r["cap"]),
        )
        for key, r in record.rules.items()
    }
    try:
        return mu.MuPreset(
            code=record.code,
            name=record.name,
            region_scope=record.region.name,
            data_year=record.data_year,
            rules=rules,
            a_top_pct=record.a_top_pct,
            b_to_pct=record.b_to_pct,
            c_to_pct=record.c_to_pct,
            class_source=record.source,
            class_verification="user",
        )
    except mu.MuEvaluationError as exc:
        raise UserError(exc.message) from None


@transaction.atomic
def save_mu_preset(
    *,
    region: Region,
    user: Any,
    base_code: str,
    code: str,
    name: str,
    data_year: int,
    valid_from: dt.date,
    weights: dict[str, float],
    benchmarks: dict[str, float | None],
    caps: dict[str, float | None],
    source: str,
) -> MuPresetRecord:
    """Save the county's own per-mu rule, copied from ``base_code`` with edited weights and
    benchmarks; the source is required and the rule is checked by the engine before saving.
    Side effects: one MuPresetRecord, one audit entry."""
    if not source.strip():
        raise UserError("请填写本地预设的来源（文件名称、文号或网址）")
    if code in mu.PRESETS:
        raise UserError(f"代码“{code}”与随平台提供的预设重名，请另取代码")
    base = mu_preset(region=region, code=base_code)
    rules = {}
    for ind, rule in base.rules.items():
        key = str(ind)
        rules[key] = {
            "weight": weights.get(key, rule.weight),
            "benchmark": benchmarks.get(key, rule.benchmark),
            "cap": caps.get(key, rule.cap),
            "missing": rule.missing,
        }
    record = MuPresetRecord.objects.filter(region=region, code=code).first() or MuPresetRecord(
        region=region, code=code
    )
    record.name = name
    record.data_year = data_year
    record.valid_from = valid_from
    record.base_code = base_code
    record.rules = rules
    record.a_top_pct, record.b_to_pct, record.c_to_pct = base.a_top_pct, base.b_to_pct, base.c_to_pct
    record.source = source.strip()
    record.created_by = _actor(user)
    _engine_preset(record)  # refuses an inconsistent rule (weight without benchmark, …)
    record.save()
    audit.record(user=user, action="update", instance=record, after=audit.snapshot(record))
    return record


@transaction.atomic
def compute_mu(*, region: Region, year: int, user: Any, preset_code: str) -> mu.MuEvaluationResult:
    """Score and classify the region's enterprises for ``year`` with a shipped or local preset.

    Replaces the year's earlier results. Side effects: result rows, one audit entry.
    """
    preset = mu_preset(region=region, code=preset_code)
    rows = annual_rows(region=region, year=year)
    if not rows:
        raise UserError(f"{year}年没有企业年度数据，请先导入")
    result = mu.evaluate([_mu_input(r) for r in rows], preset)
    MuClassification.objects.filter(enterprise__region=region, year=year).delete()
    rule = preset.to_dict()
    MuClassification.objects.bulk_create(
        [
            MuClassification(
                enterprise=r.enterprise,
                year=year,
                score=res.score,
                rank=res.rank,
                mu_class=res.mu_class or "",
                exemption=res.exempt,
                reason=res.reason[:300],
                indicators={str(k): v for k, v in res.indicators.items()},
                scores={str(k): v for k, v in res.scores.items()},
                preset_code=preset.code,
                preset=rule,
            )
            for r, res in zip(rows, result.enterprises, strict=True)
        ]
    )
    audit.record(
        user=user,
        action="update",
        object_type="evaluation.muclassification",
        object_id=f"{region.code}-{year}",
        object_repr=f"{region.name}{year}年亩均评价（{len(rows)}家，预设 {preset.code}）",
        after={"preset": preset.code, "count": len(rows)},
    )
    return result


def _mu_input(r: AnnualData) -> mu.MuEnterprise:
    return mu.MuEnterprise(
        uscc=r.enterprise.uscc,
        name=r.enterprise.name,
        year=r.year,
        park=r.enterprise.park,
        land_area_mu=r.land_area_mu,
        tax_10k_yuan=r.tax_10k_yuan,
        value_added_10k_yuan=r.value_added_10k_yuan,
        energy_tce_equal_value=r.energy_tce_equal_value,
        pollutant_t=r.pollutant_t,
        employees=r.employees,
        rd_10k_yuan=r.rd_10k_yuan,
        revenue_10k_yuan=r.revenue_10k_yuan,
        co2_t=r.co2_t,
        exemption=r.exemption,
    )


def park_comparison(*, rows: Iterable[AnnualData]) -> list[mu.ParkResult]:
    """园区亩均碳强度 of the parks in ``rows`` (engine.mu_evaluation.park_intensity)."""
    return mu.park_intensity([_mu_input(r) for r in rows])


# --------------------------------------------------------------------------- publication
@transaction.atomic
def publish_grades(*, region: Region, year: int, user: Any, publish: bool = True) -> None:
    """Publish (or withdraw) the region's carbon-efficiency grades of ``year`` on the public pages.
    Side effects: a GradePublication row created or deleted, one audit entry."""
    if publish:
        if not CarbonEfficiencyGrade.objects.filter(enterprise__region=region, year=year).exists():
            raise UserError(f"{year}年尚未计算碳效等级，不能公开")
        GradePublication.objects.get_or_create(
            region=region, year=year, defaults={"published_by": _actor(user)}
        )
    else:
        GradePublication.objects.filter(region=region, year=year).delete()
    audit.record(
        user=user,
        action="update",
        object_type="evaluation.gradepublication",
        object_id=f"{region.code}-{year}",
        object_repr=f"{region.name}{year}年碳效等级{'公开' if publish else '撤回公开'}",
    )


def grades_published(*, region: Region, year: int) -> bool:
    return GradePublication.objects.filter(region=region, year=year).exists()


# --------------------------------------------------------------------------- ranking
@transaction.atomic
def create_ranking(*, region: Region, year: int, base_year: int, user: Any) -> ReductionRanking:
    """Rank the region's enterprises by CO2 decline from ``base_year`` to ``year`` (a draft for review).

    Replaces an unpublished ranking of the same years; a published one must be withdrawn first.
    Side effects: ranking and entry rows, one audit entry.
    """
    if base_year >= year:
        raise UserError("基准年须早于排名年度")
    existing = ReductionRanking.objects.filter(region=region, year=year, base_year=base_year).first()
    if existing and existing.status == ReductionRanking.Status.PUBLISHED:
        raise UserError("该排名已公布；如需重算请先撤回公布")
    if existing:
        existing.delete()
    base = {r.enterprise_id: r for r in annual_rows(region=region, year=base_year)}
    current = {r.enterprise_id: r for r in annual_rows(region=region, year=year)}
    ids = sorted(set(base) | set(current))
    if not ids:
        raise UserError(f"{base_year}年和{year}年都没有企业年度数据")
    enterprises = {e.pk: e for e in Enterprise.objects.filter(pk__in=ids)}
    inputs = [
        ce.ReductionInput(
            key=str(i),
            name=enterprises[i].name,
            base_year=base_year,
            year=year,
            base_co2_t=base[i].co2_t if i in base else None,
            co2_t=current[i].co2_t if i in current else None,
            base_value_added_10k_yuan=base[i].value_added_10k_yuan if i in base else None,
            value_added_10k_yuan=current[i].value_added_10k_yuan if i in current else None,
        )
        for i in ids
    ]
    ranking = ReductionRanking.objects.create(
        region=region, year=year, base_year=base_year, created_by=_actor(user)
    )
    RankingEntry.objects.bulk_create(
        [
            RankingEntry(
                ranking=ranking,
                enterprise=enterprises[int(res.key)],
                base_co2_t=res.base_co2_t,
                co2_t=res.co2_t,
                decline_t=res.decline_t,
                decline_pct=res.decline_pct,
                base_intensity_t_per_10k_yuan=res.base_intensity_t_per_10k_yuan,
                intensity_t_per_10k_yuan=res.intensity_t_per_10k_yuan,
                intensity_decline_pct=res.intensity_decline_pct,
                rank_absolute=res.rank_absolute,
                rank_intensity=res.rank_intensity,
                reason=res.reason[:300],
            )
            for res in ce.reduction_ranking(inputs)
        ]
    )
    audit.record(user=user, action="create", instance=ranking, after=audit.snapshot(ranking))
    return ranking


@transaction.atomic
def set_advanced(*, ranking: ReductionRanking, entry_ids: Iterable[int], user: Any) -> None:
    """Mark the 碳排放管理先进企业 of a draft ranking. Side effects: entries updated, one audit entry."""
    if ranking.status != ReductionRanking.Status.DRAFT:
        raise UserError("已公布的排名不能修改，请先撤回公布")
    chosen = set(entry_ids)
    for entry in ranking.entries.all():
        entry.advanced = entry.pk in chosen
        entry.save(update_fields=["advanced"])
    audit.record(
        user=user,
        action="update",
        instance=ranking,
        note=f"碳排放管理先进企业：{len(chosen)} 家",
    )


@transaction.atomic
def publish_ranking(*, ranking: ReductionRanking, user: Any, publish: bool = True) -> ReductionRanking:
    """Publish a reviewed ranking on the public pages, or withdraw it.
    Side effects: status change, one audit entry."""
    before = audit.snapshot(ranking)
    if publish:
        ranking.status = ReductionRanking.Status.PUBLISHED
        ranking.published_by = _actor(user)
        ranking.published_at = timezone.now()
    else:
        ranking.status = ReductionRanking.Status.DRAFT
        ranking.published_at = None
    ranking.save()
    audit.record(user=user, action="update", instance=ranking, before=before, after=audit.snapshot(ranking))
    return ranking


# --------------------------------------------------------------------------- disclosure
def start_disclosure(*, enterprise: Enterprise, year: int, user: Any) -> Disclosure:
    """The enterprise's disclosure for ``year``, created as a draft prefilled from its annual
    data (this year and the year before) when it does not exist yet. Side effects: a draft row."""
    disclosure = Disclosure.objects.filter(enterprise=enterprise, year=year).first()
    if disclosure:
        return disclosure
    this = AnnualData.objects.filter(enterprise=enterprise, year=year).first()
    prior = AnnualData.objects.filter(enterprise=enterprise, year=year - 1).first()
    prior_disclosure = Disclosure.objects.filter(
        enterprise=enterprise, year=year - 1, status=Disclosure.Status.APPROVED
    ).first()
    prior_co2 = prior_disclosure.co2_t if prior_disclosure else (prior.co2_t if prior else None)
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            enterprise=enterprise,
            year=year,
            co2_t=this.co2_t if this else None,
            prior_year_co2_t=prior_co2,
        )
        audit.record(user=user, action="create", instance=disclosure, after=audit.snapshot(disclosure))
    return disclosure


@transaction.atomic
def save_disclosure(*, disclosure: Disclosure, facilities: Sequence[dict[str, Any]], user: Any) -> Disclosure:
    """Save a draft (or returned) disclosure and replace its facility list.
    Side effects: disclosure and facility rows, one audit entry."""
    if not Disclosure.objects.get(pk=disclosure.pk).editable:
        raise UserError("已提交或已通过的披露不能修改")
    before = audit.snapshot(Disclosure.objects.get(pk=disclosure.pk))
    disclosure.save()
    disclosure.facilities.all().delete()
    DisclosureFacility.objects.bulk_create(
        [DisclosureFacility(disclosure=disclosure, **f) for f in facilities if f.get("name")]
    )
    audit.record(
        user=user, action="update", instance=disclosure, before=before, after=audit.snapshot(disclosure)
    )
    return disclosure


def _missing_for_submit(disclosure: Disclosure) -> list[str]:
    missing = []
    if disclosure.co2_t is None:
        missing.append("本年度二氧化碳排放量")
    if disclosure.prior_year_co2_t is None:
        missing.append("上年度二氧化碳排放量")
    if not disclosure.accounting_method:
        missing.append("核算方法")
    if not disclosure.facilities.exists():
        missing.append("至少一个排放设施")
    return missing


@transaction.atomic
def submit_disclosure(*, disclosure: Disclosure, user: Any) -> Disclosure:
    """Submit a complete disclosure for the office's review.
    Side effects: status change, one audit entry, a notification to the county's office."""
    if not disclosure.editable:
        raise UserError("该披露已提交或已通过")
    missing = _missing_for_submit(disclosure)
    if missing:
        raise UserError("提交前请填写：" + "、".join(missing))
    before = audit.snapshot(disclosure)
    disclosure.status = Disclosure.Status.SUBMITTED
    disclosure.submitted_by = user
    disclosure.submitted_at = timezone.now()
    disclosure.save()
    audit.record(
        user=user, action="update", instance=disclosure, before=before, after=audit.snapshot(disclosure)
    )
    _notify_office(disclosure)
    return disclosure


@transaction.atomic
def review_disclosure(*, disclosure: Disclosure, user: Any, approve: bool, comment: str = "") -> Disclosure:
    """Approve (publish) or return a submitted disclosure; returning needs a comment.
    Side effects: status change, one audit entry, a notification to the enterprise's users."""
    if disclosure.status != Disclosure.Status.SUBMITTED:
        raise UserError("只能审核“已提交待审核”的披露")
    if not approve and not comment.strip():
        raise UserError("退回修改须填写审核意见")
    before = audit.snapshot(disclosure)
    disclosure.status = Disclosure.Status.APPROVED if approve else Disclosure.Status.RETURNED
    disclosure.reviewed_by = user
    disclosure.reviewed_at = timezone.now()
    disclosure.review_comment = comment.strip()
    disclosure.save()
    audit.record(
        user=user, action="update", instance=disclosure, before=before, after=audit.snapshot(disclosure)
    )
    _notify_enterprise(disclosure)
    return disclosure


def _notify_office(disclosure: Disclosure) -> None:
    from django.urls import reverse

    from carbonpeak.core.notify import notify, office_users

    notify(
        users=office_users(disclosure.enterprise.region),
        kind="disclosure_submitted",
        title=f"{disclosure.enterprise.name}提交了{disclosure.year}年度碳排放信息披露",
        body=f"{disclosure.enterprise.name}已提交{disclosure.year}年度碳排放信息披露，请审核。",
        url=reverse("evaluation:disclosure", args=[disclosure.pk]),
    )


def _notify_enterprise(disclosure: Disclosure) -> None:
    from django.urls import reverse

    from carbonpeak.core.notify import notify

    verdict = "已审核通过并公开" if disclosure.status == Disclosure.Status.APPROVED else "被退回修改"
    body = f"贵单位{disclosure.year}年度碳排放信息披露{verdict}。"
    if disclosure.review_comment:
        body += f"审核意见：{disclosure.review_comment}"
    notify(
        users=_enterprise_users(disclosure.enterprise),
        kind="disclosure_reviewed",
        title=f"{disclosure.year}年度碳排放信息披露{verdict}",
        body=body,
        url=reverse("evaluation:disclosure", args=[disclosure.pk]),
    )


def _enterprise_users(enterprise: Enterprise) -> list[Any]:
    from django.contrib.auth import get_user_model

    from carbonpeak.core.roles import Role

    return list(get_user_model().objects.filter(role=Role.ENTERPRISE, enterprise=enterprise, is_active=True))


REMINDER_KIND = "disclosure_due"


def send_disclosure_reminders(*, today: dt.date | None = None) -> int:
    """Remind the users of every enterprise whose disclosure of last year is neither submitted
    nor approved: 30, 7 and 1 days before 15 March, and every day after it.

    Each reminder (enterprise user, title) is created once, so running the command twice a
    day sends nothing new. Returns the number of enterprises reminded. Side effects:
    notifications (and e-mail through the outbox), one transaction.
    """
    from django.urls import reverse

    from carbonpeak.core.models import Notification
    from carbonpeak.core.notify import notify

    today = today or timezone.localdate()
    year = today.year - 1
    deadline = disclosure_deadline(year)
    days_left = (deadline - today).days
    if days_left >= 0 and days_left not in REMINDER_DAYS_BEFORE:
        return 0
    done = set(
        Disclosure.objects.filter(
            year=year, status__in=[Disclosure.Status.SUBMITTED, Disclosure.Status.APPROVED]
        ).values_list("enterprise_id", flat=True)
    )
    if days_left >= 0:
        title = f"请在{deadline.year}年{deadline.month}月{deadline.day}日前提交{year}年度碳排放信息披露（还有{days_left}天）"
    else:
        title = f"{year}年度碳排放信息披露已逾期{-days_left}天，请尽快提交"
    reminded = 0
    with transaction.atomic():
        for enterprise in Enterprise.objects.exclude(pk__in=done).order_by("pk"):
            users = [
                u
                for u in _enterprise_users(enterprise)
                if not Notification.objects.filter(recipient=u, kind=REMINDER_KIND, title=title).exists()
            ]
            if not users:
                continue
            notify(
                users=users,
                kind=REMINDER_KIND,
                title=title,
                body=(
                    f"{enterprise.name}：{title}。依据《企业环境信息依法披露管理办法》，"
                    "企业应于每年3月15日前披露上一年度环境信息（含碳排放信息）。"
                ),
                url=reverse("evaluation:my_disclosures"),
            )
            reminded += 1
    return reminded


# --------------------------------------------------------------------------- green finance
def green_criteria(region: Region) -> GreenFinanceCriteria:
    criteria = GreenFinanceCriteria.objects.filter(region=region).first()
    return criteria or GreenFinanceCriteria(region=region)


@dataclass(frozen=True)
class GreenRow:
    enterprise: Enterprise
    grade: int
    level: str
    k: float | None
    disclosure_approved: bool


def green_finance_list(*, region: Region, year: int) -> list[GreenRow]:
    """Enterprises meeting the county's green criteria (grade ≤ max_grade, disclosure approved)."""
    criteria = green_criteria(region)
    grades = CarbonEfficiencyGrade.objects.filter(
        enterprise__region=region, year=year, grade__isnull=False, grade__lte=criteria.max_grade
    ).select_related("enterprise")
    approved = set(
        Disclosure.objects.filter(
            enterprise__region=region, year=year, status=Disclosure.Status.APPROVED
        ).values_list("enterprise_id", flat=True)
    )
    rows = []
    for g in grades:
        ok = g.enterprise_id in approved
        if criteria.require_disclosure and not ok:
            continue
        assert g.grade is not None
        rows.append(GreenRow(g.enterprise, g.grade, g.level, g.k, ok))
    return sorted(rows, key=lambda r: (r.grade, r.k if r.k is not None else 0.0, r.enterprise.name))


def green_projects(*, region: Region, rows: list[GreenRow]) -> list[dict[str, Any]]:
    """Investment projects of the listed enterprises that qualify (from apps that register
    a ``core.registry.green_project_providers`` hook; the projects app does)."""
    from carbonpeak.core import registry

    ids = [r.enterprise.pk for r in rows]
    names = {r.enterprise.pk: r.enterprise.name for r in rows}
    out: list[dict[str, Any]] = []
    for provider in registry.green_project_providers:
        for item in provider(region, ids):
            out.append({**item, "enterprise_name": names.get(int(item.get("enterprise_id") or 0), "")})
    return out


@transaction.atomic
def save_green_criteria(*, criteria: GreenFinanceCriteria, user: Any) -> GreenFinanceCriteria:
    """Side effects: the criteria row, one audit entry."""
    if not 1 <= criteria.max_grade <= 5:
        raise UserError("碳效等级须为 1–5")
    criteria.save()
    audit.record(user=user, action="update", instance=criteria, after=audit.snapshot(criteria))
    return criteria


# --------------------------------------------------------------------------- public data
def public_disclosures(*, region: Region | None = None) -> QuerySet[Disclosure]:
    """Approved disclosures only: the one source of the public pages."""
    qs = Disclosure.objects.filter(status=Disclosure.Status.APPROVED).select_related("enterprise")
    if region is not None:
        qs = qs.filter(enterprise__region=region)
    return qs


def public_grades(*, enterprise: Enterprise) -> list[CarbonEfficiencyGrade]:
    """Grades of years the office published for the enterprise's county."""
    years = GradePublication.objects.filter(region_id=enterprise.region_id).values_list("year", flat=True)
    return list(CarbonEfficiencyGrade.objects.filter(enterprise=enterprise, year__in=list(years)))


def public_rankings(*, region: Region | None = None) -> QuerySet[ReductionRanking]:
    qs = ReductionRanking.objects.filter(status=ReductionRanking.Status.PUBLISHED).select_related("region")
    if region is not None:
        qs = qs.filter(region=region)
    return qs


def enterprise_is_public(enterprise: Enterprise) -> bool:
    """An enterprise has a public page only when something about it was published."""
    return (
        public_disclosures().filter(enterprise=enterprise).exists()
        or bool(public_grades(enterprise=enterprise))
        or RankingEntry.objects.filter(
            enterprise=enterprise, ranking__status=ReductionRanking.Status.PUBLISHED
        ).exists()
    )


# --------------------------------------------------------------------------- dashboard card
def dashboard_card(region: Region, user: Any) -> dict[str, Any] | None:
    """The leaders' dashboard card (``core.registry.dashboard_cards``): how many key
    enterprises of the region (and below) have an approved disclosure of last year.
    Three queries whatever the data; None where the region has no enterprises."""
    from django.urls import reverse

    year = timezone.localdate().year - 1
    total = Enterprise.objects.filter(region__path__startswith=region.path).count()
    if not total:
        return None
    approved = Disclosure.objects.filter(
        enterprise__region__path__startswith=region.path, year=year, status=Disclosure.Status.APPROVED
    )
    deadline = disclosure_deadline(year)
    return {
        "title": f"{year}年度企业碳排放信息披露",
        "value": f"{approved.count()}/{total}",
        "unit": "家已公开",
        "note": f"截止 {deadline.year}年{deadline.month}月{deadline.day}日",
        "url": reverse("evaluation:disclosures") + (f"?year={year}" if region.level == "county" else ""),
        "illustrative": approved.filter(is_sample=True).exists(),
    }


# --------------------------------------------------------------------------- bulletin (.docx)
def bulletin_docx(*, region: Region, year: int) -> bytes:
    """A Word report for the county's bulletin: approved disclosures, published grades and the
    published ranking of ``year``. Only published data goes in."""
    from docx import Document

    doc = Document()
    doc.add_heading(f"{region.name}{year}年度企业碳排放信息公告", level=1)
    disclosures = list(public_disclosures(region=region).filter(year=year).order_by("enterprise__name"))
    if any(d.is_sample for d in disclosures):
        doc.add_paragraph(f"（{SAMPLE_NOTE}）")
    doc.add_heading("一、企业碳排放信息披露（审核通过）", level=2)
    if disclosures:
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            ["企业名称", "本年度排放(吨CO2)", "上年度排放(吨CO2)", "核算方法", "排放设施数"],
            strict=True,
        ):
            cell.text = text
        for d in disclosures:
            cells = table.add_row().cells
            cells[0].text = d.enterprise.name
            cells[1].text = _num(d.co2_t)
            cells[2].text = _num(d.prior_year_co2_t)
            cells[3].text = d.get_accounting_method_display()
            cells[4].text = str(d.facilities.count())
    else:
        doc.add_paragraph("本年度暂无审核通过的披露。")
    doc.add_heading("二、碳效等级", level=2)
    if grades_published(region=region, year=year):
        grades = CarbonEfficiencyGrade.objects.filter(enterprise__region=region, year=year).select_related(
            "enterprise"
        )
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ["企业名称", "行业大类", "碳效值K", "碳效等级", "碳效水平"], strict=True
        ):
            cell.text = text
        for g in grades:
            cells = table.add_row().cells
            cells[0].text = g.enterprise.name
            cells[1].text = g.division
            cells[2].text = f"{g.k:.3f}" if g.k is not None else "—"
            cells[3].text = str(g.grade) if g.grade else f"不评（{g.reason}）"
            cells[4].text = g.level or "—"
        preset = grades[0].preset if grades else {}
        doc.add_paragraph(f"分档依据：{preset.get('name', '')}。")
    else:
        doc.add_paragraph("本年度碳效等级未公开。")
    doc.add_heading("三、二氧化碳减排企业排名", level=2)
    rankings = list(public_rankings(region=region).filter(year=year))
    if not rankings:
        doc.add_paragraph("本年度排名未公布。")
    for ranking in rankings:
        doc.add_paragraph(str(ranking))
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ["名次", "企业名称", "减排量(吨)", "强度下降率(%)", "先进企业"], strict=True
        ):
            cell.text = text
        for e in ranking.entries.select_related("enterprise").exclude(rank_absolute=None):
            cells = table.add_row().cells
            cells[0].text = str(e.rank_absolute)
            cells[1].text = e.enterprise.name
            cells[2].text = _num(e.decline_t)
            cells[3].text = _num(e.intensity_decline_pct)
            cells[4].text = "是" if e.advanced else ""
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"
