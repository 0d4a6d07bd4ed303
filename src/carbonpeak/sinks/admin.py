from django.contrib import admin

from carbonpeak.sinks.models import ForestInventory, ParameterSet, SinkSettings, SpeciesParameter


class ScopedAdmin(admin.ModelAdmin):
    """Read-only, scoped to the user's regions: changes go through the site's pages, which
    validate, raise the parameter set's version and write the audit log."""

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ForestInventory)
class ForestInventoryAdmin(ScopedAdmin):
    list_display = (
        "region",
        "year",
        "species_group",
        "area_hm2",
        "volume_m3",
        "counts_for_forest_cover",
        "is_sample",
    )
    list_filter = ("year", "is_sample")
    search_fields = ("species_group",)


class SpeciesParameterInline(admin.TabularInline):
    model = SpeciesParameter
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ParameterSet)
class ParameterSetAdmin(ScopedAdmin):
    list_display = ("name", "region", "version", "updated_at")
    inlines = [SpeciesParameterInline]


@admin.register(SinkSettings)
class SinkSettingsAdmin(ScopedAdmin):
    list_display = ("region", "parameter_set", "land_area_hm2", "land_area_source")
