from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "carbonpeak.core"
    label = "core"
    verbose_name = "核心"
