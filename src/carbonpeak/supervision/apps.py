from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "carbonpeak.supervision"
    label = "supervision"
    verbose_name = "调度与督办"
