"""Scenario files (TOML) and history files: parsing, validation and running.

A scenario is a plain dict (the parsed TOML, stored as JSON in a
ScenarioVersion): the CLI and the web pages run the very same assumptions
through :func:`run_scenario`. Every assumption is ``{value = …, source = "…"}``;
a missing source is an error naming the key. This module has no Django import.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonpeak.engine import measures as measures_engine
from carbonpeak.engine import montecarlo, projection
from carbonpeak.engine.lmdi import DecompositionYear, SectorYear

KINDS = {"baseline": "基准", "policy": "政策", "enhanced": "强化"}
KIND_ALIASES = {"基准": "baseline", "政策": "policy", "强化": "enhanced", **{k: k for k in KINDS}}

BASE_KEYS = {
    "population": ("基准年常住人口", "人"),
    "gdp_constant_10k_yuan": ("基准年地区生产总值（可比价）", "万元"),
    "grid_factor_t_per_mwh": ("基准年电网排放因子", "吨CO2/兆瓦时"),
}
ASSUMPTION_KEYS = {
    "gdp_growth": ("地区生产总值年均增速", "periods"),
    "population_growth": ("人口年均增速", "periods"),
    "grid_factor_decline": ("电网排放因子年均下降率", "periods"),
    "non_fossil_direct_share": ("直接用能中非化石能源比重", "anchors"),
}
SECTOR_KEYS = {
    "energy_tce": ("基准年能耗（吨标准煤）", "number"),
    "direct_co2_factor_t_per_tce": ("直接用能排放因子（吨CO2/吨标准煤）", "number"),
    "value_added_share": ("增加值占GDP比重", "anchors"),
    "intensity_decline": ("能源强度年均下降率", "periods"),
    "electricity_share": ("电气化率（电力占部门能耗比重）", "anchors"),
}
TARGET_KEYS = {
    "energy_intensity_2025": ("单位GDP能耗 2020→2025 累计下降", 2020, 2025, "energy"),
    "co2_intensity_2025": ("单位GDP二氧化碳排放 2020→2025 累计下降", 2020, 2025, "co2"),
    "energy_intensity_2030": ("单位GDP能耗 2025→2030 累计下降", 2025, 2030, "energy"),
    "co2_intensity_2030": ("单位GDP二氧化碳排放 2025→2030 累计下降", 2025, 2030, "co2"),
}


class SpecError(ValueError):
    """A scenario or history file that cannot be used; the message names the key."""

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message)
        self.key = key


def load_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; errors become :class:`SpecError` with a Chinese message."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SpecError(f"文件 {path} 不是 UTF-8 编码") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"文件 {path} 不是有效的 TOML：{exc}") from exc


def load_toml_bytes(raw: bytes, name: str = "上传的文件") -> dict[str, Any]:
    """Parse uploaded TOML bytes; errors become :class:`SpecError`."""
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SpecError(f"{name} 不是 UTF-8 编码") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{name} 不是有效的 TOML：{exc}") from exc


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise SpecError(f"缺少表 [{where}]", where)
    return value


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SpecError(f"{key} 须为数值，收到 {value!r}", key)
    return float(value)


def _assumption(data: Mapping[str, Any], key: str, where: str) -> tuple[Any, str]:
    full = f"{where}.{key}" if where else key
    item = data.get(key)
    if item is None:
        raise SpecError(f"缺少 {full}", full)
    if not isinstance(item, Mapping) or "value" not in item:
        raise SpecError(f'{full} 须写成 {{ value = …, source = "…" }}', full)
    source = item.get("source")
    if not isinstance(source, str) or not source.strip():
        raise SpecError(f"{full}.source 为空：每项假设须注明来源", f"{full}.source")
    return item["value"], source.strip()


def parse_periods(value: Any, key: str) -> dict[tuple[int, int], float]:
    """``{"2021-2025" = 0.06}`` → ``{(2021, 2025): 0.06}``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise SpecError(f'{key} 须按时段给出，如 {{ "2021-2025" = 0.06 }}', key)
    if not isinstance(value, Mapping) or not value:
        raise SpecError(f'{key} 须按时段给出，如 {{ "2021-2025" = 0.06 }}', key)
    out: dict[tuple[int, int], float] = {}
    for period, rate in value.items():
        text = str(period).replace("–", "-").replace("—", "-")
        parts = text.split("-")
        try:
            first, last = (int(parts[0]), int(parts[-1]))
        except ValueError:
            raise SpecError(f"{key} 的时段“{period}”无法识别，应写成“2021-2025”", key) from None
        if last < first:
            raise SpecError(f"{key} 的时段“{period}”起止颠倒", key)
        r = _number(rate, f"{key}.{period}")
        if not -0.5 < r < 0.5:
            raise SpecError(
                f"{key}.{period} = {r} 超出合理范围（年均变化率应在 -50% 与 50% 之间，以小数表示）", key
            )
        out[(first, last)] = r
    return out


def parse_anchors(value: Any, key: str, *, share: bool = True) -> dict[int, float]:
    """``{"2020" = 0.2, "2060" = 0.7}`` (or one number) → ``{2020: 0.2, 2060: 0.7}``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {0: _number(value, key)}
    if not isinstance(value, Mapping) or not value:
        raise SpecError(f'{key} 须为数值或按年份给出，如 {{ "2020" = 0.2, "2060" = 0.7 }}', key)
    out: dict[int, float] = {}
    for year, v in value.items():
        try:
            y = int(str(year))
        except ValueError:
            raise SpecError(f"{key} 的年份“{year}”无法识别", key) from None
        out[y] = _number(v, f"{key}.{year}")
        if share and not 0 <= out[y] <= 1:
            raise SpecError(f"{key}.{year} = {out[y]} 应为 0 到 1 之间的比重", key)
    return out


@dataclass
class ParsedScenario:
    """A validated scenario: engine input plus what the pages show."""

    name: str
    kind: str
    illustrative: bool
    inp: projection.ProjectionInput
    sources: dict[str, str]
    targets: dict[str, float]
    mc_parameters: dict[str, montecarlo.Distribution]
    mc_draws: int
    mc_seed: int
    measures: list[measures_engine.MeasureSpec]
    measure_tasks: dict[str, str]
    history: str


def parse_scenario(data: Mapping[str, Any]) -> ParsedScenario:
    """Validate a scenario dict and build the engine input.

    Raises
    ------
    SpecError
        With a Chinese message naming the offending key.
    """
    sources: dict[str, str] = {}
    head = _table(data, "scenario", "scenario")
    name = head.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SpecError("缺少 scenario.name（情景名称）", "scenario.name")
    kind = KIND_ALIASES.get(str(head.get("kind", "")))
    if kind is None:
        raise SpecError("scenario.kind 须为 基准、政策 或 强化", "scenario.kind")
    base_year = int(_number(head.get("base_year", 2020), "scenario.base_year"))
    end_year = int(_number(head.get("end_year", 2060), "scenario.end_year"))
    if not 2000 <= base_year < end_year <= 2100:
        raise SpecError(
            "scenario.base_year 与 scenario.end_year 须满足 2000 ≤ 基准年 < 结束年 ≤ 2100",
            "scenario.end_year",
        )

    history = head.get("history", "")
    if history not in ("", "accounting"):
        raise SpecError(
            'scenario.history 只能是 "accounting"（基准年数据取自核算模块）或不写', "scenario.history"
        )
    base = _table(data, "base", "base")
    base_values: dict[str, float] = {}
    for key in BASE_KEYS:
        value, source = _assumption(base, key, "base")
        base_values[key] = _number(value, f"base.{key}")
        if base_values[key] <= 0:
            raise SpecError(f"base.{key} 须为正数", f"base.{key}")
        sources[f"base.{key}"] = source

    assumptions = _table(data, "assumptions", "assumptions")
    parsed: dict[str, Any] = {}
    for key, (_label, shape) in ASSUMPTION_KEYS.items():
        value, source = _assumption(assumptions, key, "assumptions")
        full = f"assumptions.{key}"
        parsed[key] = parse_periods(value, full) if shape == "periods" else parse_anchors(value, full)
        sources[full] = source

    raw_sectors = data.get("sectors")
    if not isinstance(raw_sectors, list) or not raw_sectors:
        raise SpecError("缺少 [[sectors]]：至少需要一个部门", "sectors")
    sectors: list[projection.SectorAssumptions] = []
    seen: set[str] = set()
    for k, raw in enumerate(raw_sectors):
        where = f"sectors[{k}]"
        if not isinstance(raw, Mapping):
            raise SpecError(f"{where} 须为表", where)
        code = raw.get("code")
        if not isinstance(code, str) or not code.isidentifier():
            raise SpecError(f"{where}.code 须为英文标识（如 industry）", f"{where}.code")
        if code in seen:
            raise SpecError(f"{where}.code “{code}” 重复", f"{where}.code")
        seen.add(code)
        where = f"sectors.{code}"
        sname = str(raw.get("name") or code)
        driver = raw.get("driver", "gdp")
        if driver not in ("gdp", "population"):
            raise SpecError(f"{where}.driver 只能是 gdp 或 population", f"{where}.driver")
        values: dict[str, Any] = {}
        for key, (_label, shape) in SECTOR_KEYS.items():
            if key == "value_added_share" and driver == "population":
                continue
            value, source = _assumption(raw, key, where)
            full = f"{where}.{key}"
            if shape == "number":
                values[key] = _number(value, full)
                if values[key] < 0:
                    raise SpecError(f"{full} 不能为负", full)
            elif shape == "periods":
                values[key] = parse_periods(value, full)
            else:
                values[key] = parse_anchors(value, full)
            sources[full] = source
        sectors.append(
            projection.SectorAssumptions(
                code=code,
                name=sname,
                driver=driver,
                energy_tce=values["energy_tce"],
                direct_co2_factor_t_per_tce=values["direct_co2_factor_t_per_tce"],
                electricity_share=_fix_anchor(values["electricity_share"], base_year),
                intensity_decline=values["intensity_decline"],
                value_added_share=_fix_anchor(values.get("value_added_share", {base_year: 0.0}), base_year),
            )
        )

    targets: dict[str, float] = {}
    for key in dict(data.get("targets") or {}):
        if key not in TARGET_KEYS:
            raise SpecError(
                f"targets.{key} 不是可识别的目标（可用：{', '.join(TARGET_KEYS)}）", f"targets.{key}"
            )
        value, source = _assumption(data["targets"], key, "targets")
        targets[key] = _number(value, f"targets.{key}")
        sources[f"targets.{key}"] = source

    mc = dict(data.get("montecarlo") or {})
    draws = int(_number(mc.get("draws", 10_000), "montecarlo.draws"))
    if not 1 <= draws <= 1_000_000:
        raise SpecError("montecarlo.draws 须在 1 到 1000000 之间", "montecarlo.draws")
    seed = int(_number(mc.get("seed", 0), "montecarlo.seed"))
    dists: dict[str, montecarlo.Distribution] = {}
    codes = [s.code for s in sectors]
    for key, item in dict(mc.get("parameters") or {}).items():
        full = f"montecarlo.parameters.{key}"
        if not isinstance(item, Mapping):
            raise SpecError(f"{full} 须为表", full)
        lever = key.partition(".")[0]
        if key not in projection.LEVERS and not (
            lever in ("intensity_decline", "electricity_share") and key.partition(".")[2] in codes
        ):
            raise SpecError(f"{full}：不是可扰动的参数（可用：{', '.join(projection.LEVERS)}）", full)
        dist_source = item.get("source")
        if not isinstance(dist_source, str) or not dist_source.strip():
            raise SpecError(f"{full}.source 为空：每个分布须注明依据", f"{full}.source")
        nums = {
            p: _number(item[p], f"{full}.{p}") for p in ("mean", "sd", "low", "mode", "high") if p in item
        }
        try:
            dists[key] = montecarlo.Distribution(kind=str(item.get("dist", "")), **nums)
        except ValueError as exc:
            raise SpecError(f"{full}：{exc}", full) from None
        sources[full] = dist_source.strip()

    specs: list[measures_engine.MeasureSpec] = []
    tasks: dict[str, str] = {}
    for k, raw in enumerate(data.get("measures") or []):
        where = f"measures[{k}]"
        spec, task, source = parse_measure(raw, where)
        specs.append(spec)
        if task:
            tasks[spec.name] = task
        sources[f"measures.{spec.name}"] = source

    inp = projection.ProjectionInput(
        base_year=base_year,
        end_year=end_year,
        population=base_values["population"],
        gdp_10k_yuan=base_values["gdp_constant_10k_yuan"],
        grid_factor_t_per_mwh=base_values["grid_factor_t_per_mwh"],
        gdp_growth=parsed["gdp_growth"],
        population_growth=parsed["population_growth"],
        grid_factor_decline=parsed["grid_factor_decline"],
        non_fossil_direct_share=_fix_anchor(parsed["non_fossil_direct_share"], base_year),
        sectors=tuple(sectors),
    )
    try:
        projection.prepare(inp)
    except ValueError as exc:
        raise SpecError(str(exc)) from None
    return ParsedScenario(
        name=name.strip(),
        kind=kind,
        illustrative=bool(head.get("illustrative", False)),
        inp=inp,
        sources=sources,
        targets=targets,
        mc_parameters=dists,
        mc_draws=draws,
        mc_seed=seed,
        measures=specs,
        measure_tasks=tasks,
        history=str(head.get("history", "")),
    )


def _fix_anchor(anchors: dict[int, float], base_year: int) -> dict[int, float]:
    """A single number (key 0) is a constant level from the base year."""
    if set(anchors) == {0}:
        return {base_year: anchors[0]}
    return anchors


def parse_measure(raw: Any, where: str) -> tuple[measures_engine.MeasureSpec, str, str]:
    """One ``[[measures]]`` entry → (spec, task code, source)."""
    if not isinstance(raw, Mapping):
        raise SpecError(f"{where} 须为表", where)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SpecError(f"{where}.name（措施名称）为空", f"{where}.name")
    kind = raw.get("kind")
    if kind not in measures_engine.KINDS:
        raise SpecError(f"{where}.kind 须为 {', '.join(measures_engine.KINDS)} 之一", f"{where}.kind")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise SpecError(f"{where}.source 为空：措施参数须注明来源", f"{where}.source")
    params_raw = raw.get("parameters")
    if not isinstance(params_raw, Mapping):
        raise SpecError(f"{where}.parameters 须为表", f"{where}.parameters")
    params: dict[str, float] = {}
    for p in measures_engine.PARAMETERS[kind]:
        if p not in params_raw:
            label = measures_engine.PARAMETERS[kind][p][0]
            raise SpecError(f"缺少 {where}.parameters.{p}（{label}）", f"{where}.parameters.{p}")
        params[p] = _number(params_raw[p], f"{where}.parameters.{p}")
    start = int(_number(raw.get("start_year", 2021), f"{where}.start_year"))
    full = int(_number(raw.get("full_year", start), f"{where}.full_year"))
    spec = measures_engine.MeasureSpec(
        name=name.strip(), kind=kind, parameters=params, start_year=start, full_year=full
    )
    try:
        spec.validate()
    except ValueError as exc:
        raise SpecError(f"{where}：{exc}", where) from None
    return spec, str(raw.get("task", "")), source.strip()


def _yearly(years: list[int], values: list[float]) -> dict[str, float]:
    return {str(y): round(v, 3) for y, v in zip(years, values, strict=True)}


def run_parsed(
    sc: ParsedScenario,
    *,
    draws: int | None = None,
    seed: int | None = None,
    measures: list[measures_engine.MeasureSpec] | None = None,
) -> dict[str, Any]:
    """Run a parsed scenario: projection, targets, Monte Carlo and measures.

    Returns a JSON-ready dict (years as string keys): ``scenario``, ``kind``,
    ``path`` {year: co2_t}, ``energy_path``, ``gdp_path``, ``population_path``,
    ``by_sector``, ``peak_year``, ``peak_co2_t``, ``peaked``, ``peaks_by_2030``,
    ``intensity_declines``, ``montecarlo`` and ``measures``.
    """
    res = projection.project(sc.inp)
    years = res.years
    declines: dict[str, Any] = {}
    for key, (label, y0, y1, which) in TARGET_KEYS.items():
        if y0 < years[0] or y1 > years[-1]:
            continue
        value = projection.intensity_decline(res, y0, y1, which)
        target = sc.targets.get(key)
        declines[key] = {
            "label": label,
            "value": round(value, 6),
            "target": target,
            "met": None if target is None else bool(value >= target - 1e-12),
        }
    n = sc.mc_draws if draws is None else draws
    s = sc.mc_seed if seed is None else seed
    mc: dict[str, Any] = {"draws": n, "seed": s, "parameters": {}}
    if sc.mc_parameters and n > 0:
        out = montecarlo.run(sc.inp, sc.mc_parameters, draws=n, seed=s)
        mc.update(
            p_peak_by_2030=round(out.p_peak_by_2030, 6),
            fan={
                str(y): {"p5": round(a, 1), "p50": round(b, 1), "p95": round(c, 1)}
                for y, (a, b, c) in out.fan.items()
            },
            peak_year_counts={str(y): c for y, c in out.peak_year_counts.items()},
        )
        mc["parameters"] = {
            k: {"dist": d.kind, "mean": d.mean, "sd": d.sd, "low": d.low, "mode": d.mode, "high": d.high}
            for k, d in sc.mc_parameters.items()
        }
    else:
        mc.update(p_peak_by_2030=None, fan={}, peak_year_counts={})
    measure_out = []
    for spec in sc.measures if measures is None else measures:
        path = measures_engine.abatement_path(spec, years, res.grid_factor_t_per_mwh)
        measure_out.append(
            {
                "name": spec.name,
                "kind": spec.kind,
                "task": sc.measure_tasks.get(spec.name, ""),
                "key": spec.key,
                "abatement_t": _yearly(years, path),
            }
        )
    return {
        "scenario": sc.name,
        "kind": sc.kind,
        "illustrative": sc.illustrative,
        "base_year": years[0],
        "end_year": years[-1],
        "path": _yearly(years, res.co2_t),
        "energy_path": _yearly(years, res.energy_tce),
        "gdp_path": _yearly(years, res.gdp_10k_yuan),
        "population_path": _yearly(years, res.population),
        "grid_factor_path": {
            str(y): round(v, 6) for y, v in zip(years, res.grid_factor_t_per_mwh, strict=True)
        },
        "by_sector": {
            s.code: {"name": s.name, "co2_t": _yearly(years, res.co2_by_sector_t[s.code])}
            for s in sc.inp.sectors
        },
        "peak_year": res.peak.year,
        "peak_co2_t": round(res.peak.value, 3),
        "peaked": res.peak.peaked,
        "peaks_by_2030": res.peak.peaks_by(2030),
        "intensity_declines": declines,
        "montecarlo": mc,
        "measures": measure_out,
    }


def run_scenario(data: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Parse and run a scenario dict (see :func:`run_parsed`)."""
    return run_parsed(parse_scenario(data), **kwargs)


# --- history -------------------------------------------------------------------


@dataclass
class HistoryYear:
    """One year of county history (totals, and sectors by carrier where known)."""

    year: int
    population: float
    gdp_10k_yuan: float
    energy_tce: float
    co2_t: float
    sectors: dict[str, SectorYear]

    def decomposition(self) -> DecompositionYear:
        return DecompositionYear(self.year, self.population, self.gdp_10k_yuan, self.sectors)


def parse_history(data: Mapping[str, Any]) -> tuple[list[HistoryYear], dict[str, Any]]:
    """A history file → (years ascending, meta).

    Format: ``[meta]`` (name, source, illustrative) and ``[[years]]`` with
    ``year``, ``population``, ``gdp_constant_10k_yuan`` and
    ``[years.sectors.<code>]`` holding ``gdp_10k_yuan`` (omit for households),
    ``energy_tce = {carrier = tce}`` and ``co2_t = {carrier = t}``.
    """
    meta = dict(data.get("meta") or {})
    if not isinstance(meta.get("source"), str) or not meta["source"].strip():
        raise SpecError("缺少 meta.source：历史数据须注明来源", "meta.source")
    rows = data.get("years")
    if not isinstance(rows, list) or not rows:
        raise SpecError("缺少 [[years]]", "years")
    out: list[HistoryYear] = []
    for k, row in enumerate(rows):
        where = f"years[{k}]"
        if not isinstance(row, Mapping):
            raise SpecError(f"{where} 须为表", where)
        year = int(_number(row.get("year"), f"{where}.year"))
        sectors: dict[str, SectorYear] = {}
        for code, sec in dict(row.get("sectors") or {}).items():
            sw = f"{where}.sectors.{code}"
            energy = {
                c: _number(v, f"{sw}.energy_tce.{c}") for c, v in dict(sec.get("energy_tce") or {}).items()
            }
            co2 = {c: _number(v, f"{sw}.co2_t.{c}") for c, v in dict(sec.get("co2_t") or {}).items()}
            gdp = sec.get("gdp_10k_yuan")
            sectors[code] = SectorYear(
                None if gdp is None else _number(gdp, f"{sw}.gdp_10k_yuan"), energy, co2
            )
        out.append(
            HistoryYear(
                year=year,
                population=_number(row.get("population"), f"{where}.population"),
                gdp_10k_yuan=_number(row.get("gdp_constant_10k_yuan"), f"{where}.gdp_constant_10k_yuan"),
                energy_tce=math.fsum(v for s in sectors.values() for v in s.energy_tce.values()),
                co2_t=math.fsum(v for s in sectors.values() for v in s.co2_t.values()),
                sectors=sectors,
            )
        )
    out.sort(key=lambda h: h.year)
    if len({h.year for h in out}) != len(out):
        raise SpecError("[[years]] 中有重复年份", "years")
    return out, meta
