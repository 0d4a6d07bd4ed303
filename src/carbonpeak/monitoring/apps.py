from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "carbonpeak.monitoring"
    label = "monitoring"
    verbose_name = "能耗在线监测"
