"""``carbonpeak sinks …``: forest carbon stock and annual sink from the command line.

Subcommands::

    carbonpeak sinks compute --inventory INVENTORY.csv --parameters PARAMETERS.csv [--json]
    carbonpeak sinks import --inventory INVENTORY.xlsx [--region CODE]
    carbonpeak sinks template --out DIR

INVENTORY columns ``year,species_group,area_hm2,volume_m3``; PARAMETERS columns
``species_group,wood_density,bef,root_shoot_ratio,carbon_fraction,source`` (see
:mod:`carbonpeak.engine.sinks_io`). A species group in the inventory without parameters, or
with a blank parameter or source, is an error naming the group: exit code 2, message on
stderr, nothing computed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carbonpeak.core.cli import add_region_argument
from carbonpeak.core.errors import UserError
from carbonpeak.engine import sinks_io
from carbonpeak.engine.sinks import SinkError, SinkResult, compute

INVENTORY_TEMPLATE = (
    "year,species_group,area_hm2,volume_m3\n"
    "# 每个年份每个优势树种组一行：面积 [hm²]，活立木蓄积量 [m³]；竹林、经济林无蓄积可留空\n"
)
PARAMETERS_TEMPLATE = (
    "species_group,wood_density,bef,root_shoot_ratio,carbon_fraction,source,verification\n"
    "# 基本木材密度 [t 干物质/m³]，生物量扩展因子 [-]，根茎比 [-]，含碳率 [t C/t 干物质]；每个值注明来源（文件、表号）\n"
)


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "林业碳汇核算（compute 计算森林碳储量与年碳汇，template 生成空白模板）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        p_compute = sub.add_parser("compute", help="计算碳储量与年碳汇并输出（不写数据库）")
        p_compute.add_argument(
            "--inventory", required=True, help="森林资源清单 CSV/Excel：year,species_group,area_hm2,volume_m3"
        )
        p_compute.add_argument(
            "--parameters",
            required=True,
            help="树种组参数 CSV/Excel：species_group,wood_density,bef,root_shoot_ratio,carbon_fraction,source",
        )
        p_compute.add_argument("--json", action="store_true", help="输出 JSON")
        p_import = sub.add_parser("import", help="把森林资源清单导入平台（文件中的年份整体替换；有错不写入）")
        p_import.add_argument("--inventory", required=True, help="森林资源清单 Excel/CSV")
        add_region_argument(p_import)
        p_template = sub.add_parser("template", help="把空白模板（CSV）写到目录")
        p_template.add_argument("--out", required=True, help="输出目录")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "compute":
                self._compute(options)
            elif options["subcommand"] == "import":
                self._import(options)
            else:
                self._template(options)
        except SinkError as exc:
            raise CommandError(exc.message, returncode=2) from None
        except UserError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def _import(self, options: dict[str, Any]) -> None:
        from carbonpeak.core.cli import region_option
        from carbonpeak.sinks.services import import_inventory

        region = region_option(options.get("region"))
        path = Path(options["inventory"])
        try:
            data = path.read_bytes()
        except OSError:
            raise SinkError(f"{path.name}：文件不存在或无法读取") from None
        preview = import_inventory(region=region, data=data, filename=path.name, user=None)
        replaced = (
            f"，替换了 {'、'.join(str(y) for y in preview.replaced_years)} 年"
            if preview.replaced_years
            else ""
        )
        self.stdout.write(
            f"已导入{region.name}森林资源清单：{len(preview.rows)} 行，年份 {'、'.join(str(y) for y in preview.years)}{replaced}"
        )

    def _compute(self, options: dict[str, Any]) -> None:
        inventory = sinks_io.parse_inventory(sinks_io.read_table(options["inventory"]))
        parameters = sinks_io.parse_parameters(sinks_io.read_table(options["parameters"]))
        result = compute(inventory, parameters)
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
            return
        self._print(result)

    def _print(self, result: SinkResult) -> None:
        w = self.stdout.write
        w("年份  面积(hm²)  蓄积量(m³)  生物量(t)  碳储量(tC)  CO2当量(t)")
        for year in result.years:
            w(
                f"{year.year}  {year.area_hm2:,.2f}  {year.volume_m3:,.2f}  {year.biomass_t:,.2f}  "
                f"{year.carbon_stock_tc:,.2f}  {year.co2_stock_t:,.2f}"
            )
            for s in year.by_species:
                w(f"    {s.species_group}：碳储量 {s.carbon_stock_tc:,.2f} tC，CO2 {s.co2_stock_t:,.2f} t")
        if result.annual_sink:
            w("年碳汇（蓄积量差值法，正值 = 吸收）：")
            for sink in result.annual_sink:
                w(f"    {sink.from_year}—{sink.to_year}：{sink.co2_t_per_year:,.2f} t CO2/年")
        else:
            w("只有一个清查年份，无法用差值法计算年碳汇（至少需要两个年份）。")
        for flow in result.growth_consumption:
            w(f"生长-消耗法 {flow.year} {flow.species_group}：{flow.co2_t_per_year:,.2f} t CO2/年")

    def _template(self, options: dict[str, Any]) -> None:
        out = Path(options["out"])
        try:
            out.mkdir(parents=True, exist_ok=True)
            (out / "INVENTORY.csv").write_text(INVENTORY_TEMPLATE, encoding="utf-8")
            (out / "PARAMETERS.csv").write_text(PARAMETERS_TEMPLATE, encoding="utf-8")
        except OSError:
            raise SinkError(f"无法写入目录“{out}”") from None
        self.stdout.write(f"已生成模板：{out}（INVENTORY.csv、PARAMETERS.csv）")
