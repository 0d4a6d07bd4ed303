"""``carbonpeak backup [--output FILE]``: one archive of the database, meter store and uploads."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carbonpeak.core import backup


class Command(BaseCommand):
    help = "备份数据库、计量数据和上传文件到一个归档文件（平台运行中也可执行，读数照常接收）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="归档文件路径（默认 数据目录/backups/carbonpeak-backup-时间.tar.gz）",
        )

    def handle(self, *args, output: Path | None, **options):
        try:
            result = backup.backup(output=output)
        except backup.BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            f"备份完成：{result.path}\n"
            f"  数据表 {result.tables} 张，共 {result.rows} 行；文件 {result.files} 个"
        )
        store = result.notes.get("meter-store")
        if store and store.get("in_flight_rows_left_out"):
            self.stdout.write(
                f"  备份时尚在提交中的 {store['in_flight_rows_left_out']} 条读数未计入（其批次记录不在本次快照中）"
            )
