"""Patterns met in real plans of other regions, each reproduced in a short text of our own.

The texts are paraphrases written for these tests (invented places, numbers and
document numbers); they copy the *structure* that broke the parser, not the wording.
"""

from __future__ import annotations

import datetime

import pytest

from carbonpeak.engine.plantext import PlanParseError, parse_plan


def _tasks(plan):
    return {t.code: t for a in plan.actions for t in a.tasks}


def _targets(plan):
    return [(t.indicator, t.comparator, t.value_text, t.unit, t.year) for t in plan.targets]


def test_county_units_with_bracketed_qualifier_stay_one_unit():
    plan = parse_plan(
        "三、重点任务\n"
        "（一）能源结构优化行动\n"
        "1.壮大光伏产业。到2025年，全市光伏装机达到90万千瓦。（市发展改革局牵头，市能源局、各县（市、区）人民政府配合）\n"
        "2.压减散煤使用。（责任单位：市发展改革局、各县(市、区)人民政府）\n"
        "3.推进水泥行业超低排放改造。(市工业和信息化局、市生态环境局等按职责分工负责,"
        "各县〔市、区〕人民政府负责落实)\n"
    )
    tasks = _tasks(plan)
    assert tasks["1.1"].lead == ["市发展和改革局"]
    assert tasks["1.1"].cooperating == ["市能源局", "各县（市、区）人民政府"]
    # no lead written: none is invented, every listed unit cooperates
    assert tasks["1.2"].lead == []
    assert tasks["1.2"].cooperating == ["市发展和改革局", "各县（市、区）人民政府"]
    assert tasks["1.3"].lead == []
    assert tasks["1.3"].cooperating == ["市工业和信息化局", "市生态环境局", "各县（市、区）人民政府"]


def test_responsible_unit_label_with_note_and_space_separated_labels():
    plan = parse_plan(
        "一、严控能源消费\n"
        "（一）强化双控。\n"
        "1. 落实能源消费强度控制，到2025年，单位地区生产总值能耗比2020年下降12%。"
        "(负责单位:省发展改革委、省统计局、省直有关部门。未明确牵头单位的,由所列负责单位按职责分工负责,下同)\n"
        "2. 电厂供电煤耗控制在300克标准煤/千瓦时以内。(牵头单位:省能源局 参加单位:省发展改革委、省国资委)\n"
    )
    tasks = _tasks(plan)
    # the note says it: units of a list without a named lead work "按职责分工" — no lead
    assert tasks["1.1"].lead == []
    assert tasks["1.1"].cooperating == ["省发展和改革委员会", "省统计局", "省直有关部门"]
    assert tasks["1.2"].lead == ["省能源局"]
    assert tasks["1.2"].cooperating == ["省发展和改革委员会", "省国有资产监督管理委员会"]
    assert ("单位地区生产总值能耗下降", ">=", "12", "%", 2025) in _targets(plan)


def test_mirror_with_toneless_pinyin_lost_characters_and_spaced_numbers():
    text = (
        "名   ?称?:云溪市人民政府关于印发云溪市碳达峰实施方案的通知\n"
        "索???引??号?:0000-2023-01 发?布?机?构?:云溪市人民政府\n"
        "发?文?字?号?:云政发〔2023〕9号\n"
        "成?文?日?期?:2023年6月2日\n"
        "《云(yun)溪市碳(tan)达峰实施方(fang)案》已经(jing)市人(ren)民政府同(tong)意，现印发给你们。\n"
        "一、主要目标\n"
        "到 2025 年，非化石能源消费比重达到 18%以上，单位地区生产总值能耗较2020 年下降 13%。\n"
    )
    plan = parse_plan(text)
    assert plan.title == "云溪市碳达峰实施方案"
    assert plan.document_number == "云政发〔2023〕9号"
    assert plan.issuer == "云溪市人民政府"
    assert plan.issued_on == datetime.date(2023, 6, 2)
    assert _targets(plan) == [
        ("非化石能源消费比重", ">=", "18", "%", 2025),
        ("单位地区生产总值能耗下降", ">=", "13", "%", 2025),
    ]
    assert not any("碳达峰”“降碳" in w for w in plan.warnings)


def test_encyclopedia_mirror_header_lines_are_not_glued():
    text = (
        "青屿省碳達峰實施方案\n"
        "基本介紹\n"
        "  • 中文名:青屿省碳達峰實施方案\n"
        "  • 發布單位:青屿省人民政府\n"
        "發布信息,內容全文,\n"
        "發布信息\n"
        "青屿省人民政府關於印發青屿省碳達峰實施方案的通知\n"
        "青府〔2022〕31號\n"
        "各市、縣人民政府，省政府直屬各單位：\n"
        "《青屿省碳達峰實施方案》已經省委、省政府同意，現印發給你們，請結合實際認真貫徹執行。\n"
        "青屿省人民政府\n"
        "2022年9月1日\n"
        "內容全文\n"
        "為貫徹落實黨中央決策部署，特制定本實施方案。\n"
        "一、總體要求\n"
        "堅持系統觀念，確保2030年前實現碳達峰。\n"
    )
    plan = parse_plan(text)
    assert plan.title == "青屿省碳达峰实施方案"
    assert plan.document_number == "青府〔2022〕31号"
    assert plan.issuer == "青屿省人民政府"
    assert plan.issued_on == datetime.date(2022, 9, 1)
    assert all("印发" not in g and "中文名" not in g and "制定本" not in g for g in plan.goals)
    assert "确保2030年前实现碳达峰" in plan.goals


def test_issuer_on_its_own_line_and_signatory_without_quotes():
    text = (
        "石港经开发〔2023〕4号\n"
        "石港经开区管委会\n"
        "关于印发石港经开区碳达峰实施方案的通知\n"
        "各镇人民政府，管委会各部门：\n"
        "现将《石港经开区碳达峰实施方案》印发给你们，请认真贯彻执行。\n"
        "石港经开区管委会\n"
        "2023年4月20日\n"
        "石港经开区碳达峰实施方案\n"
        "为深入贯彻党中\n"
    )
    plan = parse_plan(text)
    assert plan.title == "石港经开区碳达峰实施方案"
    assert plan.document_number == "石港经开发〔2023〕4号"
    assert plan.issuer == "石港经开区管委会"
    assert plan.issued_on == datetime.date(2023, 4, 20)
    assert plan.goals == []


def test_signatory_line_gives_issuer_when_notice_title_is_missing():
    text = (
        "各区县人民政府，市直各单位：\n"
        "《河湾市碳达峰实施方案》已经市人民政府同意，现印发给你们，请认真遵照执行。\n"
        "河湾市人民政府\n"
        "2023年2月3日\n"
        "（此件主动公开）\n"
        "为完整、准确、全面贯彻新发展理念，根据《国务院关于印发2030年前碳达峰行动方案的通知》要求，"
        "结合河湾实际，制定本实施方案。\n"
    )
    plan = parse_plan(text)
    assert plan.title == "河湾市碳达峰实施方案"
    assert plan.issuer == "河湾市人民政府"
    assert plan.issued_on == datetime.date(2023, 2, 3)
    # a peak named inside a cited title is not a goal; nothing of the notice is a goal
    assert plan.goals == []


def test_news_copy_keeps_goals_and_drops_the_news_lead_and_notice():
    text = (
        "远山市碳达峰实施方案发布：重点发展储能产业\n"
        "5月6日，远山市人民政府发布关于印发《远山市碳达峰实施方案》的通知。\n"
        "《方案》提出，到2025年，非化石能源消费比重达到28%以上，单位地区生产总值能耗、二氧化碳排放完成省下达的目标。"
        "确保2030年前实现碳达峰。\n"
        "《方案》指出，推动储能产业发展壮大，加快培育新动能。\n"
        "远山市人民政府关于印发远山市碳达峰实施方案的通知\n"
        "远府〔2023〕12号\n"
        "远山市人民政府\n"
        "2023年4月28日\n"
    )
    plan = parse_plan(text)
    assert plan.title == "远山市碳达峰实施方案"
    assert plan.document_number == "远府〔2023〕12号"
    assert plan.issuer == "远山市人民政府"
    assert _targets(plan) == [("非化石能源消费比重", ">=", "28", "%", 2025)]
    assert "到2025年，单位地区生产总值能耗、二氧化碳排放完成省下达的目标" in plan.goals
    assert "确保2030年前实现碳达峰" in plan.goals
    assert not any("印发" in g or "5月6日" in g or "推动储能" in g for g in plan.goals)


def test_respective_declines_keep_the_intensity_prefix_and_about_means_equal():
    plan = parse_plan(
        "二、主要目标\n"
        "2024年，单位地区生产总值能源消耗和二氧化碳排放分别降低3%左右、4%左右，"
        "重点行业节能改造形成节能量约80万吨标准煤。\n"
    )
    assert _targets(plan) == [
        ("单位地区生产总值能源消耗降低", "=", "3", "%", 2024),
        ("单位地区生产总值二氧化碳排放降低", "=", "4", "%", 2024),
        ("重点行业节能改造形成节能量", "=", "80", "万吨标准煤", 2024),
    ]


def test_goals_paragraph_split_by_a_copy_keeps_its_year():
    plan = parse_plan(
        "二、主要目标\n"
        "到2025年，森林覆盖率达到41%。到2030年，重点行业能源利用效率达到国内先进水平。\n"
        "单位地区生产总值二氧化碳排放比2005年下降68%以上；森林覆盖率达到42%左右。\n"
    )
    assert _targets(plan) == [
        ("森林覆盖率", ">=", "41", "%", 2025),
        ("单位地区生产总值二氧化碳排放下降", ">=", "68", "%", 2030),
        ("森林覆盖率", "=", "42", "%", 2030),
    ]


def test_goals_section_and_lone_action_heading_give_each_target_once():
    plan = parse_plan(
        "梅川区碳达峰实施方案\n"
        "一、主要目标\n"
        "“十四五”期间，绿色低碳发展取得积极进展。到 2025 年，单位生产总值(GDP)能耗比 2020年下降 13%以上。\n"
        "二、重点任务\n"
        "（一）建筑领域碳达峰行动\n"
        "推动既有建筑节能改造。\n"
    )
    assert _targets(plan) == [("单位生产总值(GDP)能耗下降", ">=", "13", "%", 2025)]


def test_header_only_excerpt_of_a_plan_is_not_refused_but_unrelated_text_is():
    plan = parse_plan(
        "岭南市人民政府关于印发岭南市碳达峰实施方案的通知\n"
        "岭府〔2023〕5号\n"
        "现将《岭南市碳达峰实施方案》印发给你们，请认真组织实施。\n"
        "岭南市人民政府\n"
        "2023年3月9日\n"
    )
    assert plan.title == "岭南市碳达峰实施方案"
    assert plan.goals == [] and plan.targets == [] and plan.actions == []
    with pytest.raises(PlanParseError):
        parse_plan("今天天气晴朗，适合外出散步。明天有小雨。")


def test_respective_emission_reductions_share_their_noun():
    plan = parse_plan("二、主要目标\n到2025年，化学需氧量、氨氮重点工程减排量分别达到1.20万吨、0.05万吨。\n")
    assert _targets(plan) == [
        ("化学需氧量减排量", ">=", "1.20", "万吨", 2025),
        ("氨氮重点工程减排量", ">=", "0.05", "万吨", 2025),
    ]
