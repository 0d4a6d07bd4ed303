"""The sample PROJECTS.xlsx (示例数据，仅供演示): four fictional projects of the sample county.

Every number is an illustrative value for demonstrations and tests, not a real project.
``sample_data/projects/PROJECTS.xlsx`` is written by :func:`sample_workbook_bytes`.
"""

from __future__ import annotations

import io
from typing import Any

NOTE = "# 示例数据，仅供演示：项目、能耗、增加值与增速均为虚构示例，不代表任何真实项目"

PROJECTS: list[list[Any]] = [
    # code, name, stage, industry, production year, ramp, value added, renewable 万kWh, process CO2 t, products
    [
        "S1",
        "某建材公司水泥熟料生产线技改项目（示例）",
        "拟建",
        "C3011",
        2026,
        "70,100",
        30000,
        0,
        260000,
        "水泥熟料",
    ],
    [
        "S2",
        "某化工公司精细化工新材料项目（示例）",
        "拟建",
        "C2614",
        2027,
        "50,80,100",
        45000,
        500,
        0,
        "电子级化学品",
    ],
    ["S3", "某电子公司电子元器件项目（示例）", "在建", "C3981", 2026, "60,100", 60000, 300, 0, "片式电容"],
    ["S4", "某砖瓦厂轮窑淘汰（示例）", "淘汰", "C3031", 2026, "100", 1500, 0, 0, "烧结砖"],
]
#: Owners of the sample projects (fictional; not in the enterprise register).
OWNERS = {
    "S1": "某建材公司（示例）",
    "S2": "某化工公司（示例）",
    "S3": "某电子公司（示例）",
    "S4": "某砖瓦厂（示例）",
}
ENERGY: list[list[Any]] = [
    ["S1", "原煤", 80000, "吨", "燃料动力"],
    ["S1", "电力", 6000, "万千瓦时", "燃料动力"],
    ["S1", "柴油", 300, "吨", "燃料动力"],
    ["S2", "天然气", 1500, "万立方米", "燃料动力"],
    ["S2", "天然气", 800, "万立方米", "原料"],
    ["S2", "电力", 3000, "万千瓦时", "燃料动力"],
    ["S3", "电力", 1200, "万千瓦时", "燃料动力"],
    ["S3", "天然气", 50, "万立方米", "燃料动力"],
    ["S4", "原煤", 12000, "吨", "燃料动力"],
]
PARAMETERS: list[list[Any]] = [
    ["GDP年均增速(%)", 5.5, "示例数据：假设 2025—2030 年可比价 GDP 年均增长 5.5%（仅供演示）"],
    ["测算截止年份", 2030, "示例数据"],
]


def sample_workbook_bytes() -> bytes:
    """The sample workbook as .xlsx bytes (same layout as the template)."""
    from openpyxl import Workbook

    from carbonpeak.projects.workbook import ENERGY_COLUMNS, PARAMETER_COLUMNS, PROJECT_COLUMNS

    wb = Workbook()
    sheets = (
        ("项目", PROJECT_COLUMNS, PROJECTS),
        ("能源", ENERGY_COLUMNS, ENERGY),
        ("参数", PARAMETER_COLUMNS, PARAMETERS),
    )
    for index, (title, columns, rows) in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = title
        ws.append([NOTE])
        ws.append([c.header for c in columns])
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
