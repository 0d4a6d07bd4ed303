"""Scenarios (情景), their versions and the quantified measures (措施)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from carbonpeak.core.fields import region_fk
from carbonpeak.core.scoping import RegionScopedManager


class Scenario(models.Model):
    """A named scenario of the county's emission path (基准 / 政策 / 强化)."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", "基准"
        POLICY = "policy", "政策"
        ENHANCED = "enhanced", "强化"

    region = region_fk()
    name = models.CharField("情景名称", max_length=100)
    kind = models.CharField("情景类型", max_length=10, choices=Kind.choices)
    description = models.TextField("说明", blank=True)
    baseline = models.ForeignKey(
        "self",
        verbose_name="对照基准情景",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="楔形图以此情景为基准",
    )
    illustrative = models.BooleanField("示例数据", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "情景"
        verbose_name_plural = "情景"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="uniq_scenario_name_per_region")
        ]

    region_field = "region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> ScenarioVersion | None:
        return self.versions.order_by("-number").first()


class ScenarioVersion(models.Model):
    """One saved set of assumptions; every edit creates a new version, older ones are kept."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    assumptions = models.JSONField("假设（含来源）")
    note = models.CharField("修改说明", max_length=300, blank=True)
    results = models.JSONField("计算结果（缓存）", null=True, blank=True)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "情景版本"
        verbose_name_plural = "情景版本"
        ordering = ["scenario", "-number"]
        constraints = [models.UniqueConstraint(fields=["scenario", "number"], name="uniq_scenario_version")]

    region_field = "scenario__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.scenario.name} 第{self.number}版"


class Measure(models.Model):
    """A quantified measure linked to a plan task, with its estimated abatement."""

    scenario = models.ForeignKey(
        Scenario, verbose_name="所属情景", on_delete=models.CASCADE, related_name="measures"
    )
    task = models.ForeignKey(
        "plans.Task",
        verbose_name="对应方案任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    task_code = models.CharField("任务编号", max_length=20, blank=True)
    name = models.CharField("措施名称", max_length=100)
    kind = models.CharField("测算方法", max_length=20)
    parameters = models.JSONField("参数")
    start_year = models.PositiveIntegerField("开始年份")
    full_year = models.PositiveIntegerField("达产年份")
    source = models.CharField("参数来源", max_length=500)
    abatement_2025_t = models.FloatField("2025年减排量(吨CO2)", null=True, blank=True)
    abatement_2030_t = models.FloatField("2030年减排量(吨CO2)", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "减排措施"
        verbose_name_plural = "减排措施"
        ordering = ["scenario", "task_code", "name"]
        constraints = [models.UniqueConstraint(fields=["scenario", "name"], name="uniq_measure_name")]

    region_field = "scenario__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return self.name


class History(models.Model):
    """A county history dataset for decomposition and STIRPAT (e.g. the shipped sample)."""

    region = region_fk()
    name = models.CharField("名称", max_length=200)
    source = models.TextField("来源")
    illustrative = models.BooleanField("示例数据", default=False)
    data = models.JSONField("数据")
    loaded_at = models.DateTimeField("载入时间", auto_now=True)

    class Meta:
        verbose_name = "历史数据集"
        verbose_name_plural = "历史数据集"
        ordering = ["-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="uniq_history_name_per_region")
        ]

    region_field = "region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return self.name
