"""Writing the audit log.

Call :func:`record` inside the same ``transaction.atomic()`` block as the change it
describes, so that a rolled-back change leaves no audit entry and a committed one
always has one. :func:`snapshot` turns a model instance into the JSON stored as
``before`` / ``after``.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from carbonpeak.core.models import AuditChainHead, AuditEntry
from carbonpeak.engine import hashchain


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def snapshot(instance: models.Model, exclude: tuple[str, ...] = ("password",)) -> dict[str, Any]:
    """The concrete field values of ``instance`` as JSON-safe data (FKs as ids)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _jsonable(getattr(instance, field.attname))
    return data


def _region_for(instance: Any, user: Any) -> Any:
    """The region an entry belongs to: the object's, else the acting user's."""
    from carbonpeak.core.roles import region_of

    region = None
    if instance is not None:
        try:
            region = region_of(instance)
        except Exception:  # an object without a region path
            region = None
    if region is None or not hasattr(region, "pk"):
        region = getattr(user, "region", None) if getattr(user, "is_authenticated", False) else None
    return region


def record(
    *,
    user: Any,
    action: str,
    instance: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Append one audit entry.

    ``action`` is ``"create"``, ``"update"`` or ``"delete"``. With ``instance`` given,
    the type, id and text of the object are taken from it.
    """
    if instance is not None:
        object_type = object_type or instance._meta.label
        object_id = object_id if object_id is not None else instance.pk
        object_repr = object_repr if object_repr is not None else str(instance)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    entry = AuditEntry(
        at=timezone.now(),
        user=user if authenticated else None,
        username=getattr(user, "username", "") if authenticated else "系统",
        action=action,
        object_type=object_type or "",
        object_id=str(object_id if object_id is not None else ""),
        object_repr=(object_repr or "")[:300],
        before=_minimise(_jsonable(before)) if before is not None else None,
        after=_minimise(_jsonable(after)) if after is not None else None,
        note=note[:500],
        region=_region_for(instance, user),
    )
    with transaction.atomic():
        # Write first (the head's counter), then read: the append holds the write lock
        # before it reads the previous hash, so two appends never link to the same one.
        AuditChainHead.objects.filter(pk=1).update(entries=F("entries") + 1)
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"entries": 1})
        entry.prev_hash = head.hash or hashchain.GENESIS
        entry.hash = hashchain.entry_hash(entry.prev_hash, entry.chain_payload())
        entry.save()
        head.hash = entry.hash
        head.save(update_fields=["hash"])
    return entry


#: Fields holding personal data (phone numbers) that the append-only audit log keeps
#: only masked: the log can never be deleted, so it must not become a copy of them.
PERSONAL_FIELDS = ("phone", "contact_phone", "mobile")


def mask_phone(value: Any) -> Any:
    """``13812345678`` → ``138****5678``; short or empty values become ``****``/unchanged."""
    if not isinstance(value, str) or not value:
        return value
    digits = value.strip()
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


def _minimise(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: mask_phone(v) if k in PERSONAL_FIELDS else _minimise(v) for k, v in data.items()}
    return data


def verify() -> tuple[int, AuditEntry | None]:
    """Check the whole chain in id order: (entries checked, first entry that does not fit or None)."""
    entries = AuditEntry.objects.order_by("id")
    checked = 0
    prev = hashchain.GENESIS
    for entry in entries.iterator(chunk_size=2000):
        if entry.prev_hash != prev or hashchain.entry_hash(prev, entry.chain_payload()) != entry.hash:
            return checked, entry
        prev = entry.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.hash and head.hash != prev:
        return checked, _missing_tail()
    return checked, None


def _missing_tail() -> AuditEntry:
    """A stand-in for entries removed from the end of the chain (the head remembers them)."""
    return AuditEntry(object_repr="（末尾的审计记录缺失：链头哈希与最后一条不符）")
