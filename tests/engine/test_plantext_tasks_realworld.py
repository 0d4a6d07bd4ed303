"""Task sections and department attribution in the forms real county and city plans use.

Every text here is written for the test (invented places and numbers), reproducing the
structure of a pattern seen in real plans, not their wording.
"""

from __future__ import annotations

from carbonpeak.engine.plantext import parse_plan


def _departments(plan):
    return {t.code: (t.lead, t.cooperating) for a in plan.actions for t in a.tasks}


def _targets(plan):
    return [(t.task_code, t.indicator, t.value_text, t.unit, t.comparator, t.year) for t in plan.targets]


def test_lists_without_a_written_lead_get_no_lead_and_the_parser_names_them():
    plan = parse_plan(
        "（一）能源绿色低碳转型行动\n"
        "1.推进屋顶光伏开发。（责任单位：县发改局、县工信局，各乡镇人民政府按职责分工负责）\n"
        "2.推进煤炭清洁利用。（县发改局负责）\n"
        "3.建设新型储能。（县发改局、县供电公司等按职责分工负责）\n"
        "4.推进抽水蓄能。\n"
        "责任单位：县发改局、县自然资源局\n"
        "5.强化电网建设。\n"
        "责任单位：县供电公司\n"
    )
    assert _departments(plan) == {
        "1.1": ([], ["县发展和改革局", "县工业和信息化局", "各乡镇人民政府"]),
        "1.2": (["县发展和改革局"], []),
        "1.3": ([], ["县发展和改革局", "县供电公司"]),
        "1.4": ([], ["县发展和改革局", "县自然资源局"]),
        "1.5": (["县供电公司"], []),
    }
    assert any("未写明牵头单位" in w and "1.1、1.3、1.4" in w for w in plan.warnings)


def test_first_listed_unit_leads_where_the_plan_says_so():
    plan = parse_plan(
        "（一）节能降碳增效行动\n"
        "1.提升节能管理能力。（责任单位：县发改局、县统计局、县市场监管局）\n"
        "2.实施节能改造工程。（县工信局、县住建局等按职责分工负责）\n"
        "注：责任单位排在第一位的为牵头单位。\n"
    )
    assert _departments(plan) == {
        "1.1": (["县发展和改革局"], ["县统计局", "县市场监督管理局"]),
        "1.2": (["县工业和信息化局"], ["县住房和城乡建设局"]),
    }
    assert any("排在第一位" in w for w in plan.warnings)


def test_ditto_after_the_units_applies_them_to_later_tasks_without_units():
    plan = parse_plan(
        "三、重点任务\n"
        "1.能源绿色低碳转型行动\n"
        "（1）加快风电开发。（县发改局牵头，县自然资源局、县林业局配合，下同）\n"
        "（2）推进地热能利用。加快浅层地热能开发。\n"
        "（3）推进煤电节能改造。（县工信局牵头）\n"
        "（4）推进天然气利用。\n"
    )
    ditto = (["县发展和改革局"], ["县自然资源局", "县林业局"])
    assert _departments(plan) == {
        "1.1": ditto,
        "1.2": ditto,
        "1.3": (["县工业和信息化局"], []),
        "1.4": ditto,
    }
    assert not any("下同" in name for a in plan.actions for t in a.tasks for name in t.cooperating)


def test_a_note_ending_in_ditto_repeats_the_rule_not_the_units():
    plan = parse_plan(
        "（一）控制能源消费\n"
        "1.落实双控制度。（负责单位：市发改委、市统计局。未明确牵头单位的，由所列负责单位按职责分工负责，下同）\n"
        "2.严控高耗能项目。\n"
    )
    assert _departments(plan) == {
        "1.1": ([], ["市发展和改革委员会", "市统计局"]),
        "1.2": ([], []),
    }


def test_unit_followed_by_etc_and_a_named_collective_is_two_units():
    plan = parse_plan(
        "（一）工业领域碳达峰行动\n"
        "1.推进工业节能。（县工信局牵头，县住建局等县直相关部门配合）\n"
        "2.推进园区循环化改造。（县工信局牵头，县发改局等有关部门配合）\n"
    )
    assert _departments(plan) == {
        "1.1": (["县工业和信息化局"], ["县住房和城乡建设局", "县直相关部门"]),
        "1.2": (["县工业和信息化局"], ["县发展和改革局"]),
    }


def test_duplicated_units_and_a_lead_repeated_among_cooperating_units():
    plan = parse_plan(
        "（一）节能降碳行动\n"
        "1.全面提升节能管理。\n"
        "牵头单位：县发改局\n"
        "配合单位：县统计局、县市场监管局、县发改局、县统计局\n"
    )
    assert _departments(plan) == {"1.1": (["县发展和改革局"], ["县统计局", "县市场监督管理局"])}


def test_respective_values_for_a_series_of_years_take_their_own_year():
    plan = parse_plan(
        "（一）能源绿色低碳转型行动\n"
        "1.合理调控油气消费。到2025年、2030年，全县天然气消费量分别达到1.5亿立方米、2.4亿立方米。"
        "（县发改局牵头）\n"
        "2.发展光伏。到2025年和2030年光伏装机分别达到18万千瓦、40万千瓦以上。（县发改局牵头）\n"
    )
    assert _targets(plan) == [
        ("1.1", "天然气消费量", "1.5", "亿立方米", ">=", 2025),
        ("1.1", "天然气消费量", "2.4", "亿立方米", ">=", 2030),
        ("1.2", "光伏装机", "18", "万千瓦", ">=", 2025),
        ("1.2", "光伏装机", "40", "万千瓦", ">=", 2030),
    ]


def test_traditional_brackets_with_lead_and_cooperating():
    plan = parse_plan(
        "（一）可再生能源行動\n1.推進生物質能利用。（縣發改局牽頭，縣農業農村局、縣林業局配合）\n"
    )
    assert _departments(plan) == {"1.1": (["县发展和改革局"], ["县农业农村局", "县林业局"])}


def test_collapsed_pdf_extract_with_wrap_spaces_is_split_into_headings_and_tasks():
    # a converted .pdf/.docx: one line, page wraps left as spaces, paragraph breaks lost
    text = (
        "【资料】柳湾区碳达峰实施方案.docx\n"
        "柳湾区碳达峰实施方案 为扎实推进本区碳达峰工作,结合柳湾区实际,制定本 实施方案。 一、主要目标 "
        "“十四五”期间,产业结构持续优化,绿色生活方式得到 普遍推行。到 2025 年,单位生产总值(GDP )能耗比 "
        "2020 年下降 13%以上,单位生产总值二氧化碳排放下 降完成市下达目标。 二、重点任务 组织实施碳达峰 "
        "八大行动。 (一)能源绿色低碳转型行动 1.大力推进光伏建设。充分利用工业厂房、公共 建筑屋顶建设分布式"
        "光伏,到 2025 年,新增光伏装机 8 万千瓦。(区发展改革委牵头,区建管委配合) 2.推进天然气高效利用。"
        "有序推进燃气 管网建设。(区建管委牵头) (二)节能降碳增效行动 1.强化能耗双控管理。严格节能审查。"
        "(区发展改革委牵头,区统计局配合)\n"
    )
    plan = parse_plan(text)
    assert plan.title == "柳湾区碳达峰实施方案"
    assert [a.title for a in plan.actions] == ["能源绿色低碳转型行动", "节能降碳增效行动"]
    assert _departments(plan) == {
        "1.1": (["区发展和改革委员会"], ["区建管委"]),
        "1.2": (["区建管委"], []),
        "2.1": (["区发展和改革委员会"], ["区统计局"]),
    }
    assert _targets(plan) == [
        (None, "单位生产总值(GDP)能耗下降", "13", "%", ">=", 2025),
        ("1.1", "新增光伏装机", "8", "万千瓦", ">=", 2025),
    ]
    assert "“十四五”期间,产业结构持续优化,绿色生活方式得到普遍推行" in plan.goals
