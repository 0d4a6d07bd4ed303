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


def _field(value: str) -> str:
    from carbonpeak.sinks.models import ParameterField

    text = value.strip()
    for f in ParameterField:
        label = str(f.label)
        if text in (f.value, label, label.split("[")[0].strip(), label.split("（")[0].strip()):
            return f.value
    raise ValueError(
        "应为 " + "、".join(str(f.label).split("（")[0].split("[")[0].strip() for f in ParameterField)
    )


def _verification(value: str) -> str:
    from carbonpeak.sinks.models import Verification

    text = value.strip()
    for v in Verification:
        if text in (v.value, str(v.label)):
            return v.value
    raise ValueError("应为 " + "、".join(str(v.label) for v in Verification))


PARAMETERS = Table(
    name="树种组参数",
    title="树种组参数",
    note="每个数值都须注明来源（文件名称、表号或条款、页码）和核验状态；数值留空表示未填写（不会按 0 计算）。",
    columns=(
        Column("species_group", "优势树种组", "str", required=True, aliases=("树种组",)),
        Column(
            "field",
            "参数",
            "str",
            required=True,
            validate=_field,
            help="基本木材密度（SVD）、生物量扩展因子（BEF）、根茎比（R）、含碳率（CF）或 单位面积生物量",
        ),
        Column("value", "数值", "float", validate=_not_negative, help="单位见“单位”列"),
        Column("unit", "单位", "str", help="仅供阅读，导入时不使用"),
        Column("source", "来源", "str", help="文件名称、表号或条款、页码"),
        Column(
            "verification",
            "核验状态",
            "str",
            validate=_verification,
            help="已核对原文、本地实测、定义常数、两个以上二手来源一致、单一二手来源、未核对",
        ),
    ),
)


def parameters_export(parameter_set: Any) -> bytes:
    """A parameter set as a workbook in the import layout (fill it, then import it back)."""
    from carbonpeak.sinks.models import ParameterField

    units = {f.value: str(f.label).split("[")[-1].rstrip("]") for f in ParameterField}
    return PARAMETERS.export_xlsx(
        (
            {
                "species_group": v.species_group,
                "field": str(v.get_field_display()).split("[")[0].strip(),
                "value": v.value,
                "unit": units[v.field],
                "source": v.source,
                "verification": v.get_verification_display() if v.verification else "",
            }
            for v in parameter_set.values.order_by("species_group", "id")
        ),
        title=f"{parameter_set}",
    )
