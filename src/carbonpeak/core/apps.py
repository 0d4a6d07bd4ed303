from django.apps import AppConfig
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    name = "carbonpeak.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from carbonpeak.core.fields import fill_home_region

        pre_save.connect(fill_home_region, dispatch_uid="carbonpeak.core.fill_home_region")
