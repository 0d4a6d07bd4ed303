"""The JSON API (django-ninja, OpenAPI at /api/docs).

Each app that has an API defines ``router`` in its ``api.py``; it is mounted here
under the app's name (``/api/monitoring/…``).
"""

from __future__ import annotations

import importlib

from ninja import NinjaAPI, Swagger

from carbonpeak.core import api_errors

api = NinjaAPI(
    title="carbonpeak API",
    version="1",
    description="县域碳达峰实施管理平台接口",
    urls_namespace="api",
    # Swagger UI from the assets django-ninja ships (served by this site: "ninja" is in
    # INSTALLED_APPS); no online validator badge, which would call an outside host.
    docs=Swagger(settings={"validatorUrl": None}),
)
api_errors.install(api)

for _app in (
    "plans",
    "supervision",
    "accounting",
    "sinks",
    "indicators",
    "enterprises",
    "monitoring",
    "scenarios",
    "projects",
    "credits",
):
    try:
        _module = importlib.import_module(f"carbonpeak.{_app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"carbonpeak.{_app}.api":
            raise
        continue
    api.add_router(f"/{_app}/", _module.router)
