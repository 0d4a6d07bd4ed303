"""``carbonpeak regions``: the administrative regions (行政区划, GB/T 2260) of this installation.

- ``carbonpeak regions import 区划.csv`` loads an installation's own province's codes
  (columns ``code,name`` and optionally ``level,parent_code``; level and parent are
  derived from the six-digit code when absent). Existing regions are renamed, never
  deleted; the file is checked completely before anything is written.
- ``carbonpeak regions list`` prints the tree.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carbonpeak.core.models import Region
from carbonpeak.core.regions import import_regions
from carbonpeak.core.tables import decode_text
from carbonpeak.engine import region_codes


class Command(BaseCommand):
    help = "行政区划：导入本省区划代码（import）、列出区划树（list）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{import,list}")
        p = sub.add_parser("import", help="从 CSV 导入区划代码（列：code,name[,level,parent_code]）")
        p.add_argument("file")
        sub.add_parser("list", help="列出已登记的行政区划")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "list":
            for region in Region.objects.order_by("path"):
                depth = region.path.count("/") - 1
                self.stdout.write(
                    f"{'  ' * depth}{region.code} {region.name}（{region.get_level_display()}）"
                )
            return
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"找不到文件：{path}", returncode=2)
        try:
            text = decode_text(path.read_bytes(), path.name)
        except Exception as exc:
            raise CommandError(str(exc), returncode=2) from exc
        rows, errors = [], []
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or not {"code", "name"} <= {f.strip() for f in reader.fieldnames}:
            raise CommandError(f"{path.name}：表头应包含 code 和 name 两列。", returncode=2)
        for number, raw in enumerate(reader, start=2):
            row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
            code, name = row.get("code", ""), row.get("name", "")
            try:
                level = row.get("level") or region_codes.level_of(code)
                if level not in region_codes.LEVELS:
                    raise ValueError(f"层级“{level}”应为 province、city 或 county")
                parent = row.get("parent_code") or region_codes.parent_code_of(code)
            except ValueError as exc:
                errors.append(f"第{number}行：{exc}")
                continue
            if not name:
                errors.append(f"第{number}行：名称为空")
                continue
            rows.append(region_codes.RegionCode(code=code, name=name, level=level, parent_code=parent))
        known = {r.code for r in rows} | set(Region.objects.values_list("code", flat=True))
        for r in rows:
            if r.parent_code and r.parent_code not in known:
                errors.append(f"{r.code} {r.name}：上级代码 {r.parent_code} 不在文件中，也未登记")
        if errors:
            raise CommandError(f"{path.name} 有错误，未导入：\n" + "\n".join(errors), returncode=2)
        created, updated = import_regions(rows)
        self.stdout.write(self.style.SUCCESS(f"已导入行政区划：新增 {created} 个，更名或调整 {updated} 个。"))
