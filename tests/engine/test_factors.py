"""Factor sets: packaged defaults per DEFAULTS.md, user overrides, lookups, errors."""

from __future__ import annotations

import pytest

from carbonpeak.engine.factors import FactorError, FactorSet, normalize_region


@pytest.fixture(scope="module")
def fs() -> FactorSet:
    return FactorSet.default("湖南省")


def test_defaults_follow_defaults_md(fs):
    # §1 standard coal
    assert fs.kgce("原煤").value == 0.7143
    assert fs.kgce("天然气").value == 1.3300  # not the range minimum 1.1000
    assert fs.kgce("天然气").unit == "kgce/m3"
    assert fs.kgce("电力").value == 0.1229
    assert fs.kgce("热力").value == 0.03412
    assert fs.kgce("煤泥").value == 0.2857  # lower end of a range
    # §2 fuel CO2 from NCV × CC × OF × 44/12
    gas = fs.co2("天然气", 2022)[0]
    assert gas.components["ncv"] == 389.31
    assert gas.unit == "tCO2/万立方米"
    assert gas.value == pytest.approx(389.31 * 15.3 * 0.99 * 44 / 12 / 1000)
    raw = fs.co2("原煤", 2022)[0]
    assert raw.components == {
        "ncv": 20.908,
        "ncv_unit": "GJ/t",
        "carbon_content_tc_per_tj": 26.1,
        "oxidation_rate": 0.93,
    }
    assert raw.assumption  # results using it must say so
    # §4 heat
    assert fs.co2("热力", 2022)[0].value == 0.11
    assert fs.co2("热力", 2022)[0].unit == "tCO2/GJ"


def test_every_default_records_source_and_version(fs):
    for factor in fs.factors():
        assert factor.source, factor
        assert factor.version, factor
        assert factor.verification, factor


def test_grid_factor_of_the_year_and_nearest_year(fs):
    assert fs.grid("湖南", 2021)[0].value == 0.5138
    assert fs.grid("湖南省", 2022) == (fs.grid("湖南", 2022)[0], [])
    assert fs.grid("湖南", 2022)[0].value == 0.4900
    assert fs.grid("湖南", 2023)[0].value == 0.4976
    factor, flags = fs.grid("湖南", 2020)
    assert (factor.year, factor.value, flags) == (2021, 0.5138, ["nearest_year_grid_factor"])
    factor, flags = fs.grid("湖南", 2025)
    assert (factor.year, flags) == (2023, ["nearest_year_grid_factor"])
    # electricity CO2 goes through the grid of the set's region
    assert fs.co2("电力", 2022)[0].value == 0.49


def test_regions():
    assert normalize_region("湖南省") == "湖南"
    assert normalize_region("湖南") == "湖南"
    assert normalize_region("华中区域") == "华中"
    assert FactorSet.default("华中").co2("电力", 2022)[0].value == 0.5395
    assert FactorSet.default("全国").co2("电力", 2023)[0].value == 0.5306
    with pytest.raises(FactorError, match="西藏"):
        FactorSet.default("西藏自治区")


def test_no_factor_is_an_error_never_zero(fs):
    with pytest.raises(FactorError, match="洗精煤"):
        fs.co2("洗精煤", 2022)


def test_user_factors_override_by_year_and_for_all_years(fs):
    user = fs.with_user_factors(
        [
            {"carrier": "电力", "year": "2020", "co2_factor": "0.55", "unit": "kgCO2/kWh", "source": "省厅"},
            {"carrier": "天然气", "year": "", "co2_factor": "0.0021", "unit": "tCO2/m3", "source": "实测"},
            {"carrier": "洗精煤", "year": "", "co2_factor": "2.4", "unit": "tCO2/t", "source": "化验"},
        ]
    )
    assert user.version != fs.version and "用户因子" in user.name
    elec, flags = user.co2("电力", 2020)
    assert (elec.value, elec.unit, elec.origin, flags) == (pytest.approx(0.55), "tCO2/MWh", "user", [])
    assert user.co2("电力", 2021)[0].value == 0.5138  # other years keep the default
    assert user.co2("天然气", 2030)[0].value == pytest.approx(21.0)  # 0.0021 t/m³ = 21 t/万m³
    assert user.co2("洗精煤", 2022)[0].value == 2.4
    assert fs.co2("天然气", 2022)[0].origin == "default"  # the original set is unchanged


def test_measured_ncv_changes_coefficient_and_co2(fs):
    user = fs.with_user_factors(
        [{"carrier": "原煤", "year": "2023", "co2_factor": "23.0", "unit": "GJ/t", "source": "化验"}]
    )
    # 23.0 GJ/t = 23 000 kJ/kg ÷ 29 307.6 kJ/kgce = 0.784779 kgce/kg
    assert user.kgce("原煤", 2023).value == pytest.approx(23000 / 29307.6)
    assert user.co2("原煤", 2023)[0].value == pytest.approx(23.0 * 26.1 * 0.93 * 44 / 12 / 1000)
    assert user.kgce("原煤", 2022).value == 0.7143


def test_power_coal_rate_and_kgce_override(fs):
    user = fs.with_user_factors(
        [
            {"carrier": "电力", "year": "2022", "co2_factor": "300.7", "unit": "gce/kWh", "source": "中电联"},
            {"carrier": "焦炭", "year": "", "co2_factor": "0.95", "unit": "tce/t", "source": "实测"},
        ]
    )
    assert user.power_coal_rate(2022).value == 300.7
    assert user.power_coal_rate(2021) is None
    assert user.kgce("焦炭").value == pytest.approx(0.95)


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ({"carrier": "暗物质", "co2_factor": "1", "unit": "tCO2/t"}, "carrier"),
        ({"carrier": "原煤", "co2_factor": "abc", "unit": "tCO2/t"}, "co2_factor"),
        ({"carrier": "原煤", "co2_factor": "-1", "unit": "tCO2/t"}, "co2_factor"),
        ({"carrier": "原煤", "co2_factor": "1", "unit": "tCO2/万立方米"}, "unit"),
        ({"carrier": "原煤", "co2_factor": "1", "unit": "furlongs"}, "unit"),
        ({"carrier": "原煤", "year": "20x1", "co2_factor": "1", "unit": "tCO2/t"}, "year"),
        ({"carrier": "电力", "co2_factor": "0.2", "unit": "kgce/kWh"}, "unit"),
    ],
)
def test_bad_user_factor_rows_name_row_and_column(fs, row, column):
    with pytest.raises(FactorError) as info:
        fs.with_user_factors(
            [{"carrier": "热力", "co2_factor": "0.1", "unit": "tCO2/GJ"}, row], filename="FACTORS.csv"
        )
    assert info.value.row == 3
    assert info.value.column == column
    assert "FACTORS.csv 第 3 行" in info.value.message


def test_round_trip_through_dict(fs):
    again = FactorSet.from_dict(fs.to_dict())
    assert again.version == fs.version
    assert again.co2("原煤", 2022)[0] == fs.co2("原煤", 2022)[0]
    assert again.grid("湖南", 2020) == fs.grid("湖南", 2020)


def test_ipcc_dataset_is_selectable():
    ipcc = FactorSet.default("湖南省", dataset="IPCC2006_DEFAULT")
    # 43.0 GJ/t × 74 100 kgCO2/TJ ÷ 10^6 = 3.1863 tCO2/t
    assert ipcc.co2("柴油", 2022)[0].value == pytest.approx(3.1863)
    with pytest.raises(FactorError):
        ipcc.co2("原煤", 2022)
    with pytest.raises(FactorError):
        FactorSet.default(dataset="MADE_UP")
