from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "carbonpeak.evaluation"
    label = "evaluation"
    verbose_name = "企业与园区评价"

    def ready(self) -> None:
        from carbonpeak.core.navigation import NavItem, register

        register(NavItem("企业评价", "evaluation:index", order=62, roles=("office", "leader")))
        register(NavItem("信息披露", "evaluation:my_disclosures", order=61, roles=("enterprise",)))
