"""Who may manage accounts: the office of a region, for the accounts of its own region."""

from __future__ import annotations

import rules

from carbonpeak.core.roles import in_own_region, is_office

rules.add_perm("accounts.manage", is_office & in_own_region)
