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


def scope_registered_admins(site: admin.AdminSite) -> int:
    """Every admin list of a region-scoped model shows only ``visible_to(request.user)``.

    Called once when the URLs load (after every app's ``admin.py`` has registered).
    The superuser flag opens the back office; the rows in it are still those of the
    user's region and role, the same as on the site (docs/architecture.md, 区域与权限).
    Returns the number of admin classes scoped.
    """
    count = 0
    for model, model_admin in site._registry.items():
        manager = getattr(model, "_default_manager", None)
        if (
            manager is None
            or not hasattr(manager, "visible_to")
            or getattr(model_admin, "_region_scoped", False)
        ):
            continue
        original = model_admin.get_queryset

        def get_queryset(request, _original=original, _model=model):  # type: ignore[no-untyped-def]
            visible = _model._default_manager.visible_to(request.user).values("pk")
            return _original(request).filter(pk__in=visible)

        original_fk = model_admin.formfield_for_foreignkey

        def formfield_for_foreignkey(db_field, request, _original=original_fk, **kwargs):  # type: ignore[no-untyped-def]
            related = db_field.related_model._default_manager
            if hasattr(related, "visible_to"):
                kwargs["queryset"] = related.visible_to(request.user)
            return _original(db_field, request, **kwargs)

        # Filters over a relation list only values present in the (scoped) rows.
        filters = []
        for item in model_admin.list_filter:
            if isinstance(item, str) and "__" not in item:
                try:
                    field = model._meta.get_field(item)
                except Exception:
                    field = None
                if field is not None and field.is_relation:
                    item = (item, admin.RelatedOnlyFieldListFilter)
            filters.append(item)
        model_admin.list_filter = tuple(filters)  # type: ignore[misc]
        model_admin.get_queryset = get_queryset  # type: ignore[method-assign]
        model_admin.formfield_for_foreignkey = formfield_for_foreignkey  # type: ignore[method-assign]
        model_admin._region_scoped = True  # type: ignore[attr-defined]
        count += 1
    return count
