from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "carbonpeak.enterprises"
    label = "enterprises"
    verbose_name = "重点用能单位"

    def ready(self) -> None:
        from carbonpeak.core.navigation import NavItem, register

        register(NavItem("重点用能单位", "enterprises:index", order=60, roles=("office", "leader")))
        register(NavItem("本企业", "enterprises:mine", order=60, roles=("enterprise",)))
