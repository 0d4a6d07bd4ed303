r"""Quantitative commitments (目标) in plan text, and the qualitative goals.

A target is a clause of the form *subject — comparator — number — unit — qualifier*:

.. math::

    \text{indicator} \;\; \{\ge, \le, =\} \;\; \text{value}\,[\text{unit}] \quad (\text{year})

Comparators
-----------
``>=`` 达到, 达, 不低于, 不少于, 超过, 高于, 提高到, 提升至, 增加到, 突破 …, and the
qualifier 以上; a change verb right before the number (下降13.5%, 新增10万千瓦) means
"at least this change".
``<=`` 不超过, 不高于, 低于, 控制在, 降至, 压减到 …, and the qualifiers 以内, 以下.
``=``  稳定在, 保持在, 维持在, 为, 目标值为, and the qualifier 左右 (about).
A qualifier after the number wins over the verb before it (达到20%左右 -> "=").

Not targets: numbers without a unit, years and dates, document numbers, voltage
levels and capacities inside project names (220千伏变电站, 100兆…电站项目), distances
inside a coverage phrase (公共交通站点500米全覆盖: the commitment is coverage, the
500 m is the service radius), and numbers after a non-comparing verb (要求100%建设…).

References
----------
.. [1] 《中共中央 国务院关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的意见》
   (2021), 二、主要目标 — the genre's target sentences: "到2025年，…达到…；到2030年，…".
.. [2] 《国务院关于印发2030年前碳达峰行动方案的通知》(国发〔2021〕23号), 一(二)主要目标.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import ParsedTarget
from .normalize import width_normalise

__all__ = ["find_goals", "find_targets", "paragraph_year"]

_UNIT = (
    r"%|‰|个百分点|"
    r"(?:[万亿千百十]*(?:千瓦时|千瓦|兆瓦时|兆瓦|吉瓦|瓦时|kWh|kW|MW|GW|立方米|平方米|平方公里|公顷|公里|千米|米|"
    r"吨标准煤|吨标煤|吨二氧化碳当量|吨二氧化碳|吨|千克标准煤|克标准煤|千克|公斤|微克|亩|辆|个|座|家|台|套|处|所|条|户|"
    r"人次|人|项|倍|元|根|艘|架|只|标准煤|升|蒸吨|标准箱|标箱|万亩|克))"
)
_PER = r"(?:/(?:万元|吨|千瓦时|年|人|平方米|亩|立方米|标箱|公里))?"
_GE = (
    "力争达到|力争达|达到|达|不低于|不少于|不小于|超过|高于|大于|突破|提高到|提高至|提升到|提升至|增加到|增加至|"
    "增长到|增长至|增至|升至|扩大到|扩大至|保持在.{0,0}以上"
)
_LE = "不超过|不高于|不大于|低于|少于|小于|控制在|控制到|降至|降到|降低到|降低至|下降到|下降至|压减到|压减至|压降至|缩减至|减少到|减少至"
_EQ = "稳定在|保持在|维持在|目标值为|目标为|约为|均为|为"
_DELTA = (
    "年均下降|累计下降|下降|降低|减少|削减|压减|压降|年均增长|增长|增加|提高|提升|新增|累计新增|新建|建成|建设|创建|"
    "培育|改造|推广|淘汰|造林|治理|节约|减排|完成|累计完成|发展|打造|种植|实施|形成"
)
_COMPARATOR = {**dict.fromkeys(_GE.split("|"), ">="), **dict.fromkeys(_LE.split("|"), "<=")}
_COMPARATOR.update(dict.fromkeys(_EQ.split("|"), "="))
_VALUE = re.compile(
    rf"(?P<pre>{_LE}|{_GE}|{_EQ}|{_DELTA})?(?P<approx>约|近|超过|超)?(?P<num>\d+(?:\.\d+)?)\s*"
    rf"(?P<unit>(?:{_UNIT}){_PER})?(?P<post>以上|以内|以下|左右|及以上)?"
)
_MEASURE_AFTER_NOUN = re.compile(rf"(?:{_DELTA})[\u4e00-\u9fff、]{{1,10}}$")
_COUNT_UNIT = re.compile(r"^[万亿千百十]*(?:个|家|座|处|辆|台|套|所|条|项|亩|公里|千米|米|万亩|户|根|艘)$")
_YEAR = re.compile(r"(?P<pre>比|较|与|同|相比|自|从)?\s*(?P<year>20\d{2})\s*年(?P<post>前|底|末|以前|内)?")
_FIVE_YEAR = {"十四五": 2025, "十五五": 2030, "十六五": 2035}
_SCOPE = re.compile(
    r"^(?:全[县市省区州旗盟国](?:城镇规划区内?|城镇|城区|域)?|县域|市域|省域|区域内|中心城区|主城区|城区|县城|公共领域|公共机构)"
)
_LEAD_IN = re.compile(
    r"^(?:和|及|以及|并且?|同时|其中|且|、|力争|争取|确保|实现|使|让|推动|促进|基本|全面|进一步|要|要求|保证|力求|预计|计划|"
    r"届时|将|已|总体|整体|稳步|逐步|持续|力争使|努力|的)+"
)
_TRAIL = re.compile(
    r"(?:目标值为|目标为|目标值|目标|指标|分别|均|要|将|预计|累计|力争|争取|确保|的|为|,|、)+$"
)
_SUBJECT_VERB = re.compile(r"(?:具备|形成|拥有|建成|实现|达到|保持|提供|拥有|培育|打造|创建)$")
_PROJECT_AFTER = re.compile(r"^[\u4e00-\u9fff]{0,6}?(?:电站|变电站|项目|工程|线路|特高压|输变电|基地)")
_EXCLUDED_UNIT_AFTER = re.compile(
    r"^(?:千伏|kV|KV|伏|兆(?!瓦)|G\b|G[\u4e00-\u9fff]|\+|号|年|月|日|届|次会议|期)"
)


@dataclass
class _Found:
    end: int
    indicator: str
    value_text: str
    unit: str
    comparator: str
    scope: str | None
    value_max: float | None = None
    stretch: bool = False
    verb: str = ""  # the change verb written before the value (建成, 新增 …)


@dataclass
class _Clause:
    start: int
    end: int


def _clauses(norm: str, start: int, end: int) -> list[_Clause]:
    clauses = []
    position = start
    for match in re.finditer(r"[,;，；:]", norm[start:end]):
        clauses.append(_Clause(position, start + match.start()))
        position = start + match.end()
    clauses.append(_Clause(position, end))
    return [c for c in clauses if c.end > c.start]


_SENTENCE_MARK = re.compile(r"[()\[\]。!?]")
_DIGIT = re.compile(r"\d")


def _sentences(norm: str) -> list[tuple[int, int]]:
    spans = []
    position = 0
    depth = 0
    for found in _SENTENCE_MARK.finditer(norm):
        index, ch = found.start(), found.group(0)
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        elif ch in "。!?" and depth == 0:
            spans.append((position, index))
            position = index + 1
    if position < len(norm):
        spans.append((position, len(norm)))
    return [(s, e) for s, e in spans if e > s]


def _clause_year(text: str) -> int | None:
    """The target year named in a clause: 到2025年, 2030年前, “十四五”末; base years (比2020年) are not."""
    year = None
    if "年" not in text and "五" not in text:
        return None
    for match in _YEAR.finditer(text):
        after = text[match.end() : match.end() + 6]
        if match["pre"] or re.match(r"\s*(?:\d+月|基础上|水平|相比|为基|的基础|同期|以来)", after):
            continue
        year = int(match["year"])
    for word, value in _FIVE_YEAR.items():
        if re.search(rf"{word}.?\s*(?:末|期末|时期|期间)", text):
            year = value if year is None else year
    return year


_YEAR_SERIES = re.compile(
    r"(?<![比较与同自从])(20\d{2})\s*年?(?:\s*[、和及]\s*20\d{2}\s*年?)+(?=[前底末]|[^\d]|$)"
)


_YEAR_RANGE = re.compile(r"(?<![比较与同])(20\d{2})\s*年?\s*(?:至|到|-|—|–|~|～)\s*(20\d{2})\s*年")


def _respective_years(text: str) -> list[int]:
    """Years written as a series for respective values.

    "到2025年、2030年…分别达到x、y" -> [2025, 2030]; "2022年至2025年…分别达到a、b、c、d" ->
    [2022, 2023, 2024, 2025] (one value per year of the span).
    """
    span = _YEAR_RANGE.search(text)
    if span and 0 < int(span.group(2)) - int(span.group(1)) <= 15:
        return list(range(int(span.group(1)), int(span.group(2)) + 1))
    for match in _YEAR_SERIES.finditer(text):
        if "年" in match.group(0):
            return [int(y) for y in re.findall(r"20\d{2}", match.group(0))]
    return []


def _clean_subject(subject: str) -> tuple[str, str | None]:
    """Indicator and scope from the text before a comparator."""
    text = re.sub(r"(?:比|较|与|同)\s*20\d{2}\s*年(?:相比|水平)?", "", subject)
    text = re.sub(
        r"(?:力争|争取|确保)?(?:到|至|在)?\s*20\d{2}\s*年?(?:\s*[、和及]\s*20\d{2}\s*年?)*\s*年(?:前|底|末|时)?",
        "",
        text,
    )
    text = re.sub(r"[\"“”‘’']?(?:十四五|十五五)[\"“”‘’']?(?:期间|末|时期)?", "", text)
    scope = None
    for _ in range(3):
        text = _LEAD_IN.sub("", text.strip(" ,、"))
        match = _SCOPE.match(text)
        if match and len(text) > match.end():
            scope = scope or match.group(0)
            text = text[match.end() :]
    text = _TRAIL.sub("", text.strip(" ,、"))
    if scope and scope.endswith("内"):
        scope = scope[:-1]
    return text.strip(), scope


def _is_number_noise(norm: str, match: re.Match[str], offset: int) -> bool:
    """Numbers that are not commitments: no unit, part of a code, a year, a voltage, a project size."""
    num_start = match.start("num") + offset
    num_end = match.end("num") + offset
    before = norm[max(0, num_start - 1) : num_start]
    if before and ((before.isascii() and before.isalpha()) or before in "〔[.-/第"):
        return True
    if _EXCLUDED_UNIT_AFTER.match(norm[num_end : num_end + 4].strip()):
        return True
    unit = match.group("unit")
    if not unit:
        # a unitless ratio (数据中心电能利用效率降到1.3以下) counts only after a comparing verb,
        # and when the number ends the phrase or carries 以上/以下
        pre = match.group("pre") or ""
        following = norm[match.end() + offset : match.end() + offset + 1]
        return not (pre in _COMPARATOR and (match.group("post") or not following or following in ",;。,、)]"))
    end = match.end() + offset
    return bool("瓦" in unit and not match.group("post") and _PROJECT_AFTER.match(norm[end : end + 12]))


def paragraph_year(text: str) -> int | None:
    """The last target year a passage names (到2025年…；到2030年… -> 2030), or None."""
    return _clause_year(width_normalise(text))


def find_targets(
    text: str,
    *,
    task_code: str | None,
    section: str | None,
    carry_year: bool = False,
    initial_year: int | None = None,
) -> list[ParsedTarget]:
    """Quantitative commitments in a passage.

    Parameters
    ----------
    text : str
        Verbatim passage (a task's text or a 主要目标 paragraph).
    task_code : str or None
        Code of the task the passage belongs to, copied to each target.
    section : str or None
        Heading of the section or action, copied to each target.
    carry_year : bool
        Keep a year across sentences (for 主要目标 paragraphs that open with "到2025年，").
    initial_year : int or None
        With ``carry_year``: the year in force when the passage starts (a 主要目标
        paragraph a copy split off from the one that named "到2030年").

    Returns
    -------
    list of ParsedTarget
        In the order written.
    """
    norm = width_normalise(text)
    targets: list[ParsedTarget] = []
    year: int | None = initial_year if carry_year else None
    for s_start, s_end in _sentences(norm):
        if not carry_year:
            year = None
        year_clause_start: int | None = None
        series: list[int] = []
        in_sentence: list[_Found] = []
        for clause in _clauses(norm, s_start, s_end):
            ctext = norm[clause.start : clause.end]
            clause_year = _clause_year(ctext)
            found = _targets_in_clause(text, norm, clause, in_sentence)
            in_sentence.extend(found)
            if clause_year is not None:
                year = clause_year
                year_clause_start = clause.start
                series = _respective_years(ctext)
            # 到2025年、2030年…分别达到x、y: each value takes its own year
            years = (
                series
                if len(series) >= 2 and len(found) == len(series) and "分别" in norm[s_start : clause.end]
                else [year] * len(found)
            )
            for found_target, target_year in zip(found, years, strict=True):
                quote_start = clause.start
                if (
                    year_clause_start is not None
                    and clause_year is None
                    and found_target.end - year_clause_start <= 120
                ):
                    quote_start = year_clause_start
                targets.append(
                    ParsedTarget(
                        indicator=found_target.indicator,
                        value=float(found_target.value_text),
                        value_text=found_target.value_text,
                        unit=found_target.unit,
                        comparator=found_target.comparator,
                        year=target_year,
                        scope=found_target.scope,
                        quote=text[quote_start : found_target.end].strip(" \n,，;；"),
                        task_code=task_code,
                        section=section,
                        value_max=found_target.value_max,
                        stretch=found_target.stretch,
                    )
                )
    return targets


_RANGE_TAIL = re.compile(
    rf"\s*(?:-|—|–|~|～|至)\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>(?:{_UNIT}){_PER})?(?P<post>以上|以内|以下|左右|之间)?"
)
_STRETCH = re.compile(r"力争|争取")
# "分别下降x、y" also with the base year between: 分别比2020年下降13%和15%
_RESPECTIVELY = re.compile(r"分别\s*(?:(?:比|较|与)\s*20\d{2}\s*年(?:相比|水平)?\s*)?$")
# numbers that specify rather than commit: a subsidy or award, a design limit, a per-unit amount
_SPECIFICATION = re.compile(
    r"补贴|奖励|补助|资助|贴息|奖补|给予|扶持资金|每(?:千瓦|户|吨|平方米|辆|个|家|台|套|亩|千瓦时)|单个|单台|单体"
    r"|限值|设计(?:值|标准|能耗)|标准值|额定|按照.{0,6}标准"
)
_MONEY_SUBJECT = re.compile(r"产值|收入|规模|产业|增加值|交易额|营收|融资|信贷|贷款余额")


def _targets_in_clause(
    text: str, norm: str, clause: _Clause, previous: list[_Found] | None = None
) -> list[_Found]:
    results: list[_Found] = []
    segment_start = clause.start
    ctext = norm[clause.start : clause.end]
    if not _DIGIT.search(ctext):
        return results
    consumed = clause.start
    for match in _VALUE.finditer(ctext):
        if not match.group("num") or clause.start + match.start() < consumed:
            continue
        # a range: 58%—60%, 58—60%, 5至8万千瓦
        span_end = clause.start + (match.end() if match.group("unit") else match.end("num"))
        ranged = _RANGE_TAIL.match(norm, span_end, clause.end)
        if ranged is not None and not (ranged.group("unit") or match.group("unit")):
            ranged = None
        if ranged is None and _is_number_noise(norm, match, clause.start):
            continue
        pre = match.group("pre") or ""
        post = match.group("post") or ""
        unit = match.group("unit") or ""
        if ranged is not None:
            unit = unit or ranged.group("unit") or ""
            post = ranged.group("post") or post
            if post == "之间":
                post = ""
        if _SPECIFICATION.search(ctext[: match.start("num")]):
            continue
        if "元" in unit and not _MONEY_SUBJECT.search(ctext[: match.start("num")]):
            continue
        comparator = None
        subject_end = clause.start + match.start()
        if pre in _COMPARATOR:
            comparator = _COMPARATOR[pre]
        elif pre:
            comparator = ">="
        if post in ("以上", "及以上"):
            comparator = ">="
        elif post in ("以内", "以下"):
            comparator = "<="
        elif post == "左右" or (match.group("approx") in ("约", "近") and not post):
            comparator = "="  # 约5000万吨标准煤 / 20%左右: about the value
        subject_norm = norm[segment_start:subject_end]
        after = norm[clause.start + match.end() : clause.end]
        listed = None
        if (
            comparator is None
            and results
            and re.fullmatch(r"\s*(?:、|和|及|以及)\s*[\u4e00-\u9fff]{0,12}", subject_norm)
        ):
            # 建成3个零碳示范园区、10个近零碳社区: the next item of a list under the same verb
            listed = results[-1]
            comparator = listed.comparator
        if comparator is None:
            # 建成充电桩500个: a change verb, a short noun, then a count
            noun = _MEASURE_AFTER_NOUN.search(subject_norm[-14:])
            if noun and "要求" not in noun.group(0) and (_COUNT_UNIT.match(unit) or "%" not in unit):
                comparator = ">="
            else:
                continue
        base, scope = _clean_subject(subject_norm)
        delta = pre if pre and pre not in _COMPARATOR else (listed.verb if listed is not None else "")
        target_end = clause.start + match.end() if ranged is None else ranged.end()
        value_max = float(ranged.group("num")) if ranged is not None else None
        stretch = bool(_STRETCH.search(ctext[: match.start("num")]))
        tail_noun = re.match(r"^(?:的)?[\u4e00-\u9fff]{2,}", after)
        if not base and (results or previous) and (stretch or not tail_noun):
            # 达到20%，力争达到22% / …达到8000万千瓦以上，2025年达到5000万千瓦: the value of the
            # indicator just named (a stretch value carries "（力争）")
            earlier = (results or previous or [])[-1]
            name = earlier.indicator.removesuffix("（力争）")
            results.append(
                _Found(
                    target_end,
                    name + "（力争）" if stretch and not earlier.stretch else name,
                    match.group("num"),
                    unit or earlier.unit,
                    comparator,
                    earlier.scope,
                    value_max,
                    stretch,
                )
            )
            consumed = segment_start = target_end
            continue
        tail = re.match(r"^(?:的)?((?:(?!、\d)[\u4e00-\u9fff、“”\"A-Za-z0-9+]){2,30})", after)
        if (not base or _SUBJECT_VERB.search(base)) and tail:
            # 具备5%以上的尖峰负荷响应能力 / 完成4个乡镇污水处理厂建设: the indicator follows the value
            indicator = delta + tail.group(1)
            target_end += tail.end()
        elif listed is not None:
            indicator = base  # 建成充电桩500个、换电站20座 -> 换电站
        else:
            indicator = base + delta
        if not indicator:
            continue
        respective = (
            _respective_values(norm, target_end, clause.end) if _RESPECTIVELY.search(subject_norm) else []
        )
        if respective:
            # 能耗和二氧化碳排放分别下降x、y: split the subject, then give each its change verb
            names = [n + delta for n in _split_indicators(base, 1 + len(respective))] if base else []
            if not base or len(set(names)) < len(names):
                names = _split_indicators(indicator, 1 + len(respective))
            values = [(target_end, match.group("num"), unit), *respective]
            for name, (end, value_text, value_unit) in zip(names, values, strict=True):
                results.append(
                    _Found(end, name, value_text, value_unit or unit, comparator, scope, stretch=stretch)
                )
            target_end = values[-1][0]
        else:
            results.append(
                _Found(
                    target_end,
                    indicator,
                    match.group("num"),
                    unit,
                    comparator,
                    scope,
                    value_max,
                    stretch,
                    delta,
                )
            )
        consumed = target_end
        segment_start = target_end
    return results


_RESPECTIVE = re.compile(
    rf"^\s*[、和及与,]\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>(?:{_UNIT}){_PER})?(?:以上|以内|以下|左右)?"
)
_SHARED_NOUN = re.compile(
    r"(?:装机容量|装机规模|装机|比重|比例|占比|覆盖率|利用率|处理率|面积|蓄积量|产量|规模|总量|能力|强度"
    r"|减排量|节能量|排放量|消费量|替代量)$"
)


def _respective_values(norm: str, start: int, end: int) -> list[tuple[int, str, str]]:
    """Further values of a "A、B分别达到x、y" clause: (end offset, digits, unit) for y, z …"""
    values: list[tuple[int, str, str]] = []
    position = start
    while True:
        match = _RESPECTIVE.match(norm[position:end])
        if match is None or not match.group("num"):
            return values
        position += match.end()
        values.append((position, match.group("num"), match.group("unit") or ""))


def _split_indicators(indicator: str, count: int) -> list[str]:
    """ "风电、光伏发电装机容量" for two values -> ["风电装机容量", "光伏发电装机容量"]."""
    parts = [p for p in re.split(r"[、和及与]", indicator) if p]
    if len(parts) != count:
        return [indicator] * count
    # 单位地区生产总值能耗和二氧化碳排放: the intensity prefix belongs to every part
    prefix = re.match(r"单位(?:地区|国内)?生产总值(?:\(GDP\)|（GDP）)?|单位GDP", parts[0])
    if prefix:
        parts = [parts[0]] + [p if p.startswith("单位") else prefix.group(0) + p for p in parts[1:]]
    shared = _SHARED_NOUN.search(parts[-1])
    if shared:
        parts = [p if _SHARED_NOUN.search(p) else p + shared.group(0) for p in parts[:-1]] + [parts[-1]]
    return parts


_GOAL_WORDS = re.compile(r"目标|达峰|完成|实现|下降|降低|控制|建立|形成|提升|提高|优化|基础|体系")
_PEAK = re.compile(r"20\d{2}\s*年前.{0,6}碳达峰|碳达峰目标|碳中和目标")


# sentences of the notice, the preamble or a news lead are never goals
_NOT_GOAL = re.compile(
    r"印发|通知|现将|遵照执行|贯彻执行|组织实施|以下简称|此件|特此|制定本|特制定|结合.{0,12}实际|^根据《|^按照《"
    r"|^以习近平|^\d{1,2}月\d{1,2}日|^日前|^近日|记者|获悉|^中文名|^颁布时间|^发布单位|讯[:：]"
    r"|^为(?:深入|全面|认真|进一步|贯彻|落实|完整)|^《[^》]*》(?:是|已)|^[^,，;；]{0,40}(?:实施方案|行动方案|工作方案)[^,，;；]{0,4}(?:[:：]|$)"
)
# without a 主要目标 heading a goal must name a year or the peak
_STRICT_GOAL = re.compile(r"20\d{2}\s*年|十四五|十五五|目标|达峰|碳中和")


def find_goals(paragraphs: list[str], targets_quotes: list[str], *, strict: bool = False) -> list[str]:
    """Qualitative goals: sentences of the 主要目标 section that hold no numeric target,
    and the non-numeric clauses of sentences that do (with their year clause).

    With ``strict`` (paragraphs outside a 主要目标 section) a sentence must also name a
    year or the peak. Sentences of the notice or the preamble (现将…印发, 为…制定本方案)
    are never goals."""
    goals: list[str] = []
    for paragraph in paragraphs:
        norm = width_normalise(paragraph)
        for s_start, s_end in _sentences(norm):
            sentence = paragraph[s_start:s_end].strip()
            if _NOT_GOAL.search(width_normalise(sentence)):
                continue
            clauses = _clauses(norm, s_start, s_end)
            numeric = [bool(_targets_in_clause(paragraph, norm, c)) for c in clauses]
            if not any(numeric):
                if _GOAL_WORDS.search(sentence) and (not strict or _STRICT_GOAL.search(sentence)):
                    goals.append(sentence)
                continue
            prefix = ""
            for clause, is_numeric in zip(clauses, numeric, strict=True):
                ctext = paragraph[clause.start : clause.end].strip()
                if _clause_year(width_normalise(ctext)) is not None and not is_numeric and len(ctext) <= 12:
                    separator = paragraph[clause.end : clause.end + 1] if clause.end < len(paragraph) else ""
                    prefix = ctext + (separator if separator in ",，;；" and separator else "，")
                    continue
                if not is_numeric and re.search(r"目标|达峰|完成|下达", ctext):
                    goals.append(prefix + ctext)
    return goals


def find_peak_statements(paragraphs: list[str]) -> list[str]:
    """Clauses stating the peak commitment (…2030年前实现碳达峰…) anywhere in the given paragraphs."""
    found = []
    for paragraph in paragraphs:
        norm = width_normalise(paragraph)
        for s_start, s_end in _sentences(norm):
            for clause in _clauses(norm, s_start, s_end):
                # a peak named inside a cited title (《…2030年前碳达峰行动方案》) is not a commitment
                if _PEAK.search(re.sub(r"《[^《》]*》", "", norm[clause.start : clause.end])):
                    found.append(paragraph[clause.start : clause.end].strip())
    return found
