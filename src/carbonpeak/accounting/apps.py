from django.apps import AppConfig


class AccountingConfig(AppConfig):
    name = "carbonpeak.accounting"
    label = "accounting"
    verbose_name = "能耗与碳排放核算"

    def ready(self) -> None:
        from carbonpeak.core.navigation import NavItem, register
        from carbonpeak.core.roles import Role

        register(
            NavItem(
                "能耗与碳排放核算",
                "accounting:index",
                order=30,
                roles=(Role.OFFICE, Role.LEADER, Role.DEPARTMENT),
            )
        )
