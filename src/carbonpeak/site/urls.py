"""URL map: one include per app; each app's URLs live in its own ``urls.py``."""

from __future__ import annotations

import importlib

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from carbonpeak.core import views as core_views
from carbonpeak.core.admin import scope_registered_admins

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("regions/switch/", core_views.switch_region, name="switch_region"),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
]

# Apps mount under their own prefix when they ship a urls module.
_APP_PREFIXES = {
    "accounts": "accounts/",
    "plans": "plans/",
    "supervision": "supervision/",
    "accounting": "accounting/",
    "sinks": "sinks/",
    "indicators": "indicators/",
    "monitoring": "monitoring/",
    "scenarios": "scenarios/",
    "evaluation": "evaluation/",
    "projects": "projects/",
    "dashboard": "dashboard/",
    "credits": "credits/",
}
for _app, _prefix in _APP_PREFIXES.items():
    try:
        importlib.import_module(f"carbonpeak.{_app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"carbonpeak.{_app}.urls":
            raise
        continue
    urlpatterns.append(path(_prefix, include(f"carbonpeak.{_app}.urls")))

# The enterprise register's pages show metered consumption, so monitoring serves them
# under the enterprises prefix (the enterprises app itself imports no app above it).
urlpatterns.append(path("enterprises/", include("carbonpeak.monitoring.enterprise_urls")))

# Public pages for anonymous visitors (published disclosures, grades and rankings only).
urlpatterns.append(path("public/", include("carbonpeak.evaluation.public_urls")))

# JSON API (django-ninja): routers are added by apps in carbonpeak.site.api.
from carbonpeak.site.api import api  # noqa: E402

urlpatterns.append(path("api/", api.urls))

# Every admin list of a region-scoped model shows only the rows the user may see.
scope_registered_admins(admin.site)

admin.site.site_header = "县域碳达峰实施管理平台 · 后台"
admin.site.site_title = "碳达峰平台后台"
