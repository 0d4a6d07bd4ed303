from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "carbonpeak.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from carbonpeak.accounts import signals  # noqa: F401
        from carbonpeak.core.navigation import NavItem, register

        register(NavItem("账号管理", "accounts:list", 900, ("office",)))
