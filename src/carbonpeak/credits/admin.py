"""Admin: configuration editable by the office's own region; the ledger and activities read-only."""

from __future__ import annotations

from django.contrib import admin

from carbonpeak.credits.models import (
    Activity,
    LedgerEntry,
    Methodology,
    MethodologyVersion,
    Partner,
    PartnerAlarm,
    Redemption,
    Resident,
    Reward,
)


class ScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.objects.visible_to(request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.region = request.user.region
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = MethodologyVersion
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in MethodologyVersion._meta.fields if f.name != "id"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Methodology)
class MethodologyAdmin(ScopedAdmin):
    list_display = ("code", "name", "activity_type", "unit", "region")
    inlines = [VersionInline]
    readonly_fields = ("region",)


@admin.register(Partner)
class PartnerAdmin(ScopedAdmin):
    list_display = ("name", "kind", "key_id", "active", "last_seen_at", "region")
    readonly_fields = ("region", "key_id", "last_seen_at")
    exclude = ("secret_salt",)

    def has_add_permission(self, request, obj=None):
        return False  # partners are registered on the credits pages, which issue the secret


@admin.register(Reward)
class RewardAdmin(ScopedAdmin):
    list_display = ("name", "provider_name", "points_cost", "stock", "active", "region")
    readonly_fields = ("region",)


@admin.register(Resident)
class ResidentAdmin(ScopedAdmin):
    """Only the real-name flag is editable (set after the real-name channel confirms it)."""

    list_display = ("id", "phone_masked", "township", "community", "real_name_verified", "withdrawn_at")
    exclude = ("phone_hash",)
    readonly_fields = (
        "region",
        "phone_masked",
        "nickname",
        "township",
        "community",
        "consent_version",
        "consent_at",
        "withdrawn_at",
    )

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "partner",
        "record_id",
        "activity_type",
        "quantity",
        "status",
        "reduction_kg",
        "points",
    )
    list_filter = ("status", "activity_type")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("region", "seq", "kind", "resident", "points", "reduction_kg", "created_at")
    list_filter = ("kind",)


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "reward", "resident", "code", "points", "status")


@admin.register(PartnerAlarm)
class PartnerAlarmAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "partner", "kind", "message", "closed_at")
