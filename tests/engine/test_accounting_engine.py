"""The accounting orchestrator: worked examples by hand, totals, declines, warnings, JSON shape."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonpeak.engine.accounting import (
    AccountingError,
    AccountingResult,
    EconomyRow,
    EnergyRow,
    ExclusionRow,
    account_activity,
    compute,
)
from carbonpeak.engine.factors import FactorSet
from carbonpeak.engine.targets import Target

FS = FactorSet.default("湖南省")


# --- worked examples, one per carrier kind -------------------------------------------
def test_solid_raw_coal():
    r = account_activity("原煤", 1000, "吨", 2022, factor_set=FS)
    # energy: 1000 t × 1000 kg/t × 0.7143 kgce/kg ÷ 1000 = 714.3 tce
    assert r.energy_tce == pytest.approx(714.3)
    assert r.energy_tce_equal_value == pytest.approx(714.3)
    # CO2: 1000 t × (20.908 × 26.1 × 0.93 × 44/12 ÷ 1000 = 1.860832908 tCO2/t) = 1860.832908 t
    assert r.co2_t == pytest.approx(1860.832908)
    assert r.trace["co2_factor"]["assumption"]
    assert any("原煤" in a for a in r.trace["assumptions"])


def test_liquid_diesel_in_10k_tonnes():
    r = account_activity("柴油", 2, "万吨", 2022, factor_set=FS)
    # 2 万t = 20 000 t; × 1000 × 1.4571 ÷ 1000 = 29 142 tce
    assert r.energy_tce == pytest.approx(29142.0)
    # EF = 42.652 × 20.2 = 861.5704; × 0.98 = 844.338992; × 44/12 = 3095.909637; ÷ 1000 = 3.095909637
    # CO2 = 20 000 × 3.095909637 = 61 918.19275 t
    assert r.co2_t == pytest.approx(61918.19275, rel=1e-9)


def test_gas_natural_gas():
    r = account_activity("天然气", 100, "万立方米", 2023, factor_set=FS)
    # 100 万m³ = 1 000 000 m³ × 1.3300 kgce/m³ ÷ 1000 = 1330 tce
    assert r.energy_tce == pytest.approx(1330.0)
    # EF = 389.31 × 15.3 × 0.99 × 44/12 ÷ 1000 = 21.62188809 t/万m³; × 100 = 2162.188809 t
    assert r.co2_t == pytest.approx(2162.188809)


def test_electricity_grid_factor_of_the_year():
    r = account_activity("电力", 1000, "万千瓦时", 2022, factor_set=FS)
    # 1000 万kWh = 10 000 000 kWh × 0.1229 kgce/kWh ÷ 1000 = 1229 tce (当量值)
    assert r.energy_tce == pytest.approx(1229.0)
    # 10 000 MWh × 0.4900 tCO2/MWh (湖南 2022) = 4900 t
    assert r.co2_t == pytest.approx(4900.0)
    # no thermal-power coal rate -> 等价值 not reported, never guessed
    assert r.energy_tce_equal_value is None
    assert "equal_value_missing" in r.trace["flags"]


def test_electricity_nearest_year_is_flagged():
    r = account_activity("电力", 1, "亿千瓦时", 2020, factor_set=FS)
    # 1 亿kWh = 100 000 MWh × 0.5138 (2021, nearest published year) = 51 380 t
    assert r.co2_t == pytest.approx(51380.0)
    assert "nearest_year_grid_factor" in r.trace["flags"]
    assert r.trace["co2_factor"]["year"] == 2021


def test_electricity_equal_value_with_coal_rate():
    r = account_activity("电力", 1000, "万千瓦时", 2022, factor_set=FS, power_coal_rate_gce_per_kwh=300)
    # 10 000 000 kWh × 300 gce/kWh ÷ 10^6 = 3000 tce (等价值)
    assert r.energy_tce_equal_value == pytest.approx(3000.0)
    assert r.energy_tce == pytest.approx(1229.0)


def test_heat():
    r = account_activity("热力", 5000, "吉焦", 2022, factor_set=FS)
    # 5000 GJ = 5 000 000 MJ × 0.03412 kgce/MJ ÷ 1000 = 170.6 tce; CO2 = 5000 GJ × 0.11 = 550 t
    assert r.energy_tce == pytest.approx(170.6)
    assert r.co2_t == pytest.approx(550.0)
    r2 = account_activity("热力", 5000, "百万千焦", 2022, factor_set=FS)
    assert r2.co2_t == pytest.approx(550.0)


def test_region_argument_selects_grid():
    r = account_activity("电力", 1, "兆瓦时", 2022, region="华中")
    assert r.co2_t == pytest.approx(0.5395)


def test_trace_names_factors_and_arithmetic():
    r = account_activity("原煤", 100, "吨", 2022, factor_set=FS)
    t = r.trace
    assert t["activity"] == {"quantity": 100.0, "unit": "吨"}
    assert t["converted"]["quantity_base"] == 100_000
    assert t["kgce_factor"]["value"] == 0.7143 and "GB/T 2589" in t["kgce_factor"]["source"]
    assert "GB/T 32150" in t["co2_factor"]["source"]
    assert "71.43 tce" in t["energy_formula"]
    json.dumps(t, ensure_ascii=False)  # serialisable


def test_negative_and_unknown_activity_rejected():
    with pytest.raises(ValueError):
        account_activity("原煤", -1, "吨", 2022, factor_set=FS)


# --- compute ---------------------------------------------------------------------------
ECONOMY = [
    EconomyRow(year=2020, gdp_10k_yuan=100_000, gdp_constant_10k_yuan=100_000, population=10_000),
    EconomyRow(year=2021, gdp_10k_yuan=110_000, gdp_constant_10k_yuan=105_000, population=10_000),
    EconomyRow(year=2022, gdp_10k_yuan=120_000, gdp_constant_10k_yuan=110_000, population=10_000),
]


def _rows(coal_t: dict[int, float], elec_10k_kwh: dict[int, float]) -> list[EnergyRow]:
    rows = []
    for y, q in coal_t.items():
        rows.append(
            EnergyRow(
                year=y, sector="工业", carrier="原煤", quantity=q, unit="吨", file="E.csv", row=len(rows) + 2
            )
        )
    for y, q in elec_10k_kwh.items():
        rows.append(
            EnergyRow(
                year=y,
                sector="居民生活",
                carrier="电力",
                quantity=q,
                unit="万千瓦时",
                file="E.csv",
                row=len(rows) + 2,
            )
        )
    return rows


def test_compute_worked_dataset():
    rows = _rows({2020: 10_000, 2021: 10_000, 2022: 9_000}, {2020: 1000, 2021: 1000, 2022: 1000})
    targets = [
        Target("energy_intensity", 2020, 2025, decline_pct=14),
        Target("co2_intensity", 2020, 2025, decline_pct=18),
    ]
    result = compute(rows, ECONOMY, factor_set=FS, targets=targets, base_year=2020)
    y20, y21, y22 = (result.years[y] for y in (2020, 2021, 2022))
    # 2020: coal 10 000 t → 7143 tce; electricity 1000 万kWh → 1229 tce; total 8372 tce
    assert y20.energy_tce == pytest.approx(8372.0)
    # CO2: 18 608.32908 + 10 000 MWh × 0.5138 (nearest: 2021) = 23 746.32908 t
    assert y20.co2_t == pytest.approx(23746.32908)
    # intensity 8372 / 100 000 = 0.08372 tce/万元
    assert y20.energy_intensity_tce_per_10k_yuan == pytest.approx(0.08372)
    assert y20.by_sector["工业"]["energy_tce"] == pytest.approx(7143.0)
    assert y20.by_carrier["电力"]["co2_t"] == pytest.approx(5138.0)
    # coal share 7143 / 8372 = 85.32 %
    assert y20.coal_share_pct == pytest.approx(7143 / 8372 * 100)
    # 2021: same energy, GDP 105 000 → 0.0797333; annual decline = 1 − 105000⁻¹/100000⁻¹ = 1 − 1/1.05 = 4.7619 %
    assert result.declines[2021]["energy_intensity_annual_pct"] == pytest.approx((1 - 1 / 1.05) * 100)
    # 2022: 6428.7 + 1229 = 7657.7 tce / 110 000 = 0.069615…; cumulative = 1 − 0.0696155/0.08372
    assert y22.energy_tce == pytest.approx(7657.7)
    assert result.declines[2022]["energy_intensity_cumulative_pct"] == pytest.approx(
        (1 - (7657.7 / 110_000) / 0.08372) * 100
    )
    # CO2 2022: 9000 × 1.860832908 + 10 000 × 0.49 = 16 747.496172 + 4900 = 21 647.496172
    assert y22.co2_t == pytest.approx(21647.496172)
    assert result.declines[2022]["co2_intensity_annual_pct"] == pytest.approx(
        (1 - (21647.496172 / 110_000) / (y21.co2_t / 105_000)) * 100
    )
    # warnings for 2021 and 2022 (2023–2025 have no data and are reported as such)
    by_key = {(w["year"], w["indicator"]): w for w in result.warnings}
    assert set(by_key) == {
        (2021, "energy_intensity"),
        (2022, "energy_intensity"),
        (2021, "co2_intensity"),
        (2022, "co2_intensity"),
    }
    w = by_key[(2021, "energy_intensity")]
    assert w["required_pct"] == pytest.approx((1 - 0.86**0.2) * 100)
    assert w["actual_pct"] == pytest.approx((1 - 1 / 1.05) * 100)
    assert w["level"] == "green"  # 4.76 % ≥ 2.97 %
    assert any("2023" in a for a in result.assumptions)
    assert any("最近年份" in a for a in result.assumptions)
    assert "nearest_year_grid_factor" in result.to_dict()["years"]["2020"]["flags"]
    assert "nearest_year_grid_factor" not in result.to_dict()["years"]["2022"]["flags"]


def test_rising_intensity_year_is_red_even_when_cumulative_is_ahead():
    # 2021 falls sharply, 2022 rises a little but stays ahead of the pro-rata path
    rows = _rows({2020: 10_000, 2021: 7_000, 2022: 7_500}, {})
    result = compute(
        rows, ECONOMY, factor_set=FS, targets=[Target("energy_intensity", 2020, 2025, decline_pct=14)]
    )
    levels = {w["year"]: w for w in result.warnings}
    assert levels[2021]["level"] == "green"
    assert levels[2022]["actual_pct"] > levels[2022]["required_pct"]
    assert levels[2022]["rising"] is True
    assert levels[2022]["level"] == "red"


def test_total_cap_warning():
    rows = _rows({2020: 10_000, 2021: 10_500}, {})
    econ = ECONOMY[:2]
    # base 7143 tce, cap 7143 × 1.05 in 2025 → 2021 allows 7143 × 1.05^(1/5) = 7192.9; actual 7500.15 → 4.3 % over → yellow
    result = compute(rows, econ, factor_set=FS, targets=[Target("energy_total", 2020, 2025, cap=7143 * 1.05)])
    (w,) = result.warnings
    assert w["allowed"] == pytest.approx(7143 * 1.05**0.2)
    assert w["actual"] == pytest.approx(7500.15)
    assert w["level"] == "yellow"


def test_exclusions_show_adjusted_beside_unadjusted():
    rows = _rows({2020: 10_000, 2021: 10_000}, {2020: 1000, 2021: 1200})
    exclusions = [
        ExclusionRow(2020, "可再生能源电力", "电力", 300, "万千瓦时"),
        ExclusionRow(2021, "可再生能源电力", "电力", 500, "万千瓦时"),
        ExclusionRow(2021, "原料用能", "原煤", 1000, "吨"),
    ]
    result = compute(
        rows,
        ECONOMY[:2],
        factor_set=FS,
        exclusions=exclusions,
        targets=[Target("energy_intensity", 2020, 2025, decline_pct=14)],
    )
    y21 = result.years[2021]
    # unadjusted: 7143 + 1474.8 = 8617.8 tce
    assert y21.energy_tce == pytest.approx(8617.8)
    ex = y21.exclusions
    # renewable increase over base: (500 − 300) 万kWh × 10 000 × 0.1229 ÷ 1000 = 245.8 tce
    assert ex["renewable_deduction_tce"] == pytest.approx(245.8)
    # feedstock: 1000 t 原煤 × 0.7143 = 714.3 tce
    assert ex["feedstock_tce"] == pytest.approx(714.3)
    assert ex["energy_tce_assessed"] == pytest.approx(8617.8 - 245.8 - 714.3)
    # intensity deducts feedstock only, GDP unchanged
    assert ex["energy_intensity_adjusted_tce_per_10k_yuan"] == pytest.approx((8617.8 - 714.3) / 105_000)
    assert result.warnings[0]["basis"] == "adjusted"
    assert "energy_intensity_adjusted_cumulative_pct" in result.declines[2021]
    assert result.years[2020].exclusions["renewable_deduction_tce"] == 0


def test_equal_value_per_year_from_economy():
    rows = _rows({2020: 1000}, {2020: 100})
    econ = [EconomyRow(2020, 1e5, 1e5, thermal_power_coal_rate_gce_per_kwh=305.5)]
    y = compute(rows, econ, factor_set=FS).years[2020]
    # 714.3 + 1 000 000 kWh × 305.5 gce/kWh ÷ 10^6 = 714.3 + 305.5
    assert y.energy_tce_equal_value == pytest.approx(1019.8)
    y_missing = compute(rows, [EconomyRow(2020, 1e5, 1e5)], factor_set=FS).years[2020]
    assert y_missing.energy_tce_equal_value is None


def test_non_fossil_share_only_when_supplied():
    rows = _rows({2020: 1000}, {})
    assert compute(rows, [EconomyRow(2020, 1e5, 1e5)], factor_set=FS).years[2020].non_fossil_share_pct is None
    y = compute(rows, [EconomyRow(2020, 1e5, 1e5, non_fossil_energy_tce=71.43)], factor_set=FS).years[2020]
    assert y.non_fossil_share_pct == pytest.approx(10.0)


def test_json_shape_matches_the_issue():
    rows = _rows({2020: 1000, 2021: 900}, {2020: 10, 2021: 12})
    d = compute(
        rows, ECONOMY[:2], factor_set=FS, targets=[Target("energy_intensity", 2020, 2025, decline_pct=14)]
    ).to_dict()
    assert {"factor_set", "years", "declines", "warnings", "assumptions"} <= set(d)
    year = d["years"]["2020"]
    for key in (
        "energy_tce",
        "energy_tce_equal_value",
        "co2_t",
        "energy_intensity_tce_per_10k_yuan",
        "co2_intensity_t_per_10k_yuan",
    ):
        assert key in year
    assert set(year["by_sector"]["工业"]) == {"energy_tce", "co2_t"}
    assert set(year["by_carrier"]["电力"]) == {"energy_tce", "co2_t"}
    assert set(d["declines"]["2021"]) >= {
        "energy_intensity_annual_pct",
        "energy_intensity_cumulative_pct",
        "co2_intensity_annual_pct",
        "co2_intensity_cumulative_pct",
    }
    w = d["warnings"][0]
    assert {"year", "indicator", "level", "required_pct", "actual_pct"} <= set(w)
    assert d["factor_set"]["name"] and d["factor_set"]["version"]
    text = json.dumps(d, ensure_ascii=False)
    again = AccountingResult.from_dict(json.loads(text)).to_dict()
    assert again["years"] == json.loads(text)["years"]


def test_errors_name_file_row_and_column():
    econ = ECONOMY[:1]
    with pytest.raises(AccountingError) as info:
        compute([EnergyRow(2021, "工业", "原煤", 1, "吨", file="E.csv", row=7)], econ, factor_set=FS)
    assert (info.value.row, info.value.column) == (7, "year")
    assert "E.csv 第 7 行" in info.value.message and "GDP" in info.value.message
    with pytest.raises(AccountingError, match="未知能源品种"):
        compute([EnergyRow(2020, "工业", "可燃冰", 1, "吨", file="E.csv", row=2)], econ, factor_set=FS)
    with pytest.raises(AccountingError, match="不能用于能源品种"):
        compute([EnergyRow(2020, "工业", "原煤", 1, "千瓦时", file="E.csv", row=2)], econ, factor_set=FS)
    with pytest.raises(AccountingError, match="洗精煤"):
        compute([EnergyRow(2020, "工业", "洗精煤", 1, "吨", file="E.csv", row=2)], econ, factor_set=FS)
    with pytest.raises(AccountingError, match="负数"):
        compute([EnergyRow(2020, "工业", "原煤", -3, "吨", file="E.csv", row=2)], econ, factor_set=FS)


def test_zero_energy_year_has_no_decline_instead_of_crashing():
    rows = [EnergyRow(2020, "工业", "原煤", 0, "吨"), EnergyRow(2021, "工业", "原煤", 10, "吨")]
    result = compute(
        rows, ECONOMY[:2], factor_set=FS, targets=[Target("energy_intensity", 2020, 2025, decline_pct=14)]
    )
    assert result.declines[2021]["energy_intensity_annual_pct"] is None
    assert result.warnings == []
    assert any("强度为 0" in a for a in result.assumptions)


def test_malformed_mappings_raise_accounting_errors():
    econ = [{"year": 2020, "gdp_10k_yuan": 1000, "gdp_constant_10k_yuan": 1000}]
    with pytest.raises(AccountingError, match="“quantity”列：“abc”格式不正确"):
        compute([{"year": 2020, "sector": "工业", "carrier": "原煤", "quantity": "abc", "unit": "吨"}], econ)
    with pytest.raises(AccountingError, match="“unit”列：不能为空"):
        compute([{"year": 2020, "sector": "工业", "carrier": "原煤", "quantity": 1}], econ)
    # a year whose constant-price GDP is blank is a year without GDP
    econ_blank = [*econ, {"year": 2021, "gdp_10k_yuan": 1100, "gdp_constant_10k_yuan": None}]
    with pytest.raises(AccountingError, match="2021年在经济数据中没有地区生产总值"):
        compute(
            [{"year": 2021, "sector": "工业", "carrier": "原煤", "quantity": 1, "unit": "吨"}], econ_blank
        )
    # in the base year a blank constant-price GDP equals the current-price GDP
    result = compute(
        [{"year": 2020, "sector": "工业", "carrier": "原煤", "quantity": 100, "unit": "吨"}],
        [{"year": 2020, "gdp_10k_yuan": 1000, "gdp_constant_10k_yuan": ""}],
    )
    assert result.years[2020].energy_intensity_tce_per_10k_yuan == pytest.approx(71.43 / 1000)


def test_mappings_are_accepted():
    result = compute(
        [{"year": 2020, "sector": "工业", "carrier": "原煤", "quantity": "100", "unit": "吨"}],
        [{"year": 2020, "gdp_10k_yuan": 1000, "gdp_constant_10k_yuan": 1000, "population": None}],
        targets=[
            {"indicator": "energy_intensity", "base_year": 2020, "target_year": 2025, "decline_pct": 14}
        ],
    )
    assert result.years[2020].energy_tce == pytest.approx(71.43)


CARRIERS = [
    ("原煤", "吨"),
    ("柴油", "吨"),
    ("汽油", "千克"),
    ("天然气", "万立方米"),
    ("电力", "万千瓦时"),
    ("热力", "吉焦"),
    ("焦炭", "万吨"),
    ("液化石油气", "吨"),
]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([2020, 2021, 2022]),
            st.sampled_from(["工业", "交通", "居民"]),
            st.sampled_from(CARRIERS),
            st.floats(min_value=0, max_value=1e7, allow_nan=False),
        ),
        min_size=1,
        max_size=15,
    )
)
def test_totals_equal_sum_of_parts(items):
    rows = [EnergyRow(y, s, c, q, u) for y, s, (c, u), q in items]
    result = compute(rows, ECONOMY, factor_set=FS)
    for year, yr in result.years.items():
        parts = [a for a in result.activities if a.trace["year"] == year]
        assert yr.energy_tce == pytest.approx(sum(a.energy_tce for a in parts), rel=1e-9, abs=1e-9)
        assert yr.co2_t == pytest.approx(sum(a.co2_t for a in parts), rel=1e-9, abs=1e-9)
        assert yr.energy_tce == pytest.approx(
            sum(v["energy_tce"] for v in yr.by_sector.values()), rel=1e-9, abs=1e-9
        )
        assert yr.energy_tce == pytest.approx(
            sum(v["energy_tce"] for v in yr.by_carrier.values()), rel=1e-9, abs=1e-9
        )
        assert yr.co2_t == pytest.approx(sum(v["co2_t"] for v in yr.by_sector.values()), rel=1e-9, abs=1e-9)
        assert yr.co2_t == pytest.approx(sum(v["co2_t"] for v in yr.by_carrier.values()), rel=1e-9, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(
    st.floats(min_value=0.001, max_value=1e6),
    st.sampled_from([("吨", "万吨"), ("万立方米", "立方米"), ("万千瓦时", "兆瓦时")]),
)
def test_same_activity_in_any_unit_gives_same_result(quantity, units):
    from carbonpeak.engine.energy import convert_quantity

    carrier = {"吨": "原煤", "万立方米": "天然气", "万千瓦时": "电力"}[units[0]]
    a = account_activity(carrier, quantity, units[0], 2022, factor_set=FS)
    b = account_activity(
        carrier, convert_quantity(quantity, units[0], units[1]), units[1], 2022, factor_set=FS
    )
    assert a.energy_tce == pytest.approx(b.energy_tce, rel=1e-12)
    assert a.co2_t == pytest.approx(b.co2_t, rel=1e-12)
