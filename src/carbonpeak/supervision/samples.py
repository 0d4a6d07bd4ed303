"""Sample supervision data: this year's quarterly periods, a few
illustrative progress reports and one supervision notice. Everything created here is
flagged ``illustrative`` and shown as 示例数据，仅供演示. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from carbonpeak.plans.models import Assignment, Task
from carbonpeak.supervision import services
from carbonpeak.supervision.models import (
    ProgressReport,
    ReportingPeriod,
    ReportVersion,
    Review,
    SupervisionNotice,
)

SAMPLE_TAG = "【示例数据，仅供演示】"

# (task code, status, narrative, key figures, review decision or None, days after deadline submitted)
SAMPLE_REPORTS = [
    (
        "1.1",
        "in_progress",
        "已完成全县高耗能企业排查摸底，建立重点用能单位名录；开展固定资产投资项目节能审查。",
        [{"label": "排查高耗能企业", "value": "46", "unit": "家"}],
        "approve",
        -3,
    ),
    (
        "2.1",
        "in_progress",
        "推进集中式光伏和分散式风电项目前期工作，部分项目已开工。",
        [{"label": "新增新能源装机", "value": "8.6", "unit": "万千瓦"}],
        "approve",
        -1,
    ),
    ("3.1", "in_progress", "完成既有公共建筑节能改造项目清单编制，改造工作正在招标。", [], "return", 2),
    ("4.1", "not_started", "正在研究制定实施细则。", [], None, 0),
]


def _task(plan, code: str) -> Task | None:
    return Task.objects.filter(action__plan=plan, code=code).first()


@transaction.atomic
def load(stdout) -> None:
    plan = services.current_plan()
    if plan is None:
        stdout.write("调度示例：尚无实施方案，跳过。")
        return
    today = timezone.localdate()
    created = []
    for year in (today.year,):
        created += services.generate_periods(
            actor=None, plan=plan, kind=ReportingPeriod.Kind.QUARTERLY, year=year, deadline_days=10
        )
    past = (
        ReportingPeriod.objects.filter(plan=plan, kind="quarterly", deadline__lt=today)
        .order_by("-start")
        .first()
    )
    reports = 0
    if past is not None:
        for code, status, narrative, figures, decision, late_days in SAMPLE_REPORTS:
            task = _task(plan, code)
            lead_assignment = (
                Assignment.objects.filter(task=task, role="lead").select_related("department").first()
                if task
                else None
            )
            if (
                task is None
                or lead_assignment is None
                or ProgressReport.objects.filter(task=task, period=past).exists()
            ):
                continue
            at = timezone.make_aware(
                dt.datetime.combine(past.deadline + dt.timedelta(days=late_days), dt.time(16, 0))
            )
            report = ProgressReport.objects.create(
                task=task,
                period=past,
                department=lead_assignment.department,
                status=status,
                narrative=f"{SAMPLE_TAG}{narrative}",
                key_figures=figures,
                illustrative=True,
            )
            if decision is not None:
                report.first_submitted_at = report.submitted_at = at
                report.state = ProgressReport.State.SUBMITTED
                version = ReportVersion.objects.create(
                    report=report, number=1, snapshot=services.report_snapshot(report)
                )
                comment = (
                    ""
                    if decision == "approve"
                    else f"{SAMPLE_TAG}请补充改造项目的面积和投资额，并附项目清单。"
                )
                Review.objects.create(report=report, version=version, decision=decision, comment=comment)
                report.state = (
                    ProgressReport.State.APPROVED if decision == "approve" else ProgressReport.State.RETURNED
                )
                report.save()
            reports += 1
    notices = 0
    task = _task(plan, "3.1")
    if task is not None and not SupervisionNotice.objects.filter(illustrative=True).exists():
        lead = services.lead_department(task)
        if lead is not None:
            SupervisionNotice.objects.create(
                number=f"督办〔{today.year}〕示例1号",
                department=lead,
                task=task,
                illustrative=True,
                title=f"{SAMPLE_TAG}关于加快推进既有建筑节能改造的督办",
                body="请于答复期限前报送改造项目清单、进度安排和存在的困难。",
                answer_due=today + dt.timedelta(days=7),
            )
            notices = 1
    stdout.write(
        f"调度示例：新建调度周期 {len(created)} 个，示例进展报告 {reports} 份，示例督办单 {notices} 份（示例数据，仅供演示）。"
    )
