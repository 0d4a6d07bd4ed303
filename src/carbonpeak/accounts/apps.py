from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "carbonpeak.accounts"
    label = "accounts"
    verbose_name = "账号与角色"
