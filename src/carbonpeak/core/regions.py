"""Regions on the Django side: the installation's home region, loading codes, and
the region a signed-in user is currently looking at.

- ``CARBONPEAK_HOME_REGION`` (setting, a GB/T 2260 code, default ``430621`` 岳阳县)
  is the region of a single-county installation. Rows created without a region
  (an upgraded database, a command run without ``--region``) belong to it; every
  service that serves several regions passes the region explicitly.
- ``request.region`` (set by :class:`RegionMiddleware`) is the region whose pages
  the user is viewing: its own region by default; a city user may switch to any
  county below it (the switcher in the page header, ``/regions/switch/``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from carbonpeak.core.models import Region
from carbonpeak.engine import region_codes

SESSION_KEY = "viewing_region"


def home_region_code() -> str:
    return getattr(settings, "CARBONPEAK_HOME_REGION", "430621")


def ensure_region(code: str, *, name: str | None = None) -> Region:
    """The region with this code, created (with its parents) from the packaged table.

    Raises
    ------
    ValueError
        When the code is neither in the database nor in the packaged table and no
        ``name`` is given.
    """
    existing = Region.objects.filter(code=code).first()
    if existing is not None:
        return existing
    row = region_codes.find(code)
    if row is None and name is None:
        raise ValueError(f"未找到行政区划代码 {code}：请先用 carbonpeak regions import 导入本省区划代码。")
    level = row.level if row else region_codes.level_of(code)
    parent_code = row.parent_code if row else region_codes.parent_code_of(code)
    parent = None
    if parent_code:
        try:
            parent = ensure_region(parent_code)
        except ValueError:
            parent = Region.objects.filter(code=parent_code).first()
    with transaction.atomic():
        return Region.objects.create(
            code=code, name=row.name if row else str(name), level=level, parent=parent
        )


def home_region() -> Region:
    return ensure_region(home_region_code())


def home_region_id() -> int:
    """Default for ``region`` foreign keys: the installation's home region."""
    return home_region().pk


def import_regions(rows: Iterable[region_codes.RegionCode]) -> tuple[int, int]:
    """Create or rename regions from (code, name, level, parent) rows; parents first.

    Returns (created, updated).
    """
    created = updated = 0
    ordered = sorted(rows, key=lambda r: region_codes.LEVELS.index(r.level))
    with transaction.atomic():
        for row in ordered:
            parent = Region.objects.filter(code=row.parent_code).first() if row.parent_code else None
            obj = Region.objects.filter(code=row.code).first()
            if obj is None:
                Region.objects.create(code=row.code, name=row.name, level=row.level, parent=parent)
                created += 1
            elif (obj.name, obj.level, obj.parent_id) != (row.name, row.level, parent.pk if parent else None):
                obj.name, obj.level, obj.parent = row.name, row.level, parent
                obj.save()
                updated += 1
    return created, updated


def regions_visible_to(user: Any) -> list[Region]:
    """The user's region and every region below it, in tree order."""
    region = getattr(user, "region", None)
    if region is None or not getattr(user, "is_authenticated", False):
        return []
    return list(Region.objects.filter(path__startswith=region.path).order_by("path"))


def viewing_region(request: HttpRequest) -> Region | None:
    """The region whose pages the user is looking at (its own by default)."""
    user = getattr(request, "user", None)
    own = getattr(user, "region", None) if user is not None and user.is_authenticated else None
    if own is None:
        return None
    code = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if code and code != own.code:
        chosen = Region.objects.filter(code=code, path__startswith=own.path).first()
        if chosen is not None:
            return chosen
    return own


class RegionMiddleware:
    """Sets ``request.region`` (see :func:`viewing_region`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        setattr(request, "region", viewing_region(request))  # noqa: B010 (HttpRequest has no such field)
        return self.get_response(request)
