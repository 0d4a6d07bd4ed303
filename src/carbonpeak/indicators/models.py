"""Indicators (指标) and their observations (观测值)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from carbonpeak.core.fields import region_fk
from carbonpeak.core.scoping import RegionScopedManager
from carbonpeak.engine import indicators as engine


class Indicator(models.Model):
    """A tracked series with a baseline and a target.

    Manual indicators are created one per plan :class:`~carbonpeak.plans.models.Target`
    and filled by the responsible department; computed ones (``computed_key``) are
    refreshed from the accounting app's yearly summary.
    """

    class Comparator(models.TextChoices):
        GTE = ">=", "不低于（越高越好）"
        LTE = "<=", "不超过（越低越好）"
        EQ = "=", "稳定在/达到"

    class Kind(models.TextChoices):
        MANUAL = "manual", "部门填报"
        COMPUTED = "computed", "核算自动计算"

    class ValueKind(models.TextChoices):
        LEVEL = engine.LEVEL, "水平值"
        DECLINE_PCT = engine.DECLINE_PCT, "累计下降率（%）"

    class TargetSource(models.TextChoices):
        """Where the target (value, year, comparator) comes from.

        Only ``national`` and ``accounting`` targets follow the latest accounting
        dataset's TARGETS; a target a person set (``office``) is never overwritten.
        """

        PLAN = "plan", "方案"
        NATIONAL = "national", "国家默认"
        ACCOUNTING = "accounting", "核算数据集 TARGETS"
        OFFICE = "office", "碳达峰办设定"
        CITY = "city", "市下达"

    region = region_fk()
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name="实施方案",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    target = models.OneToOneField(
        "plans.Target",
        verbose_name="方案目标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracked_indicator",
    )
    name = models.CharField("指标名称", max_length=200)
    unit = models.CharField("单位", max_length=30, blank=True)
    comparator = models.CharField("比较", max_length=2, choices=Comparator.choices)
    value_kind = models.CharField(
        "数值类型", max_length=12, choices=ValueKind.choices, default=ValueKind.LEVEL
    )
    baseline_year = models.PositiveIntegerField("基准年份")
    baseline_value = models.DecimalField(
        "基准值",
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="留空时以最早的已审核观测值作为基准",
    )
    target_year = models.PositiveIntegerField("目标年份", null=True, blank=True)
    target_value = models.DecimalField(
        "目标值", max_digits=20, decimal_places=6, null=True, blank=True, help_text="留空表示仅监测、不评价"
    )
    target_source = models.CharField(
        "目标来源", max_length=12, choices=TargetSource.choices, default=TargetSource.OFFICE
    )
    responsible = models.ForeignKey(
        "plans.Department",
        verbose_name="责任部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    kind = models.CharField("来源", max_length=10, choices=Kind.choices, default=Kind.MANUAL)
    computed_key = models.CharField("核算键", max_length=60, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "computed_key"],
                condition=~Q(computed_key=""),
                name="uniq_indicator_computed_key_per_region",
            ),
        ]

    region_field = "region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.target_year is not None and self.target_year <= self.baseline_year:
            raise ValidationError({"target_year": "目标年份必须晚于基准年份"})


class Observation(models.Model):
    """One value of an indicator for a year (or a quarter), with its review state."""

    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "已退回"

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="observations"
    )
    year = models.PositiveIntegerField("年份")
    quarter = models.PositiveSmallIntegerField(
        "季度", null=True, blank=True, choices=[(1, "一季度"), (2, "二季度"), (3, "三季度"), (4, "四季度")]
    )
    value = models.DecimalField("数值", max_digits=20, decimal_places=6)
    source = models.CharField("数据来源", max_length=200, blank=True)
    illustrative = models.BooleanField("示例数据", default=False)
    state = models.CharField("审核状态", max_length=10, choices=State.choices, default=State.PENDING)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField("填报时间", auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "观测值"
        verbose_name_plural = "观测值"
        ordering = ["indicator", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], condition=Q(quarter__isnull=True), name="uniq_observation_year"
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"],
                condition=Q(quarter__isnull=False),
                name="uniq_observation_quarter",
            ),
        ]
        indexes = [models.Index(fields=["state", "indicator"])]

    region_field = "indicator__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.period_label}：{self.value}"

    @property
    def period_label(self) -> str:
        return f"{self.year}年" + (f"第{self.quarter}季度" if self.quarter else "")

    @property
    def t(self) -> float:
        return engine.period_time(self.year, self.quarter)
