"""Who may do what in supervision (django-rules predicates).

- office: everything; leader: reads everything, changes nothing;
- department: sees the tasks its department leads or cooperates on, files reports
  for the tasks it leads, adds contributions to those it cooperates on, answers
  its own supervision notices;
- enterprise users and the public: nothing here.
"""

from __future__ import annotations

from typing import Any

import rules

from carbonpeak.core.permissions import can
from carbonpeak.core.roles import (
    in_own_region,
    in_region_below,
    in_scope,
    is_department_user,
    is_leader,
    is_office,
)


def _dept_id(user: Any) -> int | None:
    return getattr(user, "department_id", None)


def _task_role(user: Any, task: Any) -> set[str]:
    dept = _dept_id(user)
    if dept is None or task is None or not hasattr(task, "assignments"):
        return set()
    return set(task.assignments.filter(department_id=dept).values_list("role", flat=True))


@rules.predicate
def leads_task(user: Any, task: Any) -> bool:
    return "lead" in _task_role(user, task)


@rules.predicate
def cooperates_on_task(user: Any, task: Any) -> bool:
    return "cooperating" in _task_role(user, task)


@rules.predicate
def involved_in_task(user: Any, task: Any) -> bool:
    return bool(_task_role(user, task))


@rules.predicate
def leads_report(user: Any, report: Any) -> bool:
    return _dept_id(user) is not None and getattr(report, "department_id", None) == _dept_id(user)


@rules.predicate
def cooperates_on_report(user: Any, report: Any) -> bool:
    return hasattr(report, "task") and cooperates_on_task(user, report.task)


@rules.predicate
def involved_in_report(user: Any, report: Any) -> bool:
    return hasattr(report, "task") and involved_in_task(user, report.task)


@rules.predicate
def report_editable(user: Any, report: Any) -> bool:
    return bool(getattr(report, "editable", False))


@rules.predicate
def report_awaiting_review(user: Any, report: Any) -> bool:
    return getattr(report, "state", None) == "submitted"


@rules.predicate
def own_notice(user: Any, notice: Any) -> bool:
    return _dept_id(user) is not None and getattr(notice, "department_id", None) == _dept_id(user)


@rules.predicate
def issued_here(user: Any, notice: Any) -> bool:
    """The notice was issued by the user's own region (a city closes the notices it issued)."""
    region = getattr(user, "region", None)
    if region is None or not hasattr(notice, "issued_by_region_id"):
        return False
    issuer = notice.issued_by_region_id or notice.region_id
    return issuer == region.pk


@rules.predicate
def notice_open(user: Any, notice: Any) -> bool:
    return hasattr(notice, "state") and notice.state != "closed"


#: Office and leaders read their region and the regions below it.
is_reader = (is_office | is_leader) & in_scope
#: The region's own office changes its data.
own_office = is_office & in_own_region
#: A city office acts on a county below it where a city does in reality.
city_office = is_office & in_region_below

__all__ = ["can"]  # the one permission check, re-exported for supervision's views


rules.add_perm("supervision.view", (is_office | is_leader | is_department_user) & in_scope)
rules.add_perm("supervision.view_task", is_reader | (is_department_user & in_own_region & involved_in_task))
rules.add_perm("supervision.file_report", is_department_user & in_own_region & leads_task)
rules.add_perm(
    "supervision.view_report", is_reader | (is_department_user & in_own_region & involved_in_report)
)
rules.add_perm("supervision.edit_report", is_department_user & in_own_region & leads_report & report_editable)
rules.add_perm(
    "supervision.contribute", is_department_user & in_own_region & cooperates_on_report & report_editable
)
rules.add_perm("supervision.review_report", own_office & report_awaiting_review)
# The city returns a county's submitted figures (退回); approving stays with the county.
rules.add_perm("supervision.return_report", (own_office | city_office) & report_awaiting_review)
rules.add_perm("supervision.override_status", own_office)
rules.add_perm("supervision.manage_periods", own_office)
# The object is the region the notice goes to: the office's own, or (a city) a county below it.
rules.add_perm("supervision.issue_notice", own_office | city_office)
rules.add_perm("supervision.view_notice", is_reader | (is_department_user & in_own_region & own_notice))
rules.add_perm("supervision.answer_notice", is_department_user & in_own_region & own_notice & notice_open)
rules.add_perm("supervision.close_notice", is_office & issued_here & notice_open)
rules.add_perm("supervision.view_assessment", (is_office | is_leader | is_department_user) & in_scope)
rules.add_perm("supervision.edit_weights", own_office)
rules.add_perm("supervision.dispatch_report", is_reader)
rules.add_perm("supervision.view_audit", own_office)
