"""Keyed hashes and derived secrets (no phone number or partner secret stored at rest).

The platform key is ``settings.CARBONPEAK_CREDITS_KEY`` (set it in production, keep it
out of the database); it defaults to a key derived from ``SECRET_KEY``. Changing it
makes every stored phone hash and every partner secret invalid.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def platform_key() -> bytes:
    key = getattr(settings, "CARBONPEAK_CREDITS_KEY", "") or ""
    if key:
        return key.encode()
    return hashlib.sha256(("carbonpeak-credits:" + settings.SECRET_KEY).encode()).digest()


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 hex of ``value`` under the platform key, separated by ``purpose``."""
    return hmac.new(platform_key(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
