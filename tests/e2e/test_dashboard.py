"""The leaders' dashboard in real Chromium: no console errors, every chart drawn with data."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from carbonpeak.core.roles import Role
from tests.conftest import PASSWORD

CHARTS = (
    "chart-trend",
    "chart-intensity",
    "chart-sector",
    "chart-carrier",
    "chart-tasks-action",
    "chart-tasks-dept",
)


@pytest.fixture
def county(transactional_db, django_user_model, tmp_path, settings):
    settings.METER_STORE_DIR = tmp_path / "meters"
    with open(os.devnull, "w") as devnull:
        call_command("generate_county_dataset", scale=0.1, seed=7, no_readings=True, stdout=devnull)
    leader = django_user_model(username="e2e-leader", role=Role.LEADER, display_name="县领导")
    leader.set_password(PASSWORD)
    leader.save()
    return leader


def test_dashboard_renders_every_chart_with_data(county, page, login, live_server):
    login(county)
    page.goto(f"{live_server.url}/indicators/dashboard/")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "领导驾驶舱"
    for chart_id in CHARTS:
        points = page.evaluate(
            """(id) => {
                const el = document.getElementById(id);
                const chart = el && echarts.getInstanceByDom(el);
                if (!chart) return -1;
                return chart.getOption().series.reduce((n, s) => n + (s.data || []).filter(v => v !== null).length, 0);
            }""",
            chart_id,
        )
        assert points > 0, f"{chart_id} drew no data"
    sparks = page.evaluate(
        """() => Array.from(document.querySelectorAll('.spark')).map(el => {
            const c = echarts.getInstanceByDom(el);
            return c ? c.getOption().series[0].data.length : 0;
        })"""
    )
    assert sparks and min(sparks) > 0
    # Every headline card links somewhere.
    hrefs = page.evaluate(
        "() => Array.from(document.querySelectorAll('.dash-cards a.card')).map(a => a.getAttribute('href'))"
    )
    assert hrefs and all(h and h != "#" for h in hrefs)
    assert page.console_errors == []


def test_dashboard_fits_a_wall_screen_and_a_laptop(county, page, login, live_server):
    login(county)
    for width, height in ((1920, 1080), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/indicators/dashboard/")
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"horizontal scrolling at {width}px"
    assert page.console_errors == []


def test_indicator_detail_chart_and_entry(transactional_db, django_user_model, page, login, live_server):
    from decimal import Decimal

    from carbonpeak.indicators.models import Indicator, Observation
    from carbonpeak.plans.models import Department

    forestry = Department.objects.create(name="县林业局")
    reporter = django_user_model(username="e2e-forest", role=Role.DEPARTMENT, department=forestry)
    reporter.set_password(PASSWORD)
    reporter.save()
    ind = Indicator.objects.create(
        name="森林蓄积量",
        unit="万立方米",
        comparator=">=",
        baseline_year=2020,
        baseline_value=Decimal("380"),
        target_year=2025,
        target_value=Decimal("441"),
        responsible=forestry,
    )
    for year, value in ((2021, 392), (2022, 405), (2023, 417)):
        Observation.objects.create(indicator=ind, year=year, value=Decimal(value), state="approved")
    login(reporter)
    page.goto(f"{live_server.url}/indicators/{ind.pk}/")
    page.wait_for_load_state("networkidle")
    points = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('detail-chart')).getOption().series[0].data.length"
    )
    assert points == 3
    page.fill("input[name=year]", "2024")
    page.fill("input[name=value]", "429.5")
    page.fill("input[name=source]", "林业统计年报")
    page.click("form.toolbar button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "待碳达峰办审核" in page.inner_text(".messages")
    assert Observation.objects.get(indicator=ind, year=2024).state == "pending"
    assert page.console_errors == []
