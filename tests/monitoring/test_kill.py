"""An acknowledged reading survives SIGKILL of the server right after the response."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
SETUP = """
import django, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "carbonpeak.site.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, skip_checks=True)
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.monitoring.models import Meter
from carbonpeak.monitoring import services
e = Enterprise.objects.create(name="断电测试企业", uscc="91350100M000100Y43")
m = Meter.objects.create(enterprise=e, code="K-01", name="总表", carrier="电力", unit="kWh")
_t, secret = services.create_token(enterprise=e, name="t", user=None)
print(secret, m.pk, e.pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_acknowledged_readings_survive_sigkill(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "CARBONPEAK_DATA_DIR": str(tmp_path),
            "CARBONPEAK_METER_STORE": str(tmp_path / "store"),
            "PYTHONUNBUFFERED": "1",
            # DEBUG is off by default: the server refuses to start without a key of its own.
            "CARBONPEAK_SECRET_KEY": "kill-test-" + "k" * 50,
        }
    )
    out = subprocess.run(
        [sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    secret, meter_id, enterprise_id = out.stdout.split()[-3:]
    port = _free_port()
    carbonpeak = str(Path(sys.executable).with_name("carbonpeak"))
    server = subprocess.Popen(
        [carbonpeak, "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=20)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    pytest.fail("服务未能启动")
                time.sleep(0.2)
        acked = []
        for batch in range(3):
            readings = [
                {"meter": "K-01", "ts": f"2026-01-01T{batch:02d}:{m:02d}:00+08:00", "value": batch * 100 + m}
                for m in range(0, 60, 15)
            ]
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/monitoring/readings",
                data=json.dumps({"readings": readings}).encode(),
                headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(req, timeout=30) as resp:
                body = json.loads(resp.read())
            if batch == 2:
                os.killpg(server.pid, signal.SIGKILL)  # immediately after the last ack
            assert resp.status == 200 and body["accepted"] == 4
            acked += [(r["ts"], r["value"]) for r in readings]
        server.wait(timeout=10)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    files = sorted(
        (tmp_path / "store" / "readings" / f"enterprise_id={enterprise_id}").glob("month=*/*.parquet")
    )
    rows = [r for f in files for r in pq.read_table(f).to_pylist()]
    stored = {(r["meter_id"], r["ts"].timestamp(), r["value"]) for r in rows}
    import datetime as dt

    for ts, value in acked:
        assert (int(meter_id), dt.datetime.fromisoformat(ts).timestamp(), float(value)) in stored
