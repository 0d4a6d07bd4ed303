"""Browser test (real Chromium): the office imports a forest inventory (a bad file is refused
with every row named), sees the platform refuse to compute and list the missing parameters,
fills a value with its source, and reads the stock, the annual sink and their trace."""

from __future__ import annotations

import pytest

from carbonpeak.core.roles import Role
from tests.sinks.conftest import FULL, INVENTORY_CSV, TEST_SOURCE


@pytest.fixture
def office(transactional_db, make_user):
    from carbonpeak.core.regions import ensure_region

    return make_user("office-sinks", Role.OFFICE, region=ensure_region("430621"))


def _upload(page, path):
    page.set_input_files("input[name=file]", str(path))
    page.click("button:has-text('上传并预览')")
    page.wait_for_load_state("networkidle")


def test_inventory_refusal_parameters_and_results(page, login, live_server, office, tmp_path):
    login(office)
    page.goto(f"{live_server.url}/sinks/")
    assert "还没有森林资源清单" in page.inner_text("main")

    page.goto(f"{live_server.url}/sinks/inventory/")
    bad = tmp_path / "坏清单.csv"
    bad.write_text(
        "year,species_group,area_hm2,volume_m3\n2020,杉木,abc,1\n2020,马尾松,1,-5\n", encoding="utf-8"
    )
    _upload(page, bad)
    errors = page.inner_text("#import-errors")
    assert "第2行「面积」" in errors and "第3行「活立木蓄积量」：不能为负数" in errors
    page.console_errors.clear()  # type: ignore[attr-defined]  # the refused upload answers 400 on purpose

    good = tmp_path / "清单.csv"
    good.write_text(INVENTORY_CSV, encoding="gb18030")
    _upload(page, good)
    assert "共 6 行" in page.inner_text("#import-preview")
    page.click("button:has-text('确认导入')")
    page.wait_for_load_state("networkidle")
    assert "已导入 6 行" in page.inner_text("main")

    page.goto(f"{live_server.url}/sinks/parameters/")
    page.click("button:has-text('建立默认参数集')")
    page.wait_for_load_state("networkidle")
    missing = page.inner_text("#missing-parameters")
    assert "树种组“杉木”缺少基本木材密度（SVD）" in missing
    assert "省级温室气体清单编制指南（试行）" in missing

    page.goto(f"{live_server.url}/sinks/")
    assert "参数不全，暂不计算" in page.inner_text("#missing-parameters")
    assert page.locator("#stock-table").count() == 0

    # one value through the form (a value without a source is refused), the rest by the service
    page.goto(f"{live_server.url}/sinks/parameters/")
    row = page.locator("#parameter-table tr", has_text="杉木").filter(has_text="生物量扩展因子")
    row.locator("a:has-text('填写/修改')").click()
    page.wait_for_load_state("networkidle")
    page.fill("input[name=value]", "1.5")
    page.click("button:has-text('保存')")
    page.wait_for_load_state("networkidle")
    assert "请注明来源" in page.inner_text("[role=alert]")
    page.console_errors.clear()  # type: ignore[attr-defined]  # refused on purpose (400)
    page.fill("input[name=source]", TEST_SOURCE)
    page.select_option("select[name=verification]", "unverified")
    page.click("button:has-text('保存')")
    page.wait_for_load_state("networkidle")
    assert "/sinks/parameters/" in page.url

    from carbonpeak.sinks.models import SinkSettings
    from tests.sinks.conftest import fill_parameters

    pset = SinkSettings.objects.get(region=office.region).parameter_set
    rest = {g: {f: v for f, v in fields.items() if (g, f) != ("杉木", "bef")} for g, fields in FULL.items()}
    fill_parameters(pset, rest)

    page.goto(f"{live_server.url}/sinks/")
    # 2020 stock 31,438 tC; annual sink (31438 − 27580) × 44/12 / 5 = 2,829.20 t CO2/a
    assert "31,438" in page.inner_text("#sink-summary")
    assert "2,829.20" in page.inner_text("#sink-table")
    trace = page.inner_text("#trace-table")
    assert "清单.csv 第 2 行" in trace and TEST_SOURCE in trace
    assert page.locator("#trace-table tbody tr").count() == 6
    assert page.console_errors == []  # type: ignore[attr-defined]
