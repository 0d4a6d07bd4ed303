"""Scale benchmark of the meter store's daily rollups: monthly reads, incremental cost, rebuilds.

    .venv/bin/python benchmarks/monitoring_scale.py --quick        # < 2 minutes (144,000 readings)
    .venv/bin/python benchmarks/monitoring_scale.py                # 35,040,000 readings (1,000 meters, a year)
    .venv/bin/python benchmarks/monitoring_scale.py --meters 2854  # ≈ 100 million readings

Everything runs in a temporary data directory. Steps: generate a year (``--days``) of
15-minute cumulative readings, bulk-ingest them with ``carbonpeak monitoring ingest``'s
code path (which also builds the rollups) next to a raw DuckDB ``COPY`` of the same CSV;
the county monthly roll-up read from the rollups in a fresh process; 20 ingest batches
of 1,000 new readings (10 meters × 100) with the time spent recomputing rollup days;
full rebuilds with DuckDB and with Spark in local mode (``--spark-master``), and whether
Spark's daily rollup equals DuckDB's (same rows, sums to a relative 1e-9). Store and
rollup sizes are reported. The last line is
``monitoring_scale readings=… rollup_month_s=… rollup_batch_ms=… rebuild_duckdb_s=… rebuild_spark_s=… spark_equal=1|0``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

FRESH = r"""
import os, time
t0 = time.perf_counter()
import django
django.setup()
from carbonpeak.monitoring import services
t1 = time.perf_counter()
rows = services.county_monthly_rollup(2025)
t2 = time.perf_counter()
print(f"{t2 - t1:.4f} {t2 - t0:.4f} {sum(r['energy_tce'] for r in rows):.6f}")
"""


def log(msg: str) -> None:
    print(msg, flush=True)


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--meters", type=int, default=None, help="number of meters (10 per enterprise)")
    ap.add_argument("--days", type=int, default=None)
    ap.add_argument("--spark-master", default="local[2]")
    ap.add_argument("--no-spark", action="store_true")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    n_meters = args.meters or (50 if args.quick else 1000)
    days = args.days or (30 if args.quick else 365)
    per_ent = 5 if args.quick else 10
    n_ent = max(1, n_meters // per_ent)
    tmp = Path(tempfile.mkdtemp(prefix="carbonpeak-scale-"))
    log(f"data directory {tmp}")
    os.environ["CARBONPEAK_DATA_DIR"] = str(tmp)
    os.environ["CARBONPEAK_METER_STORE"] = str(tmp / "store")
    os.environ["DJANGO_SETTINGS_MODULE"] = "carbonpeak.site.settings"
    os.environ["CARBONPEAK_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    import duckdb

    from carbonpeak.enterprises.models import Enterprise
    from carbonpeak.monitoring import rollups as rollups_mod
    from carbonpeak.monitoring import services
    from carbonpeak.monitoring.models import IngestBatch, Meter

    meters = []
    for e in range(n_ent):
        ent = Enterprise.objects.create(name=f"规模测试企业{e:04d}", uscc=f"SCALE{e:013d}")
        for k in range(per_ent):
            meters.append(Meter(enterprise=ent, code=f"M{k:02d}", name=f"表{k}", carrier="电力", unit="kWh"))
    Meter.objects.bulk_create(meters)
    meters = list(Meter.objects.order_by("id"))
    ids = np.array([m.pk for m in meters], dtype=np.int64)
    n_int = days * 96
    t0 = 1735660800000  # 2025-01-01 00:00 +08:00 in UTC ms
    ts = t0 + np.arange(1, n_int + 1, dtype=np.int64) * 900_000
    rng = np.random.default_rng(18)
    n = len(ids) * n_int
    log(f"generating {n:,} readings ({len(ids)} meters × {n_int} intervals, {n_ent} enterprises)")
    csv_path = tmp / "readings.csv"
    last_values = {}
    with pacsv.CSVWriter(
        csv_path,
        pa.schema([("meter_id", pa.int64()), ("ts", pa.timestamp("ms", tz="UTC")), ("value", pa.float64())]),
    ) as w:
        for chunk in np.array_split(ids, max(1, len(ids) // 50)):
            v = np.cumsum(rng.uniform(5, 15, (len(chunk), n_int)), axis=1).round(2)
            last_values.update(zip(chunk.tolist(), v[:, -1].tolist(), strict=True))
            w.write_table(
                pa.table(
                    {
                        "meter_id": np.repeat(chunk, n_int),
                        "ts": pa.array(np.tile(ts, len(chunk)), pa.timestamp("ms", tz="UTC")),
                        "value": v.ravel(),
                    }
                )
            )

    # Bulk ingest (rollups included) next to a raw COPY of the same CSV.
    raw_dir = tmp / "raw"
    raw_dir.mkdir()
    t = time.perf_counter()
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}')) TO '{raw_dir / 'raw.parquet'}' (FORMAT parquet, COMPRESSION zstd)"
    )
    raw_s = time.perf_counter() - t
    refresh_time = [0.0]
    real_refresh = rollups_mod.Rollups.refresh

    def timed_refresh(self, **kw):
        s = time.perf_counter()
        try:
            return real_refresh(self, **kw)
        finally:
            refresh_time[0] += time.perf_counter() - s

    rollups_mod.Rollups.refresh = timed_refresh  # type: ignore[method-assign]
    t = time.perf_counter()
    result = services.ingest_csv(
        path=csv_path, enterprise=None, source=IngestBatch.Source.CLI, defer_rollups=True
    )
    ingest_s = time.perf_counter() - t
    assert result.accepted == n, result
    t = time.perf_counter()
    services.settle_deferred_rollups()  # what `monitoring ingest` does after acknowledging
    bulk_rollup_s = time.perf_counter() - t
    log(
        f"bulk ingest (as `monitoring ingest`): raw COPY {raw_s:.1f} s, platform acknowledged after {ingest_s:.1f} s "
        f"(ratio {raw_s / ingest_s:.3f}), then rollups {bulk_rollup_s:.1f} s "
        f"(ratio with rollups {raw_s / (ingest_s + bulk_rollup_s):.3f})"
    )

    # County monthly roll-up from the rollups, in a fresh process.
    env = dict(os.environ)
    fresh = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", FRESH], env=env, capture_output=True, text=True, check=True
        )
        fresh.append(
            [float(x) for x in out.stdout.strip().splitlines()[-1].split()]
        )  # after any progress bar
    month_s = statistics.median(f[0] for f in fresh)
    log(
        f"county monthly roll-up from rollups, fresh process: call {month_s:.3f} s "
        f"(process incl. Django start {statistics.median(f[1] for f in fresh):.2f} s), total {fresh[0][2]:.1f} tce"
    )

    # Incremental cost: batches of 1,000 new readings (10 meters × 100) through the API's path.
    batch_ms = []
    by_ent: dict[int, list] = {}
    for m in meters:
        by_ent.setdefault(m.enterprise_id, []).append(m)
    ents = Enterprise.objects.order_by("id")
    import datetime as dt
    from zoneinfo import ZoneInfo

    sh = ZoneInfo("Asia/Shanghai")
    for b in range(20):
        ent = ents[b % len(ents)]
        ms = by_ent[ent.pk][:10]
        per = 1000 // len(ms)
        rows = []
        for m in ms:
            for i in range(per):
                when = dt.datetime.fromtimestamp((ts[-1] + (b * per + i + 1) * 900_000) / 1000, tz=sh)
                last_values[m.pk] += 10.0
                rows.append({"meter": m.code, "ts": when.isoformat(), "value": round(last_values[m.pk], 2)})
        refresh_time[0] = 0.0
        services.ingest_rows(enterprise=ent, rows=rows, source=IngestBatch.Source.API)
        batch_ms.append(refresh_time[0] * 1000)
    rollup_batch_ms = statistics.median(batch_ms)
    log(
        f"incremental rollup per 1,000-reading batch: median {rollup_batch_ms:.1f} ms, max {max(batch_ms):.1f} ms"
    )

    # Full rebuilds.
    t = time.perf_counter()
    services.rebuild_rollups()
    rebuild_duckdb_s = time.perf_counter() - t
    duck = services.get_rollups().daily_table()
    log(f"rebuild with DuckDB: {rebuild_duckdb_s:.1f} s, {duck.num_rows:,} daily rows")
    rebuild_spark_s = float("nan")
    spark_equal = 0
    if not args.no_spark:
        t = time.perf_counter()
        services.aggregate_with_spark(master=args.spark_master)
        rebuild_spark_s = time.perf_counter() - t
        sp = services.get_rollups().daily_table()
        key = ["meter_id", "day", "intervals", "included", "negative", "spikes"]
        same_rows = all(duck.column(k).to_pylist() == sp.column(k).to_pylist() for k in key)
        a, b = duck.column("use").to_numpy(), sp.column("use").to_numpy()
        spark_equal = int(same_rows and len(a) == len(b) and bool(np.allclose(a, b, rtol=1e-9, atol=0)))
        log(
            f"rebuild with Spark ({args.spark_master}, JVM start included): {rebuild_spark_s:.1f} s; equal: {spark_equal}"
        )
    store = services.get_store()
    log(
        f"sizes: readings {du(store.readings_dir) / 1e6:.1f} MB ({du(store.readings_dir) / n:.2f} B/reading), "
        f"rollups {du(store.root / 'rollups') / 1e6:.2f} MB, csv {csv_path.stat().st_size / 1e6:.0f} MB"
    )
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    log(
        f"monitoring_scale readings={n} rollup_month_s={month_s:.3f} rollup_batch_ms={rollup_batch_ms:.1f} "
        f"rebuild_duckdb_s={rebuild_duckdb_s:.2f} rebuild_spark_s={rebuild_spark_s:.2f} spark_equal={spark_equal}"
    )


if __name__ == "__main__":
    main()
