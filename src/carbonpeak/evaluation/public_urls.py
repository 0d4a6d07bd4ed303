"""Public pages (anonymous visitors), mounted under ``/public/``: approved disclosures,
grades the office published, published rankings — nothing else."""

from django.urls import path

from carbonpeak.evaluation import views

app_name = "public"

urlpatterns = [
    path("disclosures/", views.public_disclosures, name="disclosures"),
    path("enterprises/<int:pk>/", views.public_enterprise, name="enterprise"),
    path("rankings/<int:pk>/", views.public_ranking, name="ranking"),
]
