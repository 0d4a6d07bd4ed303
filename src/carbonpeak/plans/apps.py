from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "carbonpeak.plans"
    label = "plans"
    verbose_name = "实施方案与任务台账"

    def ready(self) -> None:
        from carbonpeak.core.navigation import NavItem, register
        from carbonpeak.core.roles import Role

        staff = (Role.OFFICE, Role.LEADER, Role.DEPARTMENT)
        register(NavItem("实施方案", "plans:index", order=10, roles=staff))
        register(NavItem("任务台账", "plans:ledger", order=11, roles=staff))
