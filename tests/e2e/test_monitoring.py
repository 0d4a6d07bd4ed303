"""Online monitoring in real Chromium: an enterprise user sees its own page with the monthly
chart drawn from metered data; the office sees the enterprise list with status."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from carbonpeak.core.roles import Role
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.monitoring import services
from carbonpeak.monitoring.models import Meter
from tests.conftest import PASSWORD

SH = ZoneInfo("Asia/Shanghai")


def _user(django_user_model, username: str, role: str, **extra):
    user = django_user_model(username=username, role=role, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def metered(transactional_db, django_user_model, tmp_path, settings):
    settings.METER_STORE_DIR = tmp_path / "meters"
    own = Enterprise.objects.create(
        name="浏览器测试水泥有限公司",
        uscc="91430621MA4L00001X",
        annual_energy_tce=15000,
        energy_budget_tce=20000,
    )
    other = Enterprise.objects.create(name="另一家化工有限公司", uscc="91430621MA4L00002X")
    meter = Meter.objects.create(
        enterprise=own, code="E01-01", name="总进线", carrier="电力", unit="kWh", multiplier=1.0
    )
    # Two days of 15-minute cumulative readings early this year (never in the future).
    year = timezone.localdate().year
    start = dt.datetime(year, 1, 10, tzinfo=SH)
    rows = [
        {
            "meter": meter.code,
            "ts": (start + dt.timedelta(minutes=15 * i)).isoformat(),
            "value": 1000.0 + 250.0 * i,
        }
        for i in range(2 * 96 + 1)
    ]
    result = services.ingest_rows(enterprise=own, rows=rows, source="cli")
    assert result.accepted == len(rows)
    return {
        "enterprise": own,
        "other": other,
        "ent_user": _user(django_user_model, "e2e-ent", Role.ENTERPRISE, enterprise=own),
        "office": _user(django_user_model, "e2e-office", Role.OFFICE),
    }


CHART_POINTS = """() => {
    const el = document.getElementById('monthly-chart');
    const chart = el && echarts.getInstanceByDom(el);
    if (!chart) return null;
    return chart.getOption().series.map(s => (s.data || []).reduce((a, v) => a + (Number(v) || 0), 0));
}"""


def test_enterprise_user_sees_own_page_with_chart(metered, page, login, live_server):
    own, other = metered["enterprise"], metered["other"]
    login(metered["ent_user"])
    page.goto(f"{live_server.url}/enterprises/mine/")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith(f"/enterprises/{own.pk}")
    assert own.name in page.locator("h1").inner_text()
    sums = page.evaluate(CHART_POINTS)
    assert sums is not None, "monthly chart not initialised"
    # 192 intervals × 250 kWh = 48,000 kWh in January: a positive tce bar and a CO2 line.
    assert len(sums) >= 2 and all(s > 0 for s in sums), sums
    assert page.console_errors == []  # type: ignore[attr-defined]
    # Another enterprise's page is not shown to this user.
    resp = page.goto(f"{live_server.url}/enterprises/{other.pk}/")
    assert resp is not None and resp.status in (403, 404)
    assert other.name not in page.content()


def test_office_sees_enterprise_list_with_status(metered, page, login, live_server):
    login(metered["office"])
    page.goto(f"{live_server.url}/enterprises/")
    page.wait_for_load_state("networkidle")
    row = page.locator("tr", has_text=metered["enterprise"].name)
    assert row.count() == 1
    assert "重点用能单位" in row.inner_text()  # 15,000 tce reported: key unit
    assert page.locator("tr", has_text=metered["other"].name).count() == 1
    assert page.console_errors == []  # type: ignore[attr-defined]
