from django.apps import AppConfig


class AccountingConfig(AppConfig):
    name = "carbonpeak.accounting"
    label = "accounting"
    verbose_name = "能耗与碳排放核算"
