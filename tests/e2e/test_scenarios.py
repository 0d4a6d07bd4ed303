"""Browser test (real Chromium): the office opens the sample scenarios, sees the peak,
its probability, the fan and wedge charts, saves a new version, and reads the LMDI
waterfall; a leader sees the same pages without the edit buttons."""

from __future__ import annotations

import io
import os

import pytest

from carbonpeak.core.roles import Role

SHOTS = os.environ.get("CARBONPEAK_E2E_SCREENSHOTS", "")


@pytest.fixture
def scenarios(transactional_db, settings):
    settings.CARBONPEAK_SCENARIO_MAX_DRAWS = 500
    from carbonpeak.scenarios import samples
    from carbonpeak.scenarios.models import Scenario

    samples.load(io.StringIO(), draws=500)
    return {s.kind: s for s in Scenario.objects.all()}


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _chart_drawn(page, selector):
    page.wait_for_selector(f"{selector} canvas", timeout=10_000)
    return page.eval_on_selector(f"{selector} canvas", "c => c.width > 0 && c.height > 0")


def test_office_reads_and_versions_a_scenario(page, login, live_server, make_user, scenarios):
    office = make_user("office-scn", Role.OFFICE)
    login(office)
    page.click("text=达峰情景分析")
    page.wait_for_selector("#scenario-table")
    assert page.locator("#scenario-table tbody tr").count() == 3
    _shot(page, "scenarios-index")

    page.click("text=政策情景（示例）")
    page.wait_for_selector("#card-peak")
    assert "年" in page.inner_text("#card-peak")
    assert "%" in page.inner_text("#card-probability")
    for chart in ("#chart-path", "#chart-fan", "#chart-peak-hist", "#chart-wedge"):
        assert _chart_drawn(page, chart), chart
    assert "示例数据，仅供演示" in page.inner_text("main")
    _shot(page, "scenario-detail")

    page.click("text=修改假设（保存为新版本）")
    page.wait_for_selector("#assumption-form")
    page.fill("input[aria-label='全县假设 地区生产总值年均增速 取值']", "2021-2030: 0.04; 2031-2060: 0.02")
    page.fill("input[aria-label='全县假设 地区生产总值年均增速 来源']", "县发改局2025年测算（浏览器测试）")
    page.fill("input[name=note]", "下调增速")
    page.click("text=保存为新版本并计算")
    page.wait_for_selector("#version-table")
    assert "第2版" in page.inner_text("h1")
    assert "下调增速" in page.inner_text("#version-table")
    assert "县发改局2025年测算（浏览器测试）" in page.inner_text("#assumption-table")

    page.goto(f"{live_server.url}/scenarios/decomposition/?from=2012&to=2023")
    assert _chart_drawn(page, "#chart-waterfall")
    assert "人口规模效应" in page.inner_text("#effect-table")
    _shot(page, "decomposition")

    page.goto(f"{live_server.url}/scenarios/compare/")
    assert _chart_drawn(page, "#chart-compare")
    page.goto(f"{live_server.url}/scenarios/stirpat/")
    assert _chart_drawn(page, "#chart-stirpat")
    _shot(page, "stirpat")
    assert page.console_errors == []


def test_leader_has_no_edit_buttons(page, login, make_user, scenarios):
    leader = make_user("leader-scn", Role.LEADER)
    login(leader)
    page.click("text=达峰情景分析")
    page.click("text=基准情景（示例）")
    page.wait_for_selector("#card-peak")
    assert page.locator("text=修改假设").count() == 0
    assert page.locator("text=添加减排措施").count() == 0
