"""Registry of key energy-using enterprises (重点用能单位)."""

from __future__ import annotations

from django.db import models


class Enterprise(models.Model):
    """An enterprise (legal entity) whose energy use the county monitors."""

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

    class Meta:
        verbose_name = "重点用能单位"
        verbose_name_plural = "重点用能单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
