"""Blank input templates (CSV and .xlsx) for the accounting files, with column notes in Chinese."""

from __future__ import annotations

import csv
import io

#: kind -> (title, [(column, required, description)], [example rows])
TEMPLATES: dict[str, tuple[str, list[tuple[str, bool, str]], list[list[str]]]] = {
    "energy": (
        "能源消费统计（分行业×品种）",
        [
            ("year", True, "年份，如 2023"),
            ("sector", True, "行业/领域，如 工业、交通运输、仓储和邮政业、居民生活"),
            (
                "carrier",
                True,
                "能源品种（中文名）：原煤、洗精煤、焦炭、原油、汽油、煤油、柴油、燃料油、液化石油气、天然气、液化天然气、焦炉煤气、电力、热力 等",
            ),
            ("quantity", True, "实物消费量（不能为负）"),
            (
                "unit",
                True,
                "计量单位：吨、万吨、千克、立方米、万立方米、亿立方米、千瓦时、万千瓦时、亿千瓦时、兆瓦时、吉焦、百万千焦、兆焦",
            ),
        ],
        [
            ["2023", "工业", "原煤", "350000", "吨"],
            ["2023", "居民生活", "电力", "52000", "万千瓦时"],
            ["2023", "工业", "天然气", "4600", "万立方米"],
        ],
    ),
    "economy": (
        "经济数据",
        [
            ("year", True, "年份"),
            ("gdp_10k_yuan", True, "地区生产总值（当年价，万元）"),
            (
                "gdp_constant_10k_yuan",
                True,
                "地区生产总值（可比价，按基准年价格，万元）；基准年可留空，等于当年价",
            ),
            ("population", False, "常住人口（人）"),
            (
                "thermal_power_coal_rate_gce_per_kwh",
                False,
                "可选：当年火电发电标准煤耗（gce/kWh），用于电力等价值；留空则不计算等价值",
            ),
            ("non_fossil_energy_tce", False, "可选：非化石能源消费量（吨标准煤），用于非化石能源消费比重"),
        ],
        [["2023", "4163679", "3931930", "602900", "", ""]],
    ),
    "factors": (
        "用户本地因子（覆盖默认值）",
        [
            ("carrier", True, "能源品种"),
            ("year", False, "适用年份；留空表示所有年份"),
            ("co2_factor", True, "数值"),
            (
                "unit",
                True,
                "单位决定因子类型：tCO2/t、tCO2/万立方米、tCO2/MWh、tCO2/GJ（排放因子）；kgce/kg（折标系数）；GJ/t（实测低位发热量）；电力 gce/kWh（火电发电煤耗）",
            ),
            ("source", True, "来源（文件、文号、检测报告）"),
        ],
        [
            ["电力", "2024", "0.4850", "tCO2/MWh", "省生态环境厅公布值（示例）"],
            ["原煤", "", "21.5", "GJ/t", "县热电厂入厂煤化验（示例）"],
        ],
    ),
    "targets": (
        "目标",
        [
            (
                "indicator",
                True,
                "energy_intensity（单位GDP能耗）、co2_intensity（单位GDP二氧化碳排放）、energy_total、co2_total（总量上限）",
            ),
            ("base_year", True, "基准年"),
            ("target_year", True, "目标年"),
            ("decline_pct", False, "强度下降目标（%），14 表示下降 14%"),
            ("cap", False, "总量目标：目标年允许的总量（tce 或 tCO2）"),
        ],
        [["energy_intensity", "2020", "2025", "14", ""], ["co2_intensity", "2020", "2025", "18", ""]],
    ),
    "exclusions": (
        "扣除项（可再生能源电力、原料用能）",
        [
            ("year", True, "年份"),
            ("category", True, "可再生能源电力（当年消费量，扣除较基准年的新增部分）或 原料用能"),
            ("carrier", True, "能源品种；可再生能源电力填 电力"),
            ("quantity", True, "数量"),
            ("unit", True, "计量单位"),
        ],
        [["2023", "可再生能源电力", "电力", "30200", "万千瓦时"], ["2023", "原料用能", "原煤", "5000", "吨"]],
    ),
}


def template_csv(kind: str) -> bytes:
    """UTF-8 (with BOM, so Excel opens it) CSV: header, then the examples as ``#`` comment lines."""
    title, columns, examples = TEMPLATES[kind]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    buf.write(f"# {title}模板：以 # 开头的行是说明，导入时忽略；示例行请删除或保留 # 号\n")
    writer.writerow([c for c, _, _ in columns])
    for row in examples:
        buf.write("# 示例：" + ",".join(row) + "\n")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    """Workbook: sheet 1 = the header row to fill in; sheet 2 = column notes and examples."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    title, columns, examples = TEMPLATES[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append([c for c, _, _ in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i in range(len(columns)):
        ws.column_dimensions[chr(ord("A") + i)].width = 18
    notes = wb.create_sheet("说明")
    notes.append([f"{title}模板：在“数据”表第 1 行表头下逐行填写；本表不会被导入"])
    notes.append(["列名", "必填", "说明"])
    for name, required, description in columns:
        notes.append([name, "是" if required else "否", description])
    notes.append([])
    notes.append(["示例行"])
    for row in examples:
        notes.append(row)
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["C"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
