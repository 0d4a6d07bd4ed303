from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "carbonpeak.evaluation"
    label = "evaluation"
    verbose_name = "企业与园区评价"

    def ready(self) -> None:
        from carbonpeak.core import registry
        from carbonpeak.core.navigation import NavItem, register
        from carbonpeak.evaluation.services import dashboard_card

        register(NavItem("企业评价", "evaluation:index", order=62, roles=("office", "leader")))
        register(NavItem("信息披露", "evaluation:my_disclosures", order=61, roles=("enterprise",)))
        registry.register(registry.dashboard_cards, dashboard_card)
