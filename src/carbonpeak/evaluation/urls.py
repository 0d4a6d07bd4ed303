from django.urls import path

from carbonpeak.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_view, name="import"),
    path("template.xlsx", views.template_download, name="template"),
    path("export.xlsx", views.export, name="export"),
    path("grades/compute/", views.compute_grades, name="compute_grades"),
    path("grades/publish/", views.publish_grades, name="publish_grades"),
    path("grades/<int:pk>/", views.grade_detail, name="grade"),
    path("mu/compute/", views.compute_mu, name="compute_mu"),
    path("mu/<int:pk>/", views.mu_detail, name="mu"),
    path("mu/presets/new/", views.mu_preset_new, name="mu_preset_new"),
    path("annual/<int:pk>/edit/", views.annual_edit, name="annual_edit"),
    path("parks/", views.parks, name="parks"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings/new/", views.ranking_create, name="ranking_create"),
    path("rankings/<int:pk>/", views.ranking_detail, name="ranking"),
    path("rankings/<int:pk>/update/", views.ranking_update, name="ranking_update"),
    path("rankings/<int:pk>/export.xlsx", views.ranking_export, name="ranking_export"),
    path("disclosures/", views.disclosures, name="disclosures"),
    path("disclosures/export.xlsx", views.disclosures_export, name="disclosures_export"),
    path("disclosures/bulletin.docx", views.bulletin, name="bulletin"),
    path("disclosures/mine/", views.my_disclosures, name="my_disclosures"),
    path("disclosures/<int:pk>/", views.disclosure_detail, name="disclosure"),
    path("disclosures/<int:pk>/edit/", views.disclosure_edit, name="disclosure_edit"),
    path("green/", views.green, name="green"),
    path("green/export.xlsx", views.green_export, name="green_export"),
]
