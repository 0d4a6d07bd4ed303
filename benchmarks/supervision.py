"""Supervision timings on a county-sized workload.

Workload: the shipped sample plan (38 tasks) with 35 department users, 12 monthly
reporting periods, a submitted report for ~80 % of task x period, 20 notices. Measures
the task list (derived status of every task), the assessment, the dispatch .docx and
`carbonpeak remind` (first run, then the idempotent second run), plus the supervision
index page through the Django test client (median of 5, with query counts).

Run: .venv/bin/python benchmarks/supervision.py
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path


def timed(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="cp-bench-sup-"))
    os.environ["CARBONPEAK_DATA_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonpeak.site.settings")
    os.environ["CARBONPEAK_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from carbonpeak.plans import samples as plan_samples

    with open(os.devnull, "w") as devnull:
        plan_samples.load(devnull)
    from carbonpeak.accounts.models import User
    from carbonpeak.plans.models import Assignment, Department, Task
    from carbonpeak.supervision import dispatch, services
    from carbonpeak.supervision.models import ProgressReport, ReportingPeriod, SupervisionNotice

    plan = services.current_plan()
    today = timezone.localdate()
    rng = random.Random(7)
    office = User.objects.create(username="bench-office", role="office", email="o@example.cn")
    for i, dept in enumerate(Department.objects.all()[:35]):
        User.objects.create(
            username=f"bench-d{i}", role="department", department=dept, email=f"d{i}@example.cn"
        )
    periods = []
    for m in range(12):
        start = (today.replace(day=1) - dt.timedelta(days=31 * (11 - m))).replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        periods.append(
            ReportingPeriod.objects.create(
                plan=plan,
                kind="monthly",
                label=f"{start:%Y年%m月}",
                start=start,
                end=end,
                deadline=end + dt.timedelta(days=10),
            )
        )
    tasks = list(Task.objects.filter(action__plan=plan))
    leads = {a.task_id: a.department_id for a in Assignment.objects.filter(role="lead")}
    reports = []
    for period in periods:
        for t in tasks:
            if t.pk not in leads or rng.random() > 0.8:
                continue
            at = timezone.make_aware(
                dt.datetime.combine(period.deadline + dt.timedelta(days=rng.randint(-8, 3)), dt.time(9))
            )
            reports.append(
                ProgressReport(
                    task=t,
                    period=period,
                    department_id=leads[t.pk],
                    narrative="进展" * 50,
                    status=rng.choice(["in_progress", "in_progress", "completed", "lagging"]),
                    state="approved",
                    first_submitted_at=at,
                    submitted_at=at,
                )
            )
    ProgressReport.objects.bulk_create(reports)
    depts = list(Department.objects.all()[:20])
    for i, d in enumerate(depts):
        SupervisionNotice.objects.create(
            number=f"B{i}",
            department=d,
            title="督办",
            body="b",
            issued_by=office,
            answer_due=today - dt.timedelta(days=i % 3),
        )
    print(
        f"工作量：{len(tasks)} 项任务，{len(periods)} 个月度周期，{len(reports)} 份报告，{User.objects.count()} 个账号"
    )

    qs = Task.objects.filter(action__plan=plan).select_related("action")
    current = services.current_period(plan)
    with CaptureQueriesContext(connection) as q:
        services.task_progress(qs, period=current)
    print(
        f"任务状态判定（全部任务）：{timed(lambda: services.task_progress(qs, period=current)) * 1000:.1f} ms，{len(q)} 次查询"
    )
    print(f"考核排名计算：{timed(lambda: services.assess(plan=plan)) * 1000:.1f} ms")
    print(
        f"调度报告 .docx：{timed(lambda: dispatch.build_dispatch_report(period=current), repeat=3) * 1000:.0f} ms"
    )
    start = time.perf_counter()
    first = services.send_reminders()
    t1 = time.perf_counter() - start
    start = time.perf_counter()
    second = services.send_reminders()
    t2 = time.perf_counter() - start
    print(
        f"remind 首次：发送 {sum(first.sent.values())} 条，{t1 * 1000:.0f} ms；"
        f"再次运行：发送 {sum(second.sent.values())} 条，跳过 {second.skipped} 条，{t2 * 1000:.0f} ms"
    )
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # as in Django's test runner: keep one connection so the queries can be counted
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(office)
    response = client.get("/supervision/")
    assert response.status_code == 200, response.status_code
    counted: list[str] = []

    def count(execute, sql, params, many, context):
        counted.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get("/supervision/")
    q = counted
    print(
        f"进展调度首页（碳达峰办）：{timed(lambda: client.get('/supervision/')) * 1000:.0f} ms，{len(q)} 次查询"
    )


if __name__ == "__main__":
    main()
