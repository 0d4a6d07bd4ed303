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

from carbonpeak.accounts.roles import is_department_user, is_office, is_staff_reader


@rules.predicate
def is_responsible_department(user: Any, indicator: Any) -> bool:
    if indicator is None:
        return False
    return (
        getattr(user, "department_id", None) is not None
        and user.department_id == indicator.responsible_id
        and indicator.kind == "manual"
    )


@rules.predicate
def is_manual(user: Any, indicator: Any) -> bool:
    return indicator is not None and indicator.kind == "manual"


rules.add_perm("indicators.view_indicators", is_staff_reader)
rules.add_perm("indicators.view_dashboard", is_staff_reader)
rules.add_perm(
    "indicators.enter_observation", (is_office & is_manual) | (is_department_user & is_responsible_department)
)
rules.add_perm("indicators.import_observations", is_office | is_department_user)
rules.add_perm("indicators.review_observation", is_office)
rules.add_perm("indicators.manage_indicators", is_office)
