"""Store and database agree after a failed or killed ingest (issue 17, finding 7).

A batch is visible in the store only together with its IngestBatch record; a batch
whose process died is reconciled on the next start (its files, temporary files and
staging removed, its rollup days recomputed).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from carbonpeak.monitoring import services
from carbonpeak.monitoring.models import IngestBatch

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 1, 5, tzinfo=SH)


def _rows(n, start=0, scale=1.0):
    return [
        {"meter": "E01-01", "ts": (T0 + dt.timedelta(minutes=15 * i)).isoformat(), "value": i * scale}
        for i in range(start, start + n)
    ]


def _values(meter):
    t = services.get_store().readings([meter.pk], [meter.enterprise_id], 0, 2**62)
    return t.column("value").to_pylist()


def test_failed_transaction_leaves_no_readings(enterprise, meter, monkeypatch):
    """The database refuses the batch after its files were written: the files go too."""
    services.ingest_rows(enterprise=enterprise, rows=_rows(10), source=IngestBatch.Source.API)

    def boom(**kwargs):
        raise RuntimeError("数据库写入失败（测试）")

    monkeypatch.setattr(services, "_record_corrections", boom)
    with pytest.raises(RuntimeError):  # a correction of every reading, then the failure
        services.ingest_rows(enterprise=enterprise, rows=_rows(12, scale=2.0), source=IngestBatch.Source.API)
    assert IngestBatch.objects.count() == 1
    assert _values(meter) == [i * 1.0 for i in range(10)]
    rollup = services.get_rollups().daily_table().to_pylist()
    assert sum(r["use"] for r in rollup) == pytest.approx(9.0)
    assert not list((services.get_store().root / ".pending").glob("*"))


def test_dead_writer_is_reconciled_on_next_start(enterprise, meter):
    """Files of a batch whose process died before its record committed are removed on start-up."""
    services.ingest_rows(enterprise=enterprise, rows=_rows(10), source=IngestBatch.Source.API)
    store = services.get_store()
    batch = "0e9d4f52-1c1e-4c56-9a55-3b8c9b7e0001"
    pending = store.begin_batch(batch, [enterprise.pk], {meter.pk: (0, 2**50)})
    ts = np.array([int((T0 + dt.timedelta(minutes=15 * i)).timestamp() * 1e6) for i in range(10, 20)])
    store.write(
        meter_id=np.full(10, meter.pk),
        enterprise_id=np.full(10, enterprise.pk),
        ts_us=ts,
        value=np.arange(10, 20, dtype=float),
        batch_id=batch,
        source="api",
    )
    part_dir = store.partition_dir(enterprise.pk, "2026-01")
    (part_dir / f"part-{batch}-0001-abc.parquet.tmp").write_bytes(b"half a file")
    staging = store.root / ".staging" / f"{batch}-abc" / "enterprise_id=1"
    staging.mkdir(parents=True)
    (staging / "data_0.parquet").write_bytes(b"staged")
    pending.release()  # the process dies: the kernel drops its lock, the journal stays
    assert len(_values(meter)) == 20  # visible without a batch record: what reconciliation repairs

    services._RECONCILED.clear()  # a new process
    store = services.get_store()
    assert _values(meter) == [float(i) for i in range(10)]
    assert not list(part_dir.glob("*.tmp"))
    assert not (store.root / ".staging" / f"{batch}-abc").exists()
    assert not list((store.root / ".pending").glob("*"))
    assert sum(r["use"] for r in services.get_rollups().daily_table().to_pylist()) == pytest.approx(9.0)


def test_live_writer_is_left_alone(enterprise, meter):
    store = services.get_store()
    pending = store.begin_batch("0e9d4f52-1c1e-4c56-9a55-3b8c9b7e0002", [enterprise.pk], {})
    try:
        assert store.orphaned_batches() == []
    finally:
        pending.done()


KILLER = r"""
import os, signal, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "carbonpeak.site.settings"
import django
django.setup()
from django.core.management import call_command
from carbonpeak.monitoring import services
from carbonpeak.monitoring.store import MeterStore
mode = sys.argv[1]
if mode == "setup":
    call_command("migrate", verbosity=0, skip_checks=True)
    from carbonpeak.enterprises.models import Enterprise
    from carbonpeak.monitoring.models import Meter
    e = Enterprise.objects.create(name="断电测试企业", uscc="91350100M000100Y43")
    m = Meter.objects.create(enterprise=e, code="K-01", name="总表", carrier="电力", unit="kWh")
    print(m.pk)
elif mode == "kill":
    real = MeterStore.write_relation
    def write_then_die(self, **kw):
        out = real(self, **kw)
        os.kill(os.getpid(), signal.SIGKILL)  # after the files are published, before the commit
        return out
    MeterStore.write_relation = write_then_die
    call_command("monitoring", "ingest", sys.argv[2])
else:
    from carbonpeak.monitoring.models import IngestBatch, Meter
    m = Meter.objects.get()
    store = services.get_store()
    t = store.readings([m.pk], [m.enterprise_id], 0, 2**62)
    leftovers = [str(p) for p in store.root.rglob("*") if p.name.endswith(".tmp") or ".staging/" in str(p)]
    print(IngestBatch.objects.count(), t.num_rows, len(leftovers))
"""


@pytest.mark.slow
def test_sigkill_during_cli_ingest_leaves_store_and_database_in_agreement(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"CARBONPEAK_DATA_DIR": str(tmp_path), "CARBONPEAK_METER_STORE": str(tmp_path / "store")})
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")

    def run(*args):
        return subprocess.run(
            [sys.executable, str(script), *args], env=env, capture_output=True, text=True, timeout=180
        )

    setup = run("setup")
    assert setup.returncode == 0, setup.stderr
    meter_id = setup.stdout.split()[-1]
    csv = Path(tmp_path / "r.csv")
    csv.write_text(
        "meter_id,ts,value\n"
        + "".join(
            f"{meter_id},2026-01-05T{h:02d}:{m:02d}:00+08:00,{h * 4 + m // 15}\n"
            for h in range(24)
            for m in (0, 15, 30, 45)
        ),
        encoding="utf-8",
    )
    killed = run("kill", str(csv))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    check = run("check")
    assert check.returncode == 0, check.stderr
    batches, readings, leftovers = map(int, check.stdout.split()[-3:])
    # the CLI reported failure (killed): no batch record, and no readings from it either
    assert (batches, readings, leftovers) == (0, 0, 0)
