"""Meter readings to interval consumption, data-quality checks and the local calendar.

Pure functions over numpy arrays: timestamps are UTC epoch milliseconds (int64),
readings are floats in the meter's own unit. Nothing here touches files or the
database; the meter store (``carbonpeak.monitoring.store``) deduplicates readings
(one value per meter and timestamp, the latest ingested wins) before calling in.

Consumption rules (the store's SQL aggregate mirrors them, see
``carbonpeak.monitoring.store.MONTHLY_SQL``; a test holds both to the same answer):

1. *Meter replacement*: readings at or after a replacement time belong to the new
   register. Adding the offset ``old_final - new_initial`` of every earlier
   replacement turns the readings into one continuous register.
2. *Cumulative registers*: the consumption of the interval (t[i-1], t[i]] is the
   difference of consecutive readings.
3. *Rollover*: a negative difference d on a register that wraps at ``register_max``
   is read as ``d + register_max`` when that lies in [0, register_max / 2].
4. *Negative deltas* that are not rollovers are flagged and excluded.
5. *Spikes*: an interval whose rate (consumption per millisecond) exceeds
   ``spike_factor`` times the median positive rate of the series is flagged and
   excluded (needs at least :data:`MIN_SAMPLES_FOR_SPIKES` positive intervals).
6. The multiplier (CT/PT ratio, pulse constant) scales every interval.

References
----------
.. [1] 《重点用能单位能耗在线监测系统技术规范 第6部分 端设备技术规范》: real-time indicators
   sampled every 15 minutes.
.. [2] 上传数据质量要求 (secondary summary, see reference/key_energy_units_monitoring.md §5):
   completeness ≥ 90 %, daily vs monthly consistency ≤ 5 %, day starts 00:00.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntFlag

import numpy as np
import numpy.typing as npt

#: The standard sampling interval of real-time indicators [ms] (15 minutes) [1]_.
INTERVAL_MS = 15 * 60 * 1000
#: Asia/Shanghai is UTC+8 all year (no daylight saving since 1991) [ms].
SHANGHAI_OFFSET_MS = 8 * 3600 * 1000
DAY_MS = 86_400_000
#: Minimum number of positive intervals before spikes are judged [-].
MIN_SAMPLES_FOR_SPIKES = 8
#: Completeness threshold of the data-quality rules [%] [2]_.
COMPLETENESS_MIN_PCT = 90.0

Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class Flag(IntFlag):
    """Flags on one interval (bitwise combinable)."""

    OK = 0
    GAP = 1  #: the interval is longer than 1.5 sampling intervals (readings missing)
    NEGATIVE = 2  #: negative consumption, excluded
    SPIKE = 4  #: implausibly high rate, excluded
    ROLLOVER = 8  #: register wrapped at register_max; consumption corrected
    REPLACEMENT = 16  #: a meter replacement lies in the interval; consumption bridged


EXCLUDED = Flag.NEGATIVE | Flag.SPIKE


@dataclass(frozen=True)
class Replacement:
    """A meter exchange: the old register's final and the new register's first reading.

    Attributes
    ----------
    replaced_at_ms : int
        Time of the exchange, UTC epoch [ms]. Readings at or after it come from the new meter.
    old_final : float
        Last reading of the old register [meter unit].
    new_initial : float
        First reading of the new register [meter unit].
    """

    replaced_at_ms: int
    old_final: float
    new_initial: float


@dataclass
class IntervalSeries:
    """Consumption per interval.

    Attributes
    ----------
    start_ms, end_ms : ndarray of int64
        Interval bounds, UTC epoch [ms]; consumption belongs to (start, end].
    consumption : ndarray of float64
        Consumption after the multiplier [meter unit]; NaN where excluded.
    raw : ndarray of float64
        Consumption before exclusion (after rollover and replacement correction) [meter unit].
    flags : ndarray of int32
        :class:`Flag` bits per interval.
    """

    start_ms: Int64Array
    end_ms: Int64Array
    consumption: FloatArray
    raw: FloatArray
    flags: npt.NDArray[np.int32]

    @property
    def total(self) -> float:
        """Sum of the included consumption [meter unit]."""
        return float(np.nansum(self.consumption))

    def count(self, flag: Flag) -> int:
        """Number of intervals carrying ``flag``."""
        return int(np.count_nonzero(self.flags & int(flag)))


def replacement_offsets(ts_ms: Int64Array, replacements: Sequence[Replacement]) -> FloatArray:
    """Offset that joins the registers of successive meters into one [meter unit].

    .. math:: o(t) = \\sum_{r:\\, t_r \\le t} (F_r - I_r)

    with :math:`F_r` the old meter's final and :math:`I_r` the new meter's initial reading.
    """
    ts = np.asarray(ts_ms, dtype=np.int64)
    if not replacements:
        return np.zeros(ts.shape, dtype=np.float64)
    ordered = sorted(replacements, key=lambda r: r.replaced_at_ms)
    times = np.array([r.replaced_at_ms for r in ordered], dtype=np.int64)
    steps = np.cumsum([r.old_final - r.new_initial for r in ordered], dtype=np.float64)
    idx = np.searchsorted(times, ts, side="right")
    padded = np.concatenate([[0.0], steps])
    return padded[idx]


def interval_consumption(
    ts_ms: Int64Array,
    values: FloatArray,
    *,
    kind: str = "cumulative",
    multiplier: float = 1.0,
    register_max: float | None = None,
    replacements: Sequence[Replacement] = (),
    spike_factor: float = 10.0,
    interval_ms: int = INTERVAL_MS,
) -> IntervalSeries:
    """Consumption per interval from one meter's readings.

    Parameters
    ----------
    ts_ms : array of int64
        Reading times, UTC epoch [ms], strictly increasing (deduplicated).
    values : array of float
        Register readings (``kind="cumulative"``) or interval consumption
        (``kind="interval"``, the value covers the interval ending at the timestamp)
        [meter unit].
    kind : {"cumulative", "interval"}
        Reading type.
    multiplier : float
        Ratio applied to every interval (CT/PT ratio, pulse constant) [-].
    register_max : float, optional
        Value at which a cumulative register wraps to zero [meter unit].
    replacements : sequence of Replacement
        Meter exchanges, see :func:`replacement_offsets`.
    spike_factor : float
        An interval is a spike when its rate exceeds this multiple of the series'
        median positive rate [-].
    interval_ms : int
        Expected sampling interval [ms].

    Returns
    -------
    IntervalSeries
        Consumption per interval [meter unit × multiplier] with flags.

    Notes
    -----
    For a cumulative register with continuous readings :math:`R'_i = R_i + o(t_i)`

    .. math:: \\Delta_i = m \\, (R'_i - R'_{i-1}),\\quad
              \\Delta_i \\leftarrow \\Delta_i + m R_{max} \\text{ if } -R_{max} \\le R'_i - R'_{i-1} < -R_{max}/2

    Negative intervals and spikes (:math:`\\Delta_i / (t_i - t_{i-1}) > k \\cdot \\mathrm{median}`)
    are excluded. See the module docstring for the rule order.
    """
    ts = np.asarray(ts_ms, dtype=np.int64)
    val = np.asarray(values, dtype=np.float64)
    if ts.shape != val.shape:
        raise ValueError("时间戳与读数个数不一致")
    if ts.size > 1 and np.any(np.diff(ts) <= 0):
        raise ValueError("时间戳须严格递增（先去重、排序）")
    if kind == "cumulative":
        adjusted = val + replacement_offsets(ts, replacements)
        start = ts[:-1]
        end = ts[1:]
        raw = np.diff(adjusted)
        flags = np.zeros(raw.shape, dtype=np.int32)
        if replacements:
            times = np.sort(np.array([r.replaced_at_ms for r in replacements], dtype=np.int64))
            crossed = np.searchsorted(times, ts, side="right")
            flags[np.diff(crossed) != 0] |= int(Flag.REPLACEMENT)
        if register_max is not None and register_max > 0:
            wrapped = raw + register_max
            is_roll = (raw < 0) & (wrapped >= 0) & (wrapped <= register_max / 2)
            raw = np.where(is_roll, wrapped, raw)
            flags[is_roll] |= int(Flag.ROLLOVER)
        duration = (end - start).astype(np.float64)
    elif kind == "interval":
        end = ts
        start = ts - interval_ms
        raw = val.copy()
        flags = np.zeros(raw.shape, dtype=np.int32)
        duration = np.full(raw.shape, float(interval_ms))
    else:
        raise ValueError(f"未知的读数类型：{kind}")
    raw = raw * multiplier
    gaps = np.zeros(raw.shape, dtype=bool)
    if kind == "cumulative":
        gaps = (end - start) > 1.5 * interval_ms
    elif ts.size > 1:
        gaps[1:] = np.diff(ts) > 1.5 * interval_ms
    flags[gaps] |= int(Flag.GAP)
    negative = raw < 0
    flags[negative] |= int(Flag.NEGATIVE)
    rate = raw / duration
    positive = (~negative) & (raw > 0)
    if np.count_nonzero(positive) >= MIN_SAMPLES_FOR_SPIKES:
        median_rate = float(np.median(rate[positive]))
        spikes = (~negative) & (rate > spike_factor * median_rate)
        flags[spikes] |= int(Flag.SPIKE)
    consumption = np.where((flags & int(EXCLUDED)) != 0, np.nan, raw)
    return IntervalSeries(start_ms=start, end_ms=end, consumption=consumption, raw=raw, flags=flags)


def local_days(ts_ms: Int64Array) -> npt.NDArray[np.datetime64]:
    """Calendar day in Asia/Shanghai of each instant.

    Parameters
    ----------
    ts_ms : array of int64
        UTC epoch [ms].

    Returns
    -------
    ndarray of datetime64[D]
        Local dates (UTC+8, no daylight saving) [-].
    """
    ts = np.asarray(ts_ms, dtype=np.int64)
    return ((ts + SHANGHAI_OFFSET_MS) // DAY_MS).astype("datetime64[D]")


def local_months(ts_ms: Int64Array) -> npt.NDArray[np.datetime64]:
    """Calendar month in Asia/Shanghai of each instant (datetime64[M])."""
    return local_days(ts_ms).astype("datetime64[M]")


def _group_sum(keys: npt.NDArray[np.datetime64], values: FloatArray) -> dict[str, float]:
    out: dict[str, float] = {}
    if keys.size == 0:
        return out
    uniq, inverse = np.unique(keys, return_inverse=True)
    sums = np.bincount(inverse, weights=np.nan_to_num(values, nan=0.0), minlength=uniq.size)
    for key, total in zip(uniq, sums, strict=True):
        out[str(key)] = float(total)
    return out


def daily_totals(series: IntervalSeries) -> dict[str, float]:
    """Included consumption per local day ``"YYYY-MM-DD"`` [meter unit].

    An interval (start, end] is attributed to the local day of ``end - 1 ms``, so the
    reading at 00:00 closes the previous day (day boundary 00:00 Asia/Shanghai [2]_).
    """
    return _group_sum(local_days(series.end_ms - 1), series.consumption)


def monthly_totals(series: IntervalSeries) -> dict[str, float]:
    """Included consumption per local month ``"YYYY-MM"`` [meter unit] (same attribution as days)."""
    return _group_sum(local_months(series.end_ms - 1), series.consumption)


@dataclass(frozen=True)
class Gap:
    """Missing readings between two instants.

    Attributes
    ----------
    start_ms, end_ms : int
        The last reading before and the first reading after the gap (or the window
        bounds), UTC epoch [ms].
    missing : int
        Expected readings missing in between [-].
    """

    start_ms: int
    end_ms: int
    missing: int


def find_gaps(
    ts_ms: Int64Array, window_start_ms: int, window_end_ms: int, *, interval_ms: int = INTERVAL_MS
) -> list[Gap]:
    """Gaps in a reading series inside the window [start, end).

    Parameters
    ----------
    ts_ms : array of int64
        Reading times, sorted, UTC epoch [ms].
    window_start_ms, window_end_ms : int
        Window bounds, UTC epoch [ms].
    interval_ms : int
        Expected sampling interval [ms].

    Returns
    -------
    list of Gap
        Every stretch in which at least one expected reading is missing.

    Notes
    -----
    Between consecutive readings :math:`t_a < t_b` the number missing is
    :math:`\\lfloor (t_b - t_a) / \\tau \\rceil - 1` for interval :math:`\\tau`.
    """
    ts = np.asarray(ts_ms, dtype=np.int64)
    ts = ts[(ts >= window_start_ms) & (ts < window_end_ms)]
    edges = np.concatenate([[window_start_ms - interval_ms], ts, [window_end_ms]])
    steps = np.diff(edges)
    missing = np.rint(steps / interval_ms).astype(np.int64) - 1
    gaps = []
    for i in np.nonzero(missing > 0)[0]:
        gaps.append(Gap(int(edges[i]), int(edges[i + 1]), int(missing[i])))
    return gaps


def completeness_pct(
    ts_ms: Int64Array, window_start_ms: int, window_end_ms: int, *, interval_ms: int = INTERVAL_MS
) -> float:
    """Share of expected readings received in [start, end) [%].

    .. math:: C = \\min\\left(100,\\ 100 \\cdot \\frac{n_{received}}{(t_{end} - t_{start}) / \\tau}\\right)

    References: completeness = uploaded ÷ expected × 100 % ≥ 90 % [2]_.
    """
    expected = (window_end_ms - window_start_ms) / interval_ms
    if expected <= 0:
        return 100.0
    ts = np.asarray(ts_ms, dtype=np.int64)
    received = int(np.count_nonzero((ts >= window_start_ms) & (ts < window_end_ms)))
    return float(min(100.0, 100.0 * received / expected))


@dataclass(frozen=True)
class FlatRun:
    """A stretch where the meter did not move.

    Attributes
    ----------
    start_ms, end_ms : int
        First and last instant of the stretch, UTC epoch [ms].
    intervals : int
        Number of intervals in the stretch [-].
    """

    start_ms: int
    end_ms: int
    intervals: int


def flat_runs(series: IntervalSeries, *, min_intervals: int = 96) -> list[FlatRun]:
    """Runs of at least ``min_intervals`` consecutive intervals with zero consumption.

    A cumulative register that does not advance for a day (96 × 15 min), or an interval
    meter that reports zero for as long, is either a stopped plant or a stuck meter;
    both deserve a look.
    """
    zero = np.nan_to_num(series.raw, nan=1.0) == 0
    runs: list[FlatRun] = []
    if zero.size == 0:
        return runs
    padded = np.concatenate([[False], zero, [False]])
    changes = np.flatnonzero(np.diff(padded.astype(np.int8)))
    for a, b in zip(changes[::2], changes[1::2], strict=True):
        if b - a >= min_intervals:
            runs.append(FlatRun(int(series.start_ms[a]), int(series.end_ms[b - 1]), int(b - a)))
    return runs


def is_stale(last_ts_ms: int | None, now_ms: int, *, max_silence_ms: int = 4 * 3600 * 1000) -> bool:
    """Whether a meter has been silent longer than ``max_silence_ms`` [ms].

    A meter that never reported is stale as well (no feed fails silently).
    """
    return last_ts_ms is None or now_ms - last_ts_ms > max_silence_ms


@dataclass
class QualitySummary:
    """Data-quality figures of one meter over a window.

    Attributes
    ----------
    completeness_pct : float
        Received ÷ expected readings [%].
    gaps : list of Gap
    flat_runs : list of FlatRun
    negative, spikes, rollovers, replacements : int
        Numbers of flagged intervals [-].
    """

    completeness_pct: float
    gaps: list[Gap] = field(default_factory=list)
    flat_runs: list[FlatRun] = field(default_factory=list)
    negative: int = 0
    spikes: int = 0
    rollovers: int = 0
    replacements: int = 0


def quality_summary(
    ts_ms: Int64Array,
    series: IntervalSeries,
    window_start_ms: int,
    window_end_ms: int,
    *,
    interval_ms: int = INTERVAL_MS,
    flat_min_intervals: int = 96,
) -> QualitySummary:
    """Completeness, gaps, flat runs and flag counts of one meter over a window."""
    inside = (series.end_ms > window_start_ms) & (series.end_ms <= window_end_ms)
    flags = series.flags[inside]
    return QualitySummary(
        completeness_pct=completeness_pct(ts_ms, window_start_ms, window_end_ms, interval_ms=interval_ms),
        gaps=find_gaps(ts_ms, window_start_ms, window_end_ms, interval_ms=interval_ms),
        flat_runs=flat_runs(series, min_intervals=flat_min_intervals),
        negative=int(np.count_nonzero(flags & int(Flag.NEGATIVE))),
        spikes=int(np.count_nonzero(flags & int(Flag.SPIKE))),
        rollovers=int(np.count_nonzero(flags & int(Flag.ROLLOVER))),
        replacements=int(np.count_nonzero(flags & int(Flag.REPLACEMENT))),
    )
