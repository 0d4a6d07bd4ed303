"""Accounting engine timings: parse + compute on the sample files and on larger synthetic inputs.

Run: .venv/bin/python benchmarks/accounting.py   (prints median of several runs)
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from carbonpeak.engine import accounting_io as aio
from carbonpeak.engine.accounting import EconomyRow, EnergyRow, compute
from carbonpeak.engine.factors import FactorSet
from carbonpeak.engine.targets import Target

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "accounting"
CARRIERS = [
    ("原煤", "吨"),
    ("焦炭", "吨"),
    ("汽油", "吨"),
    ("柴油", "吨"),
    ("燃料油", "吨"),
    ("液化石油气", "吨"),
    ("天然气", "万立方米"),
    ("电力", "万千瓦时"),
    ("热力", "吉焦"),
]
TARGETS = [Target("energy_intensity", 2020, 2025, 14), Target("co2_intensity", 2020, 2025, 18)]


def timed(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def synthetic(n_sectors: int, years: range) -> tuple[list[EnergyRow], list[EconomyRow]]:
    rows = [
        EnergyRow(y, f"行业{s}", c, 1000.0 + s + y, u)
        for y in years
        for s in range(n_sectors)
        for c, u in CARRIERS
    ]
    economy = [EconomyRow(y, 1e6 * (1.05 ** (y - 2020)), 1e6 * (1.05 ** (y - 2020))) for y in years]
    return rows, economy


def main() -> None:
    FactorSet.default()  # first load of the reference CSVs
    print(f"载入默认因子集（已缓存参考表）：{timed(lambda: FactorSet.default()) * 1000:.2f} ms")

    def sample():
        e = aio.parse_energy(aio.read_table(SAMPLE / "ENERGY.csv"))
        g = aio.parse_economy(aio.read_table(SAMPLE / "ECONOMY.csv"))
        t = aio.parse_targets(aio.read_table(SAMPLE / "TARGETS.csv"))
        return compute(e, g, targets=t)

    n = len(aio.parse_energy(aio.read_table(SAMPLE / "ENERGY.csv")))
    print(f"示例数据（{n} 行，读取 + 校验 + 核算 + 预警）：{timed(sample) * 1000:.1f} ms")
    fs = FactorSet.default()
    for sectors, years in ((20, range(2020, 2025)), (100, range(2015, 2025)), (500, range(2015, 2025))):
        rows, economy = synthetic(sectors, years)
        elapsed = timed(
            lambda rows=rows, economy=economy: compute(rows, economy, factor_set=fs, targets=TARGETS),
            repeat=3,
        )
        print(
            f"合成数据 {len(rows):>6} 行（{sectors} 行业 × {len(CARRIERS)} 品种 × {len(years)} 年）核算：{elapsed * 1000:.0f} ms（{elapsed / len(rows) * 1e6:.0f} µs/行）"
        )


if __name__ == "__main__":
    main()
