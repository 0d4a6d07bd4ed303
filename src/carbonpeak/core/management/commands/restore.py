"""``carbonpeak restore ARCHIVE``: bring a backup back on a fresh data directory and database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carbonpeak.core import backup


class Command(BaseCommand):
    help = "从备份归档恢复数据库、计量数据和上传文件（只能恢复到全新的数据目录和空数据库）"

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="carbonpeak backup 生成的 .tar.gz 文件")

    def handle(self, *args, archive: Path, **options):
        try:
            result = backup.restore(archive=archive)
        except backup.BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            f"恢复完成（备份时间 {result.taken_at}）：数据表 {result.tables} 张，共 {result.rows} 行，"
            f"文件 {result.files} 个，均与备份清单核对一致。\n"
            "如本平台版本比备份时新，请再运行 `carbonpeak migrate`。"
        )
