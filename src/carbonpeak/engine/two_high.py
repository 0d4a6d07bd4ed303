"""Two rule-based classifications of an investment project: 两高 and energy-review level.

1. **两高 (two-high) classification** by configurable rules. The default rule set is the six
   GB/T 4754-2017 industry divisions the NDRC lists as 高耗能行业 and the MEE document
   环环评〔2021〕45号 groups as the six 两高 categories (C25, C26, C30, C31, C32, D44); a
   province's narrower catalogue (4-digit classes, product or process keywords) is added as
   further rules. The result names the rule that classified the project.
2. **Energy-review level** (节能审查): which authority reviews the project and whether a
   separate energy report is needed, from thresholds read from configuration with their source
   and verification status (NDRC Order 2023 No. 2 as quoted; see
   ``reference/energy_review_thresholds.csv``).

Both read their defaults from the packaged reference tables; every value keeps its source.

References
----------
.. [1] 生态环境部《关于加强高耗能、高排放建设项目生态环境源头防控的指导意见》
   (环环评〔2021〕45号): "两高"项目暂按煤电、石化、化工、钢铁、有色金属冶炼、建材等六个行业类别统计.
.. [2] GB/T 4754-2017 国民经济行业分类 (divisions C25, C26, C30, C31, C32, D44).
.. [3] 《固定资产投资项目节能审查办法》(国家发展改革委令2023年第2号): provincial review at
   年综合能源消费量 ≥ 10 000 tce; no separate report below 1 000 tce **and** 5 000 000 kWh;
   "电力折算系数按当量值".
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

#: GB/T 4754-2017 sections (门类) by their two-digit division (大类) ranges.
_SECTIONS: tuple[tuple[str, int, int], ...] = (
    ("A", 1, 5),
    ("B", 6, 12),
    ("C", 13, 43),
    ("D", 44, 46),
    ("E", 47, 50),
    ("F", 51, 52),
    ("G", 53, 60),
    ("H", 61, 62),
    ("I", 63, 65),
    ("J", 66, 69),
    ("K", 70, 70),
    ("L", 71, 72),
    ("M", 73, 75),
    ("N", 76, 79),
    ("O", 80, 82),
    ("P", 83, 83),
    ("Q", 84, 85),
    ("R", 86, 90),
    ("S", 91, 96),
    ("T", 97, 97),
)

_CODE_RE = re.compile(r"^([A-Ta-t])?\s*(\d{2,4})$")


class ClassificationError(ValueError):
    """An industry code or a rule the user wrote cannot be used (message in Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def section_of_division(division: int) -> str:
    """The GB/T 4754-2017 section letter (门类) of a two-digit division (大类) number.

    Raises
    ------
    ClassificationError
        If the division is not in GB/T 4754-2017 (01–97).
    """
    for letter, low, high in _SECTIONS:
        if low <= division <= high:
            return letter
    raise ClassificationError(f"行业大类“{division:02d}”不在 GB/T 4754-2017 中（01–97）")


def normalize_industry_code(code: str) -> str:
    """An industry code as section letter + 2 to 4 digits (``3011`` → ``C3011``; ``c30`` → ``C30``).

    Parameters
    ----------
    code : str
        GB/T 4754-2017 code with or without its section letter (门类字母).

    Returns
    -------
    str
        Upper-case letter followed by the digits.

    Raises
    ------
    ClassificationError
        Not 2–4 digits, unknown division, or a letter that does not match the division.
    """
    text = (code or "").strip().replace(" ", "")
    match = _CODE_RE.match(text)
    if not match:
        raise ClassificationError(
            f"行业代码“{code}”格式不正确：应为 GB/T 4754-2017 代码，如 C3011 或 3011（门类字母 + 2–4 位数字）"
        )
    letter, digits = match.group(1), match.group(2)
    expected = section_of_division(int(digits[:2]))
    if letter and letter.upper() != expected:
        raise ClassificationError(
            f"行业代码“{code}”的门类字母与大类不符：大类 {digits[:2]} 属于门类 {expected}"
        )
    return expected + digits


# --------------------------------------------------------------------------------------
# 两高 rules
# --------------------------------------------------------------------------------------
RULE_KINDS = {
    "industry": "行业代码（前缀匹配）",
    "product": "产品关键词",
    "process": "工序关键词",
}


@dataclass(frozen=True)
class TwoHighRule:
    """One 两高 rule.

    Attributes
    ----------
    code : str
        Stable code (``HEI_C30`` for the defaults; the office's own code for added rules).
    name_zh : str
        What the rule covers (非金属矿物制品业; 水泥熟料).
    kind : str
        ``industry`` (the project's industry code starts with ``pattern``), ``product`` or
        ``process`` (``pattern`` occurs in one of the project's products or processes).
    pattern : str
        Industry-code prefix (``C30``, ``C3011``) or keyword.
    scope : str
        ``全国`` or the province the rule applies to (湖南省).
    source : str
        Document the rule comes from.
    verification : str
        Verification code of the reference tables (``secondary_2plus`` …) or ``user``.
    """

    code: str
    name_zh: str
    kind: str
    pattern: str
    scope: str = "全国"
    source: str = ""
    verification: str = "user"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "kind": self.kind,
            "pattern": self.pattern,
            "scope": self.scope,
            "source": self.source,
            "verification": self.verification,
        }

    @property
    def specificity(self) -> int:
        """Order of precedence: product/process keywords, then longer code prefixes."""
        if self.kind in ("product", "process"):
            return 100
        return len(self.pattern)

    def describe(self) -> str:
        """The rule in one Chinese sentence."""
        if self.kind == "industry":
            return f"行业代码属于 {self.pattern}（{self.name_zh}）"
        return f"{RULE_KINDS[self.kind]}包含“{self.pattern}”（{self.name_zh}）"


def make_rule(
    *, code: str, name_zh: str, kind: str, pattern: str, scope: str = "全国", source: str
) -> TwoHighRule:
    """A user rule, validated: known kind, a valid code prefix, a source.

    Raises
    ------
    ClassificationError
    """
    if kind not in RULE_KINDS:
        raise ClassificationError(f"规则类型“{kind}”无效，可选：{'、'.join(RULE_KINDS)}")
    if not (source or "").strip():
        raise ClassificationError("规则必须注明来源（文件名称与文号）")
    if not (pattern or "").strip():
        raise ClassificationError("规则的匹配内容不能为空")
    if kind == "industry":
        pattern = normalize_industry_code(pattern)
    return TwoHighRule(
        code=code.strip(),
        name_zh=name_zh.strip(),
        kind=kind,
        pattern=pattern.strip(),
        scope=(scope or "全国").strip(),
        source=source.strip(),
        verification="user",
    )


@dataclass(frozen=True)
class TwoHighRuleSet:
    """A named, versioned list of 两高 rules."""

    name: str
    version: str
    rules: tuple[TwoHighRule, ...]

    @classmethod
    def default(cls) -> TwoHighRuleSet:
        """The six GB/T 4754-2017 divisions of ``reference/two_high_industries.csv`` (rows ``HEI_*``)."""
        return _default_rule_set()

    def with_rules(self, rules: list[TwoHighRule], *, name: str | None = None) -> TwoHighRuleSet:
        """This set plus ``rules`` (a province's narrower catalogue)."""
        return TwoHighRuleSet(
            name=name or self.name,
            version=f"{self.version}+{len(rules)}条自定义规则",
            rules=self.rules + tuple(rules),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "rules": [r.to_dict() for r in self.rules]}


@lru_cache(maxsize=1)
def _default_rule_set() -> TwoHighRuleSet:
    rules = []
    previous_source = ""
    with (REFERENCE_DIR / "two_high_industries.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["source"] and row["source"] != "same":
                previous_source = row["source"]
            else:
                row["source"] = previous_source  # the CSV writes "same" for "as the row above"
            if not row["code"].startswith("HEI_") or not row["value"]:
                continue
            rules.append(
                TwoHighRule(
                    code=row["code"],
                    name_zh=row["name_zh"],
                    kind="industry",
                    pattern=row["value"],
                    scope="全国",
                    source=f"环环评〔2021〕45号 两高六类；{row['group']}；{row['source']}",
                    verification=row["verification"],
                )
            )
    return TwoHighRuleSet(
        name="两高行业（默认：六个行业大类）", version="two_high_industries.csv", rules=tuple(rules)
    )


@dataclass(frozen=True)
class TwoHighClassification:
    """Result of :func:`classify_two_high`.

    Attributes
    ----------
    is_two_high : bool
    rule : TwoHighRule or None
        The rule that classified the project (the most specific match).
    matched : tuple of TwoHighRule
        Every rule that matched, most specific first.
    industry_code : str or None
        The normalised industry code.
    reason : str
        One Chinese sentence saying why.
    """

    is_two_high: bool
    rule: TwoHighRule | None
    matched: tuple[TwoHighRule, ...]
    industry_code: str | None
    reason: str
    rule_set: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "is_two_high": self.is_two_high,
            "rule": self.rule.to_dict() if self.rule else None,
            "matched": [r.code for r in self.matched],
            "industry_code": self.industry_code,
            "reason": self.reason,
            "rule_set": self.rule_set,
        }


def classify_two_high(
    *,
    industry_code: str | None,
    products: tuple[str, ...] | list[str] = (),
    processes: tuple[str, ...] | list[str] = (),
    province: str | tuple[str, ...] | list[str] | None = None,
    rule_set: TwoHighRuleSet | None = None,
) -> TwoHighClassification:
    """Classify a project as 两高 or not.

    Parameters
    ----------
    industry_code : str or None
        GB/T 4754-2017 code (``C3011`` or ``3011``).
    products, processes : sequence of str
        The project's products (水泥熟料) and processes (熟料煅烧), matched by keyword rules.
    province : str or sequence of str, optional
        The project's province, or the names of every region the project lies in (湖南省,
        岳阳市, 岳阳县); a rule whose scope is none of them is not applied.
    rule_set : TwoHighRuleSet, optional
        Default :meth:`TwoHighRuleSet.default`.

    Returns
    -------
    TwoHighClassification

    Notes
    -----
    A rule matches when its ``scope`` is 全国 or one of ``province`` and: for ``industry``,
    the normalised code starts with the pattern; for ``product``/``process``, the keyword
    occurs in one of the texts. The classifying rule is the most specific match (keywords,
    then the longest code prefix); ties keep rule-set order. Reference [1], [2].

    Raises
    ------
    ClassificationError
        Invalid industry code.
    """
    rs = rule_set or TwoHighRuleSet.default()
    scopes = {province} if isinstance(province, str) else set(province or ())
    code = normalize_industry_code(industry_code) if industry_code and industry_code.strip() else None
    matched: list[TwoHighRule] = []
    for rule in rs.rules:
        if rule.scope not in ("全国", "") and rule.scope not in scopes:
            continue
        if rule.kind == "industry":
            if code and code.startswith(rule.pattern):
                matched.append(rule)
        else:
            texts = products if rule.kind == "product" else processes
            if any(rule.pattern in (t or "") for t in texts):
                matched.append(rule)
    ordered = tuple(sorted(matched, key=lambda r: -r.specificity))
    if ordered:
        rule = ordered[0]
        return TwoHighClassification(
            is_two_high=True,
            rule=rule,
            matched=ordered,
            industry_code=code,
            reason=f"属于两高项目：{rule.describe()}；依据：{rule.source}",
            rule_set=rs.name,
        )
    if code is None:
        reason = "未填写行业代码，也未匹配产品或工序规则，按非两高项目处理（请补填行业代码）"
    else:
        reason = f"行业代码 {code} 不在两高规则（{rs.name}）范围内"
    return TwoHighClassification(
        is_two_high=False, rule=None, matched=(), industry_code=code, reason=reason, rule_set=rs.name
    )


# --------------------------------------------------------------------------------------
# energy-review thresholds
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Threshold:
    """One configured threshold value with its source.

    Attributes
    ----------
    code : str
        ``ER_PROV_REVIEW_MIN`` …
    name_zh : str
    value : float
        In ``unit``.
    unit : str
        ``tce/yr`` or ``kWh/yr``.
    basis : str
        How energy is counted (``当量值``: electricity at 0.1229 kgce/kWh).
    source, verification : str
    """

    code: str
    name_zh: str
    value: float
    unit: str
    basis: str
    source: str
    verification: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "value": self.value,
            "unit": self.unit,
            "basis": self.basis,
            "source": self.source,
            "verification": self.verification,
        }


@dataclass(frozen=True)
class ReviewThresholds:
    """The three thresholds of the energy review, each with source.

    Attributes
    ----------
    provincial_min_tce : Threshold
        Annual comprehensive energy consumption at or above which the provincial authority
        reviews [tce/yr, 当量值].
    no_report_energy_max_tce : Threshold
        Below this energy (strictly) … [tce/yr, 当量值]
    no_report_electricity_max_kwh : Threshold
        … and below this electricity (strictly), no separate energy report [kWh/yr].
    """

    provincial_min_tce: Threshold
    no_report_energy_max_tce: Threshold
    no_report_electricity_max_kwh: Threshold
    name: str = "国家发展改革委令2023年第2号（默认）"

    @classmethod
    def default(cls) -> ReviewThresholds:
        """From ``reference/energy_review_thresholds.csv`` (rows ``ER_PROV_REVIEW_MIN``,
        ``ER_NO_REPORT_ENERGY_MAX``, ``ER_NO_REPORT_ELEC_MAX``)."""
        return _default_thresholds()

    def with_values(
        self,
        *,
        provincial_min_tce: float | None = None,
        no_report_energy_max_tce: float | None = None,
        no_report_electricity_max_kwh: float | None = None,
        source: str = "",
        name: str = "",
    ) -> ReviewThresholds:
        """A copy with the province's own values (each needs ``source``).

        Raises
        ------
        ClassificationError
            A value without source, or a value ≤ 0.
        """
        values = {
            "provincial_min_tce": provincial_min_tce,
            "no_report_energy_max_tce": no_report_energy_max_tce,
            "no_report_electricity_max_kwh": no_report_electricity_max_kwh,
        }
        current: dict[str, Threshold] = {
            "provincial_min_tce": self.provincial_min_tce,
            "no_report_energy_max_tce": self.no_report_energy_max_tce,
            "no_report_electricity_max_kwh": self.no_report_electricity_max_kwh,
        }
        for key, value in values.items():
            if value is None:
                continue
            if not source.strip():
                raise ClassificationError("修改节能审查门槛必须注明来源（文件名称与文号）")
            if not value > 0:
                raise ClassificationError(f"{current[key].name_zh}必须大于 0")
            old = current[key]
            current[key] = Threshold(
                code=old.code,
                name_zh=old.name_zh,
                value=float(value),
                unit=old.unit,
                basis=old.basis,
                source=source.strip(),
                verification="user",
            )
        return ReviewThresholds(**current, name=name or f"{self.name}（已按本地规定修改）")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "provincial_min_tce": self.provincial_min_tce.to_dict(),
            "no_report_energy_max_tce": self.no_report_energy_max_tce.to_dict(),
            "no_report_electricity_max_kwh": self.no_report_electricity_max_kwh.to_dict(),
        }


@lru_cache(maxsize=1)
def _default_thresholds() -> ReviewThresholds:
    rows: dict[str, dict[str, str]] = {}
    with (REFERENCE_DIR / "energy_review_thresholds.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows[row["code"]] = row
    basis = "当量值（电力折算系数按当量值 0.1229 kgce/kWh，令2023年第2号“下同”）"

    def make(code: str, unit: str, basis_text: str) -> Threshold:
        row = rows[code]
        source = row["source"]
        if source == "same as above":
            source = rows["ER_NO_REPORT_ENERGY_MAX"]["source"]
        return Threshold(
            code=code,
            name_zh=row["name_zh"],
            value=float(row["value"]),
            unit=unit,
            basis=basis_text,
            source=source,
            verification=row["verification"],
        )

    return ReviewThresholds(
        provincial_min_tce=make("ER_PROV_REVIEW_MIN", "tce/yr", basis),
        no_report_energy_max_tce=make("ER_NO_REPORT_ENERGY_MAX", "tce/yr", basis),
        no_report_electricity_max_kwh=make("ER_NO_REPORT_ELEC_MAX", "kWh/yr", "电力消费量（实物量）"),
    )


REVIEW_LEVELS = {
    "provincial": "省级节能审查机关审查",
    "local": "省级以下节能审查机关审查（按本省节能审查实施办法确定的市、县级机关）",
    "no_separate_report": "不单独编制节能报告（按本省规定实行承诺或随项目审批）",
}


@dataclass(frozen=True)
class ReviewLevel:
    """Result of :func:`review_level`.

    Attributes
    ----------
    level : str
        ``provincial``, ``local`` or ``no_separate_report``.
    label : str
        Chinese label.
    reason : str
        The comparison that decided it, with the threshold values and their sources.
    thresholds : ReviewThresholds
    """

    level: str
    label: str
    reason: str
    energy_tce: float
    electricity_kwh: float
    thresholds: ReviewThresholds = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "label": self.label,
            "reason": self.reason,
            "energy_tce": self.energy_tce,
            "electricity_kwh": self.electricity_kwh,
            "thresholds": self.thresholds.to_dict(),
        }


def review_level(
    *, energy_tce: float, electricity_kwh: float, thresholds: ReviewThresholds | None = None
) -> ReviewLevel:
    r"""Which authority reviews a project, from its annual energy and electricity.

    Parameters
    ----------
    energy_tce : float
        Annual comprehensive energy consumption after full production, electricity at the
        当量值 (for a rebuilt project on the same site with the same process: the increment)
        [tce/yr].
    electricity_kwh : float
        Annual electricity consumption [kWh/yr].
    thresholds : ReviewThresholds, optional
        Default :meth:`ReviewThresholds.default`.

    Returns
    -------
    ReviewLevel

    Notes
    -----
    .. math::

        \text{provincial} \iff E \ge E_{prov}; \qquad
        \text{no separate report} \iff E < E_{nr} \wedge Q_{el} < Q_{nr}; \qquad
        \text{otherwise local}

    With the defaults :math:`E_{prov}` = 10 000 tce, :math:`E_{nr}` = 1 000 tce,
    :math:`Q_{nr}` = 5 000 000 kWh (reference [3]; the 10 000 tce value is ``secondary_single``
    and must be confirmed against the official text before regulatory use).

    Raises
    ------
    ClassificationError
        Negative input.
    """
    th = thresholds or ReviewThresholds.default()
    if not energy_tce >= 0 or not electricity_kwh >= 0:
        raise ClassificationError("年综合能源消费量和年电力消费量不能为负数")
    prov = th.provincial_min_tce
    nr_e = th.no_report_energy_max_tce
    nr_q = th.no_report_electricity_max_kwh
    if energy_tce >= prov.value:
        level = "provincial"
        reason = (
            f"年综合能源消费量 {energy_tce:,.2f} tce ≥ {prov.value:,.0f} tce（{prov.name_zh}；来源：{prov.source}；"
            f"核验：{prov.verification}）"
        )
    elif energy_tce < nr_e.value and electricity_kwh < nr_q.value:
        level = "no_separate_report"
        reason = (
            f"年综合能源消费量 {energy_tce:,.2f} tce < {nr_e.value:,.0f} tce，且年电力消费量 "
            f"{electricity_kwh:,.0f} kWh < {nr_q.value:,.0f} kWh（来源：{nr_e.source}；核验：{nr_e.verification}）"
        )
    else:
        level = "local"
        parts = [f"年综合能源消费量 {energy_tce:,.2f} tce < {prov.value:,.0f} tce"]
        if energy_tce >= nr_e.value:
            parts.append(f"≥ {nr_e.value:,.0f} tce")
        else:
            parts.append(f"年电力消费量 {electricity_kwh:,.0f} kWh ≥ {nr_q.value:,.0f} kWh")
        reason = "，".join(parts) + "，需编制节能报告"
    return ReviewLevel(
        level=level,
        label=REVIEW_LEVELS[level],
        reason=reason,
        energy_tce=float(energy_tce),
        electricity_kwh=float(electricity_kwh),
        thresholds=th,
    )


__all__ = [
    "REVIEW_LEVELS",
    "RULE_KINDS",
    "ClassificationError",
    "ReviewLevel",
    "ReviewThresholds",
    "Threshold",
    "TwoHighClassification",
    "TwoHighRule",
    "TwoHighRuleSet",
    "classify_two_high",
    "make_rule",
    "normalize_industry_code",
    "review_level",
    "section_of_division",
]
