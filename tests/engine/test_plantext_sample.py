"""The sample plan (岳阳县碳达峰实施方案): every action, task, department and target, written by hand."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from carbonpeak.engine.plantext import parse_plan, read_document

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "yueyang-county-carbon-peak-plan.txt"

F = "县发展和改革局"
G = "县工业和信息化局"
Z = "县住房和城乡建设局"
S = "市生态环境局岳阳县分局"
N = "县农业农村局"
ZR = "县自然资源局"
K = "县科学技术局"
GD = "县供电公司"
C = "县城市管理和综合执法局"
JT = "县交通运输局"
SL = "县商务粮食局"
JG = "县机关事务管理中心"
L = "县林业局"
SJ = "县市场监督管理局"
WL = "县文化旅游广电局"
RS = "县人力资源和社会保障局"
XM = "县畜牧水产发展服务中心"
CZ = "县财政局"
ZZB = "县委组织部"
XCB = "县委宣传部"
PARK = "岳阳高新技术产业园区管委会"
TOWNS = "各乡镇人民政府"
CARRIED = [PARK, TOWNS]

ACTIONS = [
    "产业绿色低碳发展行动",
    "能源绿色低碳转型行动",
    "节能减污降碳增效行动",
    "交通领域碳达峰行动",
    "建筑领域碳达峰行动",
    "碳汇能力巩固提升行动",
    "循环经济助力降碳行动",
    "低碳科技创新引领行动",
    "绿色低碳全民参与行动",
    "开展低碳示范建设行动",
]

# code: (title, lead, cooperating as written in the task's own bracket)
TASKS = {
    "1.1": ("推动工业绿色低碳转型", [F, G], [PARK, TOWNS]),
    "1.2": ("推动农业绿色低碳发展", [N], [F, "县渔政局", XM, S]),
    "1.3": ("推动建材行业碳达峰", [G, F], [S]),
    "2.1": ("推动化石能源清洁高效利用", [F], [C, Z]),
    "2.2": ("大力发展新能源", [F], [Z, ZR, GD]),
    "2.3": ("完善新型电力系统建设布局", [F], [GD, G]),
    "3.1": ("全面提升节能综合管理能力", [F], [G, RS]),
    "3.2": ("有序实施节能降碳重点工程", [G, F], [S, Z]),
    "3.3": ("积极推进重点用能设备节能增效", [F], [G, K]),
    "3.4": ("促进新型基础设施节能降碳", [F], [K, G, ZR]),
    "4.1": ("推动运输工具装备低碳转型", [JT], [F, SL, JG, GD]),
    "4.2": ("构建高效低碳交通网络", [JT], [C, CZ, F]),
    "4.3": ("加快交通基础设施低碳建设", [JT], [F, GD, G, Z]),
    "4.4": ("推动现代物流绿色低碳发展", [JT], [SL, G, N]),
    "5.1": ("推动城乡建设绿色低碳发展", [Z], [F, ZR, K]),
    "5.2": ("加快提升建筑能效水平", [Z], [F, ZR, G, S, K]),
    "5.3": ("不断优化建筑用能结构", [Z], [F, JG, K]),
    "5.4": ("推进农村建设低碳转型", [Z], [F, N, S]),
    "6.1": ("巩固生态系统碳汇成果", [L], [ZR, N, S]),
    "6.2": ("提升生态系统碳汇能力", [L], [F, N, S, ZR]),
    "6.3": ("加强生态系统碳汇基础支撑", [L], [N, S, ZR, F]),
    "6.4": ("推进农业农村减排固碳", [N, L], [F, S, XM, ZR]),
    "7.1": ("推进园区循环化改造", [F], [G, S]),
    "7.2": ("提升大宗固废综合利用水平", [S], [C, Z, F, G, ZR]),
    "7.3": ("积极倡导资源循环利用", [S], [ZR, F]),
    "7.4": ("推进生活垃圾减量化资源化", [C], [S, Z, F]),
    "8.1": ("完善绿色低碳技术创新生态", [K], [F, G]),
    "8.2": ("支持绿色低碳创新平台建设", [K], [F, G, S, SJ]),
    "8.3": ("加快绿色低碳技术创新转化应用", [K], [F, G, SJ, ZR, JT, Z]),
    "8.4": ("加强“双碳”人才引育", [ZZB], [K, RS, "县教育体育局", F, G, S]),
    "9.1": ("加强低碳宣传教育", [XCB], [SJ, Z, JT, SL, JG]),
    "9.2": ("倡导绿色低碳生活", [XCB], [F, CZ, SL, S, WL, JG, Z, JT]),
    "9.3": ("引导企业履行社会责任", [F], [G, S]),
    "9.4": ("提升领导干部“双碳”专业能力", [ZZB], ["县委党校"]),
    "9.5": ("组织开展低(零)碳试点示范工作", [F], [S, G, Z, JT, N, L]),
    "10.1": ("积极培育“双碳”新兴产业", [F], [G, K]),
    "10.2": ("大力发展生态绿色农业", [N], [L, SJ, WL, XM]),
    "10.3": ("加快服务业全面绿色升级", [F], [WL, "县卫生健康局", "县民政局"]),
}

# (task_code, indicator, value_text, unit, comparator, year, scope)
TARGETS = [
    ("2.2", "新能源装机容量", "135.5", "万千瓦", ">=", 2025, "全县"),
    ("2.3", "农村电网供电可靠率", "99.87", "%", ">=", 2025, None),
    ("2.3", "综合电压合格率", "99.867", "%", ">=", 2025, None),
    ("2.3", "尖峰负荷响应能力", "5", "%", ">=", 2030, "全县"),
    ("4.1", "新增交通工具采用新能源及清洁能源比例", "100", "%", ">=", 2025, "公共领域"),
    ("4.1", "新增新能源、清洁能源动力的交通工具比例", "80", "%", ">=", 2030, None),
    ("4.2", "公交交通占机动车出行比例", "30", "%", ">=", 2025, None),
    ("4.2", "绿色出行比例", "70", "%", ">=", 2030, "城区"),
    ("4.3", "充电车位比例", "20", "%", ">=", None, None),
    ("5.2", "新建民用建筑绿色建筑占比", "100", "%", ">=", 2025, "全县城镇规划区"),
    ("6.2", "森林覆盖率", "39.00", "%", "=", 2025, "全县"),
    ("6.2", "森林蓄积量", "441", "万立方米", "=", 2025, None),
    ("7.4", "城市生活垃圾无害化处理率", "100", "%", ">=", 2025, None),
]


@pytest.fixture(scope="module")
def source() -> str:
    return read_document(SAMPLE)


@pytest.fixture(scope="module")
def plan(source):
    return parse_plan(source)


def test_header(plan):
    assert plan.title == "岳阳县碳达峰实施方案"
    assert plan.document_number == "岳县政发〔2024〕2号"
    assert plan.issuer == "岳阳县人民政府"
    assert plan.issued_on == datetime.date(2024, 3, 18)
    assert plan.warnings == []


def test_all_ten_actions_in_order(plan):
    assert [a.title for a in plan.actions] == ACTIONS
    assert [a.number for a in plan.actions] == list(range(1, 11))
    assert [len(a.tasks) for a in plan.actions] == [3, 3, 4, 4, 4, 4, 4, 4, 5, 3]


def test_all_38_tasks_with_titles(plan):
    assert [t.code for t in plan.tasks] == list(TASKS)
    assert {t.code: t.title for t in plan.tasks} == {code: row[0] for code, row in TASKS.items()}


@pytest.mark.parametrize("code", list(TASKS))
def test_departments_of_every_task(plan, code):
    task = next(t for t in plan.tasks if t.code == code)
    _title, lead, cooperating = TASKS[code]
    assert task.lead == lead
    expected = cooperating + [unit for unit in CARRIED if unit not in cooperating and unit not in lead]
    assert task.cooperating == expected


def test_no_department_both_lead_and_cooperating(plan):
    for task in plan.tasks:
        assert not set(task.lead) & set(task.cooperating), task.code
        assert len(task.cooperating) == len(set(task.cooperating)), task.code


def test_task_text_is_verbatim_with_department_bracket(plan, source):
    first = plan.tasks[0]
    assert first.text.startswith("推动工业绿色低碳转型。加快传统产业绿色低碳改造")
    assert first.text.endswith("(以下任务均需岳阳高新技术产业园区管委会和各乡镇人民政府配合,不再重复列出)]")
    for task in plan.tasks:
        assert task.text in source


def test_every_quantitative_target(plan):
    got = [
        (t.task_code, t.indicator, t.value_text, t.unit, t.comparator, t.year, t.scope) for t in plan.targets
    ]
    assert got == TARGETS
    for target in plan.targets:
        assert target.value == float(target.value_text)


def test_target_quotes_are_verbatim_clauses(plan, source):
    for target in plan.targets:
        assert target.quote in source
        assert target.value_text in target.quote
    forest = next(t for t in plan.targets if t.indicator == "森林覆盖率")
    assert forest.quote.endswith("全县森林覆盖率目标值为稳定在39.00%")


def test_numbers_that_are_not_commitments_are_not_targets(plan):
    # voltage levels, project sizes, the 500 m service radius and the document number
    assert {t.value_text for t in plan.targets}.isdisjoint({"220", "110", "1000", "500", "2024", "2"})
    assert not {t.unit for t in plan.targets} & {"千伏", "米", "兆", "号"}


def test_qualitative_goals(plan):
    joined = "\n".join(plan.goals)
    assert "下降率完成市下达目标任务" in joined
    assert "2030年前碳达峰" in joined
    assert "以全县2030年前实现碳达峰为核心目标" in plan.goals
    for goal in plan.goals:
        assert not any(t.quote == goal for t in plan.targets)


def test_to_dict_has_the_issue_json_shape(plan):
    data = plan.to_dict()
    assert {"title", "document_number", "issuer", "issued_on", "goals", "actions", "targets"} <= data.keys()
    assert data["issued_on"] == "2024-03-18"
    task = data["actions"][1]["tasks"][1]
    assert {"code", "title", "text", "lead", "cooperating"} <= task.keys()
    target = data["targets"][0]
    assert {
        "indicator",
        "value",
        "unit",
        "comparator",
        "year",
        "scope",
        "quote",
        "task_code",
    } <= target.keys()
    assert target["value"] == 135.5 and isinstance(target["value"], float)
    assert data["targets"][10]["value_text"] == "39.00" and data["targets"][10]["value"] == 39.0
