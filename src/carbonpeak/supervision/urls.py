from django.urls import path

from carbonpeak.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.index_export, name="index_export"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/override/", views.task_override, name="task_override"),
    path("tasks/<int:pk>/override/clear/", views.task_override_clear, name="task_override_clear"),
    path("tasks/<int:task_id>/periods/<int:period_id>/", views.report_open, name="report_open"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/contribution/", views.report_contribution, name="report_contribution"),
    path("reports/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("reports/<int:pk>/versions/<int:number>/", views.report_version, name="report_version"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("periods/", views.period_list, name="periods"),
    path("periods/<int:pk>/edit/", views.period_edit, name="period_edit"),
    path("periods/<int:pk>/delete/", views.period_delete, name="period_delete"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/export.xlsx", views.notice_export, name="notice_export"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/answer/", views.notice_answer, name="notice_answer"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice_close"),
    path("notices/<int:pk>/file/", views.notice_file, name="notice_file"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notification_read"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/weights/", views.assessment_weights, name="assessment_weights"),
    path("assessment/export.xlsx", views.assessment_export, name="assessment_export"),
    path("dispatch/", views.dispatch_index, name="dispatch"),
    path("dispatch/<int:period_id>.docx", views.dispatch_docx, name="dispatch_docx"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
]
