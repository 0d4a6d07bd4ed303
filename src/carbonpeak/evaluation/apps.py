from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "carbonpeak.evaluation"
    label = "evaluation"
    verbose_name = "企业与园区评价"
