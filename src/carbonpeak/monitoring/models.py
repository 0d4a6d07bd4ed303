"""Meters, API tokens, ingestion batches, corrections, alarms and reported statistics.

Readings themselves are not here: they live in the Parquet meter store
(:mod:`carbonpeak.monitoring.store`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from carbonpeak.core.scoping import RegionScopedManager
from carbonpeak.engine.energy import CARRIERS

CARRIER_CHOICES = [(name, name) for name in CARRIERS]


class Meter(models.Model):
    """A meter (计量点 / 表计) of an enterprise."""

    class Kind(models.TextChoices):
        CUMULATIVE = "cumulative", "累计值（表底读数）"
        INTERVAL = "interval", "区间值（每15分钟用量）"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="meters"
    )
    code = models.CharField("计量点编码", max_length=50, help_text="企业内唯一，数据接口用此编码识别计量点")
    name = models.CharField("计量点名称", max_length=100)
    carrier = models.CharField("能源品种", max_length=30, choices=CARRIER_CHOICES)
    unit = models.CharField("计量单位", max_length=20, help_text="如 kWh、m3、t、GJ")
    multiplier = models.FloatField(
        "倍率", default=1.0, help_text="互感器变比或脉冲常数，读数差乘以倍率为用量"
    )
    kind = models.CharField("读数类型", max_length=12, choices=Kind.choices, default=Kind.CUMULATIVE)
    register_max = models.FloatField(
        "表码满量程",
        null=True,
        blank=True,
        help_text="累计表码到此值后归零（翻转），如 99999999；不翻转可留空",
    )
    installed_on = models.DateField("安装日期", null=True, blank=True)
    active = models.BooleanField("在用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "计量点"
        verbose_name_plural = "计量点"
        ordering = ["enterprise_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="meter_code_unique_per_enterprise")
        ]

    region_field = "enterprise__region"
    enterprise_path = "enterprise"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MeterReplacement(models.Model):
    """A meter exchange: readings at or after ``replaced_at`` come from the new register."""

    meter = models.ForeignKey(
        Meter, verbose_name="计量点", on_delete=models.CASCADE, related_name="replacements"
    )
    replaced_at = models.DateTimeField("换表时间")
    old_final = models.FloatField("旧表止码")
    new_initial = models.FloatField("新表起码")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "换表记录"
        verbose_name_plural = "换表记录"
        ordering = ["meter_id", "replaced_at"]

    region_field = "meter__enterprise__region"
    enterprise_path = "meter__enterprise"
    objects = RegionScopedManager()


class ApiToken(models.Model):
    """A data-logger credential of one enterprise. Only the SHA-256 of the secret is stored."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("用途说明", max_length=100)
    prefix = models.CharField("令牌前缀", max_length=12, help_text="用于辨认令牌，不足以使用")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    region_field = "enterprise__region"
    enterprise_path = "enterprise"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class IngestBatch(models.Model):
    """One accepted submission (API call, upload or CLI run)."""

    class Source(models.TextChoices):
        API = "api", "数据接口"
        UPLOAD = "upload", "网页上传"
        CLI = "cli", "命令行"
        SAMPLE = "sample", "示例数据"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        on_delete=models.CASCADE,
        related_name="ingest_batches",
        verbose_name="企业",
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField("文件名", max_length=200, blank=True)
    received = models.PositiveIntegerField("收到行数", default=0)
    accepted = models.PositiveIntegerField("接收行数", default=0)
    rejected = models.PositiveIntegerField("拒收行数", default=0)
    corrections = models.PositiveIntegerField("更正条数", default=0)
    errors = models.JSONField("错误（前200条）", default=list, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "数据批次"
        verbose_name_plural = "数据批次"
        ordering = ["-created_at"]

    region_field = "enterprise__region"
    enterprise_path = "enterprise"
    objects = RegionScopedManager()


class Correction(models.Model):
    """A reading replaced by a later submission for the same meter and timestamp."""

    meter = models.ForeignKey(
        Meter, verbose_name="计量点", on_delete=models.CASCADE, related_name="corrections"
    )
    ts = models.DateTimeField("读数时间")
    old_value = models.FloatField("原值")
    new_value = models.FloatField("新值")
    batch = models.ForeignKey(IngestBatch, on_delete=models.CASCADE, related_name="correction_rows")
    created_at = models.DateTimeField("更正时间", auto_now_add=True)

    class Meta:
        verbose_name = "读数更正记录"
        verbose_name_plural = "读数更正记录"
        ordering = ["-created_at", "meter_id", "ts"]

    region_field = "meter__enterprise__region"
    enterprise_path = "meter__enterprise"
    objects = RegionScopedManager()


class Alarm(models.Model):
    """A data-quality or budget alarm. ``key`` makes re-running the check idempotent."""

    class Kind(models.TextChoices):
        STALE = "stale", "停止上报"
        COMPLETENESS = "completeness", "数据完整率不足"
        GAP = "gap", "数据缺失"
        SPIKE = "spike", "突变（尖峰）"
        NEGATIVE = "negative", "负增量"
        FLAT = "flat", "读数长期不变"
        CONSISTENCY = "consistency", "与统计报表不一致"
        BUDGET = "budget", "用能预算预警"

    class Severity(models.TextChoices):
        NOTICE = "yellow", "提示"
        WARNING = "red", "警告"

    class Status(models.TextChoices):
        OPEN = "open", "未处理"
        CLOSED = "closed", "已处理"

    key = models.CharField(max_length=200, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="alarms"
    )
    meter = models.ForeignKey(
        Meter, verbose_name="计量点", null=True, blank=True, on_delete=models.CASCADE, related_name="alarms"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    severity = models.CharField("级别", max_length=10, choices=Severity.choices, default=Severity.WARNING)
    period = models.CharField("所属期间", max_length=20, blank=True)
    message = models.CharField("说明", max_length=500)
    detail = models.JSONField("明细", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    first_seen = models.DateTimeField("首次发现", auto_now_add=True)
    last_seen = models.DateTimeField("最近确认", auto_now=True)
    closed_at = models.DateTimeField("处理时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_note = models.CharField("处理说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "监测告警"
        verbose_name_plural = "监测告警"
        ordering = ["status", "-last_seen"]
        indexes = [models.Index(fields=["enterprise", "status"])]

    region_field = "enterprise__region"
    enterprise_path = "enterprise"
    objects = RegionScopedManager()

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.message}"


class ReportedStatistic(models.Model):
    """An enterprise's reported monthly consumption of one carrier (统计报表), for the 5 % check."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="reported_statistics",
    )
    carrier = models.CharField("能源品种", max_length=30, choices=CARRIER_CHOICES)
    year = models.PositiveIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    quantity = models.FloatField("报表用量")
    unit = models.CharField("单位", max_length=20)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "企业月度统计报表"
        verbose_name_plural = "企业月度统计报表"
        ordering = ["enterprise_id", "year", "month", "carrier"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "carrier", "year", "month"], name="reported_stat_unique"
            )
        ]

    region_field = "enterprise__region"
    enterprise_path = "enterprise"
    objects = RegionScopedManager()
