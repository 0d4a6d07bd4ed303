"""The plan ledger: plan -> action -> task, departments with aliases, assignments, targets."""

from __future__ import annotations

from django.db import models

from carbonpeak.core.fields import region_fk
from carbonpeak.core.scoping import RegionScopedManager


class Department(models.Model):
    """A department or unit (部门/单位) that leads or cooperates on tasks.

    ``name`` is the registry name (e.g. 县发展和改革局); every written form found in
    plans maps to it through :class:`DepartmentAlias`.
    """

    region = region_fk()
    name = models.CharField("规范名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    email = models.EmailField("联系邮箱", blank=True)
    contact = models.CharField("联系人", max_length=50, blank=True)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="uniq_department_name_per_region")
        ]

    region_field = "region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return self.name


class DepartmentAlias(models.Model):
    """A written form of a department's name (县发改局 -> 县发展和改革局)."""

    region = region_fk()
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField("别名", max_length=100)

    class Meta:
        verbose_name = "部门别名"
        verbose_name_plural = "部门别名"
        ordering = ["alias"]
        constraints = [models.UniqueConstraint(fields=["region", "alias"], name="uniq_alias_per_region")]

    region_field = "region"
    objects = RegionScopedManager()

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.region_id = self.department.region_id
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.alias} → {self.department.name}"


class Plan(models.Model):
    """A carbon-peak implementation plan (碳达峰实施方案)."""

    title = models.CharField("方案名称", max_length=200)
    document_number = models.CharField("文号", max_length=100, blank=True)
    issuer = models.CharField("发文机关", max_length=200, blank=True)
    issued_on = models.DateField("发布日期", null=True, blank=True)
    region = region_fk()
    province = models.CharField(
        "所在省份", max_length=30, blank=True, help_text="用于选择省级电网排放因子，如“湖南省”"
    )
    goals = models.JSONField("定性目标", default=list, blank=True)
    source_text = models.TextField("原文", blank=True)
    source_sha256 = models.CharField("原文摘要", max_length=64, blank=True)
    stale_after_days = models.PositiveIntegerField("任务多少天未更新视为停滞", default=90)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "实施方案"
        verbose_name_plural = "实施方案"
        ordering = ["-issued_on", "-id"]

    region_field = "region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    """One of the plan's actions (行动), e.g. (一)产业绿色低碳发展行动."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveIntegerField("序号")
    title = models.CharField("行动名称", max_length=200)

    class Meta:
        verbose_name = "重点行动"
        verbose_name_plural = "重点行动"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="uniq_action_number")]

    region_field = "plan__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    """A task (任务) under an action; ``code`` is "<action>.<task>", e.g. "2.3"."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField("编号", max_length=20)
    number = models.PositiveIntegerField("序号")
    title = models.CharField("任务名称", max_length=200)
    text = models.TextField("主要内容")
    due_date = models.DateField("完成时限", null=True, blank=True)
    due_text = models.CharField(
        "完成时限（原文）", max_length=50, blank=True, help_text="如“2025年底前”“长期坚持”"
    )
    departments = models.ManyToManyField(Department, through="Assignment", related_name="tasks")

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["action__number", "number"]
        constraints = [models.UniqueConstraint(fields=["action", "number"], name="uniq_task_number")]

    region_field = "action__plan__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def plan_id(self) -> int:
        return self.action.plan_id


class Assignment(models.Model):
    """A department's role on a task: lead (牵头) or cooperating (配合)."""

    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        COOPERATING = "cooperating", "配合"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField("职责", max_length=12, choices=Role.choices)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "任务分工"
        verbose_name_plural = "任务分工"
        ordering = ["task", "role", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="uniq_assignment"),
        ]

    region_field = "task__action__plan__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.task.code} {self.department.name} ({self.get_role_display()})"


class Target(models.Model):
    """A quantitative commitment written in the plan (目标), e.g. 新能源装机 ≥ 135.5 万千瓦 by 2025."""

    class Comparator(models.TextChoices):
        GTE = ">=", "不低于/以上"
        LTE = "<=", "不超过/以内"
        EQ = "=", "达到/稳定在"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets")
    indicator = models.CharField("指标", max_length=200)
    value = models.DecimalField("目标值", max_digits=20, decimal_places=6)
    value_text = models.CharField("原文数值", max_length=50)
    unit = models.CharField("单位", max_length=30, blank=True)
    comparator = models.CharField("比较", max_length=2, choices=Comparator.choices)
    year = models.PositiveIntegerField("目标年份", null=True, blank=True)
    scope = models.CharField("范围", max_length=100, blank=True)
    quote = models.TextField("原文")
    order = models.PositiveIntegerField("排序", default=0)
    responsible = models.ForeignKey(
        Department,
        verbose_name="责任部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["plan", "order"]

    region_field = "plan__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        year = f"{self.year}年" if self.year else ""
        return f"{year}{self.indicator} {self.get_comparator_display()} {self.value_text}{self.unit}"
