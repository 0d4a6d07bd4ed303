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

from carbonpeak.accounts.roles import is_department_user, is_leader, is_office


def _dept_id(user: Any) -> int | None:
    return getattr(user, "department_id", None)


def _task_role(user: Any, task: Any) -> set[str]:
    dept = _dept_id(user)
    if dept is None or task is None:
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
    return report is not None and _dept_id(user) is not None and report.department_id == _dept_id(user)


@rules.predicate
def cooperates_on_report(user: Any, report: Any) -> bool:
    return report is not None and cooperates_on_task(user, report.task)


@rules.predicate
def involved_in_report(user: Any, report: Any) -> bool:
    return report is not None and involved_in_task(user, report.task)


@rules.predicate
def report_editable(user: Any, report: Any) -> bool:
    return report is not None and report.editable


@rules.predicate
def report_awaiting_review(user: Any, report: Any) -> bool:
    return report is not None and report.state == "submitted"


@rules.predicate
def own_notice(user: Any, notice: Any) -> bool:
    return notice is not None and _dept_id(user) is not None and notice.department_id == _dept_id(user)


@rules.predicate
def notice_open(user: Any, notice: Any) -> bool:
    return notice is not None and notice.state != "closed"


is_reader = is_office | is_leader


def can(user: Any, perm: str, obj: Any = None) -> bool:
    """Check a supervision permission through the rules themselves.

    ``user.has_perm`` returns True for every superuser (Django's ModelBackend), which
    would skip the state and ownership checks below (e.g. show a department's
    "edit report" button to the admin). The superuser is treated as the office by
    :func:`carbonpeak.accounts.roles.role_of`, so it keeps every office right.
    """
    return bool(getattr(user, "is_active", False)) and rules.has_perm(perm, user, obj)


rules.add_perm("supervision.view", is_office | is_leader | is_department_user)
rules.add_perm("supervision.view_task", is_reader | (is_department_user & involved_in_task))
rules.add_perm("supervision.file_report", is_department_user & leads_task)
rules.add_perm("supervision.view_report", is_reader | (is_department_user & involved_in_report))
rules.add_perm("supervision.edit_report", is_department_user & leads_report & report_editable)
rules.add_perm("supervision.contribute", is_department_user & cooperates_on_report & report_editable)
rules.add_perm("supervision.review_report", is_office & report_awaiting_review)
rules.add_perm("supervision.override_status", is_office)
rules.add_perm("supervision.manage_periods", is_office)
rules.add_perm("supervision.issue_notice", is_office)
rules.add_perm("supervision.view_notice", is_reader | (is_department_user & own_notice))
rules.add_perm("supervision.answer_notice", is_department_user & own_notice & notice_open)
rules.add_perm("supervision.close_notice", is_office & notice_open)
rules.add_perm("supervision.view_assessment", is_office | is_leader | is_department_user)
rules.add_perm("supervision.edit_weights", is_office)
rules.add_perm("supervision.dispatch_report", is_office | is_leader)
rules.add_perm("supervision.view_audit", is_office)
