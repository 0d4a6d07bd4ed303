"""``carbonpeak indicator_warnings``: notify departments and the office of 有风险 / 滞后 indicators."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from carbonpeak.indicators import services


class Command(BaseCommand):
    help = "向责任部门和碳达峰办发送指标预警（有风险、滞后），同一指标同一状态每月只发一次"

    def handle(self, *args, **options):
        warnings = services.active_warnings()
        sent = services.notify_warnings()
        self.stdout.write(f"预警指标 {len(warnings)} 个，发送通知 {sent} 条。")
