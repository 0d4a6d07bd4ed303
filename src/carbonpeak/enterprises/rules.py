"""Permissions of the enterprise registry (django-rules).

office: create, edit, import, export; leader: read list and details; enterprise user:
its own enterprise's page only; department users and the public: nothing.
"""

from __future__ import annotations

import rules

from carbonpeak.accounts.roles import is_enterprise_user, is_leader, is_office
from carbonpeak.monitoring.rules import owns_enterprise

rules.add_perm("enterprises.list", is_office | is_leader)
rules.add_perm("enterprises.view", is_office | is_leader | (is_enterprise_user & owns_enterprise))
rules.add_perm("enterprises.edit", is_office)
