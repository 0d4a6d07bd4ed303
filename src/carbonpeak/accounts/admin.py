from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from carbonpeak.accounts.models import User
from carbonpeak.core import audit


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Account changes made in the admin are audited like those made on the site."""

    list_display = ("username", "display_name", "role", "department", "enterprise", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),  # always set by Django; Optional in the stubs
        (
            "角色与归属",
            {"fields": ("role", "display_name", "phone", "department", "enterprise", "must_change_password")},
        ),
    )

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(User.objects.get(pk=obj.pk)) if change and obj.pk else None
            super().save_model(request, obj, form, change)
            audit.record(
                user=request.user,
                action="update" if change else "create",
                instance=obj,
                before=before,
                after=audit.snapshot(obj),
                note="后台修改",
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            before, pk, text = audit.snapshot(obj), obj.pk, str(obj)
            super().delete_model(request, obj)
            audit.record(
                user=request.user,
                action="delete",
                object_type="accounts.User",
                object_id=pk,
                object_repr=text,
                before=before,
                note="后台删除",
            )
