"""URLs of the enterprise register pages (mounted at enterprises/ in site/urls.py).

They live in monitoring because every page shows metered consumption beside the
register; the enterprises app keeps the register itself (models, import, rules).
"""

from django.urls import path

from carbonpeak.monitoring import enterprise_views as views

app_name = "enterprises"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.edit, name="new"),
    path("import/", views.import_view, name="import"),
    path("export.xlsx", views.export, name="export"),
    path("status.xlsx", views.status_export, name="status_export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/monthly.xlsx", views.detail_export, name="detail_export"),
]
