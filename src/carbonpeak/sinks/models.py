"""Forest inventory, species parameter sets and a region's sink settings (林业碳汇).

- :class:`ForestInventory`: one row per region, year and dominant species group (the
  inventory's own grouping): area [hm²] and stock volume [m³].
- :class:`ParameterSet` / :class:`SpeciesParameter`: per species group, basic wood density,
  BEF, root-to-shoot ratio, carbon fraction (or per-area biomass for groups without stock
  volume), each value with its source and verification status. A set has a version that
  goes up with every change (the audit log keeps each value before and after).
- :class:`SinkSettings`: which parameter set a region uses and its land area (for forest
  cover).

Results are computed on demand by :mod:`carbonpeak.engine.sinks` from these rows; each
figure shows the inventory row and the parameter set version and values it used.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from carbonpeak.core.fields import region_fk
from carbonpeak.core.scoping import RegionScopedManager


class Verification(models.TextChoices):
    """How well a parameter value is verified (codes of the shared reference tables)."""

    PRIMARY = "primary", "已核对原文"
    LOCAL = "local_measured", "本地实测"
    EXACT = "exact", "定义常数"
    SECONDARY_2PLUS = "secondary_2plus", "两个以上二手来源一致"
    SECONDARY_SINGLE = "secondary_single", "单一二手来源"
    UNVERIFIED = "unverified", "未核对"


class ParameterField(models.TextChoices):
    WOOD_DENSITY = "wood_density_t_per_m3", "基本木材密度（SVD）[t 干物质/m³]"
    BEF = "bef", "生物量扩展因子（BEF）[无量纲]"
    ROOT_SHOOT = "root_shoot_ratio", "根茎比（R）[无量纲]"
    CARBON_FRACTION = "carbon_fraction", "含碳率（CF）[t C/t 干物质]"
    BIOMASS_PER_AREA = "biomass_t_per_hm2", "单位面积生物量 [t 干物质/hm²]"


class ForestInventory(models.Model):
    """One inventory row: a species group's area and stock volume in a region and year."""

    region = region_fk()
    year = models.PositiveIntegerField("年份")
    species_group = models.CharField("优势树种组", max_length=50)
    area_hm2 = models.FloatField("面积（hm²）")
    volume_m3 = models.FloatField(
        "活立木蓄积量（m³）", null=True, blank=True, help_text="竹林、经济林等无蓄积的树种组留空"
    )
    counts_for_forest_cover = models.BooleanField("计入森林覆盖率", default=True)
    is_sample = models.BooleanField("示例数据", default=False)
    source_file = models.CharField("导入文件", max_length=255, blank=True)
    line = models.PositiveIntegerField("文件行号", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("导入时间", auto_now=True)

    objects = RegionScopedManager()
    region_field = "region"

    class Meta:
        verbose_name = "森林资源清单"
        verbose_name_plural = "森林资源清单"
        ordering = ["region", "year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "species_group"], name="sinks_inventory_unique_group_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.species_group}"


class ParameterSet(models.Model):
    """A set of species-group parameters owned by a region; counties may use their city's sets."""

    region = region_fk()
    name = models.CharField("名称", max_length=200)
    version = models.PositiveIntegerField("版本", default=1)
    note = models.TextField("说明", blank=True)
    is_sample = models.BooleanField("示例数据", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = RegionScopedManager()
    region_field = "region"

    class Meta:
        verbose_name = "碳汇参数集"
        verbose_name_plural = "碳汇参数集"
        ordering = ["region", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"


class SpeciesParameter(models.Model):
    """One value of a parameter set: a species group's parameter with its source."""

    parameter_set = models.ForeignKey(
        ParameterSet, verbose_name="参数集", on_delete=models.CASCADE, related_name="values"
    )
    species_group = models.CharField("优势树种组", max_length=50)
    field = models.CharField("参数", max_length=30, choices=ParameterField.choices)
    value = models.FloatField("数值", null=True, blank=True, help_text="留空表示尚未填写；不会按 0 计算")
    source = models.CharField("来源", max_length=500, blank=True, help_text="文件名称、表号或条款、页码")
    verification = models.CharField("核验状态", max_length=20, choices=Verification.choices, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = RegionScopedManager()
    region_field = "parameter_set__region"

    class Meta:
        verbose_name = "树种组参数"
        verbose_name_plural = "树种组参数"
        ordering = ["parameter_set", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parameter_set", "species_group", "field"], name="sinks_parameter_unique_field"
            )
        ]

    def __str__(self) -> str:
        value = "（未填写）" if self.value is None else f"{self.value:g}"
        return f"{self.species_group} {self.get_field_display()} {value}"


class SinkSettings(models.Model):
    """A region's choice of parameter set and its land area (for forest cover)."""

    region = region_fk()
    parameter_set = models.ForeignKey(
        ParameterSet,
        verbose_name="采用的参数集",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    land_area_hm2 = models.FloatField("土地总面积（hm²）", null=True, blank=True)
    land_area_source = models.CharField("土地面积来源", max_length=300, blank=True)
    growth_rate_pct = models.FloatField(
        "活立木蓄积量年均总生长率（%/年）",
        null=True,
        blank=True,
        help_text="生长-消耗法（对照）；与消耗率同时填写",
    )
    consumption_rate_pct = models.FloatField("活立木年均净消耗率（%/年）", null=True, blank=True)
    rates_source = models.CharField("生长率、消耗率来源", max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = RegionScopedManager()
    region_field = "region"

    class Meta:
        verbose_name = "碳汇核算设置"
        verbose_name_plural = "碳汇核算设置"
        constraints = [models.UniqueConstraint(fields=["region"], name="sinks_settings_one_per_region")]

    def __str__(self) -> str:
        return f"碳汇核算设置 {self.region_id}"
