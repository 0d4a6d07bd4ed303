"""The department registry: aliases, administrative prefixes, no over-merging, merging registries."""

from __future__ import annotations

import pytest

from carbonpeak.engine.departments import DepartmentRegistry, clean_department_name
from carbonpeak.engine.plantext.assignments import parse_assignment, split_names


@pytest.fixture(scope="module")
def registry():
    return DepartmentRegistry.default()


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("县发改局", "县发展和改革局"),
        ("县发展改革局", "县发展和改革局"),
        ("县发展和改革局", "县发展和改革局"),
        ("市发改委", "市发展和改革委员会"),
        ("省发展改革委", "省发展和改革委员会"),
        ("县工信局", "县工业和信息化局"),
        ("省住房城乡建设厅", "省住房和城乡建设厅"),
        ("县住建局", "县住房和城乡建设局"),
        ("县交通局", "县交通运输局"),
        ("县人社局", "县人力资源和社会保障局"),
        ("区市场监管局", "区市场监督管理局"),
        ("县教体局", "县教育体育局"),
        ("县文旅广电局", "县文化旅游广电局"),
        ("县卫健局", "县卫生健康局"),
        ("市卫健委", "市卫生健康委员会"),
        ("县城管局", "县城市管理和综合执法局"),
        ("县机关事务中心", "县机关事务管理中心"),
        ("市机关事务局", "市机关事务管理局"),
        ("县科技局", "县科学技术局"),
        ("县商粮局", "县商务粮食局"),
        ("旗发改局", "旗发展和改革局"),
        ("州工信局", "州工业和信息化局"),
        # a named place as prefix
        ("岳阳县发改局", "岳阳县发展和改革局"),
        ("岳阳县发展和改革局", "岳阳县发展和改革局"),
    ],
)
def test_aliases_and_prefixes(registry, written, name):
    assert registry.canonical(written) == name


@pytest.mark.parametrize(
    "distinct",
    [
        ("县自然资源局", "县自然资源和规划局"),
        ("县卫生健康局", "县卫生健康委员会"),
        ("县机关事务管理局", "县机关事务管理中心"),
        ("县城市管理局", "县城市管理和综合执法局"),
        ("县教育局", "县教育体育局"),
        ("县农业局", "县农业农村局"),
        ("县生态环境局", "县环境保护局"),
        ("县商务局", "县商务粮食局"),
        ("市发展和改革委员会", "县发展和改革局"),
    ],
)
def test_distinct_bodies_are_not_merged(registry, distinct):
    first, second = distinct
    assert registry.canonical(first) != registry.canonical(second)


@pytest.mark.parametrize(
    "written",
    [
        "市生态环境局岳阳县分局",
        "县委宣传部",
        "岳阳高新技术产业园区管委会",
        "国网岳阳县供电公司",
        "各乡镇人民政府",
    ],
)
def test_unknown_or_complete_names_stay_as_written(registry, written):
    assert registry.canonical(written) == written


def test_unknown_names_are_cleaned(registry):
    assert registry.canonical("  县渔政局、") == "县渔政局"
    assert registry.canonical("县委 党校") == "县委党校"
    assert registry.canonical("市林业局等") == "市林业局"
    assert clean_department_name("(县发改局") == "县发改局"
    assert clean_department_name("各村(社区)") == "各村（社区）"  # brackets in names are written full-width


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("县人力资源和社会保障局", ["县人力资源和社会保障局"]),
        ("县住房和城乡建设局和县发展和改革局", ["县住房和城乡建设局", "县发展和改革局"]),
        ("岳阳高新技术产业园区管委会和各乡镇人民政府", ["岳阳高新技术产业园区管委会", "各乡镇人民政府"]),
        ("市自然资源和规划局、市林业局", ["市自然资源和规划局", "市林业局"]),
        ("县委宣传部及县文明办", ["县委宣传部", "县文明办"]),
        ("县工业和信息化局与县科技局", ["县工业和信息化局", "县科技局"]),
        ("省文化和旅游厅", ["省文化和旅游厅"]),
    ],
)
def test_lists_split_on_conjunctions_only_between_names(registry, text, names):
    assert split_names(text, registry) == names


@pytest.mark.parametrize(
    ("content", "lead", "cooperating"),
    [
        (
            "县工信局、县发改局牵头,市生态环境局岳阳县分局按职责分工负责",
            ["县工业和信息化局", "县发展和改革局"],
            ["市生态环境局岳阳县分局"],
        ),
        ("县发改局牵头，县住建局参与", ["县发展和改革局"], ["县住房和城乡建设局"]),
        # a list without roles has no lead: none is invented
        ("责任单位：县发改局、县工信局", [], ["县发展和改革局", "县工业和信息化局"]),
        ("责任单位：县发改局", ["县发展和改革局"], []),
        ("县发改局负责", ["县发展和改革局"], []),
        ("县发改局、县工信局负责", [], ["县发展和改革局", "县工业和信息化局"]),
        ("责任单位：县工信局、县发改局(牵头)", ["县发展和改革局"], ["县工业和信息化局"]),
        (
            "牵头单位：县发改局；责任单位：县工信局、县统计局",
            ["县发展和改革局"],
            ["县工业和信息化局", "县统计局"],
        ),
        ("牵头单位:县林业局\n配合单位:县自然资源局", ["县林业局"], ["县自然资源局"]),
        ("由县发改局负责", ["县发展和改革局"], []),
        ("县商务局牵头,县发改局等配合", ["县商务局"], ["县发展和改革局"]),
        ("省发展改革委、省能源局等按职责分工负责", [], ["省发展和改革委员会", "省能源局"]),
        ("县发改局、县发改局、县工信局牵头", ["县发展和改革局", "县工业和信息化局"], []),
    ],
)
def test_assignment_forms(registry, content, lead, cooperating):
    assignment = parse_assignment(content, registry)
    assignment.finish(registry)
    assert (assignment.lead, assignment.cooperating) == (lead, cooperating)


@pytest.mark.parametrize(
    ("content", "lead", "cooperating"),
    [
        ("责任单位：县发改局、县工信局", ["县发展和改革局"], ["县工业和信息化局"]),
        ("县发改局、县工信局等按职责分工负责", ["县发展和改革局"], ["县工业和信息化局"]),
        (
            "县发改局牵头，县工信局、县住建局按职责分工负责",
            ["县发展和改革局"],
            ["县工业和信息化局", "县住房和城乡建设局"],
        ),
    ],
)
def test_first_listed_leads_only_when_the_document_says_so(registry, content, lead, cooperating):
    assignment = parse_assignment(content, registry, first_leads=True)
    assignment.finish(registry)
    assert (assignment.lead, assignment.cooperating) == (lead, cooperating)


def test_carry_forward_clause(registry):
    content = "县发改局、县工信局牵头,A管委会和各乡镇人民政府配合(以下任务均需A管委会和各乡镇人民政府配合,不再重复列出)"
    assignment = parse_assignment(content, registry)
    assignment.finish(registry)
    assert assignment.lead == ["县发展和改革局", "县工业和信息化局"]
    assert assignment.cooperating == ["A管委会", "各乡镇人民政府"]
    assert assignment.carry == ["A管委会", "各乡镇人民政府"]


def test_registry_from_entries_and_merge(registry):
    local = DepartmentRegistry([("县城市管理局", ["县城管局", "县城管执法局"]), ("县渔政局", ["县渔政站"])])
    assert local.canonical("县城管局") == "县城市管理局"
    assert local.canonical("县渔政站") == "县渔政局"
    merged = registry.merged(local)
    # the other registry wins over the default
    assert merged.canonical("县城管局") == "县城市管理局"
    assert merged.canonical("县城管执法局") == "县城市管理局"
    # the default's other aliases still work
    assert merged.canonical("县发改局") == "县发展和改革局"
    assert ("县渔政局", ["县渔政站"]) in merged.entries()
    # the default registry itself is unchanged
    assert registry.canonical("县城管局") == "县城市管理和综合执法局"


def test_entries_round_trip(registry):
    again = DepartmentRegistry(registry.entries())
    assert again.entries() == registry.entries()
    assert ("县发展和改革局", ["县发改局", "县发展改革局"]) in registry.entries() or any(
        name == "县发展和改革局" and {"县发改局", "县发展改革局"} <= set(aliases)
        for name, aliases in registry.entries()
    )


def test_parser_uses_a_given_registry():
    from carbonpeak.engine.plantext import parse_plan

    text = "1.推进节能。加强节能审查。(县城管局牵头,县渔政站配合)"
    local = DepartmentRegistry.default().merged(
        DepartmentRegistry([("县城市管理局", ["县城管局"]), ("县渔政局", ["县渔政站"])])
    )
    task = parse_plan(text, registry=local).tasks[0]
    assert (task.lead, task.cooperating) == (["县城市管理局"], ["县渔政局"])
