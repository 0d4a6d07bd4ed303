"""Template context shared by every page."""

from __future__ import annotations

from typing import Any, TypedDict

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from carbonpeak.accounts.roles import role_of
from carbonpeak.core import navigation as nav


class NavEntry(TypedDict):
    label: str
    url: str
    active: bool


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the current user may see, and the user's role."""
    role = role_of(getattr(request, "user", None))
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
    return {"nav_items": entries, "user_role": role}
