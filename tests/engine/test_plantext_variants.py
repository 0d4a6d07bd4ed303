"""Variants of the genre: city plan with 牵头单位/责任单位 lines, province plan with top-level actions,
county plan with 责任单位 brackets, a traditional-character web mirror, GB18030, sections pasted alone."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from carbonpeak.engine.plantext import parse_plan, read_document

SAMPLES = Path(__file__).parent / "plan_samples"
SAMPLE_PLAN = Path(__file__).resolve().parents[2] / "sample_data" / "yueyang-county-carbon-peak-plan.txt"


def parse(name: str):
    return parse_plan(read_document(SAMPLES / name))


def departments(plan):
    return {t.code: (t.lead, t.cooperating) for t in plan.tasks}


def targets(plan):
    return [
        (t.task_code, t.indicator, t.value_text, t.unit, t.comparator, t.year, t.scope) for t in plan.targets
    ]


def test_city_plan_with_department_lines():
    plan = parse("city_lines.txt")
    assert plan.title == "南岭市碳达峰实施方案"
    assert plan.document_number == "南政发〔2023〕7号"
    assert plan.issuer == "南岭市人民政府"
    assert plan.issued_on == datetime.date(2023, 6, 12)
    assert [(a.title, len(a.tasks)) for a in plan.actions] == [
        ("能源绿色低碳转型行动", 2),
        ("节能降碳增效行动", 2),
        ("城乡建设碳达峰行动", 2),
    ]
    fgw = "市发展和改革委员会"
    assert departments(plan) == {
        "1.1": ([fgw], ["市工业和信息化局", "市生态环境局", "市住房和城乡建设局"]),
        "1.2": ([fgw], ["市自然资源和规划局", "市林业局", "国网南岭供电公司"]),
        "2.1": ([fgw], ["市工业和信息化局", "市统计局", "市市场监督管理局"]),
        "2.2": (["市工业和信息化局", fgw], ["各县市区人民政府"]),
        "3.1": (["市住房和城乡建设局"], ["市自然资源和规划局", fgw]),
        "3.2": (["市住房和城乡建设局"], ["市机关事务管理局", fgw]),
    }
    assert targets(plan) == [
        (None, "非化石能源消费比重", "22", "%", "=", 2025, "全市"),
        (None, "单位地区生产总值能耗下降", "14", "%", ">=", 2025, None),
        (None, "单位地区生产总值二氧化碳排放下降", "18", "%", ">=", 2025, None),
        (None, "非化石能源消费比重", "25", "%", ">=", 2030, "全市"),
        (None, "单位地区生产总值二氧化碳排放下降", "65", "%", ">=", 2030, None),
        ("1.1", "煤炭消费量", "800", "万吨", "<=", 2025, "全市"),
        ("1.2", "风电装机容量", "120", "万千瓦", ">=", 2025, "全市"),
        ("1.2", "光伏发电装机容量", "300", "万千瓦", ">=", 2025, "全市"),
        ("2.2", "规模以上工业单位增加值能耗下降", "16", "%", ">=", 2025, None),
        ("3.1", "星级绿色建筑占比", "30", "%", ">=", 2025, None),
    ]
    assert any("为实现碳达峰奠定坚实基础" in g for g in plan.goals)
    # the department lines are part of the task's verbatim text
    assert "牵头单位：市发展改革委" in plan.tasks[0].text
    # web-page noise is not parsed
    assert not any("版权所有" in t.text or "ICP" in t.text for t in plan.tasks)


def test_province_plan_with_top_level_actions():
    plan = parse("province_toplevel.txt")
    assert plan.title == "东川省碳达峰实施方案"
    assert plan.issuer == "东川省人民政府"
    assert plan.document_number == "东政发〔2022〕19号"
    assert plan.issued_on == datetime.date(2022, 10, 8)
    assert [(a.title, len(a.tasks)) for a in plan.actions] == [
        ("能源绿色低碳转型行动", 3),
        ("节能降碳增效行动", 2),
        ("工业领域碳达峰行动", 2),
    ]
    fgw = "省发展和改革委员会"
    got = departments(plan)
    assert got["1.1"] == ([fgw, "省能源局"], ["省工业和信息化厅", "省生态环境厅", "省住房和城乡建设厅"])
    assert got["1.2"] == (["省能源局", fgw], ["省自然资源厅", "省林业局", "国网东川省电力公司"])
    assert got["2.2"] == (["省市场监督管理局", fgw], ["省工业和信息化厅"])
    assert targets(plan) == [
        (None, "非化石能源消费比重", "22", "%", ">=", 2025, "全省"),
        (None, "非化石能源消费比重", "25", "%", "=", 2030, None),
        ("1.2", "风电、光伏发电装机容量", "1300", "万千瓦", ">=", 2025, "全省"),
        ("3.1", "短流程炼钢占比", "15", "%", ">=", 2025, None),
    ]
    assert "到2025年，单位地区生产总值能耗和二氧化碳排放确保完成国家下达目标" in plan.goals


COUNTY_DEPARTMENTS = {
    # 责任单位 lists without a marked lead: no lead is invented
    "1.1": ([], ["县发展和改革局", "县住房和城乡建设局", "县供电公司"]),
    "1.2": (["县住房和城乡建设局"], ["县发展和改革局", "县城市管理和综合执法局"]),
    "2.1": ([], ["县工业和信息化局", "县经开区管委会"]),
    "2.2": (["县工业和信息化局"], ["县发展和改革局", "县生态环境局"]),
    "2.3": (["县发展和改革局"], ["县市场监督管理局", "县统计局"]),
    "3.1": ([], ["县委宣传部", "县文明办", "县教育局", "县妇联"]),
}
COUNTY_TARGETS = [
    (None, "森林覆盖率", "62.5", "%", ">=", 2025, None),
    (None, "森林蓄积量", "520", "万立方米", ">=", 2025, None),
    (None, "非化石能源消费比重", "25", "%", ">=", 2030, None),
    ("1.1", "新增光伏装机", "10", "万千瓦", ">=", 2025, None),
    ("1.2", "管道天然气乡镇覆盖率", "60", "%", ">=", 2025, None),
    ("2.3", "每年监察企业", "10", "家", ">=", None, None),
    ("3.1", "绿色出行比例", "65", "%", ">=", 2025, "县城"),
    ("3.1", "城镇新建建筑中绿色建筑面积占比", "100", "%", ">=", 2025, None),
]


@pytest.mark.parametrize("name", ["county_responsible.txt", "county_responsible_gb18030.txt"])
def test_county_plan_with_responsible_unit_brackets(name):
    plan = parse(name)
    assert plan.title == "桃源湾县碳达峰实施方案"
    assert [a.title for a in plan.actions] == ["能源结构调整行动", "工业降碳行动", "全民低碳行动"]
    assert departments(plan) == COUNTY_DEPARTMENTS
    assert targets(plan) == COUNTY_TARGETS
    assert "到2025年,全县单位地区生产总值能耗下降率完成市下达目标任务" in plan.goals
    # 责任单位 alone: no lead, and the parser names the tasks concerned
    assert any("未写明牵头单位" in w and "1.1、2.1、3.1" in w for w in plan.warnings)


def test_gb18030_file_reads_like_utf8():
    assert read_document(SAMPLES / "county_responsible_gb18030.txt") == read_document(
        SAMPLES / "county_responsible.txt"
    )


def test_traditional_mirror_with_stray_breaks_and_web_noise_parses_like_the_original():
    mirror = parse("traditional_mirror.txt")
    original = parse_plan(read_document(SAMPLE_PLAN))
    assert mirror.title == "岳阳县碳达峰实施方案"
    assert mirror.document_number == "岳县政发〔2024〕2号"
    assert mirror.issuer == "岳阳县人民政府"
    assert mirror.issued_on == datetime.date(2024, 3, 18)
    assert [a.title for a in mirror.actions] == [a.title for a in original.actions[:2]]
    for copy, source in zip(mirror.tasks, original.tasks, strict=False):
        assert (copy.code, copy.title, copy.text, copy.lead, copy.cooperating) == (
            source.code,
            source.title,
            source.text,
            source.lead,
            source.cooperating,
        )
    assert len(mirror.tasks) == 6
    assert [t.to_dict() for t in mirror.targets] == [
        t.to_dict() for t in original.targets if t.task_code in ("2.2", "2.3")
    ]
    assert mirror.goals == original.goals


def test_goals_section_pasted_alone():
    plan = parse("section_goals_only.txt")
    assert plan.actions == []
    assert targets(plan) == [
        (None, "森林覆盖率", "39.00", "%", "=", 2025, "全县"),
        (None, "森林蓄积量", "441", "万立方米", ">=", 2025, None),
    ]
    assert any("下降率完成市下达目标任务" in g for g in plan.goals)
    assert any("2030年前碳达峰" in g for g in plan.goals)
    assert plan.warnings  # no tasks, no title: said in warnings


def test_one_action_pasted_alone():
    plan = parse("section_action_only.txt")
    assert [(a.number, a.title) for a in plan.actions] == [(1, "能源绿色低碳转型行动")]
    assert [t.code for t in plan.tasks] == ["1.1", "1.2"]
    assert plan.tasks[0].lead == ["县发展和改革局"]
    assert plan.tasks[1].cooperating == ["县供电公司", "县工业和信息化局"]
    assert [(t.task_code, t.indicator, t.value_text) for t in plan.targets] == [
        ("1.1", "新能源装机容量", "135.5"),
        ("1.2", "农村电网供电可靠率", "99.87"),
        ("1.2", "综合电压合格率", "99.867"),
        ("1.2", "尖峰负荷响应能力", "5"),
    ]


def test_tasks_without_an_action_heading_go_under_action_one():
    text = (
        "1.推进工业节能。到2025年,规模以上工业单位增加值能耗下降13.5%。(县工信局牵头,县发改局配合)\n"
        "2.推进建筑节能。新建建筑全面执行节能标准。(县住建局牵头)\n"
    )
    plan = parse_plan(text)
    assert [(a.number, a.title) for a in plan.actions] == [(1, "")]
    assert [(t.code, t.title, t.lead) for t in plan.tasks] == [
        ("1.1", "推进工业节能", ["县工业和信息化局"]),
        ("1.2", "推进建筑节能", ["县住房和城乡建设局"]),
    ]
    assert plan.targets[0].indicator == "规模以上工业单位增加值能耗下降"


def test_plan_without_any_department_finds_actions_by_their_names():
    plan = parse("city_no_departments.txt")
    assert [(a.title, [t.title for t in a.tasks]) for a in plan.actions] == [
        ("能源绿色低碳转型行动", ["推进煤炭消费替代和转型升级", "大力发展新能源"]),
        ("节能降碳增效行动", ["全面提升节能管理能力", "实施节能降碳重点工程"]),
    ]
    assert all(not t.lead and not t.cooperating for t in plan.tasks)
    assert any("牵头或配合单位" in w for w in plan.warnings)
    assert targets(plan) == [
        (None, "非化石能源消费比重", "20", "%", "=", 2025, "全市"),
        (None, "单位地区生产总值能源消耗下降", "13.5", "%", ">=", 2025, None),
        (None, "非化石能源消费比重", "25", "%", "=", 2030, "全市"),
        ("1.2", "风电、太阳能发电总装机容量", "500", "万千瓦", ">=", 2030, None),
    ]
    # the action's introduction is not a task
    assert not any(t.text.startswith("能源是经济社会发展") for t in plan.tasks)


def test_department_bracket_after_the_title_inline_labels_and_sub_items():
    plan = parse("district_mixed_forms.txt")
    assert departments(plan) == {
        "1.1": ([], ["区工业和信息化局", "区发展和改革局"]),
        "1.2": (["区工业和信息化局"], ["区住房和城乡建设局", "区市场监督管理局"]),
        "2.1": (["区住房和城乡建设局"], ["区发展和改革局", "区机关事务管理局"]),
        "2.2": (["区住房和城乡建设局", "区发展和改革局"], ["国网北江供电公司"]),
    }
    assert [t.title for t in plan.tasks] == [
        "推动钢铁行业碳达峰",
        "推动建材行业碳达峰",
        "推进城乡建设绿色低碳转型",
        "加快优化建筑用能结构",
    ]
    # "(1)" sub-items belong to the task above them, with their targets
    assert "(1)推广绿色建筑" in plan.tasks[2].text.replace("（", "(").replace("）", ")")
    assert targets(plan) == [
        ("1.1", "短流程炼钢占比", "15", "%", ">=", 2025, None),
        ("2.1", "城镇新建建筑中绿色建筑占比", "100", "%", ">=", 2025, None),
    ]


def test_heading_broken_by_a_stray_line_break_is_joined():
    text = "(一)产业绿色低碳发\n展行动\n1.推动工业绿色低碳转型。加快传统产业改造。(县发改局牵头)\n"
    plan = parse_plan(text)
    assert [a.title for a in plan.actions] == ["产业绿色低碳发展行动"]
    assert plan.tasks[0].lead == ["县发展和改革局"]


def test_more_target_and_department_forms():
    text = (
        "二、主要目标\n"
        "到2025年,新建大型数据中心电能利用效率降到1.3以下,能效达到1级,全县PM2.5浓度下降到35微克/立方米。\n"
        "三、重点任务\n(一)节能行动\n"
        "1.推进节能。建设10万千瓦光伏电站项目。到2025年,新增造林面积1.2万亩,完成4个乡镇污水处理厂建设。"
        "(主责单位:县发改局;配合单位:县工信局)(以下各项任务均需各乡镇人民政府负责落实,不再列出)\n"
        "2.推进节水。到2025年,万元GDP用水量较2020年下降16%,城市再生水利用率提高2个百分点。(县水利局牵头)\n"
    )
    plan = parse_plan(text)
    assert targets(plan) == [
        (None, "新建大型数据中心电能利用效率", "1.3", "", "<=", 2025, None),
        (None, "PM2.5浓度", "35", "微克/立方米", "<=", 2025, "全县"),
        ("1.1", "新增造林面积", "1.2", "万亩", ">=", 2025, None),
        ("1.1", "完成乡镇污水处理厂建设", "4", "个", ">=", 2025, None),
        ("1.2", "万元GDP用水量下降", "16", "%", ">=", 2025, None),
        ("1.2", "城市再生水利用率提高", "2", "个百分点", ">=", 2025, None),
    ]
    assert departments(plan) == {
        "1.1": (["县发展和改革局"], ["县工业和信息化局", "各乡镇人民政府"]),
        "1.2": (["县水利局"], ["各乡镇人民政府"]),
    }


def test_mirror_with_pinyin_annotations_and_stray_commas():
    plan = parse("mirror_pinyin_commas.txt")
    assert (plan.title, plan.document_number, plan.issuer, plan.issued_on) == (
        "海湾市碳达峰实施方案",
        "海府〔2023〕28号",
        "海湾市人民政府",
        datetime.date(2023, 5, 7),
    )
    assert departments(plan) == {
        "1.1": (["市发展和改革局"], ["市工业和信息化局", "市住房和城乡建设局"]),
        "1.2": (["市发展和改革局"], []),
    }
    assert plan.tasks[0].title == "大力发展新能源"
    assert targets(plan) == [
        (None, "非化石能源消费比重", "25", "%", ">=", 2025, None),
        ("1.1", "光伏装机容量", "200", "万千瓦", ">=", 2025, "全市"),
    ]
    assert "(fā)" not in plan.tasks[0].text


def test_title_line_with_publication_metadata_and_action_introductions():
    plan = parse("city_title_with_metadata.txt")
    assert plan.title == "申江市碳达峰实施方案"
    assert [(a.title, len(a.tasks)) for a in plan.actions] == [
        ("能源绿色低碳转型行动", 2),
        ("节能降碳增效行动", 1),
    ]
    assert targets(plan) == [
        (None, "单位生产总值能源消耗下降", "14", "%", ">=", 2025, None),
        (None, "非化石能源占能源消费总量比重", "20", "%", ">=", 2025, None),
        (None, "非化石能源占能源消费总量比重", "25", "%", ">=", 2030, None),
        (None, "单位生产总值二氧化碳排放下降", "70", "%", ">=", 2030, None),
        ("1.1", "光伏装机容量", "400", "万千瓦", ">=", 2025, None),
        ("1.2", "煤炭消费总量", "4300", "万吨", "=", 2025, None),
    ]
    assert "到2030年,确保2030年前实现碳达峰" in plan.goals


def test_departments_written_once_for_a_whole_action_and_bracketed_labels():
    plan = parse("city_action_level_departments.txt")
    assert plan.title == "南湖市碳达峰实施方案"
    assert [a.title for a in plan.actions] == ["能源绿色低碳转型行动", "节能降碳增效行动"]
    assert departments(plan) == {
        # the action's own 牵头单位 applies to its tasks that name no department
        "1.1": (["市发展和改革委员会"], []),
        "1.2": (["市能源局"], ["市自然资源局", "市林业局"]),
        "2.1": (["市工业和信息化局"], ["市统计局"]),
        "2.2": (["市住房和城乡建设局"], []),
    }


def test_goals_paragraph_pasted_without_its_heading():
    text = (
        "到2025年,全县单位地区生产总值能耗下降率完成市下达目标任务,森林覆盖率稳定在39.00%。"
        "到2030年,顺利实现碳达峰目标。"
    )
    plan = parse_plan(text)
    assert [(t.indicator, t.value_text, t.comparator, t.year) for t in plan.targets] == [
        ("森林覆盖率", "39.00", "=", 2025)
    ]
    assert "到2025年,全县单位地区生产总值能耗下降率完成市下达目标任务" in plan.goals
    assert "到2030年,顺利实现碳达峰目标" in plan.goals


def test_unnumbered_tasks_ending_with_their_department_bracket():
    plan = parse("county_unnumbered_tasks.txt")
    assert [(a.title, [t.title for t in a.tasks]) for a in plan.actions] == [
        ("能源绿色低碳转型行动", ["推进分布式光伏建设", "推进天然气利用"]),
        ("节能降碳增效行动", ["加强节能审查", "推进园区节能改造"]),
    ]
    assert departments(plan)["1.1"] == (["县发展和改革局"], ["县住房和城乡建设局", "县供电公司"])
    assert targets(plan) == [
        (None, "非化石能源消费比重", "18", "%", ">=", 2025, "全县"),
        ("1.1", "光伏装机容量", "20", "万千瓦", ">=", 2025, "全县"),
    ]
    # the action's introduction is not a task
    assert all(not t.text.startswith("能源是碳排放") for t in plan.tasks)
