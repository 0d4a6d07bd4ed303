"""Enterprise carbon efficiency (碳效码): intensity L, value K, grade 1–5 and level.

For every enterprise and year

.. math::

    L_i = \\frac{C_i}{V_i}, \\qquad
    \\bar L_{d,y} = \\frac{\\sum_{j \\in d,y} C_j}{\\sum_{j \\in d,y} V_j}, \\qquad
    K_i = \\frac{L_i}{\\bar L_{d,y}}

with :math:`C` the enterprise's CO2 [t] (energy-related, net of its own zero-carbon
generation, as the method requires), :math:`V` its value added [10^4 CNY] and
:math:`d` its GB/T 4754 division (the two-digit 大类, e.g. C26) in the region in year
:math:`y`. The grade (碳效等级) comes from K and relative bands, the level
(碳效水平) from L and absolute bands; both sets of bands are a dated preset.

Decisions of this platform (not from the method, documented in docs/evaluation.md):

- An industry mean needs at least ``min_enterprises`` (3) enterprises with a positive
  value added in the division and year; below that the enterprise is shown with a
  reason and not graded (the level, being absolute, is still given).
- Zero or negative value added: L is undefined; the enterprise is not graded, has no
  level, is shown with a reason and does not enter its division's mean.
- Boundaries are compared exactly (decimal input is turned into fractions), so
  K = 0.6 is grade 1, as the method's "K ≤ 0.6" says.

References
----------
.. [1] 《规上工业企业碳效等级评价方法》(Zhejiang), read at
   https://m.yzwku.com/doc/493133.html (secondary, single source; verification
   ``secondary_single``): L = CO2 / value added (income method); K = L / industry
   mean L; grade 1 K ≤ 0.6, 2 0.6 < K ≤ 0.8, 3 0.8 < K ≤ 1.2, 4 1.2 < K ≤ 2.0,
   5 K > 2.0; level 低碳 L ≤ 0.6, 中碳 0.6 < L ≤ 2.0, 高碳 L > 2.0
   (../shared/reference/policy/carbon_efficiency_code.csv, rows CE_*).
.. [2] DB33/T 1347-2023《工业企业碳效综合评估与分级赋码规范》, effective 2024-01-15
   (cover read; body not read — the bands above must be confirmed against it).
.. [3] GB/T 4754-2017《国民经济行业分类》: sections A–T and their two-digit divisions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

Number = int | float | Decimal | Fraction

#: GB/T 4754-2017 sections and the range of their two-digit divisions [3].
SECTION_DIVISIONS: Mapping[str, tuple[int, int]] = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}

LEVEL_LOW = "低碳"
LEVEL_MID = "中碳"
LEVEL_HIGH = "高碳"

GRADE_LABELS: Mapping[int, str] = {
    1: "1级（碳效率高）",
    2: "2级",
    3: "3级（接近行业平均）",
    4: "4级",
    5: "5级（碳效率低）",
}


def exact(value: Number) -> Fraction:
    """A number as an exact fraction; a float is read as its shortest decimal form (0.6 → 3/5)."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


class CarbonEfficiencyError(ValueError):
    """Input the user can fix; ``message`` is Chinese and names the row and column when known."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass(frozen=True)
class SourcedValue:
    """Where a preset value was read.

    Attributes
    ----------
    source : str
        Document and address where the value was read.
    verification : str
        ``exact``, ``secondary_2plus``, ``secondary_single`` or ``platform`` (a rule of
        this platform, not of a published source).
    """

    source: str
    verification: str


@dataclass(frozen=True)
class CarbonEfficiencyPreset:
    """Dated, region-scoped grade and level bands (碳效等级与碳效水平划分).

    Attributes
    ----------
    code : str
        Identifier of the preset (recorded with every result).
    name : str
        Chinese name.
    region_scope : str
        Jurisdiction the bands were published for.
    as_of : datetime.date or None
        Publication date of the bands; None where the source does not give it.
    note : str
        What is known about the version (shown with every result).
    grade_upper_k : tuple of 4 floats
        Inclusive upper K bound of grades 1–4 [-]; K above the last is grade 5.
    level_upper_l : tuple of 2 floats
        Inclusive upper L bound of 低碳 and 中碳 [t CO2/10^4 CNY]; above is 高碳.
    min_enterprises : int
        Fewest enterprises a division needs for an industry mean [count].
    sources : mapping
        Source of ``grade_upper_k``, ``level_upper_l`` and ``min_enterprises``.
    """

    code: str
    name: str
    region_scope: str
    as_of: date | None
    grade_upper_k: tuple[Number, Number, Number, Number]
    level_upper_l: tuple[Number, Number]
    min_enterprises: int = 3
    sources: Mapping[str, SourcedValue] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        if len(self.grade_upper_k) != 4:
            raise CarbonEfficiencyError("碳效等级分档应有 4 个上限值（1–4 级），5 级为其余")
        if len(self.level_upper_l) != 2:
            raise CarbonEfficiencyError("碳效水平分档应有 2 个上限值（低碳、中碳），高碳为其余")
        for name, bounds in (("碳效等级分档", self.grade_upper_k), ("碳效水平分档", self.level_upper_l)):
            values = [exact(b) for b in bounds]
            if any(v <= 0 for v in values):
                raise CarbonEfficiencyError(f"{name}的上限必须为正数")
            if any(a >= b for a, b in zip(values, values[1:], strict=False)):
                raise CarbonEfficiencyError(f"{name}的上限必须逐档递增")
        if self.min_enterprises < 1:
            raise CarbonEfficiencyError("形成行业平均值的最少企业数至少为 1")

    def with_bands(
        self,
        *,
        grade_upper_k: Sequence[Number] | None = None,
        level_upper_l: Sequence[Number] | None = None,
        min_enterprises: int | None = None,
        source: str = "",
    ) -> CarbonEfficiencyPreset:
        """A copy with bands set by the user (their ``source`` is recorded)."""
        sources = dict(self.sources)
        user = SourcedValue(source=source or "用户设定", verification="user")
        gk = self.grade_upper_k
        ll = self.level_upper_l
        if grade_upper_k is not None:
            if len(grade_upper_k) != 4:
                raise CarbonEfficiencyError("碳效等级分档应有 4 个上限值（1–4 级），5 级为其余")
            gk = (grade_upper_k[0], grade_upper_k[1], grade_upper_k[2], grade_upper_k[3])
            sources["grade_upper_k"] = user
        if level_upper_l is not None:
            if len(level_upper_l) != 2:
                raise CarbonEfficiencyError("碳效水平分档应有 2 个上限值（低碳、中碳），高碳为其余")
            ll = (level_upper_l[0], level_upper_l[1])
            sources["level_upper_l"] = user
        if min_enterprises is not None:
            sources["min_enterprises"] = user
        return CarbonEfficiencyPreset(
            code=f"{self.code}+用户设定"
            if (grade_upper_k or level_upper_l or min_enterprises)
            else self.code,
            name=self.name,
            region_scope=self.region_scope,
            as_of=self.as_of,
            grade_upper_k=gk,
            level_upper_l=ll,
            min_enterprises=self.min_enterprises if min_enterprises is None else min_enterprises,
            sources=sources,
            note=self.note,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "region_scope": self.region_scope,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "note": self.note,
            "grade_upper_k": [float(v) for v in self.grade_upper_k],
            "level_upper_l": [float(v) for v in self.level_upper_l],
            "min_enterprises": self.min_enterprises,
            "sources": {
                k: {"source": v.source, "verification": v.verification} for k, v in self.sources.items()
            },
        }


_ZJ_SOURCE = SourcedValue(
    source="《规上工业企业碳效等级评价方法》（浙江），https://m.yzwku.com/doc/493133.html；"
    "须对照 DB33/T 1347-2023 正文核实后方可用于监管",
    verification="secondary_single",
)

#: Shipped presets. ``ZJ_METHOD`` is the default.
PRESETS: Mapping[str, CarbonEfficiencyPreset] = {
    "ZJ_METHOD": CarbonEfficiencyPreset(
        code="ZJ_METHOD",
        name="浙江规上工业企业碳效等级评价方法（默认）",
        region_scope="浙江省",
        as_of=None,
        note=(
            "评价方法文本的发布日期未能确认，原文称分档“按省标准”逐年调整；"
            "DB33/T 1347-2023 于 2023-12-15 发布、2024-01-15 实施，其正文分档尚未核对"
        ),
        grade_upper_k=(Decimal("0.6"), Decimal("0.8"), Decimal("1.2"), Decimal("2.0")),
        level_upper_l=(Decimal("0.6"), Decimal("2.0")),
        min_enterprises=3,
        sources={
            "grade_upper_k": _ZJ_SOURCE,
            "level_upper_l": _ZJ_SOURCE,
            "min_enterprises": SourcedValue(
                source="本平台规则（议题 13）：同一行业少于 3 家企业不形成行业平均值", verification="platform"
            ),
        },
    ),
}
DEFAULT_PRESET = PRESETS["ZJ_METHOD"]


def industry_division(code: str) -> str:
    """The GB/T 4754-2017 division (两位大类, with its section letter) of an industry code.

    Parameters
    ----------
    code : str
        A division, group or class code, with or without the section letter:
        ``C2614``, ``2614``, ``C261``, ``C26`` or ``26`` [-].

    Returns
    -------
    str
        The division with its section letter, e.g. ``C26`` [-].

    Raises
    ------
    CarbonEfficiencyError
        The code has no two-digit division, or its letter does not match it [3].
    """
    text = (code or "").strip().upper()
    letter = ""
    digits = text
    if text[:1].isalpha():
        letter, digits = text[0], text[1:]
    if not (digits.isdigit() and 2 <= len(digits) <= 4):
        raise CarbonEfficiencyError(
            f"行业代码“{code}”不符合 GB/T 4754（应为 2–4 位数字，可带门类字母，如 C2614、2614、C26）"
        )
    number = int(digits[:2])
    section = next((s for s, (lo, hi) in SECTION_DIVISIONS.items() if lo <= number <= hi), None)
    if section is None:
        raise CarbonEfficiencyError(f"行业代码“{code}”：GB/T 4754-2017 中没有大类 {digits[:2]}")
    if letter and letter != section:
        raise CarbonEfficiencyError(
            f"行业代码“{code}”：大类 {digits[:2]} 属于门类 {section}，与所写门类 {letter} 不符"
        )
    return f"{section}{digits[:2]}"


def carbon_intensity(co2_t: Number, value_added_10k_yuan: Number) -> Fraction:
    """Carbon intensity of value added L (单位增加值碳排放量) [1].

    Parameters
    ----------
    co2_t : number
        Energy-related CO2, net of own zero-carbon generation [t].
    value_added_10k_yuan : number
        Value added (income method), must be positive [10^4 CNY].

    Returns
    -------
    fractions.Fraction
        L [t CO2/10^4 CNY].

    Notes
    -----
    .. math:: L = C / V
    """
    va = exact(value_added_10k_yuan)
    if va <= 0:
        raise CarbonEfficiencyError("增加值为零或负数，无法计算单位增加值碳排放")
    return exact(co2_t) / va


def industry_mean_intensity(co2_t: Iterable[Number], value_added_10k_yuan: Iterable[Number]) -> Fraction:
    """Industry mean L of a division and year: the ratio of sums, not the mean of ratios [1].

    Parameters
    ----------
    co2_t : iterable of number
        CO2 of each enterprise of the division [t].
    value_added_10k_yuan : iterable of number
        Value added of each enterprise, same order [10^4 CNY].

    Returns
    -------
    fractions.Fraction
        :math:`\\bar L = \\sum C_j / \\sum V_j` [t CO2/10^4 CNY].
    """
    total_c = sum((exact(c) for c in co2_t), Fraction(0))
    total_v = sum((exact(v) for v in value_added_10k_yuan), Fraction(0))
    if total_v <= 0:
        raise CarbonEfficiencyError("行业增加值合计不为正，无法计算行业平均碳排放强度")
    return total_c / total_v


def grade_for_k(k: Number, grade_upper_k: Sequence[Number]) -> int:
    """Carbon-efficiency grade 1–5 of a value K; each upper bound is inclusive [1].

    Parameters
    ----------
    k : number
        Carbon-efficiency value K [-].
    grade_upper_k : sequence of 4 numbers
        Upper bounds of grades 1–4 [-].

    Returns
    -------
    int
        1 for K ≤ b1, 2 for b1 < K ≤ b2, …, 5 for K > b4.
    """
    value = exact(k)
    for grade, upper in enumerate(grade_upper_k, start=1):
        if value <= exact(upper):
            return grade
    return len(grade_upper_k) + 1


def level_for_intensity(intensity_t_per_10k_yuan: Number, level_upper_l: Sequence[Number]) -> str:
    """Absolute carbon-efficiency level 低碳 / 中碳 / 高碳 of L; upper bounds inclusive [1].

    Parameters
    ----------
    intensity_t_per_10k_yuan : number
        L [t CO2/10^4 CNY].
    level_upper_l : sequence of 2 numbers
        Upper bounds of 低碳 and 中碳 [t CO2/10^4 CNY].

    Returns
    -------
    str
        ``低碳`` for L ≤ b1, ``中碳`` for b1 < L ≤ b2, ``高碳`` otherwise.
    """
    value = exact(intensity_t_per_10k_yuan)
    if value <= exact(level_upper_l[0]):
        return LEVEL_LOW
    if value <= exact(level_upper_l[1]):
        return LEVEL_MID
    return LEVEL_HIGH


@dataclass(frozen=True)
class EnterpriseYear:
    """One enterprise's data for one year.

    Attributes
    ----------
    uscc : str
        Unified social credit code [-].
    name : str
        Enterprise name.
    industry_code : str
        GB/T 4754 code (class, group or division) [-].
    year : int
        Year of the data.
    co2_t : number
        CO2, net of own zero-carbon generation [t]; not negative.
    value_added_10k_yuan : number
        Value added (income method) [10^4 CNY]; may be zero or negative (then not graded).
    row : int or None
        Row in the input file, for messages.
    """

    uscc: str
    name: str
    industry_code: str
    year: int
    co2_t: Number
    value_added_10k_yuan: Number
    row: int | None = None


@dataclass(frozen=True)
class CarbonEfficiencyResult:
    """Carbon efficiency of one enterprise and year.

    ``grade`` is None with a ``reason`` when no grade can be given; ``level`` is None
    only when L itself is undefined.
    """

    uscc: str
    name: str
    year: int
    industry_code: str
    division: str
    co2_t: float
    value_added_10k_yuan: float
    intensity_t_per_10k_yuan: float | None
    industry_mean_t_per_10k_yuan: float | None
    division_enterprises: int
    k: float | None
    grade: int | None
    level: str | None
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "uscc": self.uscc,
            "name": self.name,
            "year": self.year,
            "industry_code": self.industry_code,
            "division": self.division,
            "co2_t": self.co2_t,
            "value_added_10k_yuan": self.value_added_10k_yuan,
            "intensity_t_per_10k_yuan": self.intensity_t_per_10k_yuan,
            "industry_mean_t_per_10k_yuan": self.industry_mean_t_per_10k_yuan,
            "division_enterprises": self.division_enterprises,
            "k": self.k,
            "grade": self.grade,
            "level": self.level,
        }
        if self.reason:
            data["reason"] = self.reason
        return data


def evaluate(
    rows: Sequence[EnterpriseYear], preset: CarbonEfficiencyPreset = DEFAULT_PRESET
) -> list[CarbonEfficiencyResult]:
    """Grade every enterprise-year against its division's mean in that year [1].

    Parameters
    ----------
    rows : sequence of EnterpriseYear
        All enterprises of one region (the mean is taken over all of them).
    preset : CarbonEfficiencyPreset
        Bands and the minimum division size.

    Returns
    -------
    list of CarbonEfficiencyResult
        One per row, in input order.

    Raises
    ------
    CarbonEfficiencyError
        Bad industry code, negative CO2 or the same enterprise twice in a year.
    """
    seen: dict[tuple[str, int], int | None] = {}
    divisions: list[str] = []
    for r in rows:
        where = f"第 {r.row} 行：" if r.row is not None else ""
        key = (r.uscc, r.year)
        if key in seen:
            first = seen[key]
            also = f"（与第 {first} 行重复）" if first is not None else ""
            raise CarbonEfficiencyError(
                f"{where}企业 {r.uscc} 的 {r.year} 年数据重复{also}", row=r.row, column="uscc"
            )
        seen[key] = r.row
        try:
            divisions.append(industry_division(r.industry_code))
        except CarbonEfficiencyError as exc:
            raise CarbonEfficiencyError(f"{where}{exc.message}", row=r.row, column="industry_code") from None
        if exact(r.co2_t) < 0:
            raise CarbonEfficiencyError(f"{where}二氧化碳排放量不能为负数", row=r.row, column="co2_t")

    groups: dict[tuple[str, int], list[EnterpriseYear]] = defaultdict(list)
    for r, division in zip(rows, divisions, strict=True):
        if exact(r.value_added_10k_yuan) > 0:
            groups[(division, r.year)].append(r)
    means: dict[tuple[str, int], Fraction | None] = {}
    for key, members in groups.items():
        if len(members) >= preset.min_enterprises:
            means[key] = industry_mean_intensity(
                [m.co2_t for m in members], [m.value_added_10k_yuan for m in members]
            )

    results = []
    for r, division in zip(rows, divisions, strict=True):
        n = len(groups.get((division, r.year), []))
        base = CarbonEfficiencyResult(
            uscc=r.uscc,
            name=r.name,
            year=r.year,
            industry_code=r.industry_code,
            division=division,
            co2_t=float(r.co2_t),
            value_added_10k_yuan=float(r.value_added_10k_yuan),
            intensity_t_per_10k_yuan=None,
            industry_mean_t_per_10k_yuan=None,
            division_enterprises=n,
            k=None,
            grade=None,
            level=None,
        )
        if exact(r.value_added_10k_yuan) <= 0:
            reason = "增加值为零或负数，无法计算单位增加值碳排放，不评碳效等级，也不计入行业平均值"
            results.append(replace(base, reason=reason))
            continue
        intensity = carbon_intensity(r.co2_t, r.value_added_10k_yuan)
        base = replace(
            base,
            intensity_t_per_10k_yuan=float(intensity),
            level=level_for_intensity(intensity, preset.level_upper_l),
        )
        mean = means.get((division, r.year))
        if mean is None:
            reason = (
                f"{division} 大类 {r.year} 年增加值为正的企业仅 {n} 家（少于 "
                f"{preset.min_enterprises} 家），不形成行业平均值，不评碳效等级"
            )
            results.append(replace(base, reason=reason))
            continue
        if mean == 0:
            reason = f"{division} 大类 {r.year} 年行业平均碳排放强度为零，无法计算碳效值"
            results.append(replace(base, industry_mean_t_per_10k_yuan=0.0, reason=reason))
            continue
        k = intensity / mean
        results.append(
            replace(
                base,
                industry_mean_t_per_10k_yuan=float(mean),
                k=float(k),
                grade=grade_for_k(k, preset.grade_upper_k),
            )
        )
    return results


CSV_COLUMNS = ("uscc", "name", "industry_code", "year", "co2_t", "value_added_10k_yuan")
CSV_REQUIRED = ("uscc", "industry_code", "year", "co2_t", "value_added_10k_yuan")


def parse_number(text: str, *, row: int, column: str) -> Decimal:
    """A decimal from a cell (thousands separators allowed); Chinese error otherwise."""
    cleaned = (text or "").replace(",", "").replace("，", "").strip()
    if cleaned == "":
        raise CarbonEfficiencyError(f"第 {row} 行“{column}”列：不能为空", row=row, column=column)
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        raise CarbonEfficiencyError(
            f"第 {row} 行“{column}”列：“{text}”不是数字", row=row, column=column
        ) from None
    if not value.is_finite():
        raise CarbonEfficiencyError(f"第 {row} 行“{column}”列：“{text}”不是有效数字", row=row, column=column)
    return value


def parse_rows(columns: Sequence[str], rows: Iterable[tuple[int, Mapping[str, str]]]) -> list[EnterpriseYear]:
    """Enterprise-years from table rows with the columns of :data:`CSV_COLUMNS`.

    Parameters
    ----------
    columns : sequence of str
        Header names (lower case).
    rows : iterable of (row number, cells)
        Row number as a spreadsheet shows it (header = 1).

    Raises
    ------
    CarbonEfficiencyError
        Missing column, empty or non-numeric cell, no data rows.
    """
    missing = [c for c in CSV_REQUIRED if c not in columns]
    if missing:
        raise CarbonEfficiencyError(
            f"第 1 行（表头）：缺少列“{'、'.join(missing)}”；应包含列：{','.join(CSV_COLUMNS)}",
            row=1,
            column=missing[0],
        )
    out = []
    for number, cells in rows:
        uscc = (cells.get("uscc") or "").strip().upper()
        if not uscc:
            raise CarbonEfficiencyError(f"第 {number} 行“uscc”列：不能为空", row=number, column="uscc")
        code = (cells.get("industry_code") or "").strip()
        if not code:
            raise CarbonEfficiencyError(
                f"第 {number} 行“industry_code”列：不能为空", row=number, column="industry_code"
            )
        year_value = parse_number(cells.get("year", ""), row=number, column="year")
        if year_value != year_value.to_integral_value() or not 1900 <= year_value <= 2200:
            raise CarbonEfficiencyError(
                f"第 {number} 行“year”列：“{cells.get('year')}”不是有效年份", row=number, column="year"
            )
        out.append(
            EnterpriseYear(
                uscc=uscc,
                name=(cells.get("name") or "").strip(),
                industry_code=code,
                year=int(year_value),
                co2_t=parse_number(cells.get("co2_t", ""), row=number, column="co2_t"),
                value_added_10k_yuan=parse_number(
                    cells.get("value_added_10k_yuan", ""), row=number, column="value_added_10k_yuan"
                ),
                row=number,
            )
        )
    if not out:
        raise CarbonEfficiencyError("文件中没有数据行（表头之后为空）")
    return out


# --------------------------------------------------------------------------------------
# CO2-reduction ranking (二氧化碳减排企业排名)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReductionInput:
    """An enterprise's CO2 and value added in its base year and in the ranked year.

    Attributes
    ----------
    key : str
        Identifier (USCC or id).
    name : str
    base_year, year : int
    base_co2_t, co2_t : number or None
        CO2 in the base year and the ranked year [t].
    base_value_added_10k_yuan, value_added_10k_yuan : number or None
        Value added in both years [10^4 CNY]; needed for the intensity decline only.
    """

    key: str
    name: str
    base_year: int
    year: int
    base_co2_t: Number | None
    co2_t: Number | None
    base_value_added_10k_yuan: Number | None = None
    value_added_10k_yuan: Number | None = None


@dataclass(frozen=True)
class ReductionResult:
    """Decline of one enterprise against its own base year, with its two ranks.

    ``rank_absolute`` orders by ``decline_t`` (largest first), ``rank_intensity`` by
    ``intensity_decline_pct``; a rank is None where the value cannot be computed
    (``reason`` says why).
    """

    key: str
    name: str
    base_year: int
    year: int
    base_co2_t: float | None
    co2_t: float | None
    decline_t: float | None
    decline_pct: float | None
    base_intensity_t_per_10k_yuan: float | None
    intensity_t_per_10k_yuan: float | None
    intensity_decline_pct: float | None
    rank_absolute: int | None
    rank_intensity: int | None
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _competition_ranks(values: Mapping[int, float]) -> dict[int, int]:
    """1 + the number of strictly larger values (ties share the better rank)."""
    ordered = sorted(values.values(), reverse=True)
    first: dict[float, int] = {}
    for position, v in enumerate(ordered, start=1):
        first.setdefault(v, position)
    return {i: first[v] for i, v in values.items()}


def reduction_ranking(entries: Sequence[ReductionInput]) -> list[ReductionResult]:
    """Rank enterprises by CO2 decline against their own base year (absolute and intensity).

    Parameters
    ----------
    entries : sequence of ReductionInput

    Returns
    -------
    list of ReductionResult
        In input order.

    Notes
    -----
    .. math::

        \\Delta C = C_0 - C_t, \\qquad
        \\Delta C\\% = 100\\,\\frac{C_0 - C_t}{C_0}, \\qquad
        \\Delta L\\% = 100\\,\\frac{L_0 - L_t}{L_0},\\; L = C / V

    A positive decline is a reduction. The ranking rule is ordered by the plan
    ("探索制定二氧化碳减排企业排名制度"); the measures (absolute and intensity decline
    against the enterprise's own base year) are those the issue names, no published
    scoring rule was found.
    """
    results: list[ReductionResult] = []
    absolute: dict[int, float] = {}
    intensity: dict[int, float] = {}
    for i, e in enumerate(entries):
        reasons = []
        decline = decline_pct = lb = lt = dl = None
        if e.base_co2_t is None or e.co2_t is None:
            reasons.append(f"缺少基准年（{e.base_year}）或本年（{e.year}）二氧化碳排放量")
        else:
            c0, ct = exact(e.base_co2_t), exact(e.co2_t)
            decline = float(c0 - ct)
            absolute[i] = decline
            decline_pct = float(100 * (c0 - ct) / c0) if c0 > 0 else None
            v0, vt = e.base_value_added_10k_yuan, e.value_added_10k_yuan
            if v0 is not None and vt is not None and exact(v0) > 0 and exact(vt) > 0:
                l0, lt_exact = c0 / exact(v0), ct / exact(vt)
                lb, lt = float(l0), float(lt_exact)
                if l0 > 0:
                    dl = float(100 * (l0 - lt_exact) / l0)
                    intensity[i] = dl
            if i not in intensity:
                reasons.append("基准年或本年增加值缺失、不为正，或基准年排放为零，不参加强度下降排名")
        results.append(
            ReductionResult(
                key=e.key,
                name=e.name,
                base_year=e.base_year,
                year=e.year,
                base_co2_t=float(e.base_co2_t) if e.base_co2_t is not None else None,
                co2_t=float(e.co2_t) if e.co2_t is not None else None,
                decline_t=decline,
                decline_pct=decline_pct,
                base_intensity_t_per_10k_yuan=lb,
                intensity_t_per_10k_yuan=lt,
                intensity_decline_pct=dl,
                rank_absolute=None,
                rank_intensity=None,
                reason="；".join(reasons),
            )
        )
    ra = _competition_ranks(absolute)
    ri = _competition_ranks(intensity)
    return [replace(r, rank_absolute=ra.get(i), rank_intensity=ri.get(i)) for i, r in enumerate(results)]
