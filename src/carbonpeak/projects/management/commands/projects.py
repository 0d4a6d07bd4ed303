"""``carbonpeak projects …``: impact of investment projects on the county's targets.

Subcommands::

    carbonpeak projects impact --projects PROJECTS.xlsx [--json]
        [--region CODE]                                   # baseline: latest dataset of the region
        [--energy ENERGY.csv --economy ECONOMY.csv [--targets TARGETS.csv]
         [--exclusions EXCLUSIONS.csv] [--factors FACTORS.csv] [--province 湖南省] [--base-year 2020]]
    carbonpeak projects template DIR                      # empty PROJECTS.xlsx

Bad input exits with code 2 and a Chinese message on stderr (never a traceback).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carbonpeak.engine import project_impact as pi
from carbonpeak.engine.accounting import AccountingError
from carbonpeak.projects import workbook


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "项目用能与碳排放影响评价（impact 计算，template 生成项目表模板）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        p = sub.add_parser("impact", help="计算项目对县域能耗、碳排放目标的影响（不写数据库）")
        p.add_argument(
            "--projects", required=True, help="项目表 PROJECTS.xlsx（项目、能源、参数 三个工作表）"
        )
        p.add_argument("--json", action="store_true", help="输出 JSON（与影响分析页面相同的结果）")
        p.add_argument("--region", help="县域基线：该行政区划代码（GB/T 2260）最新的核算数据集")
        p.add_argument("--energy", help="离线基线：能源消费 CSV/Excel（核算格式）")
        p.add_argument("--economy", help="离线基线：经济数据 CSV/Excel（可含规划年份的可比价 GDP）")
        p.add_argument("--targets", help="离线基线：目标 CSV/Excel")
        p.add_argument("--exclusions", help="离线基线：扣除项 CSV/Excel（可再生能源电力、原料用能）")
        p.add_argument("--factors", help="离线基线：用户因子 CSV/Excel")
        p.add_argument("--province", default="湖南省", help="离线基线的电网排放因子地区（默认 湖南省）")
        p.add_argument("--base-year", type=int, default=2020, help="离线基线的基准年（默认 2020）")
        t = sub.add_parser("template", help="把空白项目表 PROJECTS.xlsx 写到目录")
        t.add_argument("dir", help="输出目录")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "impact":
                self._impact(options)
            else:
                self._template(options)
        except AccountingError as exc:  # ImpactError is one
            raise CommandError(exc.message, returncode=2) from None

    # -- impact ---------------------------------------------------------------------
    def _impact(self, options: dict[str, Any]) -> None:
        path = Path(options["projects"])
        try:
            data = path.read_bytes()
        except OSError:
            raise pi.ImpactError(f"{path.name}：文件不存在或无法读取", file=path.name) from None
        book = workbook.read_projects(data, path.name)
        baseline = self._baseline(options)
        result = pi.assess(
            book.projects,
            accounting=baseline.accounting,
            economy=baseline.economy,
            targets=baseline.targets,
            assumptions=book.assumptions
            if book.has_parameters or baseline.assumptions is None
            else baseline.assumptions,
            baseline_source=baseline.source,
            rule_set=baseline.policy.rule_set if baseline.policy else None,
            thresholds=baseline.policy.thresholds if baseline.policy else None,
            province=baseline.policy.region_names if baseline.policy else None,
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            self._print(result)

    def _baseline(self, options: dict[str, Any]) -> Any:
        offline = [k for k in ("energy", "economy", "targets", "exclusions", "factors") if options.get(k)]
        if offline:
            if options.get("region"):
                raise pi.ImpactError(
                    "--region 与 --energy/--economy 不能同时使用：请选择数据库数据集或离线文件之一"
                )
            if not (options.get("energy") and options.get("economy")):
                raise pi.ImpactError("离线基线需要同时提供 --energy 和 --economy（核算格式）")
            from carbonpeak.projects.baseline import baseline_from_files

            return baseline_from_files(
                energy=options["energy"],
                economy=options["economy"],
                targets=options.get("targets"),
                exclusions=options.get("exclusions"),
                factors=options.get("factors"),
                province=options["province"],
                base_year=options["base_year"],
            )
        from carbonpeak.projects.services import latest_baseline

        return latest_baseline(region_code=options.get("region"))

    def _print(self, result: pi.ImpactResult) -> None:
        w = self.stdout.write
        w(f"县域基线：{result.baseline_source}（最新核算年份 {result.last_accounted_year} 年）")
        w("项目：")
        for p in result.projects:
            f = p.full_production
            two = "两高" if p.two_high["is_two_high"] else "非两高"
            when = "停产" if p.stage == "淘汰" else "投产"
            w(
                f"  {p.code} {p.name}（{p.stage}，{p.production_year}年{when}）：达产年综合能耗 {f['energy_tce']:,.2f} tce"
                f"（当量值，其中原料用能 {f['feedstock_energy_tce']:,.2f} tce），CO2 {f['co2_t']:,.2f} t；{two}；"
                f"{p.review['label']}"
            )
        w("年份  类型  能耗(无项目,tce)  能耗(含项目,tce)  能耗强度(无/含,tce/万元)  CO2强度(无/含,t/万元)")
        for r in result.years:
            a, b = r["without"], r["with"]
            kind = "核算" if r["kind"] == "actual" else "测算"
            w(
                f"{r['year']}  {kind}  {a['energy_tce']:,.2f}  {b['energy_tce']:,.2f}  "
                f"{a['energy_intensity_tce_per_10k_yuan']:.4f}/{b['energy_intensity_tce_per_10k_yuan']:.4f}  "
                f"{a['co2_intensity_t_per_10k_yuan']:.4f}/{b['co2_intensity_t_per_10k_yuan']:.4f}"
            )
        for room in result.room:
            share = "无剩余空间" if room["share_pct"] is None else f"{room['share_pct']:.2f}%"
            w(
                f"剩余用能空间（{room['label']}，{room['target_year']}年）：{room['remaining_energy_room_tce']:,.2f} tce；"
                f"项目占用 {room['projects_energy_tce']:,.2f} tce（{share}）"
            )
        for t in result.targets:
            if not t["evaluable"]:
                w(f"目标 {t['label']}（{t['target_year']}年）：{t['reason']}")
                continue

            def verdict(s: dict[str, Any] | None) -> str:
                return "—" if s is None else ("可实现" if s["reachable"] else "不能实现")

            w(
                f"目标 {t['label']}（{t['target_year']}年）：无项目 {verdict(t['without'])}，含项目 {verdict(t['with'])}"
            )
        for text in result.notes:
            w(f"说明：{text}")

    # -- template -------------------------------------------------------------------
    def _template(self, options: dict[str, Any]) -> None:
        out = Path(options["dir"])
        try:
            out.mkdir(parents=True, exist_ok=True)
            (out / "PROJECTS.xlsx").write_bytes(workbook.template_xlsx())
        except OSError:
            raise pi.ImpactError(f"无法写入目录“{out}”") from None
        self.stdout.write(f"已生成项目表模板：{out / 'PROJECTS.xlsx'}（工作表：项目、能源、参数）")
