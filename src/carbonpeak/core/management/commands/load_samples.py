"""``carbonpeak load_samples``: load the shipped sample data of every app.

Each app that ships sample data has a ``samples.py`` with ``load(stdout) -> None``;
loaders are idempotent (running ``make run`` twice changes nothing) and run in the
order of ``SAMPLE_ORDER``. Sample statistics are illustrative, and every page that
shows them says so.
"""

from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand

SAMPLE_ORDER = (
    "plans",
    "accounts",
    "supervision",
    "accounting",
    "indicators",
    "enterprises",
    "monitoring",
    "scenarios",
    "credits",
)


class Command(BaseCommand):
    help = "载入示例方案与示例数据（可重复执行，不会重复写入）"

    def handle(self, *args, **options):
        for app in SAMPLE_ORDER:
            try:
                module = importlib.import_module(f"carbonpeak.{app}.samples")
            except ModuleNotFoundError as exc:
                if exc.name != f"carbonpeak.{app}.samples":
                    raise
                continue
            module.load(self.stdout)
