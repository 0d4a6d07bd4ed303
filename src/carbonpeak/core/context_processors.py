"""Template context shared by every page."""

from __future__ import annotations

from typing import Any, TypedDict

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from carbonpeak.core import navigation as nav
from carbonpeak.core.permissions import can
from carbonpeak.core.regions import regions_visible_to
from carbonpeak.core.roles import role_of


class NavEntry(TypedDict):
    label: str
    url: str
    active: bool


class _AppPerms:
    def __init__(self, user: Any, app: str, region: Any) -> None:
        self.user, self.app, self.region = user, app, region

    def __getitem__(self, action: str) -> bool:
        return can(self.user, f"{self.app}.{action}", self.region)

    def __bool__(self) -> bool:  # pragma: no cover - templates never test an app alone
        return False


class Perms:
    """``{{ perms.app.action }}`` in templates, checked through :func:`carbonpeak.core.permissions.can`.

    Replaces Django's PermWrapper, which asks ``user.has_perm`` (and so lets a
    superuser through every rule). Checked against the region being viewed.
    """

    def __init__(self, user: Any, region: Any = None) -> None:
        self.user, self.region = user, region

    def __getitem__(self, app: str) -> _AppPerms:
        return _AppPerms(self.user, app, self.region)

    def __contains__(self, perm: str) -> bool:
        return can(self.user, perm, self.region)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the current user may see, the user's role, the region being viewed."""
    user = getattr(request, "user", None)
    role = role_of(user)
    entries: list[NavEntry] = []
    if role is not None:
        for item in nav.items():
            if item.roles is not None and role not in item.roles:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            entries.append({"label": item.label, "url": url, "active": False})
        # Highlight only the entry whose URL is the longest prefix of the current path.
        matches = [e for e in entries if request.path.startswith(e["url"]) and e["url"] != "/"]
        if matches:
            max(matches, key=lambda e: len(e["url"]))["active"] = True
    regions = regions_visible_to(user) if role is not None else []
    return {
        "nav_items": entries,
        "user_role": role,
        "perms": Perms(user, getattr(request, "region", None)),
        "viewing_region": getattr(request, "region", None),
        "switchable_regions": regions if len(regions) > 1 else [],
    }
