"""Who may do what in online monitoring (django-rules).

- office: everything; leader: read everything;
- enterprise user: its own enterprise's meters, readings, uploads, tokens, alarms and
  reported statistics;
- department users and anonymous visitors: nothing (enterprise energy data is
  commercially sensitive and no department task needs it per meter). The API accepts
  only enterprise tokens.
"""

from __future__ import annotations

from typing import Any

import rules

from carbonpeak.accounts.roles import is_enterprise_user, is_leader, is_office


def _enterprise_id(obj: Any) -> int | None:
    if obj is None:
        return None
    for attr in ("enterprise_id",):
        if hasattr(obj, attr) and not hasattr(obj, "uscc"):
            return getattr(obj, attr)
    return getattr(obj, "pk", None)


@rules.predicate
def owns_enterprise(user: Any, obj: Any) -> bool:
    """The user is bound to the enterprise (or the enterprise of the meter / alarm / token)."""
    ent = _enterprise_id(obj)
    return ent is not None and getattr(user, "enterprise_id", None) == ent


can_view = is_office | is_leader | (is_enterprise_user & owns_enterprise)
can_manage = is_office | (is_enterprise_user & owns_enterprise)

rules.add_perm("monitoring.view_alarms", is_office | is_leader | is_enterprise_user)
rules.add_perm("monitoring.view_enterprise_data", can_view)
rules.add_perm("monitoring.manage_enterprise_data", can_manage)
rules.add_perm("monitoring.close_alarm", is_office)
