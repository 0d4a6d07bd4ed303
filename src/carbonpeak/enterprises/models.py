"""Registry of key energy-using enterprises (重点用能单位)."""

from __future__ import annotations

from django.db import models

from carbonpeak.core.fields import region_fk
from carbonpeak.core.scoping import RegionScopedManager
from carbonpeak.engine.budget import KEY_UNIT_LABELS, key_unit_status


class Enterprise(models.Model):
    """An enterprise (legal entity) whose energy use the county monitors."""

    region = region_fk("所在行政区划")
    name = models.CharField("企业名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    industry_code = models.CharField("行业代码(GB/T 4754)", max_length=10, blank=True)
    park = models.CharField("所在园区", max_length=100, blank=True)
    township = models.CharField("所在乡镇", max_length=100, blank=True)
    land_area_mu = models.DecimalField("用地面积(亩)", max_digits=12, decimal_places=2, null=True, blank=True)
    energy_budget_tce = models.DecimalField(
        "年度用能预算(吨标准煤)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    annual_energy_tce = models.DecimalField(
        "上年度综合能源消费量(吨标准煤)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="来自统计报表；为空时按在线监测近12个月折算值判定重点用能单位。",
    )
    annual_energy_year = models.PositiveIntegerField("能源消费量所属年份", null=True, blank=True)
    designated = models.BooleanField("经节能主管部门指定", default=False)
    is_sample = models.BooleanField("示例数据", default=False, editable=False)

    class Meta:
        verbose_name = "重点用能单位"
        verbose_name_plural = "重点用能单位"
        ordering = ["name"]

    region_field = "region"
    enterprise_field = "pk"
    enterprise_path = "pk"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return self.name

    def key_unit_status(self, metered_annual_tce: float | None = None) -> str:
        """``key_unit`` / ``designated`` / ``candidate`` / ``below`` / ``unknown`` (engine.budget)."""
        basis = float(self.annual_energy_tce) if self.annual_energy_tce is not None else metered_annual_tce
        return key_unit_status(basis, designated=self.designated)

    def key_unit_label(self, metered_annual_tce: float | None = None) -> str:
        return KEY_UNIT_LABELS[self.key_unit_status(metered_annual_tce)]
