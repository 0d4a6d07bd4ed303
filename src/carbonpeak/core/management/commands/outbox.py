"""``carbonpeak outbox``: deliver queued e-mail (待发邮件), retrying failures with growing delays.

State changes write their e-mail into the outbox in their own transaction and try
one delivery after commit; this command (cron, every 5 minutes) sends whatever is
still pending: after a mail-server outage, everything queued goes out once the
server is back. ``--status`` lists what is pending or has failed for good.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from carbonpeak.core.models import OutboxMessage
from carbonpeak.core.notify import deliver_pending


class Command(BaseCommand):
    help = "发送发件箱中待发的邮件（失败的按间隔重试）；适合每 5 分钟由 cron 运行"

    def add_arguments(self, parser):
        parser.add_argument("--status", action="store_true", help="只显示待发与失败的邮件数量")

    def handle(self, *args, status: bool, **options):
        if not status:
            total_sent = total_failed = 0
            while True:
                sent, failed = deliver_pending()
                total_sent += sent
                total_failed += failed
                if sent == 0 or failed:
                    break
            self.stdout.write(f"已发送 {total_sent} 封邮件；发送失败 {total_failed} 封（稍后自动重试）。")
        pending = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).count()
        dead = OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED).count()
        self.stdout.write(f"待发送 {pending} 封；多次失败已停止重试 {dead} 封。")
