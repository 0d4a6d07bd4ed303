"""Where a factor comes from, written the way an official report cites it.

The packaged reference tables (``reference/*.csv``) keep, per value, the research
trail: which standard or notice it belongs to *and* which web copies it was
transcribed from, plus a ``verification`` code. A person reading a calculation
needs the first and the verification status, not the copies. :func:`describe`
turns a factor (the ``Factor.as_dict()`` form stored in every calculation trace)
into:

- ``citation``: the standard or notice and its clause or table, in Chinese
  (``GB/T 32150-2015《工业企业温室气体排放核算和报告通则》附录A 表A.1（烟煤）``);
- ``verification_note``: what the ``verification`` code means for this value
  (``仅与一个二手转录核对；标准原文未直接核对…``);
- ``official_url``: the publisher's own page where the source names one (gov.cn);
- ``transcription``: the original research trail, kept for the audit export.

The mapping follows the reference tables' README (/work/shared/reference/README.md,
packaged as ``reference/README.md``): energy conversion = GB/T 2589 Annex A
Table A.1 (read via verbatim copies of the 2008 edition; the 2020 table not read),
rows with basis ``reporting_table`` = the energy-statistics reporting table, not
the standard; fuel CO2 = GB/T 32150-2015 Annex A Table A.1 with the NDRC
guideline formula; IPCC rows = 2006 GL Vol. 2 Ch. 1 Tables 1.2-1.4; grid factors
= the MEE/NBS notices by number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: The reference tables' verification codes, explained for a reader of a calculation.
VERIFICATION_NOTES: dict[str, str] = {
    "exact": "定义常数，无需核对",
    "secondary_2plus": "已与两个以上独立的二手转录核对一致；原文未直接核对",
    "secondary_single": "仅与一个二手转录核对；原文未直接核对，用于正式报告前请对照原文",
    "secondary_single_checked_claim": "单一转录（该转录声明已与官方原文核对）",
    "secondary_single+derived": "一项取自单一二手转录、另一项按公式推算；原文未直接核对",
    "secondary_single_uncertain": "来源较弱，确认前不宜用于正式报告",
    "not_found": "未找到出处",
    "user": "本地录入的因子，出处以录入人填写为准",
}

GB2589 = "GB/T 2589《综合能耗计算通则》附录A 表A.1"
GB32150 = "GB/T 32150-2015《工业企业温室气体排放核算和报告通则》附录A 表A.1"
IPCC2006 = "IPCC《2006年国家温室气体清单指南》第2卷第1章 表1.2（低位发热量）、表1.4（CO₂排放因子）"
NDRC_HEAT = "国家发展改革委《企业温室气体排放核算方法与报告指南》外购热力缺省排放因子"
REPORTING_TABLE = "能源统计报表制度 折标准煤参考系数（不属于 GB/T 2589 附录A）"

_NOTICE = re.compile(r"公告\s*\d{4}\s*年第\s*\d+\s*号\s*《[^》]+》(?:\s*[（(]\d{4}-\d{2}-\d{2}[)）])?")
_GOV_URL = re.compile(r"https?://[^\s;；,，)）]*\.gov\.cn[^\s;；,，)）]*")


@dataclass(frozen=True)
class SourceNote:
    """How one factor's source is shown (see the module docstring)."""

    citation: str
    verification_note: str
    official_url: str
    transcription: str


def describe(factor: Mapping[str, Any]) -> SourceNote:
    """The citation and verification note of a factor.

    Parameters
    ----------
    factor : mapping
        ``kind`` (``kgce``, ``co2``, ``grid``, ``rate``), ``key`` (carrier or region),
        ``source`` and ``verification`` as stored in a calculation trace.

    Returns
    -------
    SourceNote
    """
    kind = str(factor.get("kind") or "")
    key = str(factor.get("key") or "")
    source = str(factor.get("source") or "")
    verification = str(factor.get("verification") or "")
    note = VERIFICATION_NOTES.get(
        verification, f"核对状态：{verification}" if verification else "未注明核对状态"
    )
    url_match = _GOV_URL.search(source)
    official_url = url_match.group(0) if url_match else ""
    citation = _citation(kind, key, source, verification)
    if kind == "kgce" and citation.startswith(GB2589) and "2589-2008" in source:
        note += "（系数按 2008 版附录A 的逐字转录核对，2020 版原文未逐字核对）"
    return SourceNote(
        citation=citation, verification_note=note, official_url=official_url, transcription=source
    )


def _citation(kind: str, key: str, source: str, verification: str) -> str:
    if verification == "user" or source.startswith(("实测", "用户")):
        return source or "用户提供（未注明来源）"
    lowered = source.lower()
    if source.startswith("NCV: GB/T 2589") and "32150" in source:
        return f"GB/T 2589 附录A 表A.1（{key}低位发热量）；{GB32150}（烟煤单位热值含碳量、碳氧化率）"
    notice = _NOTICE.search(source)
    if notice:
        text = re.sub(r"\s+", "", notice.group(0)).replace("(", "（").replace(")", "）")
        return f"生态环境部、国家统计局{text}"
    if kind == "kgce":
        own = source.split("; ", 1)[1] if source.startswith("GB/T 2589-2020 附录A") else source
        if "reporting table" in own.lower() and "2589-2008" not in own:
            return f"{REPORTING_TABLE}（{key}）"
        if "火电发电标准煤耗" in own:
            return f"{GB2589} 注：电力等价值按当年（上年）火电发电标准煤耗计算"
        return f"{GB2589}（{key}）"
    if "purchased heat" in lowered:
        return NDRC_HEAT
    if "ipcc 2006" in lowered:
        return f"{IPCC2006}（{key}）"
    if "32150" in source:
        return f"{GB32150}（{key}），排放因子 = 低位发热量 × 单位热值含碳量 × 碳氧化率 × 44/12"
    return source
