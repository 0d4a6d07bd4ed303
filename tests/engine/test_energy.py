"""Carriers, units and conversion to standard coal (GB/T 2589-2020)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carbonpeak.engine import energy
from carbonpeak.engine.factors import FactorSet


@pytest.mark.parametrize(
    ("quantity", "from_unit", "to_unit", "expected"),
    [
        (1, "万吨", "吨", 10_000),
        (1, "吨", "千克", 1000),
        (2.5, "万立方米", "立方米", 25_000),
        (1, "亿立方米", "万立方米", 10_000),
        (1, "亿千瓦时", "万千瓦时", 10_000),
        (3, "万千瓦时", "千瓦时", 30_000),
        (1, "兆瓦时", "千瓦时", 1000),
        (1, "吉焦", "兆焦", 1000),
        (1, "百万千焦", "吉焦", 1),
        (1, "百万千卡", "吉焦", 4.1868),
        (1, "万kWh", "MWh", 10),
        (1, "10^4 m3", "m3", 10_000),
    ],
)
def test_unit_conversions_as_written_in_statistics(quantity, from_unit, to_unit, expected):
    assert energy.convert_quantity(quantity, from_unit, to_unit) == pytest.approx(expected, rel=1e-15)


def test_unknown_and_incompatible_units_are_rejected():
    with pytest.raises(energy.UnknownUnitError):
        energy.convert_quantity(1, "桶", "吨")
    with pytest.raises(energy.IncompatibleUnitError):
        energy.convert_quantity(1, "吨", "立方米")
    with pytest.raises(energy.IncompatibleUnitError):
        energy.check_unit_for_carrier(energy.get_carrier("原煤"), "万立方米")


MASS = ["千克", "吨", "万吨", "千吨", "克"]
VOLUME = ["立方米", "千立方米", "万立方米", "亿立方米"]
ELECTRICITY = ["千瓦时", "兆瓦时", "万千瓦时", "亿千瓦时", "吉瓦时"]
HEAT = ["兆焦", "吉焦", "百万千焦", "千焦", "太焦", "百万千卡"]


@given(
    st.sampled_from([MASS, VOLUME, ELECTRICITY, HEAT]).flatmap(
        lambda units: st.tuples(st.sampled_from(units), st.sampled_from(units))
    ),
    st.one_of(st.just(0.0), st.floats(min_value=1e-200, max_value=1e12)),
)
def test_conversion_inverts(units, quantity):
    a, b = units
    there = energy.convert_quantity(quantity, a, b)
    back = energy.convert_quantity(there, b, a)
    assert math.isclose(back, quantity, rel_tol=1e-15, abs_tol=1e-300)


@given(
    st.sampled_from(MASS),
    st.sampled_from(MASS),
    st.sampled_from(MASS),
    st.one_of(st.just(0.0), st.floats(min_value=1e-200, max_value=1e9)),
)
def test_conversion_is_transitive(a, b, c, quantity):
    direct = energy.convert_quantity(quantity, a, c)
    via = energy.convert_quantity(energy.convert_quantity(quantity, a, b), b, c)
    assert math.isclose(direct, via, rel_tol=1e-14, abs_tol=1e-300)


def test_carrier_names_and_aliases():
    assert energy.get_carrier("原煤").kind == "solid"
    assert energy.get_carrier("柴油").kind == "liquid"
    assert energy.get_carrier("天然气").kind == "gas"
    assert energy.get_carrier("电力").kind == "electricity"
    assert energy.get_carrier("热力").kind == "heat"
    assert energy.get_carrier("外购电力").name_zh == "电力"
    assert energy.get_carrier("LNG").name_zh == "液化天然气"
    assert energy.get_carrier(" 管道天然气 ").name_zh == "天然气"
    with pytest.raises(energy.UnknownCarrierError):
        energy.get_carrier("暗物质")


def test_units_with_spaces_and_case_are_recognised():
    assert energy.unit_size("KWH") == energy.unit_size("千瓦时") == 1
    assert energy.normalize_unit(" 万 立方米 ") == "万立方米"
    assert energy.unit_dimension("m³") == "volume"
    assert energy.unit_size("万M3") == 10_000


@pytest.mark.parametrize(
    ("carrier", "quantity", "unit", "expected_tce"),
    [
        # 100 t × 1000 kg/t × 0.7143 kgce/kg ÷ 1000 = 71.43 tce
        ("原煤", 100, "吨", 71.43),
        # 1 万m³ × 10 000 m³ × 1.3300 kgce/m³ ÷ 1000 = 13.3 tce (DEFAULTS §1)
        ("天然气", 1, "万立方米", 13.3),
        # 1 万kWh × 10 000 kWh × 0.1229 kgce/kWh ÷ 1000 = 1.229 tce (当量值)
        ("电力", 1, "万千瓦时", 1.229),
        # 1 GJ × 1000 MJ × 0.03412 kgce/MJ ÷ 1000 = 0.03412 tce (34.12 kgce/GJ)
        ("热力", 1, "吉焦", 0.03412),
        # 1 t × 1000 × 1.4571 ÷ 1000 = 1.4571 tce
        ("柴油", 1, "吨", 1.4571),
    ],
)
def test_standard_coal_defaults(carrier, quantity, unit, expected_tce):
    fs = FactorSet.default()
    c = energy.get_carrier(carrier)
    tce = energy.to_standard_coal_tce(quantity, unit, fs.kgce(c.name_zh).value, c)
    assert tce == pytest.approx(expected_tce, rel=1e-12)
