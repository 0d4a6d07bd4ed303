"""Absolute links for messages read outside the site (e-mail)."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """``/supervision/tasks/3/`` -> ``https://tanfeng.example.gov.cn/supervision/tasks/3/``.

    Uses ``settings.SITE_URL`` (``CARBONPEAK_SITE_URL``); a path that is already absolute
    (``http://…``) or empty is returned unchanged.
    """
    if not path or path.startswith(("http://", "https://")):
        return path
    base = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    return f"{base}/{path.lstrip('/')}"
