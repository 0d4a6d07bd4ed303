from django.contrib.auth import views as auth_views
from django.urls import path

from carbonpeak.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("manage/", views.account_list, name="list"),
    path("manage/new/", views.account_create, name="create"),
    path("manage/<int:pk>/", views.account_edit, name="edit"),
    path("manage/<int:pk>/active/", views.account_set_active, name="set_active"),
    path("manage/<int:pk>/reset-password/", views.account_reset_password, name="reset_password"),
]
