"""Permissions of the indicators app (django-rules predicates).

- Reading indicators and the dashboard: staff roles (office, leader, department).
- Entering observations: the office, or a department user for the manual indicators
  its department is responsible for.
- Reviewing observations, creating indicators from the plan, refreshing computed
  indicators: the office only.
- Enterprises and anonymous visitors: nothing here.
"""

from __future__ import annotations

from typing import Any

import rules

from carbonpeak.core.roles import (
    in_own_region,
    in_region_below,
    in_scope,
    is_above_county,
    is_department_user,
    is_office,
    is_staff_reader,
)


@rules.predicate
def is_responsible_department(user: Any, indicator: Any) -> bool:
    if indicator is None or not hasattr(indicator, "responsible_id"):
        return False
    return (
        getattr(user, "department_id", None) is not None
        and user.department_id == indicator.responsible_id
        and indicator.kind == "manual"
    )


@rules.predicate
def is_manual(user: Any, indicator: Any) -> bool:
    return indicator is not None and getattr(indicator, "kind", None) == "manual"


rules.add_perm("indicators.view_indicators", is_staff_reader & in_scope)
rules.add_perm("indicators.view_dashboard", is_staff_reader & in_scope)
rules.add_perm(
    "indicators.enter_observation",
    (is_office & in_own_region & is_manual)
    | (is_department_user & in_own_region & is_responsible_department),
)
rules.add_perm("indicators.import_observations", (is_office | is_department_user) & in_own_region)
rules.add_perm("indicators.review_observation", is_office & in_own_region)
rules.add_perm("indicators.manage_indicators", is_office & in_own_region)
# A city (or province) office allocates targets to the regions directly below it (分解下达);
# the object is the receiving region.
rules.add_perm("indicators.allocate_targets", is_office & is_above_county & in_region_below)
rules.add_perm("indicators.view_allocations", is_staff_reader & is_above_county & in_scope)
