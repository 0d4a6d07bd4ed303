from django.urls import path

from carbonpeak.scenarios import views

app_name = "scenarios"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("compare/", views.compare, name="compare"),
    path("compare/export.xlsx", views.export_compare, name="compare_export"),
    path("decomposition/", views.decomposition, name="decomposition"),
    path("decomposition/export.xlsx", views.export_decomposition, name="decomposition_export"),
    path("stirpat/", views.stirpat_page, name="stirpat"),
    path("stirpat/export.xlsx", views.export_stirpat, name="stirpat_export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/export.xlsx", views.export_detail, name="export"),
    path("<int:pk>/scenario.toml", views.export_toml, name="toml"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/recompute/", views.recompute, name="recompute"),
    path("<int:pk>/baseline/", views.set_baseline, name="set_baseline"),
    path("<int:pk>/official/", views.set_official, name="set_official"),
    path("<int:pk>/measures/new/", views.measure_form, name="measure_new"),
    path("<int:pk>/measures/<int:mid>/edit/", views.measure_form, name="measure_edit"),
    path("<int:pk>/measures/<int:mid>/delete/", views.measure_delete, name="measure_delete"),
]
