"""Who may do what with the plan ledger.

- read (overview, ledger, departments, targets, Excel export): office, leaders, department users
- change (upload a plan, import a ledger, edit aliases): the office only
"""

import rules

from carbonpeak.accounts.roles import is_office, is_staff_reader

rules.add_perm("plans.view_ledger", is_staff_reader)
rules.add_perm("plans.manage_ledger", is_office)
