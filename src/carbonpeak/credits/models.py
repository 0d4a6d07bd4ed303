"""Carbon-inclusive credits (碳普惠): methodologies, residents, partners, activities, the
append-only ledger, rewards and redemptions.

Personal data minimisation (个人信息保护法): a resident's phone number is never stored in
plain text. ``phone_hash`` is a keyed hash (HMAC-SHA256 with the platform key) used to
find the account; ``phone_masked`` (``138****1234``) is what pages show. Withdrawing
consent clears both and the nickname; the resident row stays as an anonymous holder of
its ledger entries so that totals are kept.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from carbonpeak.core.fields import region_fk
from carbonpeak.core.scoping import RegionScopedQuerySet
from carbonpeak.engine.carbon_inclusive import UNITS


class ActivityType(models.TextChoices):
    BUS = "bus", "公交出行"
    METRO = "metro", "地铁出行"
    CYCLING = "cycling", "骑行（含共享单车）"
    EBIKE = "ebike", "共享电动助力车"
    NEV = "nev", "新能源汽车出行"
    WALKING = "walking", "步行"
    POWER_SAVING = "power_saving", "家庭节约用电"
    CLEAN_PLATE = "clean_plate", "光盘行动"
    NO_DISPOSABLE = "no_disposable", "不使用一次性餐具"
    PARCEL_BOX = "parcel_box", "快递纸箱回收"
    WASTE_SORTING = "waste_sorting", "垃圾分类"
    PLASTIC = "plastic", "减塑"


#: Activity types that are trips (green travel): they carry an end time.
TRAVEL_TYPES = frozenset({"bus", "metro", "cycling", "ebike", "nev", "walking"})

UNIT_CHOICES = list(UNITS.items())


class Methodology(models.Model):
    """A carbon-inclusive methodology adopted by the office (its versions carry the factors)."""

    region_field = "region"
    objects = RegionScopedQuerySet.as_manager()

    region = region_fk()
    code = models.CharField("方法学编号", max_length=40, help_text="本行政区内唯一，如 BUS-TRIP")
    name = models.CharField("方法学名称", max_length=100)
    activity_type = models.CharField("活动类型", max_length=20, choices=ActivityType.choices)
    unit = models.CharField("活动量单位", max_length=20, choices=UNIT_CHOICES)
    evidence_required = models.JSONField(
        "必需的证明字段",
        default=list,
        blank=True,
        help_text='合作方上报记录的 evidence 中必须提供的字段名，如 ["card_no_tail", "route"]',
    )
    description = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "碳普惠方法学"
        verbose_name_plural = "碳普惠方法学"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="credits_methodology_code_unique"),
            models.UniqueConstraint(
                fields=["region", "activity_type"], name="credits_methodology_type_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MethodologyVersion(models.Model):
    """A dated version of a methodology: factors with their sources, daily cap, points.

    A version is never edited once activities were credited with it; a change of factor
    is a new version from a new date.
    """

    region_field = "methodology__region"
    objects = RegionScopedQuerySet.as_manager()

    methodology = models.ForeignKey(
        Methodology, verbose_name="方法学", on_delete=models.PROTECT, related_name="versions"
    )
    version = models.CharField("版本", max_length=20)
    valid_from = models.DateTimeField("生效时间")
    valid_to = models.DateTimeField("失效时间", null=True, blank=True, help_text="不含此时刻；留空为长期有效")
    baseline_kg_per_unit = models.FloatField("基准线排放因子（kgCO2/单位）", null=True, blank=True)
    baseline_source = models.CharField("基准线排放因子来源", max_length=300, blank=True)
    project_kg_per_unit = models.FloatField("项目排放因子（kgCO2/单位）", null=True, blank=True)
    project_source = models.CharField("项目排放因子来源", max_length=300, blank=True)
    reduction_kg_per_unit = models.FloatField(
        "单位减排量（kgCO2/单位）",
        null=True,
        blank=True,
        help_text="方法学直接公布单位减排量时填写，此时不用基准线与项目排放因子",
    )
    reduction_source = models.CharField("单位减排量来源", max_length=300, blank=True)
    daily_cap_units = models.FloatField(
        "每人每日上限（单位）", null=True, blank=True, help_text="留空为不设上限"
    )
    points_per_kg = models.FloatField("积分换算（积分/kgCO2）", help_text="每千克二氧化碳减排量折合的积分")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "方法学版本"
        verbose_name_plural = "方法学版本"
        ordering = ["methodology_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "version"], name="credits_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.methodology.code} {self.version}"


class Resident(models.Model):
    """A resident's carbon-inclusive account (by phone number, verified by one-time code)."""

    region_field = "region"
    objects = RegionScopedQuerySet.as_manager()

    region = region_fk()
    phone_hash = models.CharField("手机号摘要", max_length=64, null=True, blank=True, unique=True)
    phone_masked = models.CharField("手机号（脱敏）", max_length=20, blank=True)
    nickname = models.CharField("昵称", max_length=30, blank=True)
    township = models.CharField("乡镇（街道）", max_length=50, blank=True)
    community = models.CharField("社区（村）", max_length=50, blank=True)
    real_name_verified = models.BooleanField("已实名认证", default=False)
    consent_version = models.CharField("同意的授权书版本", max_length=20, blank=True)
    consent_at = models.DateTimeField("同意时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回同意时间", null=True, blank=True)
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    class Meta:
        verbose_name = "居民账户"
        verbose_name_plural = "居民账户"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.phone_masked or f"已注销账户#{self.pk}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None and self.consent_at is not None


class OneTimeCode(models.Model):
    """A login code sent by SMS; only its hash is kept."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"


class Partner(models.Model):
    """A data partner (bus card system, bike operator, grid company) posting activity records."""

    region_field = "region"
    objects = RegionScopedQuerySet.as_manager()

    class Kind(models.TextChoices):
        BUS = "bus", "公交/地铁"
        BIKE = "bike", "共享单车/助力车"
        GRID = "grid", "电网公司"
        OTHER = "other", "其他"

    region = region_fk()
    name = models.CharField("合作方名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    activity_types = models.JSONField("可上报的活动类型", default=list)
    key_id = models.CharField("接口密钥ID", max_length=40, unique=True)
    secret_salt = models.CharField(max_length=64)
    active = models.BooleanField("启用", default=True)
    alarm_reject_pct = models.FloatField(
        "拒收率告警阈值（%）",
        default=20.0,
        help_text="一批记录中被拒收（不含重复上报）的比例达到此值时告警；平台默认值，可按合作方调整",
    )
    contact = models.CharField("联系人及电话", max_length=100, blank=True)
    last_seen_at = models.DateTimeField("最近上报", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "数据合作方"
        verbose_name_plural = "数据合作方"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IngestBatch(models.Model):
    """One partner request (a batch of records), recorded in the same transaction."""

    region_field = "partner__region"
    objects = RegionScopedQuerySet.as_manager()

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="batches")
    received_at = models.DateTimeField("接收时间")
    received = models.PositiveIntegerField("收到条数")
    credited = models.PositiveIntegerField("入账条数")
    capped = models.PositiveIntegerField("超上限条数")
    rejected = models.PositiveIntegerField("拒收条数")
    repeated = models.PositiveIntegerField("重复上报条数")

    class Meta:
        verbose_name = "上报批次"
        verbose_name_plural = "上报批次"
        ordering = ["-received_at"]


class Activity(models.Model):
    """One activity record from a partner, with its assessment (kept also when rejected)."""

    region_field = "region"
    objects = RegionScopedQuerySet.as_manager()

    class Status(models.TextChoices):
        CREDITED = "credited", "已入账"
        CAPPED = "capped", "超每日上限"
        REJECTED = "rejected", "未通过核验"
        REVERSED = "reversed", "已冲正"

    # Indexes: only those the ingest path and the pages use (each index costs every insert).
    region = region_fk(db_index=False)
    partner = models.ForeignKey(
        Partner, verbose_name="合作方", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="+", db_index=False)
    record_id = models.CharField("合作方记录号", max_length=64)
    resident = models.ForeignKey(
        Resident, verbose_name="居民", on_delete=models.PROTECT, related_name="activities", db_index=False
    )
    activity_type = models.CharField("活动类型", max_length=20, choices=ActivityType.choices)
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    quantity = models.FloatField("活动量")
    evidence = models.JSONField("证明", default=dict, blank=True)
    version = models.ForeignKey(
        MethodologyVersion,
        verbose_name="方法学版本",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    reason = models.CharField("原因", max_length=20, blank=True)
    counted_quantity = models.FloatField("计入活动量", default=0)
    baseline_kg = models.FloatField("基准线排放（kgCO2）", null=True)
    project_kg = models.FloatField("项目排放（kgCO2）", null=True)
    reduction_kg = models.FloatField("减排量（kgCO2）", default=0)
    points = models.IntegerField("积分", default=0)

    class Meta:
        verbose_name = "低碳活动"
        verbose_name_plural = "低碳活动"
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "record_id"], name="credits_activity_record_unique")
        ]
        indexes = [models.Index(fields=["resident", "started_at"], name="credits_act_resident_start")]


class Reward(models.Model):
    """A reward in the catalogue, offered by a merchant or the government."""

    region_field = "region"
    objects = RegionScopedQuerySet.as_manager()

    class Provider(models.TextChoices):
        MERCHANT = "merchant", "商户"
        GOVERNMENT = "government", "政府"

    region = region_fk()
    name = models.CharField("权益名称", max_length=100)
    provider = models.CharField("提供方类型", max_length=12, choices=Provider.choices)
    provider_name = models.CharField("提供方", max_length=100)
    points_cost = models.PositiveIntegerField("所需积分")
    stock = models.PositiveIntegerField("库存")
    description = models.TextField("使用说明", blank=True)
    active = models.BooleanField("上架", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "权益"
        verbose_name_plural = "权益"
        ordering = ["points_cost", "name"]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """A reward redeemed by a resident, with the code the merchant checks."""

    region_field = "reward__region"
    objects = RegionScopedQuerySet.as_manager()

    class Status(models.TextChoices):
        ISSUED = "issued", "已兑换待核销"
        USED = "used", "已核销"
        REVERSED = "reversed", "已撤销（积分已退回）"

    reward = models.ForeignKey(
        Reward, verbose_name="权益", on_delete=models.PROTECT, related_name="redemptions"
    )
    resident = models.ForeignKey(
        Resident, verbose_name="居民", on_delete=models.PROTECT, related_name="redemptions"
    )
    code = models.CharField("兑换码", max_length=16, unique=True)
    points = models.PositiveIntegerField("消耗积分")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ISSUED)
    created_at = models.DateTimeField("兑换时间", auto_now_add=True)
    closed_at = models.DateTimeField("核销/撤销时间", null=True, blank=True)
    reversal_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "兑换记录"
        verbose_name_plural = "兑换记录"
        ordering = ["-created_at"]


class ChainHead(models.Model):
    """The last entry of a region's ledger chain; its row is the lock appends take."""

    region = models.OneToOneField("core.Region", on_delete=models.PROTECT, related_name="+")
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)


def ledger_payload(
    *,
    seq: int,
    region_id: int,
    kind: str,
    resident_id: int,
    points: int,
    reduction_kg: float,
    activity_id: int | None,
    version_id: int | None,
    redemption_id: int | None,
    note: str,
    created_at: dt.datetime,
) -> dict:
    """What a ledger entry's hash covers (no personal data: the resident by id only)."""
    return {
        "seq": seq,
        "region": region_id,
        "kind": kind,
        "resident": resident_id,
        "points": points,
        "reduction_kg": reduction_kg,
        "activity": activity_id,
        "version": version_id,
        "redemption": redemption_id,
        "note": note,
        "created_at": created_at.astimezone(dt.UTC).isoformat(),
    }


class LedgerEntry(models.Model):
    """An append-only ledger entry. Balances are sums of entries; entries are never edited.

    ``hash`` = SHA-256 of ``prev_hash`` and the canonical JSON of :meth:`payload`
    (:mod:`carbonpeak.engine.hashchain`); ``carbonpeak credits verify`` recomputes the chain.
    """

    region_field = "region"
    objects = RegionScopedQuerySet.as_manager()

    class Kind(models.TextChoices):
        CREDIT = "credit", "入账"
        REVERSAL = "reversal", "冲正"
        REDEMPTION = "redemption", "兑换"
        EXPIRY = "expiry", "过期"

    region = region_fk(db_index=False)  # (region, seq) is unique and indexed
    seq = models.BigIntegerField("序号")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    resident = models.ForeignKey(
        Resident, verbose_name="居民", on_delete=models.PROTECT, related_name="ledger", db_index=False
    )
    points = models.IntegerField("积分变动")
    reduction_kg = models.FloatField("减排量变动（kgCO2）", default=0)
    activity = models.ForeignKey(Activity, null=True, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        MethodologyVersion, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    redemption = models.ForeignKey(
        Redemption, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("记账时间")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "积分账本"
        verbose_name_plural = "积分账本"
        ordering = ["region_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["region", "seq"], name="credits_ledger_seq_unique")]
        indexes = [models.Index(fields=["resident", "seq"], name="credits_ledger_resident")]

    def payload(self) -> dict:
        """The content the hash covers (no personal data: residents by id only)."""
        return ledger_payload(
            seq=self.seq,
            region_id=self.region_id,
            kind=self.kind,
            resident_id=self.resident_id,
            points=self.points,
            reduction_kg=self.reduction_kg,
            activity_id=self.activity_id,
            version_id=self.version_id,
            redemption_id=self.redemption_id,
            note=self.note,
            created_at=self.created_at,
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("积分账本只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("积分账本只能追加，不能删除")


class PartnerAlarm(models.Model):
    """An anomaly in a partner's data (many rejections, fraud-rule hits, silence)."""

    region_field = "partner__region"
    objects = RegionScopedQuerySet.as_manager()

    class Kind(models.TextChoices):
        REJECT_RATE = "reject_rate", "拒收率过高"
        FRAUD = "fraud", "疑似作弊记录"
        AUTH = "auth", "签名校验失败"

    partner = models.ForeignKey(
        Partner, verbose_name="合作方", on_delete=models.CASCADE, related_name="alarms"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    message = models.CharField("说明", max_length=300)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    closed_at = models.DateTimeField("处理时间", null=True, blank=True)
    close_note = models.CharField("处理说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "合作方异常告警"
        verbose_name_plural = "合作方异常告警"
        ordering = ["-created_at"]
