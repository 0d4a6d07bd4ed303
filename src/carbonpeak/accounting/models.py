"""Accounting datasets: imported statistics, the factors used, and the frozen result.

A :class:`Dataset` is one import of county energy and economy statistics. Its
``result`` is the engine's :class:`~carbonpeak.engine.accounting.AccountingResult`
(years, declines, warnings, assumptions, the factor set) frozen at computation time,
so a figure shown later is exactly the figure computed, even after defaults change.
Each :class:`EnergyRecord` keeps its own row's trace (activity × factor = result).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from carbonpeak.core.fields import region_fk
from carbonpeak.core.scoping import RegionScopedManager


class Dataset(models.Model):
    """One imported set of statistics (能源与经济统计数据集) and its accounting result."""

    region = region_fk()
    name = models.CharField("名称", max_length=200)
    province = models.CharField("电网因子地区", max_length=50, default="湖南省")
    base_year = models.PositiveIntegerField("基准年", default=2020)
    dataset_kind = models.CharField("排放因子数据集", max_length=30, default="CN_DEFAULT")
    is_sample = models.BooleanField("示例数据", default=False)
    note = models.TextField("说明", blank=True)
    energy_filename = models.CharField("能源数据文件", max_length=255, blank=True)
    economy_filename = models.CharField("经济数据文件", max_length=255, blank=True)
    factors_filename = models.CharField("因子文件", max_length=255, blank=True)
    targets_filename = models.CharField("目标文件", max_length=255, blank=True)
    exclusions_filename = models.CharField("扣除项文件", max_length=255, blank=True)
    inputs = models.JSONField("目标、扣除项与用户因子（原样）", default=dict, blank=True)
    factor_set_name = models.CharField("因子集", max_length=300, blank=True)
    factor_set_version = models.CharField("因子集版本", max_length=200, blank=True)
    result = models.JSONField("核算结果", default=dict, blank=True)
    computed_at = models.DateTimeField("核算时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "核算数据集"
        verbose_name_plural = "核算数据集"
        ordering = ["-created_at", "-id"]

    region_field = "region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in (self.result or {}).get("years", {}))


class EnergyRecord(models.Model):
    """One ENERGY row as imported, with its computed energy and CO2."""

    dataset = models.ForeignKey(
        Dataset, verbose_name="数据集", on_delete=models.CASCADE, related_name="energy_records"
    )
    line = models.PositiveIntegerField("文件行号", null=True, blank=True)
    year = models.PositiveIntegerField("年份")
    sector = models.CharField("行业", max_length=100)
    carrier = models.CharField("能源品种", max_length=50)
    quantity = models.FloatField("实物量")
    unit = models.CharField("单位", max_length=30)
    energy_tce = models.FloatField("能耗（当量值，tce）")
    energy_tce_equal_value = models.FloatField("能耗（等价值，tce）", null=True, blank=True)
    co2_t = models.FloatField("二氧化碳（t）")
    trace = models.JSONField("计算过程", default=dict, blank=True)

    class Meta:
        verbose_name = "能源消费记录"
        verbose_name_plural = "能源消费记录"
        ordering = ["dataset", "year", "id"]
        indexes = [models.Index(fields=["dataset", "year"])]

    region_field = "dataset__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.year} {self.sector} {self.carrier} {self.quantity:g} {self.unit}"


class EconomyRecord(models.Model):
    """One ECONOMY row as imported."""

    dataset = models.ForeignKey(
        Dataset, verbose_name="数据集", on_delete=models.CASCADE, related_name="economy_records"
    )
    year = models.PositiveIntegerField("年份")
    gdp_10k_yuan = models.FloatField("地区生产总值（当年价，万元）", null=True, blank=True)
    gdp_constant_10k_yuan = models.FloatField("地区生产总值（可比价，万元）")
    population = models.FloatField("常住人口（人）", null=True, blank=True)
    thermal_power_coal_rate_gce_per_kwh = models.FloatField(
        "火电发电标准煤耗（gce/kWh）", null=True, blank=True
    )
    non_fossil_energy_tce = models.FloatField("非化石能源消费量（tce）", null=True, blank=True)

    class Meta:
        verbose_name = "经济数据"
        verbose_name_plural = "经济数据"
        ordering = ["dataset", "year"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "year"], name="accounting_economy_unique_year")
        ]

    region_field = "dataset__region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.year}"


class LocalFactor(models.Model):
    """A local factor that overrides the platform default (本地因子).

    The unit decides what the value is (see ``FactorSet.with_user_factors``):
    ``tCO2/…`` a CO2 factor, ``kgce/…`` a standard-coal coefficient, ``GJ/t`` a
    measured calorific value, ``gce/kWh`` (电力) the thermal-power coal rate.
    """

    region = region_fk()
    carrier = models.CharField("能源品种", max_length=50)
    year = models.PositiveIntegerField("适用年份", null=True, blank=True, help_text="留空表示适用所有年份")
    value = models.FloatField("数值")
    unit = models.CharField(
        "单位", max_length=40, help_text="如 tCO2/t、tCO2/万立方米、tCO2/MWh、kgce/kg、GJ/t、gce/kWh"
    )
    source = models.CharField("来源", max_length=300)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "本地因子"
        verbose_name_plural = "本地因子"
        ordering = ["carrier", "year", "id"]

    region_field = "region"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.carrier} {self.year or '所有年份'} {self.value:g} {self.unit}"

    def as_row(self) -> dict[str, str]:
        return {
            "carrier": self.carrier,
            "year": "" if self.year is None else str(self.year),
            "co2_factor": repr(self.value),
            "unit": self.unit,
            "source": self.source,
        }
