"""Forest carbon formulas against hand-computed values; missing parameters are refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from carbonpeak.engine import sinks
from carbonpeak.engine.sinks import InventoryRow, SinkError, SpeciesParameters

RTOL = 1e-12

# Parameters made up for arithmetic only: they are test inputs, not values for any species.
FIR = SpeciesParameters("甲", 0.3, 1.5, 0.2, 0.5, source="测试值")
PINE = SpeciesParameters("乙", 0.4, 1.4, 0.25, 0.47, source="测试值")
BAMBOO = SpeciesParameters("竹", carbon_fraction=0.5, biomass_t_per_hm2=80.0, source="测试值")


def test_stock_volume_biomass_by_hand():
    # 1000 m3 × 0.4 t/m3 × 1.5 × (1 + 0.25) = 750 t
    assert_allclose(sinks.stock_volume_biomass_t(1000.0, 0.4, 1.5, 0.25), 750.0, rtol=RTOL)


def test_carbon_and_co2_chain_by_hand():
    carbon = sinks.carbon_stock_tc(750.0, 0.47)
    assert_allclose(carbon, 352.5, rtol=RTOL)
    # 352.5 × 44 / 12 = 1292.5
    assert_allclose(sinks.co2_from_carbon_t(carbon), 1292.5, rtol=RTOL)


def test_area_biomass_by_hand():
    assert_allclose(sinks.area_biomass_t(12.5, 80.0), 1000.0, rtol=RTOL)


def test_stock_difference_sink_sign_and_rate():
    assert_allclose(sinks.stock_difference_sink_co2_t_per_year(1000.0, 1500.0, 2015, 2020), 100.0, rtol=RTOL)
    # a shrinking stock is a source: negative
    assert_allclose(sinks.stock_difference_sink_co2_t_per_year(1500.0, 1000.0, 2015, 2020), -100.0, rtol=RTOL)
    with pytest.raises(ValueError):
        sinks.stock_difference_sink_co2_t_per_year(1.0, 2.0, 2020, 2020)


def test_growth_minus_consumption_follows_the_published_formula_without_root_term():
    # 100000 m3 × (0.08 − 0.05) × 0.4 × 1.5 × 0.5 × 44/12 = 3300 t CO2/a
    value = sinks.growth_minus_consumption_sink_co2_t_per_year(100000.0, 0.08, 0.05, 0.4, 1.5, 0.5)
    assert_allclose(value, 3300.0, rtol=RTOL)


def test_forest_cover_pct():
    assert_allclose(sinks.forest_cover_pct(39000.0, 100000.0), 39.0, rtol=RTOL)
    with pytest.raises(ValueError):
        sinks.forest_cover_pct(1.0, 0.0)


def _inventory() -> list[InventoryRow]:
    return [
        InventoryRow(2015, "甲", 1000.0, 50000.0, row=2),
        InventoryRow(2015, "乙", 500.0, 20000.0, row=3),
        InventoryRow(2015, "竹", 10.0, None, row=4),
        InventoryRow(2020, "甲", 1000.0, 60000.0, row=5),
        InventoryRow(2020, "乙", 500.0, 22000.0, row=6),
        InventoryRow(2020, "竹", 12.0, None, counts_for_forest_cover=False, row=7),
    ]


def test_compute_whole_inventory_by_hand():
    result = sinks.compute(_inventory(), {"甲": FIR, "乙": PINE, "竹": BAMBOO})
    y2015, y2020 = result.years
    # 甲 2015: 50000 × 0.3 × 1.5 × 1.2 = 27000 t → × 0.5 = 13500 tC
    # 乙 2015: 20000 × 0.4 × 1.4 × 1.25 = 14000 t → × 0.47 = 6580 tC
    # 竹 2015: 10 × 80 = 800 t → × 0.5 = 400 tC
    assert [s.carbon_stock_tc for s in y2015.by_species] == pytest.approx([13500.0, 6580.0, 400.0], rel=1e-12)
    assert_allclose(y2015.carbon_stock_tc, 20480.0, rtol=RTOL)
    assert_allclose(y2015.co2_stock_t, 20480.0 * 44 / 12, rtol=RTOL)
    # 2020: 16200 + 7238 + 480 = 23918 tC
    assert_allclose(y2020.carbon_stock_tc, 23918.0, rtol=RTOL)
    sink = result.annual_sink[0]
    assert (sink.from_year, sink.to_year) == (2015, 2020)
    assert_allclose(sink.co2_t_per_year, (23918.0 - 20480.0) * 44 / 12 / 5, rtol=RTOL)
    assert_allclose(sink.carbon_tc_per_year, (23918.0 - 20480.0) / 5, rtol=RTOL)
    assert_allclose(y2020.volume_m3, 82000.0, rtol=RTOL)
    assert_allclose(y2020.area_hm2, 1512.0, rtol=RTOL)
    assert_allclose(y2020.forest_area_hm2, 1500.0, rtol=RTOL)  # the bamboo row is marked 否


def test_every_species_result_traces_to_row_and_source():
    result = sinks.compute(_inventory(), {"甲": FIR, "乙": PINE, "竹": BAMBOO})
    d = result.to_dict()
    first = d["years"][0]["by_species"][0]
    assert first["trace"]["inventory"]["row"] == 2
    assert first["trace"]["parameters"]["source"] == "测试值"
    assert first["trace"]["parameters"]["wood_density_t_per_m3"] == 0.3
    assert "50000 m³ × 0.3 × 1.5 × (1 + 0.2)" in first["trace"]["formula"]
    assert d["years"][0]["by_species"][2]["method"] == "area"


def test_missing_group_is_refused_naming_it():
    with pytest.raises(SinkError) as info:
        sinks.compute(_inventory(), {"甲": FIR, "竹": BAMBOO})
    assert "乙" in info.value.message
    assert "缺少全部参数" in info.value.message


def test_blank_value_is_refused_not_taken_as_zero():
    blank = SpeciesParameters("乙", 0.4, None, 0.25, 0.47, source="测试值")
    with pytest.raises(SinkError) as info:
        sinks.compute(_inventory(), {"甲": FIR, "乙": blank, "竹": BAMBOO})
    assert "树种组“乙”缺少生物量扩展因子（BEF）" in info.value.message


def test_blank_source_is_refused():
    unsourced = SpeciesParameters("乙", 0.4, 1.4, 0.25, 0.47, source=" ")
    with pytest.raises(SinkError) as info:
        sinks.compute(_inventory(), {"甲": FIR, "乙": unsourced, "竹": BAMBOO})
    assert "乙" in info.value.message and "来源" in info.value.message


def test_missing_parameters_lists_every_missing_value():
    empty_cf_only = SpeciesParameters("甲", carbon_fraction=0.47, source="IPCC")
    missing = sinks.missing_parameters(_inventory(), {"甲": empty_cf_only})
    assert [(m.species_group, m.field) for m in missing] == [
        ("甲", "wood_density_t_per_m3"),
        ("甲", "bef"),
        ("甲", "root_shoot_ratio"),
        ("乙", ""),
        ("竹", ""),
    ]


def test_group_without_volume_needs_the_area_parameters():
    volume_only = SpeciesParameters("竹", carbon_fraction=0.5, source="x")
    missing = sinks.missing_parameters([InventoryRow(2020, "竹", 5.0, None)], {"竹": volume_only})
    assert [m.field for m in missing] == ["biomass_t_per_hm2"]


def test_duplicate_year_and_group_is_an_error():
    rows = [InventoryRow(2020, "甲", 1.0, 1.0, row=2), InventoryRow(2020, "甲", 1.0, 1.0, row=3)]
    with pytest.raises(SinkError) as info:
        sinks.compute(rows, {"甲": FIR})
    assert "第 3 行" in info.value.message and "重复" in info.value.message


def test_single_year_has_no_annual_sink():
    result = sinks.compute([InventoryRow(2020, "甲", 1.0, 100.0)], {"甲": FIR})
    assert result.annual_sink == []


def test_growth_consumption_sink_in_result_when_rates_given():
    fir = SpeciesParameters(
        "甲", 0.4, 1.5, 0.2, 0.5, source="测试值", growth_rate_per_year=0.08, consumption_rate_per_year=0.05
    )
    result = sinks.compute([InventoryRow(2020, "甲", 1.0, 100000.0)], {"甲": fir})
    assert_allclose(result.growth_consumption[0].co2_t_per_year, 3300.0, rtol=RTOL)


def test_packaged_ipcc_carbon_fraction_has_source():
    cf = sinks.ipcc_carbon_fraction()
    assert cf.value == 0.47
    assert "IPCC 2006" in cf.source
    assert cf.verification == "secondary_2plus"


def test_sink_for_year_and_net_emissions():
    result = sinks.compute(
        [
            InventoryRow(2015, "甲", 1.0, 1000.0),
            InventoryRow(2020, "甲", 1.0, 1100.0),
            InventoryRow(2022, "甲", 1.0, 1300.0),
        ],
        {"甲": FIR},
    )
    assert sinks.sink_for_year(result.annual_sink, 2015) is None
    assert sinks.sink_for_year(result.annual_sink, 2016).to_year == 2020  # type: ignore[union-attr]
    assert sinks.sink_for_year(result.annual_sink, 2020).to_year == 2020  # type: ignore[union-attr]
    assert sinks.sink_for_year(result.annual_sink, 2021).to_year == 2022  # type: ignore[union-attr]
    assert sinks.sink_for_year(result.annual_sink, 2023) is None
    # 2020–2022: 200 m3 × 0.3 × 1.5 × 1.2 × 0.5 = 54 tC → 198 t CO2 over 2 years = 99 t/a
    assert_allclose(sinks.sink_for_year(result.annual_sink, 2022).co2_t_per_year, 99.0, rtol=RTOL)  # type: ignore[union-attr]
    assert_allclose(sinks.net_emissions_co2_t(1000.0, 99.0), 901.0, rtol=RTOL)


_volume = st.floats(min_value=0, max_value=1e8, allow_nan=False)
_positive = st.floats(min_value=0.05, max_value=5, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(v1=_volume, v2=_volume, wd=_positive, bef=_positive, r=st.floats(0, 2), cf=st.floats(0.3, 0.6))
def test_sink_is_the_formula_chain_of_the_volume_change(v1, v2, wd, bef, r, cf):
    params = {"甲": SpeciesParameters("甲", wd, bef, r, cf, source="测试值")}
    result = sinks.compute([InventoryRow(2010, "甲", 1.0, v1), InventoryRow(2013, "甲", 1.0, v2)], params)
    expected = (v2 - v1) * wd * bef * (1 + r) * cf * 44 / 12 / 3
    assert_allclose(result.annual_sink[0].co2_t_per_year, expected, rtol=1e-9, atol=1e-6)
    # positive = removal: the sign follows the stock volume
    assert (result.annual_sink[0].co2_t_per_year > 0) == (v2 > v1) or abs(v2 - v1) * wd < 1e-9
