"""Importing the sample plan: the ledger matches the text, re-import is idempotent,
a revised plan shows its changes before they are applied."""

import pytest

from carbonpeak.core.models import AuditEntry
from carbonpeak.plans import samples, services
from carbonpeak.plans.models import Assignment, Department, DepartmentAlias, Plan, Target, Task


def test_sample_plan_ledger(sample_plan):
    assert sample_plan.title == "岳阳县碳达峰实施方案"
    assert sample_plan.document_number == "岳县政发〔2024〕2号"
    assert sample_plan.province == "湖南省"
    assert sample_plan.region.code == "430621" and sample_plan.region.name == "岳阳县"
    assert sample_plan.actions.count() == 10
    assert Task.objects.filter(action__plan=sample_plan).count() == 38
    first = Task.objects.get(action__plan=sample_plan, code="1.1")
    leads = list(
        first.assignments.filter(role=Assignment.Role.LEAD)
        .order_by("order")
        .values_list("department__name", flat=True)
    )
    assert leads == ["县发展和改革局", "县工业和信息化局"]
    # carry-forward: the park committee and townships cooperate on every task
    park = Department.objects.get(name="岳阳高新技术产业园区管委会")
    assert Assignment.objects.filter(department=park, task__action__plan=sample_plan).count() == 38
    assert Target.objects.filter(plan=sample_plan, unit="万千瓦", value_text="135.5", year=2025).exists()


def test_reimport_changes_nothing(sample_plan):
    audit_before = AuditEntry.objects.count()
    parsed, text = services.parse_file(samples.sample_plan_path())
    result = services.import_plan(parsed, source_text=text)
    assert result.applied is False
    assert result.diff.is_empty
    assert Plan.objects.count() == 1
    assert AuditEntry.objects.count() == audit_before


def test_revised_plan_shows_changes_then_applies(sample_plan):
    text = samples.sample_plan_path().read_text(encoding="utf-8")
    revised = text.replace(
        "(县农业农村局牵头,县发改局、县渔政局", "(县农业农村局牵头,县林业局、县渔政局"
    ).replace("135.5万千瓦", "150万千瓦")
    parsed = services.parse_text(revised)
    preview = services.import_plan(parsed, source_text=revised, apply_changes=False)
    assert not preview.applied
    lines = "\n".join(preview.diff.lines())
    assert "修改任务 1.2" in lines and "县林业局" in lines
    assert any("150万千瓦" in t for t in preview.diff.targets_changed)
    assert not preview.diff.targets_added and not preview.diff.targets_removed
    # nothing written by the preview
    task = Task.objects.get(action__plan=sample_plan, code="1.2")
    assert "县林业局" not in task.departments.values_list("name", flat=True)

    result = services.import_plan(parsed, source_text=revised)
    assert result.applied
    assert "县林业局" in task.departments.values_list("name", flat=True)
    assert Target.objects.filter(plan=sample_plan, value_text="150").exists()
    assert not Target.objects.filter(plan=sample_plan, value_text="135.5").exists()
    assert AuditEntry.objects.filter(
        object_type="plans.Task", action="update", object_id=str(task.pk)
    ).exists()


def test_removed_task_is_deleted_on_reimport(sample_plan):
    text = samples.sample_plan_path().read_text(encoding="utf-8")
    start = text.index("  5.组织开展低(零)碳试点示范工作")
    end = text.index("  (十)开展低碳示范建设行动")
    revised = text[:start] + text[end:]
    parsed = services.parse_text(revised)
    diff = services.import_plan(parsed, source_text=revised, apply_changes=False).diff
    assert [c.code for c in diff.tasks_removed] == ["9.5"]
    services.import_plan(parsed, source_text=revised)
    assert not Task.objects.filter(action__plan=sample_plan, code="9.5").exists()
    assert Task.objects.filter(action__plan=sample_plan).count() == 37


def test_department_aliases_come_from_the_registry(sample_plan):
    dept = Department.objects.get(name="县发展和改革局")
    assert DepartmentAlias.objects.filter(department=dept, alias="县发改局").exists()
    assert services.department_registry().canonical("县发改局") == "县发展和改革局"


def test_db_alias_normalises_later_imports(sample_plan):
    dept = Department.objects.get(name="县发展和改革局")
    DepartmentAlias.objects.create(department=dept, alias="县发展改革局本级")
    assert services.department_registry().canonical("县发展改革局本级") == "县发展和改革局"


@pytest.mark.django_db
def test_failed_import_writes_nothing(monkeypatch):
    parsed, text = services.parse_file(samples.sample_plan_path())

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_apply_targets", boom)
    with pytest.raises(RuntimeError):
        services.import_plan(parsed, source_text=text)
    assert Plan.objects.count() == 0
    assert Task.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_targets_answer_to_their_task_lead(sample_plan):
    target = Target.objects.get(plan=sample_plan, value_text="135.5")
    assert target.task.code == "2.2"
    assert target.responsible.name == "县发展和改革局"
    forest = Target.objects.get(plan=sample_plan, indicator="森林覆盖率")
    assert forest.responsible.name == "县林业局"


def test_reimport_keeps_the_office_choice_of_responsible_department(sample_plan):
    target = Target.objects.get(plan=sample_plan, value_text="135.5")
    target.responsible = Department.objects.get(name="县供电公司")
    target.save()
    parsed, text = services.parse_file(samples.sample_plan_path())
    assert services.import_plan(parsed, source_text=text).diff.is_empty
    target.refresh_from_db()
    assert target.responsible.name == "县供电公司"
