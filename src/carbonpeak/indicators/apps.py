from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "carbonpeak.indicators"
    label = "indicators"
    verbose_name = "指标与驾驶舱"
