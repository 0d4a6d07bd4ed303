"""亩均论英雄: indicators, scores against hand-computed values, classes by rank share, exemptions, parks."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from carbonpeak.engine import mu_evaluation as mu
from carbonpeak.engine.mu_evaluation import Indicator, MuEnterprise, evaluate

PRESET = mu.PRESETS["HUANGYAN_2022"]


def ent(uscc: str, **kw) -> MuEnterprise:
    base = dict(
        year=2022,
        park="一园",
        land_area_mu=100.0,
        tax_10k_yuan=2409.7,
        value_added_10k_yuan=13616.0,
        energy_tce_equal_value=5054.0,
        pollutant_t=2.762,
        employees=750.0,
        rd_10k_yuan=604.0,
        revenue_10k_yuan=20000.0,
        co2_t=12000.0,
    )
    base.update(kw)
    return MuEnterprise(uscc=uscc, name=uscc, **base)


def test_shipped_preset_is_the_cited_district_rule():
    weights = {k: r.weight for k, r in PRESET.rules.items()}
    assert weights[Indicator.TAX_PER_MU] == 30
    assert weights[Indicator.VALUE_ADDED_PER_MU] == 20
    assert weights[Indicator.VALUE_ADDED_PER_ENERGY] == 20
    assert weights[Indicator.VALUE_ADDED_PER_POLLUTANT] == 10
    assert weights[Indicator.LABOUR_PRODUCTIVITY] == 10
    assert weights[Indicator.RD_SHARE] == 10
    assert weights[Indicator.CO2_PER_MU] == 0  # computed and shown, not in the cited rule
    assert PRESET.rules[Indicator.TAX_PER_MU].benchmark == 24.097
    assert mu.PRESETS["HUANGYAN_2021"].rules[Indicator.TAX_PER_MU].benchmark == 26.01
    assert "news430850" in PRESET.rules[Indicator.TAX_PER_MU].source
    assert (PRESET.a_top_pct, PRESET.b_to_pct, PRESET.c_to_pct) == (25, 70, 95)


def test_indicators_and_score_hand_computed():
    # 亩均税收 2409.7/100 = 24.097 = benchmark → 30 points; 亩均增加值 136.16 → 20;
    # 单位能耗增加值 13616/5054 = 2.694104 → 20 × 2.694104/2.694 = 20.000772;
    # 单位排放增加值 13616/2.762 = 4929.761 → 10 × 4929.761/4929.81 = 9.999901;
    # 劳动生产率 13616/750 = 18.154667 → 10 × 18.154667/18.14 = 10.008085; R&D 604/20000 = 0.0302 → 10.
    r = evaluate([ent("a")], PRESET).enterprises[0]
    assert_allclose(r.indicators[Indicator.TAX_PER_MU], 24.097)
    assert_allclose(r.indicators[Indicator.CO2_PER_MU], 120.0)
    assert_allclose(r.scores[Indicator.VALUE_ADDED_PER_ENERGY], 20 * (13616 / 5054) / 2.694)
    expected = (
        30
        + 20
        + 20 * (13616 / 5054) / 2.694
        + 10 * (13616 / 2.762) / 4929.81
        + 10 * (13616 / 750) / 18.14
        + 10
    )
    assert_allclose(r.score, expected, rtol=1e-12)
    assert Indicator.CO2_PER_MU not in r.scores


def test_classes_by_rank_share():
    # 20 enterprises with distinct scores: ranks 1–5 A (≤25 %), 6–14 B (≤70 %), 15–19 C (≤95 %), 20 D.
    rows = [ent(f"e{i:02d}", tax_10k_yuan=100.0 * (20 - i)) for i in range(20)]
    classes = [r.mu_class for r in evaluate(rows, PRESET).enterprises]
    assert classes == ["A"] * 5 + ["B"] * 9 + ["C"] * 5 + ["D"]
    assert [r.rank for r in evaluate(rows, PRESET).enterprises] == list(range(1, 21))


def test_ties_share_the_better_rank():
    rows = [ent("a"), ent("b"), ent("c", tax_10k_yuan=1.0), ent("d", tax_10k_yuan=0.5)]
    res = evaluate(rows, PRESET).enterprises
    assert [r.rank for r in res] == [1, 1, 3, 4]
    assert [r.mu_class for r in res] == ["A", "A", "C", "D"]


def test_exempt_enterprises_are_scored_without_rank_or_class():
    rows = [
        ent("a"),
        ent("new", exemption=mu.EXEMPT_NEW),
        ent("pub", exemption=mu.EXEMPT_PUBLIC),
        ent("b", tax_10k_yuan=1.0),
    ]
    res = {r.uscc: r for r in evaluate(rows, PRESET).enterprises}
    for u in ("new", "pub"):
        assert res[u].score is not None
        assert res[u].mu_class is None and res[u].rank is None
        assert "不定等级" in res[u].reason
    # only a and b are ranked: rank 1 of 2 is 50 % (B), rank 2 is 100 % (D)
    assert (res["a"].rank, res["b"].rank) == (1, 2)
    assert (res["a"].mu_class, res["b"].mu_class) == ("B", "D")


def test_missing_pollutant_gets_the_average_score_others_are_not_evaluated():
    rows = [ent("a"), ent("b", pollutant_t=5.524), ent("x", pollutant_t=None), ent("y", employees=None)]
    res = {r.uscc: r for r in evaluate(rows, PRESET).enterprises}
    with_data = [res[u].scores[Indicator.VALUE_ADDED_PER_POLLUTANT] for u in ("a", "b", "y")]
    avg = sum(with_data) / 3  # (10 + 5 + 10) / 3
    assert_allclose(res["x"].scores[Indicator.VALUE_ADDED_PER_POLLUTANT], avg)
    assert "平均得分" in res["x"].reason
    assert res["y"].score is None and res["y"].mu_class is None
    assert "从业人员" in res["y"].reason


def test_nobody_has_pollutant_data():
    result = evaluate([ent("a", pollutant_t=None), ent("b", pollutant_t=None)], PRESET)
    assert all(r.score is not None for r in result.enterprises)
    assert any("不计分" in n for n in result.notes)


def test_years_are_ranked_separately():
    rows = [ent("a", year=2021), ent("a", year=2022, tax_10k_yuan=1.0), ent("b", year=2022)]
    res = evaluate(rows, PRESET).enterprises
    assert [r.rank for r in res] == [1, 2, 1]


def test_less_is_better_indicator_needs_benchmark_and_cap():
    rules = dict(PRESET.rules)
    rules[Indicator.CO2_PER_MU] = mu.IndicatorRule(weight=10, benchmark=100.0, source="某县")
    with pytest.raises(mu.MuEvaluationError, match="cap"):
        mu.MuPreset(code="x", name="x", region_scope="x", data_year=2022, rules=rules)
    rules[Indicator.CO2_PER_MU] = mu.IndicatorRule(weight=10, benchmark=100.0, source="某县", cap=2.0)
    preset = mu.MuPreset(code="x", name="x", region_scope="x", data_year=2022, rules=rules)
    res = evaluate([ent("a", co2_t=5000.0), ent("b", co2_t=0.0)], preset).enterprises
    assert_allclose(res[0].scores[Indicator.CO2_PER_MU], 10 * 100 / 50)
    assert_allclose(res[1].scores[Indicator.CO2_PER_MU], 20)  # capped


def test_weight_without_benchmark_is_refused():
    rules = dict(PRESET.rules)
    rules[Indicator.TAX_PER_MU] = mu.IndicatorRule(weight=30, benchmark=None)
    with pytest.raises(mu.MuEvaluationError, match="基准值"):
        mu.MuPreset(code="x", name="x", region_scope="x", data_year=2022, rules=rules)


def test_park_per_mu_carbon_intensity_and_ranking():
    rows = [
        ent("a", park="一园", land_area_mu=100.0, co2_t=12000.0, value_added_10k_yuan=10000.0),
        ent("b", park="一园", land_area_mu=50.0, co2_t=6000.0, value_added_10k_yuan=5000.0),
        ent("c", park="二园", land_area_mu=80.0, co2_t=4000.0, value_added_10k_yuan=2000.0),
        ent("d", park="", land_area_mu=80.0, co2_t=4000.0),
    ]
    parks = {p.park: p for p in mu.park_intensity(rows)}
    assert set(parks) == {"一园", "二园"}
    assert_allclose(parks["一园"].co2_per_mu_t, 18000 / 150)
    assert_allclose(parks["一园"].value_added_per_mu_10k_yuan, 15000 / 150)
    assert_allclose(parks["二园"].co2_per_mu_t, 50.0)
    assert (parks["二园"].rank, parks["一园"].rank) == (1, 2)


def test_parse_rows():
    cols = list(mu.CSV_COLUMNS)
    cells = {"uscc": "a", "year": "2022", "land_area_mu": "10", "exemption": "新建", "pollutant_t": ""}
    parsed = mu.parse_rows(cols, [(2, cells)])
    assert parsed[0].exemption == mu.EXEMPT_NEW and parsed[0].pollutant_t is None
    with pytest.raises(mu.MuEvaluationError, match="负数"):
        mu.parse_rows(cols, [(2, {**cells, "land_area_mu": "-1"})])
    with pytest.raises(mu.MuEvaluationError, match="exemption"):
        mu.parse_rows(cols, [(2, {**cells, "exemption": "其他"})])
