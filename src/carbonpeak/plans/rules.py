"""Who may do what with the plan ledger.

- read (overview, ledger, departments, targets, Excel export): office, leaders, department users
- change (upload a plan, import a ledger, edit aliases): the office only
"""

import rules

from carbonpeak.core.roles import in_own_region, in_scope, is_office, is_staff_reader

rules.add_perm("plans.view_ledger", is_staff_reader & in_scope)
rules.add_perm("plans.manage_ledger", is_office & in_own_region)
