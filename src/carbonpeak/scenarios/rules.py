"""Who may do what with scenarios.

- read (list, detail, comparison, decomposition, STIRPAT, Excel exports): office, leaders,
  department users (the projection is government planning data, not public)
- change (create, new version, measures, recompute): the office only
- enterprise users and the public: nothing
"""

import rules

from carbonpeak.core.roles import in_own_region, in_scope, is_office, is_staff_reader

rules.add_perm("scenarios.view_scenarios", is_staff_reader & in_scope)
rules.add_perm("scenarios.manage_scenarios", is_office & in_own_region)
