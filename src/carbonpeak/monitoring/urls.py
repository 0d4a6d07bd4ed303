from django.urls import path

from carbonpeak.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("alarms/", views.alarms, name="alarms"),
    path("alarms.xlsx", views.alarms_export, name="alarms_export"),
    path("alarms/<int:pk>/close/", views.alarm_close, name="alarm_close"),
    path("enterprises/<int:pk>/meters/", views.meters, name="meters"),
    path("enterprises/<int:pk>/upload/", views.upload, name="upload"),
    path("jobs/<uuid:pk>/", views.job, name="job"),
    path("enterprises/<int:pk>/tokens/", views.tokens, name="tokens"),
    path("enterprises/<int:pk>/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("enterprises/<int:pk>/reported/", views.reported, name="reported"),
    path("meters/<int:pk>/", views.meter_detail, name="meter"),
]
