"""URL map: one include per app; each app's URLs live in its own ``urls.py``."""

from __future__ import annotations

import importlib

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from carbonpeak.core import views as core_views

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
    "indicators": "indicators/",
    "enterprises": "enterprises/",
    "monitoring": "monitoring/",
    "scenarios": "scenarios/",
}
for _app, _prefix in _APP_PREFIXES.items():
    try:
        importlib.import_module(f"carbonpeak.{_app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"carbonpeak.{_app}.urls":
            raise
        continue
    urlpatterns.append(path(_prefix, include(f"carbonpeak.{_app}.urls")))

# JSON API (django-ninja): routers are added by apps in carbonpeak.site.api.
from carbonpeak.site.api import api  # noqa: E402

urlpatterns.append(path("api/", api.urls))

admin.site.site_header = "县域碳达峰实施管理平台 · 后台"
admin.site.site_title = "碳达峰平台后台"
