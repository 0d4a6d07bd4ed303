"""Permissions of the enterprise registry (django-rules).

office: create, edit, import, export; leader: read list and details; enterprise user:
its own enterprise's page only; department users and the public: nothing.
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

rules.add_perm("enterprises.list", (is_office | is_leader) & in_scope)
rules.add_perm(
    "enterprises.view", ((is_office | is_leader) & in_scope) | (is_enterprise_user & owns_enterprise)
)
rules.add_perm("enterprises.edit", is_office & in_own_region)
