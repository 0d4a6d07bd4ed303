from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from numpy.testing import assert_allclose

from carbonpeak.engine import meters as engine
from carbonpeak.monitoring import services
from carbonpeak.monitoring.models import Alarm, IngestBatch, Meter, MeterReplacement

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 1, 1, tzinfo=SH)


def _write(meter, values, start=T0):
    ts = np.array(
        [int((start + dt.timedelta(minutes=15 * i)).timestamp() * 1e6) for i in range(len(values))],
        dtype=np.int64,
    )
    services.get_store().write(
        meter_id=np.full(len(values), meter.pk),
        enterprise_id=np.full(len(values), meter.enterprise_id),
        ts_us=ts,
        value=np.asarray(values, float),
        batch_id=uuid.uuid4().hex,
        source="cli",
    )
    return ts // 1000


def test_store_sql_matches_engine_with_rollover_replacement_negative_and_spike(enterprise):
    m = Meter.objects.create(
        enterprise=enterprise,
        code="A",
        name="a",
        carrier="电力",
        unit="kWh",
        multiplier=10,
        register_max=1000,
    )
    vals = list(990 + np.arange(12) * 1.0)  # 990..1001 -> wraps
    vals = [v % 1000 for v in vals] + [11.0, 10.0, 12.0, 13.0, 500.0, 501.0, 502.0, 503.0, 504.0]
    ts_ms = _write(m, vals)
    rep_at = T0 + dt.timedelta(minutes=15 * 16 - 1)
    MeterReplacement.objects.create(meter=m, replaced_at=rep_at, old_final=14.0, new_initial=499.0)
    _meters, rows = services.monthly_by_meter(year=2026, enterprise_ids=[enterprise.pk])
    reps = [engine.Replacement(int(rep_at.timestamp() * 1000), 14.0, 499.0)]
    series = engine.interval_consumption(
        ts_ms, np.array(vals), multiplier=10, register_max=1000, replacements=reps
    )
    assert (
        series.count(engine.Flag.ROLLOVER) == 1
        and series.count(engine.Flag.NEGATIVE) == 1
        and series.count(engine.Flag.REPLACEMENT) == 1
    )
    assert len(rows) == 1
    assert_allclose(rows[0][3], series.total)


def test_csv_ingest_line_numbers_and_dedup(enterprise, meter, tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(
        "meter,ts,value\nE01-01,2026-01-01 00:15:00,1\nE01-01,2026-01-01 00:15:00,2\nXX,2026-01-01 00:30:00,3\nE01-01,bad,4\nE01-01,2026-01-01 00:45:00,\n",
        encoding="utf-8",
    )
    r = services.ingest_csv(path=p, enterprise=enterprise, source=IngestBatch.Source.CLI)
    assert (r.received, r.accepted, r.rejected) == (5, 1, 3)
    assert [(e.row, e.field) for e in r.errors] == [(4, "meter"), (5, "ts"), (6, "value")]
    t = services.get_store().readings([meter.pk], [enterprise.pk], 0, 2**62)
    assert t.column("value").to_pylist() == [2.0]


def test_cli_ingest_bad_file_exits_2(tmp_path):
    from django.core.management import CommandError, call_command

    p = tmp_path / "x.csv"
    p.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("monitoring", "ingest", str(p))
    assert exc.value.returncode == 2 and "缺少列" in str(exc.value)


def test_compaction_keeps_latest_value(enterprise, meter):
    _write(meter, [1.0, 2.0, 3.0])
    _write(meter, [1.0, 5.0])
    store = services.get_store()
    assert store.compact()["files_after"] == 1
    t = store.readings([meter.pk], [enterprise.pk], 0, 2**62)
    assert t.column("value").to_pylist() == [1.0, 5.0, 3.0]


def test_check_raises_stale_and_quality_alarms_idempotently(enterprise, meter):
    day = dt.date(2026, 1, 1)
    vals = list(np.arange(96.0))
    vals[50] = 10_000.0
    _write(meter, vals[:60])  # stops after 60 of 96 readings: completeness < 90 %
    now = dt.datetime(2026, 1, 2, 12, tzinfo=SH)
    created = services.run_checks(now=now, day=day)
    assert created["stale"] == 1 and created["completeness"] == 1
    assert Alarm.objects.filter(kind="spike").exists() or Alarm.objects.filter(kind="negative").exists()
    again = services.run_checks(now=now, day=day)
    assert sum(again.values()) == 0


def test_county_rollup_shape(enterprise, meter):
    _write(meter, [0.0, 1000.0, 2000.0])
    rollup = services.county_monthly_rollup(2026)
    assert [r["month"] for r in rollup][:2] == ["2026-01", "2026-02"]
    assert rollup[0]["enterprises_reporting"] == 1
    assert rollup[0]["energy_tce"] == pytest.approx(2000 * 0.0001229, rel=1e-3)
