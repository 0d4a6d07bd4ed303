"""The platform's roles and the small predicates every app's ``rules.py`` builds on.

Roles (``User.role``):

- ``office``: 碳达峰办 (carbon-peak office in the Development and Reform Bureau) — administers.
- ``department``: 部门填报员 — bound to one department, reports on that department's tasks.
- ``leader``: 县领导 — reads everything, changes nothing.
- ``enterprise``: 企业用户 — bound to one enterprise, submits its meter data.

Anonymous visitors are the public: they see only disclosure pages.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db import models


class Role(models.TextChoices):
    OFFICE = "office", "碳达峰办管理员"
    DEPARTMENT = "department", "部门填报员"
    LEADER = "leader", "县领导"
    ENTERPRISE = "enterprise", "企业用户"


def role_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "is_superuser", False):
        return Role.OFFICE
    return getattr(user, "role", None)


@rules.predicate
def is_office(user: Any) -> bool:
    return role_of(user) == Role.OFFICE


@rules.predicate
def is_leader(user: Any) -> bool:
    return role_of(user) == Role.LEADER


@rules.predicate
def is_department_user(user: Any) -> bool:
    return role_of(user) == Role.DEPARTMENT


@rules.predicate
def is_enterprise_user(user: Any) -> bool:
    return role_of(user) == Role.ENTERPRISE


# Read access to government data (plan, ledger, indicators, accounting): staff roles.
is_staff_reader = is_office | is_leader | is_department_user
