from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "carbonpeak.supervision"
    label = "supervision"
    verbose_name = "调度与督办"

    def ready(self) -> None:
        from carbonpeak.core.navigation import NavItem, register

        staff = ("office", "leader", "department")
        register(NavItem("进展调度", "supervision:index", 30, staff))
        register(NavItem("督办单", "supervision:notices", 31, staff))
        register(NavItem("考核排名", "supervision:assessment", 32, staff))
        register(NavItem("通知", "supervision:notifications", 33, staff))
        register(NavItem("审计日志", "supervision:audit", 910, ("office", "auditor")))

        from carbonpeak.core import registry
        from carbonpeak.supervision.services import ledger_info

        registry.register(registry.task_progress_providers, ledger_info)
