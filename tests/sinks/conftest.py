"""Regions and accounts for the sinks tests: the county, a sibling county, the parent city."""

from __future__ import annotations

import pytest

from carbonpeak.core.regions import ensure_region
from carbonpeak.core.roles import Role

# Made-up parameter values for arithmetic only (test inputs, not values of any species).
TEST_SOURCE = "测试输入（非真实参数）"
INVENTORY_CSV = (
    "year,species_group,area_hm2,volume_m3,counts_for_forest_cover\n"
    "2015,杉木,1000,50000,是\n"
    "2015,马尾松,500,20000,是\n"
    "2015,竹林,300,,否\n"
    "2020,杉木,1000,60000,是\n"
    "2020,马尾松,500,22000,是\n"
    "2020,竹林,320,,否\n"
)


@pytest.fixture
def county(db):
    return ensure_region("430621")


@pytest.fixture
def sibling(db):
    return ensure_region("430623")


@pytest.fixture
def city(db):
    return ensure_region("430600")


@pytest.fixture
def forestry_user(make_user, county):
    from carbonpeak.plans.models import Department

    dept = Department.objects.get_or_create(
        region=county, name="县林业局", defaults={"short_name": "县林业局"}
    )[0]
    return make_user("forestry", Role.DEPARTMENT, department=dept, region=county)


@pytest.fixture
def sibling_office(make_user, sibling):
    return make_user("sibling-office", Role.OFFICE, region=sibling)


@pytest.fixture
def city_office(make_user, city):
    return make_user("city-office", Role.OFFICE, region=city)


@pytest.fixture
def city_leader(make_user, city):
    return make_user("city-leader", Role.LEADER, region=city)


def fill_parameters(parameter_set, values, user=None):
    """Fill ``{group: {field: value}}`` through the service, with the test source."""
    from carbonpeak.sinks import services
    from carbonpeak.sinks.models import SpeciesParameter

    for group, fields in values.items():
        for field, value in fields.items():
            parameter = SpeciesParameter.objects.get(
                parameter_set=parameter_set, species_group=group, field=field
            )
            services.save_parameter(
                parameter=parameter, value=value, source=TEST_SOURCE, verification="unverified", user=user
            )


FULL = {
    "杉木": {"wood_density_t_per_m3": 0.3, "bef": 1.5, "root_shoot_ratio": 0.2, "carbon_fraction": 0.5},
    "马尾松": {"wood_density_t_per_m3": 0.4, "bef": 1.4, "root_shoot_ratio": 0.25},  # CF stays the IPCC 0.47
    "竹林": {"biomass_t_per_hm2": 50.0, "carbon_fraction": 0.5},
}


@pytest.fixture
def filled_county(county, office_user):
    """The county with the test inventory and a complete parameter set (test values)."""
    from carbonpeak.sinks import services

    services.import_inventory(
        region=county, data=INVENTORY_CSV.encode(), filename="清单.csv", user=office_user
    )
    settings_obj = services.ensure_default_parameter_set(region=county, user=office_user)
    fill_parameters(settings_obj.parameter_set, FULL, office_user)
    services.set_land_area(region=county, land_area_hm2=4000.0, source="测试输入", user=office_user)
    return county


def add_plan_targets(region):
    """The two forest targets as the plan parser reads them from the seed plan."""
    from carbonpeak.plans.models import Plan, Target

    plan = Plan.objects.create(title="测试方案", region=region)
    quote = "全县森林覆盖率目标值为稳定在39.00%,森林蓄积量目标值为441万立方米"
    Target.objects.create(
        plan=plan,
        indicator="森林覆盖率",
        value=39,
        value_text="39.00",
        unit="%",
        comparator="=",
        year=2025,
        scope="全县",
        quote=quote[:22],
    )
    Target.objects.create(
        plan=plan,
        indicator="森林蓄积量",
        value=441,
        value_text="441",
        unit="万立方米",
        comparator="=",
        year=2025,
        quote=quote,
    )
    return plan
