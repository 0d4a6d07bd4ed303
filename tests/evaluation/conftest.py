"""A city with two counties, enterprises in each, and one user per role and region."""

from __future__ import annotations

import pytest
from django.test import Client

from carbonpeak.core.models import Region
from carbonpeak.core.roles import Role
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.evaluation.models import AnnualData
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def meter_store(settings, tmp_path):
    settings.METER_STORE_DIR = tmp_path / "meter-store"


@pytest.fixture
def regions(db):
    province = Region.objects.get_or_create(code="430000", defaults={"name": "湖南省", "level": "province"})[
        0
    ]
    city = Region.objects.get_or_create(
        code="430600", defaults={"name": "岳阳市", "level": "city", "parent": province}
    )[0]
    county = Region.objects.get_or_create(
        code="430621", defaults={"name": "岳阳县", "level": "county", "parent": city}
    )[0]
    sibling = Region.objects.get_or_create(
        code="430626", defaults={"name": "平江县", "level": "county", "parent": city}
    )[0]
    return {"province": province, "city": city, "county": county, "sibling": sibling}


def make_enterprise(region: Region, name: str, uscc: str, code: str = "C3011", **extra) -> Enterprise:
    return Enterprise.objects.create(region=region, name=name, uscc=uscc, industry_code=code, **extra)


def annual(enterprise: Enterprise, year: int, **values) -> AnnualData:
    return AnnualData.objects.create(enterprise=enterprise, year=year, **values)


@pytest.fixture
def county_enterprises(regions):
    county = regions["county"]
    return [
        make_enterprise(county, f"岳阳县企业{i}", f"91430621MA4L00{i:02d}0X", park="一园", land_area_mu=100)
        for i in range(1, 5)
    ]


@pytest.fixture
def sibling_enterprise(regions):
    return make_enterprise(regions["sibling"], "平江县企业", "91430626MA4L00990X")


@pytest.fixture
def users(regions, county_enterprises, sibling_enterprise, django_user_model):
    def make(username: str, role: str, region: Region, **extra):
        user = django_user_model(username=username, role=role, region=region, **extra)
        user.set_password(PASSWORD)
        user.save()
        return user

    return {
        "office": make("office-c", Role.OFFICE, regions["county"]),
        "office_sibling": make("office-s", Role.OFFICE, regions["sibling"]),
        "office_city": make("office-city", Role.OFFICE, regions["city"]),
        "leader": make("leader-c", Role.LEADER, regions["county"]),
        "department": make("dept-c", Role.DEPARTMENT, regions["county"]),
        "enterprise": make("ent-c", Role.ENTERPRISE, regions["county"], enterprise=county_enterprises[0]),
        "enterprise_other": make(
            "ent-o", Role.ENTERPRISE, regions["county"], enterprise=county_enterprises[1]
        ),
        "enterprise_sibling": make(
            "ent-s", Role.ENTERPRISE, regions["sibling"], enterprise=sibling_enterprise
        ),
    }


@pytest.fixture
def client_for():
    def _client(user) -> Client:
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return _client
