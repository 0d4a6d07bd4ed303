"""Enterprise evaluation: annual data, carbon-efficiency grades, per-mu classes, reduction
ranking, emission disclosure and the green-finance list.

Rows that belong to an enterprise reach their region through it
(``region_field = "enterprise__region"``); a ranking and a grade publication carry their
own region.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from carbonpeak.core.fields import region_fk
from carbonpeak.core.scoping import RegionScopedManager


class Exemption(models.TextChoices):
    NONE = "", "无"
    NEW = "new", "新建企业"
    PUBLIC_WELFARE = "public_welfare", "公益性企业"


class AnnualData(models.Model):
    """One enterprise's economic, energy and emission data for one year (企业年度数据)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveIntegerField("年度")
    value_added_10k_yuan = models.FloatField("工业增加值(万元)", null=True, blank=True)
    output_value_10k_yuan = models.FloatField("工业总产值(万元)", null=True, blank=True)
    revenue_10k_yuan = models.FloatField("主营业务收入(万元)", null=True, blank=True)
    tax_10k_yuan = models.FloatField("实缴税金(万元)", null=True, blank=True)
    employees = models.PositiveIntegerField("年平均从业人员(人)", null=True, blank=True)
    rd_10k_yuan = models.FloatField("研发经费支出(万元)", null=True, blank=True)
    land_area_mu = models.FloatField("用地面积(亩)", null=True, blank=True)
    energy_tce_equivalent = models.FloatField("综合能耗-当量值(吨标准煤)", null=True, blank=True)
    energy_tce_equal_value = models.FloatField("综合能耗-等价值(吨标准煤)", null=True, blank=True)
    co2_t = models.FloatField(
        "二氧化碳排放量(吨)",
        null=True,
        blank=True,
        help_text="能源活动排放，扣除自有零碳电力（水、风、光伏）后的净排放。",
    )
    pollutant_t = models.FloatField("主要污染物排放量(吨)", null=True, blank=True)
    exemption = models.CharField("亩均评价豁免", max_length=20, choices=Exemption.choices, blank=True)
    monitored_energy_tce = models.FloatField("在线监测/统计报表能耗(吨标准煤)", null=True, blank=True)
    monitored_co2_t = models.FloatField("在线监测/统计报表二氧化碳(吨)", null=True, blank=True)
    monitored_note = models.CharField("监测数据说明", max_length=300, blank=True)
    prefilled = models.CharField("由监测数据预填的字段", max_length=200, blank=True)
    difference_note = models.CharField("与监测数据的差异", max_length=300, blank=True)
    is_sample = models.BooleanField("示例数据", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RegionScopedManager()
    region_field = "enterprise__region"
    enterprise_path = "enterprise"

    class Meta:
        verbose_name = "企业年度数据"
        verbose_name_plural = "企业年度数据"
        ordering = ["-year", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="annual_data_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年"


class CarbonEfficiencyGrade(models.Model):
    """碳效码 of one enterprise and year, with the rule (preset) that produced it."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveIntegerField("年度")
    division = models.CharField("行业大类(GB/T 4754)", max_length=4)
    intensity_t_per_10k_yuan = models.FloatField("单位增加值碳排放L(吨/万元)", null=True)
    industry_mean_t_per_10k_yuan = models.FloatField("行业平均L(吨/万元)", null=True)
    division_enterprises = models.PositiveIntegerField("同行业参评企业数")
    k = models.FloatField("碳效值K", null=True)
    grade = models.PositiveSmallIntegerField("碳效等级", null=True)
    level = models.CharField("碳效水平", max_length=4, blank=True)
    reason = models.CharField("说明", max_length=300, blank=True)
    preset_code = models.CharField("分档预设", max_length=60)
    preset = models.JSONField("分档规则（含来源）")
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    objects = RegionScopedManager()
    region_field = "enterprise__region"
    enterprise_path = "enterprise"

    class Meta:
        verbose_name = "碳效等级"
        verbose_name_plural = "碳效等级"
        ordering = ["-year", "grade", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="ce_grade_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年 {self.grade or '不评'}"


class MuClassification(models.Model):
    """亩均论英雄 result of one enterprise and year, with the preset that produced it."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveIntegerField("年度")
    score = models.FloatField("综合得分", null=True)
    rank = models.PositiveIntegerField("名次", null=True)
    mu_class = models.CharField("类别", max_length=1, blank=True)
    exemption = models.CharField("豁免", max_length=20, choices=Exemption.choices, blank=True)
    reason = models.CharField("说明", max_length=300, blank=True)
    indicators = models.JSONField("指标值")
    scores = models.JSONField("分项得分")
    preset_code = models.CharField("评价预设", max_length=60)
    preset = models.JSONField("评价规则（含来源）")
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    objects = RegionScopedManager()
    region_field = "enterprise__region"
    enterprise_path = "enterprise"

    class Meta:
        verbose_name = "亩均评价结果"
        verbose_name_plural = "亩均评价结果"
        ordering = ["-year", "rank"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="mu_class_unique")]


class GradePublication(models.Model):
    """The office chose to publish a year's carbon-efficiency grades of its county."""

    region = region_fk()
    year = models.PositiveIntegerField("年度")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("公开时间", auto_now_add=True)

    objects = RegionScopedManager()
    region_field = "region"

    class Meta:
        verbose_name = "碳效等级公开"
        verbose_name_plural = "碳效等级公开"
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="grade_publication_unique")]


class ReductionRanking(models.Model):
    """CO2-reduction ranking of a county's key enterprises for one year against a base year."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待审核"
        PUBLISHED = "published", "已公布"

    region = region_fk()
    year = models.PositiveIntegerField("排名年度")
    base_year = models.PositiveIntegerField("基准年")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    objects = RegionScopedManager()
    region_field = "region"

    class Meta:
        verbose_name = "二氧化碳减排企业排名"
        verbose_name_plural = "二氧化碳减排企业排名"
        ordering = ["-year", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "base_year"], name="ranking_unique")]

    def __str__(self) -> str:
        return f"{self.year}年二氧化碳减排企业排名（基准年{self.base_year}）"


class RankingEntry(models.Model):
    ranking = models.ForeignKey(ReductionRanking, on_delete=models.CASCADE, related_name="entries")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="+"
    )
    base_co2_t = models.FloatField("基准年排放(吨)", null=True)
    co2_t = models.FloatField("本年排放(吨)", null=True)
    decline_t = models.FloatField("减排量(吨)", null=True)
    decline_pct = models.FloatField("下降率(%)", null=True)
    base_intensity_t_per_10k_yuan = models.FloatField("基准年强度(吨/万元)", null=True)
    intensity_t_per_10k_yuan = models.FloatField("本年强度(吨/万元)", null=True)
    intensity_decline_pct = models.FloatField("强度下降率(%)", null=True)
    rank_absolute = models.PositiveIntegerField("减排量名次", null=True)
    rank_intensity = models.PositiveIntegerField("强度下降名次", null=True)
    reason = models.CharField("说明", max_length=300, blank=True)
    advanced = models.BooleanField("碳排放管理先进企业", default=False)

    objects = RegionScopedManager()
    region_field = "ranking__region"

    class Meta:
        verbose_name = "排名条目"
        verbose_name_plural = "排名条目"
        ordering = ["rank_absolute", "enterprise__name"]


class Disclosure(models.Model):
    """An enterprise's annual emission disclosure (carbon block of MEE Order No. 24)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交待审核"
        RETURNED = "returned", "退回修改"
        APPROVED = "approved", "审核通过（已公开）"

    class Method(models.TextChoices):
        CALCULATION = "calculation", "核算法（活动水平 × 排放因子）"
        MEASUREMENT = "measurement", "实测法（连续监测）"
        MIXED = "mixed", "核算法与实测法结合"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveIntegerField("报告年度")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    co2_t = models.FloatField("本年度二氧化碳排放量(吨)", null=True, blank=True)
    prior_year_co2_t = models.FloatField("上年度二氧化碳排放量(吨)", null=True, blank=True)
    accounting_method = models.CharField("核算方法", max_length=20, choices=Method.choices, blank=True)
    accounting_standard = models.CharField(
        "核算依据（标准或指南）", max_length=200, blank=True, help_text="如 GB/T 32150-2015 或行业核算指南"
    )
    statement = models.TextField("其他说明", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)
    is_sample = models.BooleanField("示例数据", default=False)

    objects = RegionScopedManager()
    region_field = "enterprise__region"
    enterprise_path = "enterprise"

    class Meta:
        verbose_name = "企业碳排放信息披露"
        verbose_name_plural = "企业碳排放信息披露"
        ordering = ["-year", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="disclosure_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年度碳排放信息"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class DisclosureFacility(models.Model):
    """An emitting facility (排放设施) named in a disclosure."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="facilities")
    name = models.CharField("设施名称", max_length=100)
    facility_type = models.CharField("设施类型", max_length=60, blank=True, help_text="如 燃煤锅炉、工业窑炉")
    fuel = models.CharField("主要燃料/能源", max_length=60, blank=True)
    co2_t = models.FloatField("排放量(吨)", null=True, blank=True)

    objects = RegionScopedManager()
    region_field = "disclosure__enterprise__region"
    enterprise_path = "disclosure__enterprise"

    class Meta:
        verbose_name = "排放设施"
        verbose_name_plural = "排放设施"
        ordering = ["id"]


class GreenFinanceCriteria(models.Model):
    """The county's criteria for the green-finance list (绿色项目库) handed to banks."""

    region = region_fk()
    max_grade = models.PositiveSmallIntegerField("碳效等级不低于（数值不大于）", default=2)
    require_disclosure = models.BooleanField("须已通过碳排放信息披露", default=True)
    note = models.CharField("依据或说明", max_length=300, blank=True)

    objects = RegionScopedManager()
    region_field = "region"

    class Meta:
        verbose_name = "绿色金融名单条件"
        verbose_name_plural = "绿色金融名单条件"
        constraints = [models.UniqueConstraint(fields=["region"], name="green_criteria_unique")]


class MuPresetRecord(models.Model):
    """A county's own per-mu evaluation rule (copied from a shipped preset and edited),
    dated and with its source; results record its code."""

    region = region_fk()
    code = models.CharField("预设代码", max_length=60)
    name = models.CharField("名称", max_length=120)
    data_year = models.PositiveIntegerField("适用数据年度")
    valid_from = models.DateField("启用日期")
    base_code = models.CharField("复制自", max_length=60)
    rules = models.JSONField("指标权重与基准值")
    a_top_pct = models.FloatField("A类上限(%)", default=25)
    b_to_pct = models.FloatField("B类上限(%)", default=70)
    c_to_pct = models.FloatField("C类上限(%)", default=95)
    source = models.CharField("来源（文件名称、文号或网址）", max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RegionScopedManager()
    region_field = "region"

    class Meta:
        verbose_name = "亩均评价预设（本地）"
        verbose_name_plural = "亩均评价预设（本地）"
        ordering = ["-data_year", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="mu_preset_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
