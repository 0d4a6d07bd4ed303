"""Impact of projects on the county's targets, against cases computed by hand.

Coefficients used by hand (GB/T 2589-2020 Annex A; GB/T 32150-2015 Table A.1; MEE/NBS):
- 原煤 0.7143 kgce/kg; CO2 factor 20.908 GJ/t × 26.1 tC/TJ × 0.93 × 44/12 ÷ 1000 = 1.860832908 tCO2/t
- 天然气 1.33 kgce/m3; CO2 factor 389.31 × 15.3 × 0.99 × 44/12 ÷ 1000 = 21.62188809 tCO2/万m3
- 电力 0.1229 kgce/kWh (当量值); Hunan grid factor, latest published year 2023: 0.4976 tCO2/MWh
"""

from __future__ import annotations

import pytest

from carbonpeak.engine import project_impact as pi
from carbonpeak.engine.accounting import EconomyRow, compute
from carbonpeak.engine.targets import Target

REL = 1e-9


def county(*, coal_2024_t: float = 100_000, with_2025_gdp: bool = True, exclusions=()):
    """2020 and 2024 accounted: 原煤 100 000 t a year = 71 430 tce, CO2 186 083.2908 t."""
    energy = [
        {"year": 2020, "sector": "工业", "carrier": "原煤", "quantity": 100_000, "unit": "吨"},
        {"year": 2024, "sector": "工业", "carrier": "原煤", "quantity": coal_2024_t, "unit": "吨"},
    ]
    economy = [
        EconomyRow(year=2020, gdp_10k_yuan=1_000_000, gdp_constant_10k_yuan=1_000_000),
        EconomyRow(year=2024, gdp_10k_yuan=1_250_000, gdp_constant_10k_yuan=1_200_000),
    ]
    if with_2025_gdp:
        economy.append(EconomyRow(year=2025, gdp_10k_yuan=None, gdp_constant_10k_yuan=1_260_000))
    result = compute(energy, economy, exclusions=exclusions)
    return result, economy


ENERGY_INTENSITY_2025 = Target("energy_intensity", 2020, 2025, decline_pct=14)
CO2_INTENSITY_2025 = Target("co2_intensity", 2020, 2025, decline_pct=18)


def electricity_project(**kw):
    defaults = dict(
        code="P1",
        name="电子材料项目",
        production_year=2025,
        energy=(pi.ProjectEnergyRow("电力", 2_000, "万千瓦时"),),
        value_added_10k_yuan=10_000,
        ramp_up_pct=(50.0, 100.0),
        industry_code="C3985",
    )
    defaults.update(kw)
    return pi.ProjectSpec(**defaults)


def test_case_a_room_share_and_reachability_by_hand():
    # County: I_2020 = 71 430 / 1 000 000 = 0.07143 tce/万元.
    # 2025 allowed intensity = 0.07143 × (1 − 0.14) = 0.0614298; GDP_2025 = 1 260 000 (economy row)
    # allowed energy = 0.0614298 × 1 260 000 = 77 401.548 tce
    # baseline 2025 = 2024 level (no growth) = 71 430 tce  → room = 5 971.548 tce
    # Project: 2 000 万kWh = 20 000 000 kWh × 0.1229 / 1000 = 2 458 tce at full production;
    # 2025 is its 1st year at 50 %: increment 1 229 tce → share 1 229 / 5 971.548 = 20.5809 %.
    result, economy = county()
    res = pi.assess(
        [electricity_project()], accounting=result, economy=economy, targets=[ENERGY_INTENSITY_2025]
    )
    room = res.room[0]
    assert room["allowed_energy_tce"] == pytest.approx(77_401.548, rel=REL)
    assert room["baseline_energy_tce"] == pytest.approx(71_430.0, rel=REL)
    assert room["remaining_energy_room_tce"] == pytest.approx(5_971.548, rel=REL)
    assert room["projects_energy_tce"] == pytest.approx(1_229.0, rel=REL)
    assert room["share_pct"] == pytest.approx(20.58092809, rel=1e-8)
    assert room["remaining_after_tce"] == pytest.approx(4_742.548, rel=REL)
    # Intensities 2025: without 71 430 / 1 260 000 = 0.0566905; with (71 430 + 1 229) /
    # (1 260 000 + 0.5 × 10 000) = 72 659 / 1 265 000 = 0.0574379 ≤ 0.0614298 → reachable
    y2025 = next(r for r in res.years if r["year"] == 2025)
    assert y2025["kind"] == "projected"
    assert y2025["without"]["energy_intensity_tce_per_10k_yuan"] == pytest.approx(71_430 / 1_260_000, rel=REL)
    assert y2025["with"]["energy_intensity_tce_per_10k_yuan"] == pytest.approx(72_659 / 1_265_000, rel=REL)
    assert y2025["with"]["gdp_constant_10k_yuan"] == pytest.approx(1_265_000, rel=REL)
    # CO2 2025: 0.5 × 20 000 MWh × 0.4976 = 4 976 t on top of 186 083.2908 t
    assert y2025["delta"]["co2_t"] == pytest.approx(4_976.0, rel=REL)
    assert y2025["with"]["co2_t"] == pytest.approx(186_083.2908 + 4_976.0, rel=REL)
    target = res.targets[0]
    assert target["without"]["allowed"] == pytest.approx(0.0614298, rel=REL)
    assert target["without"]["reachable"] and target["with"]["reachable"]
    assert res.reachable["2025"] == {"without": True, "with": True}
    assert res.reachable["2030"] == {"without": None, "with": None}
    assert any("2030年目标" in n for n in res.notes)
    # the project's trace: activity × factor × source
    act = res.projects[0].full_production["activities"][0]
    assert act["kgce_factor"]["value"] == 0.1229
    assert "GB/T 2589" in act["kgce_factor"]["source"]
    assert "20,000 MWh × 0.4976 tCO2/MWh" in act["co2_formula"]


def test_case_a_gdp_from_growth_assumption_gives_the_same_numbers():
    # Without a 2025 economy row: GDP_2025 = 1 200 000 × 1.05 = 1 260 000, as in case A.
    result, economy = county(with_2025_gdp=False)
    res = pi.assess(
        [electricity_project()],
        accounting=result,
        economy=economy,
        targets=[ENERGY_INTENSITY_2025],
        assumptions=pi.ImpactAssumptions(gdp_growth_pct=5, gdp_growth_source="示例：县政府工作报告"),
    )
    assert res.room[0]["remaining_energy_room_tce"] == pytest.approx(5_971.548, rel=REL)
    assert any("年均增长 5%" in n and "县政府工作报告" in n for n in res.notes)


def test_missing_gdp_is_refused_not_guessed():
    result, economy = county(with_2025_gdp=False)
    with pytest.raises(pi.ImpactError, match="2025年可比价地区生产总值"):
        pi.assess(
            [electricity_project()], accounting=result, economy=economy, targets=[ENERGY_INTENSITY_2025]
        )


def test_case_b_feedstock_renewables_and_review_level_by_hand():
    # 天然气 1 000 万m3 fuel: 10 000 000 m3 × 1.33 / 1000 = 13 300 tce; CO2 1 000 × 21.62188809 = 21 621.88809 t
    # 天然气 500 万m3 feedstock: 6 650 tce, no combustion CO2
    # 电力 1 000 万kWh: 1 229 tce; CO2 10 000 MWh × 0.4976 = 4 976 t
    # new renewable 4 000 000 kWh × 0.1229 / 1000 = 491.6 tce
    # E = 21 179; F = 6 650; E_fi = 14 529; E_as = 14 037.4; C = 26 597.88809 + process 1 000 = 27 597.88809
    project = pi.ProjectSpec(
        code="P2",
        name="精细化工项目",
        production_year=2025,
        energy=(
            pi.ProjectEnergyRow("天然气", 1_000, "万立方米"),
            pi.ProjectEnergyRow("天然气", 500, "万立方米", use="feedstock"),
            pi.ProjectEnergyRow("电力", 1_000, "万千瓦时"),
        ),
        renewable_electricity_kwh=4_000_000,
        process_co2_t=1_000,
        value_added_10k_yuan=20_000,
        industry_code="C2614",
    )
    full = pi.project_annual(project, 2025)
    assert full["energy_tce"] == pytest.approx(21_179.0, rel=REL)
    assert full["feedstock_energy_tce"] == pytest.approx(6_650.0, rel=REL)
    assert full["energy_tce_for_intensity"] == pytest.approx(14_529.0, rel=REL)
    assert full["renewable_electricity_tce"] == pytest.approx(491.6, rel=REL)
    assert full["energy_tce_assessed"] == pytest.approx(14_037.4, rel=REL)
    assert full["combustion_co2_t"] == pytest.approx(26_597.88809, rel=REL)
    assert full["co2_t"] == pytest.approx(27_597.88809, rel=REL)
    assert full["electricity_kwh"] == pytest.approx(10_000_000, rel=REL)
    assert full["activities"][1]["co2_t"] == 0.0  # the feedstock row

    # county with a 2025 energy-total cap of 90 000 tce: room = 90 000 − 71 430 = 18 570;
    # used (assessed) 14 037.4 → 75.5918 %
    result, economy = county()
    cap = Target("energy_total", 2020, 2025, cap=90_000)
    res = pi.assess([project], accounting=result, economy=economy, targets=[ENERGY_INTENSITY_2025, cap])
    pr = res.projects[0]
    assert pr.two_high["is_two_high"] and pr.two_high["rule"]["code"] == "HEI_C26"
    assert pr.review["level"] == "provincial"  # 21 179 tce ≥ 10 000 tce
    room_total = next(r for r in res.room if r["indicator"] == "energy_total")
    assert room_total["remaining_energy_room_tce"] == pytest.approx(18_570.0, rel=REL)
    assert room_total["share_pct"] == pytest.approx(14_037.4 / 18_570 * 100, rel=REL)
    # intensity room (5 971.548) is used by E_fi = 14 529 tce: 243.3 %, the target breaks
    room_i = next(r for r in res.room if r["indicator"] == "energy_intensity")
    assert room_i["projects_energy_tce"] == pytest.approx(14_529.0, rel=REL)
    assert room_i["share_pct"] == pytest.approx(14_529 / 5_971.548 * 100, rel=REL)
    # with: (71 430 + 14 529) / (1 260 000 + 20 000) = 85 959 / 1 280 000 = 0.06715546875 > 0.0614298
    t = res.targets[0]
    assert t["with"]["value"] == pytest.approx(0.06715546875, rel=REL)
    assert t["with"]["reachable"] is False and t["without"]["reachable"] is True
    assert res.reachable["2025"] == {"without": True, "with": False}


def test_renewable_supply_cannot_exceed_the_projects_electricity():
    project = electricity_project(renewable_electricity_kwh=30_000_000)
    with pytest.raises(pi.ImpactError, match="大于其电力消费量"):
        pi.project_annual(project, 2025)


def test_case_c_ramp_up_already_in_statistics_and_phase_out_by_hand():
    # P3 produces since 2023 with ramp 40 %, 70 %, 100 %; last accounted year L = 2024 (70 %).
    # Its increment: 2025: 100 − 70 = 30 % of 2 458 tce = 737.4 tce; 2026: also 30 %.
    # P4 淘汰 (phase-out) of 原煤 10 000 t = 7 143 tce from 2026: −7 143 tce in 2026.
    # GDP: 2026 = 1 260 000 × 1.04 = 1 310 400 (growth 4 %), no value added from either.
    # 2026 with = 71 430 + 737.4 − 7 143 = 65 024.4 tce; CO2 delta 2026 = 0.3 × 20 000 × 0.4976
    #   − 10 000 × 1.860832908 = 2 985.6 − 18 608.32908 = −15 622.72908 t
    result, economy = county()
    p3 = electricity_project(
        code="P3", production_year=2023, ramp_up_pct=(40.0, 70.0, 100.0), value_added_10k_yuan=0
    )
    p4 = pi.ProjectSpec(
        code="P4",
        name="落后产能淘汰",
        production_year=2026,
        stage="淘汰",
        energy=(pi.ProjectEnergyRow("原煤", 10_000, "吨"),),
    )
    res = pi.assess(
        [p3, p4],
        accounting=result,
        economy=economy,
        assumptions=pi.ImpactAssumptions(gdp_growth_pct=4, end_year=2026),
    )
    assert [r["year"] for r in res.years] == [2020, 2024, 2025, 2026]
    assert res.projects[0].years[2025]["energy_tce"] == pytest.approx(737.4, rel=REL)
    assert res.projects[0].years[2025]["increment_share_pct"] == pytest.approx(30.0, rel=REL)
    assert 2024 not in res.projects[0].years  # the statistics hold it
    y2026 = res.years[-1]
    assert y2026["with"]["energy_tce"] == pytest.approx(65_024.4, rel=REL)
    assert y2026["without"]["gdp_constant_10k_yuan"] == pytest.approx(1_310_400, rel=REL)
    assert y2026["delta"]["co2_t"] == pytest.approx(-15_622.72908, rel=REL)
    assert any("不晚于最新核算年份" in n for n in res.projects[0].notes)
    # actual years are untouched
    assert res.years[0]["delta"]["energy_tce"] == 0.0


def test_case_d_baseline_growth_and_no_room_left():
    # County 2024 = 原煤 110 000 t = 78 573 tce; baseline grows 2 %: 2025 = 80 144.46 tce.
    # allowed 2025 = 77 401.548 → room = 77 401.548 − 80 144.46 = −2 742.912 (no room: share None)
    result, economy = county(coal_2024_t=110_000)
    res = pi.assess(
        [electricity_project()],
        accounting=result,
        economy=economy,
        targets=[ENERGY_INTENSITY_2025, CO2_INTENSITY_2025],
        assumptions=pi.ImpactAssumptions(baseline_energy_growth_pct=2, baseline_energy_growth_source="示例"),
    )
    room = res.room[0]
    assert room["baseline_energy_tce"] == pytest.approx(80_144.46, rel=REL)
    assert room["remaining_energy_room_tce"] == pytest.approx(-2_742.912, rel=REL)
    assert room["share_pct"] is None
    # CO2 intensity: base 186 083.2908 / 1 000 000; allowed × 0.82 = 0.152588298456
    # without 2025: 110 000 × 1.860832908 × 1.02 / 1 260 000 = 208 785.4522 / 1 260 000 = 0.1657027…
    co2 = next(t for t in res.targets if t["indicator"] == "co2_intensity")
    assert co2["without"]["allowed"] == pytest.approx(0.152588298456, rel=REL)
    assert co2["without"]["value"] == pytest.approx(110_000 * 1.860832908 * 1.02 / 1_260_000, rel=REL)
    assert co2["without"]["reachable"] is False
    assert res.reachable["2025"]["without"] is False


def test_county_exclusions_set_the_baseline_intensity_basis():
    # County feedstock 2020 and 2024: 原煤 20 000 t = 14 286 tce deducted from the energy for intensity:
    # I_2020 = 57 144 / 1 000 000; allowed energy 2025 = 0.057144 × 0.86 × 1 260 000 = 61 921.2384;
    # baseline E_fi 2025 = 57 144 → room 4 777.2384 tce
    excl = [
        {"year": 2020, "category": "原料用能", "carrier": "原煤", "quantity": 20_000, "unit": "吨"},
        {"year": 2024, "category": "原料用能", "carrier": "原煤", "quantity": 20_000, "unit": "吨"},
    ]
    result, economy = county(exclusions=excl)
    res = pi.assess(
        [electricity_project()], accounting=result, economy=economy, targets=[ENERGY_INTENSITY_2025]
    )
    assert res.room[0]["remaining_energy_room_tce"] == pytest.approx(4_777.2384, rel=REL)


@pytest.mark.parametrize(
    ("ramp", "year", "share"),
    [
        ((50.0, 100.0), 2024, 0.0),
        ((50.0, 100.0), 2025, 0.5),
        ((50.0, 100.0), 2026, 1.0),
        ((50.0, 100.0), 2030, 1.0),
    ],
)
def test_production_share(ramp, year, share):
    assert pi.production_share(ramp, 2025, year) == share


def test_bad_project_input_in_chinese():
    result, economy = county()
    with pytest.raises(pi.ImpactError, match="达产进度"):
        pi.assess([electricity_project(ramp_up_pct=(120.0,))], accounting=result, economy=economy)
    with pytest.raises(pi.ImpactError, match="建设阶段"):
        pi.assess([electricity_project(stage="规划")], accounting=result, economy=economy)
    with pytest.raises(pi.ImpactError, match="未知能源品种"):
        pi.assess(
            [electricity_project(energy=(pi.ProjectEnergyRow("核能", 1, "吨"),))],
            accounting=result,
            economy=economy,
        )


def test_no_projects_means_with_equals_without():
    result, economy = county()
    res = pi.assess([], accounting=result, economy=economy, targets=[ENERGY_INTENSITY_2025])
    for row in res.years:
        assert row["with"] == row["without"]
    assert res.room[0]["projects_energy_tce"] == 0.0 and res.room[0]["share_pct"] == 0.0


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=15, deadline=None)
@given(
    q1=st.floats(min_value=0, max_value=1e5),
    q2=st.floats(min_value=0, max_value=1e5),
    year1=st.integers(min_value=2023, max_value=2026),
    year2=st.integers(min_value=2023, max_value=2026),
)
def test_increments_of_a_set_are_the_sum_of_each_project(q1, q2, year1, year2):
    result, economy = county()
    a = electricity_project(code="A", energy=(pi.ProjectEnergyRow("原煤", q1, "吨"),), production_year=year1)
    b = electricity_project(
        code="B", energy=(pi.ProjectEnergyRow("电力", q2, "万千瓦时"),), production_year=year2
    )
    kw = dict(accounting=result, economy=economy, targets=[ENERGY_INTENSITY_2025])
    both = pi.assess([a, b], **kw)
    only_a = pi.assess([a], **kw)
    only_b = pi.assess([b], **kw)
    for r_ab, r_a, r_b in zip(both.years, only_a.years, only_b.years, strict=True):
        for key in ("energy_tce", "co2_t", "gdp_constant_10k_yuan"):
            assert r_ab["delta"][key] == pytest.approx(
                r_a["delta"][key] + r_b["delta"][key], rel=1e-9, abs=1e-6
            )
    assert both.room[0]["projects_energy_tce"] == pytest.approx(
        only_a.room[0]["projects_energy_tce"] + only_b.room[0]["projects_energy_tce"], rel=1e-9, abs=1e-6
    )
