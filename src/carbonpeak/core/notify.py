"""Notifications and e-mail, delivered after commit through the outbox.

:func:`notify` is called inside the transaction of a state change (submitting a
report, issuing a notice, allocating a target). It writes the in-app
notifications and one :class:`~carbonpeak.core.models.OutboxMessage` per e-mail in
that transaction, and asks for delivery once the transaction has committed.
Delivery (:func:`deliver_pending`) never raises: a mail outage leaves the message
pending with its error, and ``carbonpeak outbox`` (cron, every few minutes) retries
it with growing delays. So a side effect can neither block nor roll back the
user's action, and nothing acknowledged is lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from carbonpeak.core.models import Notification, OutboxMessage
from carbonpeak.core.roles import Role

log = logging.getLogger(__name__)

#: Retry delays after the 1st, 2nd, ... failed attempt; after the last one the
#: message is marked failed (and shown to the office in the admin).
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
    dt.timedelta(hours=24),
)


def absolute_url(url: str) -> str:
    """``url`` made absolute with the configured site address (CARBONPEAK_SITE_URL)."""
    base = getattr(settings, "CARBONPEAK_SITE_URL", "").rstrip("/")
    if url and url.startswith("/") and base:
        return base + url
    return url


def notify(
    *, users: Iterable[Any], kind: str, title: str, body: str = "", url: str = "", email: bool = True
) -> int:
    """Create in-app notifications and queue e-mail for active users with an address.

    Returns the number of users notified. Side effects: Notification rows and
    OutboxMessage rows in the caller's transaction; after commit, one delivery
    attempt of the queued e-mail (:func:`deliver_pending`, which never raises).
    """
    count = 0
    queued = False
    for user in users:
        if not getattr(user, "is_active", False):
            continue
        Notification.objects.create(recipient=user, kind=kind, title=title[:200], body=body, url=url)
        count += 1
        address = str(getattr(user, "email", "") or "")
        if email and address:
            queue_mail(
                to=[address],
                subject=f"【碳达峰平台】{title}",
                body=f"{body}\n\n{absolute_url(url)}".strip(),
            )
            queued = True
    if queued:
        transaction.on_commit(deliver_pending)
    return count


def office_users(region: Any) -> QuerySet:
    """Active office accounts of exactly this region."""
    return get_user_model().objects.filter(role=Role.OFFICE, region=region, is_active=True)


def department_users(department_id: int) -> QuerySet:
    """Active reporters of one department."""
    return get_user_model().objects.filter(role=Role.DEPARTMENT, department_id=department_id, is_active=True)


def mark_read(*, user: Any, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def queue_mail(*, to: list[str], subject: str, body: str) -> OutboxMessage:
    """Queue one e-mail in the current transaction (sent after commit)."""
    return OutboxMessage.objects.create(to=to, subject=subject[:300], body=body)


def deliver_pending(limit: int = 200, now: dt.datetime | None = None) -> tuple[int, int]:
    """Try to send due outbox messages; return (sent, failed attempts). Never raises."""
    now = now or timezone.now()
    sent = failed = 0
    try:
        due = list(
            OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING)
            .exclude(next_attempt_at__gt=now)
            .order_by("created_at", "id")[:limit]
        )
        if not due:
            return 0, 0
        connection = get_connection(fail_silently=False, timeout=getattr(settings, "EMAIL_TIMEOUT", 10) or 10)
    except Exception:  # database or backend unusable: the cron run retries later
        log.exception("发件箱无法读取")
        return 0, 0
    for message in due:
        # Claim the message so that two workers never send it twice.
        claimed = OutboxMessage.objects.filter(pk=message.pk, state=OutboxMessage.State.PENDING).update(
            attempts=message.attempts + 1, next_attempt_at=now + dt.timedelta(minutes=10)
        )
        if not claimed:
            continue
        attempts = message.attempts + 1
        try:
            send_mail(
                message.subject,
                message.body,
                None,
                list(message.to),
                fail_silently=False,
                connection=connection,
            )
        except Exception as exc:  # mail server down, refused, timed out
            failed += 1
            give_up = attempts > len(RETRY_DELAYS)
            OutboxMessage.objects.filter(pk=message.pk).update(
                state=OutboxMessage.State.FAILED if give_up else OutboxMessage.State.PENDING,
                next_attempt_at=None if give_up else now + RETRY_DELAYS[attempts - 1],
                last_error=f"{type(exc).__name__}: {exc}"[:500],
            )
            continue
        sent += 1
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=OutboxMessage.State.SENT, sent_at=timezone.now(), last_error=""
        )
    return sent, failed


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
