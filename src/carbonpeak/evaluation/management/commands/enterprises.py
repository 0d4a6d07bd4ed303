"""``carbonpeak enterprises …``: enterprise evaluation from the command line (nothing is written).

Subcommands::

    carbonpeak enterprises carbon-efficiency --data DATA.csv [--json]
        [--preset ZJ_METHOD] [--grade-bands 0.6,0.8,1.2,2.0] [--level-bands 0.6,2.0]
        [--min-enterprises 3] [--bands-source 来源]
    carbonpeak enterprises mu-evaluation --data MU.csv [--json] [--preset HUANGYAN_2022]
    carbonpeak enterprises remind-disclosures [--today YYYY-MM-DD]   (cron, daily)

DATA.csv columns: ``uscc,name,industry_code,year,co2_t,value_added_10k_yuan``.
MU.csv columns: see :data:`carbonpeak.engine.mu_evaluation.CSV_COLUMNS`.

Bad input exits with code 2 and a Chinese message naming file, row and column.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carbonpeak.engine import carbon_efficiency as ce
from carbonpeak.engine import mu_evaluation as mu
from carbonpeak.engine.accounting import AccountingError
from carbonpeak.engine.accounting_io import Table, read_table

#: Chinese headers accepted in place of the English ones (both files).
HEADER_ALIASES = {
    "统一社会信用代码": "uscc",
    "企业名称": "name",
    "名称": "name",
    "行业代码": "industry_code",
    "行业代码(gb/t 4754)": "industry_code",
    "二氧化碳排放量(t)": "co2_t",
    "二氧化碳排放量(吨)": "co2_t",
    "增加值(万元)": "value_added_10k_yuan",
    "工业增加值(万元)": "value_added_10k_yuan",
}


def _read(path: str) -> Table:
    table = read_table(path)
    columns = [HEADER_ALIASES.get(c, c) for c in table.columns]
    renamed = {old: new for old, new in zip(table.columns, columns, strict=True) if old != new}
    rows = [(n, {renamed.get(k, k): v for k, v in cells.items()}) for n, cells in table.rows]
    return Table(filename=table.filename, columns=columns, rows=rows)


def _floats(text: str | None, *, count: int, option: str) -> list[float] | None:
    if not text:
        return None
    try:
        values = [float(part) for part in text.replace("，", ",").split(",") if part.strip()]
    except ValueError:
        raise CommandError(f"{option}：“{text}”应为逗号分隔的数字", returncode=2) from None
    if len(values) != count:
        raise CommandError(f"{option}：应有 {count} 个数字，实际 {len(values)} 个", returncode=2)
    return values


def _fmt(value: float | None, digits: int = 4) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "企业评价：carbon-efficiency 碳效码（碳效值与等级），mu-evaluation 亩均论英雄评价"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        p_ce = sub.add_parser("carbon-efficiency", help="计算碳效值 K、碳效等级与碳效水平（不写数据库）")
        p_ce.add_argument(
            "--data", required=True, help="CSV/Excel：uscc,name,industry_code,year,co2_t,value_added_10k_yuan"
        )
        p_ce.add_argument("--json", action="store_true", help="输出 JSON")
        p_ce.add_argument(
            "--preset", default=ce.DEFAULT_PRESET.code, choices=sorted(ce.PRESETS), help="分档预设"
        )
        p_ce.add_argument("--grade-bands", help="碳效等级 1–4 级上限（K），如 0.6,0.8,1.2,2.0")
        p_ce.add_argument("--level-bands", help="低碳、中碳上限（t CO2/万元），如 0.6,2.0")
        p_ce.add_argument("--min-enterprises", type=int, help="形成行业平均值的最少企业数（默认 3）")
        p_ce.add_argument("--bands-source", default="", help="自定分档的来源（记录在结果中）")
        p_mu = sub.add_parser("mu-evaluation", help="亩均论英雄评价：得分与 A/B/C/D 分类（不写数据库）")
        p_mu.add_argument("--data", required=True, help="CSV/Excel，列见 docs/evaluation.md")
        p_mu.add_argument("--json", action="store_true", help="输出 JSON")
        p_mu.add_argument(
            "--preset", default=mu.DEFAULT_PRESET.code, choices=sorted(mu.PRESETS), help="评价预设"
        )

        p_rem = sub.add_parser(
            "remind-disclosures", help="提醒尚未提交上一年度碳排放信息披露的企业（适合每天 cron）"
        )
        p_rem.add_argument("--today", help="按此日期计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "carbon-efficiency":
                self._carbon_efficiency(options)
            elif options["subcommand"] == "mu-evaluation":
                self._mu_evaluation(options)
            else:
                self._remind(options)
        except AccountingError as exc:
            raise CommandError(exc.message, returncode=2) from None

    def _remind(self, options: dict[str, Any]) -> None:
        import datetime as dt

        from carbonpeak.evaluation.services import send_disclosure_reminders

        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    f"--today：“{options['today']}”不是 YYYY-MM-DD 日期", returncode=2
                ) from None
        sent = send_disclosure_reminders(today=today)
        self.stdout.write(f"已发送 {sent} 家企业的披露提醒")

    def _carbon_efficiency(self, options: dict[str, Any]) -> None:
        preset = ce.PRESETS[options["preset"]]
        grade_bands = _floats(options.get("grade_bands"), count=4, option="--grade-bands")
        level_bands = _floats(options.get("level_bands"), count=2, option="--level-bands")
        table = _read(options["data"])
        try:
            if grade_bands or level_bands or options.get("min_enterprises") is not None:
                preset = preset.with_bands(
                    grade_upper_k=grade_bands,
                    level_upper_l=level_bands,
                    min_enterprises=options.get("min_enterprises"),
                    source=options["bands_source"],
                )
            rows = ce.parse_rows(table.columns, table.rows)
            results = ce.evaluate(rows, preset)
        except ce.CarbonEfficiencyError as exc:
            raise CommandError(f"{table.filename} {exc.message}", returncode=2) from None
        if options["json"]:
            payload = {"preset": preset.to_dict(), "enterprises": [r.to_dict() for r in results]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        w = self.stdout.write
        dated = preset.as_of.isoformat() if preset.as_of else "发布日期未确认"
        w(f"分档预设：{preset.name}（{preset.code}，{preset.region_scope}，{dated}）")
        if preset.note:
            w(f"说明：{preset.note}")
        w(
            "统一社会信用代码  企业名称  年份  行业大类  碳排放强度L(t/万元)  行业平均(t/万元)  碳效值K  等级  水平"
        )
        for r in results:
            grade = str(r.grade) if r.grade is not None else "不评"
            w(
                f"{r.uscc}  {r.name or '—'}  {r.year}  {r.division}  {_fmt(r.intensity_t_per_10k_yuan)}  "
                f"{_fmt(r.industry_mean_t_per_10k_yuan)}  {_fmt(r.k, 3)}  {grade}  {r.level or '—'}"
            )
            if r.reason:
                w(f"    说明：{r.reason}")

    def _mu_evaluation(self, options: dict[str, Any]) -> None:
        preset = mu.PRESETS[options["preset"]]
        table = _read(options["data"])
        try:
            rows = mu.parse_rows(table.columns, table.rows)
            result = mu.evaluate(rows, preset)
        except mu.MuEvaluationError as exc:
            raise CommandError(f"{table.filename} {exc.message}", returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
            return
        w = self.stdout.write
        w(f"评价预设：{preset.name}（{preset.code}，{preset.region_scope}，数据年度 {preset.data_year}）")
        w("统一社会信用代码  企业名称  得分  名次  类别")
        for e in result.enterprises:
            klass = e.mu_class or ("不定等级" if e.exempt else "不评")
            w(f"{e.uscc}  {e.name or '—'}  {_fmt(e.score, 2)}  {e.rank or '—'}  {klass}")
            if e.reason:
                w(f"    说明：{e.reason}")
        if result.parks:
            w("园区  企业数  亩均碳排放(t/亩)  亩均增加值(万元/亩)  排名")
            for p in result.parks:
                w(
                    f"{p.park}  {p.enterprises}  {_fmt(p.co2_per_mu_t)}  "
                    f"{_fmt(p.value_added_per_mu_10k_yuan, 2)}  {p.rank}"
                )
