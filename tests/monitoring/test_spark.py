"""Spark (local mode) reproduces DuckDB's daily and monthly rollups over the same Parquet store.

Needs a Java runtime (Debian's openjdk-17-jre-headless, installed by ``make system-deps``)
and PySpark (a dev dependency). It is not skipped when they are missing: CI must run it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carbonpeak.monitoring import spark_job
from carbonpeak.monitoring.rollups import MeterInfo, Rollups
from carbonpeak.monitoring.store import MeterStore, replacements_table

pytestmark = pytest.mark.spark
SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 1, 30, tzinfo=SH)
STEP_US = 15 * 60 * 1_000_000


@pytest.fixture(scope="module")
def spark():
    session = spark_job.session("local[1]")
    yield session
    session.stop()


def _dataset(root) -> tuple[MeterStore, dict[int, MeterInfo], pa.Table]:
    """Four days (30 Jan – 2 Feb, across a month boundary) of 15-minute readings of 6 meters in
    3 enterprises, with a rollover, negative deltas, spikes, an interval meter, a meter
    exchange, corrections in a later file and a late reading."""
    rng = np.random.default_rng(18)
    store = MeterStore(root)
    infos = {
        1: MeterInfo(1, 10, "cumulative", 1.0, 0.0),
        2: MeterInfo(2, 10, "cumulative", 40.0, 100_000.0),
        3: MeterInfo(3, 11, "interval", 1.0, 0.0),
        4: MeterInfo(4, 11, "cumulative", 0.5, 0.0),
        5: MeterInfo(5, 12, "cumulative", 1.0, 0.0),
        6: MeterInfo(6, 12, "interval", 2.5, 0.0),
    }
    n = 4 * 96
    t0 = int(T0.timestamp() * 1_000_000)
    ts = t0 + np.arange(n, dtype=np.int64) * STEP_US
    for mid, info in infos.items():
        use = rng.gamma(2.0, 1.5, n)
        use[rng.integers(0, n, 3)] *= 60  # spikes
        if info.kind == "cumulative":
            values = np.cumsum(use) + (99_900.0 if mid == 2 else 1000.0)
            if mid == 2:
                values = np.where(values >= 100_000.0, values - 100_000.0, values)  # rollover
            values[rng.integers(5, n, 2)] -= 50.0  # negative deltas
        else:
            values = use
        keep = np.ones(n, bool)
        keep[rng.integers(0, n, 10)] = False  # gaps, one filled late below
        store.write(
            meter_id=np.full(keep.sum(), mid),
            enterprise_id=np.full(keep.sum(), info.enterprise_id),
            ts_us=ts[keep],
            value=values[keep],
            batch_id=uuid.uuid4().hex,
            source="test",
        )
        late = np.flatnonzero(~keep)[:1]
        fix = rng.integers(0, n, 5)
        again = np.r_[late, fix]
        store.write(  # a late reading and corrections: the later file wins
            meter_id=np.full(len(again), mid),
            enterprise_id=np.full(len(again), info.enterprise_id),
            ts_us=ts[again],
            value=values[again] + np.r_[np.zeros(len(late)), rng.normal(0, 0.5, len(fix))],
            batch_id=uuid.uuid4().hex,
            source="test",
        )
    exchange = t0 + 150 * STEP_US + 60_000_000
    reps = replacements_table([(4, exchange, 5000.0, 10.0)])
    return store, infos, reps


def _spark_inputs(tmp_path, infos, reps) -> tuple[str, str]:
    meters = pa.table(
        {
            "meter_id": pa.array(list(infos), pa.int64()),
            "enterprise_id": pa.array([i.enterprise_id for i in infos.values()], pa.int64()),
            "kind": pa.array([i.kind for i in infos.values()], pa.string()),
            "multiplier": pa.array([i.multiplier for i in infos.values()], pa.float64()),
            "register_max": pa.array([i.register_max for i in infos.values()], pa.float64()),
        }
    )
    pq.write_table(meters, tmp_path / "meters.parquet")
    pq.write_table(reps, tmp_path / "replacements.parquet")
    return str(tmp_path / "meters.parquet"), str(tmp_path / "replacements.parquet")


def test_spark_daily_and_monthly_equal_duckdb(spark, tmp_path):
    store, infos, reps = _dataset(tmp_path / "store")
    rollups = Rollups(store)
    rollups.rebuild(meters=infos, replacements=reps)
    duck = rollups.daily_table().to_pylist()
    assert sum(r["negative"] for r in duck) >= 6 and sum(r["spikes"] for r in duck) >= 6  # the data has both

    meters_path, reps_path = _spark_inputs(tmp_path, infos, reps)
    daily = spark_job.daily_rollups(spark, str(store.readings_dir), meters_path, reps_path)
    rows = sorted(
        (
            r["meter_id"],
            r["day"],
            r["enterprise_id"],
            r["intervals"],
            r["included"],
            r["negative"],
            r["spikes"],
            r["use"],
        )
        for r in daily.collect()
    )
    expected = sorted(
        (
            r["meter_id"],
            r["day"],
            r["enterprise_id"],
            r["intervals"],
            r["included"],
            r["negative"],
            r["spikes"],
            r["use"],
        )
        for r in duck
    )
    # same meters and days, every interval counted or excluded alike
    assert [r[:7] for r in rows] == [r[:7] for r in expected]
    np.testing.assert_allclose([r[7] for r in rows], [r[7] for r in expected], rtol=1e-9, atol=0)

    spark_monthly = sorted(
        (r["meter_id"], r["month"], r["use"]) for r in spark_job.monthly_rollups(daily).collect()
    )
    duck_monthly = sorted(
        (m, mo, u) for _e, m, mo, u in rollups.monthly(meters=infos, start_day=0, end_day=40_000)
    )
    assert [r[:2] for r in spark_monthly] == [r[:2] for r in duck_monthly]
    assert {r[1] for r in spark_monthly} == {"2026-01", "2026-02"}
    np.testing.assert_allclose([r[2] for r in spark_monthly], [r[2] for r in duck_monthly], rtol=1e-9, atol=0)


@pytest.mark.django_db
def test_cli_aggregate_with_spark_is_what_the_platform_reads(spark, enterprise, meter):
    from django.core.management import call_command

    from carbonpeak.monitoring import services
    from carbonpeak.monitoring.models import IngestBatch

    rows = [
        {"meter": meter.code, "ts": (T0 + dt.timedelta(minutes=15 * i)).isoformat(), "value": float(i * 3)}
        for i in range(300)
    ]
    services.ingest_rows(enterprise=enterprise, rows=rows, source=IngestBatch.Source.API)
    before = services.enterprise_monthly(enterprise=enterprise, year=2026)
    services.get_rollups()  # the DuckDB rollup, replaced by Spark's below
    call_command("monitoring", "aggregate", "--engine", "spark", "--master", "local[1]")
    files = services.get_rollups().files()
    assert files and all("/part-" in f for f in files)  # Spark's output is what is read now
    after = services.enterprise_monthly(enterprise=enterprise, year=2026)
    assert [(r.month, r.carrier) for r in after] == [(r.month, r.carrier) for r in before]
    assert [r.quantity for r in after] == pytest.approx([r.quantity for r in before], rel=1e-9)
    assert sum(r.quantity for r in after) == pytest.approx(299 * 3)
