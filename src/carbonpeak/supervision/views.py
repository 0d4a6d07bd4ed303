"""Supervision pages. Views check role and ownership, call services, render; no arithmetic here."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core.models import AuditEntry, Notification, object_type_label
from carbonpeak.core.permissions import can, require, rule_required
from carbonpeak.plans.models import Plan, Task
from carbonpeak.supervision import dispatch, exports, forms, services
from carbonpeak.supervision.models import (
    Attachment,
    ProgressReport,
    ReportingPeriod,
    SupervisionNotice,
    TaskStatusOverride,
)

SAMPLE_NOTE = "示例数据，仅供演示"


def _require(request: HttpRequest, perm: str, obj=None, message: str = "您无权执行此操作。") -> None:
    """Refuse with 403 unless the user holds ``perm`` on ``obj`` (default: the region being viewed)."""
    require(request.user, perm, obj if obj is not None else getattr(request, "region", None), message)


def _selected_plan(request: HttpRequest) -> Plan | None:
    """The plan asked for among the viewed region's plans, else the region's current plan."""
    region = getattr(request, "region", None)
    plan_id = request.GET.get("plan")
    if plan_id and plan_id.isdigit():
        found = Plan.objects.visible_to(request.user).in_region(region).filter(pk=plan_id).first()
        return found or services.current_plan(region)
    return services.current_plan(region)


def _selected_period(request: HttpRequest, plan: Plan | None) -> ReportingPeriod | None:
    pid = request.GET.get("period")
    if plan is not None and pid and pid.isdigit():
        found = ReportingPeriod.objects.filter(pk=pid, plan=plan).first()
        if found:
            return found
    return services.current_period(plan)


def _get_task(request: HttpRequest, pk: int) -> Task:
    return get_object_or_404(services.visible_tasks(request.user), pk=pk)


def _get_report(request: HttpRequest, pk: int) -> ProgressReport:
    return get_object_or_404(services.visible_reports(request.user), pk=pk)


# ---------------------------------------------------------------- index


def _index_rows(request: AuthenticatedHttpRequest):
    plan = _selected_plan(request)
    period = _selected_period(request, plan)
    tasks = services.visible_tasks(request.user)
    if plan is not None:
        tasks = tasks.filter(action__plan=plan)
    rows = services.task_progress(tasks.order_by("action__number", "number"), period=period)
    flt = request.GET.get("flag", "")
    if flt == "overdue":
        rows = [r for r in rows if r.derived.overdue and r.status != "completed"]
    elif flt == "stale":
        rows = [r for r in rows if r.derived.stale and r.status != "completed"]
    elif flt == "missing":
        rows = [r for r in rows if r.report_missing]
    elif flt == "mine" and request.user.department_id:
        rows = [r for r in rows if r.lead and r.lead.pk == request.user.department_id]
    elif flt == "pending":
        # Tasks with a report waiting for review (any period): where the 待审核报告 card leads.
        pending = set(
            ProgressReport.objects.filter(state=ProgressReport.State.SUBMITTED, task__in=tasks).values_list(
                "task_id", flat=True
            )
        )
        rows = [r for r in rows if r.task.pk in pending]
    return plan, period, rows, flt


@rule_required("supervision.view")
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan, period, rows, flt = _index_rows(request)
    periods = ReportingPeriod.objects.filter(plan=plan) if plan else ReportingPeriod.objects.none()
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()
    open_notices = (
        services.visible_notices(request.user).exclude(state=SupervisionNotice.State.CLOSED).count()
    )
    pending_review = (
        ProgressReport.objects.in_region(getattr(request, "region", None))
        .filter(state=ProgressReport.State.SUBMITTED)
        .count()
        if can(request.user, "supervision.manage_periods")
        else 0
    )
    return render(
        request,
        "supervision/index.html",
        {
            "plan": plan,
            "plans": Plan.objects.visible_to(request.user).in_region(getattr(request, "region", None)),
            "period": period,
            "periods": periods,
            "rows": rows,
            "flag": flt,
            "unread": unread,
            "open_notices": open_notices,
            "pending_review": pending_review,
            "today": timezone.localdate(),
            "any_sample": any(r.period_report and r.period_report.illustrative for r in rows),
            "sample_note": SAMPLE_NOTE,
        },
    )


@rule_required("supervision.view")
def index_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan, period, rows, _ = _index_rows(request)
    data = exports.workbook(
        "任务进展",
        [
            "编号",
            "任务",
            "牵头单位",
            "完成时限",
            "状态",
            "系统判定",
            "人工认定理由",
            "逾期",
            "停滞",
            "本期报告",
            "本期未按时报送",
            "情况说明",
        ],
        (
            [
                r.task.code,
                r.task.title,
                r.lead.name if r.lead else "",
                r.task.due_date,
                r.status_label,
                r.derived_label,
                r.override.reason if r.override else "",
                "是" if r.derived.overdue and r.status != "completed" else "",
                "是" if r.derived.stale and r.status != "completed" else "",
                r.period_report.get_state_display() if r.period_report else "未填报",
                "是" if r.report_missing else "",
                "；".join(r.derived.reasons),
            ]
            for r in rows
        ),
        note=f"调度周期：{period.label if period else '—'}；导出时间：{timezone.localtime():%Y-%m-%d %H:%M}",
    )
    return exports.download(data, f"任务进展-{period.label if period else ''}.xlsx")


# ---------------------------------------------------------------- tasks


@rule_required("supervision.view")
def task_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = _get_task(request, pk)
    progress = services.task_progress([task])[0]
    periods = list(ReportingPeriod.objects.filter(plan_id=task.action.plan_id).order_by("-start"))
    reports = {r.period_id: r for r in task.reports.all()}
    overrides = TaskStatusOverride.objects.filter(task=task).select_related("created_by", "cleared_by")
    return render(
        request,
        "supervision/task_detail.html",
        {
            "task": task,
            "p": progress,
            "period_rows": [(period, reports.get(period.pk)) for period in periods],
            "assignments": task.assignments.select_related("department"),
            "overrides": overrides,
            "can_file": can(request.user, "supervision.file_report", task),
            "can_override": can(request.user, "supervision.override_status"),
            "override_form": forms.OverrideForm(),
            "today": timezone.localdate(),
        },
    )


@rule_required("supervision.override_status")
@require_POST
def task_override(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = _get_task(request, pk)
    form = forms.OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "人工认定任务状态必须选择状态并填写理由。")
        return redirect("supervision:task_detail", pk=task.pk)
    try:
        services.override_status(actor=request.user, task=task, **form.cleaned_data)
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已记录人工认定的任务状态。")
    return redirect("supervision:task_detail", pk=task.pk)


@rule_required("supervision.override_status")
@require_POST
def task_override_clear(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = _get_task(request, pk)
    services.clear_override(actor=request.user, task=task)
    messages.success(request, "已撤销人工认定，任务恢复为系统判定状态。")
    return redirect("supervision:task_detail", pk=task.pk)


@rule_required("supervision.view")
def report_open(request: AuthenticatedHttpRequest, task_id: int, period_id: int) -> HttpResponse:
    task = _get_task(request, task_id)
    period = get_object_or_404(ReportingPeriod, pk=period_id, plan_id=task.action.plan_id)
    existing = ProgressReport.objects.filter(task=task, period=period).first()
    if existing:
        return redirect("supervision:report_detail", pk=existing.pk)
    if not can(request.user, "supervision.file_report", task):
        return render(request, "supervision/report_none.html", {"task": task, "period": period})
    if request.method == "POST":
        try:
            report = services.start_report(actor=request.user, task=task, period=period)
        except services.SupervisionError as exc:
            messages.error(request, str(exc))
            return redirect("supervision:task_detail", pk=task.pk)
        return redirect("supervision:report_edit", pk=report.pk)
    return render(request, "supervision/report_none.html", {"task": task, "period": period, "can_file": True})


# ---------------------------------------------------------------- reports


@rule_required("supervision.view")
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    user = request.user
    own_contribution = (
        report.contributions.filter(department_id=user.department_id).first() if user.department_id else None
    )
    return render(
        request,
        "supervision/report_detail.html",
        {
            "report": report,
            "contributions": report.contributions.select_related("department", "author"),
            "attachments": report.attachments.select_related("department", "uploaded_by"),
            "reviews": report.reviews.select_related("reviewer", "version"),
            "versions": report.versions.select_related("submitted_by"),
            "can_edit": can(user, "supervision.edit_report", report),
            "can_contribute": can(user, "supervision.contribute", report),
            "can_review": can(user, "supervision.review_report", report),
            "contribution_form": forms.ContributionForm(
                initial={"text": own_contribution.text if own_contribution else ""}
            ),
            "attachment_form": forms.AttachmentForm(),
            "review_form": forms.ReviewForm(),
            "sample_note": SAMPLE_NOTE,
        },
    )


@rule_required("supervision.view")
def report_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    _require(request, "supervision.edit_report", report, "只有牵头单位可以在草稿或退回状态下修改报告。")
    if request.method == "POST":
        form = forms.ReportForm(request.POST)
        if form.is_valid():
            try:
                figures = services.parse_key_figures(form.cleaned_data["key_figures"])
                services.save_report(
                    actor=request.user,
                    report=report,
                    status=form.cleaned_data["status"],
                    narrative=form.cleaned_data["narrative"],
                    key_figures=figures,
                )
                if request.POST.get("submit") == "1":
                    version = services.submit_report(actor=request.user, report=report)
                    messages.success(request, f"报告已提交（第{version.number}版），等待碳达峰办审核。")
                else:
                    messages.success(request, "草稿已保存。")
                return redirect("supervision:report_detail", pk=report.pk)
            except services.SupervisionError as exc:
                form.add_error(None, str(exc))
    else:
        form = forms.ReportForm(
            initial={
                "status": report.status,
                "narrative": report.narrative,
                "key_figures": services.format_key_figures(report.key_figures),
            }
        )
    last_return = report.reviews.filter(decision="return").first()
    return render(
        request, "supervision/report_edit.html", {"report": report, "form": form, "last_return": last_return}
    )


@rule_required("supervision.view")
@require_POST
def report_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    _require(request, "supervision.edit_report", report, "只有牵头单位可以提交报告。")
    try:
        version = services.submit_report(actor=request.user, report=report)
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"报告已提交（第{version.number}版），等待碳达峰办审核。")
    return redirect("supervision:report_detail", pk=report.pk)


@rule_required("supervision.view")
@require_POST
def report_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    # The county's office reviews; a city office may only return (退回) a county's report.
    perm = (
        "supervision.return_report"
        if request.POST.get("decision") == "return"
        else "supervision.review_report"
    )
    _require(request, perm, report, "只有碳达峰办可以审核已提交的报告。")
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审核结果。")
        return redirect("supervision:report_detail", pk=report.pk)
    try:
        services.review_report(actor=request.user, report=report, **form.cleaned_data)
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "审核结果已记录并通知牵头单位。")
    return redirect("supervision:report_detail", pk=report.pk)


@rule_required("supervision.view")
@require_POST
def report_contribution(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    _require(request, "supervision.contribute", report, "只有配合单位可以在报告提交前填写配合情况。")
    form = forms.ContributionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写本单位的配合工作情况。")
    else:
        try:
            services.save_contribution(actor=request.user, report=report, text=form.cleaned_data["text"])
        except services.SupervisionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "配合情况已保存。")
    return redirect("supervision:report_detail", pk=report.pk)


@rule_required("supervision.view")
@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    if not (
        can(request.user, "supervision.edit_report", report)
        or can(request.user, "supervision.contribute", report)
    ):
        raise PermissionDenied("只有牵头单位或配合单位可以在报告提交前上传附件。")
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件。")
    else:
        try:
            att = services.add_attachment(actor=request.user, report=report, upload=form.cleaned_data["file"])
        except services.SupervisionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"附件“{att.original_name}”已上传。")
    return redirect("supervision:report_detail", pk=report.pk)


def _visible_attachment(request: HttpRequest, pk: int) -> Attachment:
    att = get_object_or_404(Attachment.objects.visible_to(request.user).select_related("report"), pk=pk)
    if not services.visible_reports(request.user).filter(pk=att.report_id).exists():
        raise Http404
    return att


@rule_required("supervision.view")
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    att = _visible_attachment(request, pk)
    try:
        fh = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("附件文件不存在") from exc
    return FileResponse(fh, as_attachment=True, filename=att.original_name)


@rule_required("supervision.view")
@require_POST
def attachment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    att = _visible_attachment(request, pk)
    report = att.report
    allowed = can(request.user, "supervision.edit_report", report) or (
        can(request.user, "supervision.contribute", report)
        and att.department_id == request.user.department_id
    )
    if not allowed:
        raise PermissionDenied("您无权删除此附件。")
    try:
        services.delete_attachment(actor=request.user, attachment=att)
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "附件已删除。")
    return redirect("supervision:report_detail", pk=report.pk)


@rule_required("supervision.view")
def report_version(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    report = _get_report(request, pk)
    version = get_object_or_404(report.versions, number=number)
    return render(
        request,
        "supervision/report_version.html",
        {"report": report, "version": version, "s": version.snapshot, "reviews": version.reviews.all()},
    )


# ---------------------------------------------------------------- periods


@rule_required("supervision.view")
def period_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    can_manage = can(request.user, "supervision.manage_periods")
    plan = services.current_plan(getattr(request, "region", None))
    region = getattr(request, "region", None)
    create_form = forms.PeriodForm(initial={"plan": plan}, region=region)
    generate_form = forms.GenerateForm(
        initial={"plan": plan, "year": timezone.localdate().year, "kind": ReportingPeriod.Kind.QUARTERLY},
        region=region,
    )
    if request.method == "POST":
        _require(request, "supervision.manage_periods")
        try:
            if request.POST.get("action") == "generate":
                generate_form = forms.GenerateForm(request.POST, region=region)
                if generate_form.is_valid():
                    created = services.generate_periods(actor=request.user, **generate_form.cleaned_data)
                    messages.success(request, f"已生成 {len(created)} 个调度周期（已有的周期不重复生成）。")
                    return redirect("supervision:periods")
            else:
                create_form = forms.PeriodForm(request.POST, region=region)
                if create_form.is_valid():
                    services.create_period(actor=request.user, **create_form.cleaned_data)
                    messages.success(request, "调度周期已创建。")
                    return redirect("supervision:periods")
        except services.SupervisionError as exc:
            messages.error(request, str(exc))
    periods = (
        ReportingPeriod.objects.in_region(getattr(request, "region", None))
        .select_related("plan")
        .order_by("-start")
    )
    return render(
        request,
        "supervision/periods.html",
        {
            "periods": periods,
            "can_manage": can_manage,
            "create_form": create_form,
            "generate_form": generate_form,
            "today": timezone.localdate(),
        },
    )


@rule_required("supervision.manage_periods")
def period_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(ReportingPeriod.objects.visible_to(request.user), pk=pk)
    form = forms.PeriodEditForm(
        request.POST or None, initial={"label": period.label, "deadline": period.deadline}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_period(actor=request.user, period=period, **form.cleaned_data)
        except services.SupervisionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "调度周期已保存。")
            return redirect("supervision:periods")
    return render(request, "supervision/period_edit.html", {"form": form, "period": period})


@rule_required("supervision.manage_periods")
@require_POST
def period_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(ReportingPeriod.objects.visible_to(request.user), pk=pk)
    try:
        services.delete_period(actor=request.user, period=period)
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "调度周期已删除。")
    return redirect("supervision:periods")


# ---------------------------------------------------------------- notices


def _notice_rows(request: HttpRequest):
    qs = services.visible_notices(request.user)
    state = request.GET.get("state", "")
    if state in SupervisionNotice.State.values:
        qs = qs.filter(state=state)
    return qs, state


@rule_required("supervision.view")
def notice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs, state = _notice_rows(request)
    return render(
        request,
        "supervision/notices.html",
        {
            "notices": qs,
            "state": state,
            "states": SupervisionNotice.State.choices,
            "today": timezone.localdate(),
            "can_issue": can(request.user, "supervision.issue_notice"),
            "sample_note": SAMPLE_NOTE,
        },
    )


@rule_required("supervision.view")
def notice_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs, _ = _notice_rows(request)
    today = timezone.localdate()
    data = exports.workbook(
        "督办单",
        [
            "编号",
            "督办单位",
            "相关任务",
            "督办事项",
            "督办要求",
            "下发时间",
            "答复期限",
            "状态",
            "是否逾期",
            "答复内容",
            "答复时间",
            "办结意见",
            "示例数据",
        ],
        (
            [
                n.number,
                n.department.name,
                n.task.code if n.task else "",
                n.title,
                n.body,
                timezone.localtime(n.issued_at).strftime("%Y-%m-%d"),
                n.answer_due,
                n.get_state_display(),
                "是" if n.state == "issued" and n.answer_due < today else "",
                n.answer_text,
                timezone.localtime(n.answered_at).strftime("%Y-%m-%d %H:%M") if n.answered_at else "",
                n.closing_comment,
                SAMPLE_NOTE if n.illustrative else "",
            ]
            for n in qs
        ),
    )
    return exports.download(data, "督办单.xlsx")


@rule_required("supervision.issue_notice")
def notice_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial: dict[str, object] = {"answer_due": timezone.localdate() + dt.timedelta(days=10)}
    task_id = request.GET.get("task")
    if task_id and task_id.isdigit():
        task = Task.objects.in_region(getattr(request, "region", None)).filter(pk=task_id).first()
        if task:
            lead = services.lead_department(task)
            initial.update(
                {"task": task, "department": lead, "title": f"关于加快推进任务 {task.code} 的督办"}
            )
    form = forms.NoticeForm(request.POST or None, initial=initial, region=getattr(request, "region", None))
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.issue_notice(actor=request.user, **form.cleaned_data)
        except services.SupervisionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"督办单 {notice.number} 已下发。")
            return redirect("supervision:notice_detail", pk=notice.pk)
    return render(request, "supervision/notice_form.html", {"form": form})


def _get_notice(request: HttpRequest, pk: int) -> SupervisionNotice:
    return get_object_or_404(services.visible_notices(request.user), pk=pk)


@rule_required("supervision.view")
def notice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = _get_notice(request, pk)
    return render(
        request,
        "supervision/notice_detail.html",
        {
            "notice": notice,
            "today": timezone.localdate(),
            "can_answer": can(request.user, "supervision.answer_notice", notice),
            "can_close": can(request.user, "supervision.close_notice", notice),
            "answer_form": forms.AnswerForm(initial={"text": notice.answer_text}),
            "close_form": forms.CloseForm(),
            "sample_note": SAMPLE_NOTE,
        },
    )


@rule_required("supervision.view")
@require_POST
def notice_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = _get_notice(request, pk)
    _require(request, "supervision.answer_notice", notice, "只有被督办单位可以答复未办结的督办单。")
    form = forms.AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请填写答复内容。")
    else:
        try:
            services.answer_notice(
                actor=request.user,
                notice=notice,
                text=form.cleaned_data["text"],
                upload=form.cleaned_data.get("file"),
            )
        except services.SupervisionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "答复已提交。")
    return redirect("supervision:notice_detail", pk=notice.pk)


@rule_required("supervision.view")
@require_POST
def notice_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = _get_notice(request, pk)
    _require(request, "supervision.close_notice", notice, "只有碳达峰办可以办结督办单。")
    form = forms.CloseForm(request.POST)
    form.is_valid()
    try:
        services.close_notice(actor=request.user, notice=notice, comment=form.cleaned_data.get("comment", ""))
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "督办单已办结。")
    return redirect("supervision:notice_detail", pk=notice.pk)


@rule_required("supervision.view")
def notice_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    notice = _get_notice(request, pk)
    if not notice.answer_file:
        raise Http404
    try:
        fh = notice.answer_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(fh, as_attachment=True, filename=notice.answer_file_name or "答复附件")


# ---------------------------------------------------------------- notifications


@rule_required("supervision.view")
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs = Notification.objects.filter(recipient=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/notifications.html",
        {
            "page": page,
            "unread": qs.filter(read_at__isnull=True).count(),
        },
    )


@rule_required("supervision.view")
@require_POST
def notification_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    nid = request.POST.get("id")
    services.mark_read(user=request.user, notification_id=int(nid) if nid and nid.isdigit() else None)
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("supervision:notifications")


# ---------------------------------------------------------------- assessment


@rule_required("supervision.view_assessment")
def assessment(request: AuthenticatedHttpRequest) -> HttpResponse:
    result = services.assess(plan=_selected_plan(request))
    w = result.weights
    form = forms.WeightsForm(
        initial={"reporting": w.reporting, "task_status": w.task_status, "targets": w.targets}
    )
    return render(
        request,
        "supervision/assessment.html",
        {
            "a": result,
            "form": form,
            "can_edit": can(request.user, "supervision.edit_weights"),
            "plans": Plan.objects.visible_to(request.user).in_region(getattr(request, "region", None)),
        },
    )


@rule_required("supervision.edit_weights")
@require_POST
def assessment_weights(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.WeightsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "权重应为 0 至 100 之间的数字。")
    else:
        try:
            services.set_weights(actor=request.user, **form.cleaned_data)
        except services.SupervisionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "考核权重已保存，排名已按新权重重新计算。")
    return redirect("supervision:assessment")


def _fmt(v):
    return None if v is None else round(v, 1)


@rule_required("supervision.view_assessment")
def assessment_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    a = services.assess(plan=_selected_plan(request))
    note = f"权重：按时报送 {a.weights.reporting}，任务进展 {a.weights.task_status}，目标完成 {a.weights.targets}；计算日期 {a.as_of}"
    if not a.targets_available:
        note += "；指标数据未接入，目标完成项暂不计分"
    data = exports.workbook(
        "考核排名",
        [
            "名次",
            "部门",
            "应报次数",
            "按时报送次数",
            "按时报送率",
            "牵头任务数",
            "滞后任务数",
            "任务进展得分",
            "目标完成得分",
            "综合得分",
        ],
        (
            [
                r.score.rank,
                r.department.name,
                r.reports_due,
                r.reports_on_time,
                _fmt(r.score.reporting),
                r.tasks,
                r.lagging,
                _fmt(r.score.task_status),
                _fmt(r.score.targets),
                _fmt(r.score.total),
            ]
            for r in a.rows
        ),
        note=note,
    )
    return exports.download(data, f"考核排名-{a.as_of}.xlsx")


# ---------------------------------------------------------------- dispatch report


@rule_required("supervision.dispatch_report")
def dispatch_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    periods = (
        ReportingPeriod.objects.in_region(getattr(request, "region", None))
        .select_related("plan")
        .order_by("-start")
    )
    return render(request, "supervision/dispatch.html", {"periods": periods})


@rule_required("supervision.dispatch_report")
def dispatch_docx(request: AuthenticatedHttpRequest, period_id: int) -> HttpResponse:
    period = get_object_or_404(
        ReportingPeriod.objects.visible_to(request.user).select_related("plan"), pk=period_id
    )
    data = dispatch.build_dispatch_report(period=period)
    return exports.download(data, f"调度报告-{period.label}.docx", exports.DOCX)


# ---------------------------------------------------------------- audit log


def _audit_rows(request: HttpRequest):
    # An office reads the entries of its own region and the regions below it.
    region = getattr(request, "region", None)
    qs = (
        AuditEntry.objects.filter(region__path__startswith=region.path)
        if region
        else AuditEntry.objects.none()
    )
    g = request.GET
    if g.get("action") in AuditEntry.Action.values:
        qs = qs.filter(action=g["action"])
    if g.get("type"):
        qs = qs.filter(object_type=g["type"])
    if g.get("user"):
        qs = qs.filter(username__icontains=g["user"].strip())
    if g.get("q"):
        qs = qs.filter(object_repr__icontains=g["q"].strip())
    for key, lookup in (("from", "at__date__gte"), ("to", "at__date__lte")):
        try:
            if g.get(key):
                qs = qs.filter(**{lookup: dt.date.fromisoformat(g[key])})
        except ValueError:
            messages.error(request, f"日期“{g[key]}”格式不对，应为 YYYY-MM-DD。")
    return qs


@rule_required("supervision.view_audit")
@require_safe
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs = _audit_rows(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    types = [
        (t, object_type_label(t))
        for t in AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/audit.html",
        {
            "page": page,
            "types": types,
            "actions": AuditEntry.Action.choices,
            "g": request.GET,
            "query": query.urlencode(),
        },
    )


@rule_required("supervision.view_audit")
@require_safe
def audit_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    import json

    qs = _audit_rows(request)[:50000]
    data = exports.workbook(
        "审计日志",
        ["时间", "操作人", "操作", "对象类型", "对象编号", "对象", "修改前", "修改后", "说明"],
        (
            [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.username,
                e.get_action_display(),
                e.object_type_label,
                e.object_id,
                e.object_repr,
                json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
                json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
                e.note,
            ]
            for e in qs
        ),
    )
    return exports.download(data, f"审计日志-{timezone.localdate()}.xlsx")
