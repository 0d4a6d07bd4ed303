"""Browser test (real Chromium): the office uploads statistics, sees the results with
charts and warnings, and follows a figure to its calculation; a bad file is refused."""

from __future__ import annotations

import pytest

from carbonpeak.core.roles import Role

ENERGY = (
    "year,sector,carrier,quantity,unit\n"
    "2020,工业,原煤,10000,吨\n2020,居民生活,电力,1000,万千瓦时\n2020,交通运输,柴油,800,吨\n"
    "2021,工业,原煤,9600,吨\n2021,居民生活,电力,1100,万千瓦时\n2021,交通运输,柴油,820,吨\n"
)
ECONOMY = (
    "year,gdp_10k_yuan,gdp_constant_10k_yuan,population\n2020,100000,100000,5000\n2021,110000,105000,5000\n"
)
TARGETS = (
    "indicator,base_year,target_year,decline_pct\nenergy_intensity,2020,2025,14\nco2_intensity,2020,2025,18\n"
)


@pytest.fixture
def office(transactional_db, make_user):
    return make_user("office-e2e", Role.OFFICE)


def _files(tmp_path, energy: str):
    paths = {}
    for name, text in (("ENERGY.csv", energy), ("ECONOMY.csv", ECONOMY), ("TARGETS.csv", TARGETS)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths[name] = str(path)
    return paths


def _upload(page, paths):
    page.fill("input[name=name]", "浏览器测试数据")
    page.set_input_files("input[name=energy]", paths["ENERGY.csv"])
    page.set_input_files("input[name=economy]", paths["ECONOMY.csv"])
    page.set_input_files("input[name=targets]", paths["TARGETS.csv"])
    page.click("button:has-text('上传并核算')")
    page.wait_for_load_state("networkidle")


def test_upload_results_and_trace(page, login, live_server, office, tmp_path):
    login(office)
    page.goto(f"{live_server.url}/accounting/")
    bad = _files(tmp_path, ENERGY + "2021,工业,原煤,-1,吨\n")
    _upload(page, bad)
    assert "ENERGY.csv 第 8 行“quantity”列：数量不能为负数" in page.locator("[role=alert]").first.inner_text()
    page.console_errors.clear()  # type: ignore[attr-defined]  # the refused upload answers 400 on purpose

    _upload(page, _files(tmp_path, ENERGY))
    assert "/accounting/datasets/" in page.url
    assert "浏览器测试数据" in page.inner_text("h1")
    # charts are drawn by the vendored ECharts
    page.wait_for_selector("#chart-trend canvas")
    page.wait_for_selector("#chart-path canvas")
    page.wait_for_selector("#chart-sector canvas")
    # one warning per target for 2021 (the only year after the base year)
    assert page.locator("#warnings-table tbody tr").count() == 2
    # 2020 energy: 7143 + 1229 + 1165.68 = 9537.68 tce
    first_energy = page.locator("#years-table tbody tr").first.locator("td").nth(1)
    assert first_energy.inner_text().replace(",", "").startswith("9537.68")
    first_energy.locator("a").click()
    page.wait_for_load_state("networkidle")
    table = page.inner_text("#trace-table")
    assert "0.7143 kgce/kg" in table and "GB/T 32150" in table
    assert page.locator("#trace-table tbody tr").count() == 3
    assert page.console_errors == []  # type: ignore[attr-defined]
