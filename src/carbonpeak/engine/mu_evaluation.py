"""Per-mu evaluation (亩均论英雄): indicators, weighted score, A/B/C/D class, park comparison.

Each enterprise's indicator values are divided by the preset's benchmark (基准值) and
multiplied by the indicator's weight; the score is the sum

.. math::

    S_i = \\sum_k w_k \\, \\frac{x_{ik}}{b_k}

(for an indicator where less is better, such as 亩均碳排放, the ratio is inverted,
:math:`b_k / x_{ik}`, and capped at the preset's ``cap``). Enterprises are ranked by
score within the year; the class follows from the rank's share of the ranked
enterprises: A (优先发展类) up to ``a_top_pct``, B (鼓励提升类) up to ``b_to_pct``,
C (规范转型类) up to ``c_to_pct``, D (调控帮扶类) below. Exempt enterprises
(新建、公益性) are scored but take no rank and no class (the cited rule: 不定等级,
treated as B).

Indicators, all from the enterprise's annual data:

=====================  ======================================  =====================
indicator              formula                                 unit
=====================  ======================================  =====================
亩均税收               tax / land                              10^4 CNY/mu
亩均增加值             value added / land                      10^4 CNY/mu
单位能耗增加值         value added / energy (等价值)            10^4 CNY/tce
单位排放增加值         value added / major-pollutant emission  10^4 CNY/t
全员劳动生产率         value added / employees                 10^4 CNY/person
R&D 经费占比           R&D spending / main-business revenue    ratio
亩均碳排放             CO2 / land                              t/mu
=====================  ======================================  =====================

Park level (园区亩均碳强度): :math:`\\sum C / \\sum A` over the park's enterprises
[t/mu], with value added per mu beside it; parks are ranked from lowest.

References
----------
.. [1] 台州市黄岩区 annual 亩均论英雄 notices on 2021 and 2022 data, read at
   https://chacewang.com/newsdetail/news169062.html and
   https://www.chacewang.com/newsdetail/news430850.html: weights 30/20/20/10/10/10
   (secondary_2plus), benchmarks per data year (secondary_single; units inferred),
   score = indicator / benchmark × weight; enterprises lacking pollutant data get the
   average score (../shared/reference/policy/mu_average_evaluation.csv, rows MU_W_*, MU_B_*).
.. [2] A/B/C/D by rank share 25 % / 70 % / 95 % / bottom 5 %, a municipal scheme (city not
   identified), https://www.gu456.com/OpennessContent/show/3457811.html
   (secondary_single); public-utility and start-up enterprises evaluated but 不定等级
   (rows MU_CLASS_*). The Zhejiang and Hunan provincial rules were not found.
.. [3] 岳阳县碳达峰实施方案：“探索园区亩均碳强度评价机制”“强化‘亩产论英雄’导向机制”.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any


class MuEvaluationError(ValueError):
    """Input or preset the user can fix; ``message`` is Chinese."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


class Indicator(StrEnum):
    TAX_PER_MU = "tax_per_mu"
    VALUE_ADDED_PER_MU = "value_added_per_mu"
    VALUE_ADDED_PER_ENERGY = "value_added_per_energy"
    VALUE_ADDED_PER_POLLUTANT = "value_added_per_pollutant"
    LABOUR_PRODUCTIVITY = "labour_productivity"
    RD_SHARE = "rd_share"
    CO2_PER_MU = "co2_per_mu"


@dataclass(frozen=True)
class IndicatorInfo:
    label: str
    unit: str
    higher_is_better: bool


INDICATORS: Mapping[Indicator, IndicatorInfo] = {
    Indicator.TAX_PER_MU: IndicatorInfo("亩均税收", "万元/亩", True),
    Indicator.VALUE_ADDED_PER_MU: IndicatorInfo("亩均增加值", "万元/亩", True),
    Indicator.VALUE_ADDED_PER_ENERGY: IndicatorInfo("单位能耗增加值", "万元/吨标准煤", True),
    Indicator.VALUE_ADDED_PER_POLLUTANT: IndicatorInfo("单位排放增加值", "万元/吨", True),
    Indicator.LABOUR_PRODUCTIVITY: IndicatorInfo("全员劳动生产率", "万元/人", True),
    Indicator.RD_SHARE: IndicatorInfo("R&D经费占主营业务收入比重", "比值", True),
    Indicator.CO2_PER_MU: IndicatorInfo("亩均碳排放", "吨/亩", False),
}

MISSING_AVERAGE = "average"
MISSING_NOT_EVALUATED = "not_evaluated"

EXEMPT_NEW = "new"
EXEMPT_PUBLIC = "public_welfare"
EXEMPTION_LABELS: Mapping[str, str] = {EXEMPT_NEW: "新建企业", EXEMPT_PUBLIC: "公益性企业"}
_EXEMPTION_INPUT = {
    "": "",
    "否": "",
    "无": "",
    "new": EXEMPT_NEW,
    "新建": EXEMPT_NEW,
    "新建企业": EXEMPT_NEW,
    "public_welfare": EXEMPT_PUBLIC,
    "公益性": EXEMPT_PUBLIC,
    "公益性企业": EXEMPT_PUBLIC,
}


@dataclass(frozen=True)
class IndicatorRule:
    """Weight and benchmark of one indicator in a preset.

    Attributes
    ----------
    weight : float
        Points of 100 [-]; 0 = computed and shown, not scored.
    benchmark : float or None
        Benchmark value (基准值) in the indicator's unit; required when weight > 0.
    source : str
        Where weight and benchmark were read.
    verification : str
        ``secondary_2plus``, ``secondary_single``, ``user`` …
    missing : str
        ``average`` (an enterprise lacking the data gets the average score of those
        with data, as [1] says for pollutants) or ``not_evaluated``.
    cap : float or None
        Largest ratio counted (both directions); required for a less-is-better
        indicator with weight > 0.
    """

    weight: float
    benchmark: float | None
    source: str = ""
    verification: str = ""
    missing: str = MISSING_NOT_EVALUATED
    cap: float | None = None


@dataclass(frozen=True)
class MuPreset:
    """A dated, region-scoped per-mu evaluation rule set.

    Attributes
    ----------
    code, name, region_scope : str
        Identifier, Chinese name, jurisdiction it was published for.
    data_year : int
        Year of the enterprise data the benchmarks belong to.
    rules : mapping Indicator -> IndicatorRule
    a_top_pct, b_to_pct, c_to_pct : float
        Upper rank share [%] (inclusive) of classes A, B and C; the rest are D.
    class_source : str
        Where the class cut-offs were read.
    exempt_treated_as : str
        Class exempt enterprises are treated as (shown, not assigned) [2].
    """

    code: str
    name: str
    region_scope: str
    data_year: int
    rules: Mapping[Indicator, IndicatorRule]
    a_top_pct: float = 25.0
    b_to_pct: float = 70.0
    c_to_pct: float = 95.0
    class_source: str = ""
    class_verification: str = ""
    exempt_treated_as: str = "B"

    def __post_init__(self) -> None:
        if not 0 < self.a_top_pct < self.b_to_pct < self.c_to_pct <= 100:
            raise MuEvaluationError("分类分位须满足 0 < A 上限 < B 上限 < C 上限 ≤ 100")
        for indicator, rule in self.rules.items():
            label = INDICATORS[indicator].label
            if rule.weight < 0:
                raise MuEvaluationError(f"“{label}”的权重不能为负数")
            if rule.weight > 0 and (rule.benchmark is None or rule.benchmark <= 0):
                raise MuEvaluationError(f"“{label}”计分需要正的基准值（请填写基准值及其来源）")
            if rule.weight > 0 and not INDICATORS[indicator].higher_is_better and not rule.cap:
                raise MuEvaluationError(f"“{label}”越低越好，计分需要设定得分上限倍数 cap")
            if rule.missing not in (MISSING_AVERAGE, MISSING_NOT_EVALUATED):
                raise MuEvaluationError(f"“{label}”的缺数处理方式无效：{rule.missing}")
        if sum(r.weight for r in self.rules.values()) <= 0:
            raise MuEvaluationError("至少一个指标的权重须为正数")

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "region_scope": self.region_scope,
            "data_year": self.data_year,
            "rules": {
                str(k): {
                    "label": INDICATORS[k].label,
                    "unit": INDICATORS[k].unit,
                    "weight": r.weight,
                    "benchmark": r.benchmark,
                    "source": r.source,
                    "verification": r.verification,
                    "missing": r.missing,
                    "cap": r.cap,
                }
                for k, r in self.rules.items()
            },
            "classes": {
                "a_top_pct": self.a_top_pct,
                "b_to_pct": self.b_to_pct,
                "c_to_pct": self.c_to_pct,
                "source": self.class_source,
                "verification": self.class_verification,
                "exempt_treated_as": self.exempt_treated_as,
            },
        }


_HY = {
    2021: "https://chacewang.com/newsdetail/news169062.html",
    2022: "https://www.chacewang.com/newsdetail/news430850.html",
}
_HY_BENCHMARKS: Mapping[int, Mapping[Indicator, float]] = {
    2021: {
        Indicator.TAX_PER_MU: 26.01,
        Indicator.VALUE_ADDED_PER_MU: 132.27,
        Indicator.VALUE_ADDED_PER_ENERGY: 2.54,
        Indicator.VALUE_ADDED_PER_POLLUTANT: 4861.08,
        Indicator.LABOUR_PRODUCTIVITY: 17.45,
        Indicator.RD_SHARE: 0.0305,
    },
    2022: {
        Indicator.TAX_PER_MU: 24.097,
        Indicator.VALUE_ADDED_PER_MU: 136.16,
        Indicator.VALUE_ADDED_PER_ENERGY: 2.694,
        Indicator.VALUE_ADDED_PER_POLLUTANT: 4929.81,
        Indicator.LABOUR_PRODUCTIVITY: 18.14,
        Indicator.RD_SHARE: 0.0302,
    },
}
_HY_WEIGHTS: Mapping[Indicator, float] = {
    Indicator.TAX_PER_MU: 30,
    Indicator.VALUE_ADDED_PER_MU: 20,
    Indicator.VALUE_ADDED_PER_ENERGY: 20,
    Indicator.VALUE_ADDED_PER_POLLUTANT: 10,
    Indicator.LABOUR_PRODUCTIVITY: 10,
    Indicator.RD_SHARE: 10,
}
CLASS_SOURCE = "某市“亩均论英雄”分类办法（城市未能确认，非浙江省规则）https://www.gu456.com/OpennessContent/show/3457811.html"


def _huangyan(year: int) -> MuPreset:
    rules = {
        ind: IndicatorRule(
            weight=weight,
            benchmark=_HY_BENCHMARKS[year][ind],
            source=f"台州市黄岩区{year}年度亩均论英雄评价通知 {_HY[year]}（权重两年通知一致；基准值单位系推定）",
            verification="secondary_single",
            missing=MISSING_AVERAGE if ind is Indicator.VALUE_ADDED_PER_POLLUTANT else MISSING_NOT_EVALUATED,
        )
        for ind, weight in _HY_WEIGHTS.items()
    }
    rules[Indicator.CO2_PER_MU] = IndicatorRule(
        weight=0,
        benchmark=None,
        source="黄岩区通知未设本指标：只计算、展示，不计分；如需计分请设定权重、基准值与上限倍数及其来源",
        verification="not_found",
    )
    return MuPreset(
        code=f"HUANGYAN_{year}",
        name=f"台州市黄岩区亩均论英雄（规上工业，{year}年度数据）",
        region_scope="浙江省台州市黄岩区",
        data_year=year,
        rules=rules,
        class_source=CLASS_SOURCE,
        class_verification="secondary_single",
    )


#: Shipped presets (examples of the cited district; confirm against the official text).
PRESETS: Mapping[str, MuPreset] = {p.code: p for p in (_huangyan(2022), _huangyan(2021))}
DEFAULT_PRESET = PRESETS["HUANGYAN_2022"]


@dataclass(frozen=True)
class MuEnterprise:
    """One enterprise's annual data for the per-mu evaluation.

    Attributes
    ----------
    uscc, name, park : str
    year : int
    land_area_mu : float or None
        Land area [mu].
    tax_10k_yuan : float or None
        Tax paid [10^4 CNY].
    value_added_10k_yuan : float or None
        Value added [10^4 CNY].
    energy_tce_equal_value : float or None
        Energy consumption, 等价值 basis [tce].
    pollutant_t : float or None
        Major-pollutant emissions [t]; None where unknown.
    employees : int or None
        Average employees [person].
    rd_10k_yuan : float or None
        R&D spending [10^4 CNY].
    revenue_10k_yuan : float or None
        Main-business revenue [10^4 CNY].
    co2_t : float or None
        CO2 [t].
    exemption : str
        ``""``, ``new`` (新建) or ``public_welfare`` (公益性).
    """

    uscc: str
    name: str
    year: int
    park: str = ""
    land_area_mu: float | None = None
    tax_10k_yuan: float | None = None
    value_added_10k_yuan: float | None = None
    energy_tce_equal_value: float | None = None
    pollutant_t: float | None = None
    employees: float | None = None
    rd_10k_yuan: float | None = None
    revenue_10k_yuan: float | None = None
    co2_t: float | None = None
    exemption: str = ""
    row: int | None = None


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den <= 0:
        return None
    return num / den


_MISSING_TEXT: Mapping[Indicator, str] = {
    Indicator.TAX_PER_MU: "税收或用地面积",
    Indicator.VALUE_ADDED_PER_MU: "增加值或用地面积",
    Indicator.VALUE_ADDED_PER_ENERGY: "增加值或综合能耗（等价值，须大于零）",
    Indicator.VALUE_ADDED_PER_POLLUTANT: "增加值或主要污染物排放量（须大于零）",
    Indicator.LABOUR_PRODUCTIVITY: "增加值或从业人员数",
    Indicator.RD_SHARE: "研发经费或主营业务收入",
    Indicator.CO2_PER_MU: "二氧化碳排放量或用地面积",
}


def indicator_values(e: MuEnterprise) -> dict[Indicator, float | None]:
    """The seven indicators of an enterprise (None where the data is missing or a denominator is 0).

    Parameters
    ----------
    e : MuEnterprise

    Returns
    -------
    dict
        Indicator -> value in the unit of :data:`INDICATORS`.
    """
    va = e.value_added_10k_yuan
    return {
        Indicator.TAX_PER_MU: _ratio(e.tax_10k_yuan, e.land_area_mu),
        Indicator.VALUE_ADDED_PER_MU: _ratio(va, e.land_area_mu),
        Indicator.VALUE_ADDED_PER_ENERGY: _ratio(va, e.energy_tce_equal_value),
        Indicator.VALUE_ADDED_PER_POLLUTANT: _ratio(va, e.pollutant_t),
        Indicator.LABOUR_PRODUCTIVITY: _ratio(va, e.employees),
        Indicator.RD_SHARE: _ratio(e.rd_10k_yuan, e.revenue_10k_yuan),
        Indicator.CO2_PER_MU: _ratio(e.co2_t, e.land_area_mu),
    }


def indicator_score(value: float, rule: IndicatorRule, *, higher_is_better: bool) -> float:
    """Score of one indicator [points].

    .. math:: s = w \\cdot \\min(x / b, c)  \\quad\\text{or}\\quad  s = w \\cdot \\min(b / x, c)

    Parameters
    ----------
    value : float
        Indicator value x (its unit).
    rule : IndicatorRule
        Weight w [points], benchmark b (same unit), cap c (None = no cap).
    higher_is_better : bool
        False inverts the ratio.
    """
    assert rule.benchmark is not None
    if higher_is_better:
        ratio = value / rule.benchmark
    else:
        ratio = rule.benchmark / value if value > 0 else float("inf")
    if rule.cap is not None:
        ratio = min(ratio, rule.cap)
    return rule.weight * ratio


@dataclass(frozen=True)
class MuEnterpriseResult:
    """Evaluation of one enterprise: indicators, per-indicator scores, total, rank and class."""

    uscc: str
    name: str
    year: int
    park: str
    indicators: Mapping[Indicator, float | None]
    scores: Mapping[Indicator, float]
    averaged: tuple[Indicator, ...]
    score: float | None
    rank: int | None
    mu_class: str | None
    exempt: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "uscc": self.uscc,
            "name": self.name,
            "year": self.year,
            "park": self.park,
            "indicators": {str(k): v for k, v in self.indicators.items()},
            "scores": {str(k): v for k, v in self.scores.items()},
            "averaged": [str(k) for k in self.averaged],
            "score": self.score,
            "rank": self.rank,
            "class": self.mu_class,
            "exempt": self.exempt,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ParkResult:
    """Per-mu carbon intensity of one park in one year (园区亩均碳强度)."""

    park: str
    year: int
    enterprises: int
    land_area_mu: float
    co2_t: float
    value_added_10k_yuan: float
    co2_per_mu_t: float
    value_added_per_mu_10k_yuan: float
    co2_per_10k_yuan_t: float | None
    rank: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class MuEvaluationResult:
    preset: MuPreset
    enterprises: list[MuEnterpriseResult]
    parks: list[ParkResult]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "preset": self.preset.to_dict(),
            "enterprises": [e.to_dict() for e in self.enterprises],
            "parks": [p.to_dict() for p in self.parks],
            "notes": list(self.notes),
        }


def class_for_rank(rank: int, ranked: int, preset: MuPreset) -> str:
    """A/B/C/D from a rank (1 = best) among ``ranked`` enterprises [2].

    .. math:: p = 100 \\, r / n;\\; A: p \\le a,\\; B: p \\le b,\\; C: p \\le c,\\; D: \\text{otherwise}
    """
    share = 100.0 * rank / ranked
    if share <= preset.a_top_pct + 1e-9:
        return "A"
    if share <= preset.b_to_pct + 1e-9:
        return "B"
    if share <= preset.c_to_pct + 1e-9:
        return "C"
    return "D"


def park_intensity(enterprises: Sequence[MuEnterprise]) -> list[ParkResult]:
    """Per-mu carbon intensity of each park and year, ranked from lowest [3].

    .. math:: I_p = \\sum_{i \\in p} C_i \\big/ \\sum_{i \\in p} A_i \\quad [t/mu]

    Enterprises without a park, land area or CO2 are left out.
    """
    groups: dict[tuple[str, int], list[MuEnterprise]] = defaultdict(list)
    for e in enterprises:
        if e.park and e.land_area_mu and e.land_area_mu > 0 and e.co2_t is not None:
            groups[(e.park, e.year)].append(e)
    by_year: dict[int, list[ParkResult]] = defaultdict(list)
    for (park, year), members in groups.items():
        land = sum(float(m.land_area_mu or 0) for m in members)
        co2 = sum(float(m.co2_t or 0) for m in members)
        va = sum(float(m.value_added_10k_yuan or 0) for m in members)
        by_year[year].append(
            ParkResult(
                park=park,
                year=year,
                enterprises=len(members),
                land_area_mu=land,
                co2_t=co2,
                value_added_10k_yuan=va,
                co2_per_mu_t=co2 / land,
                value_added_per_mu_10k_yuan=va / land,
                co2_per_10k_yuan_t=co2 / va if va > 0 else None,
                rank=0,
            )
        )
    out: list[ParkResult] = []
    for year in sorted(by_year):
        parks = sorted(by_year[year], key=lambda p: (p.co2_per_mu_t, p.park))
        for p in parks:
            rank = 1 + sum(1 for q in parks if q.co2_per_mu_t < p.co2_per_mu_t)
            out.append(replace(p, rank=rank))
    return out


def evaluate(enterprises: Sequence[MuEnterprise], preset: MuPreset = DEFAULT_PRESET) -> MuEvaluationResult:
    """Score, rank and classify every enterprise within its year; compare parks [1][2][3].

    Parameters
    ----------
    enterprises : sequence of MuEnterprise
    preset : MuPreset

    Returns
    -------
    MuEvaluationResult
        Enterprises in input order; an enterprise lacking data for a scored indicator
        without the ``average`` rule is not evaluated and carries the reason.
    """
    notes: list[str] = []
    values = [indicator_values(e) for e in enterprises]
    scored = {k: r for k, r in preset.rules.items() if r.weight > 0}
    per_indicator: list[dict[Indicator, float]] = [{} for _ in enterprises]
    missing: list[list[Indicator]] = [[] for _ in enterprises]
    for i, vals in enumerate(values):
        for ind, rule in scored.items():
            v = vals[ind]
            if v is None:
                missing[i].append(ind)
            else:
                per_indicator[i][ind] = indicator_score(
                    v, rule, higher_is_better=INDICATORS[ind].higher_is_better
                )
    years = sorted({e.year for e in enterprises})
    averaged: list[list[Indicator]] = [[] for _ in enterprises]
    for year in years:
        idx = [i for i, e in enumerate(enterprises) if e.year == year]
        for ind, rule in scored.items():
            if rule.missing != MISSING_AVERAGE:
                continue
            have = [per_indicator[i][ind] for i in idx if ind in per_indicator[i]]
            lacking = [i for i in idx if ind in missing[i]]
            if not lacking:
                continue
            if not have:
                notes.append(f"{year} 年全部企业缺少“{INDICATORS[ind].label}”数据，本指标不计分")
                for i in lacking:
                    missing[i].remove(ind)
                continue
            mean = sum(have) / len(have)
            for i in lacking:
                per_indicator[i][ind] = mean
                averaged[i].append(ind)
                missing[i].remove(ind)
    totals: list[float | None] = [
        None if missing[i] else sum(per_indicator[i].values()) for i in range(len(enterprises))
    ]
    ranks: dict[int, int] = {}
    classes: dict[int, str] = {}
    for year in years:
        pool = [
            i
            for i, e in enumerate(enterprises)
            if e.year == year and not e.exemption and totals[i] is not None
        ]
        for i in pool:
            ti = totals[i]
            assert ti is not None
            ranks[i] = 1 + sum(1 for j in pool if (tj := totals[j]) is not None and tj > ti)
            classes[i] = class_for_rank(ranks[i], len(pool), preset)
    results = []
    for i, e in enumerate(enterprises):
        reason = ""
        if missing[i]:
            reason = "缺少" + "、".join(_MISSING_TEXT[m] for m in missing[i]) + "，未参加评价"
        elif e.exemption:
            reason = (
                f"{EXEMPTION_LABELS[e.exemption]}：参加评价，不定等级（按 {preset.exempt_treated_as} 类对待）"
            )
        if averaged[i] and not missing[i]:
            extra = "、".join(INDICATORS[a].label for a in averaged[i]) + "缺数，按参评企业平均得分计"
            reason = f"{reason}；{extra}" if reason else extra
        results.append(
            MuEnterpriseResult(
                uscc=e.uscc,
                name=e.name,
                year=e.year,
                park=e.park,
                indicators=values[i],
                scores=per_indicator[i],
                averaged=tuple(averaged[i]),
                score=totals[i],
                rank=ranks.get(i),
                mu_class=classes.get(i),
                exempt=e.exemption,
                reason=reason,
            )
        )
    return MuEvaluationResult(
        preset=preset, enterprises=results, parks=park_intensity(enterprises), notes=notes
    )


CSV_COLUMNS = (
    "uscc",
    "name",
    "year",
    "park",
    "land_area_mu",
    "tax_10k_yuan",
    "value_added_10k_yuan",
    "energy_tce_equal_value",
    "pollutant_t",
    "employees",
    "rd_10k_yuan",
    "revenue_10k_yuan",
    "co2_t",
    "exemption",
)
_NUMERIC = CSV_COLUMNS[4:13]
_NON_NEGATIVE = (
    "land_area_mu",
    "tax_10k_yuan",
    "energy_tce_equal_value",
    "pollutant_t",
    "employees",
    "rd_10k_yuan",
)


def parse_exemption(text: str, *, row: int | None = None) -> str:
    key = (text or "").strip().lower()
    if key not in _EXEMPTION_INPUT:
        raise MuEvaluationError(
            f"第 {row} 行“exemption”列：“{text}”无效，应为空、新建 或 公益性", row=row, column="exemption"
        )
    return _EXEMPTION_INPUT[key]


def parse_rows(columns: Sequence[str], rows: Iterable[tuple[int, Mapping[str, str]]]) -> list[MuEnterprise]:
    """Enterprises from table rows with the columns of :data:`CSV_COLUMNS` (blank = unknown)."""
    required = ("uscc", "year", "land_area_mu")
    missing_cols = [c for c in required if c not in columns]
    if missing_cols:
        raise MuEvaluationError(
            f"第 1 行（表头）：缺少列“{'、'.join(missing_cols)}”；可用列：{','.join(CSV_COLUMNS)}", row=1
        )
    out = []
    seen: set[tuple[str, int]] = set()
    for number, cells in rows:
        uscc = (cells.get("uscc") or "").strip().upper()
        if not uscc:
            raise MuEvaluationError(f"第 {number} 行“uscc”列：不能为空", row=number, column="uscc")
        numbers: dict[str, float | None] = {}
        for col in ("year", *_NUMERIC):
            text = (cells.get(col) or "").replace(",", "").strip()
            if text == "":
                numbers[col] = None
                continue
            try:
                value = Decimal(text)
            except ArithmeticError:
                raise MuEvaluationError(
                    f"第 {number} 行“{col}”列：“{text}”不是数字", row=number, column=col
                ) from None
            if not value.is_finite():
                raise MuEvaluationError(
                    f"第 {number} 行“{col}”列：“{text}”不是有效数字", row=number, column=col
                )
            if col in _NON_NEGATIVE and value < 0:
                raise MuEvaluationError(f"第 {number} 行“{col}”列：不能为负数", row=number, column=col)
            numbers[col] = float(value)
        year = numbers.pop("year")
        if year is None or not float(year).is_integer():
            raise MuEvaluationError(f"第 {number} 行“year”列：须为年份", row=number, column="year")
        if (uscc, int(year)) in seen:
            raise MuEvaluationError(
                f"第 {number} 行：企业 {uscc} 的 {int(year)} 年数据重复", row=number, column="uscc"
            )
        seen.add((uscc, int(year)))
        out.append(
            MuEnterprise(
                uscc=uscc,
                name=(cells.get("name") or "").strip(),
                year=int(year),
                park=(cells.get("park") or "").strip(),
                exemption=parse_exemption(cells.get("exemption", ""), row=number),
                row=number,
                **numbers,  # type: ignore[arg-type]
            )
        )
    if not out:
        raise MuEvaluationError("文件中没有数据行（表头之后为空）")
    return out
