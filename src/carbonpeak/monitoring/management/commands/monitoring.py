"""``carbonpeak monitoring ingest|compact|check|rebuild-rollups|aggregate``: the meter store from the command line / cron."""

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
        compact = sub.add_parser("compact", help="合并每个分区的小文件（可与写入并发执行）")
        compact.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help="只合并结束已超过 N 天的月份分区（不再更正的数据；合并后读取时免去重）；不填则合并全部分区",
        )
        sub.add_parser("rebuild-rollups", help="由原始读数重建全部日汇总（升级后或怀疑汇总有误时执行）")
        agg = sub.add_parser(
            "aggregate", help="计算日汇总与月汇总：duckdb 在本机；spark 在 Spark 集群（或本机 local 模式）"
        )
        agg.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb", help="计算引擎")
        agg.add_argument(
            "--master",
            default="local[2]",
            help="Spark master，如 local[4]、spark://主机:7077、yarn（仅 spark）",
        )
        agg.add_argument(
            "--export-inputs",
            metavar="DIR",
            help="只导出 Spark 作业所需的计量点表与换表表（meters.parquet、replacements.parquet）到 DIR，供 spark-submit 使用",
        )
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
                if opts.get("older_than_days") is not None and opts["older_than_days"] < 0:
                    raise CommandError("--older-than-days 不能为负数", returncode=2)
                stats = services.get_store().compact(older_than_days=opts.get("older_than_days"))
            except CompactionBusy as exc:
                raise CommandError("另一个合并任务正在运行，请稍后再试", returncode=3) from exc
            self.stdout.write(
                f"合并完成：{stats['partitions']} 个分区，{stats['files_before']} 个文件合并为 {stats['files_after']} 个"
            )
            return None
        if action == "rebuild-rollups":
            stats = services.rebuild_rollups()
            self.stdout.write(f"日汇总已重建：{stats['enterprises']} 家企业，{stats['rows']} 行（计量点×日）")
            return None
        if action == "aggregate":
            return self._aggregate(opts)
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

    def _aggregate(self, opts):
        if opts.get("export_inputs"):
            counts = services.export_spark_inputs(Path(opts["export_inputs"]))
            self.stdout.write(
                f"已导出 {counts['meters']} 个计量点、{counts['replacements']} 条换表记录到 {opts['export_inputs']}"
            )
            return None
        if opts["engine"] == "duckdb":
            stats = services.rebuild_rollups()
            self.stdout.write(
                f"DuckDB 汇总完成：{stats['enterprises']} 家企业，{stats['rows']} 行（计量点×日）"
            )
            return None
        from carbonpeak.monitoring import spark_job

        try:
            stats = services.aggregate_with_spark(master=opts["master"])
        except spark_job.SparkUnavailable as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            f"Spark（{opts['master']}）汇总完成：{stats['rows']} 行（计量点×日），用时 {stats['seconds']:.1f} 秒；平台已改读此结果"
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
                    path=path,
                    enterprise=enterprise,
                    source=IngestBatch.Source.CLI,
                    filename=path.name,
                    defer_rollups=True,
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
        if services.settle_deferred_rollups():
            self.stdout.write("日汇总已更新")
        if result.accepted == 0 and result.received > 0:
            raise CommandError("没有任何合格的读数，未导入", returncode=2)
        if result.rejected and opts.get("strict"):
            raise CommandError(f"有 {result.rejected} 行错误（合格行已保存）", returncode=2)
        return None
