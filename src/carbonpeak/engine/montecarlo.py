"""Monte Carlo uncertainty of the projection: P(peak ≤ 2030) and a fan chart.

Each uncertain lever of :mod:`carbonpeak.engine.projection` (GDP growth,
intensity decline, electrification, grid-factor decline …) gets an additive
offset drawn from a distribution (normal, uniform or triangular). All draws are
taken up front from one seeded :class:`numpy.random.Generator` (PCG64), so the
result depends only on the seed and the number of draws, never on the chunk
size. The projection is evaluated for a chunk of draws at once as
(draws × years × sectors) arrays.

.. math::

    \\hat P(t^* \\le 2030) = \\frac{1}{N} \\sum_{n=1}^{N} \\mathbf{1}[t^*_n \\le 2030],
    \\qquad \\text{fan}_t = (Q_{5\\%}, Q_{50\\%}, Q_{95\\%})\\{C_{n,t}\\}_{n}

with :math:`t^*_n` the peak year of draw *n* (first year of its maximum).

References
----------
.. [1] JCGM 101:2008, Evaluation of measurement data — Supplement 1 to the GUM:
   Propagation of distributions using a Monte Carlo method, §7.
.. [2] NumPy random Generator (PCG64): reproducible streams for a given seed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from carbonpeak.engine.projection import LEVERS, ProjectionInput, prepare, simulate

DISTRIBUTIONS = ("normal", "uniform", "triangular")


@dataclass(frozen=True)
class Distribution:
    """A distribution of one lever's additive offset.

    Parameters
    ----------
    kind : {"normal", "uniform", "triangular"}
    mean, sd : float
        Normal: mean and standard deviation [unit of the lever].
    low, mode, high : float
        Uniform (low, high) and triangular (low, mode, high) [unit of the lever].
    """

    kind: str
    mean: float = 0.0
    sd: float = 0.0
    low: float = 0.0
    mode: float = 0.0
    high: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in DISTRIBUTIONS:
            raise ValueError(f"分布类型只能是 {', '.join(DISTRIBUTIONS)}，收到“{self.kind}”")
        if self.kind == "normal" and self.sd < 0:
            raise ValueError("正态分布的标准差不能为负")
        if self.kind == "uniform" and not self.low <= self.high:
            raise ValueError("均匀分布须满足 low ≤ high")
        if self.kind == "triangular" and not self.low <= self.mode <= self.high:
            raise ValueError("三角分布须满足 low ≤ mode ≤ high")

    def sample(self, rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
        """Draw ``n`` values."""
        if self.kind == "normal":
            return rng.normal(self.mean, self.sd, n)
        if self.kind == "uniform":
            return rng.uniform(self.low, self.high, n)
        if self.low == self.high:
            return np.full(n, self.low)
        return rng.triangular(self.low, self.mode, self.high, n)


@dataclass
class MonteCarloResult:
    """Summary of a Monte Carlo run.

    ``fan[year] = (p5, p50, p95)`` [t CO2]; ``peak_year_counts[year]`` = number of
    draws peaking that year; ``p_peak_by_2030`` [-].
    """

    draws: int
    seed: int
    years: list[int]
    p_peak_by_2030: float
    fan: dict[int, tuple[float, float, float]]
    peak_year_counts: dict[int, int] = field(default_factory=dict)
    p_peak_by: dict[int, float] = field(default_factory=dict)


def _lever_key(key: str, sector_codes: list[str]) -> str:
    """Map ``intensity_decline.industry`` to ``intensity_decline.<index>``."""
    if key in LEVERS:
        return key
    base, _, code = key.partition(".")
    if base in ("intensity_decline", "electricity_share") and code in sector_codes:
        return f"{base}.{sector_codes.index(code)}"
    raise ValueError(
        f"不确定性参数“{key}”不是可扰动的参数（可用：{', '.join(LEVERS)}，或 intensity_decline.<部门代码>）"
    )


def draw_offsets(
    parameters: Mapping[str, Distribution], draws: int, seed: int, sector_codes: list[str]
) -> dict[str, npt.NDArray[np.float64]]:
    """All offsets for all draws, in a fixed order (sorted by parameter name).

    Parameters
    ----------
    parameters : mapping of lever name → Distribution
    draws : int
    seed : int
    sector_codes : list of str

    Returns
    -------
    dict
        Lever key (sector index form) → offsets of shape (draws,).
    """
    rng = np.random.default_rng(seed)
    out: dict[str, npt.NDArray[np.float64]] = {}
    for name in sorted(parameters):
        out[_lever_key(name, sector_codes)] = parameters[name].sample(rng, draws)
    return out


def run(
    inp: ProjectionInput,
    parameters: Mapping[str, Distribution],
    *,
    draws: int = 10_000,
    seed: int = 0,
    chunk: int = 8192,
    dtype: type = np.float32,
    by_year: int = 2030,
) -> MonteCarloResult:
    """Monte Carlo of the projection.

    Parameters
    ----------
    inp : ProjectionInput
        Central assumptions.
    parameters : mapping of lever → Distribution
        Additive offsets; see :data:`carbonpeak.engine.projection.LEVERS`.
    draws : int
        Number of draws N.
    seed : int
        Seed of the PCG64 generator.
    chunk : int
        Draws evaluated at once (memory ≈ chunk × T × S × 4 bytes per array).
    dtype : numpy dtype
        Working precision (float32 by default; percentiles are of t CO2 paths,
        where 7 significant digits are ample).
    by_year : int
        Year for the probability of peaking (2030).

    Returns
    -------
    MonteCarloResult
    """
    if draws < 1:
        raise ValueError("抽样次数须为正整数")
    arr = prepare(inp)
    codes = [s.code for s in inp.sectors]
    offsets = draw_offsets(parameters, draws, seed, codes)
    years = arr.years
    # Paths are kept year-major (T × N) so that per-year percentiles read contiguous rows.
    paths: npt.NDArray[np.floating] = np.empty((len(years), draws), dtype=dtype)
    for start in range(0, draws, chunk):
        stop = min(start + chunk, draws)
        part = {k: v[start:stop] for k, v in offsets.items()}
        paths[:, start:stop] = simulate(arr, inp, part, n=stop - start, dtype=dtype)["co2_t_by_year"]
    peaks = years[np.argmax(paths, axis=0)]  # first year of each draw's maximum
    last = int(years[-1])
    peaked = peaks < last
    pct = np.percentile(paths, [5, 50, 95], axis=1, overwrite_input=True)
    fan = {int(y): (float(pct[0, t]), float(pct[1, t]), float(pct[2, t])) for t, y in enumerate(years)}
    uniq, counts = np.unique(peaks, return_counts=True)
    p_by = {int(y): float(np.mean(peaked & (peaks <= y))) for y in years}
    return MonteCarloResult(
        draws=draws,
        seed=seed,
        years=[int(y) for y in years],
        p_peak_by_2030=float(np.mean(peaked & (peaks <= by_year))),
        fan=fan,
        peak_year_counts={int(y): int(c) for y, c in zip(uniq, counts, strict=True)},
        p_peak_by=p_by,
    )
