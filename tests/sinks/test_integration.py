"""Sinks seen from above: plan-target indicators computed from the inventory, the dashboard's
sink and net-emissions cards, the separate line beside the peak outlook."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from carbonpeak.indicators import services as indicator_services
from carbonpeak.indicators.models import Indicator
from carbonpeak.sinks import services
from tests.sinks.conftest import INVENTORY_CSV, add_plan_targets

pytestmark = pytest.mark.django_db


def test_forest_targets_become_computed_indicators(filled_county, office_user):
    plan = add_plan_targets(filled_county)
    indicator_services.create_indicators_from_plan(plan=plan, user=office_user)
    result = indicator_services.refresh_computed(user=office_user, region=filled_county)
    assert result.target_series_values == 4  # two years × two indicators
    cover = Indicator.objects.get(region=filled_county, target__indicator="森林覆盖率")
    volume = Indicator.objects.get(region=filled_county, target__indicator="森林蓄积量")
    assert cover.kind == Indicator.Kind.COMPUTED and cover.computed_key == "target:森林覆盖率"
    assert {o.year: o.value for o in cover.observations.all()} == {
        2015: Decimal("37.5"),
        2020: Decimal("37.5"),
    }
    # 82000 m³ = 8.2 万立方米 (the plan target's unit)
    assert {o.year: o.value for o in volume.observations.all()} == {2015: Decimal("7"), 2020: Decimal("8.2")}
    assert all(o.state == "approved" and "林业碳汇核算" in o.source for o in volume.observations.all())
    # a second refresh changes nothing
    assert (
        indicator_services.refresh_computed(user=office_user, region=filled_county).target_series_values == 0
    )


def test_nothing_is_written_while_parameters_are_missing(county, office_user):
    services.import_inventory(
        region=county, data=INVENTORY_CSV.encode(), filename="清单.csv", user=office_user
    )
    services.ensure_default_parameter_set(region=county, user=office_user)
    plan = add_plan_targets(county)
    indicator_services.create_indicators_from_plan(plan=plan, user=office_user)
    assert indicator_services.refresh_target_series(region=county, user=office_user) == 0
    assert not Indicator.objects.get(region=county, target__indicator="森林覆盖率").observations.exists()


def test_dashboard_shows_sink_and_net_emissions_separately(leader_client, filled_county, office_user):
    from carbonpeak.accounting.services import UploadedFile, import_dataset

    energy = "year,sector,carrier,quantity,unit\n2019,工业,原煤,1000,吨\n2020,工业,原煤,1000,吨\n"
    economy = "year,gdp_10k_yuan,gdp_constant_10k_yuan,population\n2019,1,1,1\n2020,1,1,1\n"
    import_dataset(
        user=office_user,
        name="测试",
        energy_file=UploadedFile("E.csv", energy.encode()),
        economy_file=UploadedFile("G.csv", economy.encode()),
        region="湖南省",
        base_year=2020,
    )
    page = re.sub(r"\s+", " ", leader_client.get("/dashboard/").content.decode())
    assert 'id="card-sinks"' in page and "2,829 t CO₂/年" in page and "2015—2020 年均" in page
    assert 'id="card-net-emissions"' in page and "净排放（2020年）" in page
    assert "总排放" in page and "− 林业碳汇 2,829" in page
    assert "林业碳汇：2,829 t CO₂/年（2015—2020 年均，单独列出，不计入达峰判断）" in page


def test_dashboard_card_says_when_parameters_are_missing(leader_client, county, office_user):
    services.import_inventory(
        region=county, data=INVENTORY_CSV.encode(), filename="清单.csv", user=office_user
    )
    services.ensure_default_parameter_set(region=county, user=office_user)
    page = re.sub(r"\s+", " ", leader_client.get("/dashboard/").content.decode())
    assert 'id="card-sinks"' in page and "参数不全，暂不计算（缺 7 个数值）" in page
    assert 'id="card-net-emissions"' not in page
