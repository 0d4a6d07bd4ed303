"""Account use cases: creation with a one-time initial password, changes, deactivation,
password reset, and the failed-login lock-out. Every change is audited."""

from __future__ import annotations

import datetime as dt
import secrets
import string
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from carbonpeak.accounts.models import User
from carbonpeak.core import audit
from carbonpeak.core.roles import Role

#: Failed logins in a row that lock an account, and for how long.
LOCKOUT_THRESHOLD = 5
LOCKOUT_MINUTES = 15

_ALPHABET = string.ascii_letters + string.digits


class AccountError(Exception):
    """A refused account change; ``str(exc)`` is a message for the user."""


def generate_password(length: int = 12) -> str:
    """A random initial password with letters and digits (meets the length and numeric validators)."""
    while True:
        pw = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def _check_binding(role: str, department: Any, enterprise: Any) -> None:
    if role == Role.DEPARTMENT and department is None:
        raise AccountError("部门填报员必须选择所属部门。")
    if role == Role.ENTERPRISE and enterprise is None:
        raise AccountError("企业用户必须选择所属企业。")


@transaction.atomic
def create_account(
    *,
    actor: Any,
    username: str,
    role: str,
    display_name: str = "",
    email: str = "",
    phone: str = "",
    department: Any = None,
    enterprise: Any = None,
) -> tuple[User, str]:
    """Create an account and return it with its one-time initial password.

    The user must change the password at first login. Side effects: audit entry.
    """
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"账号“{username}”已存在。")
    _check_binding(role, department, enterprise)
    password = generate_password()
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        email=email,
        phone=phone,
        department=department if role == Role.DEPARTMENT else None,
        enterprise=enterprise if role == Role.ENTERPRISE else None,
        must_change_password=True,
    )
    user.set_password(password)
    user.save()
    audit.record(user=actor, action="create", instance=user, after=audit.snapshot(user))
    return user, password


EDITABLE_FIELDS = ("role", "display_name", "email", "phone", "department", "enterprise")


@transaction.atomic
def update_account(*, actor: Any, user: User, **changes: Any) -> User:
    """Change role, name, contact or binding. Side effects: audit entry."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise AccountError(f"不能修改字段：{'、'.join(sorted(unknown))}")
    before = audit.snapshot(user)
    for name, value in changes.items():
        setattr(user, name, value)
    _check_binding(user.role, user.department, user.enterprise)
    if user.role != Role.DEPARTMENT:
        user.department = None
    if user.role != Role.ENTERPRISE:
        user.enterprise = None
    if user.pk == getattr(actor, "pk", None) and user.role != Role.OFFICE:
        raise AccountError("不能修改自己的管理员角色。")
    user.save()
    audit.record(user=actor, action="update", instance=user, before=before, after=audit.snapshot(user))
    return user


@transaction.atomic
def set_active(*, actor: Any, user: User, active: bool) -> User:
    """Deactivate (停用) or reactivate an account; accounts are never deleted. Side effects: audit."""
    if user.pk == getattr(actor, "pk", None) and not active:
        raise AccountError("不能停用自己的账号。")
    before = audit.snapshot(user)
    user.is_active = active
    if active:
        user.failed_login_count, user.locked_until = 0, None
    user.save()
    audit.record(
        user=actor,
        action="update",
        instance=user,
        before=before,
        after=audit.snapshot(user),
        note="启用账号" if active else "停用账号",
    )
    return user


@transaction.atomic
def reset_password(*, actor: Any, user: User) -> str:
    """Give the account a new one-time password (also unlocks it). Side effects: audit entry."""
    before = audit.snapshot(user)
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.failed_login_count, user.locked_until = 0, None
    user.save()
    audit.record(
        user=actor, action="update", instance=user, before=before, after=audit.snapshot(user), note="重置密码"
    )
    return password


@transaction.atomic
def password_changed(*, user: User) -> None:
    """The user set a new password. Side effects: audit entry (the password itself is never stored in the log)."""
    before = audit.snapshot(user)
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False
    audit.record(
        user=user,
        action="update",
        instance=user,
        before=before,
        after=audit.snapshot(user),
        note="本人修改密码",
    )


def locked_until(username: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the account stops being locked, or None if it is not locked."""
    now = now or timezone.now()
    until = User.objects.filter(username=username).values_list("locked_until", flat=True).first()
    return until if until is not None and until > now else None


def register_failed_login(username: str) -> bool:
    """Count a failed login; lock the account when the threshold is reached. Returns True if now locked."""
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            return False
        if user.locked_until and user.locked_until > now:
            return True
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        user.refresh_from_db(fields=["failed_login_count"])
        if user.failed_login_count >= LOCKOUT_THRESHOLD:
            user.locked_until = now + dt.timedelta(minutes=LOCKOUT_MINUTES)
            user.failed_login_count = 0
            user.save(update_fields=["locked_until", "failed_login_count"])
            audit.record(
                user=None,
                action="update",
                instance=user,
                note=f"连续{LOCKOUT_THRESHOLD}次登录失败，锁定{LOCKOUT_MINUTES}分钟",
            )
            return True
    return False


def register_successful_login(user: User) -> None:
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
