from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from carbonpeak.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "department", "enterprise", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "角色与归属",
            {"fields": ("role", "display_name", "phone", "department", "enterprise", "must_change_password")},
        ),
    )
