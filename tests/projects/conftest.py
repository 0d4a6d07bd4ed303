"""Fixtures of the projects tests: regions (county, sibling county, parent city), users by role
and region, a county accounting dataset (hand case A of tests/engine/test_project_impact.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from carbonpeak.core.roles import Role

ENERGY = "year,sector,carrier,quantity,unit\n2020,工业,原煤,100000,吨\n2024,工业,原煤,100000,吨\n"
ECONOMY = (
    "year,gdp_10k_yuan,gdp_constant_10k_yuan\n2020,1000000,1000000\n2024,1250000,1200000\n2025,,1260000\n"
)
TARGETS = "indicator,base_year,target_year,decline_pct,cap\nenergy_intensity,2020,2025,14,\n"


@pytest.fixture
def regions(db):
    from carbonpeak.core.regions import ensure_region

    return SimpleNamespace(
        city=ensure_region("430600"), county=ensure_region("430621"), sibling=ensure_region("430626")
    )


@pytest.fixture
def users(regions, make_user, enterprise):
    def user(name, role, region, **extra):
        return make_user(name, role, region=region, **extra)

    return SimpleNamespace(
        office=user("p-office", Role.OFFICE, regions.county),
        leader=user("p-leader", Role.LEADER, regions.county),
        department=user("p-dept", Role.DEPARTMENT, regions.county),
        enterprise=user("p-ent", Role.ENTERPRISE, regions.county, enterprise=enterprise),
        sibling=user("p-sibling", Role.OFFICE, regions.sibling),
        city=user("p-city", Role.OFFICE, regions.city),
        city_leader=user("p-city-leader", Role.LEADER, regions.city),
    )


@pytest.fixture
def dataset(regions):
    from carbonpeak.accounting.services import UploadedFile, import_dataset

    return import_dataset(
        user=None,
        name="测试县统计",
        energy_file=UploadedFile("ENERGY.csv", ENERGY.encode()),
        economy_file=UploadedFile("ECONOMY.csv", ECONOMY.encode()),
        targets_file=UploadedFile("TARGETS.csv", TARGETS.encode()),
        area=regions.county,
    )


@pytest.fixture
def make_project(regions):
    from carbonpeak.projects import services
    from carbonpeak.projects.models import Project

    def _make(code="P1", *, energy=(("电力", 2000, "万千瓦时", "fuel"),), region=None, **fields):
        defaults = dict(
            name="电子材料项目",
            owner_name="某电子公司",
            industry_code="C3985",
            production_year=2025,
            ramp_up_pct="50,100",
            value_added_10k_yuan=10000,
        )
        defaults.update(fields)
        project = Project(region=region or regions.county, code=code, **defaults)
        rows = [services.EnergyInput(c, float(q), u, use) for c, q, u, use in energy]
        return services.save_project(user=None, project=project, energy_rows=rows)

    return _make


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded energy reports go to a temporary directory, not the data directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
