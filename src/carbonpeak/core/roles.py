"""The platform's roles and the small predicates every app's ``rules.py`` builds on.

Roles (``User.role``), each held in one region (``User.region``):

- ``office``: 碳达峰办 (carbon-peak office of a county's or city's Development and
  Reform Bureau) — administers its own region; a city office also reads every
  county below it and acts on them where a city does in reality (下达 targets,
  issues supervision notices, returns submitted figures).
- ``department``: 部门填报员 — bound to one department of its region.
- ``leader``: 领导 — reads its region and every region below, changes nothing.
- ``enterprise``: 企业用户 — bound to one enterprise, submits its own data.
- ``sysadmin`` / ``secadmin`` / ``auditor``: 系统管理员 / 安全管理员 / 审计管理员,
  the separated duties of MLPS level 3 (see docs/security.md).

Anonymous visitors are the public: they see only published pages.

The superuser flag gives access to Django's back office only; in every page, API
endpoint, export and admin list a superuser has exactly its role and region, like
any other account (see docs/architecture.md, 区域与权限).
"""

from __future__ import annotations

from typing import Any

import rules
from django.db import models


class Role(models.TextChoices):
    OFFICE = "office", "碳达峰办管理员"
    DEPARTMENT = "department", "部门填报员"
    LEADER = "leader", "领导"
    ENTERPRISE = "enterprise", "企业用户"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


def role_of(user: Any) -> str | None:
    """The role of a signed-in, active user; ``None`` for the public."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not getattr(user, "is_active", True):
        return None
    return getattr(user, "role", None)


def region_of(obj: Any) -> Any:
    """The region an object belongs to (a Region itself, or through ``region_field``)."""
    from carbonpeak.core.models import Region

    if obj is None:
        return None
    if isinstance(obj, Region):
        return obj
    path = getattr(type(obj), "region_field", "region")
    node = obj
    for part in path.split("__"):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node


def user_region(user: Any) -> Any:
    if role_of(user) is None:
        return None
    return getattr(user, "region", None)


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


@rules.predicate
def is_sysadmin(user: Any) -> bool:
    return role_of(user) == Role.SYSADMIN


@rules.predicate
def is_secadmin(user: Any) -> bool:
    return role_of(user) == Role.SECADMIN


@rules.predicate
def is_auditor(user: Any) -> bool:
    return role_of(user) == Role.AUDITOR


@rules.predicate
def is_above_county(user: Any) -> bool:
    """The user works at city or province level (its region has regions below it)."""
    region = user_region(user)
    return region is not None and region.level != "county"


@rules.predicate
def in_scope(user: Any, obj: Any) -> bool:
    """The object's region is the user's region or lies below it (may be read).

    With no object the predicate holds (list pages scope their rows with
    ``visible_to``).
    """
    if obj is None:
        return True
    region = user_region(user)
    return region is not None and region.contains(region_of(obj))


@rules.predicate
def in_own_region(user: Any, obj: Any) -> bool:
    """The object belongs to the user's own region (may be changed by its office).

    With no object the predicate holds: the action is then taken in the user's own
    region (services create new rows there).
    """
    if obj is None:
        return True
    region = user_region(user)
    target = region_of(obj)
    return region is not None and target is not None and target.pk == region.pk


@rules.predicate
def in_region_below(user: Any, obj: Any) -> bool:
    """The object belongs to a region strictly below the user's (a city acting on a county)."""
    region = user_region(user)
    target = region_of(obj)
    return region is not None and target is not None and target.pk != region.pk and region.contains(target)


@rules.predicate
def owns_enterprise(user: Any, obj: Any) -> bool:
    """An enterprise user and its own enterprise (or an object of it)."""
    own = getattr(user, "enterprise_id", None)
    if own is None or obj is None:
        return False
    field = getattr(type(obj), "enterprise_field", "enterprise_id")
    return getattr(obj, field, None) == own


# Read access to government data (plan, ledger, indicators, accounting): staff roles.
is_staff_reader = is_office | is_leader | is_department_user
#: Changes to a region's own data: its office.
is_own_office = is_office & in_own_region
#: Read a region's data: a staff reader whose region contains the object's.
is_staff_in_scope = is_staff_reader & in_scope
