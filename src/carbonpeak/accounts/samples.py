"""Sample accounts for trying the platform: two department reporters and a leader.

Created once (idempotent); the one-time passwords are printed only when an account is
created, and must be changed at first login. Display names say 示例账号.
"""

from __future__ import annotations

from django.db import transaction

from carbonpeak.accounts import services
from carbonpeak.accounts.models import User
from carbonpeak.core.roles import Role
from carbonpeak.plans.models import Department

SAMPLE_ACCOUNTS = (
    ("fgj", Role.DEPARTMENT, "县发展和改革局", "发改局填报员（示例账号）"),
    ("gxj", Role.DEPARTMENT, "县工业和信息化局", "工信局填报员（示例账号）"),
    ("leader", Role.LEADER, None, "县领导（示例账号）"),
)


@transaction.atomic
def load(stdout) -> None:
    created = []
    for username, role, dept_name, display in SAMPLE_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        department = Department.objects.filter(name=dept_name).first() if dept_name else None
        if dept_name and department is None:
            continue
        user, password = services.create_account(
            actor=None, username=username, role=role, display_name=display, department=department
        )
        created.append((user, password))
    if not created:
        stdout.write("示例账号已存在，无变化。")
        return
    stdout.write("示例账号（一次性密码，仅显示这一次；首次登录须修改）：")
    for user, password in created:
        stdout.write(f"  {user.username:8s} {password}  {user.display_name}")
