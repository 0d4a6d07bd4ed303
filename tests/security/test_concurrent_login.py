"""20 concurrent failed logins on a file SQLite database (as in production without PostgreSQL).

The test database of the suite is in memory; the lock contention of the finding only
happens on a real file, so this test migrates a fresh data directory and runs the login
storm in a child process (20 threads, each a real POST to the login form).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import json, threading, django
    django.setup()
    from django.test import Client
    from carbonpeak.accounts import services
    from carbonpeak.accounts.models import User
    services.LOCKOUT_THRESHOLD = int(__import__("sys").argv[1])
    User.objects.filter(username="storm").delete()
    u = User(username="storm", role="office")
    u.set_password("Correct-Horse-2030!")
    u.save()
    statuses, errors, barrier = [], [], threading.Barrier(20)
    def attempt(i):
        barrier.wait()
        try:
            r = Client().post("/accounts/login/", {"username": "storm", "password": f"wrong-{i}"})
            statuses.append(r.status_code)
        except Exception as exc:  # the test client re-raises what would be a 500
            statuses.append(500)
            errors.append(repr(exc))
    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    u.refresh_from_db()
    print(json.dumps({"statuses": statuses, "count": u.failed_login_count,
                      "locked": u.locked_until is not None, "errors": errors[:3]}))
    """
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("login-storm")
    env = {
        **os.environ,
        "CARBONPEAK_DATA_DIR": str(path),
        "DJANGO_SETTINGS_MODULE": "carbonpeak.site.settings",
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "carbonpeak.cli", "migrate", "-v0"], env=env, check=True)
    return path, env


def _storm(data_dir, threshold: int) -> dict:
    _path, env = data_dir
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(threshold)], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_concurrent_failed_login_is_counted_and_none_is_a_500(data_dir):
    result = _storm(data_dir, threshold=1000)
    assert sorted(set(result["statuses"])) == [200], result["errors"]
    assert result["count"] == 20


def test_concurrent_failed_logins_lock_the_account(data_dir):
    result = _storm(data_dir, threshold=5)
    assert 500 not in result["statuses"], result["errors"]
    assert result["locked"] is True
