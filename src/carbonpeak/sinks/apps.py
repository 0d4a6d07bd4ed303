from django.apps import AppConfig


class SinksConfig(AppConfig):
    name = "carbonpeak.sinks"
    label = "sinks"
    verbose_name = "林业碳汇核算"

    def ready(self) -> None:
        from carbonpeak.core.navigation import NavItem, register
        from carbonpeak.core.roles import Role

        register(
            NavItem("林业碳汇", "sinks:index", order=35, roles=(Role.OFFICE, Role.LEADER, Role.DEPARTMENT))
        )
