"""Roles × every sinks URL × region: own county, sibling county, parent city.

- county office: everything in its county;
- forestry-bureau user: reads, and imports or deletes the inventory;
- leader and other department users: read only;
- city office and city leader viewing the county: read only (the county's office owns its data);
- sibling county office: never the county's data (objects are 404);
- enterprise users: nothing; anonymous: the login page.
"""

from __future__ import annotations

import pytest
from django.test import Client

from carbonpeak.core.regions import SESSION_KEY
from carbonpeak.core.roles import Role
from carbonpeak.sinks import services
from carbonpeak.sinks.models import ForestInventory, ParameterSet, SpeciesParameter
from tests.sinks.conftest import INVENTORY_CSV

pytestmark = pytest.mark.django_db

READ, INVENTORY, PARAMS = "read", "inventory", "params"


@pytest.fixture
def county_data(county, office_user):
    services.import_inventory(
        region=county, data=INVENTORY_CSV.encode(), filename="清单.csv", user=office_user
    )
    s = services.ensure_default_parameter_set(region=county, user=office_user)
    return s.parameter_set


def _urls(pset: ParameterSet) -> list[tuple[str, str, str, dict]]:
    value = pset.values.order_by("id").first()
    assert value is not None
    return [
        ("get", "/sinks/", READ, {}),
        ("get", "/sinks/inventory/", READ, {}),
        ("get", "/sinks/inventory/template.xlsx", READ, {}),
        ("get", "/sinks/inventory/export.xlsx", READ, {}),
        ("get", "/sinks/parameters/", READ, {}),
        ("get", "/sinks/inventory/2020/delete/", INVENTORY, {}),
        ("post", "/sinks/inventory/import/", INVENTORY, {}),
        ("post", "/sinks/inventory/2020/delete/", INVENTORY, {}),
        ("get", f"/sinks/parameters/values/{value.pk}/edit/", PARAMS, {}),
        ("post", f"/sinks/parameters/values/{value.pk}/edit/", PARAMS, {"value": "", "source": ""}),
        ("post", f"/sinks/parameters/sets/{pset.pk}/groups/", PARAMS, {"species_group": "新组"}),
        ("post", f"/sinks/parameters/sets/{pset.pk}/choose/", PARAMS, {}),
        ("post", f"/sinks/parameters/sets/{pset.pk}/copy/", PARAMS, {}),
        ("get", f"/sinks/parameters/sets/{pset.pk}/export.xlsx", READ, {}),
        ("post", f"/sinks/parameters/sets/{pset.pk}/import/", PARAMS, {}),
        ("post", "/sinks/parameters/default/", PARAMS, {}),
        ("post", "/sinks/parameters/land-area/", PARAMS, {"land_area_hm2": "100", "land_area_source": "x"}),
    ]


def _client(user, viewing=None) -> Client:
    c = Client()
    c.force_login(user)
    if viewing is not None:
        session = c.session
        session[SESSION_KEY] = viewing.code
        session.save()
    return c


def _call(c: Client, method: str, url: str, data: dict):
    return c.get(url) if method == "get" else c.post(url, data)


def _allowed(response) -> bool:
    return response.status_code in (200, 302, 400) and "login" not in response.get("Location", "")


@pytest.mark.parametrize(
    ("who", "grants"),
    [
        ("office_user", {READ, INVENTORY, PARAMS}),
        ("forestry_user", {READ, INVENTORY}),
        ("leader_user", {READ}),
        ("department_user", {READ}),
        ("city_office", {READ}),
        ("city_leader", {READ}),
    ],
)
def test_matrix_on_the_county(request, county, county_data, who, grants):
    user = request.getfixturevalue(who)
    viewing = county if user.region_id != county.pk else None
    for method, url, need, data in _urls(county_data):
        # the delete step removes 2020; put it back so later rows test the same thing
        if not ForestInventory.objects.filter(year=2020).exists():
            services.import_inventory(
                region=county, data=INVENTORY_CSV.encode(), filename="清单.csv", user=None
            )
        response = _call(_client(user, viewing), method, url, data)
        if need in grants:
            assert _allowed(response), (who, method, url, response.status_code)
        else:
            assert response.status_code == 403, (who, method, url, response.status_code)


def test_sibling_county_never_reaches_the_county(county, sibling, county_data, sibling_office):
    c = _client(sibling_office)
    value = SpeciesParameter.objects.filter(parameter_set=county_data).first()
    assert c.get(f"/sinks/parameters/values/{value.pk}/edit/").status_code == 404
    assert (
        c.post(f"/sinks/parameters/sets/{county_data.pk}/groups/", {"species_group": "x"}).status_code == 404
    )
    assert c.post(f"/sinks/parameters/sets/{county_data.pk}/choose/").status_code == 404
    assert c.post(f"/sinks/parameters/sets/{county_data.pk}/copy/").status_code == 404
    assert c.get(f"/sinks/parameters/sets/{county_data.pk}/export.xlsx").status_code == 404
    assert c.post(f"/sinks/parameters/sets/{county_data.pk}/import/").status_code == 404
    page = c.get("/sinks/inventory/").content.decode()
    assert "还没有森林资源清单" in page and "杉木" not in page
    # switching to a sibling county is impossible: the session value is ignored
    c2 = _client(sibling_office, viewing=county)
    assert "杉木" not in c2.get("/sinks/inventory/").content.decode()
    export = c.get("/sinks/inventory/export.xlsx")
    assert export.status_code == 200
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert not any("杉木" in [str(v) for v in r] for r in rows)


def test_city_office_manages_its_own_sets_and_counties_may_adopt_them(county, city, city_office, office_user):
    c = _client(city_office)
    assert c.post("/sinks/parameters/default/").status_code == 302
    city_set = ParameterSet.objects.get(region=city)
    value = city_set.values.filter(field="bef").first()
    r = c.post(
        f"/sinks/parameters/values/{value.pk}/edit/",
        {"value": "1.5", "source": "某文件 表2", "verification": "primary"},
    )
    assert r.status_code == 302
    county_client = _client(office_user)
    assert county_client.post(f"/sinks/parameters/sets/{city_set.pk}/choose/").status_code == 302
    # the county reads the city's set but cannot change it
    assert county_client.get(f"/sinks/parameters/values/{value.pk}/edit/").status_code == 404
    page = county_client.get("/sinks/parameters/").content.decode()
    assert "只能采用" in page


def test_enterprise_and_anonymous_get_nothing(client, county_data, make_user, enterprise):
    ent = make_user("ent2", Role.ENTERPRISE, enterprise=enterprise)
    c = _client(ent)
    for method, url, _, data in _urls(county_data):
        assert _call(c, method, url, data).status_code == 403, url
        response = _call(client, method, url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_growth_rates_only_for_the_own_office(county, county_data, office_user, leader_user, city_office):
    data = {"growth_rate_pct": "8", "consumption_rate_pct": "5", "rates_source": "x"}
    assert _client(office_user).post("/sinks/parameters/growth-rates/", data).status_code == 302
    assert _client(leader_user).post("/sinks/parameters/growth-rates/", data).status_code == 403
    assert (
        _client(city_office, viewing=county).post("/sinks/parameters/growth-rates/", data).status_code == 403
    )
