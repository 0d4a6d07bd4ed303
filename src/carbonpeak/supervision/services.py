"""Supervision use cases. Keyword-only arguments, one transaction per use case.

Each function lists its side effects (audit entries, notifications, e-mail).
Reading helpers (querysets scoped to the user, derived task status, assessment)
live here too; the arithmetic itself is in :mod:`carbonpeak.engine.progress` and
:mod:`carbonpeak.engine.assessment`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from carbonpeak.core import audit
from carbonpeak.core import notify as notify_mod
from carbonpeak.core.errors import UserError
from carbonpeak.core.regions import home_region
from carbonpeak.core.roles import Role, role_of
from carbonpeak.engine import assessment as engine_assessment
from carbonpeak.engine.filetypes import RejectedFile, check_document, zip_member_names
from carbonpeak.engine.progress import DerivedStatus, TaskStatus, derive_task_status, is_on_time
from carbonpeak.plans.models import Assignment, Department, Plan, Task
from carbonpeak.supervision import indicator_link
from carbonpeak.supervision.models import (
    AssessmentWeights,
    Attachment,
    Contribution,
    ProgressReport,
    ReminderLog,
    ReportingPeriod,
    ReportVersion,
    Review,
    StatusChoice,
    SupervisionNotice,
    TaskStatusOverride,
)

log = logging.getLogger(__name__)

STATUS_LABELS = dict(StatusChoice.choices)


class SupervisionError(UserError):
    """A refused step; ``str(exc)`` is a message for the user (Simplified Chinese)."""


# ---------------------------------------------------------------- scoping


def visible_tasks(user: Any) -> QuerySet[Task]:
    """Tasks the user may see: its regions' for office and leader, own department's for a reporter."""
    qs = Task.objects.visible_to(user).select_related("action", "action__plan")
    role = role_of(user)
    if role in (Role.OFFICE, Role.LEADER):
        return qs
    if role == Role.DEPARTMENT and user.department_id:
        return qs.filter(assignments__department_id=user.department_id).distinct()
    return qs.none()


def visible_reports(user: Any) -> QuerySet[ProgressReport]:
    qs = ProgressReport.objects.visible_to(user).select_related("task", "period", "department")
    role = role_of(user)
    if role in (Role.OFFICE, Role.LEADER):
        return qs
    if role == Role.DEPARTMENT and user.department_id:
        return qs.filter(task__assignments__department_id=user.department_id).distinct()
    return qs.none()


def visible_notices(user: Any) -> QuerySet[SupervisionNotice]:
    qs = SupervisionNotice.objects.visible_to(user).select_related("department", "task")
    role = role_of(user)
    if role in (Role.OFFICE, Role.LEADER):
        return qs
    if role == Role.DEPARTMENT and user.department_id:
        return qs.filter(department_id=user.department_id)
    return qs.none()


def lead_department(task: Task) -> Department | None:
    a = (
        task.assignments.filter(role=Assignment.Role.LEAD)
        .select_related("department")
        .order_by("order")
        .first()
    )
    return a.department if a else None


def current_plan(region: Any = None) -> Plan | None:
    """The plan of a region (the home region when none is given)."""
    from carbonpeak.plans.services import current_plan as plans_current

    return plans_current(region)


def current_period(plan: Plan | None, today: dt.date | None = None) -> ReportingPeriod | None:
    """The period being reported on: the latest that has started, else the first one."""
    if plan is None:
        return None
    today = today or timezone.localdate()
    periods = ReportingPeriod.objects.filter(plan=plan)
    return periods.filter(start__lte=today).order_by("-start").first() or periods.order_by("start").first()


# ---------------------------------------------------------------- notifications


def department_users(department_id: int) -> QuerySet:
    return notify_mod.department_users(department_id)


def office_users(region: Any = None) -> QuerySet:
    """The office accounts of a region (the home region when none is given)."""
    return notify_mod.office_users(region or home_region())


mark_read = notify_mod.mark_read
notify = notify_mod.notify


# ---------------------------------------------------------------- periods


@transaction.atomic
def create_period(
    *, actor: Any, plan: Plan, kind: str, label: str, start: dt.date, end: dt.date, deadline: dt.date
) -> ReportingPeriod:
    """Create one reporting period. Side effects: audit entry."""
    if end < start:
        raise SupervisionError("结束日期不能早于开始日期。")
    if deadline < start:
        raise SupervisionError("报送截止日期不能早于开始日期。")
    if ReportingPeriod.objects.filter(plan=plan, kind=kind, start=start).exists():
        raise SupervisionError(f"该方案已有从 {start} 开始的同频次调度周期。")
    period = ReportingPeriod.objects.create(
        plan=plan, kind=kind, label=label, start=start, end=end, deadline=deadline
    )
    audit.record(user=actor, action="create", instance=period, after=audit.snapshot(period))
    return period


def _add_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


@transaction.atomic
def generate_periods(
    *, actor: Any, plan: Plan, kind: str, year: int, deadline_days: int
) -> list[ReportingPeriod]:
    """Create a year's monthly or quarterly periods (deadline = end + ``deadline_days``), skipping existing ones.

    Side effects: one audit entry per period created.
    """
    if not 2000 <= year <= 2100:
        raise SupervisionError("年份应在 2000 至 2100 之间。")
    if not 0 <= deadline_days <= 60:
        raise SupervisionError("截止天数应在 0 至 60 天之间。")
    created = []
    if kind == ReportingPeriod.Kind.MONTHLY:
        spans = [(m, m, f"{year}年{m}月") for m in range(1, 13)]
    else:
        spans = [(3 * q - 2, 3 * q, f"{year}年第{q}季度") for q in range(1, 5)]
    for first, last, label in spans:
        start = dt.date(year, first, 1)
        end = dt.date(year, last, calendar.monthrange(year, last)[1])
        if ReportingPeriod.objects.filter(plan=plan, kind=kind, start=start).exists():
            continue
        period = ReportingPeriod.objects.create(
            plan=plan, kind=kind, label=label, start=start, end=end, deadline=_add_days(end, deadline_days)
        )
        audit.record(user=actor, action="create", instance=period, after=audit.snapshot(period))
        created.append(period)
    return created


@transaction.atomic
def update_period(*, actor: Any, period: ReportingPeriod, label: str, deadline: dt.date) -> ReportingPeriod:
    """Rename a period or move its deadline. Side effects: audit entry."""
    if deadline < period.start:
        raise SupervisionError("报送截止日期不能早于开始日期。")
    before = audit.snapshot(period)
    period.label, period.deadline = label, deadline
    period.save()
    audit.record(user=actor, action="update", instance=period, before=before, after=audit.snapshot(period))
    return period


@transaction.atomic
def delete_period(*, actor: Any, period: ReportingPeriod) -> None:
    """Delete a period that has no reports yet. Side effects: audit entry."""
    if period.reports.exists():
        raise SupervisionError("该调度周期已有进展报告，不能删除。")
    before = audit.snapshot(period)
    pk, text = period.pk, str(period)
    period.delete()
    audit.record(
        user=actor,
        action="delete",
        object_type="supervision.ReportingPeriod",
        object_id=pk,
        object_repr=text,
        before=before,
    )


# ---------------------------------------------------------------- reports


def parse_key_figures(text: str) -> list[dict[str, str]]:
    """Parse key figures, one per line: ``名称｜数值｜单位`` (unit optional; ``|`` also accepted).

    Raises SupervisionError naming the line.
    """
    figures = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise SupervisionError(
                f"关键数据第 {n} 行格式不对：“{line}”。每行写“名称｜数值｜单位”，单位可省略。"
            )
        figures.append({"label": parts[0], "value": parts[1], "unit": parts[2] if len(parts) == 3 else ""})
    return figures


def format_key_figures(figures: list[dict[str, str]]) -> str:
    return "\n".join(
        "｜".join(x for x in (f.get("label", ""), f.get("value", ""), f.get("unit", "")) if x)
        for f in figures
    )


@transaction.atomic
def start_report(*, actor: Any, task: Task, period: ReportingPeriod) -> ProgressReport:
    """Open (or return the existing) report of ``task`` for ``period``, owned by the lead department.

    Side effects: audit entry when created.
    """
    if period.plan_id != task.action.plan_id:
        raise SupervisionError("该调度周期不属于此任务所在的方案。")
    existing = ProgressReport.objects.filter(task=task, period=period).first()
    if existing:
        return existing
    lead = lead_department(task)
    if lead is None:
        raise SupervisionError("该任务尚未确定牵头单位，无法填报。")
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(task=task, period=period, department=lead)
    except IntegrityError:
        return ProgressReport.objects.get(task=task, period=period)
    audit.record(user=actor, action="create", instance=report, after=audit.snapshot(report))
    cooperating = task.assignments.filter(role=Assignment.Role.COOPERATING).values_list(
        "department_id", flat=True
    )
    for dept_id in cooperating:
        notify(
            users=department_users(dept_id),
            kind="contribution_requested",
            title=f"请填写任务 {task.code} {period.label}的配合工作情况",
            body=f"牵头单位{lead.name}已开始填报，请在报告提交前填写本单位配合情况。",
            url=reverse("supervision:report_detail", args=[report.pk]),
        )
    return report


@transaction.atomic
def save_report(
    *, actor: Any, report: ProgressReport, status: str, narrative: str, key_figures: list[dict[str, str]]
) -> ProgressReport:
    """Save the draft of a report. Side effects: audit entry."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.editable:
        raise SupervisionError("报告已提交，等待审核期间不能修改。")
    if status not in STATUS_LABELS:
        raise SupervisionError("请选择进展状态。")
    before = audit.snapshot(report)
    report.status, report.narrative, report.key_figures = status, narrative, key_figures
    report.save()
    audit.record(user=actor, action="update", instance=report, before=before, after=audit.snapshot(report))
    return report


def _read_head(upload: UploadedFile) -> tuple[bytes, list[str] | None]:
    upload.seek(0)
    head = upload.read(16)
    names = None
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        names = zip_member_names(upload.file if upload.file is not None else upload)
    upload.seek(0)
    return head, names


def validate_upload(upload: UploadedFile) -> str:
    """Check type (extension and content) and size; returns the kind. Raises SupervisionError."""
    head, names = _read_head(upload)
    try:
        checked = check_document(upload.name or "", upload.size or 0, head, ooxml_names=names)
    except RejectedFile as exc:
        raise SupervisionError(str(exc)) from exc
    return checked.kind


@transaction.atomic
def add_attachment(*, actor: Any, report: ProgressReport, upload: UploadedFile) -> Attachment:
    """Attach a file (lead department while editable, or a cooperating department).

    Side effects: file stored under MEDIA_ROOT; audit entry. The file is removed
    again if the transaction rolls back.
    """
    if not report.editable:
        raise SupervisionError("报告已提交，等待审核期间不能添加附件。")
    kind = validate_upload(upload)
    name = (upload.name or "附件").rsplit("/", 1)[-1][:200]
    att = Attachment(
        report=report,
        department_id=actor.department_id or report.department_id,
        original_name=name,
        kind=kind,
        size_bytes=upload.size or 0,
        uploaded_by=actor,
    )
    att.file.save(name, upload, save=False)
    try:
        att.save()
        audit.record(user=actor, action="create", instance=att, after=audit.snapshot(att))
    except Exception:
        if att.file.name:  # set by att.file.save() above
            att.file.storage.delete(att.file.name)
        raise
    return att


@transaction.atomic
def delete_attachment(*, actor: Any, attachment: Attachment) -> None:
    """Remove an attachment of an editable report. Side effects: audit entry; file deleted after commit."""
    if not attachment.report.editable:
        raise SupervisionError("报告已提交，等待审核期间不能删除附件。")
    for version in attachment.report.versions.order_by("number"):
        if any(a.get("id") == attachment.pk for a in version.snapshot.get("attachments", [])):
            raise SupervisionError(
                f"附件“{attachment.original_name}”已随第{version.number}版提交，版本记录需要保留，不能删除。"
            )
    before = audit.snapshot(attachment)
    pk, text, name, storage = attachment.pk, str(attachment), attachment.file.name, attachment.file.storage
    attachment.delete()
    audit.record(
        user=actor,
        action="delete",
        object_type="supervision.Attachment",
        object_id=pk,
        object_repr=text,
        before=before,
    )
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def save_contribution(*, actor: Any, report: ProgressReport, text: str) -> Contribution:
    """A cooperating department writes (or rewrites) its contribution. Side effects: audit entry."""
    if not report.editable:
        raise SupervisionError("报告已提交，等待审核期间不能修改配合单位报送。")
    if not text.strip():
        raise SupervisionError("请填写本单位的配合工作情况。")
    contribution = Contribution.objects.filter(report=report, department_id=actor.department_id).first()
    before = audit.snapshot(contribution) if contribution else None
    if contribution is None:
        contribution = Contribution(report=report, department_id=actor.department_id)
    contribution.text, contribution.author = text.strip(), actor
    contribution.save()
    audit.record(
        user=actor,
        action="update" if before else "create",
        instance=contribution,
        before=before,
        after=audit.snapshot(contribution),
    )
    return contribution


def report_snapshot(report: ProgressReport) -> dict[str, Any]:
    return {
        "task": f"{report.task.code} {report.task.title}",
        "period": report.period.label,
        "department": report.department.name,
        "status": report.status,
        "status_label": STATUS_LABELS.get(report.status, report.status),
        "narrative": report.narrative,
        "key_figures": report.key_figures,
        "contributions": [
            {"department": c.department.name, "text": c.text}
            for c in report.contributions.select_related("department")
        ],
        "attachments": [
            {"id": a.pk, "name": a.original_name, "kind": a.kind, "size_bytes": a.size_bytes}
            for a in report.attachments.all()
        ],
    }


@transaction.atomic
def submit_report(*, actor: Any, report: ProgressReport) -> ReportVersion:
    """Submit: freeze a new version and hand it to the office.

    Side effects: ReportVersion; state -> submitted; audit entry; notification
    and e-mail to the office users.
    """
    report = (
        ProgressReport.objects.select_for_update()
        .select_related("task", "period", "department")
        .get(pk=report.pk)
    )
    if not report.editable:
        raise SupervisionError("报告已提交，请等待碳达峰办审核。")
    if not report.narrative.strip():
        raise SupervisionError("请先填写工作进展，再提交。")
    before = audit.snapshot(report)
    now = timezone.now()
    number = (report.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ReportVersion.objects.create(
        report=report, number=number, snapshot=report_snapshot(report), submitted_by=actor
    )
    report.state = ProgressReport.State.SUBMITTED
    report.submitted_at, report.submitted_by = now, actor
    if report.first_submitted_at is None:
        report.first_submitted_at = now
    report.save()
    audit.record(
        user=actor,
        action="update",
        instance=report,
        before=before,
        after=audit.snapshot(report),
        note=f"提交第{number}版",
    )
    url = reverse("supervision:report_detail", args=[report.pk])
    notify(
        users=office_users(report.task.action.plan.region),
        kind="report_submitted",
        title=f"{report.department.name}提交了{report.task.code}任务{report.period.label}进展报告（第{number}版）",
        body="请审核。",
        url=url,
    )
    return version


@transaction.atomic
def review_report(*, actor: Any, report: ProgressReport, decision: str, comment: str) -> Review:
    """Approve, or return with comments (required). Side effects: Review; state change;
    audit entry; notification and e-mail to the lead department's users."""
    report = (
        ProgressReport.objects.select_for_update()
        .select_related("task", "period", "department")
        .get(pk=report.pk)
    )
    if report.state != ProgressReport.State.SUBMITTED:
        raise SupervisionError("只有已提交待审核的报告可以审核。")
    if decision not in (Review.Decision.APPROVE, Review.Decision.RETURN):
        raise SupervisionError("请选择审核结果。")
    comment = comment.strip()
    if decision == Review.Decision.RETURN and not comment:
        raise SupervisionError("退回修改时必须填写审核意见。")
    before = audit.snapshot(report)
    version = report.versions.order_by("-number").first()
    review = Review.objects.create(
        report=report, version=version, decision=decision, comment=comment, reviewer=actor
    )
    report.state = (
        ProgressReport.State.APPROVED
        if decision == Review.Decision.APPROVE
        else ProgressReport.State.RETURNED
    )
    report.save()
    audit.record(
        user=actor,
        action="update",
        instance=report,
        before=before,
        after=audit.snapshot(report),
        note=f"审核：{review.get_decision_display()} {comment}"[:500],
    )
    verdict = "已通过审核" if decision == Review.Decision.APPROVE else "被退回修改"
    notify(
        users=department_users(report.department_id),
        kind=f"report_{decision}",
        title=f"{report.task.code}任务{report.period.label}进展报告{verdict}",
        body=f"审核意见：{comment}" if comment else "",
        url=reverse("supervision:report_detail", args=[report.pk]),
    )
    return review


# ---------------------------------------------------------------- status


@transaction.atomic
def override_status(*, actor: Any, task: Task, status: str, reason: str) -> TaskStatusOverride:
    """Office sets a task's status by hand; a reason is required. Side effects: audit entry."""
    reason = reason.strip()
    if not reason:
        raise SupervisionError("人工认定任务状态必须填写理由。")
    if status not in STATUS_LABELS:
        raise SupervisionError("请选择认定状态。")
    now = timezone.now()
    TaskStatusOverride.objects.filter(task=task, cleared_at__isnull=True).update(
        cleared_at=now, cleared_by=actor
    )
    override = TaskStatusOverride.objects.create(task=task, status=status, reason=reason, created_by=actor)
    audit.record(
        user=actor,
        action="create",
        instance=override,
        after=audit.snapshot(override),
        note=f"任务 {task.code} 状态认定为{STATUS_LABELS[status]}",
    )
    return override


@transaction.atomic
def clear_override(*, actor: Any, task: Task) -> int:
    """Return a task to its derived status. Side effects: audit entry per cleared override."""
    now = timezone.now()
    cleared = 0
    for o in TaskStatusOverride.objects.select_for_update().filter(task=task, cleared_at__isnull=True):
        before = audit.snapshot(o)
        o.cleared_at, o.cleared_by = now, actor
        o.save()
        audit.record(
            user=actor,
            action="update",
            instance=o,
            before=before,
            after=audit.snapshot(o),
            note="撤销人工认定",
        )
        cleared += 1
    return cleared


@dataclass
class TaskProgress:
    task: Task
    lead: Department | None
    derived: DerivedStatus
    status: str  # effective status code (override wins)
    override: TaskStatusOverride | None
    latest_report: ProgressReport | None
    period_report: ProgressReport | None
    report_missing: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def overdue(self) -> bool:
        """Past its due date and not completed (an office override to 已完成 clears it)."""
        return self.derived.overdue and self.status != TaskStatus.COMPLETED

    @property
    def stale(self) -> bool:
        """Not updated for longer than the plan's threshold and not completed."""
        return self.derived.stale and self.status != TaskStatus.COMPLETED

    @property
    def derived_label(self) -> str:
        return STATUS_LABELS.get(self.derived.status.value, self.derived.status.value)


def task_progress(
    tasks: Iterable[Task], *, period: ReportingPeriod | None = None, today: dt.date | None = None
) -> list[TaskProgress]:
    """Derived status, flags and the period's report for each task (a handful of queries in total)."""
    today = today or timezone.localdate()
    tasks = list(tasks)
    ids = [t.pk for t in tasks]
    leads: dict[int, Department] = {}
    for a in (
        Assignment.objects.filter(task_id__in=ids, role=Assignment.Role.LEAD)
        .select_related("department")
        .order_by("-order")
    ):
        leads[a.task_id] = a.department
    latest: dict[int, ProgressReport] = {}
    period_reports: dict[int, ProgressReport] = {}
    for r in (
        ProgressReport.objects.filter(task_id__in=ids)
        .select_related("period")
        .order_by("period__start", "id")
    ):
        if r.first_submitted_at is not None:
            latest[r.task_id] = r
        if period is not None and r.period_id == period.pk:
            period_reports[r.task_id] = r
    overrides: dict[int, TaskStatusOverride] = {}
    for o in TaskStatusOverride.objects.filter(task_id__in=ids, cleared_at__isnull=True).order_by(
        "created_at", "id"
    ):
        overrides[o.task_id] = o
    plan_ids = {t.action.plan_id for t in tasks}
    plans = {p.pk: p for p in Plan.objects.filter(pk__in=plan_ids)}
    first_start = {
        pid: ReportingPeriod.objects.filter(plan_id=pid)
        .order_by("start")
        .values_list("start", flat=True)
        .first()
        for pid in plan_ids
    }
    levels = {pid: indicator_link.target_levels(plans[pid]) for pid in plan_ids}
    result = []
    for t in tasks:
        plan = plans[t.action.plan_id]
        rep = latest.get(t.pk)
        lv = levels[plan.pk]
        derived = derive_task_status(
            today=today,
            due_date=t.due_date,
            reported_status=TaskStatus(rep.status) if rep else None,
            last_update=timezone.localdate(rep.submitted_at) if rep and rep.submitted_at else None,
            stale_after_days=plan.stale_after_days,
            started_on=first_start.get(plan.pk),
            indicator_levels=lv.by_task.get(t.pk, []) if lv else (),
        )
        override = overrides.get(t.pk)
        pr = period_reports.get(t.pk)
        missing = (
            period is not None
            and period.deadline < today
            and t.pk in leads
            and (pr is None or pr.first_submitted_at is None)
        )
        result.append(
            TaskProgress(
                t,
                leads.get(t.pk),
                derived,
                override.status if override else derived.status.value,
                override,
                rep,
                pr,
                missing,
            )
        )
    return result


# ---------------------------------------------------------------- notices


def _next_notice_number(today: dt.date) -> str:
    """Next free number of the year: 督办〔2026〕N号 (the unique constraint settles races)."""
    prefix = f"督办〔{today.year}〕"
    count = SupervisionNotice.objects.filter(number__startswith=prefix).count()
    while True:
        count += 1
        number = f"{prefix}{count}号"
        if not SupervisionNotice.objects.filter(number=number).exists():
            return number


def _create_notice(**fields: Any) -> SupervisionNotice:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return SupervisionNotice.objects.create(
                    number=_next_notice_number(timezone.localdate()), **fields
                )
        except IntegrityError:
            continue  # another office user took the number at the same moment
    raise SupervisionError("督办单编号冲突，请重试。")


@transaction.atomic
def issue_notice(
    *,
    actor: Any,
    department: Department,
    title: str,
    body: str,
    answer_due: dt.date,
    task: Task | None = None,
) -> SupervisionNotice:
    """Issue a 督办单. Side effects: audit entry; notification and e-mail to the department's users."""
    if not title.strip() or not body.strip():
        raise SupervisionError("请填写督办事项和督办要求。")
    if answer_due < timezone.localdate():
        raise SupervisionError("答复期限不能早于今天。")
    notice = _create_notice(
        department=department,
        task=task,
        title=title.strip(),
        body=body.strip(),
        answer_due=answer_due,
        issued_by=actor,
    )
    audit.record(user=actor, action="create", instance=notice, after=audit.snapshot(notice))
    notify(
        users=department_users(department.pk),
        kind="notice_issued",
        title=f"督办单 {notice.number}：{notice.title}",
        body=f"请于 {answer_due:%Y-%m-%d} 前答复。\n{notice.body}",
        url=reverse("supervision:notice_detail", args=[notice.pk]),
    )
    return notice


@transaction.atomic
def answer_notice(
    *, actor: Any, notice: SupervisionNotice, text: str, upload: UploadedFile | None = None
) -> SupervisionNotice:
    """The department answers (may answer again until closed). Side effects: audit; notification to office."""
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.state == SupervisionNotice.State.CLOSED:
        raise SupervisionError("督办单已办结，不能再答复。")
    if not text.strip():
        raise SupervisionError("请填写答复内容。")
    if upload is not None:
        validate_upload(upload)
    before = audit.snapshot(notice)
    notice.answer_text = text.strip()
    if upload is not None:
        notice.answer_file_name = (upload.name or "附件")[:200]
        notice.answer_file.save(notice.answer_file_name, upload, save=False)
    notice.state = SupervisionNotice.State.ANSWERED
    notice.answered_by, notice.answered_at = actor, timezone.now()
    notice.save()
    audit.record(
        user=actor,
        action="update",
        instance=notice,
        before=before,
        after=audit.snapshot(notice),
        note="答复督办单",
    )
    notify(
        users=office_users(notice.issued_by_region or notice.region),
        kind="notice_answered",
        title=f"{notice.department.name}已答复督办单 {notice.number}",
        url=reverse("supervision:notice_detail", args=[notice.pk]),
    )
    return notice


@transaction.atomic
def close_notice(*, actor: Any, notice: SupervisionNotice, comment: str) -> SupervisionNotice:
    """Office closes (办结) a notice. Side effects: audit entry; notification to the department."""
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.state == SupervisionNotice.State.CLOSED:
        raise SupervisionError("督办单已办结。")
    before = audit.snapshot(notice)
    notice.state, notice.closed_at, notice.closing_comment = (
        SupervisionNotice.State.CLOSED,
        timezone.now(),
        comment.strip(),
    )
    notice.save()
    audit.record(
        user=actor,
        action="update",
        instance=notice,
        before=before,
        after=audit.snapshot(notice),
        note="办结督办单",
    )
    notify(
        users=department_users(notice.department_id),
        kind="notice_closed",
        title=f"督办单 {notice.number} 已办结",
        body=notice.closing_comment,
        url=reverse("supervision:notice_detail", args=[notice.pk]),
    )
    return notice


# ---------------------------------------------------------------- assessment


@transaction.atomic
def set_weights(*, actor: Any, reporting: Any, task_status: Any, targets: Any) -> AssessmentWeights:
    """Office edits the assessment weights. Side effects: audit entry."""
    try:
        engine_assessment.Weights(float(reporting), float(task_status), float(targets))
    except ValueError as exc:
        raise SupervisionError("权重不能为负数，且至少有一项大于 0。") from exc
    weights = AssessmentWeights.current(getattr(actor, "region", None))
    before = audit.snapshot(weights)
    weights.reporting, weights.task_status, weights.targets, weights.updated_by = (
        reporting,
        task_status,
        targets,
        actor,
    )
    weights.save()
    audit.record(user=actor, action="update", instance=weights, before=before, after=audit.snapshot(weights))
    return weights


@dataclass
class AssessmentRow:
    department: Department
    score: engine_assessment.DepartmentScore
    reports_due: int
    reports_on_time: int
    tasks: int
    lagging: int


@dataclass
class Assessment:
    plan: Plan | None
    rows: list[AssessmentRow]
    weights: AssessmentWeights
    targets_available: bool
    as_of: dt.date


def assess(*, plan: Plan | None = None, today: dt.date | None = None) -> Assessment:
    """Score every department that leads a task of ``plan`` (default: the current plan)."""
    today = today or timezone.localdate()
    plan = plan or current_plan()
    weights = AssessmentWeights.current(plan.region if plan is not None else None)
    if plan is None:
        return Assessment(None, [], weights, False, today)
    tasks = list(Task.objects.filter(action__plan=plan).select_related("action"))
    progress = task_progress(tasks, today=today)
    past_periods = list(ReportingPeriod.objects.filter(plan=plan, deadline__lt=today))
    first_submitted = {
        (r.task_id, r.period_id): r.first_submitted_at
        for r in ProgressReport.objects.filter(period__in=past_periods).only(
            "task_id", "period_id", "first_submitted_at"
        )
    }
    levels = indicator_link.target_levels(plan)
    per_dept: dict[int, dict[str, Any]] = defaultdict(lambda: {"due": 0, "on_time": 0, "statuses": []})
    departments: dict[int, Department] = {}
    for p in progress:
        if p.lead is None:
            continue
        departments[p.lead.pk] = p.lead
        d = per_dept[p.lead.pk]
        d["statuses"].append(TaskStatus(p.status))
        for period in past_periods:
            d["due"] += 1
            at = first_submitted.get((p.task.pk, period.pk))
            if is_on_time(submitted_on=timezone.localdate(at) if at else None, deadline=period.deadline):
                d["on_time"] += 1
    w = engine_assessment.Weights(
        float(weights.reporting), float(weights.task_status), float(weights.targets)
    )
    scores = []
    for dept_id, d in per_dept.items():
        # A department without linked targets has no target component (None), not a zero.
        target_levels = (levels.by_department.get(dept_id) or None) if levels else None
        scores.append(
            engine_assessment.department_score(
                engine_assessment.DepartmentInput(
                    str(dept_id), d["due"], d["on_time"], d["statuses"], target_levels
                ),
                w,
            )
        )
    rows = []
    for s in engine_assessment.rank(scores):
        d = per_dept[int(s.key)]
        rows.append(
            AssessmentRow(
                departments[int(s.key)],
                s,
                d["due"],
                d["on_time"],
                len(d["statuses"]),
                sum(1 for x in d["statuses"] if x == TaskStatus.LAGGING),
            )
        )
    return Assessment(plan, rows, weights, levels is not None, today)


# ---------------------------------------------------------------- reminders


@dataclass
class ReminderResult:
    sent: dict[str, int]
    skipped: int
    failed: int


def _remind_once(
    *,
    kind: str,
    object_key: str,
    period_key: str,
    users: Iterable[Any],
    title: str,
    body: str,
    url: str,
    counts: dict[str, int],
) -> tuple[int, int]:
    skipped = failed = 0
    for user in users:
        try:
            with transaction.atomic():
                entry, created = ReminderLog.objects.get_or_create(
                    kind=kind, object_key=object_key, period_key=period_key, recipient=user
                )
                if not created:
                    skipped += 1
                    continue
                notify(users=[user], kind=kind, title=title, body=body, url=url)
                entry.emailed = bool(user.email)
                entry.save(update_fields=["emailed"])
        except IntegrityError:  # another `remind` run got there first
            skipped += 1
            continue
        except Exception:  # database trouble: roll back this one, retry next run
            log.exception("reminder %s %s to %s failed", kind, object_key, user)
            failed += 1
            continue
        counts[kind] = counts.get(kind, 0) + 1
    return skipped, failed


def send_reminders(*, today: dt.date | None = None, due_soon_days: int = 5) -> ReminderResult:
    """Send every reminder that is due and not yet sent (see ReminderLog). Safe to run from cron.

    Kinds: ``report_due_soon``, ``report_missing``, ``task_overdue``, ``task_stale``,
    ``notice_unanswered``. Side effects: ReminderLog, Notification, e-mail.
    """
    today = today or timezone.localdate()
    counts: dict[str, int] = {}
    skipped = failed = 0

    def run(**kwargs: Any) -> None:
        nonlocal skipped, failed
        s, f = _remind_once(counts=counts, **kwargs)
        skipped += s
        failed += f

    for plan in Plan.objects.all():
        tasks = list(Task.objects.filter(action__plan=plan).select_related("action"))
        periods = list(ReportingPeriod.objects.filter(plan=plan, start__lte=today))
        submitted = {
            (r.task_id, r.period_id)
            for r in ProgressReport.objects.filter(period__in=periods, first_submitted_at__isnull=False)
        }
        progress = task_progress(tasks, today=today)
        # Missing reports are chased for the latest closed round of each kind only: older gaps
        # were chased when they were the latest, and re-sending them would bury the current ones.
        latest_closed: dict[str, int] = {}
        for period in sorted(periods, key=lambda x: x.deadline):
            if period.deadline < today:
                latest_closed[period.kind] = period.pk
        for period in periods:
            soon = today <= period.deadline <= today + dt.timedelta(days=due_soon_days)
            late = period.deadline < today and latest_closed.get(period.kind) == period.pk
            if not (soon or late):
                continue
            for p in progress:
                if p.lead is None or (p.task.pk, period.pk) in submitted:
                    continue
                url = reverse("supervision:task_detail", args=[p.task.pk])
                if soon:
                    run(
                        kind="report_due_soon",
                        object_key=f"task:{p.task.pk}",
                        period_key=f"period:{period.pk}",
                        users=department_users(p.lead.pk),
                        title=f"{period.label}进展报告将于 {period.deadline:%Y-%m-%d} 截止：任务 {p.task.code}",
                        body=f"任务：{p.task}\n请在截止日期前填报并提交。",
                        url=url,
                    )
                else:
                    run(
                        kind="report_missing",
                        object_key=f"task:{p.task.pk}",
                        period_key=f"period:{period.pk}",
                        users=department_users(p.lead.pk),
                        title=f"逾期未报：任务 {p.task.code} {period.label}进展报告（截止 {period.deadline:%Y-%m-%d}）",
                        body=f"任务：{p.task}\n请尽快填报并提交。",
                        url=url,
                    )
        current = current_period(plan, today)
        round_key = f"period:{current.pk}" if current else ""
        for p in progress:
            if p.lead is None:
                continue
            url = reverse("supervision:task_detail", args=[p.task.pk])
            if p.derived.overdue and p.status != TaskStatus.COMPLETED:
                run(
                    kind="task_overdue",
                    object_key=f"task:{p.task.pk}",
                    period_key=round_key,
                    users=department_users(p.lead.pk),
                    title=f"任务 {p.task.code} 已超过完成时限（{p.task.due_date:%Y-%m-%d}）",
                    body=f"任务：{p.task}\n请报告进展并说明原因。",
                    url=url,
                )
            if p.derived.stale and p.status != TaskStatus.COMPLETED:
                run(
                    kind="task_stale",
                    object_key=f"task:{p.task.pk}",
                    period_key=round_key,
                    users=department_users(p.lead.pk),
                    title=f"任务 {p.task.code} 已超过 {plan.stale_after_days} 天未更新进展",
                    body=f"任务：{p.task}\n请及时报送进展。",
                    url=url,
                )
    for notice in SupervisionNotice.objects.filter(
        state=SupervisionNotice.State.ISSUED, answer_due__lt=today
    ):
        run(
            kind="notice_unanswered",
            object_key=f"notice:{notice.pk}",
            period_key="",
            users=department_users(notice.department_id),
            title=f"督办单 {notice.number} 已超过答复期限（{notice.answer_due:%Y-%m-%d}）",
            body=f"督办事项：{notice.title}\n请尽快答复。",
            url=reverse("supervision:notice_detail", args=[notice.pk]),
        )
    return ReminderResult(counts, skipped, failed)
