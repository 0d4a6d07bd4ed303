"""Daily rollups: kept up to date batch by batch, equal to a full rebuild, read by the monthly figures."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonpeak.monitoring import services
from carbonpeak.monitoring.models import IngestBatch, Meter, MeterReplacement

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
#: Hourly slots from 30 January: four local days across a month boundary.
T0 = dt.datetime(2026, 1, 30, tzinfo=SH)
SLOTS = 96


def _iso(slot: int) -> str:
    return (T0 + dt.timedelta(hours=slot)).isoformat()


def _rows(table) -> list[tuple]:
    cols = [
        table.column(c).to_pylist()
        for c in ("meter_id", "day", "intervals", "included", "negative", "spikes")
    ]
    return list(zip(*cols, strict=True))


def _assert_same(a, b) -> None:
    assert _rows(a) == _rows(b)
    np.testing.assert_allclose(a.column("use").to_numpy(), b.column("use").to_numpy(), rtol=1e-9, atol=1e-9)


@pytest.fixture
def meters(enterprise):
    cum = Meter.objects.create(
        enterprise=enterprise,
        code="C",
        name="累计表",
        carrier="电力",
        unit="kWh",
        multiplier=2.0,
        register_max=1000,
    )
    itv = Meter.objects.create(
        enterprise=enterprise, code="I", name="区间表", carrier="电力", unit="kWh", kind=Meter.Kind.INTERVAL
    )
    return cum, itv


reading = st.tuples(st.sampled_from(["C", "I"]), st.integers(0, SLOTS - 1), st.integers(0, 999))
operation = st.one_of(
    st.tuples(st.just("rows"), st.lists(reading, min_size=1, max_size=40)),
    st.tuples(st.just("csv"), st.lists(reading, min_size=1, max_size=40)),
    st.tuples(st.just("replace"), st.integers(1, SLOTS - 1), st.integers(0, 999), st.integers(0, 999)),
)


@settings(
    max_examples=int(os.environ.get("CARBONPEAK_HYPOTHESIS_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=6))
def test_incremental_rollups_equal_full_rebuild(django_settings, tmp_path, enterprise, meters, ops):
    """Any sequence of batches (late readings and corrections included, through the row and
    the bulk CSV path) and meter exchanges leaves the rollup equal to a rebuild from raw readings."""
    django_settings.METER_STORE_DIR = tmp_path / uuid.uuid4().hex
    MeterReplacement.objects.all().delete()  # the database outlives one example; the store does not
    by_code = {m.code: m for m in meters}
    for op in ops:
        if op[0] == "rows":
            services.ingest_rows(
                enterprise=enterprise,
                rows=[{"meter": c, "ts": _iso(s), "value": float(v)} for c, s, v in op[1]],
                source=IngestBatch.Source.API,
            )
        elif op[0] == "csv":
            path = tmp_path / f"{uuid.uuid4().hex}.csv"
            lines = [f"{by_code[c].pk},{_iso(s)},{v}" for c, s, v in sorted(op[1])]
            path.write_text("meter_id,ts,value\n" + "\n".join(lines) + "\n", encoding="utf-8")
            services.ingest_csv(path=path, enterprise=None, source=IngestBatch.Source.CLI, defer_rollups=True)
        else:
            _, slot, old, new = op
            services.record_replacement(
                meter=meters[0],
                replaced_at=T0 + dt.timedelta(hours=slot, minutes=-30),
                old_final=float(old),
                new_initial=float(new),
                note="",
                user=None,
            )
    services.settle_deferred_rollups()
    rollups = services.get_rollups()
    incremental = rollups.daily_table()
    _m, monthly_incremental = services.monthly_by_meter(year=2026, enterprise_ids=[enterprise.pk])
    services.rebuild_rollups()
    _assert_same(incremental, rollups.daily_table())
    # and the monthly figures from the rollup equal the raw-readings query
    _meters, from_rollup = services.monthly_by_meter(year=2026, enterprise_ids=[enterprise.pk])
    mt, rt = services.meter_tables(meters)
    s, e = services._year_bounds_us(2026)
    raw = services.get_store().monthly_consumption(
        meters=mt, replacements=rt, start_us=s, end_us=e, enterprise_ids=[enterprise.pk]
    )
    assert [r[:3] for r in from_rollup] == [r[:3] for r in raw] == [r[:3] for r in monthly_incremental]
    np.testing.assert_allclose([r[3] for r in monthly_incremental], [r[3] for r in raw], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose([r[3] for r in from_rollup], [r[3] for r in raw], rtol=1e-9, atol=1e-9)


@pytest.fixture
def django_settings(settings):
    return settings


def test_rollup_rules_per_day(enterprise, meters):
    """Negative deltas and spikes are excluded and counted; rollover and the multiplier applied."""
    cum, _itv = meters
    values = [990.0 + i for i in range(10)]  # 990 … 999
    values += [5.0]  # rollover: +6
    values += [6.0 + i for i in range(12)]  # +1 each
    values += [3.0]  # negative delta
    values += [400.0]  # spike (+397 in an hour; median rate 1/h)
    services.ingest_rows(
        enterprise=enterprise,
        rows=[{"meter": "C", "ts": _iso(i), "value": v} for i, v in enumerate(values)],
        source=IngestBatch.Source.API,
    )
    table = services.get_rollups().daily_table()
    day = table.to_pylist()
    assert len(day) == 1 and day[0]["meter_id"] == cum.pk and day[0]["day"] == dt.date(2026, 1, 30)
    assert (day[0]["intervals"], day[0]["negative"], day[0]["spikes"]) == (24, 1, 1)
    assert day[0]["use"] == pytest.approx(2.0 * (9 + 6 + 11 + 1))


def test_late_reading_recomputes_neighbouring_days_only(enterprise, meters):
    cum, _itv = meters
    rows = [{"meter": "C", "ts": _iso(s), "value": float(s)} for s in range(0, SLOTS) if s != 40]
    services.ingest_rows(enterprise=enterprise, rows=rows, source=IngestBatch.Source.API)
    before = {r["day"]: r for r in services.get_rollups().daily_table().to_pylist()}
    # the missing reading arrives late with a wrong (low) value: one negative delta on day 2
    services.ingest_rows(
        enterprise=enterprise,
        rows=[{"meter": "C", "ts": _iso(40), "value": 0.0}],
        source=IngestBatch.Source.API,
    )
    after = {r["day"]: r for r in services.get_rollups().daily_table().to_pylist()}
    d2 = dt.date(2026, 1, 31)
    assert after[d2]["negative"] == 1 and after[d2]["use"] < before[d2]["use"]
    assert {d: r for d, r in after.items() if d != d2} == {d: r for d, r in before.items() if d != d2}


def test_meter_multiplier_change_and_rebuild_command(enterprise, meters):
    from django.core.management import call_command

    cum, _itv = meters
    services.ingest_rows(
        enterprise=enterprise,
        rows=[{"meter": "C", "ts": _iso(s), "value": float(s)} for s in range(30)],
        source=IngestBatch.Source.API,
    )
    cum.multiplier = 5.0
    services.save_meter(meter=cum, user=None)
    total = sum(r["use"] for r in services.get_rollups().daily_table().to_pylist())
    assert total == pytest.approx(5.0 * 29)
    call_command("monitoring", "rebuild-rollups")
    assert sum(r["use"] for r in services.get_rollups().daily_table().to_pylist()) == pytest.approx(5.0 * 29)


def test_existing_store_without_rollups_is_rebuilt_on_first_read(enterprise, meters):
    services.ingest_rows(
        enterprise=enterprise,
        rows=[{"meter": "C", "ts": _iso(s), "value": float(s)} for s in range(30)],
        source=IngestBatch.Source.API,
    )
    import shutil

    shutil.rmtree(services.get_rollups().root)  # a store from before rollups existed
    rows = services.enterprise_monthly(enterprise=enterprise, year=2026)
    assert sum(r.quantity for r in rows) == pytest.approx(2.0 * 29)


def test_compaction_of_old_partitions_seals_them_and_rollups_read_them_alike(enterprise, meters):
    """Old months become one sorted, deduplicated file, read without deduplication; a late
    reading unseals the partition; a partition with a batch in flight is left alone."""
    from carbonpeak.monitoring.store import split_sealed

    cum, _itv = meters
    now = dt.datetime.now(SH).replace(minute=0, second=0, microsecond=0)
    recent = now - dt.timedelta(days=1)
    rows = [{"meter": "C", "ts": _iso(s), "value": float(s)} for s in range(48)]
    rows += [
        {"meter": "C", "ts": (recent + dt.timedelta(hours=h)).isoformat(), "value": 100.0 + h}
        for h in range(3)
    ]
    services.ingest_rows(enterprise=enterprise, rows=rows, source=IngestBatch.Source.API)
    fix = [{"meter": "C", "ts": _iso(s), "value": float(s) + 0.5} for s in (10, 20)]  # corrections
    services.ingest_rows(enterprise=enterprise, rows=fix, source=IngestBatch.Source.API)
    services.ingest_rows(
        enterprise=enterprise,
        rows=[{"meter": "C", "ts": (recent + dt.timedelta(hours=5)).isoformat(), "value": 110.0}],
        source=IngestBatch.Source.API,
    )
    before = services.get_rollups().daily_table()
    store = services.get_store()
    old_dir = store.partition_dir(enterprise.pk, "2026-01")
    new_dir = store.partition_dir(enterprise.pk, str(np.datetime64(recent.date(), "M")))
    assert len(list(old_dir.glob("*.parquet"))) == 2 and len(list(new_dir.glob("*.parquet"))) == 2

    stats = store.compact(older_than_days=35)
    assert stats["partitions"] == 1
    old_files = sorted(str(p) for p in old_dir.glob("*.parquet"))
    assert len(old_files) == 1 and len(list(new_dir.glob("*.parquet"))) == 2
    sealed, other = split_sealed(store.files([enterprise.pk]))
    assert sealed == old_files and len(other) == 2
    import pyarrow.parquet as pq

    t = pq.read_table(old_files[0])
    keys = list(zip(t.column("meter_id").to_pylist(), t.column("ts").to_pylist(), strict=True))
    assert keys == sorted(set(keys))  # sorted, each reading once
    services.rebuild_rollups()
    _assert_same(before, services.get_rollups().daily_table())

    # a late reading lands in the sealed month: no longer sealed, still counted right
    services.ingest_rows(
        enterprise=enterprise,
        rows=[{"meter": "C", "ts": _iso(10), "value": 3.0}],
        source=IngestBatch.Source.API,
    )
    assert split_sealed(store.files([enterprise.pk], ["2026-01"]))[0] == []
    incremental = services.get_rollups().daily_table()
    services.rebuild_rollups()
    _assert_same(incremental, services.get_rollups().daily_table())

    pending = store.begin_batch("0e9d4f52-1c1e-4c56-9a55-3b8c9b7e0003", [enterprise.pk], {})
    try:
        (old_dir / "part-0e9d4f52-1c1e-4c56-9a55-3b8c9b7e0003-0000-x.parquet").write_bytes(
            (old_dir / old_files[0].rsplit("/", 1)[1]).read_bytes()
        )
        assert store.compact(older_than_days=35)["partitions"] == 0
    finally:
        pending.done()


def test_cli_exports_spark_inputs_and_aggregates_with_duckdb(enterprise, meters, tmp_path):
    import pyarrow.parquet as pq
    from django.core.management import CommandError, call_command

    cum, itv = meters
    services.record_replacement(
        meter=cum, replaced_at=T0 + dt.timedelta(hours=3), old_final=9.0, new_initial=1.0, note="", user=None
    )
    out = tmp_path / "inputs"
    call_command("monitoring", "aggregate", "--engine", "spark", "--export-inputs", str(out))
    m = pq.read_table(out / "meters.parquet").to_pylist()
    assert {(r["meter_id"], r["kind"], r["multiplier"]) for r in m} == {
        (cum.pk, "cumulative", 2.0),
        (itv.pk, "interval", 1.0),
    }
    assert pq.read_table(out / "replacements.parquet").column("cum_offset").to_pylist() == [8.0]
    services.ingest_rows(
        enterprise=enterprise,
        rows=[{"meter": "C", "ts": _iso(s), "value": float(s)} for s in range(10)],
        source=IngestBatch.Source.API,
    )
    call_command("monitoring", "aggregate", "--engine", "duckdb")
    assert services.get_rollups().is_built()
    with pytest.raises(CommandError) as exc:
        call_command("monitoring", "compact", "--older-than-days", "-1")
    assert exc.value.returncode == 2
