"""Use cases of the scenario app: save versions, compute, compare, decompose, STIRPAT.

Every change runs in one ``transaction.atomic()`` and writes an audit entry in
the same transaction. Results are cached on the version (computing a 100,000-draw
Monte Carlo takes about a second), so pages only read.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from carbonpeak.core import audit
from carbonpeak.core.regions import home_region
from carbonpeak.engine import lmdi, stirpat
from carbonpeak.engine.lmdi import SectorYear
from carbonpeak.engine.measures import MeasureSpec, wedges
from carbonpeak.scenarios import spec as spec_mod
from carbonpeak.scenarios.models import History, Measure, Scenario, ScenarioVersion
from carbonpeak.scenarios.spec import HistoryYear, SpecError

#: Most draws used when the office saves a version (the scenario's own setting is capped
#: here; ``settings.CARBONPEAK_SCENARIO_MAX_DRAWS`` overrides it).
UI_MAX_DRAWS = 100_000


# --- scenarios and versions ----------------------------------------------------------


def _measure_specs(scenario: Scenario) -> list[MeasureSpec]:
    return [
        MeasureSpec(
            name=m.name,
            kind=m.kind,
            parameters={k: float(v) for k, v in m.parameters.items()},
            start_year=m.start_year,
            full_year=m.full_year,
            key=str(m.pk),
        )
        for m in scenario.measures.all()
    ]


def compute(version: ScenarioVersion, *, draws: int | None = None) -> dict[str, Any]:
    """Run the version's assumptions with the scenario's measures and cache the result.

    Side effects: updates ``version.results``, ``computed_at`` and the measures'
    cached 2025/2030 abatement.
    """
    parsed = spec_mod.parse_scenario(version.assumptions)
    cap = int(getattr(settings, "CARBONPEAK_SCENARIO_MAX_DRAWS", UI_MAX_DRAWS))
    n = min(parsed.mc_draws, cap) if draws is None else draws
    specs = _measure_specs(version.scenario)
    results = spec_mod.run_parsed(parsed, draws=n, measures=specs)
    with transaction.atomic():
        version.results = results
        version.computed_at = timezone.now()
        version.save(update_fields=["results", "computed_at"])
        for item in results["measures"]:
            Measure.objects.filter(pk=int(item["key"])).update(
                abatement_2025_t=item["abatement_t"].get("2025"),
                abatement_2030_t=item["abatement_t"].get("2030"),
            )
    return results


def _clean_assumptions(data: dict[str, Any]) -> dict[str, Any]:
    """The stored assumptions: measures live in Measure rows, not in the version."""
    out = copy.deepcopy(dict(data))
    out.pop("measures", None)
    return out


@transaction.atomic
def create_scenario(
    *, user: Any, assumptions: dict[str, Any], note: str = "", draws: int | None = None
) -> Scenario:
    """Create a scenario from assumptions (e.g. an uploaded TOML), its version 1 and measures.

    Raises :class:`SpecError` (nothing written) when the assumptions are invalid
    or the name is taken. Side effects: audit entries for the scenario, version
    and measures.
    """
    assumptions = fill_from_accounting(assumptions)
    parsed = spec_mod.parse_scenario(assumptions)
    region = getattr(user, "region", None) or home_region()
    if Scenario.objects.in_region(region).filter(name=parsed.name).exists():
        raise SpecError(f"已有名为“{parsed.name}”的情景，请改名或在该情景下保存新版本", "scenario.name")
    head = assumptions.get("scenario", {})
    scenario = Scenario.objects.create(
        region=region,
        name=parsed.name,
        kind=parsed.kind,
        description=str(head.get("description", "")),
        illustrative=parsed.illustrative,
        baseline=Scenario.objects.filter(kind=Scenario.Kind.BASELINE).first()
        if parsed.kind != "baseline"
        else None,
    )
    audit.record(user=user, action="create", instance=scenario, after=audit.snapshot(scenario))
    for spec_, raw in zip(parsed.measures, assumptions.get("measures") or [], strict=True):
        _create_measure(
            user=user, scenario=scenario, spec=spec_, task_code=str(raw.get("task", "")), source=raw["source"]
        )
    version = ScenarioVersion.objects.create(
        scenario=scenario,
        number=1,
        assumptions=_clean_assumptions(assumptions),
        note=note or "初始版本",
        created_by=_u(user),
    )
    audit.record(user=user, action="create", instance=version, after={"number": 1, "note": version.note})
    compute(version, draws=draws)
    return scenario


def _u(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def save_version(
    *, user: Any, scenario: Scenario, assumptions: dict[str, Any], note: str, draws: int | None = None
) -> ScenarioVersion:
    """Save edited assumptions as a new version (older versions are kept) and compute it.

    The scenario's name and kind stay those of the scenario. Raises
    :class:`SpecError` when invalid (nothing written).
    """
    data = _clean_assumptions(fill_from_accounting(assumptions))
    data.setdefault("scenario", {})
    data["scenario"]["name"] = scenario.name
    data["scenario"]["kind"] = scenario.kind
    spec_mod.parse_scenario(data)
    Scenario.objects.select_for_update().filter(pk=scenario.pk).first()  # serialise concurrent saves
    last = scenario.versions.order_by("-number").first()
    number = (last.number if last else 0) + 1
    version = ScenarioVersion.objects.create(
        scenario=scenario, number=number, assumptions=data, note=note[:300], created_by=_u(user)
    )
    audit.record(
        user=user,
        action="update",
        instance=scenario,
        before={"version": last.number if last else None},
        after={"version": number, "note": note[:300]},
        note=f"保存第{number}版",
    )
    compute(version, draws=draws)
    return version


def export_toml(version: ScenarioVersion) -> str:
    """The version's assumptions and the scenario's measures as a TOML file (CLI input)."""
    data = copy.deepcopy(version.assumptions)
    data["measures"] = [
        {
            "name": m.name,
            "task": m.task_code,
            "kind": m.kind,
            "start_year": m.start_year,
            "full_year": m.full_year,
            "parameters": m.parameters,
            "source": m.source,
        }
        for m in version.scenario.measures.all()
    ]
    return dumps_toml(data)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(type(v))


def _toml_key(k: str) -> str:
    return k if k.replace("_", "").isalnum() and k.isascii() and not k[0].isdigit() else _toml_value(str(k))


def dumps_toml(data: dict[str, Any]) -> str:
    """Minimal TOML writer for scenario dicts (tables, arrays of tables, inline values)."""
    lines: list[str] = []
    scalars = {k: v for k, v in data.items() if not isinstance(v, (dict, list))}
    for k, v in scalars.items():
        lines.append(f"{_toml_key(k)} = {_toml_value(v)}")
    for k, v in data.items():
        if isinstance(v, dict):
            lines.append(f"\n[{_toml_key(k)}]")
            for k2, v2 in v.items():
                if isinstance(v2, dict) and all(isinstance(x, dict) for x in v2.values()) and v2:
                    continue
                lines.append(f"{_toml_key(k2)} = {_toml_value(v2)}")
            for k2, v2 in v.items():
                if isinstance(v2, dict) and all(isinstance(x, dict) for x in v2.values()) and v2:
                    lines.append(f"\n[{_toml_key(k)}.{_toml_key(k2)}]")
                    for k3, v3 in v2.items():
                        lines.append(f"{_toml_key(k3)} = {_toml_value(v3)}")
        elif isinstance(v, list):
            for item in v:
                lines.append(f"\n[[{_toml_key(k)}]]")
                for k2, v2 in item.items():
                    lines.append(f"{_toml_key(k2)} = {_toml_value(v2)}")
    return "\n".join(lines) + "\n"


@transaction.atomic
def set_baseline(*, user: Any, scenario: Scenario, baseline: Scenario | None) -> Scenario:
    """Choose the scenario the wedge chart compares against (not itself)."""
    if baseline is not None and baseline.pk == scenario.pk:
        raise SpecError("对照基准情景不能是本情景自身", "baseline")
    before = {"baseline": scenario.baseline_id}
    scenario.baseline = baseline
    scenario.save(update_fields=["baseline"])
    audit.record(
        user=user, action="update", instance=scenario, before=before, after={"baseline": scenario.baseline_id}
    )
    return scenario


# --- measures ------------------------------------------------------------------------


def _task_for(code: str) -> Any:
    if not code:
        return None
    from carbonpeak.plans.models import Task

    return Task.objects.filter(code=code).order_by("-action__plan__issued_on", "-action__plan_id").first()


def _create_measure(
    *, user: Any, scenario: Scenario, spec: MeasureSpec, task_code: str, source: str
) -> Measure:
    measure = Measure.objects.create(
        scenario=scenario,
        task=_task_for(task_code),
        task_code=task_code,
        name=spec.name,
        kind=spec.kind,
        parameters=dict(spec.parameters),
        start_year=spec.start_year,
        full_year=spec.full_year,
        source=source,
    )
    audit.record(user=user, action="create", instance=measure, after=audit.snapshot(measure))
    return measure


def save_measure(
    *, user: Any, scenario: Scenario, data: dict[str, Any], measure: Measure | None = None
) -> Measure:
    """Create or change a measure (``data`` as one ``[[measures]]`` entry); recompute the scenario.

    Raises :class:`SpecError` when the parameters are invalid or the name is taken.
    """
    spec_, task_code, source = spec_mod.parse_measure(data, "措施")
    with transaction.atomic():
        clash = Measure.objects.filter(scenario=scenario, name=spec_.name)
        if measure is not None:
            clash = clash.exclude(pk=measure.pk)
        if clash.exists():
            raise SpecError(f"本情景已有名为“{spec_.name}”的措施", "name")
        if measure is None:
            measure = _create_measure(
                user=user, scenario=scenario, spec=spec_, task_code=task_code, source=source
            )
        else:
            before = audit.snapshot(measure)
            measure.name = spec_.name
            measure.kind = spec_.kind
            measure.parameters = dict(spec_.parameters)
            measure.start_year = spec_.start_year
            measure.full_year = spec_.full_year
            measure.task_code = task_code
            measure.task = _task_for(task_code)
            measure.source = source
            measure.save()
            audit.record(
                user=user, action="update", instance=measure, before=before, after=audit.snapshot(measure)
            )
        version = scenario.current
        if version is not None:
            compute(version)
    return measure


@transaction.atomic
def delete_measure(*, user: Any, measure: Measure) -> None:
    """Delete a measure and recompute its scenario's current version."""
    scenario = measure.scenario
    audit.record(user=user, action="delete", instance=measure, before=audit.snapshot(measure))
    measure.delete()
    version = scenario.current
    if version is not None:
        compute(version)


def wedge_data(scenario: Scenario) -> dict[str, Any] | None:
    """Wedges of the scenario's measures between its baseline and its own path (or None)."""
    version = scenario.current
    baseline = scenario.baseline
    base = baseline.current if baseline is not None else None
    if version is None or baseline is None or base is None or not version.results or not base.results:
        return None
    res, bres = version.results, base.results
    years = [y for y in res["path"] if y in bres["path"]]
    w = wedges(
        [int(y) for y in years],
        [bres["path"][y] for y in years],
        [res["path"][y] for y in years],
        {m["name"]: [m["abatement_t"][y] for y in years] for m in res["measures"]},
    )
    return {
        "baseline": baseline.name,
        "years": w.years,
        "gap_t": w.gap_t,
        "measures": w.measures,
        "remainder_t": w.remainder_t,
        "baseline_path": [bres["path"][y] for y in years],
        "path": [res["path"][y] for y in years],
    }


# --- comparison ----------------------------------------------------------------------


def comparison(versions: list[ScenarioVersion]) -> dict[str, Any]:
    """Rows and series for comparing versions side by side (results as cached)."""
    years = sorted({y for v in versions if v.results for y in v.results["path"]}, key=int)
    series = []
    rows = []
    for v in versions:
        r = v.results or {}
        series.append(
            {"name": f"{v.scenario.name} 第{v.number}版", "data": [r.get("path", {}).get(y) for y in years]}
        )
        rows.append({"version": v, "results": r})
    return {"years": years, "series": series, "rows": rows}


# --- history: decomposition and STIRPAT ----------------------------------------------


def _accounting_history() -> tuple[list[HistoryYear], dict[str, Any]] | None:
    """County history from the accounting app (by carrier; no sector value added)."""
    try:
        from carbonpeak.accounting.services import yearly_summary
    except ImportError:  # accounting app not installed
        return None
    rows = yearly_summary()
    out: list[HistoryYear] = []
    for row in rows:
        pop, gdp = row.get("population"), row.get("gdp_constant_10k_yuan")
        carriers = row.get("by_carrier") or {}
        if not pop or not gdp or not carriers:
            continue
        energy = {str(c): float(v.get("energy_tce") or 0.0) for c, v in carriers.items()}
        co2 = {str(c): float(v.get("co2_t") or 0.0) for c, v in carriers.items()}
        sectors = {"county": SectorYear(float(gdp), energy, co2)}
        out.append(
            HistoryYear(
                year=int(row["year"]),
                population=float(pop),
                gdp_10k_yuan=float(gdp),
                energy_tce=float(row.get("energy_tce") or math.fsum(energy.values())),
                co2_t=float(row.get("co2_t") or math.fsum(co2.values())),
                sectors=sectors,
            )
        )
    if len(out) < 2:
        return None
    meta = {
        "name": "能耗与碳排放核算（县域核算数据）",
        "source": "本平台“能耗与碳排放核算”模块最新数据集",
        "illustrative": False,
        "by_carrier_only": True,
        "sectors": {"county": "全县"},
    }
    return out, meta


def history(prefer: str = "") -> tuple[list[HistoryYear], dict[str, Any]] | None:
    """The history used by decomposition and STIRPAT.

    The county's own accounting data when it has at least two years with
    population and GDP (``prefer="sample"`` forces the stored dataset,
    ``prefer="accounting"`` the accounting data or None); else the
    most recently loaded :class:`History` dataset; None when there is none.
    """
    if prefer != "sample":
        acc = _accounting_history()
        if acc is not None or prefer == "accounting":
            return acc
    ds = History.objects.order_by("-loaded_at").first()
    if ds is None:
        return None
    years, meta = spec_mod.parse_history(ds.data)
    meta = {**meta, "name": ds.name, "illustrative": ds.illustrative, "source": ds.source}
    return years, meta


@transaction.atomic
def load_history(*, user: Any, data: dict[str, Any]) -> History:
    """Store a history dataset (validated); replaces one of the same name."""
    spec_mod.parse_history(data)
    meta = data.get("meta", {})
    name = str(meta.get("name") or "历史数据")
    obj, created = History.objects.update_or_create(
        name=name,
        defaults={"source": meta["source"], "illustrative": bool(meta.get("illustrative")), "data": data},
    )
    audit.record(user=user, action="create" if created else "update", instance=obj, after={"name": name})
    return obj


def decomposition(years: list[HistoryYear], year0: int, year1: int) -> lmdi.LmdiResult:
    """LMDI-I between two years of a history (raises KeyError for a missing year)."""
    by_year = {h.year: h for h in years}
    return lmdi.lmdi_additive(by_year[year0].decomposition(), by_year[year1].decomposition())


def stirpat_view(years: list[HistoryYear], version: ScenarioVersion | None) -> dict[str, Any]:
    """STIRPAT fit on the history and its projection beside the driver model's path."""
    try:
        fit = stirpat.fit(
            [h.year for h in years],
            [h.population for h in years],
            [h.gdp_10k_yuan for h in years],
            [h.energy_tce for h in years],
            [h.co2_t for h in years],
        )
    except stirpat.InsufficientHistory as exc:
        return {"error": str(exc), "n_years": len(years)}
    out: dict[str, Any] = {"fit": fit}
    if version is not None and version.results:
        r = version.results
        ys = list(r["path"])
        pred = stirpat.predict(
            fit,
            [r["population_path"][y] for y in ys],
            [r["gdp_path"][y] for y in ys],
            [r["energy_path"][y] for y in ys],
        )
        out["projection"] = {
            "years": ys,
            "driver": [r["path"][y] for y in ys],
            "stirpat": pred,
            "version": version,
        }
    return out


def load_scenario_file(path: Path) -> dict[str, Any]:
    """Read a scenario TOML; ``history = "<file>"`` is resolved relative to the file."""
    return spec_mod.load_toml(path)


def peak_outlook(region: Any = None) -> dict[str, Any] | None:
    """Peak outlook for dashboards: the policy scenario's current result (else any scenario).

    Returns ``{scenario_name, peak_year, peak_co2_t, peaked, peaks_by_2030,
    p_peak_by_2030, illustrative, url}`` or None when nothing is computed.
    """
    from django.urls import reverse

    order = [Scenario.Kind.POLICY, Scenario.Kind.ENHANCED, Scenario.Kind.BASELINE]
    for kind in order:
        for scenario in (
            Scenario.objects.in_region(region).filter(kind=kind).order_by("-illustrative", "name")
        ):
            version = scenario.current
            if version is None or not version.results:
                continue
            r = version.results
            return {
                "scenario_name": scenario.name,
                "peak_year": r["peak_year"] if r["peaked"] else None,
                "peak_co2_t": r["peak_co2_t"],
                "peaked": r["peaked"],
                "peaks_by_2030": r["peaks_by_2030"],
                "p_peak_by_2030": r["montecarlo"].get("p_peak_by_2030"),
                "illustrative": scenario.illustrative,
                "url": reverse("scenarios:detail", args=[scenario.pk]),
            }
    return None


def fill_from_accounting(data: dict[str, Any]) -> dict[str, Any]:
    """Fill a scenario's missing base-year data from the accounting app (``history = "accounting"``).

    For the base year, ``base.population`` and ``base.gdp_constant_10k_yuan`` come
    from the accounting summary when the file leaves them out; a sector with
    ``accounting_sector = "工业"`` and no ``energy_tce`` takes that sector's energy,
    and without ``direct_co2_factor_t_per_tce`` a factor calibrated to its CO2
    (:func:`carbonpeak.engine.projection.calibrate_direct_factor`). Values the file
    gives are never overwritten. Raises :class:`SpecError` naming what is missing.
    """
    from carbonpeak.engine.projection import calibrate_direct_factor

    head = data.get("scenario") or {}
    if head.get("history") != "accounting":
        return data
    try:
        from carbonpeak.accounting.services import yearly_summary
    except ImportError:
        raise SpecError('scenario.history = "accounting"：未安装核算模块', "scenario.history") from None
    year = int(head.get("base_year", 2020))
    row = next((r for r in yearly_summary() if int(r["year"]) == year), None)
    if row is None:
        raise SpecError(
            f'scenario.history = "accounting"：核算数据中没有基准年 {year} 年', "scenario.history"
        )
    out = copy.deepcopy(data)
    src = f"能耗与碳排放核算（{year}年，本平台核算模块最新数据集）"
    base = out.setdefault("base", {})
    for key, value in (
        ("population", row.get("population")),
        ("gdp_constant_10k_yuan", row.get("gdp_constant_10k_yuan")),
    ):
        if key not in base:
            if not value:
                raise SpecError(f"base.{key}：核算数据 {year} 年没有该项，请在情景文件中填写", f"base.{key}")
            base[key] = {"value": float(value), "source": src}
    by_sector = row.get("by_sector") or {}
    grid = (base.get("grid_factor_t_per_mwh") or {}).get("value")
    nf_value = ((out.get("assumptions") or {}).get("non_fossil_direct_share") or {}).get("value")
    for k, sector in enumerate(out.get("sectors") or []):
        name = sector.get("accounting_sector")
        if not name:
            continue
        figures = by_sector.get(name)
        if figures is None:
            raise SpecError(
                f"sectors[{k}].accounting_sector：核算数据中没有行业“{name}”",
                f"sectors[{k}].accounting_sector",
            )
        if "energy_tce" not in sector:
            sector["energy_tce"] = {"value": float(figures["energy_tce"]), "source": f"{src}：{name}"}
        if "direct_co2_factor_t_per_tce" not in sector:
            elec = (sector.get("electricity_share") or {}).get("value")
            e0 = spec_mod.parse_anchors(elec, f"sectors[{k}].electricity_share") if elec is not None else {}
            n0 = (
                spec_mod.parse_anchors(nf_value, "assumptions.non_fossil_direct_share")
                if nf_value is not None
                else {}
            )
            if grid is None or not e0:
                raise SpecError(
                    f"sectors[{k}].direct_co2_factor_t_per_tce：需先给出电网排放因子和电气化率才能按核算排放校准",
                    f"sectors[{k}].direct_co2_factor_t_per_tce",
                )
            factor = calibrate_direct_factor(
                energy_tce=float(figures["energy_tce"]),
                co2_t=float(figures["co2_t"]),
                electricity_share=e0.get(year, e0[min(e0)]),
                non_fossil_direct_share=n0.get(year, n0[min(n0)]) if n0 else 0.0,
                grid_factor=float(grid),
            )
            sector["direct_co2_factor_t_per_tce"] = {
                "value": round(factor, 4),
                "source": f"按{src}的{name}排放校准",
            }
    return out
