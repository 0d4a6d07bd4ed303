"""Pages of the plan ledger. Views only fetch, check and render; work is in services."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core import audit
from carbonpeak.core.excel import table_workbook, xlsx_response
from carbonpeak.core.permissions import can, rule_required
from carbonpeak.engine.plantext import PlanParseError, read_document
from carbonpeak.plans import ledger_excel, services
from carbonpeak.plans.forms import AliasForm, LedgerUploadForm, PlanUploadForm
from carbonpeak.plans.models import Assignment, Department, DepartmentAlias, Plan, Target, Task

VIEW = "plans.view_ledger"
MANAGE = "plans.manage_ledger"


def _plan_or_none(request: HttpRequest) -> Plan | None:
    plan_id = request.GET.get("plan")
    if plan_id and plan_id.isdigit():
        return Plan.objects.filter(pk=int(plan_id)).first()
    return services.current_plan()


@rule_required(VIEW)
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = _plan_or_none(request)
    context: dict = {"plan": plan, "plans": Plan.objects.all()}
    if plan is not None:
        context["actions"] = plan.actions.annotate(task_count=Count("tasks")).order_by("number")
        context["task_count"] = Task.objects.filter(action__plan=plan).count()
        context["target_count"] = plan.targets.count()
        context["department_count"] = (
            Department.objects.filter(assignments__task__action__plan=plan).distinct().count()
        )
    return render(request, "plans/overview.html", context)


@rule_required(VIEW)
def ledger(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = _plan_or_none(request)
    if plan is None:
        return render(request, "plans/ledger.html", {"plan": None})
    action = request.GET.get("action", "")
    department_id = request.GET.get("department", "")
    role = request.GET.get("role", "")
    department = Department.objects.filter(pk=int(department_id)).first() if department_id.isdigit() else None
    tasks = services.ledger_tasks(
        plan,
        action_number=int(action) if action.isdigit() else None,
        department=department,
        role=role or None,
    )
    rows = [{"task": t, "leads": services.leads(t), "cooperating": services.cooperating(t)} for t in tasks]
    context = {
        "plan": plan,
        "rows": rows,
        "actions": plan.actions.order_by("number"),
        "departments": Department.objects.filter(assignments__task__action__plan=plan)
        .distinct()
        .order_by("order", "name"),
        "roles": Assignment.Role.choices,
        "selected": {"action": action, "department": department_id, "role": role},
    }
    return render(request, "plans/ledger.html", context)


@rule_required(VIEW)
def ledger_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = _plan_or_none(request)
    if plan is None:
        raise Http404("尚未导入方案")
    return xlsx_response(ledger_excel.export_ledger(plan), f"{plan.title}任务台账.xlsx")


def _pending_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads" / "pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending_path(request: HttpRequest, key: str, token: str) -> Path | None:
    """The stored upload for ``token`` if this session uploaded it."""
    if request.session.get(key) != token:
        return None
    try:
        uuid.UUID(token)
    except ValueError:
        return None
    matches = list(_pending_dir().glob(f"{token}.*"))
    return matches[0] if matches else None


def _store_pending(request: HttpRequest, key: str, upload) -> tuple[str, Path]:
    token = str(uuid.uuid4())
    suffix = Path(upload.name).suffix.lower()
    path = _pending_dir() / f"{token}{suffix}"
    with path.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    request.session[key] = token
    return token, path


@rule_required(MANAGE)
def ledger_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = (
        services.current_plan()
        if not request.POST.get("plan")
        else get_object_or_404(Plan, pk=request.POST["plan"])
    )
    if plan is None:
        messages.error(request, "尚未导入方案，无法导入任务台账。")
        return redirect("plans:index")
    context: dict = {"plan": plan, "form": LedgerUploadForm()}
    if request.method == "POST" and request.POST.get("confirm"):
        path = _pending_path(request, "ledger_upload", request.POST.get("token", ""))
        if path is None:
            messages.error(request, "上传的文件已失效，请重新上传。")
            return redirect("plans:ledger_import")
        specs, errors = ledger_excel.read_ledger(
            path.read_bytes(), plan=plan, registry=services.department_registry()
        )
        if errors:
            messages.error(request, "文件有错误，未导入。")
            return redirect("plans:ledger_import")
        diff = services.import_ledger(plan, specs, user=request.user)
        path.unlink(missing_ok=True)
        messages.success(request, f"已导入任务台账：修改 {len(diff.tasks_changed)} 项任务。")
        return redirect("plans:ledger")
    if request.method == "POST":
        form = LedgerUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            token, path = _store_pending(request, "ledger_upload", form.cleaned_data["file"])
            try:
                specs, errors = ledger_excel.read_ledger(
                    path.read_bytes(), plan=plan, registry=services.department_registry()
                )
            except ledger_excel.LedgerFileError as exc:
                path.unlink(missing_ok=True)
                form.add_error("file", str(exc))
                return render(request, "plans/ledger_import.html", context, status=400)
            context.update({"errors": errors, "token": token})
            if not errors:
                context["diff"] = services.import_ledger(plan, specs, apply_changes=False)
            else:
                path.unlink(missing_ok=True)
            return render(request, "plans/ledger_import.html", context, status=400 if errors else 200)
        return render(request, "plans/ledger_import.html", context, status=400)
    return render(request, "plans/ledger_import.html", context)


@rule_required(VIEW)
def task_detail(request: AuthenticatedHttpRequest, task_id: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("action__plan"), pk=task_id)
    task_rows = services.ledger_tasks(task.action.plan).filter(pk=task.pk)
    task = task_rows[0]
    context = {
        "task": task,
        "plan": task.action.plan,
        "leads": services.leads(task),
        "cooperating": services.cooperating(task),
        "targets": task.targets.all(),
    }
    return render(request, "plans/task_detail.html", context)


@rule_required(VIEW)
def departments(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = (
        Department.objects.annotate(
            lead_count=Count("assignments", filter=Q(assignments__role=Assignment.Role.LEAD)),
            cooperating_count=Count("assignments", filter=Q(assignments__role=Assignment.Role.COOPERATING)),
        )
        .prefetch_related("aliases")
        .order_by("order", "name")
    )
    return render(request, "plans/departments.html", {"departments": rows})


@rule_required(VIEW)
def departments_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = (
        Department.objects.annotate(
            lead_count=Count("assignments", filter=Q(assignments__role=Assignment.Role.LEAD)),
            cooperating_count=Count("assignments", filter=Q(assignments__role=Assignment.Role.COOPERATING)),
        )
        .prefetch_related("aliases")
        .order_by("order", "name")
    )
    data = table_workbook(
        "部门名录",
        ("规范名称", "别名", "牵头任务数", "配合任务数"),
        (
            (d.name, "、".join(a.alias for a in d.aliases.all()), d.lead_count, d.cooperating_count)
            for d in rows
        ),
    )
    return xlsx_response(data, "部门名录.xlsx")


@rule_required(VIEW)
def department_detail(request: AuthenticatedHttpRequest, department_id: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=department_id)
    form = AliasForm()
    if request.method == "POST":
        if not can(request.user, MANAGE):
            raise PermissionDenied("只有碳达峰办可以维护部门别名。")
        form = AliasForm(request.POST)
        if form.is_valid():
            alias = form.cleaned_data["alias"].strip()
            existing = DepartmentAlias.objects.filter(alias=alias).select_related("department").first()
            if existing or Department.objects.filter(name=alias).exclude(pk=department.pk).exists():
                owner = existing.department.name if existing else alias
                form.add_error("alias", f"“{alias}”已是“{owner}”的名称或别名，不能重复登记。")
            else:
                created = DepartmentAlias.objects.create(department=department, alias=alias)
                audit.record(
                    user=request.user, action="create", instance=created, after=audit.snapshot(created)
                )
                messages.success(request, f"已为“{department.name}”添加别名“{alias}”。")
                return redirect("plans:department_detail", department_id=department.pk)
    plan = services.current_plan()
    lead_tasks = services.ledger_tasks(plan, department=department, role=Assignment.Role.LEAD) if plan else []
    coop_tasks = (
        services.ledger_tasks(plan, department=department, role=Assignment.Role.COOPERATING) if plan else []
    )
    context = {
        "department": department,
        "aliases": department.aliases.all(),
        "lead_tasks": lead_tasks,
        "cooperating_tasks": coop_tasks,
        "form": form,
        "plan": plan,
    }
    return render(request, "plans/department_detail.html", context, status=400 if form.errors else 200)


def _targets_for(plan: Plan | None):
    if plan is None:
        return Target.objects.none()
    return plan.targets.select_related("task", "responsible").order_by("order")


@rule_required(VIEW)
def targets(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = _plan_or_none(request)
    return render(request, "plans/targets.html", {"plan": plan, "targets": _targets_for(plan)})


@rule_required(VIEW)
def targets_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = _plan_or_none(request)
    if plan is None:
        raise Http404("尚未导入方案")
    data = table_workbook(
        "量化目标",
        ("目标年份", "指标", "比较", "目标值", "单位", "范围", "责任部门", "所属任务", "原文"),
        (
            (
                t.year or "常态要求",
                t.indicator,
                t.get_comparator_display(),
                t.value_text,
                t.unit,
                t.scope,
                t.responsible.name if t.responsible else "",
                t.task.code if t.task else "主要目标",
                t.quote,
            )
            for t in _targets_for(plan)
        ),
        note=plan.title,
    )
    return xlsx_response(data, f"{plan.title}量化目标.xlsx")


@rule_required(MANAGE)
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a plan document, review the parsed structure, then import on confirmation."""
    if request.method == "POST" and request.POST.get("confirm"):
        path = _pending_path(request, "plan_upload", request.POST.get("token", ""))
        if path is None:
            messages.error(request, "上传的文件已失效，请重新上传。")
            return redirect("plans:upload")
        try:
            text = read_document(path)
            parsed = services.parse_text(text)
        except PlanParseError as exc:
            messages.error(request, str(exc))
            return redirect("plans:upload")
        result = services.import_plan(parsed, source_text=text, user=request.user)
        path.unlink(missing_ok=True)
        if result.applied:
            messages.success(request, f"已导入方案“{parsed.title}”。")
        else:
            messages.info(request, f"方案“{parsed.title}”与已导入的版本相同，无变化。")
        return redirect("plans:index")
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token, path = _store_pending(request, "plan_upload", form.cleaned_data["file"])
        try:
            text = read_document(path)
            parsed = services.parse_text(text)
        except PlanParseError as exc:
            path.unlink(missing_ok=True)
            form.add_error("file", str(exc))
        else:
            preview = services.import_plan(parsed, source_text=text, apply_changes=False)
            context = {
                "parsed": parsed,
                "diff": preview.diff,
                "existing": preview.plan,
                "token": token,
                "task_count": sum(len(a.tasks) for a in parsed.actions),
            }
            return render(request, "plans/upload_review.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/upload.html", {"form": form}, status=status)
