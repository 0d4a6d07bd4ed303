from django.contrib import admin

from carbonpeak.plans import models


class AliasInline(admin.TabularInline):
    model = models.DepartmentAlias
    extra = 1


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "order")
    search_fields = ("name", "short_name", "aliases__alias")
    inlines = [AliasInline]


class AssignmentInline(admin.TabularInline):
    model = models.Assignment
    extra = 0


@admin.register(models.Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "action", "due_date")
    list_filter = ("action__plan", "action")
    search_fields = ("code", "title", "text")
    inlines = [AssignmentInline]


@admin.register(models.Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "plan")


@admin.register(models.Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "comparator", "value_text", "unit", "year", "task")
    list_filter = ("plan", "year")


@admin.register(models.Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("title", "document_number", "issuer", "issued_on")
