"""Continuous daily rollups of the meter store: per meter and Asia/Shanghai day, the included consumption.

Layout (next to ``readings/``; Spark writes the same, see :mod:`carbonpeak.monitoring.spark_job`)::

    METER_STORE_DIR/
      rollups/daily/
        _BUILT                                      written by a full rebuild
        enterprise_id=<id>/month=YYYY-MM/daily.parquet   (or Spark's part-*.parquet)

==============  ===========  ====================================================================
column          type         meaning
==============  ===========  ====================================================================
meter_id        INT64        platform meter id
day             DATE         Asia/Shanghai day of the intervals (an interval (t₀, t₁] counts on
                             the local day of t₁ − 1 ms)
use             DOUBLE       included consumption [meter unit × multiplier]
intervals       INT64        intervals ending that day (after deduplication)
included        INT64        intervals counted
negative        INT64        negative deltas excluded
spikes          INT64        spikes excluded
==============  ===========  ====================================================================

Rules (the same as :data:`carbonpeak.monitoring.store.MONTHLY_SQL`, and
:func:`carbonpeak.engine.meters.interval_consumption` on one day): deduplicate (latest
``ingested_at`` wins) -> add replacement offsets -> difference cumulative registers ->
rollover at ``register_max`` -> multiplier -> exclude negative deltas -> exclude spikes,
an interval whose rate exceeds 10 × the median positive rate of the meter's intervals
of the same local day (when that day has at least 8 positive intervals).

The spike reference is per day so that a change touches only its own days: a batch or
correction recomputes the days from the one holding its earliest reading to the one
holding the first stored reading after its latest (the neighbouring readings a
cumulative delta needs are read, however far back or ahead they lie), for the meters it
touches. Each rollup partition is replaced atomically (temp file, fsync, rename) under
the store's swap lock; the never-lose guarantee comes from the store's pending-batch
journal (:meth:`carbonpeak.monitoring.store.MeterStore.begin_batch`): a batch whose
process died is reconciled, and its days recomputed, on the next start.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Container, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from carbonpeak.engine.meters import MIN_SAMPLES_FOR_SPIKES, SHANGHAI_OFFSET_MS
from carbonpeak.monitoring.store import (
    _TS_BITS,
    SPIKE_FACTOR,
    WRITE_THREADS,
    MeterStore,
    _fsync_dir,
    _Unpackable,
    split_sealed,
)

DAY_US = 86_400_000_000
#: Batches whose changes span at most this per meter (on average) are rolled up from the
#: store's in-process partition index (numpy) instead of DuckDB queries [µs]: 7 days.
IN_MEMORY_MAX_SPAN_US = 7 * DAY_US
OFFSET_US = SHANGHAI_OFFSET_MS * 1000
MONTHLY_SCHEMA = pa.schema(
    [
        ("meter_id", pa.int64()),
        ("month", pa.string()),
        ("use", pa.float64()),
        ("intervals", pa.int64()),
        ("included", pa.int64()),
        ("negative", pa.int64()),
        ("spikes", pa.int64()),
    ]
)
ROLLUP_SCHEMA = pa.schema(
    [
        ("meter_id", pa.int64()),
        ("day", pa.date32()),
        ("use", pa.float64()),
        ("intervals", pa.int64()),
        ("included", pa.int64()),
        ("negative", pa.int64()),
        ("spikes", pa.int64()),
    ]
)

#: Daily rollup of deduplicated readings ``r`` (meter_id, ts, value): the rules of
#: :data:`carbonpeak.monitoring.store.MONTHLY_SQL`, grouped by local day. ``$d0`` / ``$d1``
#: restrict the days kept (days since 1970-01-01, local); ``r`` may hold earlier readings
#: (a predecessor) and later ones.
DAILY_SQL_TAIL = f"""
adj AS (
    SELECT r.meter_id, m.kind, m.multiplier, m.register_max, epoch_ms(r.ts) AS t,
           r.value + coalesce(p.cum_offset, 0) AS v
    FROM r JOIN meters m ON m.meter_id = r.meter_id
    ASOF LEFT JOIN replacements p ON p.meter_id = r.meter_id AND epoch_us(r.ts) >= p.replaced_at_us
), d AS (
    SELECT meter_id, kind, multiplier, register_max, t,
           CASE WHEN kind = 'interval' THEN v ELSE v - lag(v) OVER w END AS raw,
           CASE WHEN kind = 'interval' THEN 900000 ELSE t - lag(t) OVER w END AS dur
    FROM adj WINDOW w AS (PARTITION BY meter_id ORDER BY t)
), q AS (
    SELECT meter_id, (t - 1 + {SHANGHAI_OFFSET_MS}) // 86400000 AS day_n, dur,
           multiplier * CASE WHEN kind = 'cumulative' AND register_max > 0 AND raw < 0
                                  AND raw + register_max >= 0 AND raw + register_max <= register_max / 2
                             THEN raw + register_max ELSE raw END AS use
    FROM d WHERE raw IS NOT NULL
), med AS (
    SELECT meter_id, day_n, median(use / dur) AS rate, count(*) AS n FROM q WHERE use > 0 GROUP BY ALL
), f AS (
    SELECT q.meter_id, q.day_n, q.use,
           q.use >= 0 AND coalesce(med.n, 0) >= {MIN_SAMPLES_FOR_SPIKES}
               AND q.use / q.dur > {SPIKE_FACTOR} * med.rate AS spike
    FROM q LEFT JOIN med ON med.meter_id = q.meter_id AND med.day_n = q.day_n
    WHERE q.day_n BETWEEN $d0 AND $d1
)
SELECT meter_id, CAST(day_n AS INTEGER) AS day_n,
       coalesce(sum(use) FILTER (WHERE use >= 0 AND NOT spike), 0.0) AS use,
       count(*) AS intervals,
       count(*) FILTER (WHERE use >= 0 AND NOT spike) AS included,
       count(*) FILTER (WHERE use < 0) AS negative,
       count(*) FILTER (WHERE spike) AS spikes
FROM f GROUP BY ALL ORDER BY 1, 2
"""

_WINDOW_FILTER = """
    WHERE meter_id IN (SELECT meter_id FROM win)
      AND epoch_us(ts) >= (SELECT min(lo_us) FROM win) AND epoch_us(ts) < (SELECT max(hi_us) FROM win)
"""
#: Deduplicated readings of partitions with several files (latest ``ingested_at`` wins).
DEDUP_SQL = f"""
    SELECT meter_id, ts, arg_max(value, ingested_at) AS value
    FROM read_parquet($files, hive_partitioning = false) {_WINDOW_FILTER}
    GROUP BY meter_id, ts
"""
#: Readings of sealed partitions (compacted: each reading once), read without deduplication.
SEALED_SQL = f"""
    SELECT meter_id, ts, value FROM read_parquet($sealed, hive_partitioning = false) {_WINDOW_FILTER}
"""


def day_of_us(ts_us: np.ndarray) -> np.ndarray:
    """Local day (days since 1970-01-01, Asia/Shanghai) on which the interval ending at ``ts_us`` counts."""
    t_ms = np.asarray(ts_us, np.int64) // 1000
    return (t_ms - 1 + SHANGHAI_OFFSET_MS) // 86_400_000


def day_start_us(day_n: int) -> int:
    return int(day_n) * DAY_US - OFFSET_US


def month_index_of_us(ts_us: int) -> int:
    """Asia/Shanghai month of a UTC µs time, as months since 1970-01."""
    day = (int(ts_us) + OFFSET_US) // DAY_US
    return int(np.datetime64(day, "D").astype("datetime64[M]").astype(np.int64))


def month_of_day(day_n: int) -> str:
    return str(np.datetime64(int(day_n), "D").astype("datetime64[M]"))


def _months_span(a_day: int, b_day: int) -> list[str]:
    a = np.datetime64(int(a_day), "D").astype("datetime64[M]")
    b = np.datetime64(int(b_day), "D").astype("datetime64[M]")
    return [str(m) for m in np.arange(a, b + 1)]


@dataclass(frozen=True)
class MeterInfo:
    """What the rollup of a meter depends on besides its readings."""

    meter_id: int
    enterprise_id: int
    kind: str
    multiplier: float
    register_max: float


class Rollups:
    """Daily rollups of one meter store."""

    def __init__(self, store: MeterStore):
        self.store = store
        self.root = store.root / "rollups" / "daily"
        self.monthly_root = store.root / "rollups" / "monthly"
        self.built_marker = self.root / "_BUILT"

    # -- layout ----------------------------------------------------------------------
    def partition_dir(self, enterprise_id: int, month: str) -> Path:
        return self.root / f"enterprise_id={int(enterprise_id)}" / f"month={month}"

    def files(
        self, enterprise_ids: Sequence[int] | None = None, months: Sequence[str] | None = None
    ) -> list[str]:
        if enterprise_ids is None:
            ent_dirs = sorted(self.root.glob("enterprise_id=*"))
        else:
            ent_dirs = [self.root / f"enterprise_id={int(e)}" for e in enterprise_ids]
        wanted = None if months is None else {f"month={m}" for m in months}
        out: list[str] = []
        for ent in ent_dirs:
            if not ent.is_dir():
                continue
            for mdir in sorted(ent.glob("month=*")):
                if wanted is None or mdir.name in wanted:
                    out.extend(str(p) for p in sorted(mdir.glob("*.parquet")))
        return out

    def is_built(self) -> bool:
        return self.built_marker.exists()

    # -- computing -------------------------------------------------------------------
    def _compute(
        self,
        con: duckdb.DuckDBPyConnection,
        files: list[str],
        windows: pa.Table,
        d0: int,
        d1: int,
    ) -> pa.Table:
        """Daily rows of the meters in ``windows`` (meter_id, lo_us, hi_us) for days in [d0, d1]."""
        con.register("win", windows)
        sealed, files = split_sealed(files)
        parts = ([DEDUP_SQL] if files else []) + ([SEALED_SQL] if sealed else [])
        params: dict[str, object] = {"d0": int(d0), "d1": int(d1)}
        if files:
            params["files"] = files
        if sealed:
            params["sealed"] = sealed
        try:
            sql = f"""
                WITH r0 AS ({" UNION ALL ".join(parts)}),
                r AS (SELECT r0.* FROM r0 JOIN win ON win.meter_id = r0.meter_id
                      WHERE epoch_us(r0.ts) >= win.lo_us AND epoch_us(r0.ts) < win.hi_us),
                {DAILY_SQL_TAIL}
            """
            return con.sql(sql, params=params).to_arrow_table()
        finally:
            con.unregister("win")

    def _neighbours(
        self,
        con: duckdb.DuckDBPyConnection,
        enterprise_of: Mapping[int, int],
        bounds: Mapping[int, int],
        *,
        before: bool,
    ) -> dict[int, int]:
        """Per meter, its latest reading time < bound (``before``) or earliest > bound [UTC µs].

        One query over the bounds' months and the neighbouring month of each enterprise;
        a second over the enterprises' other months only for meters still without one.
        """
        if not bounds:
            return {}
        near: list[str] = []
        far: list[str] = []
        by_ent: dict[int, list[int]] = {}
        for m in bounds:
            by_ent.setdefault(enterprise_of[m], []).append(m)
        for ent, mids in by_ent.items():
            ent_dir = self.store.readings_dir / f"enterprise_id={int(ent)}"
            if not ent_dir.is_dir():
                continue
            months = sorted(d.name[len("month=") :] for d in ent_dir.glob("month=*"))
            b_lo = month_of_day(int((min(bounds[m] for m in mids) + OFFSET_US) // DAY_US))
            b_hi = month_of_day(int((max(bounds[m] for m in mids) + OFFSET_US) // DAY_US))
            if before:
                prev = [m for m in months if m < b_lo][-1:]
                n_months = prev + [m for m in months if b_lo <= m <= b_hi]
                f_months = [m for m in months if m < (prev[0] if prev else b_lo)]
            else:
                nxt = [m for m in months if m > b_hi][:1]
                n_months = [m for m in months if b_lo <= m <= b_hi] + nxt
                f_months = [m for m in months if m > (nxt[0] if nxt else b_hi)]
            near.extend(self.store.files([ent], n_months) if n_months else [])
            far.extend(self.store.files([ent], f_months) if f_months else [])
        out: dict[int, int] = {}
        agg, cmp = ("max", "<") if before else ("min", ">")
        for files in (near, far):
            todo = sorted(m for m in bounds if m not in out)
            if not todo or not files:
                continue
            with self.store.reading():
                rows = con.execute(
                    f"""SELECT r.meter_id, {agg}(epoch_us(r.ts))
                        FROM read_parquet($files, hive_partitioning = false) r
                        JOIN (SELECT unnest($ids)::BIGINT AS meter_id, unnest($b)::BIGINT AS b) x
                          ON x.meter_id = r.meter_id
                        WHERE epoch_us(r.ts) {cmp} x.b GROUP BY r.meter_id""",
                    {"files": files, "ids": todo, "b": [int(bounds[m]) for m in todo]},
                ).fetchall()
            out.update({int(m): int(t) for m, t in rows if t is not None})
        return out

    def refresh(
        self,
        *,
        meters: Mapping[int, MeterInfo],
        replacements: pa.Table,
        touched: Mapping[int, tuple[int, int]],
    ) -> int:
        """Recompute the days touched by changes at times [a, b] (UTC µs) per meter; returns rows written.

        ``touched``: meter id -> (earliest, latest) changed reading time [µs] (an added,
        corrected or removed reading, or a meter replacement). For each meter the days
        from the one of the earliest change to the one of the first stored reading after
        the latest change are recomputed from the store, reading back to the last reading
        before them, and replace what the rollup held for those days. Three DuckDB
        queries (next readings, previous readings, the days) whatever the number of
        meters and enterprises. Callers hold :meth:`MeterStore.writing` for the meters'
        enterprises.
        """
        touched = {int(m): (int(a), int(b)) for m, (a, b) in touched.items() if int(m) in meters}
        if not touched:
            return 0
        mids = sorted(touched)
        ent_of = {m: meters[m].enterprise_id for m in mids}
        if sum(b - a for a, b in touched.values()) <= IN_MEMORY_MAX_SPAN_US * len(touched):
            fast = self._compute_in_memory(meters, replacements, touched)
            if fast is not None:
                return self._replace_all(ent_of, fast[1], fast[0])
        con = self.store.connection()
        first = dict(zip(mids, day_of_us(np.array([touched[m][0] for m in mids])).tolist(), strict=True))
        last = dict(zip(mids, day_of_us(np.array([touched[m][1] for m in mids])).tolist(), strict=True))
        con.register("meters", _meters_table([meters[m] for m in mids]))
        con.register("replacements", replacements)
        try:
            after = self._neighbours(con, ent_of, {m: touched[m][1] for m in mids}, before=False)
            for m, t in after.items():
                last[m] = max(last[m], int(day_of_us(np.array([t]))[0]))
            # A reading at or after start[m] ends an interval of first[m] or later.
            start = {m: day_start_us(first[m]) + 1000 for m in mids}
            prev = self._neighbours(con, ent_of, start, before=True)
            lo = {m: prev.get(m, start[m]) for m in mids}
            hi = {m: day_start_us(last[m] + 1) + 1000 for m in mids}
            files: list[str] = []
            for ent in sorted(set(ent_of.values())):
                ms = [m for m in mids if ent_of[m] == ent]
                lo_day = int((min(lo[m] for m in ms) + OFFSET_US) // DAY_US)
                files.extend(self.store.files([ent], _months_span(lo_day, max(last[m] for m in ms) + 1)))
            new = None
            if files:
                windows = pa.table(
                    {
                        "meter_id": pa.array(mids, pa.int64()),
                        "lo_us": pa.array([lo[m] for m in mids], pa.int64()),
                        "hi_us": pa.array([hi[m] for m in mids], pa.int64()),
                    }
                )
                with self.store.reading():
                    new = self._compute(con, files, windows, min(first.values()), max(last.values()))
        finally:
            con.unregister("meters")
            con.unregister("replacements")
        ranges = {m: (int(first[m]), int(last[m])) for m in mids}
        return self._replace_all(ent_of, ranges, new)

    # -- in-memory fast path (small batches) ---------------------------------------------
    def _series(self, enterprise_id: int, meter_id: int, month: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Deduplicated (ts_us, value) of one meter in one month partition, from the store's
        in-process key index; None if the partition cannot be indexed."""
        directory = self.store.partition_dir(enterprise_id, str(np.datetime64(month, "M")))
        if not directory.is_dir():
            return np.array([], np.int64), np.array([], np.float64)
        try:
            index = self.store._partition_index(directory, month)
        except _Unpackable:
            return None
        with index.lock:
            keys, values, base = index.keys, index.values, index.base
        lo = np.searchsorted(keys, np.int64(meter_id) << _TS_BITS)
        hi = np.searchsorted(keys, np.int64(meter_id + 1) << _TS_BITS)
        return base + (keys[lo:hi] & ((1 << _TS_BITS) - 1)), values[lo:hi]

    def _compute_in_memory(
        self,
        meters: Mapping[int, MeterInfo],
        replacements: pa.Table,
        touched: Mapping[int, tuple[int, int]],
    ) -> tuple[pa.Table, dict[int, tuple[int, int]]] | None:
        """The rows :meth:`refresh` computes, from the in-process partition indexes instead of
        DuckDB, when every meter's neighbouring readings lie in the months around the change.
        The same rules in numpy (checked against the SQL by the rollup tests). None: use SQL."""
        rep_m = replacements.column("meter_id").to_numpy()
        rep_t = replacements.column("replaced_at_us").to_numpy()
        rep_o = replacements.column("cum_offset").to_numpy()
        out: dict[str, list] = {
            k: [] for k in ("meter_id", "day_n", "use", "intervals", "included", "negative", "spikes")
        }
        ranges: dict[int, tuple[int, int]] = {}
        for m, (a, b) in touched.items():
            info = meters[m]
            ent_dir = self.store.readings_dir / f"enterprise_id={info.enterprise_id}"
            present = (
                {
                    int(np.datetime64(d.name[len("month=") :], "M").astype(np.int64))
                    for d in ent_dir.glob("month=*")
                }
                if ent_dir.is_dir()
                else set()
            )
            ma = int(month_index_of_us(a)) - 1
            mb = int(month_index_of_us(b)) + 1
            parts = []
            for month in range(ma, mb + 1):
                if month not in present:
                    continue
                got = self._series(info.enterprise_id, m, month)
                if got is None:
                    return None
                parts.append(got)
            ts = np.concatenate([p[0] for p in parts]) if parts else np.array([], np.int64)
            val = np.concatenate([p[1] for p in parts]) if parts else np.array([], np.float64)
            first = int(day_of_us(np.array([a]))[0])
            start = day_start_us(first) + 1000
            later = ts[ts > b]
            before = ts[ts < start]
            # neighbours must be inside the loaded months, unless no other month holds any
            if len(later) == 0 and any(x > mb for x in present):
                return None
            if len(before) == 0 and any(x < ma for x in present):
                return None
            last = int(day_of_us(np.array([b]))[0])
            if len(later):
                last = max(last, int(day_of_us(later[:1])[0]))
            lo = before[-1] if len(before) else start
            hi = day_start_us(last + 1) + 1000
            sel = (ts >= lo) & (ts < hi)
            ts, val = ts[sel], val[sel]
            ranges[m] = (first, last)
            if len(ts) == 0:
                continue
            r = rep_m == m
            if r.any():
                times, offs = rep_t[r], rep_o[r]
                order = np.argsort(times, kind="stable")
                times, offs = times[order], offs[order]
                k = np.searchsorted(times, ts, side="right")
                val = val + np.where(k > 0, offs[np.maximum(k - 1, 0)], 0.0)
            t_ms = ts // 1000
            if info.kind == "interval":
                raw, dur, end = val, np.full(len(val), 900000, np.int64), t_ms
            else:
                raw, dur, end = np.diff(val), np.diff(t_ms), t_ms[1:]
                if info.register_max > 0:
                    wrapped = raw + info.register_max
                    roll = (raw < 0) & (wrapped >= 0) & (wrapped <= info.register_max / 2)
                    raw = np.where(roll, wrapped, raw)
            use = info.multiplier * raw
            rate = use / dur
            day = (end - 1 + SHANGHAI_OFFSET_MS) // 86_400_000
            for d in np.unique(day):
                if d < first or d > last:
                    continue
                sel = day == d
                u, rt = use[sel], rate[sel]
                pos = rt[u > 0]
                spike = np.zeros(len(u), bool)
                if len(pos) >= MIN_SAMPLES_FOR_SPIKES:
                    srt = np.sort(pos)
                    h = (len(srt) - 1) / 2
                    lo_v, hi_v = srt[int(np.floor(h))], srt[int(np.ceil(h))]
                    med = lo_v + (h - np.floor(h)) * (hi_v - lo_v)  # DuckDB's interpolation
                    spike = (u >= 0) & (rt > SPIKE_FACTOR * med)
                inc = (u >= 0) & ~spike
                out["meter_id"].append(m)
                out["day_n"].append(int(d))
                out["use"].append(float(np.sum(u[inc])) if inc.any() else 0.0)
                out["intervals"].append(int(len(u)))
                out["included"].append(int(inc.sum()))
                out["negative"].append(int((u < 0).sum()))
                out["spikes"].append(int(spike.sum()))
        table = pa.table(
            {
                "meter_id": pa.array(out["meter_id"], pa.int64()),
                "day_n": pa.array(out["day_n"], pa.int32()),
                "use": pa.array(out["use"], pa.float64()),
                "intervals": pa.array(out["intervals"], pa.int64()),
                "included": pa.array(out["included"], pa.int64()),
                "negative": pa.array(out["negative"], pa.int64()),
                "spikes": pa.array(out["spikes"], pa.int64()),
            }
        )
        return table, ranges

    def _replace_all(
        self, ent_of: Mapping[int, int], ranges: Mapping[int, tuple[int, int]], new: pa.Table | None
    ) -> int:
        """:meth:`_replace` per enterprise, in parallel threads (Parquet I/O releases the GIL)."""
        ents = sorted(set(ent_of.values()))
        new_meter = None if new is None else new.column("meter_id").to_numpy()

        def one(ent: int) -> int:
            ms = [m for m in ranges if ent_of[m] == ent]
            sub = None
            if new is not None and new_meter is not None:
                sub = new.filter(pa.array(np.isin(new_meter, ms)))
            return self._replace(ent, {m: ranges[m] for m in ms}, sub)

        if len(ents) == 1:
            return one(ents[0])
        with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
            return sum(pool.map(one, ents))

    def _replace(
        self, enterprise_id: int, ranges: Mapping[int, tuple[int, int]], new: pa.Table | None
    ) -> int:
        """Swap the rows of ``ranges`` (meter -> [first day, last day]) in the partitions concerned."""
        new_day = np.array([], np.int64) if new is None else new.column("day_n").to_numpy().astype(np.int64)
        new_meter = np.array([], np.int64) if new is None else new.column("meter_id").to_numpy()
        in_range = np.zeros(len(new_day), bool)
        for m, (a, b) in ranges.items():
            in_range |= (new_meter == m) & (new_day >= a) & (new_day <= b)
        months: set[str] = set()
        for a, b in ranges.values():
            months.update(_months_span(a, b))
        written = 0
        tables: dict[str, pa.Table] = {}
        for month in sorted(months):
            mdir = self.partition_dir(enterprise_id, month)
            m_lo = int(np.datetime64(month, "M").astype("datetime64[D]").astype(np.int64))
            m_hi = int((np.datetime64(month, "M") + 1).astype("datetime64[D]").astype(np.int64)) - 1
            olds = sorted(mdir.glob("*.parquet")) if mdir.is_dir() else []
            old = _read_rollup_files(olds)
            keep = np.ones(old.num_rows, bool)
            if old.num_rows:
                om = old.column("meter_id").to_numpy()
                od = old.column("day").cast(pa.int32()).to_numpy().astype(np.int64)
                for m, (a, b) in ranges.items():
                    keep &= ~((om == m) & (od >= a) & (od <= b))
            parts = [old.filter(pa.array(keep))] if old.num_rows else []
            if new is not None and new.num_rows:
                sel = (new_day >= m_lo) & (new_day <= m_hi) & in_range
                if sel.any():
                    sub = new.filter(pa.array(sel))
                    written += sub.num_rows
                    parts.append(_to_rollup_schema(sub))
            merged = pa.concat_tables(parts) if parts else ROLLUP_SCHEMA.empty_table()
            tables[month] = merged
            if merged.num_rows == 0 and not olds:
                continue
            merged = merged.sort_by([("meter_id", "ascending"), ("day", "ascending")])
            self._swap_partition(mdir, merged, olds)
        self._update_monthly(enterprise_id, sorted(months), tables)
        return written

    # -- monthly layer ---------------------------------------------------------------
    def monthly_file(self, enterprise_id: int) -> Path:
        return self.monthly_root / f"enterprise_id={int(enterprise_id)}" / "monthly.parquet"

    def _update_monthly(
        self, enterprise_id: int, months: Sequence[str] | None, tables: Mapping[str, pa.Table] | None = None
    ) -> None:
        """Recompute one enterprise's monthly totals of ``months`` (None: all) from its daily partitions.

        ``rollups/monthly/enterprise_id=<id>/monthly.parquet`` (meter_id, month, use,
        intervals, included, negative, spikes): one small file per enterprise, so that a
        county's monthly figures read about a hundred files, not one per enterprise-month.
        Callers hold the enterprise's write lock.
        """
        path = self.monthly_file(enterprise_id)
        if tables is not None and months is not None and set(months) <= set(tables):
            # the partitions just written, still in memory
            daily = pa.concat_tables([tables[m] for m in months]) if months else ROLLUP_SCHEMA.empty_table()
        else:
            daily = _read_rollup_files(
                [Path(f) for f in self.files([enterprise_id], None if months is None else list(months))]
            )
        fresh = MONTHLY_SCHEMA.empty_table()
        if daily.num_rows:
            month_col = pa.array(
                daily.column("day")
                .cast(pa.int32())
                .to_numpy()
                .astype("datetime64[D]")
                .astype("datetime64[M]")
                .astype(str)
            )
            grouped = (
                daily.append_column("month", month_col)
                .group_by(["meter_id", "month"])
                .aggregate([(c, "sum") for c in ("use", "intervals", "included", "negative", "spikes")])
            )
            fresh = pa.table(
                {
                    "meter_id": grouped.column("meter_id"),
                    "month": grouped.column("month"),
                    **{
                        c: grouped.column(f"{c}_sum")
                        for c in ("use", "intervals", "included", "negative", "spikes")
                    },
                },
                schema=MONTHLY_SCHEMA,
            )
        parts = [fresh]
        if months is not None and path.exists():
            old = pq.read_table(path).cast(MONTHLY_SCHEMA)
            keep = ~np.isin(np.asarray(old.column("month").to_pylist(), dtype=object), list(months))
            parts.insert(0, old.filter(pa.array(keep)))
        table = pa.concat_tables(parts).sort_by([("meter_id", "ascending"), ("month", "ascending")])
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".monthly-{uuid.uuid4().hex}.parquet.tmp")
        with open(tmp, "wb") as fh:
            pq.write_table(table, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
        with self.store._flock(self.store._lock_path, fcntl.LOCK_EX):
            os.replace(tmp, path)
            _fsync_dir(path.parent)

    def rebuild_monthly(self) -> None:
        """The monthly layer of every enterprise from the daily partitions (after a Spark run)."""
        ents = sorted({int(d.name.split("=", 1)[1]) for d in self.root.glob("enterprise_id=*")})
        if self.monthly_root.exists():
            for d in self.monthly_root.glob("enterprise_id=*"):
                if int(d.name.split("=", 1)[1]) not in ents:
                    shutil.rmtree(d, ignore_errors=True)
        with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
            list(pool.map(lambda e: self._update_monthly(e, None), ents))

    def _swap_partition(self, mdir: Path, table: pa.Table, olds: Sequence[Path]) -> None:
        mdir.mkdir(parents=True, exist_ok=True)
        final = mdir / "daily.parquet"
        tmp = mdir / f".daily-{uuid.uuid4().hex}.parquet.tmp"
        if table.num_rows:
            with open(tmp, "wb") as fh:
                pq.write_table(table, fh, compression="zstd")
                fh.flush()
                os.fsync(fh.fileno())
        with self.store._flock(self.store._lock_path, fcntl.LOCK_EX):
            if table.num_rows:
                os.replace(tmp, final)
            elif final.exists():
                final.unlink()
            for p in olds:
                if p != final and p.exists():
                    p.unlink()
            _fsync_dir(mdir)

    # -- full rebuild ----------------------------------------------------------------
    def rebuild(self, *, meters: Mapping[int, MeterInfo], replacements: pa.Table) -> dict[str, int]:
        """Recompute every rollup partition from the raw readings.

        One DuckDB query over the whole store (DuckDB parallelises it), then the
        partitions are written enterprise by enterprise in parallel threads. Callers hold
        :meth:`MeterStore.writing` for every enterprise (no ingest meanwhile). Returns
        counts (enterprises, rows).
        """
        con = self.store.connection()
        self.root.mkdir(parents=True, exist_ok=True)
        self.built_marker.unlink(missing_ok=True)  # a rebuild cut short is redone on the next read
        ent_ids = sorted(
            int(d.name.split("=", 1)[1]) for d in self.store.readings_dir.glob("enterprise_id=*")
        )
        mids = sorted(m for m, info in meters.items() if info.enterprise_id in set(ent_ids))
        files = self.store.files(ent_ids) if ent_ids else []
        new = None
        if mids and files:
            con.register("replacements", replacements)
            con.register("meters", _meters_table([meters[m] for m in mids]))
            try:
                windows = pa.table(
                    {
                        "meter_id": pa.array(mids, pa.int64()),
                        "lo_us": pa.array([-(2**62)] * len(mids), pa.int64()),
                        "hi_us": pa.array([2**62] * len(mids), pa.int64()),
                    }
                )
                with self.store.reading():
                    new = self._compute(con, files, windows, -(2**31), 2**31 - 1)
            finally:
                con.unregister("meters")
                con.unregister("replacements")
        new_meter = None if new is None else new.column("meter_id").to_numpy()
        gone = [
            int(d.name.split("=", 1)[1])
            for d in self.root.glob("enterprise_id=*")
            if int(d.name.split("=", 1)[1]) not in ent_ids
        ]

        def one(ent: int) -> int:
            ms = [m for m in mids if meters[m].enterprise_id == ent]
            sub = None
            if new is not None and new_meter is not None and ms:
                sub = new.filter(pa.array(np.isin(new_meter, ms)))
            self._write_enterprise(ent, sub)
            return 0 if sub is None else sub.num_rows

        with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
            rows = sum(pool.map(one, ent_ids + gone))
        self.mark_built()
        return {"enterprises": len(ent_ids), "rows": rows}

    def _write_enterprise(self, enterprise_id: int, new: pa.Table | None) -> None:
        """Replace all partitions of one enterprise with ``new`` (rows with day_n)."""
        ent_dir = self.root / f"enterprise_id={int(enterprise_id)}"
        old_dirs = {d.name[len("month=") :]: d for d in ent_dir.glob("month=*")} if ent_dir.is_dir() else {}
        groups: dict[str, pa.Table] = {}
        if new is not None and new.num_rows:
            table = _to_rollup_schema(new)
            months = (
                table.column("day")
                .cast(pa.int32())
                .to_numpy()
                .astype("datetime64[D]")
                .astype("datetime64[M]")
            )
            for month in np.unique(months):
                groups[str(month)] = table.filter(pa.array(months == month))
        for month in sorted(set(groups) | set(old_dirs)):
            mdir = self.partition_dir(enterprise_id, month)
            olds = sorted(mdir.glob("*.parquet")) if mdir.is_dir() else []
            table = groups.get(month, ROLLUP_SCHEMA.empty_table())
            self._swap_partition(mdir, table.sort_by([("meter_id", "ascending"), ("day", "ascending")]), olds)
        self._update_monthly(enterprise_id, None)

    def swap_in(self, directory: Path) -> None:
        """Make a rollup directory written elsewhere (by Spark) the current one, atomically for readers.

        Callers hold :meth:`MeterStore.writing` for every enterprise.
        """
        for junk in directory.glob("_SUCCESS"):
            junk.unlink()
        for crc in directory.rglob(".*.crc"):  # Hadoop checksum side files
            crc.unlink()
        old = self.root.with_name(f".daily-old-{uuid.uuid4().hex[:12]}")
        self.built_marker.unlink(missing_ok=True)
        with self.store._flock(self.store._lock_path, fcntl.LOCK_EX):
            if self.root.exists():
                os.replace(self.root, old)
            os.replace(directory, self.root)
            _fsync_dir(self.root.parent)
        self.rebuild_monthly()
        self.mark_built()
        shutil.rmtree(old, ignore_errors=True)

    def mark_built(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.built_marker, "w") as fh:
            fh.write("rollups rebuilt from readings\n")
            fh.flush()
            os.fsync(fh.fileno())
        _fsync_dir(self.root)

    # -- reading ---------------------------------------------------------------------
    def monthly(
        self,
        *,
        meters: Container[int],
        start_day: int,
        end_day: int,
        enterprise_ids: Sequence[int] | None = None,
    ) -> list[tuple[int, int, str, float]]:
        """(enterprise, meter, local month, included use) for days in [start_day, end_day).

        Whole months (the callers ask for years) are read from the monthly layer, one
        file per enterprise; other ranges from the daily partitions.
        """
        months = _months_span(start_day, end_day - 1)
        whole = month_of_day(start_day) + "-01" == str(np.datetime64(int(start_day), "D")) and (
            month_of_day(end_day) + "-01" == str(np.datetime64(int(end_day), "D"))
        )
        if whole:
            if enterprise_ids is None:
                mfiles = sorted(str(p) for p in self.monthly_root.glob("enterprise_id=*/monthly.parquet"))
            else:
                mfiles = [str(self.monthly_file(e)) for e in enterprise_ids if self.monthly_file(e).exists()]
            if not mfiles:
                return []
            with self.store.reading():
                rows = (
                    self.store.connection()
                    .execute(
                        r"""
                    SELECT CAST(regexp_extract(filename, 'enterprise_id=(\d+)', 1) AS BIGINT) AS ent,
                           meter_id, month, use
                    FROM read_parquet($files, hive_partitioning = false, filename = true)
                    WHERE month >= $s AND month < $e AND included > 0 ORDER BY 1, 2, 3
                    """,
                        {"files": mfiles, "s": months[0], "e": month_of_day(end_day)},
                    )
                    .fetchall()
                )
            return [(int(e), int(m), str(mo), float(u)) for e, m, mo, u in rows if int(m) in meters]
        files = self.files(enterprise_ids, months if len(months) <= 400 else None)
        if not files:
            return []
        con = self.store.connection()
        with self.store.reading():
            rows = con.execute(
                """
                SELECT CAST(regexp_extract(filename, 'enterprise_id=(\\d+)', 1) AS BIGINT) AS ent, meter_id,
                       strftime(day, '%Y-%m') AS month, sum(use) AS use
                FROM read_parquet($files, hive_partitioning = false, filename = true)
                WHERE day >= $s AND day < $e
                GROUP BY ALL HAVING sum(included) > 0 ORDER BY 1, 2, 3
                """,
                {
                    "files": files,
                    "s": np.datetime64(int(start_day), "D").item(),
                    "e": np.datetime64(int(end_day), "D").item(),
                },
            ).fetchall()
        return [(int(e), int(m), str(mo), float(u)) for e, m, mo, u in rows if int(m) in meters]

    def daily_table(self, enterprise_ids: Sequence[int] | None = None) -> pa.Table:
        """Every rollup row (with enterprise_id), sorted; for comparisons and exports."""
        files = self.files(enterprise_ids)
        if not files:
            return ROLLUP_SCHEMA.append(pa.field("enterprise_id", pa.int64())).empty_table()
        with self.store.reading():
            return (
                self.store.connection()
                .sql(
                    """
                SELECT meter_id, day, use, intervals, included, negative, spikes,
                       CAST(regexp_extract(filename, 'enterprise_id=(\\d+)', 1) AS BIGINT) AS enterprise_id
                FROM read_parquet($files, hive_partitioning = false, filename = true)
                ORDER BY meter_id, day
                """,
                    params={"files": files},
                )
                .to_arrow_table()
            )


def _read_rollup_files(paths: Sequence[Path]) -> pa.Table:
    if not paths:
        return ROLLUP_SCHEMA.empty_table()
    tables = [pq.read_table(p, columns=ROLLUP_SCHEMA.names) for p in paths]
    return pa.concat_tables([t.cast(ROLLUP_SCHEMA) for t in tables])


def _to_rollup_schema(t: pa.Table) -> pa.Table:
    """Rows of :data:`DAILY_SQL_TAIL` (day_n) -> :data:`ROLLUP_SCHEMA` (day as DATE)."""
    day = pa.array(t.column("day_n").to_numpy().astype(np.int32), pa.int32()).cast(pa.date32())
    return pa.table(
        {
            "meter_id": t.column("meter_id").cast(pa.int64()),
            "day": day,
            "use": t.column("use").cast(pa.float64()),
            "intervals": t.column("intervals").cast(pa.int64()),
            "included": t.column("included").cast(pa.int64()),
            "negative": t.column("negative").cast(pa.int64()),
            "spikes": t.column("spikes").cast(pa.int64()),
        },
        schema=ROLLUP_SCHEMA,
    )


def _meters_table(infos: Sequence[MeterInfo]) -> pa.Table:
    return pa.table(
        {
            "meter_id": pa.array([i.meter_id for i in infos], pa.int64()),
            "enterprise_id": pa.array([i.enterprise_id for i in infos], pa.int64()),
            "kind": pa.array([i.kind for i in infos], pa.string()),
            "multiplier": pa.array([i.multiplier for i in infos], pa.float64()),
            "register_max": pa.array([i.register_max for i in infos], pa.float64()),
        }
    )
