from django.contrib import admin
from django.db import transaction

from carbonpeak.core import audit
from carbonpeak.supervision import models


@admin.register(models.ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("label", "plan", "kind", "start", "end", "deadline")
    list_filter = ("kind", "plan")

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
            super().save_model(request, obj, form, change)
            audit.record(
                user=request.user,
                action="update" if change else "create",
                instance=obj,
                before=before,
                after=audit.snapshot(obj),
                note="后台修改",
            )

    def has_delete_permission(self, request, obj=None):  # noqa: ARG002
        return False  # delete on the site, which refuses periods that have reports


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reports, versions, reviews and reminders change only through the workflow (which audits)."""

    def has_add_permission(self, request):  # noqa: ARG002
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ARG002
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ARG002
        return False


@admin.register(models.ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("task", "period", "department", "status", "state", "first_submitted_at")
    list_filter = ("state", "status", "period")


@admin.register(models.ReportVersion)
class ReportVersionAdmin(ReadOnlyAdmin):
    list_display = ("report", "number", "submitted_at", "submitted_by")


@admin.register(models.Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("report", "decision", "reviewer", "reviewed_at")


@admin.register(models.ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ("kind", "object_key", "period_key", "recipient", "sent_at", "emailed")
    list_filter = ("kind",)


@admin.register(models.SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdmin):
    list_display = ("number", "department", "title", "answer_due", "state")
    list_filter = ("state",)


@admin.register(models.TaskStatusOverride)
class TaskStatusOverrideAdmin(ReadOnlyAdmin):
    list_display = ("task", "status", "reason", "created_by", "created_at", "cleared_at")
