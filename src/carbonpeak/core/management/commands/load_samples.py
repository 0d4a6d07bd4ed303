"""``carbonpeak load_samples``: load the shipped sample data of every app.

Each app that ships sample data has a ``samples.py`` with ``load(stdout) -> None``;
loaders are idempotent (running ``make run`` twice changes nothing) and run in the
order of ``INSTALLED_APPS``, which is the apps' dependency order. Sample statistics are illustrative, and every page that
shows them says so.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = "载入示例方案与示例数据（可重复执行，不会重复写入）"

    def handle(self, *args, **options):
        # Installed apps are listed in their dependency order, so an app's samples can
        # rely on the samples of the apps it depends on (Django's autodiscovery pattern).
        for config in apps.get_app_configs():
            if not config.name.startswith("carbonpeak.") or not module_has_submodule(
                config.module, "samples"
            ):
                continue
            import_module(f"{config.name}.samples").load(self.stdout)
