"""Sample accounts for trying the platform: two department reporters and a leader.

Created once (idempotent); the one-time passwords are printed only when an account is
created, and must be changed at first login. Display names say 示例账号.
"""

from __future__ import annotations

from django.db import transaction

from carbonpeak.accounts import services
from carbonpeak.accounts.models import User
from carbonpeak.core.regions import ensure_region, home_region
from carbonpeak.core.roles import Role
from carbonpeak.plans.models import Department

#: (username, role, department, display name, region code; None = the home region 岳阳县)
SAMPLE_ACCOUNTS = (
    ("fgj", Role.DEPARTMENT, "县发展和改革局", "发改局填报员（示例账号）", None),
    ("gxj", Role.DEPARTMENT, "县工业和信息化局", "工信局填报员（示例账号）", None),
    ("leader", Role.LEADER, None, "县领导（示例账号）", None),
    ("city-office", Role.OFFICE, None, "岳阳市碳达峰办（示例账号）", "430600"),
    ("city-leader", Role.LEADER, None, "岳阳市领导（示例账号）", "430600"),
    ("hr-office", Role.OFFICE, None, "华容县碳达峰办（示例账号）", "430623"),
    ("hr-fgj", Role.DEPARTMENT, "县发展和改革局", "华容县发改局填报员（示例账号）", "430623"),
)


@transaction.atomic
def load(stdout) -> None:
    created = []
    for username, role, dept_name, display, code in SAMPLE_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        region = ensure_region(code) if code else home_region()
        department = (
            Department.objects.in_region(region).filter(name=dept_name).first() if dept_name else None
        )
        if dept_name and department is None:
            continue
        user, password = services.create_account(
            actor=None,
            username=username,
            role=role,
            display_name=display,
            department=department,
            region=region,
        )
        created.append((user, password))
    if not created:
        stdout.write("示例账号已存在，无变化。")
        return
    stdout.write("示例账号（一次性密码，仅显示这一次；首次登录须修改）：")
    for user, password in created:
        stdout.write(f"  {user.username:8s} {password}  {user.display_name}")
