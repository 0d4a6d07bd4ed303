"""Benchmark of partner ingest of carbon-inclusive activity records over HTTP.

    .venv/bin/python benchmarks/credits.py --quick                            # < 1 minute, SQLite (WAL)
    .venv/bin/python benchmarks/credits.py                                    # full: 200,000 records
    bash scripts/with-postgres.sh .venv/bin/python benchmarks/credits.py      # the same on PostgreSQL

10 partners of one county post signed batches of 500 bus trips concurrently (one
keep-alive connection each) to a gunicorn server on loopback. Every record is
assessed (fraud rules, daily cap, methodology version) and credited to the county's
hash-chained ledger before the response; the benchmark checks every response, then
counts the activities and ledger entries in the database and verifies the chain.
Bodies are built before the clock starts and signed (HMAC-SHA256) just before each
request. The last line is ``credits records=<n> http_per_s=<n>``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 500
PARTNERS = 10


def log(msg: str) -> None:
    print(msg, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_cpu_s(pid: int) -> float:
    """User + system CPU seconds of the gunicorn master and its workers (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def fsync_ms(directory: Path) -> float:
    """Median time of writing and fsyncing 64 KiB in ``directory`` (the disk's commit cost)."""
    path = directory / "fsync-probe"
    times = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        for _ in range(9):
            t = time.perf_counter()
            os.write(fd, b"x" * 65536)
            os.fsync(fd)
            times.append(time.perf_counter() - t)
    finally:
        os.close(fd)
        path.unlink()
    return sorted(times)[len(times) // 2] * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--batches", type=int, help="timed batches per partner (default 4 quick, 40 full)")
    ap.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-wal", action="store_true", help="SQLite: keep the rollback journal")
    args = ap.parse_args()
    batches = args.batches or (4 if args.quick else 40)
    warmup = 1
    residents_n = 5_000 if args.quick else 50_000
    tmp = Path(tempfile.mkdtemp(prefix="carbonpeak-bench-credits-"))
    os.environ["CARBONPEAK_DATA_DIR"] = str(tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "carbonpeak.site.settings"
    os.environ["CARBONPEAK_DEBUG"] = "0"
    os.environ.setdefault("CARBONPEAK_ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("CARBONPEAK_SECRET_KEY", "bench-" + os.urandom(8).hex())
    # Persistent database connections in the workers (the production setting; a new
    # SQLite connection per request re-reads the schema and starts with a cold cache).
    os.environ.setdefault("CARBONPEAK_DB_CONN_MAX_AGE", "600")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    from django.db import connection

    if connection.vendor == "sqlite" and not args.no_wal:
        # WAL is a property of the database file (it persists): commits append to the
        # write-ahead log and fsync it once (synchronous=FULL, Django's default), instead
        # of the rollback journal's several fsyncs. See docs/performance.md.
        with connection.cursor() as cur:
            cur.execute("PRAGMA journal_mode=WAL")
    from carbonpeak.core.regions import home_region
    from carbonpeak.credits.models import Activity, LedgerEntry, Methodology, Resident
    from carbonpeak.credits.services import ingest, ledger, methodologies
    from carbonpeak.credits.services.residents import mask_phone, phone_hash
    from carbonpeak.engine.carbon_inclusive import BEIJING

    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA journal_mode")
            db += f" (journal_mode={cur.fetchone()[0]})"
    county = home_region()
    bus = Methodology.objects.create(
        region=county, code="BUS", name="公交出行", activity_type="bus", unit="trip"
    )
    methodologies.add_version(
        methodology=bus,
        user=None,
        version="bench",
        valid_from=dt.datetime(2026, 1, 1, tzinfo=BEIJING),
        valid_to=None,
        reduction_kg_per_unit=0.080,
        reduction_source="CI_BUS_BJ_MIN（北京绿色生活季公交出行减排量下限，secondary_single）",
        baseline_kg_per_unit=None,
        baseline_source="",
        project_kg_per_unit=None,
        project_source="",
        daily_cap_units=12,
        points_per_kg=1000,
    )
    phones = [f"139{i:08d}" for i in range(residents_n)]
    Resident.objects.bulk_create(
        [
            Resident(
                region=county,
                phone_hash=phone_hash(p),
                phone_masked=mask_phone(p),
                township=f"示例镇{i % 12}",
                consent_version="bench",
                consent_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            )
            for i, p in enumerate(phones)
        ],
        batch_size=2000,
    )
    partners = [
        ingest.create_partner(
            region=county, name=f"基准合作方{i}", kind="bus", activity_types=["bus"], user=None
        )
        for i in range(PARTNERS)
    ]
    log(
        f"database {db}; {residents_n:,} residents; {PARTNERS} partners × {warmup + batches} batches × {BATCH}"
    )

    # Record g goes to resident g % R as that resident's trip number k = g // R, 2 hours
    # apart (12 a day = the daily cap): no duplicates, no overlaps, nothing over the cap.
    base = dt.datetime(2026, 3, 1, 0, 5, tzinfo=BEIJING)
    per_partner = (warmup + batches) * BATCH

    def bodies(p: int) -> list[bytes]:
        out = []
        for b in range(warmup + batches):
            recs = []
            for j in range(BATCH):
                g = p * per_partner + b * BATCH + j
                start = base + dt.timedelta(hours=2 * (g // residents_n))
                recs.append(
                    {
                        "record_id": f"P{p}-{b}-{j}",
                        "phone": phones[g % residents_n],
                        "activity_type": "bus",
                        "start": start.isoformat(),
                        "end": (start + dt.timedelta(minutes=25)).isoformat(),
                        "quantity": 1,
                    }
                )
            out.append(json.dumps({"records": recs}, ensure_ascii=False).encode())
        return out

    payloads = [bodies(p) for p in range(PARTNERS)]
    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    cmd = [
        gunicorn,
        "-w",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        "gthread",
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "carbonpeak.site.wsgi:application",
    ]
    server = subprocess.Popen(cmd, env=dict(os.environ), start_new_session=True, cwd=str(tmp))
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

        def client(p: int, data: list[bytes]) -> int:
            partner, secret = partners[p]
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            n = 0
            for body in data:
                ts = str(int(time.time()))
                headers = {
                    "Content-Type": "application/json",
                    "X-Partner-Key": partner.key_id,
                    "X-Timestamp": ts,
                    "X-Signature": ingest.sign(secret, ts, body),
                }
                conn.request("POST", "/api/credits/activities", body=body, headers=headers)
                resp = conn.getresponse()
                out = json.loads(resp.read())
                assert resp.status == 200 and out["credited"] == BATCH, (resp.status, str(out)[:500])
                n += out["credited"]
            conn.close()
            return n

        with concurrent.futures.ThreadPoolExecutor(PARTNERS) as pool:
            list(pool.map(lambda p: client(p, payloads[p][:warmup]), range(PARTNERS)))
        cpu0 = server_cpu_s(server.pid)
        t = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(PARTNERS) as pool:
            sent = sum(pool.map(lambda p: client(p, payloads[p][warmup:]), range(PARTNERS)))
        elapsed = time.perf_counter() - t
        cpu = server_cpu_s(server.pid) - cpu0
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)

    total = PARTNERS * (warmup + batches) * BATCH
    acts = Activity.objects.filter(status="credited").count()
    entries = LedgerEntry.objects.count()
    reports = ledger.verify()
    assert acts == entries == total, (acts, entries, total)
    assert all(r.ok for r in reports), reports
    rate = sent / elapsed
    cores = os.cpu_count() or 2
    log(
        f"server CPU {cpu:.1f} s = {cpu / sent * 1e6:.0f} µs per record (gunicorn processes; the database "
        f"server's own CPU not included); {cores} cores at 100 % would serve {cores * sent / cpu:,.0f} records/s "
        f"if CPU were the only limit; disk fsync of 64 KiB: {fsync_ms(tmp):.0f} ms (median of 9); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    log(
        f"timed: {sent:,} records in {elapsed:.2f} s = {rate:,.0f} records/s "
        f"({PARTNERS} partners, batches of {BATCH}, gunicorn gthread {args.workers}×{args.threads}, {db}, "
        f"CARBONPEAK_DB_CONN_MAX_AGE={os.environ['CARBONPEAK_DB_CONN_MAX_AGE']}); "
        f"database holds {acts:,} credited activities and {entries:,} ledger entries; chain verified"
    )
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"credits records={sent} http_per_s={rate:.0f}")


if __name__ == "__main__":
    main()
