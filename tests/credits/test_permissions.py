"""Permission matrix: roles × pages × own county / sibling county / parent city."""

from __future__ import annotations

import pytest
from django.test import Client

from carbonpeak.core.roles import Role
from carbonpeak.credits.services import rewards

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(county, sibling, city, partner, bus, office_user):
    reward = rewards.save_reward(
        region=county,
        user=office_user,
        name="公交乘车券",
        provider="government",
        provider_name="县交通运输局",
        points_cost=100,
        stock=5,
        description="",
        active=True,
    )
    return {"partner": partner, "bus": bus, "reward": reward}


# (who, read pages, object pages, manage pages); codes: 200 ok, 403 refused, 404 hidden, 302 login
MATRIX = [
    ("office@county", 200, 200, 200),
    ("office@sibling", 200, 404, 404),
    ("office@city", 200, 200, 403),
    ("leader@county", 200, 200, 403),
    ("leader@city", 200, 200, 403),
    ("department@county", 403, 403, 403),
    ("anonymous", 302, 302, 302),
]


def _client(who, office_in, county, sibling, city):
    if who == "anonymous":
        return Client()
    role, where = who.split("@")
    region = {"county": county, "sibling": sibling, "city": city}[where]
    return office_in(
        region, role={"office": Role.OFFICE, "leader": Role.LEADER, "department": Role.DEPARTMENT}[role]
    )


@pytest.mark.parametrize(("who", "read", "obj", "manage"), MATRIX)
def test_matrix(world, office_in, county, sibling, city, who, read, obj, manage) -> None:
    c = _client(who, office_in, county, sibling, city)
    for url in (
        "/credits/",
        "/credits/partners/",
        "/credits/methodologies/",
        "/credits/rewards/",
        "/credits/activities/",
        "/credits/totals.xlsx",
    ):
        assert c.get(url).status_code == read, url
    assert c.get(f"/credits/methodologies/{world['bus'].pk}/").status_code == obj
    assert c.get(f"/credits/rewards/{world['reward'].pk}/").status_code == manage
    resp = c.post(f"/credits/partners/{world['partner'].pk}/rotate/")
    assert resp.status_code == manage


def test_lists_show_only_rows_in_scope(world, office_in, county, sibling, city) -> None:
    assert "县公交公司" in office_in(county).get("/credits/partners/").content.decode()
    assert "县公交公司" in office_in(city).get("/credits/partners/").content.decode()
    assert "县公交公司" not in office_in(sibling).get("/credits/partners/").content.decode()
    assert "公交乘车券" not in office_in(sibling).get("/credits/rewards/").content.decode()


def test_city_office_cannot_create_in_a_county_through_forms(world, office_in, city) -> None:
    c = office_in(city, role=Role.LEADER)
    resp = c.post(
        "/credits/rewards/",
        {"name": "x", "provider": "merchant", "provider_name": "y", "points_cost": 1, "stock": 1},
    )
    assert resp.status_code == 404
