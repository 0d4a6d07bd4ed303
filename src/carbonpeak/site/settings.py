"""Django settings for carbonpeak.

Everything that differs between a laptop, CI and a county server comes from the
environment (docs/deploy.md lists every switch with its default):

- ``DATABASE_URL``: e.g. ``postgres://user:pw@host:5432/carbonpeak``; default SQLite
  in ``$CARBONPEAK_DATA_DIR/carbonpeak.sqlite3`` (WAL mode, busy timeout).
- ``CARBONPEAK_DATA_DIR``: where the SQLite file, uploads, the meter-reading store and
  the generated secret key live (default ``./var``).
- ``CARBONPEAK_DEBUG`` (default off), ``CARBONPEAK_SECRET_KEY``, ``CARBONPEAK_ALLOWED_HOSTS``.
- ``CARBONPEAK_HTTPS``: the site is reached over HTTPS (secure cookies, HSTS, redirect).
- ``CARBONPEAK_SITE_URL``, ``CARBONPEAK_EMAIL_FROM`` and ``CARBONPEAK_EMAIL_*``: mail.
- ``CARBONPEAK_DB_CONN_MAX_AGE``: seconds a worker keeps its database connection
  (default 0, a new connection per request; production behind gunicorn: e.g. 600).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url


def _flag(name: str, default: bool) -> bool:
    """An on/off switch from the environment: 1/true/yes/on or 0/false/no/off."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CARBONPEAK_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = _flag("CARBONPEAK_DEBUG", False)

#: The file ``carbonpeak ensure_secret_key`` (run by ``make run``) writes a random key to.
SECRET_KEY_FILE = DATA_DIR / "secret_key"
#: The development key: public (it is in this file), used only with DEBUG on and no key configured.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"


def _secret_key() -> tuple[str, str]:
    """The key and where it came from: ``env``, ``file``, ``development`` or ``unset``.

    ``unset`` (DEBUG off, nothing configured) gets a throw-away random key so that
    commands and tests still run; serving refuses to start with it
    (:mod:`carbonpeak.site.startup`).
    """
    key = os.environ.get("CARBONPEAK_SECRET_KEY", "").strip()
    if key:
        return key, "env"
    try:
        key = SECRET_KEY_FILE.read_text(encoding="utf-8").strip()
    except OSError:
        key = ""
    if key:
        return key, "file"
    if DEBUG:
        return DEVELOPMENT_SECRET_KEY, "development"
    return secrets.token_urlsafe(50), "unset"


SECRET_KEY, SECRET_KEY_SOURCE = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CARBONPEAK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

#: Address of the site as users reach it; e-mails link to pages under it.
SITE_URL = os.environ.get("CARBONPEAK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
#: The site is reached over HTTPS (directly or through the reverse proxy).
HTTPS = _flag("CARBONPEAK_HTTPS", urlsplit(SITE_URL).scheme == "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Only for the Swagger UI assets it ships: /api/docs then loads them from this
    # site instead of a CDN (county intranets are offline).
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    # carbonpeak apps in their dependency order (docs/architecture.md, 应用依赖顺序)
    "carbonpeak.core",
    "carbonpeak.accounts",
    "carbonpeak.plans",
    "carbonpeak.enterprises",
    "carbonpeak.monitoring",
    "carbonpeak.accounting",
    "carbonpeak.sinks",
    "carbonpeak.evaluation",
    "carbonpeak.projects",
    "carbonpeak.credits",
    "carbonpeak.indicators",
    "carbonpeak.scenarios",
    "carbonpeak.supervision",
    "carbonpeak.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "carbonpeak.core.middleware.ContentSecurityPolicyMiddleware",
    "carbonpeak.core.api_errors.ApiJsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "carbonpeak.core.regions.RegionMiddleware",
    "carbonpeak.accounts.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "carbonpeak.accounts.middleware.SessionIdleTimeoutMiddleware",
    "carbonpeak.accounts.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "carbonpeak.site.urls"
WSGI_APPLICATION = "carbonpeak.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "carbonpeak.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'carbonpeak.sqlite3'}",
        # Seconds a worker keeps its database connection (0: a new one per request).
        conn_max_age=int(os.environ.get("CARBONPEAK_DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Write-ahead log: readers do not block the writer (several gunicorn workers);
    # a writer waits up to 20 s for the lock instead of failing with "database is locked".
    # Production uses PostgreSQL (docs/deploy.md).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
        }
    )

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "carbonpeak.accounts.backends.LockoutModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "carbonpeak.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
# MLPS level 3 (docs/security.md): passwords expire, idle sessions end.
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("CARBONPEAK_PASSWORD_MAX_AGE_DAYS", "90"))
SESSION_IDLE_TIMEOUT_MINUTES = int(os.environ.get("CARBONPEAK_SESSION_IDLE_MINUTES", "30"))
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "site" / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Static files are served by the application itself (WhiteNoise) from STATIC_ROOT, filled by
# `carbonpeak collectstatic` (make run does it); with DEBUG on straight from the apps.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: attachments, plan documents, spreadsheets.
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("CARBONPEAK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("CARBONPEAK_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("CARBONPEAK_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("CARBONPEAK_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CARBONPEAK_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("CARBONPEAK_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _flag("CARBONPEAK_EMAIL_USE_SSL", False)
#: Sender of every e-mail; CARBONPEAK_FROM_EMAIL is the older name of the same switch.
DEFAULT_FROM_EMAIL = os.environ.get(
    "CARBONPEAK_EMAIL_FROM",
    os.environ.get(
        "CARBONPEAK_FROM_EMAIL", f"县域碳达峰实施管理平台 <noreply@{urlsplit(SITE_URL).hostname}>"
    ),
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Regions: the GB/T 2260 code of this installation's own region (a county, or the
# city that runs the platform for its counties). Rows created without a region
# belong to it; see carbonpeak.core.regions.
CARBONPEAK_HOME_REGION = os.environ.get("CARBONPEAK_HOME_REGION", "430621")
# Absolute links in e-mails (e.g. https://tanfeng.example.gov.cn): the site address above.
CARBONPEAK_SITE_URL = SITE_URL

# Carbon-inclusive credits: key for phone hashes and partner secrets (derived from
# SECRET_KEY when empty) and the SMS backend for one-time login codes.
CARBONPEAK_CREDITS_KEY = os.environ.get("CARBONPEAK_CREDITS_KEY", "")
CARBONPEAK_SMS_BACKEND = os.environ.get("CARBONPEAK_SMS_BACKEND", "carbonpeak.credits.sms.ConsoleBackend")
EMAIL_TIMEOUT = 10

# Meter-reading store (DuckDB over Parquet), see carbonpeak.monitoring.
METER_STORE_DIR = Path(os.environ.get("CARBONPEAK_METER_STORE", DATA_DIR / "meter-store"))

# ------------------------------------------------------------------ security headers
# Plain-HTTP intranet (CARBONPEAK_HTTPS off): no secure-only cookies, no HSTS, no redirect.
# HTTPS (CARBONPEAK_HTTPS=1, or a https:// CARBONPEAK_SITE_URL): all of them; the reverse proxy
# must pass X-Forwarded-Proto (docs/deploy.md).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SECURE = HTTPS
CSRF_TRUSTED_ORIGINS = [SITE_URL] if urlsplit(SITE_URL).scheme in ("http", "https") else []
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = _flag("CARBONPEAK_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("CARBONPEAK_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("CARBONPEAK_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = _flag("CARBONPEAK_HSTS_PRELOAD", False)
# Entering the browsers' HSTS preload list is a decision for whoever owns the whole domain
# (usually the government's network office), not for one application on it: security.W021
# is silenced; CARBONPEAK_HSTS_PRELOAD=1 sends the preload flag where that decision is made.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
#: Content-Security-Policy sent with every response (carbonpeak.core.middleware): scripts
#: and styles only from this site (every asset is vendored), no frames, no plugins.
#: Inline style attributes stay allowed (ECharts and Swagger UI set them).
CONTENT_SECURITY_POLICY = os.environ.get(
    "CARBONPEAK_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CARBONPEAK_LOG_LEVEL", "WARNING")},
}
