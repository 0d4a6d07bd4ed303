from django.contrib import admin

from carbonpeak.indicators.models import Indicator, Observation


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
        "responsible",
        "kind",
    )
    list_filter = ("kind", "value_kind", "responsible")
    search_fields = ("name", "computed_key")
    raw_id_fields = ("target",)


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
