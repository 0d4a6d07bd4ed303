"""Sample data: the Yueyang County plan shipped in sample_data/ (a real, public document),
and a second county of Yueyang City (华容县) with a fictional plan written for the
demonstration (示例数据, labelled so in the file and on every page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from carbonpeak.accounts import services as account_services
from carbonpeak.accounts.models import User
from carbonpeak.core.regions import ensure_region, home_region
from carbonpeak.core.roles import Role
from carbonpeak.plans import services
from carbonpeak.plans.models import Department

SAMPLE_PLAN = Path(__file__).resolve().parents[3] / "sample_data" / "yueyang-county-carbon-peak-plan.txt"
#: The second county of the sample city (fictional plan, 示例数据).
SECOND_COUNTY = "430623"
SECOND_PLAN = SAMPLE_PLAN.parent / "huarong" / "huarong-county-carbon-peak-plan-SAMPLE.txt"
#: The city above both counties.
SAMPLE_CITY = "430600"


def sample_plan_path() -> Path:
    """The shipped sample plan (repository checkout or installed data)."""
    if SAMPLE_PLAN.exists():
        return SAMPLE_PLAN
    raise FileNotFoundError(f"找不到示例方案文件：{SAMPLE_PLAN}")


def load(stdout) -> None:
    ensure_region(SAMPLE_CITY)
    _load_plan(stdout, sample_plan_path(), None)
    if SECOND_PLAN.exists():
        _load_plan(stdout, SECOND_PLAN, ensure_region(SECOND_COUNTY))
    load_accounts(stdout)


def _load_plan(stdout: Any, path: Path, region: Any) -> None:
    parsed, text = services.parse_file(path, region)
    result = services.import_plan(parsed, source_text=text, region=region)
    if result.applied:
        tasks = sum(len(a.tasks) for a in parsed.actions)
        stdout.write(
            f"已导入示例方案“{parsed.title}”：{len(parsed.actions)} 项行动，{tasks} 项任务，{len(parsed.targets)} 项量化目标。"
        )
    else:
        stdout.write(f"示例方案“{parsed.title}”已导入，无变化。")


# Sample accounts (示例账号): department reporters of the sample departments, leaders and
# offices of the sample city and counties. Created once; the one-time passwords are printed
# only when an account is created and must be changed at first login.
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
def load_accounts(stdout: Any) -> None:
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
        user, password = account_services.create_account(
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
