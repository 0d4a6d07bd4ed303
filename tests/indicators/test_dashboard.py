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
