from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "carbonpeak.monitoring"
    label = "monitoring"
    verbose_name = "能耗在线监测"

    def ready(self) -> None:
        from carbonpeak.core import backup
        from carbonpeak.core.navigation import NavItem, register
        from carbonpeak.monitoring.backup import component

        backup.register(component())

        register(
            NavItem("在线监测告警", "monitoring:alarms", order=61, roles=("office", "leader", "enterprise"))
        )
