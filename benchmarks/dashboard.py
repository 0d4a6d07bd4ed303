"""Server-side render time and SQL query count of the leaders' dashboard (驾驶舱).

Creates the county dataset (``carbonpeak generate_county_dataset``) in a temporary
SQLite database, renders /dashboard/ N times through Django's test client
as a leader, then doubles the data and counts the queries again.

    .venv/bin/python benchmarks/dashboard.py            # full dataset (scale 1, then 2)
    .venv/bin/python benchmarks/dashboard.py --quick    # smaller dataset, under a minute

Then builds a city of 10 counties (benchmark-only regions 439900/4399xx, each county
with the sample plan, a copy of the sample accounting data and indicators with
observations), renders the city roll-up /dashboard/city/ as the city's leader, doubles
every county's observations and counts the queries again.

The last two lines are
``dashboard median_ms=<number> queries=<number> queries_at_double_data=<number>`` and
``dashboard_city median_ms=<number> queries=<number> queries_at_double_data=<number>``.
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
    county_line = f"dashboard median_ms={median:.1f} queries={queries[0]} queries_at_double_data={q2}"
    city_line = city_benchmark(runs, scale)
    print(county_line)
    print(city_line)


def city_benchmark(runs: int, scale: float) -> str:
    """Render the city roll-up of 10 counties; the query count must not grow with the data."""
    from decimal import Decimal
    from pathlib import Path

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from carbonpeak.accounting import samples as accounting_samples
    from carbonpeak.accounting.services import UploadedFile, import_dataset
    from carbonpeak.accounts.models import User
    from carbonpeak.core.models import Region
    from carbonpeak.indicators import services as indicator_services
    from carbonpeak.indicators.models import Indicator, Observation
    from carbonpeak.plans import samples as plan_samples
    from carbonpeak.plans import services as plan_services

    t0 = time.perf_counter()
    province = Region.objects.get_or_create(code="430000", defaults={"name": "湖南省", "level": "province"})[
        0
    ]
    city = Region.objects.create(
        code="439900", name="基准测试市（仅用于性能测量）", level="city", parent=province
    )
    counties = [
        Region.objects.create(code=f"4399{i:02d}", name=f"基准测试县{i}", level="county", parent=city)
        for i in range(1, 11)
    ]
    text = Path(plan_samples.sample_plan_path()).read_text("utf-8")
    folder = accounting_samples.sample_dir()

    def f(name: str) -> UploadedFile:
        return UploadedFile(name=name, data=(folder / name).read_bytes())

    for county in counties:
        parsed = plan_services.parse_text(text, county)
        plan = plan_services.import_plan(parsed, source_text=text, region=county).plan
        import_dataset(
            user=None,
            name=f"{county.name}统计",
            energy_file=f("ENERGY.csv"),
            economy_file=f("ECONOMY.csv"),
            targets_file=f("TARGETS.csv"),
            region="湖南省",
            area=county,
            is_sample=True,
        )
        indicator_services.create_indicators_from_plan(plan=plan)
        indicator_services.refresh_computed(region=county, illustrative=True)

    def add_observations(years: range) -> None:
        new = []
        for ind in Indicator.objects.filter(region__in=counties, kind=Indicator.Kind.MANUAL):
            for year in years:
                for quarter in (1, 2, 3, 4):
                    new.append(
                        Observation(
                            indicator=ind,
                            year=year,
                            quarter=quarter,
                            value=Decimal(year - 2000),
                            state=Observation.State.APPROVED,
                            illustrative=True,
                        )
                    )
        Observation.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)

    add_observations(range(2021, 2021 + max(1, int(2 * scale))))
    print(f"city of 10 counties created in {time.perf_counter() - t0:.1f} s", flush=True)
    leader = User(username="bench-city-leader", role="leader", region=city)
    leader.set_unusable_password()
    leader.save()
    client = Client()
    client.force_login(leader)

    def render() -> tuple[float, int]:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get("/dashboard/city/")
            elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200 or "基准测试县10" not in response.content.decode():
            raise SystemExit(f"city dashboard returned HTTP {response.status_code}")
        return elapsed, len(ctx.captured_queries)

    render()
    timings = [render() for _ in range(runs)]
    median = statistics.median(t for t, _ in timings)
    queries = timings[0][1]
    print(f"city: median {median:.1f} ms, queries {queries} over {runs} renders", flush=True)
    observations = Observation.objects.filter(indicator__region__in=counties).count()
    add_observations(range(2021 + max(1, int(2 * scale)), 2021 + 2 * max(1, int(2 * scale))))
    doubled = Observation.objects.filter(indicator__region__in=counties).count()
    render()
    q2 = render()[1]
    print(f"city: observations {observations} -> {doubled}, queries {q2}", flush=True)
    return f"dashboard_city median_ms={median:.1f} queries={queries} queries_at_double_data={q2}"


if __name__ == "__main__":
    main()
