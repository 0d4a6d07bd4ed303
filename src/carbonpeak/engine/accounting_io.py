"""Reading the accounting input files (CSV or Excel) into engine rows, with Chinese errors.

Files and columns (header row first; lines starting with ``#`` are comments):

- ENERGY: ``year,sector,carrier,quantity,unit``
- ECONOMY: ``year,gdp_10k_yuan,gdp_constant_10k_yuan,population`` and optionally
  ``thermal_power_coal_rate_gce_per_kwh`` (等价值) and ``non_fossil_energy_tce``
- FACTORS: ``carrier,year,co2_factor,unit,source``
- TARGETS: ``indicator,base_year,target_year,decline_pct`` and optionally ``cap``
- EXCLUSIONS: ``year,category,carrier,quantity,unit``

Every error names the file, the row (as a spreadsheet shows it: header = row 1) and
the column, and is raised as :class:`carbonpeak.engine.accounting.AccountingError`.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonpeak.engine import energy
from carbonpeak.engine import targets as tgt
from carbonpeak.engine.accounting import (
    EXCLUSION_CATEGORIES,
    AccountingError,
    EconomyRow,
    EnergyRow,
    ExclusionRow,
)
from carbonpeak.engine.filetypes import RejectedFile, check_zip_container

ENERGY_COLUMNS = ("year", "sector", "carrier", "quantity", "unit")
ECONOMY_COLUMNS = ("year", "gdp_10k_yuan", "gdp_constant_10k_yuan", "population")
ECONOMY_OPTIONAL = ("thermal_power_coal_rate_gce_per_kwh", "non_fossil_energy_tce")
FACTORS_COLUMNS = ("carrier", "year", "co2_factor", "unit", "source")
TARGETS_COLUMNS = ("indicator", "base_year", "target_year", "decline_pct")
TARGETS_OPTIONAL = ("cap",)
EXCLUSIONS_COLUMNS = ("year", "category", "carrier", "quantity", "unit")

#: Chinese headers accepted in place of the English ones.
HEADER_ALIASES = {
    "年份": "year",
    "年度": "year",
    "行业": "sector",
    "部门": "sector",
    "领域": "sector",
    "能源品种": "carrier",
    "品种": "carrier",
    "数量": "quantity",
    "实物量": "quantity",
    "消费量": "quantity",
    "单位": "unit",
    "计量单位": "unit",
    "地区生产总值": "gdp_10k_yuan",
    "地区生产总值(当年价,万元)": "gdp_10k_yuan",
    "地区生产总值(可比价,万元)": "gdp_constant_10k_yuan",
    "可比价地区生产总值": "gdp_constant_10k_yuan",
    "常住人口": "population",
    "人口": "population",
    "指标": "indicator",
    "基准年": "base_year",
    "目标年": "target_year",
    "下降率": "decline_pct",
    "排放因子": "co2_factor",
    "来源": "source",
    "类别": "category",
}


@dataclass
class Table:
    """A parsed sheet: lower-case header names and rows with their spreadsheet row number."""

    filename: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def _normalize_header(name: Any) -> str:
    text = str(name or "").strip().replace("（", "(").replace("）", ")").replace("\ufeff", "")
    return HEADER_ALIASES.get(text, text.lower())


def _decode(data: bytes, filename: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best)
    except ImportError:  # pragma: no cover
        pass
    raise AccountingError(f"{filename}：无法识别文件编码，请另存为 UTF-8 编码的 CSV", file=filename)


def read_table(source: str | Path | bytes, filename: str | None = None) -> Table:
    """Read a CSV (UTF-8 or GBK) or Excel (.xlsx, first sheet) file.

    Parameters
    ----------
    source : path or bytes
    filename : str, optional
        Name used in messages and to tell Excel from CSV when ``source`` is bytes.

    Raises
    ------
    AccountingError
        Unreadable file, no header.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        filename = filename or path.name
        try:
            data = path.read_bytes()
        except OSError:
            raise AccountingError(f"{filename}：文件不存在或无法读取", file=filename) from None
    else:
        data = source
        filename = filename or "上传文件"
    is_excel = filename.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"
    raw_rows: list[tuple[int, list[Any]]] = []
    if is_excel:
        try:
            check_zip_container(data, filename)
        except RejectedFile as exc:
            raise AccountingError(str(exc), file=filename) from None
        try:
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            ws = wb.worksheets[0]
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                raw_rows.append((number, list(values)))
            wb.close()
        except Exception:  # openpyxl raises many types for a broken file
            raise AccountingError(f"{filename}：不是有效的 Excel（.xlsx）文件", file=filename) from None
    else:
        text = _decode(data, filename)
        reader = csv.reader(io.StringIO(text))
        try:
            for number, values in enumerate(reader, start=1):
                raw_rows.append((number, values))
        except csv.Error as exc:
            raise AccountingError(f"{filename}：CSV 格式错误（{exc}）", file=filename) from None

    def blank(values: list[Any]) -> bool:
        return all(v is None or str(v).strip() == "" for v in values)

    def comment(values: list[Any]) -> bool:
        return bool(values) and str(values[0] or "").lstrip().startswith("#")

    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for number, values in raw_rows:
        if blank(values) or comment(values):
            continue
        if header is None:
            header = [_normalize_header(v) for v in values]
            continue
        cells = {}
        for i, name in enumerate(header):
            if not name:
                continue
            value = values[i] if i < len(values) else None
            if value is None:
                cells[name] = ""
            elif (
                isinstance(value, float)
                and value.is_integer()
                and name in ("year", "base_year", "target_year")
            ):
                cells[name] = str(int(value))
            else:
                cells[name] = str(value).strip()
        rows.append((number, cells))
    if header is None:
        raise AccountingError(f"{filename}：文件为空，缺少表头", file=filename, row=1)
    return Table(filename=filename, columns=header, rows=rows)


def _require_columns(table: Table, required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise AccountingError(
            f"{table.filename} 第 1 行（表头）：缺少列“{'、'.join(missing)}”；应包含列：{','.join(required)}",
            file=table.filename,
            row=1,
            column=missing[0],
        )


def _err(table: Table, row: int, column: str, message: str) -> AccountingError:
    return AccountingError(
        f"{table.filename} 第 {row} 行“{column}”列：{message}", file=table.filename, row=row, column=column
    )


def _number(
    table: Table, row: int, cells: dict[str, str], column: str, *, required: bool = True
) -> float | None:
    text = cells.get(column, "").replace(",", "").replace("，", "").strip()
    if column == "decline_pct" and text.endswith(("%", "％")):
        text = text[:-1].strip()
    if text == "":
        if required:
            raise _err(table, row, column, "不能为空")
        return None
    try:
        value = float(text)
    except ValueError:
        raise _err(table, row, column, f"“{cells.get(column)}”不是数字") from None
    if math.isnan(value) or math.isinf(value):
        raise _err(table, row, column, f"“{cells.get(column)}”不是有效数字")
    return value


def _year(table: Table, row: int, cells: dict[str, str], column: str = "year") -> int:
    value = _number(table, row, cells, column)
    assert value is not None
    if not value.is_integer() or not 1900 <= value <= 2200:
        raise _err(table, row, column, f"年份“{cells.get(column)}”无效")
    return int(value)


def parse_energy(table: Table) -> list[EnergyRow]:
    """ENERGY rows; validates carrier, unit (and its fit to the carrier) and sign of quantity."""
    _require_columns(table, ENERGY_COLUMNS)
    out = []
    for row, cells in table.rows:
        year = _year(table, row, cells)
        name = cells.get("carrier", "")
        if not name:
            raise _err(table, row, "carrier", "能源品种不能为空")
        try:
            carrier = energy.get_carrier(name)
        except energy.UnknownCarrierError:
            raise _err(
                table,
                row,
                "carrier",
                f"未知能源品种“{name}”（可用：{'、'.join(list(energy.CARRIERS)[:14])} 等）",
            ) from None
        unit = cells.get("unit", "")
        try:
            energy.check_unit_for_carrier(carrier, unit)
        except energy.UnknownUnitError:
            raise _err(table, row, "unit", f"未知计量单位“{unit}”") from None
        except energy.IncompatibleUnitError:
            raise _err(table, row, "unit", f"单位“{unit}”不能用于能源品种“{carrier.name_zh}”") from None
        quantity = _number(table, row, cells, "quantity")
        assert quantity is not None
        if quantity < 0:
            raise _err(table, row, "quantity", f"数量不能为负数（{cells.get('quantity')}）")
        out.append(
            EnergyRow(
                year=year,
                sector=cells.get("sector") or "未分行业",
                carrier=carrier.name_zh,
                quantity=quantity,
                unit=unit,
                file=table.filename,
                row=row,
            )
        )
    if not out:
        raise AccountingError(f"{table.filename}：没有数据行", file=table.filename, row=2)
    return out


def parse_economy(table: Table, *, base_year: int = 2020) -> list[EconomyRow]:
    """ECONOMY rows. In the base year, a blank constant-price GDP equals the current-price GDP."""
    _require_columns(table, ("year", "gdp_constant_10k_yuan"))
    out: dict[int, EconomyRow] = {}
    for row, cells in table.rows:
        year = _year(table, row, cells)
        if year in out:
            raise _err(table, row, "year", f"{year}年重复出现")
        gdp = _number(table, row, cells, "gdp_10k_yuan", required=False)
        constant = _number(table, row, cells, "gdp_constant_10k_yuan", required=False)
        if constant is None and year == base_year and gdp is not None:
            constant = gdp
        if constant is None:
            raise _err(table, row, "gdp_constant_10k_yuan", f"{year}年缺少可比价地区生产总值（万元）")
        if constant <= 0:
            raise _err(table, row, "gdp_constant_10k_yuan", "可比价地区生产总值必须大于 0")
        if gdp is not None and gdp < 0:
            raise _err(table, row, "gdp_10k_yuan", "地区生产总值不能为负数")
        population = _number(table, row, cells, "population", required=False)
        if population is not None and population < 0:
            raise _err(table, row, "population", "人口不能为负数")
        rate = _number(table, row, cells, "thermal_power_coal_rate_gce_per_kwh", required=False)
        if rate is not None and not 100 <= rate <= 600:
            raise _err(
                table, row, "thermal_power_coal_rate_gce_per_kwh", "火电发电标准煤耗应在 100–600 gce/kWh 之间"
            )
        non_fossil = _number(table, row, cells, "non_fossil_energy_tce", required=False)
        if non_fossil is not None and non_fossil < 0:
            raise _err(table, row, "non_fossil_energy_tce", "不能为负数")
        out[year] = EconomyRow(
            year=year,
            gdp_10k_yuan=gdp,
            gdp_constant_10k_yuan=constant,
            population=population,
            thermal_power_coal_rate_gce_per_kwh=rate,
            non_fossil_energy_tce=non_fossil,
            file=table.filename,
            row=row,
        )
    if not out:
        raise AccountingError(f"{table.filename}：没有数据行", file=table.filename, row=2)
    return list(out.values())


def parse_targets(table: Table) -> list[tgt.Target]:
    """TARGETS rows: decline targets for intensities, caps (column ``cap``) for totals."""
    _require_columns(table, ("indicator", "base_year", "target_year"))
    out = []
    for row, cells in table.rows:
        indicator = cells.get("indicator", "").strip()
        if indicator not in tgt.INDICATOR_LABELS:
            raise _err(
                table, row, "indicator", f"未知指标“{indicator}”，可选：{'、'.join(tgt.INDICATOR_LABELS)}"
            )
        base_year = _year(table, row, cells, "base_year")
        target_year = _year(table, row, cells, "target_year")
        if target_year <= base_year:
            raise _err(table, row, "target_year", "目标年必须晚于基准年")
        decline = cap = None
        if indicator in tgt.INTENSITY_INDICATORS:
            if "decline_pct" not in table.columns:
                raise _err(table, 1, "decline_pct", "强度目标需要“decline_pct”列")
            decline = _number(table, row, cells, "decline_pct")
            assert decline is not None
            if not 0 < decline < 100:
                raise _err(table, row, "decline_pct", "下降率应在 0–100 之间（填 14 表示下降 14%）")
        else:
            if "cap" not in table.columns:
                raise _err(table, 1, "cap", "总量目标需要“cap”列（目标年允许的总量，tce 或 tCO2）")
            cap = _number(table, row, cells, "cap")
            assert cap is not None
            if cap <= 0:
                raise _err(table, row, "cap", "总量上限必须大于 0")
        out.append(
            tgt.Target(
                indicator=indicator,
                base_year=base_year,
                target_year=target_year,
                decline_pct=decline,
                cap=cap,
            )
        )
    return out


def factor_rows(table: Table) -> list[dict[str, str]]:
    """FACTORS rows as mappings for :meth:`FactorSet.with_user_factors` (``_row`` = row number)."""
    _require_columns(table, ("carrier", "unit"))
    if "co2_factor" not in table.columns and "value" not in table.columns:
        raise AccountingError(
            f"{table.filename} 第 1 行（表头）：缺少列“co2_factor”；应包含列：{','.join(FACTORS_COLUMNS)}",
            file=table.filename,
            row=1,
            column="co2_factor",
        )
    return [{**cells, "_row": str(row)} for row, cells in table.rows]


def parse_exclusions(table: Table) -> list[ExclusionRow]:
    """EXCLUSIONS rows (可再生能源电力 / 原料用能)."""
    _require_columns(table, EXCLUSIONS_COLUMNS)
    out = []
    for row, cells in table.rows:
        year = _year(table, row, cells)
        category = cells.get("category", "")
        if category not in EXCLUSION_CATEGORIES:
            raise _err(
                table, row, "category", f"未知扣除类别“{category}”，可选：{'、'.join(EXCLUSION_CATEGORIES)}"
            )
        name = cells.get("carrier") or "电力"
        try:
            carrier = energy.get_carrier(name)
        except energy.UnknownCarrierError:
            raise _err(table, row, "carrier", f"未知能源品种“{name}”") from None
        unit = cells.get("unit", "")
        try:
            energy.check_unit_for_carrier(carrier, unit)
        except (energy.UnknownUnitError, energy.IncompatibleUnitError):
            raise _err(table, row, "unit", f"单位“{unit}”不能用于能源品种“{carrier.name_zh}”") from None
        quantity = _number(table, row, cells, "quantity")
        assert quantity is not None
        if quantity < 0:
            raise _err(table, row, "quantity", "数量不能为负数")
        out.append(
            ExclusionRow(
                year=year,
                category=category,
                carrier=carrier.name_zh,
                quantity=quantity,
                unit=unit,
                file=table.filename,
                row=row,
            )
        )
    return out


def check_years_have_gdp(
    energy_rows: list[EnergyRow], economy_rows: list[EconomyRow], economy_filename: str
) -> None:
    """Every energy year needs an economy row; the error names the first energy row of that year."""
    years = {e.year for e in economy_rows}
    for r in energy_rows:
        if r.year not in years:
            raise AccountingError(
                f"{r.file} 第 {r.row} 行“year”列：{r.year}年在 {economy_filename} 中没有地区生产总值（GDP）",
                file=r.file,
                row=r.row,
                column="year",
            )
