"""Investment projects (固定资产投资项目), the 两高 list, energy review and coal replacement.

A :class:`Project` belongs to a region. Its figures (tce 当量值/等价值, feedstock, coal, CO2,
两高 classification, review level) are computed by the engine from its energy rows when it is
saved (:func:`carbonpeak.projects.services.save_project`) and frozen in ``figures`` with the
full trace, so every number shown traces to activity × factor × source.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from carbonpeak.core.fields import region_fk
from carbonpeak.core.scoping import RegionScopedManager


class Stage(models.TextChoices):
    PROPOSED = "拟建", "拟建"
    UNDER_CONSTRUCTION = "在建", "在建"
    EXISTING = "存量", "存量"
    IN_PRODUCTION = "已投产", "已投产"
    PHASED_OUT = "淘汰", "淘汰"


#: Stages counted as pending (待评价) in the impact page and the dashboard card.
PENDING_STAGES = (Stage.PROPOSED, Stage.UNDER_CONSTRUCTION)


class Disposition(models.TextChoices):
    """分类处置 of a 两高 project."""

    PROHIBIT = "禁止", "禁止"
    STRICT = "严控", "严控"
    UPGRADE = "改造升级", "改造升级"
    EXIT = "淘汰退出", "淘汰退出"
    ALLOW = "允许", "允许"


REVIEW_LEVEL_LABELS = {
    "provincial": "省级审查",
    "local": "省级以下审查",
    "no_separate_report": "不单独编制节能报告",
}


class Use(models.TextChoices):
    FUEL = "fuel", "燃料动力"
    FEEDSTOCK = "feedstock", "原料"


class Project(models.Model):
    """A fixed-asset investment project of a county."""

    region = region_fk()
    code = models.CharField("项目编号", max_length=50)
    name = models.CharField("项目名称", max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="建设单位（企业名录）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_name = models.CharField(
        "建设单位名称", max_length=200, blank=True, help_text="未列入企业名录时填写"
    )
    owner_uscc = models.CharField("建设单位统一社会信用代码", max_length=18, blank=True)
    industry_code = models.CharField("行业代码(GB/T 4754-2017)", max_length=10, blank=True)
    park = models.CharField("建设地点/园区", max_length=100, blank=True)
    investment_10k_yuan = models.FloatField("总投资（万元）", null=True, blank=True)
    stage = models.CharField("建设阶段", max_length=10, choices=Stage.choices, default=Stage.PROPOSED)
    planned_start = models.DateField("计划开工日期", null=True, blank=True)
    planned_production = models.DateField("计划投产日期", null=True, blank=True)
    production_year = models.PositiveIntegerField("投产年份", help_text="淘汰项目填停产年份")
    ramp_up_pct = models.CharField(
        "达产进度(%)", max_length=100, default="100", help_text="逐年占设计产能比例，如 50,80,100"
    )
    capacity = models.CharField("设计产能", max_length=200, blank=True)
    products = models.CharField("主要产品", max_length=300, blank=True)
    processes = models.CharField("主要工序", max_length=300, blank=True)
    value_added_10k_yuan = models.FloatField("达产年增加值（万元，可比价）", default=0)
    renewable_electricity_kwh = models.FloatField("新增可再生能源电力（千瓦时/年）", default=0)
    process_co2_t = models.FloatField("工业过程排放（吨二氧化碳/年）", default=0)
    disposition = models.CharField("分类处置", max_length=10, choices=Disposition.choices, blank=True)
    disposition_note = models.CharField("处置说明", max_length=300, blank=True)
    # computed by services.save_project from the engine (frozen with the trace)
    energy_tce = models.FloatField("年综合能源消费量（当量值，tce）", default=0)
    energy_tce_equal_value = models.FloatField("年综合能源消费量（等价值，tce）", null=True, blank=True)
    feedstock_energy_tce = models.FloatField("原料用能（tce）", default=0)
    electricity_kwh = models.FloatField("年电力消费量（千瓦时）", default=0)
    coal_tce = models.FloatField("煤炭消费量（tce）", default=0)
    co2_t = models.FloatField("二氧化碳（吨/年）", default=0)
    is_two_high = models.BooleanField("两高项目", default=False)
    two_high_rule = models.CharField("两高判定规则", max_length=50, blank=True)
    two_high_reason = models.CharField("两高判定依据", max_length=500, blank=True)
    review_level = models.CharField("节能审查层级", max_length=30, blank=True)
    figures = models.JSONField("计算结果与过程", default=dict, blank=True)
    is_sample = models.BooleanField("示例数据", default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RegionScopedManager()
    region_field = "region"

    class Meta:
        verbose_name = "投资项目"
        verbose_name_plural = "投资项目"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="projects_unique_code_per_region")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def owner_display(self) -> str:
        if self.enterprise_id and self.enterprise is not None:
            return f"{self.enterprise.name}（{self.enterprise.uscc}）"
        if self.owner_name:
            return f"{self.owner_name}（{self.owner_uscc}）" if self.owner_uscc else self.owner_name
        return "—"

    @property
    def ramp_up_values(self) -> tuple[float, ...]:
        parts = [p for p in self.ramp_up_pct.replace("，", ",").replace("、", ",").split(",") if p.strip()]
        return tuple(float(p) for p in parts) or (100.0,)

    @property
    def review_level_label(self) -> str:
        return REVIEW_LEVEL_LABELS.get(self.review_level, "—")

    @property
    def needs_coal_replacement(self) -> bool:
        return self.coal_tce > 0 and self.stage != Stage.PHASED_OUT


class ProjectEnergy(models.Model):
    """One carrier a project consumes each year at full production (physical units)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="energy_rows"
    )
    carrier = models.CharField("能源品种", max_length=50)
    quantity = models.FloatField("年消费量（实物量）")
    unit = models.CharField("计量单位", max_length=30)
    use = models.CharField("用途", max_length=10, choices=Use.choices, default=Use.FUEL)

    objects = RegionScopedManager()
    region_field = "project__region"

    class Meta:
        verbose_name = "项目能源消费"
        verbose_name_plural = "项目能源消费"
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return f"{self.carrier} {self.quantity:g} {self.unit}"


class EnergyReview(models.Model):
    """One energy review (节能审查) of a project: submission, expert comments, decision."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交，待评审"
        APPROVED = "approved", "通过"
        REJECTED = "rejected", "不予通过"
        SUPPLEMENT = "supplement", "补充材料"

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="reviews"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    report_summary = models.TextField("节能报告要点", help_text="主要节能措施、能效水平、能源供应条件等")
    report_file = models.FileField("节能报告（附件）", upload_to="projects/reports/", blank=True)
    snapshot = models.JSONField("提交时的项目数据与影响分析", default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    decision_note = models.TextField("审查意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)

    objects = RegionScopedManager()
    region_field = "project__region"

    class Meta:
        verbose_name = "节能审查"
        verbose_name_plural = "节能审查"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project.name} 节能审查（{self.get_status_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ReviewComment(models.Model):
    """An expert's comment (专家评审意见) on a review."""

    review = models.ForeignKey(
        EnergyReview, verbose_name="审查", on_delete=models.CASCADE, related_name="comments"
    )
    expert = models.CharField("专家", max_length=100)
    text = models.TextField("意见")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = RegionScopedManager()
    region_field = "review__project__region"

    class Meta:
        verbose_name = "专家意见"
        verbose_name_plural = "专家意见"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.expert}：{self.text[:20]}"


class CoalReplacement(models.Model):
    """A coal replacement (煤炭等量或减量替代) assigned to a coal-consuming project.

    The source is a phase-out project in the register (its coal freed) or a described source
    with its document; the ledger is balanced when no source gives more than it freed and
    every coal-consuming project is covered by at least its own coal.
    """

    project = models.ForeignKey(
        Project, verbose_name="耗煤项目", on_delete=models.CASCADE, related_name="coal_replacements"
    )
    source_project = models.ForeignKey(
        Project,
        verbose_name="替代来源（淘汰项目）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coal_given",
    )
    source_description = models.CharField(
        "替代来源说明", max_length=300, help_text="如：关停某砖厂轮窑（某发改〔2025〕X号）"
    )
    coal_tce = models.FloatField("替代煤炭量（tce/年）")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = RegionScopedManager()
    region_field = "project__region"

    class Meta:
        verbose_name = "煤炭替代"
        verbose_name_plural = "煤炭替代"
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return f"{self.project.name} ← {self.source_description} {self.coal_tce:g} tce"


class ImpactSettings(models.Model):
    """A county's assumptions for the impact page (测算参数), each with its source.

    The accounting dataset gives the past; the years after it need a GDP path and, for the
    2030 targets, the targets themselves when the dataset's TARGETS only reach 2025.
    """

    region = models.OneToOneField(
        "core.Region", verbose_name="行政区划", on_delete=models.CASCADE, related_name="+"
    )
    gdp_growth_pct = models.FloatField("GDP年均增速(%)", null=True, blank=True)
    gdp_growth_source = models.CharField("GDP增速来源", max_length=300, blank=True)
    baseline_energy_growth_pct = models.FloatField("基线能耗年均增速(%)", default=0)
    baseline_energy_growth_source = models.CharField("基线增速来源", max_length=300, blank=True)
    end_year = models.PositiveIntegerField("测算截止年份", null=True, blank=True)
    extra_targets = models.JSONField(
        "补充目标",
        default=list,
        blank=True,
        help_text='核算数据集以外的目标，如 [{"indicator": "energy_intensity", "base_year": 2025, '
        '"target_year": 2030, "decline_pct": 13.5, "cap": null, "source": "文件与文号"}]',
    )
    is_sample = models.BooleanField("示例数据", default=False, editable=False)

    objects = RegionScopedManager()
    region_field = "region"

    class Meta:
        verbose_name = "影响测算参数"
        verbose_name_plural = "影响测算参数"

    def __str__(self) -> str:
        return f"{self.region} 测算参数"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from carbonpeak.engine.targets import INDICATOR_LABELS

        if self.gdp_growth_pct is not None and not self.gdp_growth_source.strip():
            raise ValidationError({"gdp_growth_source": "请注明 GDP 增速的来源"})
        if self.baseline_energy_growth_pct and not self.baseline_energy_growth_source.strip():
            raise ValidationError({"baseline_energy_growth_source": "请注明基线能耗增速的来源"})
        if not isinstance(self.extra_targets, list):
            raise ValidationError({"extra_targets": "补充目标应为列表"})
        for i, t in enumerate(self.extra_targets, start=1):
            if not isinstance(t, dict) or t.get("indicator") not in INDICATOR_LABELS:
                raise ValidationError(
                    {"extra_targets": f"第 {i} 个目标的指标无效，可选：{'、'.join(INDICATOR_LABELS)}"}
                )
            try:
                base, target = int(t["base_year"]), int(t["target_year"])
            except (KeyError, TypeError, ValueError):
                raise ValidationError({"extra_targets": f"第 {i} 个目标缺少基准年或目标年"}) from None
            if target <= base:
                raise ValidationError({"extra_targets": f"第 {i} 个目标的目标年必须晚于基准年"})
            if t.get("decline_pct") is None and t.get("cap") is None:
                raise ValidationError(
                    {"extra_targets": f"第 {i} 个目标需要下降率（decline_pct）或上限（cap）"}
                )
            if not str(t.get("source") or "").strip():
                raise ValidationError({"extra_targets": f"第 {i} 个目标必须注明来源（source）"})

    def as_assumptions(self) -> Any:
        from carbonpeak.engine.project_impact import ImpactAssumptions

        return ImpactAssumptions(
            gdp_growth_pct=self.gdp_growth_pct,
            gdp_growth_source=self.gdp_growth_source,
            baseline_energy_growth_pct=self.baseline_energy_growth_pct or 0.0,
            baseline_energy_growth_source=self.baseline_energy_growth_source,
            end_year=self.end_year,
        )

    def targets(self) -> list[Any]:
        from carbonpeak.engine.targets import Target

        return [
            Target(
                indicator=t["indicator"],
                base_year=int(t["base_year"]),
                target_year=int(t["target_year"]),
                decline_pct=t.get("decline_pct"),
                cap=t.get("cap"),
            )
            for t in self.extra_targets or []
        ]


class TwoHighRuleConfig(models.Model):
    """A 两高 rule an office adds for its region and every region below it (省级两高目录等).

    Added to the default six divisions (engine ``two_high_industries.csv``); the most specific
    matching rule classifies a project.
    """

    class Kind(models.TextChoices):
        INDUSTRY = "industry", "行业代码（前缀）"
        PRODUCT = "product", "产品关键词"
        PROCESS = "process", "工序关键词"

    region = region_fk("适用行政区划", editable=True)
    code = models.CharField("规则代码", max_length=50)
    name_zh = models.CharField("名称", max_length=100, help_text="如 水泥熟料、平板玻璃制造")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    pattern = models.CharField(
        "匹配内容", max_length=100, help_text="行业代码前缀（如 C3041）或关键词（如 熟料）"
    )
    source = models.CharField("来源", max_length=300, help_text="文件名称与文号")
    active = models.BooleanField("启用", default=True)

    objects = RegionScopedManager()
    region_field = "region"

    class Meta:
        verbose_name = "两高判定规则（本地）"
        verbose_name_plural = "两高判定规则（本地）"
        ordering = ["region", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from carbonpeak.engine.two_high import ClassificationError, make_rule

        try:
            make_rule(
                code=self.code, name_zh=self.name_zh, kind=self.kind, pattern=self.pattern, source=self.source
            )
        except ClassificationError as exc:
            raise ValidationError(exc.message) from None


class ReviewThresholdConfig(models.Model):
    """A region's own energy-review thresholds (本省节能审查实施办法), replacing the defaults
    for projects in it and below it; each needs its source."""

    region = region_fk("适用行政区划", editable=True)
    provincial_min_tce = models.FloatField("省级审查门槛（tce/年，当量值）", null=True, blank=True)
    no_report_energy_max_tce = models.FloatField(
        "不单独编制节能报告：能耗上限（tce/年）", null=True, blank=True
    )
    no_report_electricity_max_kwh = models.FloatField(
        "不单独编制节能报告：电力上限（kWh/年）", null=True, blank=True
    )
    source = models.CharField("来源", max_length=300, help_text="文件名称与文号")

    objects = RegionScopedManager()
    region_field = "region"

    class Meta:
        verbose_name = "节能审查门槛（本地）"
        verbose_name_plural = "节能审查门槛（本地）"
        constraints = [models.UniqueConstraint(fields=["region"], name="projects_one_threshold_per_region")]

    def __str__(self) -> str:
        return f"{self.region} 节能审查门槛"

    def thresholds(self) -> Any:
        from carbonpeak.engine.two_high import ReviewThresholds

        return ReviewThresholds.default().with_values(
            provincial_min_tce=self.provincial_min_tce,
            no_report_energy_max_tce=self.no_report_energy_max_tce,
            no_report_electricity_max_kwh=self.no_report_electricity_max_kwh,
            source=self.source,
            name=f"{self.region.name}节能审查门槛（{self.source}）",
        )

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from carbonpeak.engine.two_high import ClassificationError

        try:
            self.thresholds()
        except ClassificationError as exc:
            raise ValidationError(exc.message) from None
