"""Reading the forest inventory and species parameter files (CSV or Excel) with Chinese errors.

Files and columns (header row first; lines starting with ``#`` are comments; UTF-8 or
GB18030/GBK; Chinese headers accepted, see :data:`HEADER_ALIASES`):

- INVENTORY: ``year,species_group,area_hm2,volume_m3`` and optionally
  ``counts_for_forest_cover`` (是/否; default 是). ``volume_m3`` may be blank for groups
  counted by area (竹林, 经济林).
- PARAMETERS: ``species_group,wood_density,bef,root_shoot_ratio,carbon_fraction,source`` and
  optionally ``verification``, ``biomass_t_per_hm2`` (area method),
  ``growth_rate_pct`` and ``consumption_rate_pct`` [%/a] (growth-minus-consumption method).

Every error names the file, the row (as a spreadsheet shows it: header = row 1) and the
column, and is raised as :class:`carbonpeak.engine.sinks.SinkError`. A blank parameter is
read as "not given" (``None``), never as zero.
"""

from __future__ import annotations

import math
from pathlib import Path

from carbonpeak.engine import accounting_io as aio
from carbonpeak.engine.accounting import AccountingError
from carbonpeak.engine.sinks import InventoryRow, SinkError, SpeciesParameters

INVENTORY_COLUMNS = ("year", "species_group", "area_hm2", "volume_m3")
INVENTORY_OPTIONAL = ("counts_for_forest_cover",)
PARAMETERS_COLUMNS = ("species_group", "wood_density", "bef", "root_shoot_ratio", "carbon_fraction", "source")
PARAMETERS_OPTIONAL = (
    "verification",
    "biomass_t_per_hm2",
    "growth_rate_pct",
    "consumption_rate_pct",
)

#: Chinese headers accepted in place of the English ones (after full-width brackets are
#: turned into ASCII ones).
HEADER_ALIASES = {
    "年份": "year",
    "年度": "year",
    "调查年度": "year",
    "树种组": "species_group",
    "优势树种组": "species_group",
    "优势树种(组)": "species_group",
    "树种": "species_group",
    "面积": "area_hm2",
    "面积(hm2)": "area_hm2",
    "面积(hm²)": "area_hm2",
    "面积(公顷)": "area_hm2",
    "蓄积": "volume_m3",
    "蓄积量": "volume_m3",
    "蓄积量(m3)": "volume_m3",
    "蓄积量(m³)": "volume_m3",
    "蓄积量(立方米)": "volume_m3",
    "计入森林覆盖率": "counts_for_forest_cover",
    "基本木材密度": "wood_density",
    "基本木材密度(svd)": "wood_density",
    "基本木材密度(t/m3)": "wood_density",
    "wood_density_t_per_m3": "wood_density",
    "生物量扩展因子": "bef",
    "生物量扩展因子(bef)": "bef",
    "根茎比": "root_shoot_ratio",
    "根茎比(r)": "root_shoot_ratio",
    "含碳率": "carbon_fraction",
    "含碳率(cf)": "carbon_fraction",
    "来源": "source",
    "参数来源": "source",
    "核验状态": "verification",
    "单位面积生物量": "biomass_t_per_hm2",
    "单位面积生物量(t/hm2)": "biomass_t_per_hm2",
    "年均总生长率": "growth_rate_pct",
    "年均总生长率(%)": "growth_rate_pct",
    "生长率": "growth_rate_pct",
    "年均净消耗率": "consumption_rate_pct",
    "年均净消耗率(%)": "consumption_rate_pct",
    "消耗率": "consumption_rate_pct",
}

TRUE_WORDS = {"是", "y", "yes", "true", "1", "计入", "√"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "不计入", "×"}


def read_table(source: str | Path | bytes, filename: str | None = None) -> aio.Table:
    """Read a CSV or Excel sheet and map Chinese headers to the column names above."""
    try:
        table = aio.read_table(source, filename)
    except AccountingError as exc:
        raise SinkError(exc.message, file=exc.file, row=exc.row, column=exc.column) from None
    mapping = {c: HEADER_ALIASES.get(c, HEADER_ALIASES.get(c.lower(), c)) for c in table.columns}
    if any(k != v for k, v in mapping.items()):
        table = aio.Table(
            filename=table.filename,
            columns=[mapping[c] for c in table.columns],
            rows=[(n, {mapping.get(k, k): v for k, v in cells.items()}) for n, cells in table.rows],
        )
    return table


def _require_columns(table: aio.Table, required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise SinkError(
            f"{table.filename} 第 1 行（表头）：缺少列“{'、'.join(missing)}”；应包含列：{','.join(required)}",
            file=table.filename,
            row=1,
            column=missing[0],
        )


def _err(table: aio.Table, row: int, column: str, message: str) -> SinkError:
    return SinkError(
        f"{table.filename} 第 {row} 行“{column}”列：{message}", file=table.filename, row=row, column=column
    )


def _number(table: aio.Table, row: int, cells: dict[str, str], column: str) -> float | None:
    text = cells.get(column, "").replace(",", "").replace("，", "").strip()
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise _err(table, row, column, f"“{cells.get(column)}”不是数字") from None
    if math.isnan(value) or math.isinf(value):
        raise _err(table, row, column, f"“{cells.get(column)}”不是有效数字")
    return value


def parse_inventory(table: aio.Table) -> list[InventoryRow]:
    """INVENTORY rows; year, species group and a non-negative area are required."""
    _require_columns(table, INVENTORY_COLUMNS)
    out: list[InventoryRow] = []
    for row, cells in table.rows:
        year_value = _number(table, row, cells, "year")
        if year_value is None:
            raise _err(table, row, "year", "年份不能为空")
        if not year_value.is_integer() or not 1900 <= year_value <= 2200:
            raise _err(table, row, "year", f"年份“{cells.get('year')}”无效")
        group = cells.get("species_group", "").strip()
        if not group:
            raise _err(table, row, "species_group", "树种组不能为空")
        area = _number(table, row, cells, "area_hm2")
        if area is None:
            raise _err(table, row, "area_hm2", "面积不能为空")
        if area < 0:
            raise _err(table, row, "area_hm2", f"面积不能为负数（{cells.get('area_hm2')}）")
        volume = _number(table, row, cells, "volume_m3")
        if volume is not None and volume < 0:
            raise _err(table, row, "volume_m3", f"蓄积量不能为负数（{cells.get('volume_m3')}）")
        flag_text = cells.get("counts_for_forest_cover", "").strip().lower()
        if flag_text in ("",) or flag_text in TRUE_WORDS:
            counts = True
        elif flag_text in FALSE_WORDS:
            counts = False
        else:
            raise _err(table, row, "counts_for_forest_cover", f"“{flag_text}”应为“是”或“否”")
        out.append(
            InventoryRow(
                year=int(year_value),
                species_group=group,
                area_hm2=area,
                volume_m3=volume,
                counts_for_forest_cover=counts,
                file=table.filename,
                row=row,
            )
        )
    if not out:
        raise SinkError(f"{table.filename}：没有数据行", file=table.filename)
    return out


def parse_parameters(table: aio.Table) -> dict[str, SpeciesParameters]:
    """PARAMETERS rows by species group. Blank values stay ``None`` (checked per group later)."""
    _require_columns(table, PARAMETERS_COLUMNS)
    out: dict[str, SpeciesParameters] = {}
    for row, cells in table.rows:
        group = cells.get("species_group", "").strip()
        if not group:
            raise _err(table, row, "species_group", "树种组不能为空")
        if group in out:
            raise _err(
                table,
                row,
                "species_group",
                f"树种组“{group}”重复（第 {out[group].row} 行已有），每个树种组只填一行",
            )
        wd = _number(table, row, cells, "wood_density")
        bef = _number(table, row, cells, "bef")
        r = _number(table, row, cells, "root_shoot_ratio")
        cf = _number(table, row, cells, "carbon_fraction")
        biomass = _number(table, row, cells, "biomass_t_per_hm2")
        gr = _number(table, row, cells, "growth_rate_pct")
        cr = _number(table, row, cells, "consumption_rate_pct")
        for column, value, ok, rule in (
            ("wood_density", wd, lambda v: v > 0, "应大于 0"),
            ("bef", bef, lambda v: v > 0, "应大于 0"),
            ("root_shoot_ratio", r, lambda v: v >= 0, "不能为负数"),
            ("carbon_fraction", cf, lambda v: 0 < v <= 1, "应在 0 与 1 之间（t C/t 干物质）"),
            ("biomass_t_per_hm2", biomass, lambda v: v >= 0, "不能为负数"),
        ):
            if value is not None and not ok(value):
                raise _err(table, row, column, f"{cells.get(column)} {rule}")
        if (gr is None) != (cr is None):
            column = "consumption_rate_pct" if cr is None else "growth_rate_pct"
            raise _err(table, row, column, "生长率与消耗率须同时填写（生长-消耗法）")
        out[group] = SpeciesParameters(
            species_group=group,
            wood_density_t_per_m3=wd,
            bef=bef,
            root_shoot_ratio=r,
            carbon_fraction=cf,
            source=cells.get("source", "").strip(),
            verification=cells.get("verification", "").strip(),
            biomass_t_per_hm2=biomass,
            growth_rate_per_year=None if gr is None else gr / 100.0,
            consumption_rate_per_year=None if cr is None else cr / 100.0,
            file=table.filename,
            row=row,
        )
    return out
