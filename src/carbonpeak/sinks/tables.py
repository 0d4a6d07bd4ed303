"""The forest inventory as a table, declared once (:mod:`carbonpeak.core.tables`): import with
every bad row reported, Excel export in the same layout, and the blank template."""

from __future__ import annotations

from typing import Any

from carbonpeak.core.tables import Column, Table
from carbonpeak.sinks.models import ForestInventory


def _year(value: int) -> int:
    if not 1900 <= value <= 2200:
        raise ValueError("年份无效")
    return value


def _not_negative(value: float) -> float:
    if value < 0:
        raise ValueError("不能为负数")
    return value


INVENTORY = Table(
    name="森林资源清单",
    title="森林资源清单",
    note="每个年份每个优势树种组一行；面积 [hm²]、活立木蓄积量 [m³]，竹林、经济林等无蓄积的树种组蓄积量留空。",
    columns=(
        Column("year", "年份", "int", required=True, aliases=("年度", "调查年度"), validate=_year),
        Column(
            "species_group",
            "优势树种组",
            "str",
            required=True,
            aliases=("树种组", "树种", "优势树种(组)"),
            help="按清单自身的分组，如 杉木、马尾松、湿地松、柏木、杨树、硬阔类、软阔类、竹林、经济林、灌木林",
        ),
        Column(
            "area_hm2",
            "面积",
            "float",
            unit="hm²",
            required=True,
            aliases=("面积(hm2)", "面积(公顷)"),
            validate=_not_negative,
        ),
        Column(
            "volume_m3",
            "活立木蓄积量",
            "float",
            unit="m³",
            aliases=("蓄积量", "蓄积", "蓄积量(m3)", "蓄积量(m³)", "活立木蓄积量(m3)"),
            help="竹林、经济林等无蓄积的树种组留空（这些树种组按面积 × 单位面积生物量计算）",
            validate=_not_negative,
        ),
        Column(
            "counts_for_forest_cover",
            "计入森林覆盖率",
            "bool",
            aliases=("计入覆盖率",),
            help="是/否；留空按“是”。按林业部门的调查口径填写",
        ),
    ),
)


def inventory_template() -> bytes:
    return INVENTORY.template_xlsx()


def inventory_export(region: Any) -> bytes:
    """The region's whole inventory, in the template's layout (it can be imported again)."""
    rows = ForestInventory.objects.in_region(region).order_by("year", "id")
    return INVENTORY.export_xlsx(
        (
            {
                "year": r.year,
                "species_group": r.species_group,
                "area_hm2": r.area_hm2,
                "volume_m3": r.volume_m3,
                "counts_for_forest_cover": "是" if r.counts_for_forest_cover else "否",
            }
            for r in rows
        ),
        title=f"{region.name}森林资源清单",
    )
