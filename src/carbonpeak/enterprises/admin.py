from django.contrib import admin

from carbonpeak.enterprises.models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "industry_code", "park", "township")
    search_fields = ("name", "uscc")
