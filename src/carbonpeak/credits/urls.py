from django.urls import path

from carbonpeak.credits import views

app_name = "credits"

urlpatterns = [
    path("", views.office, name="office"),
    path("totals.xlsx", views.totals_export, name="totals_export"),
    path("methodologies/", views.methodology_list, name="methodologies"),
    path("methodologies/<int:pk>/", views.methodology_detail, name="methodology"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/<int:pk>/rotate/", views.partner_rotate, name="partner_rotate"),
    path("partners/<int:pk>/toggle/", views.partner_toggle, name="partner_toggle"),
    path("alarms/<int:pk>/close/", views.alarm_close, name="alarm_close"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/<int:pk>/reverse/", views.activity_reverse, name="activity_reverse"),
    path("rewards/", views.reward_list, name="rewards"),
    path("rewards/<int:pk>/", views.reward_edit, name="reward_edit"),
    path("redemptions/use/", views.redemption_use, name="redemption_use"),
    path("redemptions/<int:pk>/reverse/", views.redemption_reverse, name="redemption_reverse"),
    path("redemptions.xlsx", views.redemptions_export, name="redemptions_export"),
    # Residents' mobile pages, per county (GB/T 2260 code)
    path("m/<str:code>/", views.m_home, name="m_home"),
    path("m/<str:code>/login/", views.m_login, name="m_login"),
    path("m/<str:code>/verify/", views.m_verify, name="m_verify"),
    path("m/<str:code>/logout/", views.m_logout, name="m_logout"),
    path("m/<str:code>/rewards/", views.m_rewards, name="m_rewards"),
    path("m/<str:code>/leaderboard/", views.m_leaderboard, name="m_leaderboard"),
    path("m/<str:code>/privacy/", views.m_privacy, name="m_privacy"),
]
