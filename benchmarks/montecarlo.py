"""Benchmark: Monte Carlo of the emission projection, vectorised numpy vs a plain-Python loop.

    .venv/bin/python benchmarks/montecarlo.py            # 100,000 draws × 2020–2060 × 10 sectors
    .venv/bin/python benchmarks/montecarlo.py --quick    # 20,000 draws, smaller loop subsample

The vectorised run (carbonpeak.engine.montecarlo.run: draws, paths, peak years,
P(peak ≤ 2030), P5/P50/P95 fan) is timed end to end, best of ``--repeat`` runs.
The plain-Python loop evaluates the same model for the same draws (the same
offsets from the same seeded generator) on a subsample, one draw, year and sector
at a time; its per-draw time × the number of draws gives the loop estimate, and
its paths are checked against the vectorised ones. The last line is

    montecarlo draws=<n> seconds=<s> loop_speedup=<x>
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time

import numpy as np

from carbonpeak.engine.montecarlo import Distribution, draw_offsets, run
from carbonpeak.engine.projection import ELECTRICITY_TCE_PER_MWH, ProjectionInput, SectorAssumptions, prepare

SECTORS = [
    ("agriculture", "农业", "gdp", 52_000, 2.17, 0.09),
    ("industry_heavy", "高耗能工业", "gdp", 420_000, 2.45, 0.12),
    ("industry_light", "其他工业", "gdp", 235_000, 2.20, 0.22),
    ("construction", "建筑业", "gdp", 31_000, 2.19, 0.07),
    ("transport_road", "道路运输", "gdp", 120_000, 2.10, 0.04),
    ("transport_other", "其他运输", "gdp", 28_000, 2.10, 0.01),
    ("commerce", "批发零售住宿餐饮", "gdp", 45_000, 1.98, 0.12),
    ("public_services", "公共机构与其他服务", "gdp", 67_000, 1.98, 0.21),
    ("households_urban", "城镇居民生活", "population", 95_000, 2.03, None),
    ("households_rural", "农村居民生活", "population", 63_000, 2.03, None),
]

PARAMETERS = {
    "gdp_growth": Distribution("triangular", low=-0.015, mode=0.0, high=0.01),
    "population_growth": Distribution("uniform", low=-0.003, high=0.003),
    "intensity_decline": Distribution("normal", sd=0.006),
    "intensity_decline.industry_heavy": Distribution("normal", sd=0.004),
    "electricity_share": Distribution("normal", sd=0.04),
    "grid_factor_decline": Distribution("uniform", low=-0.01, high=0.01),
    "non_fossil_direct_share": Distribution("normal", sd=0.015),
}


def county() -> ProjectionInput:
    """A 10-sector county shaped like the sample (illustrative figures)."""
    sectors = tuple(
        SectorAssumptions(
            code=code,
            name=name,
            driver=driver,
            energy_tce=float(energy),
            direct_co2_factor_t_per_tce=factor,
            electricity_share={2020: 0.3, 2030: 0.42, 2060: 0.7},
            intensity_decline={(2021, 2030): 0.035, (2031, 2045): 0.03, (2046, 2060): 0.02},
            value_added_share={}
            if share is None
            else {2020: share, 2060: share * (0.8 if "industry" in code else 1.1)},
        )
        for code, name, driver, energy, factor, share in SECTORS
    )
    return ProjectionInput(
        base_year=2020,
        end_year=2060,
        population=660_969,
        gdp_10k_yuan=3_600_000,
        grid_factor_t_per_mwh=0.5138,
        gdp_growth={(2021, 2025): 0.06, (2026, 2030): 0.05, (2031, 2045): 0.035, (2046, 2060): 0.02},
        population_growth={(2021, 2060): -0.004},
        grid_factor_decline={(2021, 2030): 0.025, (2031, 2060): 0.035},
        non_fossil_direct_share={2020: 0.02, 2030: 0.07, 2060: 0.25},
        sectors=sectors,
    )


def loop_paths(inp: ProjectionInput, offsets: dict[str, np.ndarray], draws: range) -> list[list[float]]:
    """The same model, one draw, year and sector at a time (plain Python floats)."""
    arr = prepare(inp)
    codes = [s.code for s in inp.sectors]
    years = [int(y) for y in arr.years]
    n_s = len(codes)
    # arrays of prepare() are in GDP-first order; index them through position
    pos = arr.position
    out = []
    for i in draws:
        o = {k: float(v[i]) for k, v in offsets.items()}
        gdp, pop, grid = inp.gdp_10k_yuan, inp.population, inp.grid_factor_t_per_mwh
        log_i = [0.0] * n_s
        path = []
        for t, _year in enumerate(years):
            if t > 0:
                gdp *= 1 + arr.gdp_growth[t] + o.get("gdp_growth", 0.0)
                pop *= 1 + arr.population_growth[t] + o.get("population_growth", 0.0)
                grid *= 1 - (arr.grid_decline[t] + o.get("grid_factor_decline", 0.0))
            nf = min(
                max(arr.non_fossil[t] + (o.get("non_fossil_direct_share", 0.0) if t > 0 else 0.0), 0.0), 1.0
            )
            total = 0.0
            for k in range(n_s):
                p = pos[k]
                if t > 0:
                    d = (
                        arr.intensity_decline[t, p]
                        + o.get("intensity_decline", 0.0)
                        + o.get(f"intensity_decline.{k}", 0.0)
                    )
                    log_i[k] += math.log(1 - d)
                activity = pop if arr.pop_mask[p] else gdp * arr.share[t, p]
                energy = activity * arr.intensity0[p] * math.exp(log_i[k])
                e = arr.electricity_share[t, p]
                if t > 0:
                    e += o.get("electricity_share", 0.0) + o.get(f"electricity_share.{k}", 0.0)
                e = min(max(e, 0.0), 1.0)
                total += energy * (
                    (1 - e) * (1 - nf) * arr.direct_factor[p] + e * grid / ELECTRICITY_TCE_PER_MWH
                )
            path.append(total)
        out.append(path)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 draws and a 200-draw loop subsample")
    parser.add_argument("--draws", type=int, default=None)
    parser.add_argument("--loop-draws", type=int, default=None, help="subsample for the plain-Python loop")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2030)
    args = parser.parse_args(argv)
    draws = args.draws or (20_000 if args.quick else 100_000)
    loop_draws = min(args.loop_draws or (200 if args.quick else 1_000), draws)

    inp = county()
    years = len(inp.years)
    print(
        f"机器：{platform.machine()}，{os.cpu_count()} 核，Python {sys.version.split()[0]}，numpy {np.__version__}"
    )
    print(f"规模：{draws} 次抽样 × {years} 年（{inp.base_year}–{inp.end_year}）× {len(inp.sectors)} 个部门")

    run(inp, PARAMETERS, draws=min(draws, 2000), seed=args.seed)  # warm-up
    times, cpu = [], []
    for _ in range(max(1, args.repeat)):
        t0, c0 = time.perf_counter(), time.process_time()
        result = run(inp, PARAMETERS, draws=draws, seed=args.seed)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    seconds = min(times)
    print(
        f"向量化：墙钟 {', '.join(f'{t:.3f}' for t in times)} 秒（取最快 {seconds:.3f} 秒）；CPU {', '.join(f'{t:.3f}' for t in cpu)} 秒"
    )
    print(f"测量时系统负载（1 分钟平均）：{os.getloadavg()[0]:.2f}")
    print(
        f"P(2030年前达峰) = {result.p_peak_by_2030:.4f}；2030年 P5/P50/P95 = "
        + " / ".join(f"{v / 1e4:.1f}" for v in result.fan[2030])
        + " 万吨"
    )

    offsets = draw_offsets(PARAMETERS, draws, args.seed, [s.code for s in inp.sectors])
    t0 = time.perf_counter()
    loop = loop_paths(inp, offsets, range(loop_draws))
    loop_seconds = time.perf_counter() - t0
    per_draw = loop_seconds / loop_draws
    estimate = per_draw * draws
    # Same draws, same model: compare with the vectorised paths of the same subsample.
    from carbonpeak.engine.projection import simulate

    sub = {k: v[:loop_draws] for k, v in offsets.items()}  # keys already in sector-index form
    vec = simulate(prepare(inp), inp, sub, n=loop_draws, dtype=np.float64)["co2_t"]
    max_rel = float(np.max(np.abs(vec - np.array(loop)) / np.array(loop)))
    print(
        f"纯 Python 循环：{loop_draws} 次抽样 {loop_seconds:.3f} 秒，折算 {draws} 次约 {estimate:.1f} 秒；与向量化结果最大相对差 {max_rel:.1e}"
    )
    speedup = estimate / seconds
    print(f"montecarlo draws={draws} seconds={seconds:.3f} loop_speedup={speedup:.0f}")


if __name__ == "__main__":
    main()
