from django.urls import path

from carbonpeak.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.xlsx", views.project_export, name="export"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/delete/", views.project_delete, name="delete"),
    path("<int:pk>/disposition/", views.project_disposition, name="disposition"),
    path("<int:pk>/coal/", views.coal_add, name="coal_add"),
    path("<int:pk>/review/", views.review_submit, name="review_submit"),
    path("two-high/", views.two_high_list, name="two_high"),
    path("two-high/export.xlsx", views.two_high_export, name="two_high_export"),
    path("two-high/template.xlsx", views.two_high_template, name="two_high_template"),
    path("two-high/import/", views.two_high_import, name="two_high_import"),
    path("reviews/", views.review_queue, name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/comment/", views.review_comment, name="review_comment"),
    path("reviews/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("reviews/<int:pk>/opinion.docx", views.review_opinion, name="review_opinion"),
    path("reviews/<int:pk>/report/", views.review_report, name="review_report"),
    path("impact/", views.impact, name="impact"),
    path("impact.json", views.impact_json, name="impact_json"),
    path("impact/settings/", views.impact_settings, name="impact_settings"),
]
