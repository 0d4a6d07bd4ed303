"""两高 classification rules and energy-review thresholds (exact boundaries)."""

from __future__ import annotations

import pytest

from carbonpeak.engine import two_high as th


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("C2511", "HEI_C25"),  # 原油加工及石油制品制造
        ("C2614", "HEI_C26"),  # 有机化学原料制造
        ("C3011", "HEI_C30"),  # 水泥制造
        ("3011", "HEI_C30"),  # without the section letter
        ("c30", "HEI_C30"),
        ("C3110", "HEI_C31"),
        ("C3216", "HEI_C32"),
        ("D4411", "HEI_D44"),  # 火力发电
    ],
)
def test_default_divisions_classify_with_their_rule(code, rule):
    result = th.classify_two_high(industry_code=code)
    assert result.is_two_high
    assert result.rule is not None and result.rule.code == rule
    # the rule is shown with its source: the MEE document and the code mapping
    assert "环环评〔2021〕45号" in result.rule.source
    assert result.rule.verification in ("secondary_2plus", "secondary_single")
    assert result.rule.pattern in result.reason


@pytest.mark.parametrize("code", ["C3311", "C2411", "B0610", "D4500", "C13", "E4710"])
def test_other_industries_are_not_two_high(code):
    result = th.classify_two_high(industry_code=code)
    assert not result.is_two_high
    assert result.rule is None
    assert result.industry_code == th.normalize_industry_code(code)


def test_default_rule_set_is_the_six_divisions_from_the_reference_csv():
    rules = th.TwoHighRuleSet.default().rules
    assert [r.pattern for r in rules] == ["C25", "C26", "C30", "C31", "C32", "D44"]
    # D44's code was read in one mapping only: the status says so
    assert next(r for r in rules if r.pattern == "D44").verification == "secondary_single"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("D3011", "门类字母与大类不符"),
        ("C1", "格式不正确"),
        ("C30111", "格式不正确"),
        ("C99", "不在 GB/T 4754-2017"),
    ],
)
def test_bad_codes_are_refused_in_chinese(code, message):
    with pytest.raises(th.ClassificationError, match=message):
        th.classify_two_high(industry_code=code)


def test_missing_code_is_not_two_high_but_says_so():
    result = th.classify_two_high(industry_code="")
    assert not result.is_two_high
    assert "补填行业代码" in result.reason


def test_narrower_provincial_rules_win_and_apply_only_in_their_province():
    clinker = th.make_rule(
        code="HN_CLINKER",
        name_zh="水泥熟料",
        kind="product",
        pattern="熟料",
        scope="湖南省",
        source="示例：某省两高项目管理目录",
    )
    glass = th.make_rule(
        code="HN_C3041",
        name_zh="平板玻璃制造",
        kind="industry",
        pattern="3041",
        scope="湖南省",
        source="示例目录",
    )
    rs = th.TwoHighRuleSet.default().with_rules([clinker, glass])
    # product keyword beats the division
    r = th.classify_two_high(
        industry_code="C3011", products=["水泥熟料 200万吨"], province="湖南省", rule_set=rs
    )
    assert r.rule is not None and r.rule.code == "HN_CLINKER"
    assert [m.code for m in r.matched] == ["HN_CLINKER", "HEI_C30"]
    # a 4-digit class beats its division
    r = th.classify_two_high(industry_code="C3041", province="湖南省", rule_set=rs)
    assert r.rule is not None and r.rule.code == "HN_C3041"
    assert glass.pattern == "C3041"
    # in another province the provincial rules do not apply: the division decides
    r = th.classify_two_high(industry_code="C3041", products=["熟料"], province="江西省", rule_set=rs)
    assert r.rule is not None and r.rule.code == "HEI_C30"
    # a product rule alone can classify an industry outside the divisions
    r = th.classify_two_high(industry_code="C3311", products=["熟料"], province="湖南省", rule_set=rs)
    assert r.is_two_high and r.rule is not None and r.rule.code == "HN_CLINKER"


def test_user_rules_need_a_source_and_a_known_kind():
    with pytest.raises(th.ClassificationError, match="来源"):
        th.make_rule(code="X", name_zh="x", kind="industry", pattern="C30", source="")
    with pytest.raises(th.ClassificationError, match="规则类型"):
        th.make_rule(code="X", name_zh="x", kind="sector", pattern="C30", source="s")


# --------------------------------------------------------------------------------------
# energy-review thresholds: ≥ 10 000 tce provincial; < 1 000 tce AND < 5 000 000 kWh no report
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("energy_tce", "electricity_kwh", "level"),
    [
        (10_000.0, 0.0, "provincial"),  # exactly the threshold: 及以上
        (10_000.01, 0.0, "provincial"),
        (9_999.99, 0.0, "local"),
        (9_999.99, 80_000_000.0, "local"),
        (1_000.0, 0.0, "local"),  # not strictly below 1 000 tce
        (999.99, 5_000_000.0, "local"),  # electricity not strictly below 5 000 000 kWh
        (999.99, 4_999_999.0, "no_separate_report"),  # both strictly below
        (0.0, 0.0, "no_separate_report"),
    ],
)
def test_review_level_boundaries(energy_tce, electricity_kwh, level):
    assert th.review_level(energy_tce=energy_tce, electricity_kwh=electricity_kwh).level == level


def test_default_thresholds_come_from_the_reference_with_basis_and_status():
    t = th.ReviewThresholds.default()
    assert t.provincial_min_tce.value == 10_000
    assert t.provincial_min_tce.verification == "secondary_single"
    assert "当量值" in t.provincial_min_tce.basis
    assert "发改委令2023年第2号" in t.provincial_min_tce.source
    assert t.no_report_energy_max_tce.value == 1_000
    assert t.no_report_electricity_max_kwh.value == 5_000_000
    # "same as above" in the CSV resolves to the row above's source
    assert t.no_report_electricity_max_kwh.source == t.no_report_energy_max_tce.source
    reason = th.review_level(energy_tce=12_000, electricity_kwh=0).reason
    assert "10,000 tce" in reason and "secondary_single" in reason


def test_provincial_values_replace_defaults_only_with_a_source():
    t = th.ReviewThresholds.default()
    with pytest.raises(th.ClassificationError, match="来源"):
        t.with_values(provincial_min_tce=5_000)
    local = t.with_values(provincial_min_tce=5_000, source="示例：某省节能审查实施办法")
    assert th.review_level(energy_tce=5_000, electricity_kwh=0, thresholds=local).level == "provincial"
    assert th.review_level(energy_tce=4_999.9, electricity_kwh=0, thresholds=local).level == "local"
    assert local.provincial_min_tce.verification == "user"


def test_negative_inputs_refused():
    with pytest.raises(th.ClassificationError):
        th.review_level(energy_tce=-1, electricity_kwh=0)
