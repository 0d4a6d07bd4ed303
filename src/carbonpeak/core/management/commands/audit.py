"""``carbonpeak audit verify``: check the audit log's hash chain (MLPS: 审计记录完整性)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from carbonpeak.core import audit


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链，发现被修改、删除或插入的记录"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="逐条校验审计日志的哈希链（适合每日定时执行）")

    def handle(self, *args, action: str, **options):
        checked, bad = audit.verify()
        if bad is None:
            self.stdout.write(f"审计日志完整：共 {checked} 条记录，哈希链校验通过。")
            return
        where = (
            f"编号 {bad.pk}（{bad.at:%Y-%m-%d %H:%M:%S}，{bad.username}，{bad.object_repr}）"
            if bad.pk
            else bad.object_repr
        )
        raise CommandError(
            f"审计日志完整性校验失败：前 {checked} 条完好，{where} 与哈希链不符——"
            "该记录或其之前的记录已被修改、删除或插入。请保全数据库文件并报告安全管理员。",
            returncode=1,
        )
