from django.apps import AppConfig


class SinksConfig(AppConfig):
    name = "carbonpeak.sinks"
    label = "sinks"
    verbose_name = "林业碳汇核算"

    def ready(self) -> None:
        from carbonpeak.core import registry
        from carbonpeak.core.navigation import NavItem, register
        from carbonpeak.core.roles import Role
        from carbonpeak.sinks import services

        registry.register(registry.dashboard_cards, services.dashboard_card)
        registry.register(registry.dashboard_cards, services.net_emissions_card)
        registry.register(registry.target_series_providers, services.target_series)
        registry.register(registry.peak_outlook_lines, services.peak_outlook_line)

        register(
            NavItem("林业碳汇", "sinks:index", order=35, roles=(Role.OFFICE, Role.LEADER, Role.DEPARTMENT))
        )
