"""Alarm text is written for people: thousands separators, sensible precision, m³ (issue 16)."""

from __future__ import annotations

import pytest

from carbonpeak.monitoring import services
from carbonpeak.monitoring.models import Alarm, ReportedStatistic


@pytest.mark.django_db
def test_consistency_alarm_reads_like_a_report(enterprise, monkeypatch):
    ReportedStatistic.objects.create(
        enterprise=enterprise, carrier="天然气", year=2025, month=3, quantity=1.0459e6, unit="m3"
    )
    row = {
        "month": "2025-03",
        "carrier": "天然气",
        "unit": "m3",
        "reported": 1.0459e6,
        "metered": 968421.7949999999,
        "deviation_pct": 7.4079,
        "ok": False,
        "note": "",
    }
    monkeypatch.setattr(services, "consistency_rows", lambda *, enterprise, year: [row])
    assert services._check_consistency(year=2025) == 1
    message = Alarm.objects.get(kind=Alarm.Kind.CONSISTENCY).message
    assert message == "2025-03 天然气：报表 1,045,900 m³，在线监测 968,422 m³，偏差 7.4%，超过5%"
    for leak in ("e+06", "9999", "m3"):
        assert leak not in message


def test_consistency_message_without_metered_data():
    row = {"month": "2025-04", "carrier": "电力", "unit": "kWh", "reported": 1234.5, "metered": None}
    row.update({"deviation_pct": None, "note": ""})
    assert services.consistency_message(row) == "2025-04 电力：报表 1,234.5 kWh，在线监测 无数据，无法比对"
