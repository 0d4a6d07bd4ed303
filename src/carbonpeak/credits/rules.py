"""Who may do what in carbon-inclusive credits (django-rules).

- office: reads its region and every region below; manages (methodologies, partners,
  rewards, reversals) in its own region only;
- leader: reads its region and every region below;
- department and enterprise users, and the public: none of the office pages.

Residents are not platform users: their pages are reached with a phone-code session
(:mod:`carbonpeak.credits.views`) and show only their own account.
"""

from __future__ import annotations

import rules

from carbonpeak.core.roles import in_own_region, in_scope, is_leader, is_office

can_view = (is_office | is_leader) & in_scope
can_manage = is_office & in_own_region

rules.add_perm("credits.view", can_view)
rules.add_perm("credits.manage", can_manage)
