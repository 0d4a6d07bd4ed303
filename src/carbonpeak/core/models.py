"""Cross-cutting records: the audit log (审计日志)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One create, change or delete of an audited object: who, when, before and after.

    Entries are written only through :func:`carbonpeak.core.audit.record` and are never
    edited from the UI (the admin registers them read-only).
    """

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=100, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, db_index=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"
