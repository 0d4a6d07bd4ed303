from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "carbonpeak.enterprises"
    label = "enterprises"
    verbose_name = "重点用能单位"
