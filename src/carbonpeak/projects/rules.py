"""Who may do what with projects, the 两高 list and energy reviews (django-rules).

- office (碳达峰办) of the project's own region: register, edit, delete, dispose, submit and
  decide reviews, record expert comments, coal replacement, import the 两高 list.
- office of a parent city, leaders, department users: read the projects in their scope
  (list, detail, 两高 list, review queue, impact page, exports, review opinion).
- enterprise users and the public: nothing.
"""

from __future__ import annotations

import rules

from carbonpeak.core.roles import in_own_region, in_scope, is_office, is_staff_reader

# Without an object, rule_required checks against request.region (the region being viewed).
rules.add_perm("projects.list", is_staff_reader & in_scope)
rules.add_perm("projects.view", is_staff_reader & in_scope)
rules.add_perm("projects.create", is_office & in_own_region)
rules.add_perm("projects.edit", is_office & in_own_region)
rules.add_perm("projects.review", is_office & in_own_region)
