from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "carbonpeak.credits"
    label = "credits"
    verbose_name = "碳普惠"

    def ready(self) -> None:
        from carbonpeak.core import registry
        from carbonpeak.core.navigation import NavItem, register
        from carbonpeak.credits.services.reports import dashboard_card

        register(NavItem("碳普惠", "credits:office", order=75, roles=("office", "leader")))
        registry.register(registry.dashboard_cards, dashboard_card)
