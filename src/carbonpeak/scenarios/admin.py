from django.contrib import admin

from carbonpeak.scenarios.models import History, Measure, Scenario, ScenarioVersion


class VersionInline(admin.TabularInline):
    model = ScenarioVersion
    fields = ("number", "note", "created_by", "created_at", "computed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "illustrative", "created_at")
    inlines = [VersionInline]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("name", "scenario", "task_code", "kind", "abatement_2030_t")
    list_filter = ("scenario", "kind")


@admin.register(History)
class HistoryAdmin(admin.ModelAdmin):
    list_display = ("name", "illustrative", "loaded_at")
