"""Excel import and export of the evaluation app (tables declared once with core.tables)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from carbonpeak.core.errors import UserError
from carbonpeak.core.excel import table_workbook
from carbonpeak.core.models import Region
from carbonpeak.core.tables import Column, Table
from carbonpeak.evaluation import services
from carbonpeak.evaluation.models import (
    CarbonEfficiencyGrade,
    Disclosure,
    MuClassification,
    ReductionRanking,
)


def _non_negative(value: Any) -> Any:
    if value is not None and value < 0:
        raise ValueError("不能为负数")
    return value


def _year(value: Any) -> Any:
    if value is not None and not 2000 <= value <= 2100:
        raise ValueError("应为 2000–2100 之间的年份")
    return value


EXEMPTION_INPUT = {
    "": "",
    "无": "",
    "新建": "new",
    "新建企业": "new",
    "公益性": "public_welfare",
    "公益性企业": "public_welfare",
}

#: 企业年度数据: one row per enterprise and year.
ANNUAL_TABLE = Table(
    name="企业年度数据",
    title="企业年度数据（碳效码、亩均评价）",
    note="每行一家企业一个年度；能耗与二氧化碳留空时按在线监测或统计报表预填。",
    columns=(
        Column(
            "uscc",
            "统一社会信用代码",
            required=True,
            aliases=("uscc",),
            help="须为重点用能单位名录中本县的企业",
        ),
        Column("name", "企业名称", aliases=("name",), help="仅供核对，不修改名录"),
        Column("year", "年度", type="int", required=True, aliases=("year", "年份"), validate=_year),
        Column(
            "value_added_10k_yuan",
            "工业增加值",
            type="float",
            unit="万元",
            aliases=("value_added_10k_yuan", "增加值"),
            help="收入法；可为零或负数（不评碳效等级）",
        ),
        Column(
            "output_value_10k_yuan",
            "工业总产值",
            type="float",
            unit="万元",
            aliases=("output_value_10k_yuan",),
            validate=_non_negative,
        ),
        Column(
            "revenue_10k_yuan",
            "主营业务收入",
            type="float",
            unit="万元",
            aliases=("revenue_10k_yuan",),
            validate=_non_negative,
        ),
        Column(
            "tax_10k_yuan",
            "实缴税金",
            type="float",
            unit="万元",
            aliases=("tax_10k_yuan", "税收"),
            validate=_non_negative,
        ),
        Column(
            "employees",
            "年平均从业人员",
            type="int",
            unit="人",
            aliases=("employees",),
            validate=_non_negative,
        ),
        Column(
            "rd_10k_yuan",
            "研发经费支出",
            type="float",
            unit="万元",
            aliases=("rd_10k_yuan", "R&D经费"),
            validate=_non_negative,
        ),
        Column(
            "land_area_mu",
            "用地面积",
            type="float",
            unit="亩",
            aliases=("land_area_mu",),
            validate=_non_negative,
            help="留空取名录中的用地面积",
        ),
        Column(
            "energy_tce_equivalent",
            "综合能耗(当量值)",
            type="float",
            unit="吨标准煤",
            aliases=("energy_tce_equivalent",),
            validate=_non_negative,
            help="留空按在线监测或统计报表预填",
        ),
        Column(
            "energy_tce_equal_value",
            "综合能耗(等价值)",
            type="float",
            unit="吨标准煤",
            aliases=("energy_tce_equal_value",),
            validate=_non_negative,
            help="亩均评价“单位能耗增加值”用等价值",
        ),
        Column(
            "co2_t",
            "二氧化碳排放量",
            type="float",
            unit="吨",
            aliases=("co2_t",),
            validate=_non_negative,
            help="能源活动净排放（扣除自有零碳电力）；留空按监测预填",
        ),
        Column(
            "pollutant_t",
            "主要污染物排放量",
            type="float",
            unit="吨",
            aliases=("pollutant_t",),
            validate=_non_negative,
            help="已知时填写；缺数按参评企业平均得分计",
        ),
        Column(
            "exemption",
            "亩均评价豁免",
            aliases=("exemption",),
            choices=tuple(k for k in EXEMPTION_INPUT if k),
            help="新建企业、公益性企业参加评价但不定等级；否则留空",
        ),
    ),
)


def template_workbook() -> bytes:
    return ANNUAL_TABLE.template_xlsx()


def error_lines(exc: UserError) -> list[str]:
    """Every problem of a failed import, one line each (a TableError lists all bad rows)."""
    return [str(e) for e in exc.errors] or [str(exc)]


def export_workbook(*, region: Region, year: int) -> bytes:
    rows = services.annual_rows(region=region, year=year)
    grades = {
        g.enterprise_id: g for g in CarbonEfficiencyGrade.objects.filter(enterprise__region=region, year=year)
    }
    classes = {
        c.enterprise_id: c for c in MuClassification.objects.filter(enterprise__region=region, year=year)
    }
    out = []
    for r in sorted(rows, key=lambda r: r.enterprise.name):
        g = grades.get(r.enterprise_id)
        c = classes.get(r.enterprise_id)
        out.append(
            [
                r.enterprise.name,
                r.enterprise.uscc,
                r.enterprise.industry_code,
                r.enterprise.park,
                r.value_added_10k_yuan,
                r.tax_10k_yuan,
                r.land_area_mu,
                r.energy_tce_equivalent,
                r.energy_tce_equal_value,
                r.co2_t,
                r.difference_note,
                g.intensity_t_per_10k_yuan if g else None,
                g.industry_mean_t_per_10k_yuan if g else None,
                g.k if g else None,
                (g.grade or "不评") if g else "未计算",
                g.level if g else "",
                g.preset_code if g else "",
                c.score if c else None,
                (c.mu_class or ("不定等级" if c.exemption else "不评")) if c else "未计算",
                c.preset_code if c else "",
                "；".join(x for x in ((g.reason if g else ""), (c.reason if c else "")) if x),
            ]
        )
    headers = [
        "企业名称",
        "统一社会信用代码",
        "行业代码",
        "所在园区",
        "工业增加值(万元)",
        "实缴税金(万元)",
        "用地面积(亩)",
        "综合能耗-当量值(吨标准煤)",
        "综合能耗-等价值(吨标准煤)",
        "二氧化碳排放量(吨)",
        "与监测数据的差异",
        "单位增加值碳排放L(吨/万元)",
        "行业平均L(吨/万元)",
        "碳效值K",
        "碳效等级",
        "碳效水平",
        "碳效分档预设",
        "亩均综合得分",
        "亩均类别",
        "亩均评价预设",
        "说明",
    ]
    note = services.SAMPLE_NOTE if any(r.is_sample for r in rows) else ""
    return table_workbook(f"{region.name}{year}年企业评价", headers, out, note=note)


def ranking_workbook(ranking: ReductionRanking) -> bytes:
    rows = [
        [
            e.rank_absolute,
            e.rank_intensity,
            e.enterprise.name,
            e.enterprise.uscc,
            e.base_co2_t,
            e.co2_t,
            e.decline_t,
            e.decline_pct,
            e.base_intensity_t_per_10k_yuan,
            e.intensity_t_per_10k_yuan,
            e.intensity_decline_pct,
            "是" if e.advanced else "",
            e.reason,
        ]
        for e in ranking.entries.select_related("enterprise")
    ]
    headers = [
        "减排量名次",
        "强度下降名次",
        "企业名称",
        "统一社会信用代码",
        f"{ranking.base_year}年排放(吨)",
        f"{ranking.year}年排放(吨)",
        "减排量(吨)",
        "下降率(%)",
        f"{ranking.base_year}年强度(吨/万元)",
        f"{ranking.year}年强度(吨/万元)",
        "强度下降率(%)",
        "碳排放管理先进企业",
        "说明",
    ]
    return table_workbook(f"{ranking}", headers, rows, note=f"状态：{ranking.get_status_display()}")


def disclosures_workbook(disclosures: Iterable[Disclosure], *, year: int) -> bytes:
    items = list(disclosures)
    rows: list[list[Any]] = [
        [
            d.enterprise.name,
            d.enterprise.uscc,
            d.year,
            d.get_status_display(),
            d.co2_t,
            d.prior_year_co2_t,
            d.get_accounting_method_display(),
            d.accounting_standard,
            "；".join(
                f"{f.name}{'（' + f.facility_type + '）' if f.facility_type else ''}"
                f"{'：' + format(f.co2_t, ',.2f') + '吨' if f.co2_t is not None else ''}"
                for f in d.facilities.all()
            ),
            d.submitted_at.strftime("%Y-%m-%d %H:%M") if d.submitted_at else "",
            d.review_comment,
        ]
        for d in items
    ]
    headers = [
        "企业名称",
        "统一社会信用代码",
        "报告年度",
        "状态",
        "本年度排放(吨CO2)",
        "上年度排放(吨CO2)",
        "核算方法",
        "核算依据",
        "排放设施",
        "提交时间",
        "审核意见",
    ]
    note = services.SAMPLE_NOTE if any(d.is_sample for d in items) else ""
    return table_workbook(f"{year}年度企业碳排放信息披露", headers, rows, note=note)


def green_workbook(*, region: Region, year: int) -> bytes:
    """Two sheets for banks: the green enterprises, and their qualifying projects."""
    import io

    from openpyxl import load_workbook

    criteria = services.green_criteria(region)
    listed = services.green_finance_list(region=region, year=year)
    rows = [
        [
            r.enterprise.name,
            r.enterprise.uscc,
            r.enterprise.industry_code,
            r.grade,
            r.k,
            r.level,
            "已通过" if r.disclosure_approved else "未通过",
        ]
        for r in listed
    ]
    cond = f"条件：碳效等级 1–{criteria.max_grade} 级" + (
        "，且碳排放信息披露已审核通过" if criteria.require_disclosure else ""
    )
    first = table_workbook(
        f"{region.name}{year}年绿色金融支持企业名单",
        ["企业名称", "统一社会信用代码", "行业代码", "碳效等级", "碳效值K", "碳效水平", "碳排放信息披露"],
        rows,
        note=cond,
    )
    projects = services.green_projects(region=region, rows=listed)
    second = table_workbook(
        "绿色项目",
        ["项目名称", "项目编号", "建设单位", "行业代码", "总投资 [万元]", "建设阶段", "入库依据"],
        [
            [
                p["name"],
                p["code"],
                p["enterprise_name"],
                p["industry_code"],
                p["investment_10k_yuan"],
                p["stage"],
                p["basis"],
            ]
            for p in projects
        ],
        note="条件：建设单位在上表企业名单内、非两高项目、节能审查通过（平台默认规则）",
    )
    wb = load_workbook(io.BytesIO(first))
    src = load_workbook(io.BytesIO(second)).active
    ws = wb.create_sheet("绿色项目")
    assert src is not None
    for row in src.iter_rows(values_only=True):
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
