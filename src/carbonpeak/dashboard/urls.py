from django.urls import path

from carbonpeak.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("city/", views.city, name="city"),
    path("city.xlsx", views.city_export, name="city_export"),
    path("region/<str:code>/", views.drill_down, name="drill_down"),
]
