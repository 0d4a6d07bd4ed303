from django.contrib import admin

from carbonpeak.core.models import AuditEntry
from carbonpeak.core.permissions import can


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only, and only for those who may read the audit log (not the system administrator)."""

    readonly_fields = (
        "at",
        "username",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "note",
        "prev_hash",
        "hash",
    )

    def has_module_permission(self, request):
        return can(request.user, "core.view_audit")

    def has_view_permission(self, request, obj=None):  # noqa: ARG002
        return can(request.user, "core.view_audit")

    list_display = ("at", "username", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_repr", "object_id")

    def has_add_permission(self, request):  # noqa: ARG002
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ARG002
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ARG002
        return False
