"""Admin pages of the projects app; every list is scoped to the user's regions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from carbonpeak.projects.models import (
    CoalReplacement,
    EnergyReview,
    ImpactSettings,
    Project,
    ProjectEnergy,
    ReviewThresholdConfig,
    TwoHighRuleConfig,
)


class _Scoped(admin.ModelAdmin):
    def get_queryset(self, request: Any) -> Any:
        return self.model.objects.visible_to(request.user)  # type: ignore[attr-defined]


class ProjectEnergyInline(admin.TabularInline):
    model = ProjectEnergy
    extra = 0


@admin.register(Project)
class ProjectAdmin(_Scoped):
    list_display = ("code", "name", "region", "stage", "energy_tce", "co2_t", "is_two_high", "disposition")
    list_filter = ("stage", "is_two_high", "disposition")
    search_fields = ("code", "name", "owner_name")
    readonly_fields = (
        "energy_tce",
        "energy_tce_equal_value",
        "feedstock_energy_tce",
        "electricity_kwh",
        "coal_tce",
        "co2_t",
        "is_two_high",
        "two_high_rule",
        "two_high_reason",
        "review_level",
        "figures",
    )
    inlines = [ProjectEnergyInline]
    actions = ["recompute"]

    @admin.action(description="按当前因子、两高规则和审查门槛重新计算所选项目")
    def recompute(self, request: Any, queryset: Any) -> None:
        from django.contrib import messages

        from carbonpeak.core.errors import UserError
        from carbonpeak.projects import services

        try:
            count = services.recompute_projects(user=request.user, projects=queryset)
        except UserError as exc:
            messages.error(request, f"未重新计算：{exc.message}")
        else:
            messages.success(request, f"已重新计算 {count} 个项目。")

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        """After the energy rows are saved, recompute the figures through the use case."""
        super().save_related(request, form, formsets, change)
        from django.contrib import messages

        from carbonpeak.core.errors import UserError
        from carbonpeak.projects import services

        project = form.instance
        rows = [services.EnergyInput(r.carrier, r.quantity, r.unit, r.use) for r in project.energy_rows.all()]
        try:
            services.save_project(user=request.user, project=project, energy_rows=rows)
        except UserError as exc:
            messages.error(request, f"项目已保存，但能耗与排放未能重新计算：{exc.message}")


@admin.register(EnergyReview)
class EnergyReviewAdmin(_Scoped):
    list_display = ("project", "status", "submitted_at", "decided_at")
    list_filter = ("status",)
    readonly_fields = ("snapshot",)


@admin.register(CoalReplacement)
class CoalReplacementAdmin(_Scoped):
    list_display = ("project", "source_description", "source_project", "coal_tce")


@admin.register(ImpactSettings)
class ImpactSettingsAdmin(_Scoped):
    list_display = ("region", "gdp_growth_pct", "gdp_growth_source", "baseline_energy_growth_pct", "end_year")


@admin.register(TwoHighRuleConfig)
class TwoHighRuleConfigAdmin(_Scoped):
    list_display = ("code", "name_zh", "kind", "pattern", "region", "source", "active")
    list_filter = ("kind", "active")


@admin.register(ReviewThresholdConfig)
class ReviewThresholdConfigAdmin(_Scoped):
    list_display = (
        "region",
        "provincial_min_tce",
        "no_report_energy_max_tce",
        "no_report_electricity_max_kwh",
        "source",
    )
