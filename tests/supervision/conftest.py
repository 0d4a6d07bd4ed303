"""A small plan: two actions, three tasks, three departments, two periods."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from carbonpeak.core.roles import Role

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 costs ~0.5 s per user on CI; these tests are not about hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pdf(name: str = "进展说明.pdf", size: int = 2000) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n" + b"0" * max(0, size - 9)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def xlsx(name: str = "数据.xlsx") -> SimpleUploadedFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    return SimpleUploadedFile(name, buf.getvalue())


@pytest.fixture
def plan(db, department):
    from carbonpeak.plans.models import Action, Assignment, Department, Plan, Task

    plan = Plan.objects.create(title="测试县碳达峰实施方案", stale_after_days=90)
    a1 = Action.objects.create(plan=plan, number=1, title="（一）产业绿色低碳发展行动")
    a2 = Action.objects.create(plan=plan, number=2, title="（二）能源绿色低碳转型行动")
    industry = Department.objects.get_or_create(
        name="县工业和信息化局", defaults={"short_name": "县工信局", "order": 2}
    )[0]
    housing = Department.objects.get_or_create(name="县住房和城乡建设局", defaults={"order": 3})[0]
    t1 = Task.objects.create(
        action=a1,
        code="1.1",
        number=1,
        title="全面提升节能综合管理能力",
        text="……",
        due_date=TODAY + dt.timedelta(days=365),
    )
    t2 = Task.objects.create(
        action=a1,
        code="1.2",
        number=2,
        title="推动工业领域碳达峰",
        text="……",
        due_date=TODAY - dt.timedelta(days=1),
    )
    t3 = Task.objects.create(action=a2, code="2.1", number=1, title="大力发展新能源", text="……")
    Assignment.objects.create(task=t1, department=department, role="lead")
    Assignment.objects.create(task=t1, department=industry, role="cooperating")
    Assignment.objects.create(task=t2, department=industry, role="lead")
    Assignment.objects.create(task=t3, department=housing, role="lead")
    plan.t1, plan.t2, plan.t3 = t1, t2, t3
    plan.industry, plan.housing = industry, housing
    return plan


@pytest.fixture
def period(plan):
    from carbonpeak.supervision.models import ReportingPeriod

    return ReportingPeriod.objects.create(
        plan=plan,
        kind="quarterly",
        label="本期",
        start=TODAY - dt.timedelta(days=30),
        end=TODAY + dt.timedelta(days=30),
        deadline=TODAY + dt.timedelta(days=3),
    )


@pytest.fixture
def past_period(plan):
    from carbonpeak.supervision.models import ReportingPeriod

    return ReportingPeriod.objects.create(
        plan=plan,
        kind="quarterly",
        label="上期",
        start=TODAY - dt.timedelta(days=120),
        end=TODAY - dt.timedelta(days=31),
        deadline=TODAY - dt.timedelta(days=20),
    )


@pytest.fixture
def industry_user(make_user, plan):
    return make_user("industry", Role.DEPARTMENT, department=plan.industry, email="gxj@example.cn")


@pytest.fixture
def housing_user(make_user, plan):
    return make_user("housing", Role.DEPARTMENT, department=plan.housing)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def industry_client(industry_user):
    return client_for(industry_user)


@pytest.fixture
def housing_client(housing_user):
    return client_for(housing_user)
