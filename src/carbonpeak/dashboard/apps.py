from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "carbonpeak.dashboard"
    label = "dashboard"
    verbose_name = "领导驾驶舱"

    def ready(self) -> None:
        from carbonpeak.core.navigation import NavItem, register

        register(NavItem("领导驾驶舱", "dashboard:index", order=1, roles=("leader", "office", "department")))
