"""``carbonpeak accounting …``: energy and CO2 accounting from the command line.

Subcommands::

    carbonpeak accounting compute --energy ENERGY.csv --economy ECONOMY.csv \\
        [--factors FACTORS.csv] [--targets TARGETS.csv] [--exclusions EXCLUSIONS.csv] \\
        [--region 湖南省] [--base-year 2020] [--dataset CN_DEFAULT] [--json] [--trace]
    carbonpeak accounting import  (same files) --name 名称
    carbonpeak accounting template --out DIR

Bad input exits with code 2 and a Chinese message naming file, row and column;
``import`` writes nothing in that case.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carbonpeak.engine import accounting_io as aio
from carbonpeak.engine import accounting_templates as tpl
from carbonpeak.engine.accounting import AccountingError, AccountingResult, compute
from carbonpeak.engine.factors import DATASETS, FactorError, FactorSet


def _add_input_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--energy", required=True, help="能源消费数据 CSV/Excel：year,sector,carrier,quantity,unit"
    )
    parser.add_argument(
        "--economy",
        required=True,
        help="经济数据 CSV/Excel：year,gdp_10k_yuan,gdp_constant_10k_yuan,population",
    )
    parser.add_argument("--factors", help="用户因子 CSV/Excel：carrier,year,co2_factor,unit,source")
    parser.add_argument("--targets", help="目标 CSV/Excel：indicator,base_year,target_year,decline_pct[,cap]")
    parser.add_argument("--exclusions", help="扣除项 CSV/Excel：year,category,carrier,quantity,unit")
    parser.add_argument("--region", default="湖南省", help="电网排放因子地区（默认 湖南省）")
    parser.add_argument("--base-year", type=int, default=2020, help="累计下降率的基准年（默认 2020）")
    parser.add_argument("--dataset", default="CN_DEFAULT", choices=DATASETS, help="燃料排放因子数据集")


class Command(BaseCommand):
    # The calculation needs neither the URL map nor the admin; skipping the system checks keeps
    # ``compute`` fast and independent of the rest of the site.
    requires_system_checks: list[str] = []
    help = "能耗与二氧化碳排放核算（compute 计算并输出，import 导入平台，template 生成模板）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        p_compute = sub.add_parser("compute", help="计算并输出结果（不写数据库）")
        _add_input_arguments(p_compute)
        p_compute.add_argument("--json", action="store_true", help="输出 JSON")
        p_compute.add_argument("--trace", action="store_true", help="JSON 中附每行计算过程（activities）")
        p_import = sub.add_parser("import", help="导入平台（一个事务，出错不写入）")
        _add_input_arguments(p_import)
        p_import.add_argument("--name", default="", help="数据集名称")
        p_template = sub.add_parser("template", help="把空白模板（CSV 与 xlsx）写到目录")
        p_template.add_argument("--out", required=True, help="输出目录")

    def handle(self, *args: Any, **options: Any) -> None:
        sub = options["subcommand"]
        try:
            if sub == "compute":
                self._compute(options)
            elif sub == "import":
                self._import(options)
            else:
                self._template(options)
        except AccountingError as exc:
            raise CommandError(exc.message, returncode=2) from None
        except FactorError as exc:
            raise CommandError(exc.message, returncode=2) from None

    # -- compute --------------------------------------------------------------------
    def _read(self, options: dict[str, Any]) -> AccountingResult:
        base_year = options["base_year"]
        energy_table = aio.read_table(options["energy"])
        economy_table = aio.read_table(options["economy"])
        energy_rows = aio.parse_energy(energy_table)
        economy_rows = aio.parse_economy(economy_table, base_year=base_year)
        aio.check_years_have_gdp(energy_rows, economy_rows, economy_table.filename)
        fs = FactorSet.default(options["region"], dataset=options["dataset"])
        if options.get("factors"):
            table = aio.read_table(options["factors"])
            try:
                fs = fs.with_user_factors(aio.factor_rows(table), filename=table.filename)
            except FactorError as exc:
                raise AccountingError(
                    exc.message, file=table.filename, row=exc.row, column=exc.column
                ) from None
        targets = aio.parse_targets(aio.read_table(options["targets"])) if options.get("targets") else []
        exclusions = (
            aio.parse_exclusions(aio.read_table(options["exclusions"])) if options.get("exclusions") else []
        )
        return compute(
            energy_rows,
            economy_rows,
            factor_set=fs,
            targets=targets,
            base_year=base_year,
            exclusions=exclusions,
        )

    def _compute(self, options: dict[str, Any]) -> None:
        result = self._read(options)
        if options["json"]:
            self.stdout.write(
                json.dumps(result.to_dict(include_trace=options["trace"]), ensure_ascii=False, indent=2)
            )
            return
        self._print_table(result)

    def _print_table(self, result: AccountingResult) -> None:
        w = self.stdout.write
        w(f"因子集：{result.factor_set['name']}（版本 {result.factor_set['version']}）")
        w("年份  能耗(当量值,tce)  能耗(等价值,tce)  CO2(t)  能耗强度(tce/万元)  碳排放强度(t/万元)")
        for year in sorted(result.years):
            y = result.years[year]
            equal = f"{y.energy_tce_equal_value:,.2f}" if y.energy_tce_equal_value is not None else "未计算"
            w(
                f"{year}  {y.energy_tce:,.2f}  {equal}  {y.co2_t:,.2f}  "
                f"{y.energy_intensity_tce_per_10k_yuan:.4f}  {y.co2_intensity_t_per_10k_yuan:.4f}"
            )
        if result.declines:
            w("年份  能耗强度年下降(%)  能耗强度累计下降(%)  碳强度年下降(%)  碳强度累计下降(%)")
            for year, d in sorted(result.declines.items()):
                w(
                    f"{year}  "
                    + "  ".join(
                        _pct(d.get(k))
                        for k in (
                            "energy_intensity_annual_pct",
                            "energy_intensity_cumulative_pct",
                            "co2_intensity_annual_pct",
                            "co2_intensity_cumulative_pct",
                        )
                    )
                )
        labels = {"red": "红", "yellow": "黄", "green": "绿"}
        for warning in result.warnings:
            if "allowed" in warning:
                detail = f"允许 {warning['allowed']:,.0f} {warning['unit']}，实际 {warning['actual']:,.0f} {warning['unit']}"
            else:
                detail = f"要求累计下降 {_pct(warning['required_pct'])}%，实际 {_pct(warning['actual_pct'])}%"
            w(f"预警 {warning['year']} {warning['indicator']}：{labels[warning['level']]}灯（{detail}）")
        for text in result.assumptions:
            w(f"说明：{text}")

    # -- import ---------------------------------------------------------------------
    def _import(self, options: dict[str, Any]) -> None:
        from carbonpeak.accounting.services import UploadedFile, import_dataset

        def uploaded(key: str) -> UploadedFile | None:
            path = options.get(key)
            if not path:
                return None
            p = Path(path)
            try:
                return UploadedFile(name=p.name, data=p.read_bytes())
            except OSError:
                raise AccountingError(f"{p.name}：文件不存在或无法读取", file=p.name) from None

        energy_file = uploaded("energy")
        economy_file = uploaded("economy")
        assert energy_file is not None and economy_file is not None
        ds = import_dataset(
            user=None,
            name=options["name"] or energy_file.name,
            energy_file=energy_file,
            economy_file=economy_file,
            factors_file=uploaded("factors"),
            targets_file=uploaded("targets"),
            exclusions_file=uploaded("exclusions"),
            region=options["region"],
            base_year=options["base_year"],
            dataset=options["dataset"],
        )
        self.stdout.write(
            f"已导入数据集 #{ds.pk}「{ds.name}」：{len(ds.years)} 个年份，因子集 {ds.factor_set_version}"
        )

    # -- template -------------------------------------------------------------------
    def _template(self, options: dict[str, Any]) -> None:
        out = Path(options["out"])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError:
            raise AccountingError(f"无法创建目录“{out}”") from None
        for kind in tpl.TEMPLATES:
            (out / f"{kind.upper()}.csv").write_bytes(tpl.template_csv(kind))
            (out / f"{kind.upper()}.xlsx").write_bytes(tpl.template_xlsx(kind))
        self.stdout.write(f"已生成模板：{out}（{', '.join(k.upper() for k in tpl.TEMPLATES)}，CSV 与 xlsx）")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
