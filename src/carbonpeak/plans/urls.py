from django.urls import path

from carbonpeak.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.overview, name="index"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export.xlsx", views.ledger_export, name="ledger_export"),
    path("ledger/import/", views.ledger_import, name="ledger_import"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("departments/", views.departments, name="departments"),
    path("departments/export.xlsx", views.departments_export, name="departments_export"),
    path("departments/<int:department_id>/", views.department_detail, name="department_detail"),
    path("targets/", views.targets, name="targets"),
    path("targets/export.xlsx", views.targets_export, name="targets_export"),
    path("upload/", views.upload, name="upload"),
]
