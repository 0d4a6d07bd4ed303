"""Supervision (调度与督办): reporting periods, progress reports and their review,
contributions, attachments, status overrides, notifications, reminders, supervision
notices (督办单) and assessment weights."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from carbonpeak.core.fields import region_fk
from carbonpeak.core.scoping import RegionScopedManager
from carbonpeak.engine.progress import TaskStatus


class StatusChoice(models.TextChoices):
    NOT_STARTED = TaskStatus.NOT_STARTED.value, "未启动"
    IN_PROGRESS = TaskStatus.IN_PROGRESS.value, "推进中"
    COMPLETED = TaskStatus.COMPLETED.value, "已完成"
    LAGGING = TaskStatus.LAGGING.value, "滞后"


class ReportingPeriod(models.Model):
    """A progress round (调度周期): monthly or quarterly, with a deadline."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "月度"
        QUARTERLY = "quarterly", "季度"

    plan = models.ForeignKey(
        "plans.Plan", verbose_name="实施方案", on_delete=models.CASCADE, related_name="periods"
    )
    kind = models.CharField("调度频次", max_length=10, choices=Kind.choices, default=Kind.QUARTERLY)
    label = models.CharField("名称", max_length=50)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    deadline = models.DateField("报送截止日期")

    class Meta:
        verbose_name = "调度周期"
        verbose_name_plural = "调度周期"
        ordering = ["-start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "start"], name="uniq_period_start"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="period_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("start")), name="period_deadline_after_start"
            ),
        ]

    region_field = "plan__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return self.label


class ProgressReport(models.Model):
    """The lead department's progress report on one task for one period (one per task × period)."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已通过"

    task = models.ForeignKey(
        "plans.Task", verbose_name="任务", on_delete=models.CASCADE, related_name="reports"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name="调度周期", on_delete=models.CASCADE, related_name="reports"
    )
    department = models.ForeignKey(
        "plans.Department", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="progress_reports"
    )
    status = models.CharField(
        "进展状态", max_length=12, choices=StatusChoice.choices, default=StatusChoice.IN_PROGRESS
    )
    narrative = models.TextField("工作进展", blank=True)
    key_figures = models.JSONField("关键数据", default=list, blank=True)
    state = models.CharField("报告状态", max_length=10, choices=State.choices, default=State.DRAFT)
    first_submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    submitted_at = models.DateTimeField("最近提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    illustrative = models.BooleanField("示例数据", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-period__start", "task__action__number", "task__number"]
        constraints = [models.UniqueConstraint(fields=["task", "period"], name="uniq_report_task_period")]

    region_field = "task__action__plan__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.task.code} {self.period.label} 进展报告"

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class ReportVersion(models.Model):
    """A submitted version of a report, frozen (snapshot of text, figures, contributions, attachments)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    snapshot = models.JSONField("内容快照")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "报告版本"
        verbose_name_plural = "报告版本"
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="uniq_report_version")]

    region_field = "report__task__action__plan__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.report} 第{self.number}版"


class Contribution(models.Model):
    """A cooperating department's contribution (配合单位工作情况) to a report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="contributions")
    department = models.ForeignKey(
        "plans.Department", verbose_name="配合单位", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("工作情况")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填写人", null=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "配合单位报送"
        verbose_name_plural = "配合单位报送"
        ordering = ["report", "department__order"]
        constraints = [models.UniqueConstraint(fields=["report", "department"], name="uniq_contribution")]

    region_field = "report__task__action__plan__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.department} 对 {self.report} 的报送"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"supervision/reports/{instance.report_id}/{filename}"


class Attachment(models.Model):
    """A file attached to a report: PDF, Word, Excel or an image (checked by extension and content)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    department = models.ForeignKey(
        "plans.Department", verbose_name="上传单位", on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField("文件", upload_to=_attachment_path, max_length=300)
    original_name = models.CharField("文件名", max_length=255)
    kind = models.CharField("类型", max_length=10)
    size_bytes = models.PositiveBigIntegerField("大小(字节)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["report", "uploaded_at"]

    region_field = "report__task__action__plan__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return self.original_name


class Review(models.Model):
    """The office's decision on a submitted version: approve, or return with comments."""

    class Decision(models.TextChoices):
        APPROVE = "approve", "通过"
        RETURN = "return", "退回修改"

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="reviews", null=True)
    decision = models.CharField("审核结果", max_length=10, choices=Decision.choices)
    comment = models.TextField("审核意见", blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, on_delete=models.SET_NULL
    )
    reviewed_at = models.DateTimeField("审核时间", auto_now_add=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["report", "-reviewed_at", "-id"]

    region_field = "report__task__action__plan__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.report} {self.get_decision_display()}"


class TaskStatusOverride(models.Model):
    """The office's manual status for a task, with the reason. The latest uncleared one applies."""

    task = models.ForeignKey(
        "plans.Task", verbose_name="任务", on_delete=models.CASCADE, related_name="status_overrides"
    )
    status = models.CharField("认定状态", max_length=12, choices=StatusChoice.choices)
    reason = models.TextField("认定理由")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="认定人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("认定时间", auto_now_add=True)
    cleared_at = models.DateTimeField("撤销时间", null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "任务状态人工认定"
        verbose_name_plural = "任务状态人工认定"
        ordering = ["task", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="override_reason_required"),
        ]

    region_field = "task__action__plan__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.task.code} 认定为{self.get_status_display()}"


class ReminderLog(models.Model):
    """One reminder sent: at most one per (kind, object, period, recipient) — `carbonpeak remind` checks it."""

    kind = models.CharField("提醒类型", max_length=30)
    object_key = models.CharField("对象", max_length=100)
    period_key = models.CharField("周期", max_length=50, blank=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)
    emailed = models.BooleanField("已发邮件", default=False)

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "period_key", "recipient"], name="uniq_reminder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_key} {self.period_key}"


def _notice_path(instance: SupervisionNotice, filename: str) -> str:
    return f"supervision/notices/{instance.pk or 'new'}/{filename}"


class SupervisionNotice(models.Model):
    """A supervision notice (督办单) issued by the office to a department, tracked until answered."""

    class State(models.TextChoices):
        ISSUED = "issued", "已下发待答复"
        ANSWERED = "answered", "已答复"
        CLOSED = "closed", "已办结"

    region = region_fk("督办对象所在行政区划")
    number = models.CharField("编号", max_length=30)
    issued_by_region = models.ForeignKey(
        "core.Region",
        verbose_name="下发单位所在行政区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "plans.Department", verbose_name="督办单位", on_delete=models.PROTECT, related_name="notices"
    )
    task = models.ForeignKey(
        "plans.Task",
        verbose_name="相关任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
    )
    title = models.CharField("督办事项", max_length=200)
    body = models.TextField("督办要求")
    answer_due = models.DateField("答复期限")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.ISSUED)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="下发人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField("下发时间", auto_now_add=True)
    answer_text = models.TextField("答复内容", blank=True)
    answer_file = models.FileField("答复附件", upload_to=_notice_path, blank=True, max_length=300)
    answer_file_name = models.CharField("答复附件名", max_length=255, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closing_comment = models.TextField("办结意见", blank=True)
    illustrative = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="uniq_notice_number_per_region")
        ]

    region_field = "region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class AssessmentWeights(models.Model):
    """Weights of the assessment components (考核权重), edited by the office. One row per region."""

    region = models.OneToOneField(
        "core.Region", verbose_name="行政区划", on_delete=models.CASCADE, related_name="+", null=True
    )
    reporting = models.DecimalField("按时报送权重", max_digits=5, decimal_places=2, default=30)
    task_status = models.DecimalField("任务进展权重", max_digits=5, decimal_places=2, default=40)
    targets = models.DecimalField("目标完成权重", max_digits=5, decimal_places=2, default=30)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "考核权重"
        verbose_name_plural = "考核权重"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reporting__gte=0, task_status__gte=0, targets__gte=0),
                name="weights_non_negative",
            ),
        ]

    region_field = "region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"按时报送{self.reporting} / 任务进展{self.task_status} / 目标完成{self.targets}"

    @classmethod
    def current(cls, region: Any = None) -> AssessmentWeights:
        """The weights of a region (the home region's when none is given)."""
        from carbonpeak.core.regions import home_region

        return cls.objects.get_or_create(region=region or home_region())[0]
