from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from carbonpeak.indicators.models import Indicator, Observation
from carbonpeak.indicators.services import TARGET_FIELDS


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "unit",
        "comparator",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_value",
        "target_source",
        "responsible",
        "kind",
    )
    list_filter = ("kind", "value_kind", "target_source", "responsible")
    search_fields = ("name", "computed_key")
    raw_id_fields = ("target",)
    readonly_fields = ("target_source",)

    def save_model(self, request: HttpRequest, obj: Indicator, form: Any, change: bool) -> None:
        """A target edited here is the office's: refreshing from the accounting keeps it."""
        if change and set(TARGET_FIELDS) & set(form.changed_data):
            obj.target_source = Indicator.TargetSource.OFFICE
        super().save_model(request, obj, form, change)


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = (
        "indicator",
        "year",
        "quarter",
        "value",
        "state",
        "illustrative",
        "entered_by",
        "reviewed_by",
    )
    list_filter = ("state", "illustrative", "year")
    search_fields = ("indicator__name", "source")
    raw_id_fields = ("indicator", "entered_by", "reviewed_by")
