from django.contrib import admin

from carbonpeak.accounting.models import Dataset, LocalFactor


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "region",
        "province",
        "base_year",
        "is_sample",
        "factor_set_version",
        "created_at",
    )
    readonly_fields = ("result", "inputs", "factor_set_name", "factor_set_version", "computed_at")
    exclude = ()


@admin.register(LocalFactor)
class LocalFactorAdmin(admin.ModelAdmin):
    list_display = ("carrier", "year", "value", "unit", "source", "updated_at")
