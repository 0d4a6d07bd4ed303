"""碳效码: L, industry mean, K, grade and level against hand-computed cases; boundaries; small divisions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from carbonpeak.engine import carbon_efficiency as ce
from carbonpeak.engine.carbon_efficiency import EnterpriseYear, evaluate


def row(uscc: str, code: str, co2: str, va: str, year: int = 2023) -> EnterpriseYear:
    return EnterpriseYear(
        uscc=uscc,
        name=uscc,
        industry_code=code,
        year=year,
        co2_t=Decimal(co2),
        value_added_10k_yuan=Decimal(va),
    )


def by_uscc(results):
    return {r.uscc: r for r in results}


@pytest.mark.parametrize(
    ("code", "division"),
    [
        ("C2614", "C26"),
        ("2614", "C26"),
        ("C261", "C26"),
        ("C26", "C26"),
        ("26", "C26"),
        ("4411", "D44"),
        ("0111", "A01"),
        (" c3011 ", "C30"),
    ],
)
def test_division_from_any_code_length(code, division):
    assert ce.industry_division(code) == division


@pytest.mark.parametrize("code", ["C", "", "X2614", "99", "A2614", "C26141", "C2a"])
def test_bad_industry_code_is_a_chinese_error(code):
    with pytest.raises(ce.CarbonEfficiencyError) as info:
        ce.industry_division(code)
    assert "行业代码" in info.value.message


def test_hand_computed_division():
    # C26, 2023: CO2 120/300/900 t, VA 200/300/500 万元.
    # L = 0.6, 1.0, 1.8; mean = 1320/1000 = 1.32; K = 0.454545, 0.757576, 1.363636.
    results = by_uscc(
        evaluate(
            [row("a", "C2614", "120", "200"), row("b", "2619", "300", "300"), row("c", "C26", "900", "500")]
        )
    )
    assert_allclose([results[u].intensity_t_per_10k_yuan for u in "abc"], [0.6, 1.0, 1.8], rtol=1e-12)
    assert_allclose([results[u].industry_mean_t_per_10k_yuan for u in "abc"], [1.32] * 3, rtol=1e-12)
    assert_allclose([results[u].k for u in "abc"], [0.6 / 1.32, 1.0 / 1.32, 1.8 / 1.32], rtol=1e-12)
    assert [results[u].grade for u in "abc"] == [1, 2, 4]
    assert [results[u].level for u in "abc"] == ["低碳", "中碳", "中碳"]
    assert all(results[u].division == "C26" for u in "abc")


def test_mean_is_ratio_of_sums_not_mean_of_ratios():
    # L = 1 and 3 and 2 with very different sizes: the big one dominates the mean.
    results = evaluate(
        [row("a", "C30", "10", "10"), row("b", "C30", "3000", "1000"), row("c", "C30", "20", "10")]
    )
    assert_allclose(results[0].industry_mean_t_per_10k_yuan, 3030 / 1020, rtol=1e-12)


@pytest.mark.parametrize(
    ("k_numerator", "grade"),
    [
        # the division mean is 1 (three enterprises: the tested one, and two balancing it)
        ("0.6", 1),
        ("0.6000001", 2),
        ("0.8", 2),
        ("0.8000001", 3),
        ("1.2", 3),
        ("1.2000001", 4),
        ("2.0", 4),
        ("2.0000001", 5),
        ("0", 1),
    ],
)
def test_grade_boundaries_are_inclusive_upper_bounds(k_numerator, grade):
    # a: L = x on VA 1; b, c: chosen so that the mean is exactly 1.
    x = Decimal(k_numerator)
    rest = Decimal(3) - x  # total CO2 3 on total VA 3
    results = by_uscc(
        evaluate(
            [
                row("a", "C26", str(x), "1"),
                row("b", "C26", str(rest / 2), "1"),
                row("c", "C26", str(rest / 2), "1"),
            ]
        )
    )
    assert results["a"].industry_mean_t_per_10k_yuan == 1.0
    assert results["a"].grade == grade


@pytest.mark.parametrize(
    ("intensity", "level"),
    [("0.6", "低碳"), ("0.6001", "中碳"), ("2.0", "中碳"), ("2.0001", "高碳"), ("0", "低碳")],
)
def test_level_boundaries(intensity, level):
    assert ce.level_for_intensity(Decimal(intensity), ce.DEFAULT_PRESET.level_upper_l) == level


def test_float_boundaries_are_exact():
    # 0.6 as a float is not 3/5 in binary; the grade still treats it as the bound.
    assert ce.grade_for_k(0.6, (0.6, 0.8, 1.2, 2.0)) == 1
    assert ce.grade_for_k(1.2, (0.6, 0.8, 1.2, 2.0)) == 3
    assert ce.level_for_intensity(2.0, (0.6, 2.0)) == "中碳"


def test_boundary_reached_through_division_arithmetic():
    # K = (0.3/0.5) / (sum 3/sum 3) = 0.6 exactly, computed from 0.3 and 0.5, which floats cannot hold.
    results = by_uscc(
        evaluate([row("a", "C26", "0.3", "0.5"), row("b", "C26", "1.7", "1.5"), row("c", "C26", "1", "1")])
    )
    assert results["a"].grade == 1
    assert_allclose(results["a"].k, 0.6, rtol=1e-12)


def test_fewer_than_three_in_a_division_is_not_graded_with_reason_but_keeps_level():
    results = by_uscc(
        evaluate(
            [
                row("a", "C26", "1", "1"),
                row("b", "C26", "3", "1"),
                row("c", "C30", "1", "1"),
                row("d", "C30", "1", "1"),
                row("e", "C30", "1", "1"),
            ]
        )
    )
    for u in "ab":
        assert results[u].grade is None
        assert results[u].k is None
        assert results[u].industry_mean_t_per_10k_yuan is None
        assert "少于 3 家" in results[u].reason
        assert results[u].division_enterprises == 2
    assert results["a"].level == "中碳"
    assert results["b"].level == "高碳"
    assert results["c"].grade == 3  # K = 1


def test_divisions_and_years_are_separate_groups():
    rows = [row(u, "C26", "1", "1", 2022) for u in "abc"] + [row(u, "C26", "2", "1", 2023) for u in "ab"]
    results = evaluate(rows)
    assert [r.grade for r in results] == [3, 3, 3, None, None]


def test_zero_or_negative_value_added_is_not_graded_and_not_in_the_mean():
    rows = [
        row("a", "C26", "1", "1"),
        row("b", "C26", "1", "1"),
        row("c", "C26", "4", "1"),
        row("z", "C26", "5", "0"),
        row("n", "C26", "5", "-3"),
    ]
    results = by_uscc(evaluate(rows))
    for u in "zn":
        assert results[u].grade is None
        assert results[u].level is None
        assert results[u].intensity_t_per_10k_yuan is None
        assert "零或负数" in results[u].reason
    assert_allclose(results["a"].industry_mean_t_per_10k_yuan, 2.0)  # (1+1+4)/3
    assert results["a"].division_enterprises == 3


def test_two_positive_and_one_zero_value_added_is_too_small():
    results = evaluate([row("a", "C26", "1", "1"), row("b", "C26", "1", "1"), row("z", "C26", "1", "0")])
    assert [r.grade for r in results] == [None, None, None]
    assert "仅 2 家" in results[0].reason


def test_zero_industry_mean_is_not_graded():
    results = evaluate([row(u, "C26", "0", "1") for u in "abc"])
    assert all(r.grade is None and "为零" in r.reason and r.level == "低碳" for r in results)


def test_negative_co2_and_duplicates_are_user_errors():
    with pytest.raises(ce.CarbonEfficiencyError, match="不能为负数"):
        evaluate([row("a", "C26", "-1", "1")])
    with pytest.raises(ce.CarbonEfficiencyError, match="重复"):
        evaluate([row("a", "C26", "1", "1"), row("a", "2614", "1", "1")])


def test_configurable_bands_and_minimum():
    preset = ce.DEFAULT_PRESET.with_bands(
        grade_upper_k=[0.5, 0.9, 1.1, 1.5], min_enterprises=2, source="某县文件"
    )
    results = evaluate(
        [row("a", "C26", "1", "1"), row("b", "C26", "3", "1")], preset
    )  # mean 2, K 0.5 and 1.5
    assert [r.grade for r in results] == [1, 4]
    assert preset.sources["grade_upper_k"].source == "某县文件"
    assert preset.sources["level_upper_l"].verification == "secondary_single"


@pytest.mark.parametrize("bands", [[0.6, 0.6, 1.2, 2.0], [0.8, 0.6, 1.2, 2.0], [0, 0.8, 1.2, 2.0]])
def test_bands_must_increase(bands):
    with pytest.raises(ce.CarbonEfficiencyError):
        ce.DEFAULT_PRESET.with_bands(grade_upper_k=bands)


def test_default_preset_is_cited():
    preset = ce.DEFAULT_PRESET
    assert [float(b) for b in preset.grade_upper_k] == [0.6, 0.8, 1.2, 2.0]
    assert [float(b) for b in preset.level_upper_l] == [0.6, 2.0]
    assert "yzwku.com/doc/493133" in preset.sources["grade_upper_k"].source
    assert preset.sources["grade_upper_k"].verification == "secondary_single"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 10_000)), min_size=3, max_size=8))
def test_value_added_weighted_mean_k_is_one(pairs):
    """Σ K_i V_i / Σ V_i = 1 whenever the mean exists: a property of the ratio of sums."""
    rows = [row(f"e{i}", "C26", str(c), str(v)) for i, (c, v) in enumerate(pairs)]
    results = evaluate(rows)
    if sum(c for c, _ in pairs) == 0:
        return
    weighted = sum(r.k * r.value_added_10k_yuan for r in results) / sum(
        r.value_added_10k_yuan for r in results
    )
    assert_allclose(weighted, 1.0, rtol=1e-9)
    for r in results:
        assert r.grade in (1, 2, 3, 4, 5)


def test_parse_rows_errors_name_row_and_column():
    with pytest.raises(ce.CarbonEfficiencyError) as info:
        ce.parse_rows(["uscc", "industry_code", "year", "co2_t"], [])
    assert "value_added_10k_yuan" in info.value.message
    cols = list(ce.CSV_COLUMNS)
    good = {"uscc": "a", "industry_code": "C26", "year": "2023", "co2_t": "1", "value_added_10k_yuan": "2"}
    with pytest.raises(ce.CarbonEfficiencyError) as info:
        ce.parse_rows(cols, [(2, good), (3, {**good, "co2_t": "abc"})])
    assert info.value.row == 3 and info.value.column == "co2_t" and "不是数字" in info.value.message
    with pytest.raises(ce.CarbonEfficiencyError, match="没有数据行"):
        ce.parse_rows(cols, [])
    parsed = ce.parse_rows(cols, [(2, {**good, "co2_t": "1,234.5"})])
    assert parsed[0].co2_t == Decimal("1234.5")


def test_reduction_ranking_hand_computed():
    entries = [
        ce.ReductionInput("a", "甲", 2020, 2023, 1000, 800, 1000, 1250),  # −200 t; L 1.0 → 0.64: −36 %
        ce.ReductionInput("b", "乙", 2020, 2023, 5000, 4900, 2000, 2000),  # −100 t; L 2.5 → 2.45: −2 %
        ce.ReductionInput("c", "丙", 2020, 2023, 300, 330, 100, 200),  # +30 t; L 3 → 1.65: −45 %
        ce.ReductionInput("d", "丁", 2020, 2023, None, 100),
        ce.ReductionInput("e", "戊", 2020, 2023, 400, 200),  # −200 t, no value added
    ]
    res = {r.key: r for r in ce.reduction_ranking(entries)}
    assert_allclose([res[k].decline_t for k in "abc"], [200, 100, -30])
    assert_allclose(res["a"].decline_pct, 20.0)
    assert_allclose([res[k].intensity_decline_pct for k in "abc"], [36.0, 2.0, 45.0])
    assert [res[k].rank_absolute for k in "abcde"] == [1, 3, 4, None, 1]  # a and e tie
    assert [res[k].rank_intensity for k in "abcde"] == [2, 3, 1, None, None]
    assert "缺少" in res["d"].reason and "增加值" in res["e"].reason
