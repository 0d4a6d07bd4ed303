"""Who may do what in accounting.

- office (碳达峰办): import, recompute, delete datasets; edit local factors.
- leader, department: read every dataset, result, calculation trace and factor set
  (county-wide statistics, not owned by a department).
- enterprise users and the public: nothing.
"""

from __future__ import annotations

import rules

from carbonpeak.core.roles import in_own_region, in_scope, is_office, is_staff_reader

rules.add_perm("accounting.view", is_staff_reader & in_scope)
rules.add_perm("accounting.manage", is_office & in_own_region)
