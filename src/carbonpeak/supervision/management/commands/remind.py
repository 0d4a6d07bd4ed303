"""``carbonpeak remind``: send due reminders once (in-app + e-mail). Meant for cron, e.g. daily at 8:00.

Each reminder is sent at most once per (kind, object, period, recipient); running the
command twice, or two copies at once, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from carbonpeak.supervision import services

KIND_LABELS = {
    "report_due_soon": "报告即将截止",
    "report_missing": "逾期未报",
    "task_overdue": "任务逾期",
    "task_stale": "任务长期未更新",
    "notice_unanswered": "督办单逾期未答复",
}


class Command(BaseCommand):
    help = "发送调度提醒（报告将截止、逾期未报、任务逾期、长期未更新、督办单未答复）；同一提醒不会重复发送"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=5, help="截止前几天开始提醒（默认 5）")
        parser.add_argument("--date", help="按指定日期计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args, days: int, date: str | None, **options):
        if not 0 <= days <= 60:
            raise CommandError("--days 应在 0 至 60 之间。", returncode=2)
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"日期“{date}”格式不对，应为 YYYY-MM-DD。", returncode=2) from None
        result = services.send_reminders(today=today, due_soon_days=days)
        total = sum(result.sent.values())
        for kind, label in KIND_LABELS.items():
            if result.sent.get(kind):
                self.stdout.write(f"  {label}：{result.sent[kind]} 条")
        self.stdout.write(f"共发送 {total} 条提醒；已发送过而跳过 {result.skipped} 条。")
        if result.failed:
            raise CommandError(
                f"{result.failed} 条提醒发送失败（邮件服务器不可用？），下次运行时会重试。", returncode=1
            )
