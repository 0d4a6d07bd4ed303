"""Excel import and export of projects and the 两高 list (core.tables: described once).

The 两高 list uses the customary layout of county 两高项目清单: project, owner and USCC,
industry, site, stage, products and capacity, annual consumption of the main carriers in
physical units, feedstock, energy and coal in tce, CO2, disposition and monitoring. An
export can be edited and imported back: the import creates or updates projects by 项目编号
in the user's region, recomputing every figure, in one transaction; any bad row → nothing
is written and every bad cell is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django.db import transaction
from django.http import HttpResponse

from carbonpeak.core.errors import RowError, TableError, UserError
from carbonpeak.core.tables import Column, Table
from carbonpeak.engine import energy as energy_engine
from carbonpeak.projects import services
from carbonpeak.projects.models import Disposition, Project, Stage

#: Main carriers as columns: (key, carrier, unit).
CARRIER_COLUMNS = (
    ("raw_coal_t", "原煤", "吨"),
    ("coke_t", "焦炭", "吨"),
    ("diesel_t", "柴油", "吨"),
    ("gasoline_t", "汽油", "吨"),
    ("fuel_oil_t", "燃料油", "吨"),
    ("lpg_t", "液化石油气", "吨"),
    ("natural_gas_10k_m3", "天然气", "万立方米"),
    ("electricity_10k_kwh", "电力", "万千瓦时"),
    ("heat_gj", "热力", "吉焦"),
)
_MAIN = {(c, u) for _k, c, u in CARRIER_COLUMNS}


def _industry(value: str) -> str:
    from carbonpeak.engine.two_high import ClassificationError, normalize_industry_code

    try:
        return normalize_industry_code(value)
    except ClassificationError as exc:
        raise ValueError(exc.message) from None


def _ramp(value: str) -> str:
    try:
        services.parse_ramp(value)
    except UserError as exc:
        raise ValueError(exc.message) from None
    return value


def _others(value: str) -> str:
    for item in _split_others(value):
        parts = item.split(":")
        if len(parts) != 3:
            raise ValueError("其他能源应写成“品种:年消费量:单位”，多项用分号分隔")
        carrier, qty, unit = parts
        try:
            c = energy_engine.get_carrier(carrier)
            energy_engine.check_unit_for_carrier(c, unit)
            if float(qty) < 0:
                raise ValueError("年消费量不能为负数")
        except energy_engine.UnknownCarrierError:
            raise ValueError(f"未知能源品种“{carrier}”") from None
        except (energy_engine.UnknownUnitError, energy_engine.IncompatibleUnitError):
            raise ValueError(f"单位“{unit}”不能用于“{carrier}”") from None
    return value


def _split_others(value: str) -> list[str]:
    return [p.strip().replace("：", ":") for p in (value or "").replace("；", ";").split(";") if p.strip()]


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError("不能为负数")
    return value


TWO_HIGH_TABLE = Table(
    name="两高项目清单",
    title="两高项目清单",
    note="能源消费为达产后年实物量；折标准煤按 GB/T 2589-2020（电力当量值），二氧化碳按 GB/T 32150-2015 和电网排放因子，由平台计算。",
    columns=(
        Column("code", "项目编号", required=True, help="本地区内唯一；已存在则更新"),
        Column("name", "项目名称", required=True),
        Column("owner_name", "建设单位", required=True, aliases=("项目单位",)),
        Column("owner_uscc", "统一社会信用代码", help="18 位，按 GB 32100-2015 校验"),
        Column(
            "industry_code", "行业代码", required=True, help="GB/T 4754-2017，如 C3011", validate=_industry
        ),
        Column("park", "建设地点", aliases=("所在园区",)),
        Column("stage", "建设阶段", required=True, choices=tuple(Stage.values)),
        Column("production_year", "投产年份", type="int", required=True, help="淘汰项目填停产年份"),
        Column("ramp_up_pct", "达产进度", unit="%", help="逐年，如 50,80,100；默认 100", validate=_ramp),
        Column("capacity", "设计产能"),
        Column("products", "主要产品"),
        Column("value_added_10k_yuan", "年增加值", type="float", unit="万元", validate=_non_negative),
        *(
            Column(
                key,
                carrier,
                type="float",
                unit=unit,
                validate=_non_negative,
                help="达产后年消费量（燃料动力）",
            )
            for key, carrier, unit in CARRIER_COLUMNS
        ),
        Column(
            "other_energy",
            "其他能源",
            help="品种:年消费量:单位，多项用分号分隔，如 洗精煤:1200:吨",
            validate=_others,
        ),
        Column(
            "feedstock",
            "原料用能",
            help="品种:年消费量:单位，多项用分号分隔，如 天然气:800:万立方米",
            validate=_others,
        ),
        Column(
            "renewable_10k_kwh", "新增可再生能源电力", type="float", unit="万千瓦时", validate=_non_negative
        ),
        Column("process_co2_t", "工业过程排放", type="float", unit="tCO2", validate=_non_negative),
        Column("energy_tce", "年综合能耗（当量值）", type="float", unit="tce", help="平台计算，导入时忽略"),
        Column("feedstock_tce", "其中原料用能", type="float", unit="tce", help="平台计算，导入时忽略"),
        Column("coal_tce", "煤炭消费", type="float", unit="tce", help="平台计算，导入时忽略"),
        Column("co2_t", "二氧化碳", type="float", unit="t", help="平台计算，导入时忽略"),
        Column("rule", "两高判定规则", help="平台判定，导入时忽略"),
        Column("disposition", "分类处置", choices=tuple(Disposition.values)),
        Column("disposition_note", "处置说明"),
    ),
)

PROJECT_TABLE = Table(
    name="投资项目清单",
    title="固定资产投资项目清单",
    note=TWO_HIGH_TABLE.note,
    columns=(
        Column("region", "行政区划"),
        *TWO_HIGH_TABLE.columns[:12],
        Column("energy_tce", "年综合能耗（当量值）", type="float", unit="tce"),
        Column("energy_equal_tce", "年综合能耗（等价值）", type="float", unit="tce"),
        Column("feedstock_tce", "其中原料用能", type="float", unit="tce"),
        Column("coal_tce", "煤炭消费", type="float", unit="tce"),
        Column("co2_t", "二氧化碳", type="float", unit="t"),
        Column("two_high", "两高"),
        Column("review_level", "节能审查层级"),
    ),
)


def _energy_cells(p: Project) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    others, feed = [], []
    for r in p.energy_rows.all():
        key = next((k for k, c, u in CARRIER_COLUMNS if (c, u) == (r.carrier, r.unit)), None)
        if r.use == "feedstock":
            feed.append(f"{r.carrier}:{r.quantity:g}:{r.unit}")
        elif key is not None and key not in cells:
            cells[key] = r.quantity
        else:
            others.append(f"{r.carrier}:{r.quantity:g}:{r.unit}")
    cells["other_energy"] = ";".join(others)
    cells["feedstock"] = ";".join(feed)
    return cells


def _base_cells(p: Project) -> dict[str, Any]:
    owner_name = p.enterprise.name if p.enterprise_id and p.enterprise else p.owner_name
    owner_uscc = p.enterprise.uscc if p.enterprise_id and p.enterprise else p.owner_uscc
    return {
        "code": p.code,
        "name": p.name,
        "owner_name": owner_name,
        "owner_uscc": owner_uscc,
        "industry_code": p.industry_code,
        "park": p.park,
        "stage": p.stage,
        "production_year": p.production_year,
        "ramp_up_pct": p.ramp_up_pct,
        "capacity": p.capacity,
        "products": p.products,
        "value_added_10k_yuan": p.value_added_10k_yuan,
        "renewable_10k_kwh": p.renewable_electricity_kwh / 10_000,
        "process_co2_t": p.process_co2_t,
        "energy_tce": round(p.energy_tce, 4),
        "feedstock_tce": round(p.feedstock_energy_tce, 4),
        "coal_tce": round(p.coal_tce, 4),
        "co2_t": round(p.co2_t, 4),
    }


def two_high_rows(projects: Iterable[Project]) -> list[dict[str, Any]]:
    rows = []
    for p in projects:
        row = _base_cells(p) | _energy_cells(p)
        row["rule"] = p.two_high_rule
        row["disposition"] = p.disposition
        row["disposition_note"] = p.disposition_note
        rows.append(row)
    return rows


def project_rows(projects: Iterable[Project]) -> list[dict[str, Any]]:
    return [
        _base_cells(p)
        | {
            "region": p.region.name,
            "energy_equal_tce": None
            if p.energy_tce_equal_value is None
            else round(p.energy_tce_equal_value, 4),
            "two_high": "是" if p.is_two_high else "否",
            "review_level": p.review_level_label,
        }
        for p in projects
    ]


def _download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name + '.xlsx')}"
    return response


def xlsx(table: Table, rows: list[dict[str, Any]], name: str) -> HttpResponse:
    return _download(table.export_xlsx(rows), name)


def template_response(table: Table, name: str) -> HttpResponse:
    return _download(table.template_xlsx(), name)


def _energy_inputs(row: dict[str, Any]) -> list[services.EnergyInput]:
    rows = [
        services.EnergyInput(carrier, float(row[key]), unit, "fuel")
        for key, carrier, unit in CARRIER_COLUMNS
        if row.get(key)
    ]
    for text, use in ((row.get("other_energy") or "", "fuel"), (row.get("feedstock") or "", "feedstock")):
        for item in _split_others(text):
            carrier, qty, unit = item.split(":")
            rows.append(
                services.EnergyInput(energy_engine.get_carrier(carrier).name_zh, float(qty), unit, use)
            )
    return rows


def import_two_high(*, user: Any, region: Any, data: bytes, filename: str) -> int:
    """Create or update projects from a 两高 list workbook; returns the number of rows.

    Raises
    ------
    UserError
        Every bad cell and every row the engine refuses, as row errors; nothing is written.
    """
    result = TWO_HIGH_TABLE.read(data, filename)
    errors = list(result.errors)
    prepared: list[tuple[Project, list[services.EnergyInput]]] = []
    seen: set[str] = set()
    existing = {p.code: p for p in Project.objects.filter(region=region)}
    for row, line in zip(result.rows, result.lines, strict=True):
        if any(e.row == line for e in errors):
            continue
        code = row["code"]
        if code in seen:
            errors.append(RowError(line, "项目编号", f"项目编号“{code}”在文件中重复"))
            continue
        seen.add(code)
        project = existing.get(code) or Project(region=region, code=code)
        project.name = row["name"]
        project.owner_name = row["owner_name"] or ""
        project.owner_uscc = row["owner_uscc"] or ""
        project.industry_code = row["industry_code"]
        project.park = row["park"] or ""
        project.stage = row["stage"]
        project.production_year = row["production_year"]
        project.ramp_up_pct = row["ramp_up_pct"] or "100"
        project.capacity = row["capacity"] or ""
        project.products = row["products"] or ""
        project.value_added_10k_yuan = row["value_added_10k_yuan"] or 0.0
        project.renewable_electricity_kwh = (row["renewable_10k_kwh"] or 0.0) * 10_000
        project.process_co2_t = row["process_co2_t"] or 0.0
        if row["disposition"]:
            project.disposition = row["disposition"]
        project.disposition_note = row["disposition_note"] or project.disposition_note
        energy_rows = _energy_inputs(row)
        try:
            services.check_project(project=project, energy_rows=energy_rows)
        except UserError as exc:
            errors.append(RowError(line, exc.column, exc.message))
            continue
        prepared.append((project, energy_rows))
    if errors:
        raise TableError(sorted(errors, key=lambda e: e.row or 0), file=filename)
    if not prepared:
        raise UserError("文件中没有数据行", file=filename)
    with transaction.atomic():
        for project, energy_rows in prepared:
            services.save_project(user=user, project=project, energy_rows=energy_rows)
    return len(prepared)
