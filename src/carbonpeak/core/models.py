"""Cross-cutting records: the audit log (审计日志)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models


def object_type_label(object_type: str) -> str:
    """``scenarios.ScenarioVersion`` -> ``情景版本`` (the model's verbose name); unknown labels unchanged."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)


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

    @property
    def object_type_label(self) -> str:
        """The object's kind in Chinese (情景版本), never the programmer's ``app.Model``."""
        return object_type_label(self.object_type)


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
