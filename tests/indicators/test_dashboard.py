"""The dashboard: its SQL query count does not grow with the data, and it shows each section."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext


def _count(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/indicators/dashboard/")
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
