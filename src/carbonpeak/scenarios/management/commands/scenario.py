"""``carbonpeak scenario run SCENARIO.toml [--json] [--draws N] [--seed S]``.

Runs a scenario file through the same engine as the web pages and prints the
path, the peak and the Monte Carlo summary. A bad file exits with code 2 and a
Chinese message naming the key.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carbonpeak.scenarios import services, spec


class Command(BaseCommand):
    help = "情景计算：carbonpeak scenario run 情景.toml [--json]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="按情景文件计算排放路径、达峰年份与蒙特卡洛结果")
        run.add_argument("file", help="情景 TOML 文件")
        run.add_argument("--json", action="store_true", help="以 JSON 输出")
        run.add_argument(
            "--draws", type=int, default=None, help="蒙特卡洛抽样次数（默认取文件中的 montecarlo.draws）"
        )
        run.add_argument("--seed", type=int, default=None, help="随机种子（默认取文件中的 montecarlo.seed）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = services.fill_from_accounting(spec.load_toml(path))
            parsed = spec.parse_scenario(data)
            if options["draws"] is not None and not 0 <= options["draws"] <= 1_000_000:
                raise spec.SpecError("--draws 须在 0 到 1000000 之间")
            result = spec.run_parsed(parsed, draws=options["draws"], seed=options["seed"])
        except spec.SpecError as exc:
            raise CommandError(f"{path}：{exc}", returncode=2) from None
        if options["json"]:
            out = {
                "scenario": result["scenario"],
                "kind": result["kind"],
                "illustrative": result["illustrative"],
                "path": result["path"],
                "peak_year": result["peak_year"],
                "peak_co2_t": result["peak_co2_t"],
                "peaked": result["peaked"],
                "peaks_by_2030": result["peaks_by_2030"],
                "intensity_declines": result["intensity_declines"],
                "montecarlo": {
                    k: result["montecarlo"].get(k) for k in ("draws", "seed", "p_peak_by_2030", "fan")
                },
                "measures": {m["name"]: m["abatement_t"] for m in result["measures"]},
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
            return
        self._print_text(result)

    def _print_text(self, r):
        w = self.stdout.write
        note = "（示例数据，仅供演示）" if r["illustrative"] else ""
        w(f"情景：{r['scenario']}{note}")
        if r["peaked"]:
            w(f"达峰年份：{r['peak_year']} 年，峰值 {r['peak_co2_t'] / 1e4:,.1f} 万吨CO2")
        else:
            w(f"至 {r['end_year']} 年尚未达峰（{r['end_year']} 年 {r['peak_co2_t'] / 1e4:,.1f} 万吨CO2）")
        w(f"2030年前达峰：{'是' if r['peaks_by_2030'] else '否'}")
        for item in r["intensity_declines"].values():
            target = (
                ""
                if item["target"] is None
                else f"，目标 {item['target']:.1%}，{'达标' if item['met'] else '未达标'}"
            )
            w(f"{item['label']}：{item['value']:.1%}{target}")
        mc = r["montecarlo"]
        if mc.get("p_peak_by_2030") is not None:
            w(
                f"蒙特卡洛：{mc['draws']} 次抽样（种子 {mc['seed']}），2030年前达峰概率 {mc['p_peak_by_2030']:.1%}"
            )
        w("年份  排放量（万吨CO2）")
        for year, value in r["path"].items():
            w(f"{year}  {value / 1e4:,.1f}")
