"""Browser test (real Chromium): the office registers a proposed project, sees it classified
and converted, and sees on the impact page whether the county still meets its 2025 target."""

from __future__ import annotations

import pytest

from carbonpeak.core.roles import Role
from tests.projects.conftest import ECONOMY, ENERGY, TARGETS


@pytest.fixture
def county_office(transactional_db, make_user):
    from carbonpeak.accounting.services import UploadedFile, import_dataset
    from carbonpeak.core.regions import ensure_region

    county = ensure_region("430621")
    import_dataset(
        user=None,
        name="浏览器测试县统计",
        energy_file=UploadedFile("ENERGY.csv", ENERGY.encode()),
        economy_file=UploadedFile("ECONOMY.csv", ECONOMY.encode()),
        targets_file=UploadedFile("TARGETS.csv", TARGETS.encode()),
        area=county,
    )
    return make_user("office-projects-e2e", Role.OFFICE, region=county)


def test_register_project_and_see_its_impact(page, login, live_server, county_office):
    login(county_office)
    page.goto(f"{live_server.url}/projects/new/")
    page.fill("input[name=code]", "E2E-1")
    page.fill("input[name=name]", "浏览器测试水泥项目")
    page.fill("input[name=owner_name]", "某建材公司")
    page.fill("input[name=industry_code]", "C3011")
    page.fill("input[name=production_year]", "2025")
    page.fill("input[name=ramp_up_pct]", "50,100")
    page.fill("input[name=value_added_10k_yuan]", "10000")
    # a bad unit first: refused in Chinese, nothing saved
    page.fill("input[name=energy-0-carrier]", "原煤")
    page.fill("input[name=energy-0-quantity]", "5000")
    page.fill("input[name=energy-0-unit]", "万千瓦时")
    page.click("button:has-text('保存并计算')")
    assert "不能用于能源品种“原煤”" in page.content()
    page.console_errors.clear()  # type: ignore[attr-defined]  # the refused form answers 400 on purpose
    page.fill("input[name=energy-0-unit]", "吨")
    page.fill("input[name=energy-1-carrier]", "电力")
    page.fill("input[name=energy-1-quantity]", "2000")
    page.fill("input[name=energy-1-unit]", "万千瓦时")
    page.click("button:has-text('保存并计算')")
    page.wait_for_load_state("networkidle")
    assert "/projects/" in page.url and "浏览器测试水泥项目" in page.inner_text("h1")
    body = page.inner_text("main")
    # 5 000 t × 0.7143 + 20 000 000 kWh × 0.1229 / 1000 = 3 571.5 + 2 458 = 6 029.5 tce
    assert "6029.50" in body  # the card (the page's number format has no thousands separator)
    assert "两高项目" in body and "C30" in body
    assert "省级以下审查" in body

    page.click("text=本项目对目标的影响")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#chart-energy canvas")
    page.wait_for_selector("#chart-intensity canvas")
    # 2025: room 5 971.548 tce; the project adds 50 % of 6 029.5 = 3 014.75 tce → 50.49 %
    room = page.inner_text("#room")
    assert "5971.55" in room and "3014.75" in room and "50.49%" in room
    assert "2025 年目标" in page.inner_text("#reachable")
    assert page.console_errors == []  # type: ignore[attr-defined]
