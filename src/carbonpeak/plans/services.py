"""Use cases of the plan ledger: parse, compare, import, and read the ledger.

Every write runs in one ``transaction.atomic()`` and leaves an audit entry per
created, changed or deleted task and target (side effects are listed per function).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from carbonpeak.core import audit
from carbonpeak.core.models import Region
from carbonpeak.core.regions import home_region
from carbonpeak.engine.deadlines import parse_due
from carbonpeak.engine.departments import DepartmentRegistry
from carbonpeak.engine.plantext import ParsedPlan, parse_plan, read_document
from carbonpeak.engine.regions import detect_province
from carbonpeak.plans.models import Action, Assignment, Department, DepartmentAlias, Plan, Target, Task

# --------------------------------------------------------------------------- registry


def _region(region: Any) -> Region:
    return region if region is not None else home_region()


def department_registry(region: Any = None) -> DepartmentRegistry:
    """The packaged default registry with the region's departments and aliases over it."""
    region = _region(region)
    depts = Department.objects.in_region(region)
    db_entries: dict[str, list[str]] = {d.name: [] for d in depts.only("name")}
    for name, alias in DepartmentAlias.objects.in_region(region).values_list("department__name", "alias"):
        db_entries.setdefault(name, []).append(alias)
    for name, short in depts.exclude(short_name="").values_list("name", "short_name"):
        db_entries[name].append(short)
    return DepartmentRegistry.default().merged(DepartmentRegistry(db_entries.items()))


def ensure_departments(
    names: Iterable[str], *, registry: DepartmentRegistry, user: Any = None, region: Any = None
) -> dict[str, Department]:
    """Department rows for registry names, created (with the registry's aliases) when missing."""
    region = _region(region)
    wanted = list(dict.fromkeys(names))
    depts = Department.objects.in_region(region)
    existing = {d.name: d for d in depts.filter(name__in=wanted)}
    aliases_by_name = dict(registry.entries())
    taken = set(DepartmentAlias.objects.in_region(region).values_list("alias", flat=True))
    next_order = (depts.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    for name in wanted:
        if name in existing:
            continue
        department = Department.objects.create(region=region, name=name, order=next_order)
        next_order += 1
        for alias in aliases_by_name.get(name, []):
            if alias != name and alias not in taken:
                DepartmentAlias.objects.create(region=region, department=department, alias=alias)
                taken.add(alias)
        audit.record(user=user, action="create", instance=department, after=audit.snapshot(department))
        existing[name] = department
    return existing


# --------------------------------------------------------------------------- parsing


def parse_file(path: str | Path, region: Any = None) -> tuple[ParsedPlan, str]:
    """Read a plan document (.txt / .docx) and parse it with the current registry.

    Raises :class:`carbonpeak.engine.plantext.PlanParseError` with a Chinese message.
    """
    text = read_document(path)
    return parse_plan(text, registry=department_registry(region)), text


def parse_text(text: str, region: Any = None) -> ParsedPlan:
    return parse_plan(text, registry=department_registry(region))


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class TaskSpec:
    """What a task should look like after an import (from a plan document or a ledger row)."""

    code: str
    action_number: int
    number: int
    title: str
    text: str
    lead: tuple[str, ...]
    cooperating: tuple[str, ...]
    action_title: str | None = None
    due_text: str | None = None  # None: leave the deadline as it is


@dataclass(frozen=True)
class TaskChange:
    code: str
    title: str
    details: tuple[str, ...] = ()


@dataclass
class PlanDiff:
    """The difference between the ledger in the database and an incoming version."""

    is_new_plan: bool = False
    tasks_added: list[TaskChange] = field(default_factory=list)
    tasks_removed: list[TaskChange] = field(default_factory=list)
    tasks_changed: list[TaskChange] = field(default_factory=list)
    targets_added: list[str] = field(default_factory=list)
    targets_removed: list[str] = field(default_factory=list)
    targets_changed: list[str] = field(default_factory=list)
    actions_changed: list[str] = field(default_factory=list)
    goals_changed: bool = False
    header_changed: list[str] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.is_new_plan
            or self.tasks_added
            or self.tasks_removed
            or self.tasks_changed
            or self.targets_added
            or self.targets_removed
            or self.targets_changed
            or self.actions_changed
            or self.goals_changed
            or self.header_changed
        )

    def lines(self) -> list[str]:
        """A Chinese summary, one change a line, for the CLI and the review page."""
        out: list[str] = []
        if self.is_new_plan:
            out.append("新方案：将全部导入")
        out += [f"方案信息变化：{h}" for h in self.header_changed]
        out += [f"行动变化：{a}" for a in self.actions_changed]
        out += [f"新增任务 {c.code} {c.title}" for c in self.tasks_added]
        out += [f"删除任务 {c.code} {c.title}" for c in self.tasks_removed]
        for c in self.tasks_changed:
            out.append(f"修改任务 {c.code} {c.title}：" + "；".join(c.details))
        out += [f"新增目标 {t}" for t in self.targets_added]
        out += [f"删除目标 {t}" for t in self.targets_removed]
        out += [f"修改目标 {t}" for t in self.targets_changed]
        if self.goals_changed:
            out.append("定性目标有变化")
        out += [f"新部门将加入部门名录：{d}" for d in self.new_departments]
        return out


def specs_from_parsed(parsed: ParsedPlan) -> list[TaskSpec]:
    return [
        TaskSpec(
            code=t.code,
            action_number=a.number,
            action_title=a.title,
            number=t.number,
            title=t.title,
            text=t.text,
            lead=tuple(t.lead),
            cooperating=tuple(t.cooperating),
        )
        for a in parsed.actions
        for t in a.tasks
    ]


def _current_specs(plan: Plan) -> dict[str, TaskSpec]:
    tasks = (
        Task.objects.filter(action__plan=plan)
        .select_related("action")
        .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.select_related("department")))
    )
    specs: dict[str, TaskSpec] = {}
    for task in tasks:
        assignments = sorted(task.assignments.all(), key=lambda a: a.order)
        specs[task.code] = TaskSpec(
            code=task.code,
            action_number=task.action.number,
            action_title=task.action.title,
            number=task.number,
            title=task.title,
            text=task.text,
            lead=tuple(a.department.name for a in assignments if a.role == Assignment.Role.LEAD),
            cooperating=tuple(
                a.department.name for a in assignments if a.role == Assignment.Role.COOPERATING
            ),
            due_text=task.due_text,
        )
    return specs


def _task_details(old: TaskSpec, new: TaskSpec) -> tuple[str, ...]:
    details = []
    if old.title != new.title:
        details.append(f"名称“{old.title}”→“{new.title}”")
    if old.text != new.text:
        details.append("主要内容有修改")
    if old.lead != new.lead:
        details.append(f"牵头单位 {'、'.join(old.lead) or '无'} → {'、'.join(new.lead) or '无'}")
    if old.cooperating != new.cooperating:
        details.append(
            f"配合单位 {'、'.join(old.cooperating) or '无'} → {'、'.join(new.cooperating) or '无'}"
        )
    if new.due_text is not None and (old.due_text or "") != new.due_text:
        details.append(f"完成时限“{old.due_text or ''}”→“{new.due_text}”")
    if old.action_number != new.action_number:
        details.append(f"所属行动 {old.action_number} → {new.action_number}")
    return tuple(details)


def _target_key(indicator: str, year: int | None, comparator: str, task_code: str | None) -> tuple:
    return (indicator, year, comparator, task_code or "")


def _target_label(indicator: str, comparator: str, value_text: str, unit: str, year: int | None) -> str:
    return f"{f'{year}年' if year else ''}{indicator} {comparator} {value_text}{unit}"


def diff_tasks(
    current: dict[str, TaskSpec], incoming: Sequence[TaskSpec], *, remove_missing: bool
) -> tuple[list[TaskChange], list[TaskChange], list[TaskChange]]:
    added, removed, changed = [], [], []
    incoming_codes = set()
    for spec in incoming:
        incoming_codes.add(spec.code)
        old = current.get(spec.code)
        if old is None:
            added.append(TaskChange(spec.code, spec.title))
        elif details := _task_details(old, spec):
            changed.append(TaskChange(spec.code, spec.title, details))
    if remove_missing:
        removed = [TaskChange(c, s.title) for c, s in current.items() if c not in incoming_codes]
    return added, removed, changed


def find_existing_plan(parsed: ParsedPlan, region: Any = None) -> Plan | None:
    """The region's stored plan an incoming document revises: same 文号, else same title."""
    plans = Plan.objects.in_region(_region(region))
    if parsed.document_number:
        plan = plans.filter(document_number=parsed.document_number).first()
        if plan:
            return plan
    return plans.filter(title=parsed.title).order_by("-id").first()


def diff_plan(plan: Plan | None, parsed: ParsedPlan, region: Any = None) -> PlanDiff:
    """What importing ``parsed`` over ``plan`` (``None``: a new plan) would change."""
    diff = PlanDiff()
    region = plan.region if plan is not None else _region(region)
    known = set(Department.objects.in_region(region).values_list("name", flat=True))
    specs = specs_from_parsed(parsed)
    names = [n for s in specs for n in (*s.lead, *s.cooperating)]
    diff.new_departments = [n for n in dict.fromkeys(names) if n not in known]
    if plan is None:
        diff.is_new_plan = True
        diff.tasks_added = [TaskChange(s.code, s.title) for s in specs]
        diff.targets_added = [
            _target_label(t.indicator, t.comparator, t.value_text, t.unit, t.year) for t in parsed.targets
        ]
        return diff
    for label, old, new in (
        ("方案名称", plan.title, parsed.title),
        ("文号", plan.document_number, parsed.document_number or ""),
        ("发文机关", plan.issuer, parsed.issuer or ""),
        ("发布日期", plan.issued_on, parsed.issued_on),
    ):
        if old != new:
            diff.header_changed.append(f"{label}“{old or ''}”→“{new or ''}”")
    current_actions = dict(plan.actions.values_list("number", "title"))
    for action in parsed.actions:
        if action.number not in current_actions:
            diff.actions_changed.append(f"新增行动（{action.number}）{action.title}")
        elif current_actions[action.number] != action.title:
            diff.actions_changed.append(f"行动（{action.number}）更名为“{action.title}”")
    parsed_numbers = {a.number for a in parsed.actions}
    diff.actions_changed += [
        f"删除行动（{n}）{t}" for n, t in current_actions.items() if n not in parsed_numbers
    ]
    diff.tasks_added, diff.tasks_removed, diff.tasks_changed = diff_tasks(
        _current_specs(plan), specs, remove_missing=True
    )
    current_targets = {
        _target_key(t.indicator, t.year, t.comparator, t.task.code if t.task else None): t
        for t in plan.targets.select_related("task")
    }
    seen = set()
    for t in parsed.targets:
        key = _target_key(t.indicator, t.year, t.comparator, t.task_code)
        seen.add(key)
        label = _target_label(t.indicator, t.comparator, t.value_text, t.unit, t.year)
        existing = current_targets.get(key)
        if existing is None:
            diff.targets_added.append(label)
        elif (existing.value_text, existing.unit, existing.scope or "", existing.quote) != (
            t.value_text,
            t.unit,
            t.scope or "",
            t.quote,
        ):
            diff.targets_changed.append(label)
    diff.targets_removed = [
        _target_label(t.indicator, t.comparator, t.value_text, t.unit, t.year)
        for k, t in current_targets.items()
        if k not in seen
    ]
    diff.goals_changed = list(plan.goals or []) != list(parsed.goals)
    return diff


# --------------------------------------------------------------------------- importing


@dataclass
class ImportResult:
    plan: Plan | None
    diff: PlanDiff
    applied: bool


def _apply_task_specs(
    plan: Plan, specs: Sequence[TaskSpec], *, remove_missing: bool, user: Any, registry: DepartmentRegistry
) -> dict[str, Task]:
    """Create, update (and optionally delete) tasks and their assignments to match ``specs``."""
    departments = ensure_departments(
        [n for s in specs for n in (*s.lead, *s.cooperating)],
        registry=registry,
        user=user,
        region=plan.region,
    )
    actions = {a.number: a for a in plan.actions.all()}
    tasks = {t.code: t for t in Task.objects.filter(action__plan=plan).select_related("action")}
    current = _current_specs(plan)
    for spec in specs:
        action = actions.get(spec.action_number)
        if action is None:
            action = Action.objects.create(
                plan=plan, number=spec.action_number, title=spec.action_title or ""
            )
            actions[spec.action_number] = action
        elif spec.action_title is not None and action.title != spec.action_title:
            action.title = spec.action_title
            action.save(update_fields=["title"])
        task = tasks.get(spec.code)
        old = current.get(spec.code)
        if task is not None and old is not None and not _task_details(old, spec):
            continue
        before = audit.snapshot(task) if task else None
        if old is not None:
            before = {**(before or {}), "lead": list(old.lead), "cooperating": list(old.cooperating)}
        if task is None:
            task = Task(code=spec.code)
        task.action = action
        task.number = spec.number
        task.title = spec.title
        task.text = spec.text
        if spec.due_text is not None:
            task.due_text = spec.due_text
            task.due_date = parse_due(spec.due_text)
        task.save()
        tasks[spec.code] = task
        task.assignments.all().delete()
        Assignment.objects.bulk_create(
            [
                Assignment(task=task, department=departments[name], role=Assignment.Role.LEAD, order=i)
                for i, name in enumerate(spec.lead)
            ]
            + [
                Assignment(task=task, department=departments[name], role=Assignment.Role.COOPERATING, order=i)
                for i, name in enumerate(spec.cooperating)
                if name not in spec.lead
            ]
        )
        after = {**audit.snapshot(task), "lead": list(spec.lead), "cooperating": list(spec.cooperating)}
        audit.record(
            user=user, action="update" if old else "create", instance=task, before=before, after=after
        )
    if remove_missing:
        wanted = {s.code for s in specs}
        for code, task in tasks.items():
            if code not in wanted:
                before = audit.snapshot(task)
                audit.record(user=user, action="delete", instance=task, before=before)
                task.delete()
    return tasks


@transaction.atomic
def import_plan(
    parsed: ParsedPlan,
    *,
    source_text: str = "",
    user: Any = None,
    apply_changes: bool = True,
    region: Any = None,
) -> ImportResult:
    """Import a parsed plan: create it, or bring the stored plan in line with it.

    Importing the same plan twice changes nothing (the diff is empty). With
    ``apply_changes=False`` only the diff is computed (nothing is written).

    Side effects: creates/updates/deletes Plan, Action, Task, Assignment, Target rows
    and new Department rows (with the registry's aliases); one audit entry per change.
    """
    region = _region(region)
    registry = department_registry(region)
    plan = find_existing_plan(parsed, region)
    diff = diff_plan(plan, parsed, region)
    if diff.is_empty or not apply_changes:
        return ImportResult(plan, diff, applied=False)

    header = {
        "title": parsed.title,
        "document_number": parsed.document_number or "",
        "issuer": parsed.issuer or "",
        "issued_on": parsed.issued_on,
        "goals": list(parsed.goals),
    }
    if plan is None:
        plan = Plan.objects.create(
            **header,
            region=region,
            province=detect_province(source_text) or "",
            source_text=source_text,
            source_sha256=hashlib.sha256(source_text.encode("utf-8")).hexdigest(),
        )
        audit.record(
            user=user, action="create", instance=plan, after=audit.snapshot(plan, exclude=("source_text",))
        )
    else:
        before = audit.snapshot(plan, exclude=("source_text",))
        for key, value in header.items():
            setattr(plan, key, value)
        if source_text:
            plan.source_text = source_text
            plan.source_sha256 = hashlib.sha256(source_text.encode("utf-8")).hexdigest()
        plan.save()
        audit.record(
            user=user,
            action="update",
            instance=plan,
            before=before,
            after=audit.snapshot(plan, exclude=("source_text",)),
        )

    parsed_numbers = {a.number for a in parsed.actions}
    tasks = _apply_task_specs(
        plan, specs_from_parsed(parsed), remove_missing=True, user=user, registry=registry
    )
    for action in plan.actions.exclude(number__in=parsed_numbers):
        action.delete()
    _apply_targets(plan, parsed, tasks, user=user)
    return ImportResult(plan, diff, applied=True)


def _apply_targets(plan: Plan, parsed: ParsedPlan, tasks: dict[str, Task], *, user: Any) -> None:
    current = {
        _target_key(t.indicator, t.year, t.comparator, t.task.code if t.task else None): t
        for t in plan.targets.select_related("task")
    }
    seen = set()
    for order, t in enumerate(parsed.targets):
        key = _target_key(t.indicator, t.year, t.comparator, t.task_code)
        seen.add(key)
        target = current.get(key)
        task = tasks.get(t.task_code) if t.task_code else None
        values: dict[str, object] = {
            "task": task,
            "indicator": t.indicator,
            "value": Decimal(str(t.value)),
            "value_text": t.value_text,
            "unit": t.unit,
            "comparator": t.comparator,
            "year": t.year,
            "scope": t.scope or "",
            "quote": t.quote,
            "order": order,
        }
        if target is None or target.responsible_id is None:
            # The task's (first) lead department answers for its targets unless the
            # office has named another one (plans admin); re-imports keep that choice.
            lead = (
                task.assignments.filter(role=Assignment.Role.LEAD).order_by("order").first() if task else None
            )
            values["responsible"] = lead.department if lead else None
        if target is None:
            target = Target.objects.create(plan=plan, **values)
            audit.record(user=user, action="create", instance=target, after=audit.snapshot(target))
            continue
        before = audit.snapshot(target)
        for k, v in values.items():
            setattr(target, k, v)
        after = audit.snapshot(target)
        if before != after:
            target.save()
            audit.record(user=user, action="update", instance=target, before=before, after=after)
    for key, target in current.items():
        if key not in seen:
            audit.record(user=user, action="delete", instance=target, before=audit.snapshot(target))
            target.delete()


# --------------------------------------------------------------------------- reading


def current_plan(region: Any = None) -> Plan | None:
    """The plan a region's pages show: its most recently issued one.

    ``region`` defaults to the installation's home region.
    """
    return Plan.objects.in_region(region).order_by("-issued_on", "-id").first()


def ledger_tasks(
    plan: Plan,
    *,
    action_number: int | None = None,
    department: Department | None = None,
    role: str | None = None,
) -> QuerySet[Task]:
    """Tasks of ``plan`` filtered for the ledger, with actions and departments preloaded."""
    qs = Task.objects.filter(action__plan=plan).select_related("action")
    if action_number is not None:
        qs = qs.filter(action__number=action_number)
    if department is not None:
        if role in (Assignment.Role.LEAD, Assignment.Role.COOPERATING):
            qs = qs.filter(assignments__department=department, assignments__role=role)
        else:
            qs = qs.filter(assignments__department=department)
    elif role in (Assignment.Role.LEAD, Assignment.Role.COOPERATING):
        qs = qs.filter(assignments__role=role)
    return (
        qs.distinct()
        .order_by("action__number", "number")
        .prefetch_related(
            Prefetch(
                "assignments", queryset=Assignment.objects.select_related("department").order_by("order")
            )
        )
    )


def leads(task: Task) -> list[Department]:
    return [a.department for a in task.assignments.all() if a.role == Assignment.Role.LEAD]


def cooperating(task: Task) -> list[Department]:
    return [a.department for a in task.assignments.all() if a.role == Assignment.Role.COOPERATING]


@transaction.atomic
def import_ledger(
    plan: Plan, specs: Sequence[TaskSpec], *, user: Any = None, apply_changes: bool = True
) -> PlanDiff:
    """Apply an edited ledger (titles, contents, departments, deadlines) to ``plan``.

    Tasks missing from the file are left as they are. Side effects: updates Task and
    Assignment rows, creates new Department rows; one audit entry per changed task.
    """
    diff = PlanDiff()
    known = set(Department.objects.in_region(plan.region).values_list("name", flat=True))
    names = [n for s in specs for n in (*s.lead, *s.cooperating)]
    diff.new_departments = [n for n in dict.fromkeys(names) if n not in known]
    diff.tasks_added, _, diff.tasks_changed = diff_tasks(_current_specs(plan), specs, remove_missing=False)
    if apply_changes and not diff.is_empty:
        _apply_task_specs(
            plan, specs, remove_missing=False, user=user, registry=department_registry(plan.region)
        )
    return diff
