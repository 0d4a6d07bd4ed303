"""``carbonpeak backup`` while readings arrive, ``carbonpeak restore`` on a fresh data directory.

Real processes on a file SQLite database (the suite's in-memory database cannot be
backed up from another process): a writer process acknowledges a batch of readings
every few milliseconds while ``carbonpeak backup`` runs; the archive is restored into an
empty data directory and compared with the source table by table and reading by reading.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

SETUP = textwrap.dedent(
    """
    import django, datetime as dt
    django.setup()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from carbonpeak.accounts.models import User
    from carbonpeak.enterprises.models import Enterprise
    from carbonpeak.monitoring import services
    from carbonpeak.monitoring.models import Meter
    User.objects.create_user(username="office", password="Backup-Test-2030!", role="office")
    ent = Enterprise.objects.create(name="备份测试企业", uscc="91430621MA4L0000XX")
    for code in ("E1", "E2", "G1"):
        Meter.objects.create(enterprise=ent, code=code, name=code, carrier="电力", unit="kWh")
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    rows = [{"meter": c, "ts": (t0 + dt.timedelta(minutes=15 * i)).isoformat(), "value": 100.0 + i}
            for c in ("E1", "E2", "G1") for i in range(500)]
    services.ingest_rows(enterprise=ent, rows=rows, source="cli")
    default_storage.save("attachments/2026/报告.txt", ContentFile("附件内容".encode()))
    """
)

WRITER = textwrap.dedent(
    """
    import django, datetime as dt, json, os, sys, time
    django.setup()
    from carbonpeak.enterprises.models import Enterprise
    from carbonpeak.monitoring import services
    stop, log = sys.argv[1], sys.argv[2]
    ent = Enterprise.objects.get()
    t0 = dt.datetime(2026, 2, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    i = 0
    with open(log, "w") as out:
        while not os.path.exists(stop):
            rows = [{"meter": c, "ts": (t0 + dt.timedelta(minutes=15 * (i * 20 + k))).isoformat(), "value": float(i * 20 + k)}
                    for c in ("E1", "E2") for k in range(20)]
            started = time.time()
            result = services.ingest_rows(enterprise=ent, rows=rows, source="api")
            out.write(json.dumps({"batch": result.batch_id, "started": started, "acked": time.time()}) + "\\n")
            out.flush()
            i += 1
    """
)

DUMP = textwrap.dedent(
    """
    import django, json, sqlite3, uuid
    django.setup()
    from django.conf import settings
    from carbonpeak.monitoring.services import get_store
    conn = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    dump = {}
    for t in tables:
        rows = conn.execute(f'SELECT * FROM "{t}"').fetchall()
        dump[t] = sorted(json.dumps(r, default=str, ensure_ascii=False) for r in rows)
    files = get_store().files()
    readings = []
    if files:
        con = get_store().connection()
        readings = con.sql(
            "SELECT meter_id, epoch_us(ts), arg_max(value, ingested_at), arg_max(batch_id, ingested_at) "
            "FROM read_parquet($f, hive_partitioning=false) GROUP BY meter_id, ts ORDER BY 1, 2",
            params={"f": files},
        ).fetchall()
    media = sorted(str(p.relative_to(settings.MEDIA_ROOT)) + ":" + p.read_text()
                   for p in __import__("pathlib").Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    print(json.dumps({"tables": dump, "readings": [[m, t, v, uuid.UUID(b).hex] for m, t, v, b in readings],
                      "media": media}, ensure_ascii=False))
    """
)


def _env(data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "CARBONPEAK_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "carbonpeak.site.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("CARBONPEAK_METER_STORE", None)
    return env


def _run(args: list[str], data_dir: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=_env(data_dir), capture_output=True, text=True, timeout=600, **kwargs)


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-m", "carbonpeak.cli", *args], data_dir)


def _dump(data_dir: Path) -> dict:
    out = _run([sys.executable, "-c", DUMP], data_dir)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    source = tmp_path_factory.mktemp("source")
    fresh = tmp_path_factory.mktemp("fresh")
    archive = tmp_path_factory.mktemp("archive") / "backup.tar.gz"
    assert _cli(source, "migrate", "-v0").returncode == 0
    setup = _run([sys.executable, "-c", SETUP], source)
    assert setup.returncode == 0, setup.stderr[-3000:]
    stop, log = source / "stop", source / "acks.jsonl"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(stop), str(log)], env=_env(source))
    try:
        deadline = time.time() + 60
        while (not log.exists() or log.read_text().count("\n") < 5) and time.time() < deadline:
            time.sleep(0.1)
        backup_started = time.time()
        result = _cli(source, "backup", "--output", str(archive))
        backup_ended = time.time()
        assert result.returncode == 0, result.stderr[-3000:]
        # Readings keep arriving after the backup: wait for a few batches started after it.
        deadline = time.time() + 60
        while time.time() < deadline:
            done = [json.loads(line) for line in log.read_text().splitlines()]
            if sum(a["started"] > backup_ended for a in done) >= 3:
                break
            time.sleep(0.1)
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0
    acks = [json.loads(line) for line in log.read_text().splitlines()]
    restored = _cli(fresh, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr[-3000:]
    return {
        "source": _dump(source),
        "restored": _dump(fresh),
        "acks": acks,
        "window": (backup_started, backup_ended),
        "stdout": result.stdout + restored.stdout,
        "fresh": fresh,
        "archive": archive,
    }


def test_restore_brings_back_every_table_and_the_uploads(round_trip):
    src, dst = round_trip["source"]["tables"], round_trip["restored"]["tables"]
    assert set(src) == set(dst)
    for table in src:
        if table == "monitoring_ingestbatch":
            assert set(dst[table]) <= set(src[table])  # batches after the snapshot are not in it
        else:
            assert dst[table] == src[table], table
    assert (
        round_trip["restored"]["media"]
        == round_trip["source"]["media"]
        == ["attachments/2026/报告.txt:附件内容"]
    )
    assert "备份完成" in round_trip["stdout"] and "恢复完成" in round_trip["stdout"]


def test_readings_and_batches_agree_with_what_was_acknowledged(round_trip):
    start, end = round_trip["window"]
    acks = round_trip["acks"]
    batch_rows = round_trip["restored"]["tables"]["monitoring_ingestbatch"]
    restored_batches = {json.loads(r)[0].replace("-", "") for r in batch_rows}
    before = [a for a in acks if a["acked"] < start]
    after = [a for a in acks if a["started"] > end]
    assert before and after, "readings must arrive before, during and after the backup"
    assert all(a["batch"].replace("-", "") in restored_batches for a in before)
    assert not any(a["batch"].replace("-", "") in restored_batches for a in after)
    # Every reading of the restored platform, exactly the source's readings of those batches.
    expected = [r for r in round_trip["source"]["readings"] if r[3] in restored_batches]
    assert round_trip["restored"]["readings"] == expected
    assert len(expected) >= 1500


def test_restore_refuses_a_data_directory_that_holds_data(round_trip):
    again = _cli(round_trip["fresh"], "restore", str(round_trip["archive"]))
    assert again.returncode == 2
    assert "全新" in again.stderr and "Traceback" not in again.stderr


def test_restore_refuses_a_damaged_archive(tmp_path):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not an archive")
    result = _cli(tmp_path / "data", "restore", str(bad))
    assert result.returncode == 2
    assert "不是有效的 carbonpeak 备份文件" in result.stderr and "Traceback" not in result.stderr
