"""Server-side render time and SQL query count of the leaders' dashboard (驾驶舱).

Creates the county dataset (``carbonpeak generate_county_dataset``) in a temporary
SQLite database, renders /dashboard/ N times through Django's test client
as a leader, then doubles the data and counts the queries again.

    .venv/bin/python benchmarks/dashboard.py            # full dataset (scale 1, then 2)
    .venv/bin/python benchmarks/dashboard.py --quick    # smaller dataset, under a minute

The last line is ``dashboard median_ms=<number> queries=<number> queries_at_double_data=<number>``.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="smaller dataset (scale 0.25, no meter readings)"
    )
    parser.add_argument("--runs", type=int, default=None, help="renders to time (default 30, quick 15)")
    args = parser.parse_args()
    runs = args.runs or (15 if args.quick else 30)
    scale = 0.25 if args.quick else 1.0

    tmp = Path(tempfile.mkdtemp(prefix="carbonpeak-bench-dashboard-"))
    os.environ["CARBONPEAK_DATA_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["CARBONPEAK_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonpeak.site.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    out = io.StringIO()
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    generate = {"scale": scale, "seed": 2030, "stdout": out}
    if args.quick:
        generate["no_readings"] = True
    call_command("generate_county_dataset", **generate)
    print(f"dataset (scale {scale:g}) created in {time.perf_counter() - t0:.1f} s", flush=True)

    from carbonpeak.accounts.models import User

    leader = User(username="bench-leader", role="leader")
    leader.set_unusable_password()
    leader.save()
    client = Client()
    client.force_login(leader)

    cpu: list[float] = []

    def render() -> tuple[float, int]:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            cpu_start = time.process_time()
            response = client.get("/dashboard/")
            elapsed = (time.perf_counter() - start) * 1000
            cpu.append((time.process_time() - cpu_start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"dashboard returned HTTP {response.status_code}")
        return elapsed, len(ctx.captured_queries)

    render()  # warm-up: template compilation, imports
    cpu.clear()
    timings, queries = [], []
    for _ in range(runs):
        ms, q = render()
        timings.append(ms)
        queries.append(q)
    median = statistics.median(timings)
    print(
        f"scale {scale:g}: median {median:.1f} ms, p90 {sorted(timings)[int(0.9 * (runs - 1))]:.1f} ms, "
        f"CPU median {statistics.median(cpu):.1f} ms, queries {queries[0]} over {runs} renders",
        flush=True,
    )
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall time grows with load)",
        flush=True,
    )

    t1 = time.perf_counter()
    generate["scale"] = scale * 2
    call_command("generate_county_dataset", **generate)
    print(f"doubled to scale {scale * 2:g} in {time.perf_counter() - t1:.1f} s", flush=True)
    render()
    cpu.clear()
    ms2 = [render() for _ in range(max(5, runs // 3))]
    median2 = statistics.median(m for m, _ in ms2)
    q2 = ms2[0][1]
    print(
        f"scale {scale * 2:g}: median {median2:.1f} ms, CPU median {statistics.median(cpu):.1f} ms, queries {q2}",
        flush=True,
    )
    print(f"dashboard median_ms={median:.1f} queries={queries[0]} queries_at_double_data={q2}")


if __name__ == "__main__":
    main()
