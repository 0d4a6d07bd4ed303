"""Who may do what in online monitoring (django-rules).

- office: everything; leader: read everything;
- enterprise user: its own enterprise's meters, readings, uploads, tokens, alarms and
  reported statistics;
- department users and anonymous visitors: nothing (enterprise energy data is
  commercially sensitive and no department task needs it per meter). The API accepts
  only enterprise tokens.
"""

from __future__ import annotations

import rules

from carbonpeak.core.roles import (
    in_own_region,
    in_scope,
    is_enterprise_user,
    is_leader,
    is_office,
    owns_enterprise,
)

can_view = ((is_office | is_leader) & in_scope) | (is_enterprise_user & owns_enterprise)
can_manage = (is_office & in_own_region) | (is_enterprise_user & owns_enterprise)

rules.add_perm("monitoring.view_alarms", ((is_office | is_leader) & in_scope) | is_enterprise_user)
rules.add_perm("monitoring.view_enterprise_data", can_view)
rules.add_perm("monitoring.manage_enterprise_data", can_manage)
rules.add_perm("monitoring.close_alarm", is_office & in_own_region)
