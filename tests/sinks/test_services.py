"""Sinks use cases: defaults only where sourced, refusal until filled, exact figures, imports."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from carbonpeak.core.errors import UserError
from carbonpeak.core.models import AuditEntry
from carbonpeak.sinks import services
from carbonpeak.sinks.models import ForestInventory, SpeciesParameter
from tests.sinks.conftest import INVENTORY_CSV, add_plan_targets

pytestmark = pytest.mark.django_db


def test_default_set_fills_only_the_sourced_carbon_fraction(county, office_user):
    s = services.ensure_default_parameter_set(region=county, user=office_user)
    values = list(s.parameter_set.values.all())
    filled = [v for v in values if v.value is not None]
    assert filled and all(v.field == "carbon_fraction" and v.value == 0.47 for v in filled)
    assert all("IPCC 2006" in v.source and v.verification == "secondary_2plus" for v in filled)
    empty = {v.field for v in values if v.value is None}
    assert empty == {"wood_density_t_per_m3", "bef", "root_shoot_ratio", "biomass_t_per_hm2"}
    assert all(v.source == "" for v in values if v.value is None)
    # idempotent
    assert (
        services.ensure_default_parameter_set(region=county, user=office_user).parameter_set
        == s.parameter_set
    )


def test_refuses_to_compute_and_lists_every_missing_value(county, office_user):
    services.import_inventory(
        region=county, data=INVENTORY_CSV.encode(), filename="清单.csv", user=office_user
    )
    services.ensure_default_parameter_set(region=county, user=office_user)
    r = services.region_result(region=county)
    assert r.result is None and r.figures == []
    assert [(m.species_group, m.field) for m in r.missing] == [
        ("杉木", "wood_density_t_per_m3"),
        ("杉木", "bef"),
        ("杉木", "root_shoot_ratio"),
        ("马尾松", "wood_density_t_per_m3"),
        ("马尾松", "bef"),
        ("马尾松", "root_shoot_ratio"),
        ("竹林", "biomass_t_per_hm2"),
    ]
    assert services.yearly_forest_summary(region=county) == []


def test_results_by_hand(filled_county):
    r = services.region_result(region=filled_county)
    assert r.missing == [] and r.result is not None
    y2015, y2020 = r.figures
    # 杉木 50000 × 0.3 × 1.5 × 1.2 × 0.5 = 13500; 马尾松 20000 × 0.4 × 1.4 × 1.25 × 0.47 = 6580;
    # 竹林 300 × 50 × 0.5 = 7500 → 27580 tC
    assert_allclose(y2015.carbon_stock_tc, 27580.0, rtol=1e-12)
    # 2020: 16200 + 7238 + 8000 = 31438 tC
    assert_allclose(y2020.carbon_stock_tc, 31438.0, rtol=1e-12)
    assert_allclose(r.result.annual_sink[0].co2_t_per_year, (31438.0 - 27580.0) * 44 / 12 / 5, rtol=1e-12)
    # forest cover: bamboo marked 否 → 1500 hm² / 4000 hm² = 37.5 %
    assert_allclose(y2020.forest_cover_pct, 37.5, rtol=1e-12)
    assert_allclose(y2020.volume_m3, 82000.0, rtol=1e-12)
    # every species figure names its inventory line and the value's source
    first = r.result.years[0].by_species[0]
    assert first.inventory_row == 2 and "测试输入" in first.parameters.source


def test_save_parameter_needs_source_and_bumps_version(county, office_user):
    s = services.ensure_default_parameter_set(region=county, user=office_user)
    pset = s.parameter_set
    p = SpeciesParameter.objects.get(parameter_set=pset, species_group="杉木", field="bef")
    with pytest.raises(UserError, match="请注明来源"):
        services.save_parameter(parameter=p, value=1.5, source=" ", verification="primary", user=office_user)
    with pytest.raises(UserError, match="应在 0 与 1 之间"):
        c = SpeciesParameter.objects.get(parameter_set=pset, species_group="杉木", field="carbon_fraction")
        services.save_parameter(parameter=c, value=47, source="x", verification="primary", user=office_user)
    before = pset.version
    services.save_parameter(
        parameter=p, value=1.5, source="某文件 表3", verification="primary", user=office_user
    )
    pset.refresh_from_db()
    assert pset.version == before + 1
    entry = AuditEntry.objects.filter(object_type="sinks.SpeciesParameter", object_id=str(p.pk)).first()
    assert entry is not None and entry.before["value"] is None and entry.after["value"] == 1.5


def test_import_reports_every_bad_row_and_writes_nothing(county, office_user):
    bad = (
        "year,species_group,area_hm2,volume_m3\n"
        "2020,杉木,abc,100\n"
        "2020,马尾松,-5,100\n"
        "2020,,10,10\n"
        "2020,柏木,1,1\n"
        "2020,柏木,1,1\n"
    )
    preview = services.preview_inventory(region=county, data=bad.encode(), filename="坏.csv")
    text = "\n".join(preview.errors)
    assert "第2行「面积」" in text
    assert "第3行「面积」：不能为负数" in text
    assert "第4行「优势树种组」：必填" in text
    assert "第6行：2020 年树种组“柏木”重复" in text
    with pytest.raises(UserError):
        services.import_inventory(region=county, data=bad.encode(), filename="坏.csv", user=office_user)
    assert not ForestInventory.objects.exists()


def test_import_replaces_only_the_years_in_the_file_and_accepts_gb18030(county, office_user):
    services.import_inventory(
        region=county, data=INVENTORY_CSV.encode(), filename="清单.csv", user=office_user
    )
    update = "年份,树种组,面积,蓄积量\n2020,杉木,1100,61000\n"
    preview = services.preview_inventory(region=county, data=update.encode("gb18030"), filename="更新.csv")
    assert preview.ok and preview.replaced_years == [2020]
    services.import_inventory(
        region=county, data=update.encode("gb18030"), filename="更新.csv", user=office_user
    )
    assert ForestInventory.objects.filter(year=2015).count() == 3
    assert list(ForestInventory.objects.filter(year=2020).values_list("species_group", "volume_m3")) == [
        ("杉木", 61000.0)
    ]


def test_export_can_be_imported_again(filled_county, office_user):
    from carbonpeak.sinks import tables

    data = tables.inventory_export(filled_county)
    preview = services.preview_inventory(region=filled_county, data=data, filename="导出.xlsx")
    assert preview.ok, preview.errors
    assert len(preview.rows) == 6
    bamboo = next(r for r in preview.rows if r.species_group == "竹林")
    assert bamboo.volume_m3 is None and bamboo.counts_for_forest_cover is False


def test_region_chooses_a_city_set_but_not_a_sibling_set(
    county, sibling, city, office_user, city_office, sibling_office
):
    city_set = services.ensure_default_parameter_set(region=city, user=city_office).parameter_set
    sibling_set = services.ensure_default_parameter_set(region=sibling, user=sibling_office).parameter_set
    services.choose_parameter_set(region=county, parameter_set=city_set, user=office_user)
    with pytest.raises(UserError):
        services.choose_parameter_set(region=county, parameter_set=sibling_set, user=office_user)
    copy = services.copy_parameter_set(parameter_set=city_set, region=county, name="", user=office_user)
    assert copy.region == county and copy.values.count() == city_set.values.count()


def test_net_emissions_show_gross_and_sink(filled_county, office_user):
    from carbonpeak.accounting.services import UploadedFile, import_dataset

    energy = "year,sector,carrier,quantity,unit\n2018,工业,原煤,1000,吨\n2020,工业,原煤,1000,吨\n2021,工业,原煤,1000,吨\n"
    economy = "year,gdp_10k_yuan,gdp_constant_10k_yuan,population\n2018,1,1,1\n2020,1,1,1\n2021,1,1,1\n"
    import_dataset(
        user=office_user,
        name="测试",
        energy_file=UploadedFile("E.csv", energy.encode()),
        economy_file=UploadedFile("G.csv", economy.encode()),
        region="湖南省",
        base_year=2020,
    )
    r = services.region_result(region=filled_county)
    by_year = {n.year: n for n in r.net_emissions}
    sink = (31438.0 - 27580.0) * 44 / 12 / 5
    assert_allclose(by_year[2018].sink_co2_t_per_year, sink, rtol=1e-12)
    assert_allclose(by_year[2018].net_co2_t, by_year[2018].gross_co2_t - sink, rtol=1e-12)
    assert by_year[2021].sink_co2_t_per_year is None and by_year[2021].net_co2_t is None


def test_forest_targets_from_the_plan(filled_county):
    add_plan_targets(filled_county)
    r = services.region_result(region=filled_county)
    cover, volume = r.forest_cover, r.stock_volume
    assert cover is not None and volume is not None
    # 37.5 % against 稳定在 39.00 %: not reached
    assert (cover.target_value, cover.comparator, cover.value_year) == (39.0, "=", 2020)
    assert_allclose(cover.value, 37.5, rtol=1e-12)
    assert cover.met is False
    # 82000 m³ = 8.2 万立方米 against 441 万立方米
    assert volume.unit == "万立方米" and volume.comparator == ">="
    assert_allclose(volume.value, 8.2, rtol=1e-12)
    assert volume.met is False


def test_no_land_area_means_no_forest_cover(county, office_user):
    services.import_inventory(
        region=county, data=INVENTORY_CSV.encode(), filename="清单.csv", user=office_user
    )
    s = services.ensure_default_parameter_set(region=county, user=office_user)
    from tests.sinks.conftest import FULL, fill_parameters

    fill_parameters(s.parameter_set, FULL, office_user)
    r = services.region_result(region=county)
    assert r.result is not None
    assert all(f.forest_cover_pct is None for f in r.figures)
    with pytest.raises(UserError, match="来源"):
        services.set_land_area(region=county, land_area_hm2=100.0, source="", user=office_user)
    with pytest.raises(UserError, match="大于 0"):
        services.set_land_area(region=county, land_area_hm2=0.0, source="x", user=office_user)


def test_parameters_export_import_round_trip(county, office_user):
    import io

    from openpyxl import load_workbook

    from carbonpeak.core.errors import TableError
    from carbonpeak.sinks import tables

    pset = services.ensure_default_parameter_set(region=county, user=office_user).parameter_set
    data = tables.parameters_export(pset)
    assert (
        services.import_parameters(parameter_set=pset, data=data, filename="参数.xlsx", user=office_user) == 0
    )

    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    header = [c.value for c in ws[3]]
    col = {name: header.index(name) + 1 for name in ("优势树种组", "参数", "数值", "来源", "核验状态")}
    target_row = next(
        r
        for r in range(4, ws.max_row + 1)
        if ws.cell(r, col["优势树种组"]).value == "杉木"
        and ws.cell(r, col["参数"]).value == "基本木材密度（SVD）"
    )
    ws.cell(target_row, col["数值"]).value = 0.3
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(TableError) as info:  # a value without a source is refused, nothing written
        services.import_parameters(
            parameter_set=pset, data=buf.getvalue(), filename="参数.xlsx", user=office_user
        )
    assert f"第{target_row}行「来源」" in str(info.value)
    assert (
        SpeciesParameter.objects.get(
            parameter_set=pset, species_group="杉木", field="wood_density_t_per_m3"
        ).value
        is None
    )

    ws.cell(target_row, col["来源"]).value = "某文件 表3"
    ws.cell(target_row, col["核验状态"]).value = "已核对原文"
    buf = io.BytesIO()
    wb.save(buf)
    version = pset.version
    assert (
        services.import_parameters(
            parameter_set=pset, data=buf.getvalue(), filename="参数.xlsx", user=office_user
        )
        == 1
    )
    p = SpeciesParameter.objects.get(parameter_set=pset, species_group="杉木", field="wood_density_t_per_m3")
    assert (p.value, p.source, p.verification) == (0.3, "某文件 表3", "primary")
    pset.refresh_from_db()
    assert pset.version == version + 1


def test_growth_minus_consumption_as_a_second_estimate(filled_county, office_user):
    with pytest.raises(UserError, match="同时填写"):
        services.set_growth_rates(
            region=filled_county, growth_rate_pct=8.0, consumption_rate_pct=None, source="x", user=office_user
        )
    with pytest.raises(UserError, match="来源"):
        services.set_growth_rates(
            region=filled_county, growth_rate_pct=8.0, consumption_rate_pct=5.0, source="", user=office_user
        )
    services.set_growth_rates(
        region=filled_county,
        growth_rate_pct=8.0,
        consumption_rate_pct=5.0,
        source="测试输入",
        user=office_user,
    )
    r = services.region_result(region=filled_county)
    # 2020: (60000 × 0.3 × 1.5 × 0.5 + 22000 × 0.4 × 1.4 × 0.47) × (0.08 − 0.05) × 44/12; bamboo has no volume
    expected = (60000 * 0.3 * 1.5 * 0.5 + 22000 * 0.4 * 1.4 * 0.47) * 0.03 * 44 / 12
    assert_allclose(r.flow_sink[2020], expected, rtol=1e-12)
    assert set(r.flow_sink) == {2015, 2020}
