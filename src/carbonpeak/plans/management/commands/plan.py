"""``carbonpeak plan …``: parse a plan document, import it, export and import the ledger.

    carbonpeak plan parse FILE [--json]
    carbonpeak plan import FILE [--yes] [--dry-run]
    carbonpeak plan export-ledger OUT.xlsx [--plan ID]
    carbonpeak plan import-ledger FILE.xlsx [--plan ID] [--yes] [--dry-run]

Bad input exits with code 2 and a Chinese message; nothing is written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carbonpeak.core.cli import add_region_argument, region_option
from carbonpeak.engine.plantext import PlanParseError, parse_plan, read_document
from carbonpeak.plans import ledger_excel, services
from carbonpeak.plans.models import Plan


class Command(BaseCommand):
    help = "实施方案：解析（parse）、导入（import）、导出/导入任务台账（export-ledger / import-ledger）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{parse,import,export-ledger,import-ledger}"
        )
        p = sub.add_parser("parse", help="解析方案文件（.txt / .docx）并输出结构")
        p.add_argument("file")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")
        p = sub.add_parser("import", help="把方案导入数据库（重复导入不会产生变化）")
        p.add_argument("file")
        p.add_argument("--yes", action="store_true", help="不询问，直接应用修改")
        p.add_argument("--dry-run", action="store_true", help="只显示将发生的变化")
        add_region_argument(p)
        p = sub.add_parser("export-ledger", help="导出任务台账 Excel")
        p.add_argument("out")
        p.add_argument("--plan", type=int, help="方案编号（默认最新方案）")
        add_region_argument(p)
        p = sub.add_parser("import-ledger", help="导入编辑后的任务台账 Excel")
        p.add_argument("file")
        p.add_argument("--plan", type=int, help="方案编号（默认最新方案）")
        add_region_argument(p)
        p.add_argument("--yes", action="store_true", help="不询问，直接应用修改")
        p.add_argument("--dry-run", action="store_true", help="只显示将发生的变化")

    def handle(self, *args, subcommand: str, **options):
        handlers: dict[str, Callable[..., None]] = {
            "parse": self.parse,
            "import": self.import_,
            "export-ledger": self.export_ledger,
            "import-ledger": self.import_ledger,
        }
        handlers[subcommand](**options)

    # ------------------------------------------------------------------ helpers
    def _read(self, file: str) -> str:
        path = Path(file)
        if not path.exists():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        try:
            return read_document(path)
        except PlanParseError as exc:
            raise CommandError(f"{file}：{exc}", returncode=2) from exc

    def _confirm(self, yes: bool) -> bool:
        if yes:
            return True
        if not sys.stdin.isatty():
            self.stderr.write("未应用：非交互运行时请加 --yes 确认。")
            return False
        answer = input("确认应用以上修改？[y/N] ").strip().lower()
        return answer in ("y", "yes", "是")

    def _plan(self, plan_id: int | None, region: str | None = None) -> Plan:
        where = region_option(region)
        plans = Plan.objects.in_region(where)
        plan = plans.filter(pk=plan_id).first() if plan_id else services.current_plan(where)
        if plan is None:
            raise CommandError("数据库中还没有方案：请先运行 carbonpeak plan import FILE", returncode=2)
        return plan

    # ------------------------------------------------------------------ subcommands
    def parse(self, *, file: str, json: bool, **_: object) -> None:  # noqa: A002
        text = self._read(file)
        try:
            parsed = parse_plan(text, registry=_registry_or_default())
        except PlanParseError as exc:
            raise CommandError(f"{file}：{exc}", returncode=2) from exc
        if json:
            self.stdout.write(_json_dumps(parsed.to_dict()))
            return
        self.stdout.write(f"{parsed.title}（{parsed.document_number or '无文号'}）")
        for action in parsed.actions:
            self.stdout.write(f"（{action.number}）{action.title}：{len(action.tasks)} 项任务")
            for task in action.tasks:
                self.stdout.write(
                    f"  {task.code} {task.title}　牵头：{'、'.join(task.lead)}　配合：{'、'.join(task.cooperating)}"
                )
        self.stdout.write(f"量化目标 {len(parsed.targets)} 项：")
        for t in parsed.targets:
            self.stdout.write(f"  {t.year or '—'} {t.indicator} {t.comparator} {t.value_text}{t.unit}")

    def import_(self, *, file: str, yes: bool, dry_run: bool, region: str | None = None, **_: object) -> None:
        text = self._read(file)
        where = region_option(region)
        try:
            parsed = services.parse_text(text, where)
        except PlanParseError as exc:
            raise CommandError(f"{file}：{exc}", returncode=2) from exc
        preview = services.import_plan(parsed, source_text=text, apply_changes=False, region=where)
        if preview.diff.is_empty:
            self.stdout.write(f"方案“{parsed.title}”已是最新，无变化。")
            return
        for line in preview.diff.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("（试运行：未写入）")
            return
        if not preview.diff.is_new_plan and not self._confirm(yes):
            raise CommandError("已取消，未写入任何修改。", returncode=1)
        services.import_plan(parsed, source_text=text, region=where)
        tasks = sum(len(a.tasks) for a in parsed.actions)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入方案“{parsed.title}”：{len(parsed.actions)} 项行动，{tasks} 项任务，{len(parsed.targets)} 项量化目标。"
            )
        )

    def export_ledger(self, *, out: str, plan: int | None, region: str | None = None, **_: object) -> None:
        data = ledger_excel.export_ledger(self._plan(plan, region))
        Path(out).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"已导出任务台账：{out}"))

    def import_ledger(
        self, *, file: str, plan: int | None, yes: bool, dry_run: bool, region: str | None = None, **_: object
    ) -> None:
        target_plan = self._plan(plan, region)
        path = Path(file)
        if not path.exists():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        try:
            specs, errors = ledger_excel.read_ledger(
                path.read_bytes(), plan=target_plan, registry=services.department_registry(target_plan.region)
            )
        except ledger_excel.LedgerFileError as exc:
            raise CommandError(f"{file}：{exc}", returncode=2) from exc
        if errors:
            raise CommandError(f"{file} 有错误，未导入：\n" + "\n".join(str(e) for e in errors), returncode=2)
        diff = services.import_ledger(target_plan, specs, apply_changes=False)
        if diff.is_empty:
            self.stdout.write("任务台账无变化。")
            return
        for line in diff.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("（试运行：未写入）")
            return
        if not self._confirm(yes):
            raise CommandError("已取消，未写入任何修改。", returncode=1)
        services.import_ledger(target_plan, specs)
        self.stdout.write(self.style.SUCCESS("已导入任务台账修改。"))


def _registry_or_default():
    """The database registry when a database is reachable, else the packaged default."""
    from django.db import DatabaseError

    from carbonpeak.engine.departments import DepartmentRegistry

    try:
        return services.department_registry()
    except DatabaseError:
        return DepartmentRegistry.default()


def _json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
