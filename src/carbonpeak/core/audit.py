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

from django.db import models

from carbonpeak.core.models import AuditEntry


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
    return AuditEntry.objects.create(
        user=user if authenticated else None,
        username=getattr(user, "username", "") if authenticated else "系统",
        action=action,
        object_type=object_type or "",
        object_id=str(object_id if object_id is not None else ""),
        object_repr=(object_repr or "")[:300],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note[:500],
    )
