"""Who may do what in the forest carbon-sink accounting.

- Staff roles (office, leader, department): read results, inventory and parameters of the
  regions in their scope (county users: their county; city users: the city and its counties).
- Inventory import and deletion: the office, or a department user of the forestry bureau
  (department name contains 林业), in their own region only.
- Parameter values, choosing or copying a parameter set, land area: the office of the
  region that owns the set or the settings.
- Enterprise users and the public: nothing.
"""

from __future__ import annotations

from typing import Any

import rules

from carbonpeak.core.roles import in_own_region, in_scope, is_department_user, is_office, is_staff_reader


@rules.predicate
def is_forestry_department(user: Any) -> bool:
    department = getattr(user, "department", None)
    return department is not None and "林业" in (department.name or "")


rules.add_perm("sinks.view", is_staff_reader & in_scope)
rules.add_perm(
    "sinks.manage_inventory", (is_office | (is_department_user & is_forestry_department)) & in_own_region
)
rules.add_perm("sinks.manage_parameters", is_office & in_own_region)
rules.add_perm("sinks.edit_parameter_set", is_office & in_own_region)
