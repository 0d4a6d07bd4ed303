from django.apps import AppConfig


class ScenariosConfig(AppConfig):
    name = "carbonpeak.scenarios"
    label = "scenarios"
    verbose_name = "达峰情景分析"
