from django.urls import path
from django.views.generic import RedirectView

from carbonpeak.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("dashboard/", RedirectView.as_view(url="/dashboard/", permanent=False), name="dashboard"),
    path("allocations/", views.allocations_page, name="allocations"),
    path("allocations.xlsx", views.allocations_export, name="allocations_export"),
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
