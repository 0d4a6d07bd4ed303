"""Production serving: refusal without a key, key generation, error pages, headers,
SQLite WAL, offline API docs, Chinese API errors, and `check --deploy` clean."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import path

import carbonpeak

SRC = Path(carbonpeak.__file__).resolve().parent
CARBONPEAK = str(Path(sys.executable).with_name("carbonpeak"))

#: The production settings docs/deploy.md documents (HTTPS behind nginx).
PRODUCTION_ENV = {
    "CARBONPEAK_DEBUG": "0",
    "CARBONPEAK_SECRET_KEY": "Jq3v8-7b4fK2pXw9Lm0sT6yHc1RzN5dGa8eUo3iVbQ4tWn7kPx2Ms6jYh0Fr",
    "CARBONPEAK_ALLOWED_HOSTS": "tanfeng.example.gov.cn",
    "CARBONPEAK_SITE_URL": "https://tanfeng.example.gov.cn",
    "CARBONPEAK_HTTPS": "1",
}


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests in this process; a deployed
        # server never has it (check --deploy rightly reports it).
        if not k.startswith("CARBONPEAK_")
        and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env["CARBONPEAK_DATA_DIR"] = str(tmp_path)
    env.update(extra)
    return env


# ------------------------------------------------------------------ secret key


def test_serve_refuses_without_a_secret_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY_SOURCE = "unset"
    with pytest.raises(CommandError) as exc:
        call_command("serve", "--dry-run")
    assert exc.value.returncode == 2
    assert "未配置密钥，拒绝启动" in str(exc.value)
    assert "CARBONPEAK_SECRET_KEY" in str(exc.value)


def test_serve_refuses_the_public_development_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY_SOURCE = "env"
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    with pytest.raises(CommandError) as exc:
        call_command("serve", "--dry-run")
    assert "开发用密钥" in str(exc.value)


def test_wsgi_refuses_to_load_without_a_key(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", "import carbonpeak.site.wsgi"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "未配置密钥，拒绝启动" in proc.stderr


def test_ensure_secret_key_writes_a_private_random_key_once_and_settings_read_it(tmp_path):
    env = _env(tmp_path)
    first = subprocess.run([CARBONPEAK, "ensure_secret_key"], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    again = subprocess.run([CARBONPEAK, "ensure_secret_key"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "已存在" in again.stdout
    assert key_file.read_text().strip() == key
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SECRET_KEY_SOURCE, settings.SECRET_KEY == open(settings.SECRET_KEY_FILE).read().strip(), settings.DEBUG)",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "carbonpeak.site.settings"},
        capture_output=True,
        text=True,
    )
    assert probe.stdout.split() == ["file", "True", "False"]


# ------------------------------------------------------------------ check --deploy


@pytest.mark.slow
def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    proc = subprocess.run(
        [CARBONPEAK, "check", "--deploy", "--fail-level", "WARNING"],
        env=_env(tmp_path, **PRODUCTION_ENV),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNINGS" not in proc.stderr + proc.stdout


@pytest.mark.slow
def test_check_deploy_names_what_a_plain_http_intranet_gives_up(tmp_path):
    env = _env(
        tmp_path, **{**PRODUCTION_ENV, "CARBONPEAK_HTTPS": "0", "CARBONPEAK_SITE_URL": "http://10.0.0.5"}
    )
    proc = subprocess.run(
        [CARBONPEAK, "check", "--deploy"], env=env, capture_output=True, text=True, timeout=120
    )
    out = proc.stdout + proc.stderr
    # Exactly the HTTPS-only protections are reported (docs/deploy.md explains them).
    assert set(re.findall(r"security\.W\d+", out)) == {
        "security.W004",
        "security.W008",
        "security.W012",
        "security.W016",
    }


# ------------------------------------------------------------------ pages and headers


def _boom(request):
    raise RuntimeError("internal detail that must not leak")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.django_db
def test_404_is_chinese_and_lists_no_urls(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    for leak in ("Resolver404", "URLconf", "Page not found", "admin/", "api/", "Using the URLconf"):
        assert leak not in html


@pytest.mark.django_db
def test_404_from_a_missing_object_is_chinese(office_client, settings):
    settings.DEBUG = False
    response = office_client.get("/indicators/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "matches the given query" not in html


@pytest.mark.django_db
def test_500_is_chinese_and_shows_no_traceback(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统错误" in html
    assert "internal detail" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_csrf_failure_page_is_chinese(office_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html
    assert "CSRF verification failed" not in html


@pytest.mark.django_db
def test_every_page_carries_csp_and_security_headers(office_client):
    response = office_client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_templates_have_no_inline_event_handlers_or_unmarked_inline_scripts():
    """The CSP forbids inline handlers; an inline <script> must carry the request's nonce."""
    handler = re.compile(r"\son(click|submit|change|load|input|keyup|keydown)\s*=", re.I)
    inline_script = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*application/json)[^>]*>", re.I
    )
    offenders = []
    for template in SRC.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if handler.search(text) or inline_script.search(text):
            offenders.append(str(template.relative_to(SRC)))
    assert offenders == []


def test_https_switch_turns_on_secure_cookies_hsts_and_redirect(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER is not None)"
    )
    env = {**_env(tmp_path), "DJANGO_SETTINGS_MODULE": "carbonpeak.site.settings"}
    https = subprocess.run(
        [sys.executable, "-c", code], env={**env, **PRODUCTION_ENV}, capture_output=True, text=True
    )
    assert https.stdout.split() == ["True", "True", "True", "31536000", "True"], https.stderr
    plain = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert plain.stdout.split() == ["False", "False", "False", "0", "False"], plain.stderr


# ------------------------------------------------------------------ SQLite


def test_default_sqlite_database_uses_wal_and_a_busy_timeout(settings, tmp_path, django_db_blocker):
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        pytest.skip("PostgreSQL run: WAL concerns the default SQLite database only")
    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper(
        {**settings.DATABASES["default"], "NAME": str(tmp_path / "wal.sqlite3"), "OPTIONS": dict(options)}
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000
    finally:
        wrapper.close()


# ------------------------------------------------------------------ API


@pytest.mark.django_db
def test_api_docs_work_offline(office_client):
    response = office_client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(r.endswith("swagger-ui-bundle.js") for r in refs)
    assert all(r.startswith("/") and not r.startswith("//") for r in refs), refs
    assert "cdn" not in html.lower()
    assert '"validatorUrl": null' in html
    from django.contrib.staticfiles import finders

    for ref in refs:
        if ref.startswith("/static/"):
            assert finders.find(ref.removeprefix("/static/")), ref


@pytest.mark.django_db
def test_api_error_bodies_are_chinese(office_client):
    anonymous = Client().get("/api/indicators/")
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"].startswith("未登录")
    missing = office_client.get("/api/indicators/999999/observations")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "请求的数据不存在。"
    invalid = Client().post(
        "/api/monitoring/readings", data="[]", content_type="application/json", HTTP_AUTHORIZATION="Bearer x"
    )
    assert invalid.status_code in (400, 401, 422)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in invalid.json()["detail"])


def test_validation_errors_are_translated():
    from carbonpeak.core.api_errors import chinese_validation_errors

    errors = chinese_validation_errors(
        [
            {"loc": ("body", "value"), "type": "float_parsing", "msg": "Input should be a valid number"},
            {"loc": ("query", "year"), "type": "missing", "msg": "Field required"},
            {"loc": ("body",), "type": "value_error", "msg": "Value error, 年份必须在 2000–2100 之间"},
            {"loc": ("body",), "type": "something_new", "msg": "English text"},
        ]
    )
    assert [e["msg"] for e in errors] == [
        "应为数字",
        "缺少必填项",
        "年份必须在 2000–2100 之间",
        "取值不符合要求（something_new）",
    ]
    assert errors[0]["loc"] == "body.value"


# ------------------------------------------------------------------ gunicorn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_make_run_serving_gunicorn_with_static_files_and_chinese_404(tmp_path):
    env = _env(tmp_path)
    for argv in (["ensure_secret_key"], ["collectstatic", "--noinput", "--verbosity", "0"]):
        subprocess.run([CARBONPEAK, *argv], env=env, check=True, capture_output=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [CARBONPEAK, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    pytest.fail(
                        "gunicorn 未能启动：" + (server.stderr.read().decode() if server.stderr else "")
                    )
                time.sleep(0.3)
        css = urllib.request.urlopen(base + "/static/css/site.css", timeout=10)
        assert css.status == 200 and b"--green" in css.read()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/static/no-such-file.css", timeout=10)
        assert missing.value.code == 404
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
