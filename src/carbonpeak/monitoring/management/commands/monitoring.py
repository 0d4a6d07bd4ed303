"""``carbonpeak monitoring ingest|compact|check``: the meter store from the command line / cron."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carbonpeak.enterprises.models import Enterprise
from carbonpeak.monitoring import services
from carbonpeak.monitoring.models import IngestBatch
from carbonpeak.monitoring.store import CompactionBusy


class Command(BaseCommand):
    help = "能耗在线监测：ingest 导入读数文件；compact 合并存储分区小文件；check 生成数据质量与预算告警（建议每小时由 cron 执行）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="导入 CSV/Excel 读数文件（表头 meter 或 meter_id、ts、value）")
        ingest.add_argument("file")
        ingest.add_argument(
            "--enterprise", help="企业统一社会信用代码或ID；按计量点编码（meter 列）识别时必填"
        )
        ingest.add_argument(
            "--strict", action="store_true", help="有任何错误行则以非零状态退出（合格行仍已保存）"
        )
        sub.add_parser("compact", help="合并每个分区的小文件（可与写入并发执行）")
        check = sub.add_parser(
            "check", help="检查停报、完整率、突变、负增量、长期不变、报表一致性、预算进度并生成告警"
        )
        check.add_argument("--json", action="store_true", help="以 JSON 输出新增告警数")
        sub.add_parser(
            "jobs", help="运行排队中的后台读数导入任务，并重新排队处理进程已中断的任务（适合 cron 每 5 分钟）"
        )

    def handle(self, *args, **opts):
        action = opts["action"]
        if action == "ingest":
            return self._ingest(opts)
        if action == "jobs":
            from carbonpeak.monitoring import jobs

            ran = jobs.run_pending()
            self.stdout.write(f"后台导入任务：本次处理 {ran} 个")
            return None
        if action == "compact":
            try:
                stats = services.get_store().compact()
            except CompactionBusy as exc:
                raise CommandError("另一个合并任务正在运行，请稍后再试", returncode=3) from exc
            self.stdout.write(
                f"合并完成：{stats['partitions']} 个分区，{stats['files_before']} 个文件合并为 {stats['files_after']} 个"
            )
            return None
        created = services.run_checks()
        if opts.get("json"):
            self.stdout.write(json.dumps(created, ensure_ascii=False))
        else:
            total = sum(created.values())
            self.stdout.write(
                f"检查完成：新增告警 {total} 条"
                + ("（" + "，".join(f"{k} {v}" for k, v in sorted(created.items())) + "）" if created else "")
            )
        return None

    def _ingest(self, opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}", returncode=2)
        enterprise = None
        if opts.get("enterprise"):
            key = opts["enterprise"].strip()
            enterprise = Enterprise.objects.filter(uscc=key.upper()).first() or (
                Enterprise.objects.filter(pk=int(key)).first() if key.isdigit() else None
            )
            if enterprise is None:
                raise CommandError(f"找不到企业：{key}", returncode=2)
        try:
            if path.suffix.lower() == ".xlsx":
                if enterprise is None:
                    raise CommandError("导入 Excel 时须用 --enterprise 指定企业", returncode=2)
                with open(path, "rb") as fh:
                    result = services.ingest_excel(
                        enterprise=enterprise, file=fh, user=None, filename=path.name
                    )
            elif path.suffix.lower() == ".csv":
                result = services.ingest_csv(
                    path=path, enterprise=enterprise, source=IngestBatch.Source.CLI, filename=path.name
                )
            else:
                raise CommandError(f"不支持的文件类型：{path.name}（应为 .csv 或 .xlsx）", returncode=2)
        except services.IngestError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for e in result.errors[:50]:
            self.stderr.write(f"{path.name} 第{e.row}行 {e.field}：{e.message}")
        if len(result.errors) > 50:
            self.stderr.write(f"……另有 {len(result.errors) - 50} 行错误")
        self.stdout.write(
            f"批次 {result.batch_id}：共 {result.received} 行，接收 {result.accepted} 行，拒收 {result.rejected} 行，更正 {result.corrections} 条"
        )
        if result.accepted == 0 and result.received > 0:
            raise CommandError("没有任何合格的读数，未导入", returncode=2)
        if result.rejected and opts.get("strict"):
            raise CommandError(f"有 {result.rejected} 行错误（合格行已保存）", returncode=2)
        return None
