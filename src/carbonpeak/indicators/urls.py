from django.urls import path

from carbonpeak.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("review/", views.review_queue, name="review"),
    path("sync-plan/", views.sync_plan, name="sync_plan"),
    path("refresh/", views.refresh, name="refresh"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/edit/", views.indicator_edit, name="edit"),
    path("<int:pk>/observations/", views.observation_new, name="observation_new"),
    path("observations/<int:pk>/review/", views.observation_review, name="observation_review"),
]
