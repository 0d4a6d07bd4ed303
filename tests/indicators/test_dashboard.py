"""The dashboard: its SQL query count does not grow with the data, and it shows each section."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.indicators.factories import make_indicator, observe


def _count(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.django_db
def test_query_count_is_the_same_at_single_and_double_data(leader_client, tmp_path, settings):
    settings.METER_STORE_DIR = tmp_path / "meters"
    call_command("generate_county_dataset", scale=0.1, seed=1, no_readings=True, stdout=io.StringIO())
    single, html = _count(leader_client)
    call_command("generate_county_dataset", scale=2, seed=2, no_readings=True, stdout=io.StringIO())
    double, html2 = _count(leader_client)
    assert single == double
    assert html2.count('class="spark"') > html.count('class="spark"')  # twice the indicators, all rendered
    for element in (
        "chart-trend",
        "chart-intensity",
        "chart-sector",
        "chart-carrier",
        "chart-tasks-action",
        "chart-tasks-dept",
    ):
        assert f'id="{element}"' in html2
    assert "示例数据，仅供演示" in html2


@pytest.mark.django_db
def test_empty_dashboard_shows_empty_states(leader_client):
    count, html = _count(leader_client)
    assert "尚未导入实施方案" in html
    assert "暂无指标" in html
    assert 'id="chart-trend"' not in html


@pytest.mark.django_db
def test_intensity_card_is_left_out_when_the_target_has_no_year(leader_client):
    """A target value without a target year (both fields are optional) used to crash the page."""
    indicator = make_indicator(
        "能耗强度累计下降率",
        kind="computed",
        computed_key="energy_intensity_decline_cumulative_pct",
        unit="%",
        baseline_value=Decimal("0"),
        target_year=None,
        target_value=Decimal("13.5"),
    )
    observe(indicator, 2021, 3.2)
    _queries, html = _count(leader_client)
    assert 'id="chart-intensity"' not in html


@pytest.mark.django_db
def test_monitoring_card_counts_enterprises_not_meters(leader_client):
    """Three enterprises, seven meters on two of them: the card says 3 enterprises, 2 connected."""
    from carbonpeak.enterprises.models import Enterprise
    from carbonpeak.monitoring.models import Meter

    firms = [Enterprise.objects.create(name=f"企业{i}", uscc=f"91430621MA4L00{i:02d}XX") for i in range(3)]
    for i in range(5):
        Meter.objects.create(enterprise=firms[0], code=f"A{i}", name=f"表{i}", carrier="电力", unit="kWh")
    for i in range(2):
        Meter.objects.create(enterprise=firms[1], code=f"B{i}", name=f"表{i}", carrier="电力", unit="kWh")
    _queries, html = _count(leader_client)
    card = html.split('id="card-monitoring"', 1)[1].split("</a>", 1)[0]
    assert '<div class="value">3</div>' in card
    assert "已接入计量 2 家" in card


@pytest.mark.django_db
def test_dashboard_names_the_county_and_plan_and_exports_its_figures(leader_client, tmp_path, settings):
    """Issue 16: the dashboard says whose it is, and its figures go to Excel with Chinese headers and units."""
    from openpyxl import load_workbook

    from carbonpeak.plans.services import current_plan

    settings.METER_STORE_DIR = tmp_path / "meters"
    call_command("generate_county_dataset", scale=0.1, seed=1, no_readings=True, stdout=io.StringIO())
    plan = current_plan()
    html = leader_client.get("/dashboard/").content.decode()
    scope = html.split('id="dash-scope"', 1)[1].split("</p>", 1)[0]
    assert "岳阳县" in scope and f"《{plan.title}》" in scope
    assert 'href="/dashboard/export.xlsx"' in html and "data-print" in html

    response = leader_client.get("/dashboard/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:3] == ["概要", "指标一览", "能耗与碳排放"]
    summary = {r[0]: r[1:] for r in wb["概要"].iter_rows(min_row=4, values_only=True)}
    assert summary["行政区划"][0] == "岳阳县"
    assert summary["实施方案"][0] == f"《{plan.title}》"
    assert summary["数据说明"][0] == "含示例数据，仅供演示"
    indicators = wb["指标一览"]
    headers = [c.value for c in indicators[3]]
    assert headers[:5] == ["指标", "单位", "责任部门", "基准年", "基准值"] and "状态" in headers
    assert indicators.max_row - 3 == html.count('<td class="spark-cell">')
    assert all(">=" not in str(c.value) and "<=" not in str(c.value) for c in indicators["F"])
    trend = wb["能耗与碳排放"]
    assert [c.value for c in trend[3]] == ["年份", "能源消费量（吨标准煤，当量值）", "二氧化碳排放（吨）"]
    big = [c for row in trend.iter_rows(min_row=4, min_col=2) for c in row if isinstance(c.value, float)]
    assert big and all(c.number_format == "#,##0" for c in big if c.value >= 10000)
