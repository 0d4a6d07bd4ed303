"""JSON API of supervision (read-only; session login). Scoped like the pages:
office and leader see all, a department user its own tasks, others nothing."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from carbonpeak.core.models import Notification
from carbonpeak.supervision import services
from carbonpeak.supervision.rules import can

router = Router(auth=django_auth, tags=["调度与督办"])


def _check(request) -> None:
    if not can(request.user, "supervision.view"):
        raise HttpError(403, "无权访问")


class TaskStatusOut(Schema):
    id: int
    code: str
    title: str
    lead: str | None
    due_date: dt.date | None
    status: str
    status_label: str
    overridden: bool
    overdue: bool
    stale: bool
    reasons: list[str]


class ReportOut(Schema):
    id: int
    task_code: str
    period: str
    department: str
    status: str
    state: str
    narrative: str
    key_figures: list[dict]
    first_submitted_at: dt.datetime | None
    versions: int


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read: bool


@router.get("/tasks", response=list[TaskStatusOut], summary="任务进展状态（按权限范围）")
def tasks(request):
    _check(request)
    rows = services.task_progress(services.visible_tasks(request.user).order_by("action__number", "number"))
    return [
        TaskStatusOut(
            id=r.task.pk,
            code=r.task.code,
            title=r.task.title,
            lead=r.lead.name if r.lead else None,
            due_date=r.task.due_date,
            status=r.status,
            status_label=r.status_label,
            overridden=r.override is not None,
            overdue=r.derived.overdue and r.status != "completed",
            stale=r.derived.stale and r.status != "completed",
            reasons=list(r.derived.reasons),
        )
        for r in rows
    ]


@router.get("/reports/{report_id}", response=ReportOut, summary="进展报告")
def report(request, report_id: int):
    _check(request)
    r = get_object_or_404(services.visible_reports(request.user), pk=report_id)
    return ReportOut(
        id=r.pk,
        task_code=r.task.code,
        period=r.period.label,
        department=r.department.name,
        status=r.status,
        state=r.state,
        narrative=r.narrative,
        key_figures=r.key_figures,
        first_submitted_at=r.first_submitted_at,
        versions=r.versions.count(),
    )


@router.get("/notifications", response=list[NotificationOut], summary="本人的站内通知（最近 100 条）")
def notifications(request):
    _check(request)
    return [
        NotificationOut(
            id=n.pk,
            kind=n.kind,
            title=n.title,
            body=n.body,
            url=n.url,
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in Notification.objects.filter(recipient=request.user)[:100]
    ]
