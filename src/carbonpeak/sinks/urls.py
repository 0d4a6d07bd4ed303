from django.urls import path

from carbonpeak.sinks import views

app_name = "sinks"

urlpatterns = [
    path("", views.index, name="index"),
    path("inventory/", views.inventory, name="inventory"),
    path("inventory/template.xlsx", views.inventory_template, name="inventory_template"),
    path("inventory/export.xlsx", views.inventory_export, name="inventory_export"),
    path("inventory/import/", views.inventory_import, name="inventory_import"),
    path("inventory/<int:year>/delete/", views.inventory_delete, name="inventory_delete"),
    path("parameters/", views.parameters, name="parameters"),
    path("parameters/default/", views.set_default, name="set_default"),
    path("parameters/land-area/", views.land_area, name="land_area"),
    path("parameters/growth-rates/", views.growth_rates, name="growth_rates"),
    path("parameters/values/<int:pk>/edit/", views.parameter_edit, name="parameter_edit"),
    path("parameters/sets/<int:pk>/groups/", views.group_add, name="group_add"),
    path("parameters/sets/<int:pk>/choose/", views.set_choose, name="set_choose"),
    path("parameters/sets/<int:pk>/copy/", views.set_copy, name="set_copy"),
    path("parameters/sets/<int:pk>/export.xlsx", views.parameters_export, name="set_export"),
    path("parameters/sets/<int:pk>/import/", views.parameters_import, name="set_import"),
]
