"""Provinces of China as written in plan documents, for choosing provincial factors."""

from __future__ import annotations

import re

#: Provincial-level divisions, full names as written in official documents.
PROVINCES: tuple[str, ...] = (
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
)

_SHORT = {p: re.sub(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)$", "", p) for p in PROVINCES}
_SHORT["内蒙古自治区"] = "内蒙古"
_SHORT["广西壮族自治区"] = "广西"
_SHORT["宁夏回族自治区"] = "宁夏"
_SHORT["新疆维吾尔自治区"] = "新疆"
_SHORT["西藏自治区"] = "西藏"


def detect_province(text: str) -> str | None:
    """The province a plan belongs to: the first full provincial name the text mentions.

    County plans cite their province's plan ("《湖南省碳达峰实施方案》") near the top,
    so the earliest mention is the plan's own province. Returns ``None`` when no
    provincial name appears.

    Parameters
    ----------
    text : str
        Plan text (simplified characters).

    Returns
    -------
    str or None
        Full provincial name, e.g. ``"湖南省"``.
    """
    best: tuple[int, str] | None = None
    for name in PROVINCES:
        pos = text.find(name)
        if pos >= 0 and (best is None or pos < best[0]):
            best = (pos, name)
    return best[1] if best else None


def short_name(province: str) -> str:
    """``"湖南省"`` -> ``"湖南"``, as used in the grid-factor table's ``region_zh``."""
    return _SHORT.get(province, province)
