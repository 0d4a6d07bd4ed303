"""Stored XSS: user-derived strings in chart tooltips are shown as text, never run (real Chromium)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from carbonpeak.core.roles import Role
from tests.conftest import PASSWORD

PAYLOAD = "<img src=x onerror=alert(1)>"


@pytest.fixture
def leader(transactional_db, django_user_model):
    user = django_user_model(username="e2e-xss-leader", role=Role.LEADER, display_name="县领导")
    user.set_password(PASSWORD)
    user.save()
    return user


def _show_tip(page, chart_id: str, series_index: int = 0, data_index: int = 0) -> str:
    """Open the chart's tooltip on one data point (as a hover does) and return its HTML."""
    page.evaluate(
        """([id, s, i]) => {
            const chart = echarts.getInstanceByDom(document.getElementById(id));
            chart.dispatchAction({type: "showTip", seriesIndex: s, dataIndex: i});
        }""",
        [chart_id, series_index, data_index],
    )
    page.wait_for_timeout(300)
    return page.evaluate(
        """(id) => Array.from(document.getElementById(id).querySelectorAll("div"))
              .map(d => d.innerHTML).join("\\n")""",
        chart_id,
    )


def _dialogs(page) -> list[str]:
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append(d.message), d.dismiss()))
    return seen


def test_task_title_in_dashboard_tooltip_is_text(leader, page, login, live_server):
    from carbonpeak.plans.models import Action, Assignment, Department, Plan, Task

    plan = Plan.objects.create(title="测试方案", issued_on=dt.date(2022, 10, 1))
    action = Action.objects.create(plan=plan, number=1, title=PAYLOAD)
    task = Task.objects.create(action=action, code="1-1", number=1, title=PAYLOAD, text=PAYLOAD)
    dept = Department.objects.create(name=PAYLOAD)
    Assignment.objects.create(task=task, department=dept, role="lead")
    dialogs = _dialogs(page)
    login(leader)
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_load_state("networkidle")
    html = _show_tip(page, "chart-tasks-action")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert page.locator("#chart-tasks-action img").count() == 0
    html = _show_tip(page, "chart-tasks-dept")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert page.locator("#chart-tasks-dept img").count() == 0
    assert dialogs == []


def test_indicator_unit_in_detail_tooltip_is_text(leader, page, login, live_server):
    from carbonpeak.indicators.models import Indicator, Observation

    ind = Indicator.objects.create(
        name=PAYLOAD,
        unit=PAYLOAD,
        comparator=">=",
        baseline_year=2020,
        baseline_value=Decimal("380"),
        target_year=2025,
        target_value=Decimal("441"),
    )
    for year, value in ((2021, 392), (2022, 405)):
        Observation.objects.create(indicator=ind, year=year, value=Decimal(value), state="approved")
    dialogs = _dialogs(page)
    login(leader)
    page.goto(f"{live_server.url}/indicators/{ind.pk}/")
    page.wait_for_load_state("networkidle")
    html = _show_tip(page, "detail-chart")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert page.locator("#detail-chart img").count() == 0
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_load_state("networkidle")
    assert dialogs == []


def test_echarts_default_tooltips_escape_names(live_server, page):
    """The templates' inline charts rely on ECharts' own tooltips (axis and ``{b}`` templates)
    for meter units, enterprise carriers and sector names: those must escape too."""
    dialogs = _dialogs(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.add_script_tag(url=f"{live_server.url}/static/vendor/echarts.min.js")
    page.evaluate(
        """(name) => {
            for (const [id, option] of [
                ["axis", {tooltip: {trigger: "axis"}, xAxis: {type: "category", data: [name]},
                          yAxis: {type: "value", name: name}, series: [{type: "bar", name: name, data: [1]}]}],
                ["pie", {tooltip: {trigger: "item", formatter: "{b}: {c} tce ({d}%)"},
                         series: [{type: "pie", data: [{name: name, value: 1}]}]}],
            ]) {
                const el = document.createElement("div");
                el.id = id; el.style.width = "400px"; el.style.height = "300px";
                document.body.appendChild(el);
                echarts.init(el).setOption(option);
            }
        }""",
        PAYLOAD,
    )
    for chart_id in ("axis", "pie"):
        html = _show_tip(page, chart_id)
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, chart_id
        assert page.locator(f"#{chart_id} img").count() == 0
    assert dialogs == []
