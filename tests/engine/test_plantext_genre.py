"""Structures of real plans listed in issue 15, each in a short text of our own in the genre."""

from __future__ import annotations

from carbonpeak.engine.plantext import parse_plan


def _departments(plan):
    return [(t.title, t.lead, t.cooperating) for t in plan.tasks]


def _targets(plan):
    return [(t.indicator, t.comparator, t.value_text, t.unit, t.year) for t in plan.targets]


def test_sub_items_with_their_own_brackets_are_tasks_and_shared_prefix_is_expanded():
    plan = parse_plan(
        "二、重点任务\n（一）能源行动\n1.大力发展新能源。\n"
        "（1）推进光伏发电。〔县发改局牵头，县自然资源局、林业局配合〕\n"
        "（2）发展生物质能。（县发改局、县农业农村局按职责分工负责）\n"
        "2.推进煤炭清洁利用。\n牵头单位：县发改局\n责任单位：县工信局、县生态环境局\n"
    )
    assert _departments(plan) == [
        ("推进光伏发电", ["县发展和改革局"], ["县自然资源局", "县林业局"]),
        ("发展生物质能", [], ["县发展和改革局", "县农业农村局"]),
        ("推进煤炭清洁利用", ["县发展和改革局"], ["县工业和信息化局", "县生态环境局"]),
    ]


def test_one_paragraph_with_two_sentence_items_gives_two_tasks():
    plan = parse_plan(
        "（一）工业行动\n1.推动传统产业升级。实施节能改造（县工信局牵头，县发改局等部门配合）。"
        "推进水泥错峰生产，严控新增产能（县工信局、县发改局分别牵头，各乡镇人民政府等按职责分工负责）。\n"
        "2.发展循环经济。（市住建局、发改局、自然资源局等部门按职责分工负责）\n"
    )
    assert _departments(plan) == [
        ("推动传统产业升级", ["县工业和信息化局"], ["县发展和改革局"]),
        ("推进水泥错峰生产", ["县工业和信息化局", "县发展和改革局"], ["各乡镇人民政府"]),
        ("发展循环经济", [], ["市住房和城乡建设局", "市发展和改革局", "市自然资源局"]),
    ]


def test_series_stretch_range_and_five_year_period():
    plan = parse_plan(
        "一、主要目标\n“十四五”期间，全县单位地区生产总值能耗下降14%。到2025年，非化石能源消费比重达到20%，"
        "力争达到22%；森林覆盖率稳定在58%—60%之间。2022年至2025年，城镇新建建筑中绿色建筑占比分别达到"
        "80%、90%、95%、100%。\n"
    )
    assert _targets(plan) == [
        ("单位地区生产总值能耗下降", ">=", "14", "%", 2025),
        ("非化石能源消费比重", ">=", "20", "%", 2025),
        ("非化石能源消费比重（力争）", ">=", "22", "%", 2025),
        ("森林覆盖率", "=", "58", "%", 2025),
        ("城镇新建建筑中绿色建筑占比", ">=", "80", "%", 2022),
        ("城镇新建建筑中绿色建筑占比", ">=", "90", "%", 2023),
        ("城镇新建建筑中绿色建筑占比", ">=", "95", "%", 2024),
        ("城镇新建建筑中绿色建筑占比", ">=", "100", "%", 2025),
    ]
    stretch = plan.targets[2]
    assert stretch.stretch and not plan.targets[1].stretch
    assert plan.targets[3].value_max == 60


def test_specifications_in_safeguards_and_project_boxes_are_not_targets():
    plan = parse_plan(
        "二、重点任务\n（一）能源行动\n1.发展光伏。到2025年，光伏装机达到30万千瓦。（县发改局负责）\n"
        "专栏1 能源重点工程\n建设东部光伏基地，规划装机容量15万千瓦，总投资约20亿元。\n"
        "2.建设储能。对新建储能按每千瓦时0.2元给予补贴，单个项目补贴不超过50万元。（县发改局负责）\n"
        "三、保障措施\n（一）加大资金支持。县财政每年安排专项资金不少于500万元。\n"
        "（二）严格准入。新建公共建筑设计能耗限值不高于55千瓦时/平方米。\n"
    )
    assert _targets(plan) == [("光伏装机", ">=", "30", "万千瓦", 2025)]


def test_targets_in_a_table_are_read_and_not_repeated():
    plan = parse_plan(
        "一、主要目标\n到2025年，非化石能源消费比重达到22%。\n表1 主要指标\n"
        "序号\t指标\t单位\t2020年（基期）\t2025年\t2030年\t属性\n"
        "1\t非化石能源消费比重\t%\t16.2\t22\t28以上\t约束性\n"
        "2\t单位地区生产总值能耗下降\t%\t—\t14\t完成省下达目标\t约束性\n"
        "二、重点任务\n（一）能源行动\n1.发展光伏。（县发改局负责）\n"
    )
    assert _targets(plan) == [
        ("非化石能源消费比重", ">=", "22", "%", 2025),
        ("非化石能源消费比重", ">=", "28", "%", 2030),
        ("单位地区生产总值能耗下降", ">=", "14", "%", 2025),
    ]


def test_a_policy_with_its_plan_as_annex():
    plan = parse_plan(
        "中共白河市委 白河市人民政府\n关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的实施意见\n"
        "一、总体要求\n（一）主要目标。到2030年，非化石能源消费比重达到25%左右。\n"
        "二、推进绿色转型\n（二）强化规划引领。将碳达峰要求融入规划。\n"
        "附件：白河市碳达峰实施方案\n附件\n白河市碳达峰实施方案\n一、主要目标\n到2025年，非化石能源消费比重达到15%。\n"
        "二、重点任务\n（一）能源行动\n1.大力发展光伏。\n牵头单位：市发展改革委\n配合单位：市自然资源局\n"
    )
    assert plan.title == "白河市碳达峰实施方案"
    assert _departments(plan) == [("大力发展光伏", ["市发展和改革委员会"], ["市自然资源局"])]
    assert [(t.value_text, t.year) for t in plan.targets] == [("25", 2030), ("15", 2025)]


def test_a_web_copy_collapsed_into_one_line_keeps_its_structure():
    text = (
        "二、重点任务（一）能源绿色低碳转型行动1.大力发展光伏。到2025年，光伏装机达到30万千瓦。"
        "（县发改局牵头，县自然资源局配合）2.推进煤炭清洁利用。（县发改局负责）"
        "（二）工业领域碳达峰行动1.推动建材行业降碳。（县工信局牵头，县生态环境局配合）"
    )
    plan = parse_plan(text)
    assert [(t.code, t.lead, t.cooperating) for t in plan.tasks] == [
        ("1.1", ["县发展和改革局"], ["县自然资源局"]),
        ("1.2", ["县发展和改革局"], []),
        ("2.1", ["县工业和信息化局"], ["县生态环境局"]),
    ]


def test_bare_unit_brackets_deadlines_and_role_wordings():
    plan = parse_plan(
        "（一）能源行动\n"
        "1.推进光伏建设。鼓励屋顶光伏。（责任单位：市发展改革委，各县（市、区）人民政府；完成时限：2025年底）\n"
        "2.推进农村能源。（市农业农村局，各县（市、区）人民政府）\n"
        "3.推广绿色电力。【市能源局】\n"
        "4.推进抽水蓄能。（由市能源局负责，市水利局配合）\n"
        "5.健全价格机制。(市发展改革委牵头,市财政局配合;各区县政府落实)\n"
        "6.完善公路网络。加快对外交通设施（公路）建设。\n"
    )
    assert _departments(plan) == [
        ("推进光伏建设", [], ["市发展和改革委员会", "各县（市、区）人民政府"]),
        ("推进农村能源", [], ["市农业农村局", "各县（市、区）人民政府"]),
        ("推广绿色电力", ["市能源局"], []),
        ("推进抽水蓄能", ["市能源局"], ["市水利局"]),
        ("健全价格机制", ["市发展和改革委员会"], ["市财政局", "各区县政府"]),
        ("完善公路网络", [], []),
    ]


def test_a_task_division_table_copied_from_a_web_page():
    plan = parse_plan(
        "二、重点任务\n（一）能源绿色低碳转型行动\n1.大力发展光伏。推进整县屋顶分布式光伏开发。\n2.推进储能建设。\n"
        "附件\n重点任务分工表\n"
        "序号\t重点行动\t重点任务\t牵头单位\t配合单位\t完成时限\n"
        "1\t能源绿色低碳转型行动\t大力发展光伏\t县发改局\t县自然资源局、县住建局\t2025年\n"
        "2\t\t推进储能建设\t县发改局\t国网供电公司\t持续推进\n"
        "3\t节能降碳增效行动\t提升节能管理\t县发改局\t县统计局\t2025年\n"
    )
    assert [(a.title, [(t.title, t.lead, t.cooperating) for t in a.tasks]) for a in plan.actions] == [
        (
            "能源绿色低碳转型行动",
            [
                ("大力发展光伏", ["县发展和改革局"], ["县自然资源局", "县住房和城乡建设局"]),
                ("推进储能建设", ["县发展和改革局"], ["国网供电公司"]),
            ],
        ),
        ("节能降碳增效行动", [("提升节能管理", ["县发展和改革局"], ["县统计局"])]),
    ]
