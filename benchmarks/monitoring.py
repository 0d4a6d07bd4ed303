"""Benchmark of the meter store: bulk ingest, HTTP ingest, monthly aggregation.

    .venv/bin/python benchmarks/monitoring.py --quick          # < 1 minute
    bash scripts/with-postgres.sh .venv/bin/python benchmarks/monitoring.py   # full, with PostgreSQL

Full: 1,000 meters (100 enterprises × 10) at 15-minute intervals for one year
(35,040,000 readings). Everything runs in a temporary data directory. HTTP: gunicorn
(gthread, 2 × cores workers × 4 threads) on loopback, 10 keep-alive clients posting
pre-built batches of 1,000 after 2 untimed warm-up batches each. Bulk ingest and the raw
``COPY`` it is compared with run ``--repeat`` times (default 3), interleaved, each
platform run into an empty store; so do the platform's monthly aggregate and the same
SQL run directly in DuckDB (order alternating), and the HTTP test runs as many timed
rounds of new readings. The figures are medians; every run is logged. The last
line is
``monitoring readings=… ingest_per_s=… raw_copy_per_s=… http_per_s=… agg_s=… raw_agg_s=… pg_agg_s=…``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]


def log(msg: str) -> None:
    print(msg, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument(
        "--repeat", type=int, default=3, help="interleaved raw/platform bulk runs; medians are reported"
    )
    args = ap.parse_args()
    n_ent, per_ent, days = (10, 5, 30) if args.quick else (100, 10, 365)
    http_batches = 10 if args.quick else 30
    warmup_batches = 2
    tmp = Path(tempfile.mkdtemp(prefix="carbonpeak-bench-"))
    os.environ["CARBONPEAK_DATA_DIR"] = str(tmp)
    os.environ["CARBONPEAK_METER_STORE"] = str(tmp / "store")
    os.environ["DJANGO_SETTINGS_MODULE"] = "carbonpeak.site.settings"
    os.environ["CARBONPEAK_DEBUG"] = "0"
    os.environ.setdefault("CARBONPEAK_ALLOWED_HOSTS", "127.0.0.1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    import duckdb

    from carbonpeak.enterprises.models import Enterprise
    from carbonpeak.monitoring import services
    from carbonpeak.monitoring.models import IngestBatch, Meter
    from carbonpeak.monitoring.store import MONTHLY_SQL, monthly_params

    meters = []
    for e in range(n_ent):
        ent = Enterprise.objects.create(name=f"基准企业{e:03d}", uscc=f"BENCH{e:013d}")
        for k in range(per_ent):
            meters.append(
                Meter(
                    enterprise=ent,
                    code=f"M{k:02d}",
                    name=f"表{k}",
                    carrier="电力",
                    unit="kWh",
                    multiplier=1.0,
                )
            )
    Meter.objects.bulk_create(meters)
    meters = list(Meter.objects.order_by("id"))
    ids = np.array([m.pk for m in meters], dtype=np.int64)
    n_int = days * 96
    t0 = 1735660800000  # 2025-01-01 00:00 +08:00 in UTC ms
    ts = t0 + np.arange(1, n_int + 1, dtype=np.int64) * 900_000
    rng = np.random.default_rng(1)
    log(f"generating {len(ids) * n_int:,} readings ({len(ids)} meters × {n_int} intervals)")
    csv_path = tmp / "readings.csv"
    with pacsv.CSVWriter(
        csv_path,
        pa.schema([("meter_id", pa.int64()), ("ts", pa.timestamp("ms", tz="UTC")), ("value", pa.float64())]),
    ) as w:
        for chunk in np.array_split(ids, max(1, len(ids) // 50)):
            m = np.repeat(chunk, n_int)
            t = np.tile(ts, len(chunk))
            v = np.cumsum(rng.uniform(5, 15, (len(chunk), n_int)), axis=1).ravel().round(2)
            w.write_table(
                pa.table({"meter_id": m, "ts": pa.array(t, pa.timestamp("ms", tz="UTC")), "value": v})
            )
    n = len(ids) * n_int
    log(f"csv {csv_path.stat().st_size / 1e6:.0f} MB")

    # Bulk ingest against a raw DuckDB COPY of the same CSV into one Parquet file,
    # interleaved (raw, platform, raw, platform, ...) so that both see the same machine;
    # the figures are the medians. Each platform run starts from an empty store.
    raw_dir = tmp / "raw"
    store = services.get_store()
    raw_runs: list[float] = []
    ingest_runs: list[float] = []
    for run in range(args.repeat):
        shutil.rmtree(raw_dir, ignore_errors=True)
        raw_dir.mkdir()
        t = time.perf_counter()
        duckdb.connect().execute(
            f"COPY (SELECT * FROM read_csv('{csv_path}')) TO '{raw_dir / 'raw.parquet'}' (FORMAT parquet, COMPRESSION zstd)"
        )
        raw_runs.append(time.perf_counter() - t)
        if run:
            shutil.rmtree(store.readings_dir)
            store.readings_dir.mkdir()
            IngestBatch.objects.all().delete()
        t = time.perf_counter()
        # Timed up to the acknowledgement, as `carbonpeak monitoring ingest` answers; the daily
        # rollups are settled right after (measured by benchmarks/monitoring_scale.py).
        result = services.ingest_csv(
            path=csv_path, enterprise=None, source=IngestBatch.Source.CLI, defer_rollups=True
        )
        ingest_runs.append(time.perf_counter() - t)
        assert result.accepted == n and result.rejected == 0, (result.accepted, result.rejected)
        log(
            f"run {run + 1}/{args.repeat}: raw duckdb COPY {raw_runs[-1]:.1f} s ({n / raw_runs[-1]:,.0f}/s), "
            f"platform ingest {ingest_runs[-1]:.1f} s ({n / ingest_runs[-1]:,.0f}/s), "
            f"ratio {raw_runs[-1] / ingest_runs[-1]:.3f}"
        )
    raw_copy_s = statistics.median(raw_runs)
    ingest_s = statistics.median(ingest_runs)
    log(
        f"bulk ingest medians: raw {raw_copy_s:.1f} s, platform {ingest_s:.1f} s ({n / ingest_s:,.0f}/s), "
        f"ratio of medians {raw_copy_s / ingest_s:.3f}; "
        f"per-run ratios {', '.join(f'{r / i:.3f}' for r, i in zip(raw_runs, ingest_runs, strict=True))}"
    )

    # HTTP ingest: 10 concurrent clients, batches of 1,000 readings
    from carbonpeak.monitoring.services import create_token

    secrets_by_ent = {}
    for ent in Enterprise.objects.order_by("id")[:10]:
        secrets_by_ent[ent.pk] = create_token(enterprise=ent, name="bench", user=None)[1]
    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    env = dict(os.environ)
    if gunicorn:
        cmd = [
            gunicorn,
            "-w",
            str(2 * (os.cpu_count() or 2)),
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "carbonpeak.site.wsgi:application",
        ]
    else:
        cmd = [
            str(Path(sys.executable).with_name("carbonpeak")),
            "runserver",
            "--noreload",
            "--skip-checks",
            f"127.0.0.1:{port}",
        ]
    server = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd=str(tmp),
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=20)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        base = 1767196800000 + 86_400_000 * 30  # 2026-01-31 +08:00: new data, not in the bulk year
        by_ent = {e: [m.code for m in meters if m.enterprise_id == e] for e in secrets_by_ent}
        clients = list(secrets_by_ent)

        def bodies(i: int) -> list[bytes]:
            """Request bodies of client i, built before the clock starts (the clients share the 2 cores)."""
            codes = by_ent[clients[i]]
            out = []
            for b in range(warmup_batches + args.repeat * http_batches):
                readings = []
                for j in range(1000):
                    k = b * 1000 + j
                    tms = base + (k // len(codes)) * 900_000
                    readings.append(
                        {
                            "meter": codes[k % len(codes)],
                            "ts": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(tms / 1000)),
                            "value": float(k),
                        }
                    )
                out.append(json.dumps({"readings": readings}).encode())
            return out

        payloads = [bodies(i) for i in range(10)]

        def client(i: int, batches: list[bytes]) -> int:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            headers = {
                "Authorization": f"Bearer {secrets_by_ent[clients[i]]}",
                "Content-Type": "application/json",
            }
            sent = 0
            for data in batches:
                conn.request("POST", "/api/monitoring/readings", body=data, headers=headers)
                resp = conn.getresponse()
                body = json.loads(resp.read())
                assert resp.status == 200 and body["accepted"] == 1000, body
                sent += 1000
            conn.close()
            return sent

        with concurrent.futures.ThreadPoolExecutor(10) as pool:  # warm-up: every worker imports and connects
            list(pool.map(lambda i: client(i, payloads[i][:warmup_batches]), range(10)))
        # --repeat timed rounds, each of new readings; the figure is the median round.
        http_rounds: list[tuple[int, float]] = []
        for rnd in range(args.repeat):
            first = warmup_batches + rnd * http_batches
            t = time.perf_counter()
            batches = [payloads[i][first : first + http_batches] for i in range(10)]
            with concurrent.futures.ThreadPoolExecutor(10) as pool:
                sent = sum(pool.map(client, range(10), batches))
            http_rounds.append((sent, time.perf_counter() - t))
            log(
                f"http round {rnd + 1}/{args.repeat} ({'gunicorn' if gunicorn else 'runserver'}): "
                f"{sent:,} readings in {http_rounds[-1][1]:.1f} s ({sent / http_rounds[-1][1]:,.0f}/s)"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    http_n, http_s = sorted(http_rounds, key=lambda r: r[0] / r[1])[len(http_rounds) // 2]
    log(f"http ingest median round: {http_n:,} readings in {http_s:.1f} s ({http_n / http_s:,.0f}/s)")

    t = time.perf_counter()
    stats = services.get_store().compact()
    log(f"compaction: {stats} in {time.perf_counter() - t:.1f} s")

    # Monthly per-enterprise consumption for 2025: the platform's query against the same SQL
    # run directly in DuckDB on the same files. Interleaved, the order alternating (the
    # first large query in a process pays for its memory), medians of --repeat runs each.
    mt, rt = services.meter_tables(Meter.objects.all())
    files = services.get_store().files()
    s_us, e_us = services._year_bounds_us(2025)
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.register("meters", mt)
    con.register("replacements", rt)

    def platform_aggregate() -> float:
        t = time.perf_counter()
        _meters, rows = services.monthly_by_meter(year=2025)
        by_ent_month: dict[tuple[int, str], float] = {}
        for ent, _mid, month, use in rows:
            by_ent_month[(ent, month)] = by_ent_month.get((ent, month), 0.0) + use
        elapsed = time.perf_counter() - t
        platform_rows.append(len(rows))
        ent_months.append(len(by_ent_month))
        return elapsed

    def raw_aggregate() -> float:
        t = time.perf_counter()
        raw_rows = con.execute(MONTHLY_SQL, monthly_params(files, s_us, e_us)).fetchall()
        elapsed = time.perf_counter() - t
        raw_counts.append(len(raw_rows))
        return elapsed

    platform_rows: list[int] = []
    ent_months: list[int] = []
    raw_counts: list[int] = []
    agg_runs: list[float] = []
    raw_agg_runs: list[float] = []
    for run in range(args.repeat):
        if run % 2 == 0:
            agg_runs.append(platform_aggregate())
            raw_agg_runs.append(raw_aggregate())
        else:
            raw_agg_runs.append(raw_aggregate())
            agg_runs.append(platform_aggregate())
        log(
            f"aggregate run {run + 1}/{args.repeat} ({'platform first' if run % 2 == 0 else 'raw first'}): "
            f"platform {agg_runs[-1]:.2f} s, raw duckdb {raw_agg_runs[-1]:.2f} s"
        )
    assert set(platform_rows) == set(raw_counts) and len(set(raw_counts)) == 1, (platform_rows, raw_counts)
    agg_s = statistics.median(agg_runs)
    raw_agg_s = statistics.median(raw_agg_runs)
    log(
        f"monthly aggregate medians: platform {agg_s:.2f} s, raw duckdb {raw_agg_s:.2f} s "
        f"({agg_s / raw_agg_s:.2f}x; {ent_months[0]} enterprise-months, {raw_counts[0]} meter-months)"
    )

    pg_agg_s = float("nan")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        import psycopg

        exp = tmp / "dedup.csv"
        con.execute(
            f"COPY (SELECT meter_id, ts, arg_max(value, ingested_at) AS value FROM read_parquet({files!r}) GROUP BY meter_id, ts) TO '{exp}' (HEADER false)"
        )
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as pg:
            pg.execute(
                "DROP TABLE IF EXISTS bench_readings; CREATE UNLOGGED TABLE bench_readings (meter_id bigint, ts timestamptz, value double precision)"
            )
            pg.execute(
                "DROP TABLE IF EXISTS bench_meters; CREATE TABLE bench_meters (meter_id bigint primary key, enterprise_id bigint, multiplier double precision)"
            )
            with pg.cursor().copy("COPY bench_meters FROM STDIN") as cp:
                for m in meters:
                    cp.write_row((m.pk, m.enterprise_id, m.multiplier))
            t = time.perf_counter()
            with pg.cursor().copy("COPY bench_readings FROM STDIN (FORMAT csv)") as cp, open(exp, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    cp.write(chunk)
            log(f"postgres COPY load: {time.perf_counter() - t:.1f} s")
            pg.execute("ANALYZE bench_readings")
            pg_sql = """
                WITH d AS (
                  SELECT r.meter_id, m.enterprise_id, r.ts, m.multiplier * (r.value - lag(r.value) OVER w) AS use,
                         extract(epoch FROM r.ts - lag(r.ts) OVER w) * 1000 AS dur
                  FROM bench_readings r JOIN bench_meters m USING (meter_id)
                  WHERE r.ts > %(s)s::timestamptz - interval '1 day' AND r.ts <= %(e)s::timestamptz
                  WINDOW w AS (PARTITION BY r.meter_id ORDER BY r.ts)
                ), med AS (
                  SELECT meter_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY use / dur) AS rate, count(*) AS n FROM d WHERE use > 0 GROUP BY meter_id
                )
                SELECT d.enterprise_id, d.meter_id, to_char((d.ts - interval '1 millisecond') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, sum(d.use)
                FROM d LEFT JOIN med USING (meter_id)
                WHERE d.use >= 0 AND NOT (coalesce(med.n, 0) >= 8 AND d.use / d.dur > 10 * med.rate)
                  AND d.ts - interval '1 millisecond' >= %(s)s::timestamptz AND d.ts - interval '1 millisecond' < %(e)s::timestamptz
                GROUP BY 1, 2, 3
            """
            t = time.perf_counter()
            pg_rows = pg.execute(
                pg_sql, {"s": "2025-01-01T00:00:00+08:00", "e": "2026-01-01T00:00:00+08:00"}
            ).fetchall()
            pg_agg_s = time.perf_counter() - t
            log(f"postgres monthly aggregate: {pg_agg_s:.2f} s ({len(pg_rows)} rows)")
    else:
        log("postgres: DATABASE_URL not set, skipped (run under scripts/with-postgres.sh)")

    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"monitoring readings={n} ingest_per_s={n / ingest_s:.0f} raw_copy_per_s={n / raw_copy_s:.0f} "
        f"http_per_s={http_n / http_s:.0f} agg_s={agg_s:.3f} raw_agg_s={raw_agg_s:.3f} pg_agg_s={pg_agg_s:.3f}"
    )


if __name__ == "__main__":
    main()
