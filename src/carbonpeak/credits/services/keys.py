"""Keyed hashes and derived secrets (no phone number or partner secret stored at rest).

The platform key is ``settings.CARBONPEAK_CREDITS_KEY`` (set it in production, keep it
out of the database); it defaults to a key derived from ``SECRET_KEY``. Changing it
makes every stored phone hash and every partner secret invalid.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from django.conf import settings


def platform_key() -> bytes:
    key = getattr(settings, "CARBONPEAK_CREDITS_KEY", "") or ""
    if key:
        return key.encode()
    return hashlib.sha256(("carbonpeak-credits:" + settings.SECRET_KEY).encode()).digest()


@functools.lru_cache(maxsize=4)
def _hmac_for(key: bytes) -> Any:
    return hmac.new(key, digestmod=hashlib.sha256)


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 hex of ``value`` under the platform key, separated by ``purpose``."""
    h = _hmac_for(platform_key()).copy()  # the keyed inner/outer state is computed once
    h.update(f"{purpose}:{value}".encode())
    return h.hexdigest()


def hasher(purpose: str) -> Callable[[str], str]:
    """``keyed_hash(purpose, ·)`` with the platform key read once (for a batch of values)."""
    base = _hmac_for(platform_key())
    prefix = f"{purpose}:"

    def _hash(value: str) -> str:
        h = base.copy()
        h.update((prefix + value).encode())
        return h.hexdigest()

    return _hash
