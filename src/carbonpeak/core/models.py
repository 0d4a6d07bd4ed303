"""Cross-cutting records: regions (行政区划), the audit log (审计日志), in-app
notifications and the e-mail outbox."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone


def audit_chain_payload(entry: Any) -> dict[str, Any]:
    """What an audit entry's hash covers; also used by the migration that chains old entries."""
    import datetime as dt

    at = entry.at.astimezone(dt.UTC).isoformat() if entry.at else None
    return {
        "at": at,
        "username": entry.username,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "note": entry.note,
    }


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit entry (MLPS: 审计记录不可篡改)."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Audit entries can be added and read; ``update()`` and ``delete()`` are refused."""

    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("审计日志只能追加，不能删除")


def object_type_label(object_type: str) -> str:
    """``scenarios.ScenarioVersion`` -> ``情景版本`` (the model's verbose name); unknown labels unchanged."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)


class AuditEntry(models.Model):
    """One create, change or delete of an audited object: who, when, before and after.

    Entries are written only through :func:`carbonpeak.core.audit.record` and are
    append-only: ``save()`` of an existing entry, ``delete()`` and the queryset's
    ``update()``/``delete()`` raise :class:`AuditLogIsAppendOnly`; the admin is
    read-only. Each entry carries ``hash`` = SHA-256 of the previous entry's hash and
    its own content (:mod:`carbonpeak.engine.hashchain`), so a change made behind the
    ORM's back (SQL on the database file) is found by ``carbonpeak audit verify``.
    """

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=100, db_index=True)
    region = models.ForeignKey(
        "core.Region",
        verbose_name="行政区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="被修改对象所属的行政区划（没有区划的对象取操作人的区划）；审计日志页按它限定范围",
    )
    object_id = models.CharField("对象编号", max_length=64, db_index=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64, blank=True, editable=False)
    hash = models.CharField("本条哈希", max_length=64, blank=True, editable=False, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    @property
    def object_type_label(self) -> str:
        """The object's kind in Chinese (情景版本), never the programmer's ``app.Model``."""
        return object_type_label(self.object_type)

    def chain_payload(self) -> dict[str, Any]:
        """The content the hash covers (every field a reader relies on, not the user FK)."""
        return audit_chain_payload(self)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AuditLogIsAppendOnly("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("审计日志只能追加，不能删除")


class AuditChainHead(models.Model):
    """The last hash of the audit chain; one row, locked by every append (no forks)."""

    hash = models.CharField(max_length=64, blank=True)
    entries = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"


class Region(models.Model):
    """An administrative region (行政区划) with its GB/T 2260 code.

    Regions form a tree: province (省) → city (市) → county or district (县/区).
    ``path`` holds the codes from the root down, e.g. ``430000/430600/430621/``,
    so that a region and everything below it is one ``path__startswith`` filter
    (see :mod:`carbonpeak.core.scoping`).
    """

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "市级"
        COUNTY = "county", "县级"

    code = models.CharField(
        "行政区划代码",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "行政区划代码应为 6 位数字（GB/T 2260）。")],
    )
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("路径", max_length=120, editable=False, db_index=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = (self.parent.path if self.parent_id and self.parent else "") + f"{self.code}/"
        super().save(*args, **kwargs)

    def contains(self, other: Region | None) -> bool:
        """True when ``other`` is this region or lies below it."""
        return other is not None and other.path.startswith(self.path)

    @property
    def is_county(self) -> bool:
        return self.level == self.Level.COUNTY

    def ancestors(self) -> list[Region]:
        """From the root down to the parent of this region."""
        chain: list[Region] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Notification(models.Model):
    """An in-app notification (站内通知) for one user.

    Created by :func:`carbonpeak.core.notify.notify` in the same transaction as the
    change it reports; its e-mail copy goes out after commit through the outbox.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类型", max_length=30)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="supervision_recipie_514b32_idx")]
        db_table = "supervision_notification"

    def __str__(self) -> str:
        return self.title


class OutboxMessage(models.Model):
    """An e-mail waiting to be delivered (发件箱).

    Written in the transaction of the state change that caused it, delivered only
    after that transaction commits (:func:`carbonpeak.core.notify.deliver_pending`),
    retried by ``carbonpeak outbox`` until it is sent. A mail outage therefore never
    blocks or rolls back a user's action, and no message is lost.
    """

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "多次失败，已停止重试"

    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    to = models.JSONField("收件人", default=list)
    subject = models.CharField("主题", max_length=300)
    body = models.TextField("正文", blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)

    class Meta:
        verbose_name = "待发邮件"
        verbose_name_plural = "发件箱"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.subject


def _display(value: object) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def audit_changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """The fields an audit entry records, as ``(中文字段名, 修改前, 修改后)`` rows.

    An update lists only the fields that changed; a create or delete lists every field
    with a value. Field names come from the model's verbose names (``baseline_value`` ->
    ``基准值``), empty values are ``—``, ``True``/``False`` are 是/否: no programmer
    notation (``None``, ``{'id': 3, …}``) reaches the page.
    """
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        model = None
    names: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    if model is not None:
        for f in model._meta.concrete_fields:
            names[f.attname] = str(f.verbose_name)
            names[f.name] = str(f.verbose_name)
            if f.choices:
                labels[f.attname] = {str(k): str(v) for k, v in f.flatchoices}

    def shown(key: str, value: object) -> str:
        return labels.get(key, {}).get(str(value), _display(value))

    rows = []
    for key in dict.fromkeys([*before, *after]):
        if key in ("id", "created_at", "updated_at"):
            continue
        old, new = before.get(key), after.get(key)
        if before and after and old == new:
            continue
        if not before and new in (None, "") or not after and old in (None, ""):
            continue
        rows.append(
            (names.get(key, key), shown(key, old) if before else "", shown(key, new) if after else "")
        )
    return rows
