"""Pluggable SMS backends for one-time login codes.

``settings.CARBONPEAK_SMS_BACKEND`` names the class (dotted path); the default
prints the message to the server console (development and intranet pilots). A
production deployment points it at a class that calls the operator's SMS gateway;
it needs one method, ``send(phone, message)``.
"""

from __future__ import annotations

import logging
import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "carbonpeak.credits.sms.ConsoleBackend"
log = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, phone: str, message: str) -> None: ...


class ConsoleBackend:
    """Writes the message to standard output (default)."""

    def send(self, phone: str, message: str) -> None:
        print(f"[短信] 发送至 {phone}：{message}", file=sys.stdout, flush=True)


class LocmemBackend:
    """Keeps messages in :attr:`outbox` (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, message: str) -> None:
        LocmemBackend.outbox.append((phone, message))


def get_backend() -> SmsBackend:
    return import_string(getattr(settings, "CARBONPEAK_SMS_BACKEND", DEFAULT_BACKEND))()
