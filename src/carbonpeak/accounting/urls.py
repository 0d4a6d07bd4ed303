from django.urls import path

from carbonpeak.accounting import views

app_name = "accounting"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("datasets/<int:pk>/", views.dataset_detail, name="dataset"),
    path("datasets/<int:pk>/trace/", views.dataset_trace, name="trace"),
    path("datasets/<int:pk>/export/<str:table>.xlsx", views.dataset_export, name="export"),
    path("datasets/<int:pk>/recompute/", views.dataset_recompute, name="recompute"),
    path("datasets/<int:pk>/delete/", views.dataset_delete, name="delete"),
    path("templates/<str:kind>.<str:fmt>", views.template_download, name="template"),
    path("factors/", views.factor_list, name="factors"),
    path("factors/export.xlsx", views.factor_export, name="factors_export"),
    path("factors/new/", views.factor_edit, name="factor_new"),
    path("factors/<int:pk>/edit/", views.factor_edit, name="factor_edit"),
    path("factors/<int:pk>/delete/", views.factor_delete, name="factor_delete"),
]
