"""Django settings for carbonpeak.

Everything that differs between a laptop, CI and a county server comes from the
environment:

- ``DATABASE_URL``: e.g. ``postgres://user:pw@host:5432/carbonpeak``; default SQLite
  in ``$CARBONPEAK_DATA_DIR/carbonpeak.sqlite3``.
- ``CARBONPEAK_DATA_DIR``: where the SQLite file, uploads and the meter-reading store
  live (default ``./var``).
- ``CARBONPEAK_SECRET_KEY``, ``CARBONPEAK_DEBUG``, ``CARBONPEAK_ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CARBONPEAK_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("CARBONPEAK_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = os.environ.get("CARBONPEAK_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("CARBONPEAK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "carbonpeak.core",
    "carbonpeak.accounts",
    "carbonpeak.plans",
    "carbonpeak.supervision",
    "carbonpeak.accounting",
    "carbonpeak.indicators",
    "carbonpeak.enterprises",
    "carbonpeak.monitoring",
    "carbonpeak.scenarios",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "carbonpeak.core.regions.RegionMiddleware",
    "carbonpeak.accounts.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20})

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
]
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
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: attachments, plan documents, spreadsheets.
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("CARBONPEAK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("CARBONPEAK_FROM_EMAIL", "carbonpeak@localhost")

# Regions: the GB/T 2260 code of this installation's own region (a county, or the
# city that runs the platform for its counties). Rows created without a region
# belong to it; see carbonpeak.core.regions.
CARBONPEAK_HOME_REGION = os.environ.get("CARBONPEAK_HOME_REGION", "430621")
# Absolute links in e-mails (e.g. https://tanfeng.example.gov.cn).
CARBONPEAK_SITE_URL = os.environ.get("CARBONPEAK_SITE_URL", "")
EMAIL_TIMEOUT = 10

# Meter-reading store (DuckDB over Parquet), see carbonpeak.monitoring.
METER_STORE_DIR = Path(os.environ.get("CARBONPEAK_METER_STORE", DATA_DIR / "meter-store"))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CARBONPEAK_LOG_LEVEL", "WARNING")},
}
