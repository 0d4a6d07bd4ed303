from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "carbonpeak.plans"
    label = "plans"
    verbose_name = "实施方案与任务台账"
