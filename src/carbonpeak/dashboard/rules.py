"""Who sees the leaders' dashboard.

- a region's dashboard: staff readers of that region or of a region above it
  (office, leader, department users);
- the city roll-up (its counties side by side): office and leaders of a city or
  province;
- enterprise users and the public: nothing.
"""

from __future__ import annotations

import rules

from carbonpeak.core.roles import in_scope, is_above_county, is_leader, is_office, is_staff_reader

rules.add_perm("dashboard.view", is_staff_reader & in_scope)
rules.add_perm("dashboard.view_city", (is_office | is_leader) & is_above_county & in_scope)
