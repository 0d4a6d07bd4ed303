"""Back office: read-mostly lists, scoped to what the signed-in account may see."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from carbonpeak.evaluation.models import (
    AnnualData,
    CarbonEfficiencyGrade,
    Disclosure,
    GreenFinanceCriteria,
    MuClassification,
    MuPresetRecord,
    ReductionRanking,
)


class ScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.model.objects.visible_to(request.user)  # type: ignore[attr-defined]


@admin.register(AnnualData)
class AnnualDataAdmin(ScopedAdmin):
    list_display = ("enterprise", "year", "value_added_10k_yuan", "co2_t", "land_area_mu", "difference_note")
    list_filter = ("year",)
    search_fields = ("enterprise__name", "enterprise__uscc")


@admin.register(CarbonEfficiencyGrade)
class CarbonEfficiencyGradeAdmin(ScopedAdmin):
    list_display = ("enterprise", "year", "division", "k", "grade", "level", "preset_code")
    list_filter = ("year", "grade")
    readonly_fields = ("preset",)


@admin.register(MuClassification)
class MuClassificationAdmin(ScopedAdmin):
    list_display = ("enterprise", "year", "score", "rank", "mu_class", "preset_code")
    list_filter = ("year", "mu_class")


@admin.register(ReductionRanking)
class ReductionRankingAdmin(ScopedAdmin):
    list_display = ("__str__", "region", "status", "published_at")
    list_filter = ("status",)


@admin.register(Disclosure)
class DisclosureAdmin(ScopedAdmin):
    list_display = ("enterprise", "year", "status", "co2_t", "submitted_at", "reviewed_at")
    list_filter = ("year", "status")
    search_fields = ("enterprise__name",)


@admin.register(GreenFinanceCriteria)
class GreenFinanceCriteriaAdmin(ScopedAdmin):
    list_display = ("region", "max_grade", "require_disclosure")


@admin.register(MuPresetRecord)
class MuPresetRecordAdmin(ScopedAdmin):
    list_display = ("name", "code", "region", "data_year", "valid_from", "source")
