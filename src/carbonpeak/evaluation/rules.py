"""Permissions of enterprise evaluation and disclosure (django-rules).

- office: changes its own region's data (import, compute, publish, review, criteria);
  a city office reads its counties, and the changes stay with each county's office;
- leader: reads its region and every region below;
- enterprise user: files and reads its own enterprise's disclosures, reads its own
  grades and classes;
- department users: nothing (enterprise data is commercially sensitive);
- the public: only the pages under ``/public/`` (approved and published data).

Page-level rules are checked against the county the page shows; object rules against
the object (its region through its enterprise).
"""

from __future__ import annotations

import rules

from carbonpeak.core.roles import (
    in_own_region,
    in_scope,
    is_enterprise_user,
    is_leader,
    is_office,
    owns_enterprise,
)

is_staff = is_office | is_leader

rules.add_perm("evaluation.view", is_staff & in_scope)
rules.add_perm("evaluation.manage", is_office & in_own_region)
rules.add_perm("evaluation.view_object", (is_staff & in_scope) | (is_enterprise_user & owns_enterprise))
rules.add_perm("evaluation.manage_object", is_office & in_own_region)
rules.add_perm("evaluation.file_disclosures", is_enterprise_user)
rules.add_perm("evaluation.file_disclosure", is_enterprise_user & owns_enterprise)
