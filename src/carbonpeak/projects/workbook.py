"""PROJECTS.xlsx: the project workbook read by ``carbonpeak projects impact`` and its template.

Three sheets (names in Chinese; the English names are accepted too). Headers are Chinese,
with the English code accepted as an alias; rows starting with ``#`` are comments.

项目 (projects) — one row per project:

============================== ============================= ======== ==========================
表头                            代码 (alias)                   必填      含义与单位
============================== ============================= ======== ==========================
项目编号                        code                          是        工作簿内唯一
项目名称                        name                          是
建设阶段                        stage                         否        拟建/在建/存量/已投产/淘汰，默认拟建
行业代码                        industry_code                 否        GB/T 4754-2017，如 C3011
投产年份                        production_year               是        淘汰项目填停产年份
达产进度(%)                     ramp_up_pct                   否        逐年占设计产能比例，如 50,80,100；默认 100
年增加值(万元)                  value_added_10k_yuan          否        达产后，基准年可比价；默认 0
新增可再生能源电力(万千瓦时)    renewable_electricity_10k_kwh 否        达产后年量；默认 0
工业过程排放(吨二氧化碳)        process_co2_t                 否        达产后年量；默认 0
主要产品                        products                      否        顿号或逗号分隔
主要工序                        processes                     否
============================== ============================= ======== ==========================

能源 (energy) — the annual consumption at full production, one row per carrier and use:
项目编号 (project_code), 能源品种 (carrier), 年消费量 (quantity), 计量单位 (unit),
用途 (use: 燃料动力 or 原料; default 燃料动力).

参数 (parameters, optional) — 参数 (key), 数值 (value), 来源 (source): GDP年均增速(%)
(gdp_growth_pct), 基线能耗年均增速(%) (baseline_energy_growth_pct), 测算截止年份 (end_year),
火电发电标准煤耗(gce/kWh) (power_coal_rate_gce_per_kwh).

Errors are :class:`carbonpeak.engine.project_impact.ImpactError` naming sheet, row and column.
This module does no database access.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import Any

from carbonpeak.engine import energy
from carbonpeak.engine.project_impact import (
    STAGES,
    USE_ALIASES,
    ImpactAssumptions,
    ImpactError,
    ProjectEnergyRow,
    ProjectSpec,
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    aliases: tuple[str, ...] = ()


PROJECT_COLUMNS = (
    Column("code", "项目编号", True, "工作簿内唯一"),
    Column("name", "项目名称", True, ""),
    Column("stage", "建设阶段", False, "拟建/在建/存量/已投产/淘汰，默认拟建"),
    Column("industry_code", "行业代码", False, "GB/T 4754-2017，如 C3011"),
    Column("production_year", "投产年份", True, "淘汰项目填停产年份"),
    Column("ramp_up_pct", "达产进度(%)", False, "逐年占设计产能比例，如 50,80,100；默认 100", ("达产进度",)),
    Column(
        "value_added_10k_yuan",
        "年增加值(万元)",
        False,
        "达产后，基准年可比价；默认 0",
        ("年增加值", "增加值"),
    ),
    Column(
        "renewable_electricity_10k_kwh",
        "新增可再生能源电力(万千瓦时)",
        False,
        "达产后年量（自发自用或绿证），默认 0",
        ("新增可再生能源电力",),
    ),
    Column(
        "process_co2_t",
        "工业过程排放(吨二氧化碳)",
        False,
        "达产后年量（按项目报告），默认 0",
        ("工业过程排放", "工业过程排放(tCO2)"),
    ),
    Column("products", "主要产品", False, "顿号或逗号分隔"),
    Column("processes", "主要工序", False, "顿号或逗号分隔"),
)
ENERGY_COLUMNS = (
    Column("project_code", "项目编号", True, ""),
    Column("carrier", "能源品种", True, "原煤、电力、天然气 等", ("品种",)),
    Column("quantity", "年消费量", True, "达产后年实物量", ("消费量", "数量")),
    Column("unit", "计量单位", True, "吨、万千瓦时、万立方米 等", ("单位",)),
    Column("use", "用途", False, "燃料动力 或 原料；默认 燃料动力"),
)
PARAMETER_COLUMNS = (
    Column("key", "参数", True, ""),
    Column("value", "数值", True, ""),
    Column("source", "来源", False, "文件名称与文号"),
)
PARAMETERS = {
    "gdp_growth_pct": "GDP年均增速(%)",
    "baseline_energy_growth_pct": "基线能耗年均增速(%)",
    "end_year": "测算截止年份",
    "power_coal_rate_gce_per_kwh": "火电发电标准煤耗(gce/kWh)",
}
SHEETS = {"projects": "项目", "energy": "能源", "parameters": "参数"}


def _norm(text: Any) -> str:
    return (
        str(text or "").strip().replace("（", "(").replace("）", ")").replace(" ", "").replace("\ufeff", "")
    )


def _header_map(columns: tuple[Column, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in columns:
        for name in (c.header, c.key, *c.aliases):
            out[_norm(name).lower()] = c.key
    return out


@dataclass
class _Sheet:
    title: str
    rows: list[tuple[int, dict[str, Any]]]


def _read_sheet(ws: Any, columns: tuple[Column, ...], filename: str) -> _Sheet:
    mapping = _header_map(columns)
    header: list[str | None] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = list(values)
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        if str(cells[0] or "").lstrip().startswith("#"):
            continue
        if header is None:
            header = [mapping.get(_norm(v).lower()) if v is not None else None for v in cells]
            missing = [c.header for c in columns if c.required and c.key not in header]
            if missing:
                raise ImpactError(
                    f"{filename}“{ws.title}”表第 {number} 行（表头）：缺少列“{'、'.join(missing)}”",
                    file=filename,
                    row=number,
                )
            continue
        row = {}
        for i, key in enumerate(header):
            if key is not None:
                row[key] = cells[i] if i < len(cells) else None
        rows.append((number, row))
    return _Sheet(title=ws.title, rows=rows)


#: A header that identifies each sheet when its name is not 项目/能源/参数.
_MARKERS = {
    "projects": ("项目名称", "name"),
    "energy": ("能源品种", "carrier"),
    "parameters": ("参数", "key"),
}


def _find_sheet(wb: Any, key: str, filename: str, *, required: bool) -> Any:
    names = {SHEETS[key], key, key.capitalize(), f"{SHEETS[key]}表"}
    for ws in wb.worksheets:
        if ws.title.strip() in names:
            return ws
    # otherwise: the sheet whose first rows carry the identifying header
    for ws in wb.worksheets:
        if ws.title.strip() in {n for k in SHEETS for n in (SHEETS[k], k)}:
            continue
        for values in ws.iter_rows(min_row=1, max_row=5, values_only=True):
            cells = {_norm(v).lower() for v in values if v is not None}
            if any(_norm(m).lower() in cells for m in _MARKERS[key]):
                if key == "projects" and {"能源品种", "carrier"} & cells:
                    continue
                return ws
    if required:
        raise ImpactError(
            f"{filename}：缺少工作表“{SHEETS[key]}”（可用 carbonpeak projects template 生成模板）",
            file=filename,
        )
    return None


class _Cells:
    def __init__(
        self, filename: str, sheet: str, number: int, row: dict[str, Any], columns: tuple[Column, ...]
    ):
        self.filename, self.sheet, self.line, self.row = filename, sheet, number, row
        self.headers = {c.key: c.header for c in columns}

    def error(self, key: str, message: str) -> ImpactError:
        return ImpactError(
            f"{self.filename}“{self.sheet}”表第 {self.line} 行“{self.headers.get(key, key)}”列：{message}",
            file=self.filename,
            row=self.line,
            column=self.headers.get(key, key),
        )

    def text(self, key: str, *, required: bool = False) -> str:
        value = self.row.get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip()
        if required and not text:
            raise self.error(key, "不能为空")
        return text

    def number(self, key: str, *, default: float | None = None, minimum: float | None = 0.0) -> float:
        value = self.row.get(key)
        if value is None or (isinstance(value, str) and value.strip() == ""):
            if default is None:
                raise self.error(key, "不能为空")
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        else:
            try:
                number = float(str(value).replace(",", "").replace("，", "").strip())
            except ValueError:
                raise self.error(key, f"“{value}”不是数字") from None
        if math.isnan(number) or math.isinf(number):
            raise self.error(key, f"“{value}”不是有效数字")
        if minimum is not None and number < minimum:
            raise self.error(key, "不能为负数")
        return number

    def year(self, key: str) -> int:
        number = self.number(key)
        if not number.is_integer() or not 1990 <= number <= 2100:
            raise self.error(key, f"年份“{self.row.get(key)}”无效")
        return int(number)


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[、,，;；/\s]+", text) if p.strip())


def _ramp(cells: _Cells) -> tuple[float, ...]:
    raw = cells.row.get("ramp_up_pct")
    if raw is None or str(raw).strip() == "":
        return (100.0,)
    if isinstance(raw, (int, float)):
        values = [float(raw)]
    else:
        parts = _split(str(raw).replace("%", "").replace("％", ""))
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise cells.error("ramp_up_pct", f"“{raw}”应为逐年百分比，如 50,80,100") from None
    if not values or any(not 0 <= v <= 100 for v in values):
        raise cells.error("ramp_up_pct", f"“{raw}”：每年的达产比例应在 0–100 之间")
    return tuple(values)


@dataclass
class Workbook:
    """The parsed workbook."""

    projects: list[ProjectSpec]
    assumptions: ImpactAssumptions
    #: True when the workbook has a 参数 sheet with at least one row.
    has_parameters: bool = False


def read_projects(data: bytes, filename: str = "PROJECTS.xlsx") -> Workbook:
    """Parse PROJECTS.xlsx.

    Raises
    ------
    ImpactError
        Not an .xlsx, a missing sheet or column, a bad value (naming sheet, row, column),
        a duplicate project code, energy rows of an unknown project, a project without energy.
    """
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken file
        raise ImpactError(f"{filename}：不是有效的 Excel（.xlsx）文件", file=filename) from None
    try:
        projects_sheet = _read_sheet(
            _find_sheet(wb, "projects", filename, required=True), PROJECT_COLUMNS, filename
        )
        energy_sheet = _read_sheet(
            _find_sheet(wb, "energy", filename, required=True), ENERGY_COLUMNS, filename
        )
        ws = _find_sheet(wb, "parameters", filename, required=False)
        parameter_sheet = _read_sheet(ws, PARAMETER_COLUMNS, filename) if ws is not None else None
    finally:
        wb.close()

    energy_by_code: dict[str, list[ProjectEnergyRow]] = {}
    for number, row in energy_sheet.rows:
        cells = _Cells(filename, energy_sheet.title, number, row, ENERGY_COLUMNS)
        code = cells.text("project_code", required=True)
        carrier_name = cells.text("carrier", required=True)
        try:
            carrier = energy.get_carrier(carrier_name)
        except energy.UnknownCarrierError:
            raise cells.error("carrier", f"未知能源品种“{carrier_name}”") from None
        unit = cells.text("unit", required=True)
        try:
            energy.check_unit_for_carrier(carrier, unit)
        except energy.UnknownUnitError:
            raise cells.error("unit", f"未知计量单位“{unit}”") from None
        except energy.IncompatibleUnitError:
            raise cells.error("unit", f"单位“{unit}”不能用于能源品种“{carrier.name_zh}”") from None
        use_text = cells.text("use")
        if use_text not in USE_ALIASES:
            raise cells.error("use", f"“{use_text}”无效，应为“燃料动力”或“原料”")
        energy_by_code.setdefault(code, []).append(
            ProjectEnergyRow(
                carrier=carrier.name_zh,
                quantity=cells.number("quantity"),
                unit=unit,
                use=USE_ALIASES[use_text],
                file=f"{filename}“{energy_sheet.title}”表",
                row=number,
            )
        )

    projects: list[ProjectSpec] = []
    seen: set[str] = set()
    for number, row in projects_sheet.rows:
        cells = _Cells(filename, projects_sheet.title, number, row, PROJECT_COLUMNS)
        code = cells.text("code", required=True)
        if code in seen:
            raise cells.error("code", f"项目编号“{code}”重复")
        seen.add(code)
        name = cells.text("name", required=True)
        stage = cells.text("stage") or "拟建"
        if stage not in STAGES:
            raise cells.error("stage", f"“{stage}”无效，可选：{'、'.join(STAGES)}")
        rows = energy_by_code.get(code)
        if not rows:
            raise cells.error("code", f"项目“{name}”在“{SHEETS['energy']}”表中没有能源消费数据")
        projects.append(
            ProjectSpec(
                code=code,
                name=name,
                production_year=cells.year("production_year"),
                energy=tuple(rows),
                value_added_10k_yuan=cells.number("value_added_10k_yuan", default=0.0),
                renewable_electricity_kwh=cells.number("renewable_electricity_10k_kwh", default=0.0) * 10_000,
                process_co2_t=cells.number("process_co2_t", default=0.0),
                ramp_up_pct=_ramp(cells),
                stage=stage,
                industry_code=cells.text("industry_code") or None,
                products=_split(cells.text("products")),
                processes=_split(cells.text("processes")),
                file=f"{filename}“{projects_sheet.title}”表",
                row=number,
            )
        )
    unknown = sorted(set(energy_by_code) - seen)
    if unknown:
        first = energy_by_code[unknown[0]][0]
        raise ImpactError(
            f"{filename}“{energy_sheet.title}”表第 {first.row} 行“项目编号”列：项目“{unknown[0]}”不在“项目”表中",
            file=filename,
            row=first.row,
            column="项目编号",
        )
    if not projects:
        raise ImpactError(f"{filename}：“项目”表没有数据行", file=filename)
    return Workbook(
        projects=projects,
        assumptions=_parameters(parameter_sheet, filename),
        has_parameters=bool(parameter_sheet and parameter_sheet.rows),
    )


def _parameters(sheet: _Sheet | None, filename: str) -> ImpactAssumptions:
    if sheet is None:
        return ImpactAssumptions()
    keys = {_norm(v).lower(): k for k, v in PARAMETERS.items()} | {k: k for k in PARAMETERS}
    values: dict[str, Any] = {}
    for number, row in sheet.rows:
        cells = _Cells(filename, sheet.title, number, row, PARAMETER_COLUMNS)
        raw = cells.text("key", required=True)
        key = keys.get(_norm(raw).lower())
        if key is None:
            raise cells.error("key", f"未知参数“{raw}”，可选：{'、'.join(PARAMETERS.values())}")
        source = cells.text("source")
        if key == "end_year":
            values["end_year"] = cells.year("value")
        elif key == "power_coal_rate_gce_per_kwh":
            rate = cells.number("value")
            if not 100 <= rate <= 600:
                raise cells.error("value", "火电发电标准煤耗应在 100–600 gce/kWh 之间")
            if not source:
                raise cells.error("source", "火电发电标准煤耗必须注明来源")
            values["power_coal_rate_gce_per_kwh"] = rate
            values["power_coal_rate_source"] = source
        else:
            raw_value = row.get("value")
            if isinstance(raw_value, str):
                row["value"] = raw_value.strip().rstrip("%％").strip()
            number_value = cells.number("value", minimum=-50.0)
            if not -50 <= number_value <= 50:
                raise cells.error("value", "年均增速应在 −50 到 50（%）之间")
            if not source:
                raise cells.error("source", f"{PARAMETERS[key]}必须注明来源（如 政府工作报告、规划纲要）")
            values[key] = number_value
            values[key.replace("_pct", "_source")] = source
    return ImpactAssumptions(**values)


def template_xlsx() -> bytes:
    """An empty PROJECTS.xlsx: the three sheets with headers and a help row (``#`` comment)."""
    from openpyxl import Workbook as XlsxWorkbook
    from openpyxl.styles import Font

    wb = XlsxWorkbook()
    sheets = (
        (SHEETS["projects"], PROJECT_COLUMNS),
        (SHEETS["energy"], ENERGY_COLUMNS),
        (SHEETS["parameters"], PARAMETER_COLUMNS),
    )
    for index, (title, columns) in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = title
        ws.append([c.header for c in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.append(
            ["# " + (columns[0].help or "说明") if columns[0].help else "# 说明"]
            + [c.help for c in columns[1:]]
        )
        for i, c in enumerate(columns, start=1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(
                12, len(c.header) * 2 + 2
            )
    ws = wb[SHEETS["parameters"]]
    for key, label in PARAMETERS.items():
        ws.append([f"# {label}", "", f"代码 {key}；填写时去掉行首 #"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


__all__ = [
    "ENERGY_COLUMNS",
    "PARAMETERS",
    "PARAMETER_COLUMNS",
    "PROJECT_COLUMNS",
    "SHEETS",
    "Workbook",
    "read_projects",
    "template_xlsx",
]
