from django.apps import AppConfig


class ScenariosConfig(AppConfig):
    name = "carbonpeak.scenarios"
    label = "scenarios"
    verbose_name = "达峰情景分析"

    def ready(self) -> None:
        from carbonpeak.core.navigation import NavItem, register
        from carbonpeak.core.roles import Role

        register(
            NavItem(
                "达峰情景分析", "scenarios:index", order=50, roles=(Role.OFFICE, Role.LEADER, Role.DEPARTMENT)
            )
        )
