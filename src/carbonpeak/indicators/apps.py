from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "carbonpeak.indicators"
    label = "indicators"
    verbose_name = "指标"

    def ready(self) -> None:
        from carbonpeak.core.navigation import NavItem, register

        register(NavItem("指标", "indicators:list", order=40, roles=("leader", "office", "department")))
