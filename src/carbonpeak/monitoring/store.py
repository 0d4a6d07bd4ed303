"""The meter store: readings as a Hive-partitioned Parquet dataset, queried with DuckDB.

Layout (readable unchanged by Spark, Trino or any Parquet reader)::

    METER_STORE_DIR/
      readings/
        enterprise_id=<id>/month=YYYY-MM/part-<batch>-<n>.parquet

``month`` is the Asia/Shanghai calendar month of the reading. Columns in each file:

==============  ==========================================  ==============================
column          Parquet type                                meaning
==============  ==========================================  ==============================
meter_id        INT64                                       platform meter id
ts              INT64 TIMESTAMP(MICROS, isAdjustedToUTC)    reading time, UTC
value           DOUBLE                                      register reading or interval use
ingested_at     INT64 TIMESTAMP(MICROS, isAdjustedToUTC)    when the platform accepted it
batch_id        STRING                                      ingestion batch (UUID)
source          STRING                                      api / upload / cli / sample
==============  ==========================================  ==============================

Rules:

- Files are never modified. A write creates ``part-….parquet.tmp`` in the partition
  folder, fsyncs it, renames it to ``….parquet`` and fsyncs the folder, so a reader
  sees the whole file or nothing, and an acknowledged write survives a crash. Bulk
  writes (:meth:`MeterStore.write_relation`) let DuckDB write into ``.staging/`` next to
  ``readings/`` instead, then fsync each file, rename it into its partition and fsync
  the folders; compaction removes staging folders left by a killed process.
- Every (meter_id, ts) may occur several times; the row with the latest
  ``ingested_at`` wins (a correction replaces the value). Every query deduplicates.
- Compaction merges a partition's files into one deduplicated file (same atomic
  rename), under an exclusive lock so two compactions never race; readers hold a
  shared lock while a query runs, so they never see a half-swapped partition.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from carbonpeak.engine.meters import MIN_SAMPLES_FOR_SPIKES, SHANGHAI_OFFSET_MS

TS_TYPE = pa.timestamp("us", tz="UTC")
SCHEMA = pa.schema(
    [
        ("meter_id", pa.int64()),
        ("ts", TS_TYPE),
        ("value", pa.float64()),
        ("ingested_at", TS_TYPE),
        ("batch_id", pa.string()),
        ("source", pa.string()),
    ]
)
SPIKE_FACTOR = 10.0
#: Columns worth dictionary-encoding in the Parquet files.
DICTIONARY_COLUMNS = ["meter_id", "ingested_at", "batch_id", "source"]
#: Threads writing partition files of one batch in parallel.
WRITE_THREADS = 4
#: Threads issuing the fsyncs of a bulk write (I/O waits, not CPU).
SYNC_THREADS = 32
#: Partitions whose key index a process keeps in memory (about 24 bytes per reading).
INDEX_CACHE_PARTITIONS = 128
#: Meter ids must stay below 2**21 for the packed (meter, time) key of the index.
_TS_BITS = 42


def _rmdir_quiet(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.rmdir(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: DuckDB expression for the Asia/Shanghai month of the BIGINT column ``ts_us`` (UTC epoch
#: µs), as months since 1970-01 (:func:`month_index` in SQL). China has kept UTC+8
#: without daylight saving since 1991, before the earliest accepted reading.
MONTH_IDX_SQL = (
    f"((year(make_timestamp(ts_us + {SHANGHAI_OFFSET_MS * 1000})) - 1970) * 12"
    f" + month(make_timestamp(ts_us + {SHANGHAI_OFFSET_MS * 1000})) - 1)"
)


def month_keys(ts_us: np.ndarray) -> np.ndarray:
    """Asia/Shanghai month ``YYYY-MM`` of UTC epoch microseconds."""
    local_days = (ts_us // 1000 + SHANGHAI_OFFSET_MS) // 86_400_000
    return local_days.astype("datetime64[D]").astype("datetime64[M]").astype(str)


def month_index(ts_us: np.ndarray) -> np.ndarray:
    """Asia/Shanghai month of UTC epoch microseconds, as months since 1970-01 [int64].

    Vectorised through a day -> month lookup table over the days present (no per-row
    calendar conversion).
    """
    local_day = (np.asarray(ts_us, dtype=np.int64) + SHANGHAI_OFFSET_MS * 1000) // 86_400_000_000
    if len(local_day) == 0:
        return local_day
    lo, hi = int(local_day.min()), int(local_day.max())
    table = (
        np.arange(lo, hi + 1, dtype="int64").astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    )
    return table[local_day - lo]


@dataclass
class PartitionPlan:
    """Rows of a batch grouped by partition: ``order`` (None if already grouped) and
    per group its enterprise id, month index (months since 1970-01) and row range
    ``[bounds[i], bounds[i + 1])`` in ``order``."""

    order: np.ndarray | None
    groups: list[tuple[int, int]]
    bounds: list[int]

    def rows(self, i: int) -> np.ndarray | slice:
        a, b = self.bounds[i], self.bounds[i + 1]
        return slice(a, b) if self.order is None else self.order[a:b]

    @property
    def enterprise_ids(self) -> list[int]:
        return sorted({e for e, _m in self.groups})


def partition_plan(
    enterprise_id: np.ndarray, ts_us: np.ndarray, month: np.ndarray | None = None
) -> PartitionPlan:
    """Group rows by (enterprise, Asia/Shanghai month), keeping their order within a group.

    O(n) when the rows are already grouped; otherwise one stable sort of a small
    integer key (radix sort when the key fits 16 bits). No hashing of 64-bit keys.
    """
    ent = np.asarray(enterprise_id, dtype=np.int64)
    n = len(ent)
    if n == 0:
        return PartitionPlan(None, [], [0])
    if month is None:  # callers may pass month_index(ts_us) computed elsewhere (e.g. by DuckDB)
        month = month_index(ts_us)
    month = np.asarray(month, dtype=np.int64)
    e0, m0 = int(ent.min()), int(month.min())
    width = int(month.max()) - m0 + 1
    span = (int(ent.max()) - e0 + 1) * width
    small = (ent - e0) * width + (month - m0)
    if span <= 1 << 16:
        small = small.astype(np.uint16 if span > 256 else np.uint8)
    order = None if np.all(small[1:] >= small[:-1]) else np.argsort(small, kind="stable")
    counts = np.bincount(small, minlength=span) if span <= 1 << 22 else None
    if counts is not None:
        present = np.flatnonzero(counts)
        bounds = [0, *np.cumsum(counts[present]).tolist()]
        keys = present.tolist()
    else:
        sk = small if order is None else small[order]
        starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
        bounds = [*starts.tolist(), n]
        keys = sk[starts].tolist()
    groups = [(e0 + k // width, m0 + k % width) for k in keys]
    return PartitionPlan(order, groups, bounds)


def _month_start_us(month: int) -> int:
    day = np.datetime64(month, "M").astype("datetime64[D]").astype(np.int64)
    return (int(day) * 86_400_000 - SHANGHAI_OFFSET_MS) * 1000


class _PartitionIndex:
    """Sorted packed keys (meter_id << 42 | µs since the month start) -> latest value.

    Built from a partition's immutable part files; ``files`` records which are folded in.
    """

    def __init__(self, month: int):
        self.base = _month_start_us(month) - 86_400_000_000  # a day of slack
        self.files: set[str] = set()
        self.keys = np.array([], np.int64)
        self.values = np.array([], np.float64)
        self.ingested = np.array([], np.int64)
        self.lock = threading.Lock()

    def pack(self, meter_id: np.ndarray, ts_us: np.ndarray) -> np.ndarray | None:
        offset = ts_us - self.base
        if len(meter_id) and (
            meter_id.min() < 0
            or meter_id.max() >= 1 << (63 - _TS_BITS)
            or offset.min() < 0
            or offset.max() >= 1 << _TS_BITS
        ):
            return None
        return (meter_id << _TS_BITS) | offset

    def refresh(self, directory: Path) -> None:
        with self.lock:
            current = {e.name for e in os.scandir(directory) if e.name.endswith(".parquet")}
            if not self.files <= current:  # compaction removed files: rebuild
                self.files = set()
                self.keys = np.array([], np.int64)
                self.values = np.array([], np.float64)
                self.ingested = np.array([], np.int64)
            new = sorted(current - self.files)
            if not new:
                return
            tables = [
                pq.read_table(directory / name, columns=["meter_id", "ts", "value", "ingested_at"])
                for name in new
            ]
            t = pa.concat_tables(tables)
            m = t.column("meter_id").to_numpy()
            ts = t.column("ts").cast(pa.int64()).to_numpy()
            packed = self.pack(m, ts)
            if packed is None:  # ids or times outside the packable range: fall back to no cache
                raise _Unpackable()
            keys = np.concatenate([self.keys, packed])
            values = np.concatenate([self.values, t.column("value").to_numpy()])
            ingested = np.concatenate([self.ingested, t.column("ingested_at").cast(pa.int64()).to_numpy()])
            order = np.lexsort((ingested, keys))
            keys, values, ingested = keys[order], values[order], ingested[order]
            last = np.ones(len(keys), bool)
            last[:-1] = keys[1:] != keys[:-1]
            self.keys, self.values, self.ingested = keys[last], values[last], ingested[last]
            self.files.update(new)

    def add(
        self, name: str, meter_id: np.ndarray, ts_us: np.ndarray, value: np.ndarray, ingested_us: int
    ) -> None:
        """Fold in a file just written by this process (same content as reading it back)."""
        packed = self.pack(meter_id, ts_us)
        with self.lock:
            if packed is None or name in self.files:
                self.files.discard(name)  # unpackable: let refresh() deal with it
                return
            keys = np.concatenate([self.keys, packed])
            values = np.concatenate([self.values, value])
            ingested = np.concatenate([self.ingested, np.full(len(packed), ingested_us, np.int64)])
            order = np.lexsort((ingested, keys))
            keys, values, ingested = keys[order], values[order], ingested[order]
            last = np.ones(len(keys), bool)
            last[:-1] = keys[1:] != keys[:-1]
            self.keys, self.values, self.ingested = keys[last], values[last], ingested[last]
            self.files.add(name)

    def lookup(self, meter_id: np.ndarray, ts_us: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the given readings that exist, and their stored values."""
        with self.lock:
            packed = self.pack(meter_id, ts_us)
            if packed is None:
                raise _Unpackable()
            if len(self.keys) == 0:
                return np.array([], np.int64), np.array([], np.float64)
            pos = np.searchsorted(self.keys, packed)
            pos_c = np.minimum(pos, len(self.keys) - 1)
            found = self.keys[pos_c] == packed
            return np.flatnonzero(found), self.values[pos_c[found]]


class _Unpackable(Exception):
    """Meter id or time outside the packed-key range."""


_INDEX_CACHE: OrderedDict[str, _PartitionIndex] = OrderedDict()
_INDEX_LOCK = threading.Lock()


class PendingBatch:
    """A batch's journal entry, locked by the process that owns it (see :meth:`MeterStore.begin_batch`)."""

    def __init__(self, path: Path, fd: int, body: dict):
        self.path, self.fd, self.body = path, fd, body

    @property
    def batch_id(self) -> str:
        return str(self.body["batch_id"])

    @property
    def enterprise_ids(self) -> list[int]:
        return [int(e) for e in self.body["enterprises"]]

    @property
    def touched(self) -> dict[int, tuple[int, int]]:
        return {int(m): (int(a), int(b)) for m, (a, b) in self.body["touched"].items()}

    def done(self) -> None:
        """The batch is settled (committed and rolled up, or discarded): drop the journal."""
        if self.fd < 0:
            return
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        os.close(self.fd)
        self.fd = -1

    def release(self) -> None:
        """Give up the lock without settling (the journal stays for a later reconciliation)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


@dataclass
class WriteResult:
    rows: int
    files: list[str]


class MeterStore:
    """Access to one meter-store directory."""

    _local = threading.local()

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.readings_dir = self.root / "readings"
        self.readings_dir.mkdir(parents=True, exist_ok=True)
        self._lock_path = self.root / ".swap.lock"
        self._compact_lock_path = self.root / ".compact.lock"

    # -- locks -----------------------------------------------------------------------
    @contextlib.contextmanager
    def _flock(self, path: Path, mode: int) -> Iterator[None]:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, mode)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def reading(self) -> contextlib.AbstractContextManager[None]:
        """Shared lock held by queries (compaction's swap waits for it)."""
        return self._flock(self._lock_path, fcntl.LOCK_SH)

    def invalidate_rollups(self) -> None:
        """Mark the daily rollups (:mod:`carbonpeak.monitoring.rollups`) stale: rebuilt on the next read."""
        with contextlib.suppress(FileNotFoundError):
            (self.root / "rollups" / "daily" / "_BUILT").unlink()

    # -- pending-batch journal -----------------------------------------------------------
    def begin_batch(
        self, batch_id: str, enterprise_ids: Sequence[int], touched: Mapping[int, tuple[int, int]]
    ) -> PendingBatch:
        """Journal a batch before any of its files is written; the writer holds its lock until done.

        ``.pending/<batch>.json`` names the batch, its enterprises and per meter the first
        and last reading time it touches. It is created under a temporary name, locked
        (``flock``, released by the kernel when the process dies), fsync'd and renamed,
        so a journal whose lock can be taken belongs to a dead process:
        :meth:`orphaned_batches` finds it and the caller reconciles the store and the
        database (remove the files of a batch without a record, recompute its rollup days).
        """
        pending = self.root / ".pending"
        pending.mkdir(exist_ok=True)
        final = pending / f"{batch_id}.json"
        tmp = pending / f"{batch_id}.json.tmp"
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            body = {
                "batch_id": batch_id,
                "enterprises": sorted({int(e) for e in enterprise_ids}),
                "touched": {str(int(m)): [int(a), int(b)] for m, (a, b) in touched.items()},
            }
            os.write(fd, json.dumps(body).encode("utf-8"))
            os.fsync(fd)
            os.replace(tmp, final)
            _fsync_dir(pending)
        except BaseException:
            os.close(fd)
            raise
        return PendingBatch(final, fd, body)

    def orphaned_batches(self) -> list[PendingBatch]:
        """Journals of batches whose process died (their lock is free); each returned locked."""
        pending = self.root / ".pending"
        if not pending.is_dir():
            return []
        out = []
        for path in sorted(pending.glob("*.json")):
            try:
                fd = os.open(path, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue  # a live writer
            try:  # finished (unlinked) while we waited for its lock?
                if os.fstat(fd).st_ino != os.stat(path).st_ino:
                    raise FileNotFoundError(path)
                with open(path, encoding="utf-8") as fh:
                    body = json.load(fh)
            except (FileNotFoundError, ValueError):
                os.close(fd)
                continue
            out.append(PendingBatch(path, fd, body))
        for tmp in pending.glob("*.json.tmp"):  # died between create and rename: nothing written yet
            with contextlib.suppress(OSError):
                fd = os.open(tmp, os.O_RDWR)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    tmp.unlink()
                except BlockingIOError:
                    pass
                finally:
                    os.close(fd)
        return out

    def discard_batch(self, batch_id: str, enterprise_ids: Sequence[int]) -> int:
        """Remove every file of one batch (published, temporary or staged); returns files removed.

        Used for a batch whose database record was never committed. Callers hold
        :meth:`writing` for ``enterprise_ids``.
        """
        removed = 0
        victims: list[Path] = []
        for ent in sorted({int(e) for e in enterprise_ids}):
            ent_dir = self.readings_dir / f"enterprise_id={ent}"
            victims.extend(ent_dir.glob(f"month=*/part-{batch_id}-*"))
        dirs = {p.parent for p in victims}
        with self._flock(self._lock_path, fcntl.LOCK_EX):
            for p in victims:
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
                    removed += 1
            for d in dirs:
                _fsync_dir(d)
        staging_root = self.root / ".staging"
        if staging_root.is_dir():
            for leftover in staging_root.glob(f"{batch_id}-*"):
                shutil.rmtree(leftover, ignore_errors=True)
                removed += 1
        return removed

    # -- connection ------------------------------------------------------------------
    def connection(self) -> duckdb.DuckDBPyConnection:
        """A per-thread in-memory DuckDB connection (the data stays in the Parquet files)."""
        con = getattr(self._local, "con", None)
        if con is None:
            con = duckdb.connect()
            con.execute("SET TimeZone='UTC'")
            self._local.con = con
        return con

    # -- files -----------------------------------------------------------------------
    def partition_dir(self, enterprise_id: int, month: str) -> Path:
        return self.readings_dir / f"enterprise_id={int(enterprise_id)}" / f"month={month}"

    def files(
        self, enterprise_ids: Sequence[int] | None = None, months: Sequence[str] | None = None
    ) -> list[str]:
        """Committed part files, optionally for some enterprises and months."""
        if enterprise_ids is None:
            ent_dirs = sorted(self.readings_dir.glob("enterprise_id=*"))
        else:
            ent_dirs = [self.readings_dir / f"enterprise_id={int(e)}" for e in enterprise_ids]
        out: list[str] = []
        for ent in ent_dirs:
            if not ent.is_dir():
                continue
            if months is None:
                month_dirs = sorted(ent.glob("month=*"))
            elif len(months) <= 24:
                month_dirs = [ent / f"month={m}" for m in months]
            else:  # a long range: list what exists instead of probing every month
                wanted = {f"month={m}" for m in months}
                month_dirs = sorted(d for d in ent.glob("month=*") if d.name in wanted)
            for mdir in month_dirs:
                if mdir.is_dir():
                    out.extend(str(p) for p in sorted(mdir.glob("*.parquet")))
        return out

    # -- writing ---------------------------------------------------------------------
    def _write_file(self, table: pa.Table, directory: Path, stem: str) -> str:
        """Write ``table`` to ``directory/stem.parquet`` via temp file + fsync + rename.

        The caller fsyncs ``directory`` afterwards (once per directory, not per file).
        """
        final = directory / f"{stem}.parquet"
        tmp = directory / f"{stem}.parquet.tmp"
        with open(tmp, "wb") as fh:
            # store_schema=False: plain Parquet types (the dictionary columns read back as
            # strings in every engine, pyarrow included).
            # Dictionary encoding only where values repeat: trying it on ts/value costs
            # ~25 % more CPU and gives larger files.
            pq.write_table(
                table,
                fh,
                compression="zstd",
                row_group_size=1_000_000,
                store_schema=False,
                use_dictionary=DICTIONARY_COLUMNS,
            )
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        return str(final)

    @contextlib.contextmanager
    def writing(self, enterprise_ids: Sequence[int]) -> Iterator[None]:
        """Exclusive per-enterprise write locks (in id order, so two writers never deadlock).

        Held around "look up existing values, then write", so that two processes writing
        the same enterprise cannot both miss each other's readings when logging corrections.
        """
        lock_dir = self.root / ".locks"
        lock_dir.mkdir(exist_ok=True)
        with contextlib.ExitStack() as stack:
            for ent in sorted({int(e) for e in enterprise_ids}):
                stack.enter_context(self._flock(lock_dir / f"enterprise-{ent}.lock", fcntl.LOCK_EX))
            yield

    def write(
        self,
        *,
        meter_id: np.ndarray,
        enterprise_id: np.ndarray,
        ts_us: np.ndarray,
        value: np.ndarray,
        batch_id: str,
        source: str,
        plan: PartitionPlan | None = None,
        rollups_maintained: bool = False,
    ) -> WriteResult:
        """Durably add readings (one new file per touched partition); returns when fsync'd.

        Parameters are parallel arrays: meter ids, their enterprise ids, UTC epoch
        microseconds and values. Rows are written in their given order within a
        partition (callers pass them sorted by meter and time for compact files). File
        names carry a fresh UUID, so no write can ever replace an existing file.
        ``rollups_maintained``: the caller updates the daily rollups of these readings
        (a journalled batch); otherwise the rollups are marked stale and rebuilt on the
        next read.
        """
        n = int(len(meter_id))
        if n == 0:
            return WriteResult(0, [])
        if not rollups_maintained:
            self.invalidate_rollups()
        ingested_us = time.time_ns() // 1000
        meter_id = np.asarray(meter_id, dtype=np.int64)
        ts_arr = np.asarray(ts_us, dtype=np.int64)
        value = np.asarray(value, dtype=np.float64)
        ent_arr = np.asarray(enterprise_id, dtype=np.int64)
        if plan is None:
            plan = partition_plan(ent_arr, ts_arr)
        order = plan.order
        # Columns in the caller's order; each writer thread gathers its partition's rows
        # (pyarrow's take releases the GIL, so the gathers run in parallel too).
        table = pa.table(
            {
                "meter_id": pa.array(meter_id, pa.int64()),
                "ts": pa.array(ts_arr, pa.int64()).cast(TS_TYPE),
                "value": pa.array(value, pa.float64()),
            }
        )
        bounds = plan.bounds
        token = uuid.uuid4().hex[:12]
        jobs = []
        dirs: set[Path] = set()
        for i, (ent, month) in enumerate(plan.groups):
            directory = self.partition_dir(ent, str(np.datetime64(month, "M")))
            if not directory.is_dir():
                directory.mkdir(parents=True, exist_ok=True)
                dirs.update((directory.parent, directory.parent.parent))
            dirs.add(directory)
            jobs.append((i, directory, bounds[i], bounds[i + 1]))

        def write_one(job: tuple[int, Path, int, int]) -> str:
            i, directory, a, b = job
            rows = b - a
            zeros = pa.array(np.zeros(rows, np.int32))
            if order is None:
                sel = table.slice(a, rows)
                idx: np.ndarray | slice = slice(a, b)
            else:
                idx = order[a:b]
                sel = table.take(pa.array(idx))
            part = pa.table(
                {
                    "meter_id": sel.column("meter_id"),
                    "ts": sel.column("ts"),
                    "value": sel.column("value"),
                    "ingested_at": pa.array(np.full(rows, ingested_us, np.int64)).cast(TS_TYPE),
                    # Constant per file: dictionary-encoded, no per-row string copies.
                    "batch_id": pa.DictionaryArray.from_arrays(zeros, pa.array([batch_id], pa.string())),
                    "source": pa.DictionaryArray.from_arrays(zeros, pa.array([source], pa.string())),
                }
            )
            path = self._write_file(part, directory, f"part-{batch_id}-{i:04d}-{token}")
            with _INDEX_LOCK:
                index = _INDEX_CACHE.get(str(directory))
            if index is not None:  # fold our own file in, so the next batch need not read it
                index.add(os.path.basename(path), meter_id[idx], ts_arr[idx], value[idx], ingested_us)
            return path

        if len(jobs) == 1:
            files = [write_one(jobs[0])]
        else:
            # pyarrow's writer and fsync release the GIL: overlap partitions.
            with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
                files = list(pool.map(write_one, jobs))
        for directory in sorted(dirs, key=lambda d: len(d.parts), reverse=True):
            _fsync_dir(directory)
        return WriteResult(n, files)

    def write_relation(
        self,
        *,
        con: duckdb.DuckDBPyConnection,
        relation_sql: str,
        meters_by_enterprise: Mapping[int, Sequence[int]],
        rows: int,
        batch_id: str,
        source: str,
        rollups_maintained: bool = False,
    ) -> WriteResult:
        """Durably add the rows of a DuckDB query, partitioned and compressed by DuckDB in parallel.

        ``relation_sql`` (run on ``con``) yields ``meter_id`` BIGINT, ``ts_us`` BIGINT
        (UTC epoch µs) and ``value`` DOUBLE, with no (meter_id, ts_us) twice, and only
        meters listed in ``meters_by_enterprise`` (enterprise id -> its meter ids). Each
        enterprise's rows are selected by meter id (a range and a list, so DuckDB skips
        the row groups of other meters) and the Asia/Shanghai month is computed in the
        ``COPY`` (:data:`MONTH_IDX_SQL`): computing both while parsing the CSV
        cost about three seconds more on 35 million rows. The constant ``batch_id`` and ``source`` are one-value ENUMs while DuckDB
        partitions (a string per row costs about a third of the write); Parquet stores
        them as dictionary-encoded strings, like :meth:`write`. DuckDB's partitioned ``COPY`` writes the files into a private staging
        folder under the store root (outside ``readings/``, so no reader sees them);
        each file is fsync'd, renamed into its partition under a fresh
        ``part-<batch>-<n>-<token>.parquet`` name (never replacing a file), and the
        partition folders are fsync'd before this returns. Callers hold :meth:`writing`.
        """
        if not rollups_maintained:
            self.invalidate_rollups()
        ingested_us = time.time_ns() // 1000
        token = uuid.uuid4().hex[:12]
        staging_root = self.root / ".staging"
        staging_root.mkdir(exist_ok=True)
        staging = staging_root / f"{batch_id}-{token}"

        def lit(text: str) -> str:
            return "'" + str(text).replace("'", "''") + "'"

        try:
            staging.mkdir()
            # One COPY per enterprise, partitioned by month: DuckDB's partitioned writer
            # slows down with many partitions (1,300 at once: ~2x the time of 100 × 13).
            for ent, meter_ids in sorted(meters_by_enterprise.items()):
                ids = sorted({int(m) for m in meter_ids})
                if not ids:
                    continue
                con.execute(
                    f"""
                    COPY (
                        SELECT meter_id, make_timestamptz(ts_us) AS ts, value,
                               make_timestamptz({int(ingested_us)}::BIGINT) AS ingested_at,
                               CAST({lit(batch_id)} AS ENUM({lit(batch_id)})) AS batch_id,
                               CAST({lit(source)} AS ENUM({lit(source)})) AS source,
                               {MONTH_IDX_SQL} AS month_idx
                        FROM ({relation_sql})
                        WHERE meter_id BETWEEN {ids[0]} AND {ids[-1]}
                          AND meter_id IN ({", ".join(map(str, ids))})
                    ) TO {lit(str(staging / f"enterprise_id={int(ent)}"))}
                    (FORMAT parquet, PARTITION_BY (month_idx), COMPRESSION zstd, ROW_GROUP_SIZE 1000000)
                    """
                )
            staged = sorted(staging.glob("enterprise_id=*/month_idx=*/*.parquet"))
            moves: list[tuple[Path, Path]] = []
            dirs: set[Path] = set()
            new_dirs: list[Path] = []
            for n, src in enumerate(staged):
                ent = int(src.parent.parent.name.split("=", 1)[1])
                month = str(np.datetime64(int(src.parent.name.split("=", 1)[1]), "M"))
                directory = self.partition_dir(ent, month)
                if directory not in dirs and not directory.is_dir():
                    new_dirs.append(directory)
                    dirs.update((directory.parent, directory.parent.parent))
                dirs.add(directory)
                moves.append((src, directory / f"part-{batch_id}-{n:04d}-{token}.parquet"))

            def fsync_file(path: Path) -> None:
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)

            # Durable content first, then publish, then make the names durable. fsync
            # releases the GIL, and concurrent fsyncs share the file system's journal
            # commits, so many threads turn ~2,700 fsyncs into a few commits.
            def make_dirs(directory: Path) -> None:
                directory.mkdir(parents=True, exist_ok=True)

            with ThreadPoolExecutor(max_workers=SYNC_THREADS) as pool:
                list(pool.map(make_dirs, new_dirs))
                list(pool.map(fsync_file, [src for src, _dst in moves]))
                for src, dst in moves:
                    os.replace(src, dst)
                list(pool.map(_fsync_dir, sorted(dirs)))
                # The staging tree is now empty folders only.
                list(pool.map(_rmdir_quiet, sorted({src.parent for src, _dst in moves})))
                list(pool.map(_rmdir_quiet, sorted({src.parent.parent for src, _dst in moves})))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return WriteResult(rows, [str(dst) for _src, dst in moves])

    # -- existing values (correction detection) ----------------------------------------
    def existing_values(
        self,
        *,
        meter_id: np.ndarray,
        enterprise_id: np.ndarray,
        ts_us: np.ndarray,
        plan: PartitionPlan | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Which incoming readings already exist in the store, and their current values.

        Returns ``(index, old_value)``: positions into the incoming arrays whose
        (meter_id, ts) is stored, and the stored (latest-ingested) value of each. Works
        through an in-process per-partition key index (:class:`_PartitionIndex`) that is
        refreshed from the partition's file list on every call: files are immutable, so
        new files are folded in incrementally and a vanished file (compaction) forces a
        rebuild. Only partitions that already exist are looked at. Callers hold
        :meth:`writing` for the enterprises concerned.
        """
        meter_id = np.asarray(meter_id, dtype=np.int64)
        ts_arr = np.asarray(ts_us, dtype=np.int64)
        if len(meter_id) == 0:
            return np.array([], np.int64), np.array([], np.float64)
        if plan is None:
            plan = partition_plan(enterprise_id, ts_arr)
        hit_idx: list[np.ndarray] = []
        hit_val: list[np.ndarray] = []
        for i, (ent, month) in enumerate(plan.groups):
            directory = self.partition_dir(ent, str(np.datetime64(month, "M")))
            if not directory.is_dir():
                continue
            rows = plan.rows(i)
            sel = np.arange(plan.bounds[i], plan.bounds[i + 1]) if isinstance(rows, slice) else rows
            try:
                index = self._partition_index(directory, month)
                pos, old = index.lookup(meter_id[sel], ts_arr[sel])
            except _Unpackable:
                pos, old = self._existing_by_query(ent, meter_id[sel], ts_arr[sel])
            hit_idx.append(sel[pos])
            hit_val.append(old)
        if not hit_idx:
            return np.array([], np.int64), np.array([], np.float64)
        return np.concatenate(hit_idx), np.concatenate(hit_val)

    def _existing_by_query(
        self, enterprise_id: int, meter_id: np.ndarray, ts_us: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Uncached fallback of :meth:`existing_values` (ids beyond the packed range)."""
        found = self.latest_values(enterprise_id, pa.table({"meter_id": meter_id, "ts_us": ts_us}))
        old = dict(
            zip(
                zip(found.column("meter_id").to_pylist(), found.column("ts_us").to_pylist(), strict=True),
                found.column("old_value").to_pylist(),
                strict=True,
            )
        )
        pos = [i for i, k in enumerate(zip(meter_id.tolist(), ts_us.tolist(), strict=True)) if k in old]
        keys = list(zip(meter_id.tolist(), ts_us.tolist(), strict=True))
        return np.array(pos, np.int64), np.array([old[keys[i]] for i in pos], np.float64)

    def _partition_index(self, directory: Path, month: int) -> _PartitionIndex:
        with _INDEX_LOCK:
            index = _INDEX_CACHE.pop(str(directory), None)
            if index is None:
                index = _PartitionIndex(month)
            _INDEX_CACHE[str(directory)] = index
            while len(_INDEX_CACHE) > INDEX_CACHE_PARTITIONS:
                _INDEX_CACHE.popitem(last=False)
        with self.reading():
            index.refresh(directory)
        return index

    # -- reading ---------------------------------------------------------------------
    def readings(
        self, meter_ids: Sequence[int], enterprise_ids: Sequence[int], start_us: int, end_us: int
    ) -> pa.Table:
        """Deduplicated readings (meter_id, ts_ms, value) of some meters in [start, end], sorted."""
        months = _months_between(start_us, end_us)
        files = self.files(enterprise_ids, months)
        empty = pa.table(
            {
                "meter_id": pa.array([], pa.int64()),
                "ts_ms": pa.array([], pa.int64()),
                "value": pa.array([], pa.float64()),
            }
        )
        if not files or not meter_ids:
            return empty
        sql = """
            SELECT meter_id, epoch_ms(ts) AS ts_ms, arg_max(value, ingested_at) AS value
            FROM read_parquet($files, hive_partitioning = false)
            WHERE meter_id IN (SELECT unnest($ids)) AND ts >= make_timestamptz($s) AND ts <= make_timestamptz($e)
            GROUP BY meter_id, ts ORDER BY meter_id, ts
        """
        with self.reading():
            return (
                self.connection()
                .sql(
                    sql, params={"files": files, "ids": list(map(int, meter_ids)), "s": start_us, "e": end_us}
                )
                .to_arrow_table()
            )

    def latest_values(self, enterprise_id: int, incoming: pa.Table) -> pa.Table:
        """Current stored value of each (meter_id, ts_us) in ``incoming`` that already exists."""
        if incoming.num_rows == 0:
            return pa.table(
                {
                    "meter_id": pa.array([], pa.int64()),
                    "ts_us": pa.array([], pa.int64()),
                    "old_value": pa.array([], pa.float64()),
                }
            )
        ts = incoming.column("ts_us").to_numpy()
        files = self.files([enterprise_id], sorted(set(month_keys(ts).tolist())))
        if not files:
            return pa.table(
                {
                    "meter_id": pa.array([], pa.int64()),
                    "ts_us": pa.array([], pa.int64()),
                    "old_value": pa.array([], pa.float64()),
                }
            )
        con = self.connection()
        con.register("incoming_rows", incoming)
        try:
            sql = """
                SELECT r.meter_id, epoch_us(r.ts) AS ts_us, arg_max(r.value, r.ingested_at) AS old_value
                FROM read_parquet($files, hive_partitioning = false) r
                SEMI JOIN incoming_rows i ON r.meter_id = i.meter_id AND epoch_us(r.ts) = i.ts_us
                WHERE r.ts >= make_timestamptz($s) AND r.ts <= make_timestamptz($e)
                GROUP BY r.meter_id, r.ts
            """
            with self.reading():
                return con.sql(
                    sql, params={"files": files, "s": int(ts.min()), "e": int(ts.max())}
                ).to_arrow_table()
        finally:
            con.unregister("incoming_rows")

    def last_reading_times(self, enterprise_ids: Sequence[int] | None = None) -> dict[int, int]:
        """Latest reading time per meter (UTC epoch ms)."""
        files = self.files(enterprise_ids)
        if not files:
            return {}
        with self.reading():
            rows = (
                self.connection()
                .execute(
                    "SELECT meter_id, epoch_ms(max(ts)) FROM read_parquet($files) GROUP BY meter_id",
                    {"files": files},
                )
                .fetchall()
            )
        return {int(m): int(t) for m, t in rows}

    # -- aggregation -----------------------------------------------------------------
    def monthly_consumption(
        self,
        *,
        meters: pa.Table,
        replacements: pa.Table,
        start_us: int,
        end_us: int,
        enterprise_ids: Sequence[int] | None = None,
    ) -> list[tuple[int, int, str, float]]:
        """Included consumption per (enterprise, meter, local month) in [start, end) [meter unit].

        ``meters``: meter_id, enterprise_id, kind, multiplier, register_max;
        ``replacements``: meter_id, replaced_at_us, cum_offset. See :data:`MONTHLY_SQL`.
        """
        months = _months_between(start_us - 86_400_000_000, end_us)
        files = self.files(enterprise_ids, months)
        if not files:
            return []
        con = self.connection()
        con.register("meters", meters)
        con.register("replacements", replacements)
        try:
            with self.reading():
                return con.execute(MONTHLY_SQL, monthly_params(files, start_us, end_us)).fetchall()
        finally:
            con.unregister("meters")
            con.unregister("replacements")

    # -- compaction ------------------------------------------------------------------
    def compact(
        self, *, min_files: int = 2, stale_tmp_seconds: float = 3600.0, older_than_days: int | None = None
    ) -> dict[str, int]:
        """Merge every partition with at least ``min_files`` files into one deduplicated file.

        The file (``part-compacted-<uuid>.parquet``) is sorted by meter and time and holds
        each (meter_id, ts) once: a partition whose only file is such a file is *sealed*,
        and the rollup computation reads it without deduplicating (:func:`split_sealed`).
        ``older_than_days``: only partitions whose month ended at least that many days
        ago (those that will not be corrected any more); None: every partition.
        Partitions holding a file of a batch still in flight (a live journal) are skipped.
        Returns counts (partitions, files_before, files_after). Raises
        :class:`CompactionBusy` if another compaction holds the lock.
        """
        fd = os.open(self._compact_lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise CompactionBusy() from exc
            stats = {"partitions": 0, "files_before": 0, "files_after": 0}
            staging_root = self.root / ".staging"
            if staging_root.is_dir():  # left behind by a bulk write whose process died
                for leftover in staging_root.iterdir():
                    with contextlib.suppress(FileNotFoundError):
                        if time.time() - leftover.stat().st_mtime > stale_tmp_seconds:
                            shutil.rmtree(leftover, ignore_errors=True)
            in_flight = {p.name[: -len(".json")] for p in (self.root / ".pending").glob("*.json")}
            cutoff = None
            if older_than_days is not None:
                today = np.datetime64(int((time.time() * 1000 + SHANGHAI_OFFSET_MS) // 86_400_000), "D")
                cutoff = str((today - np.timedelta64(int(older_than_days), "D")).astype("datetime64[M]"))
            for mdir in sorted(self.readings_dir.glob("enterprise_id=*/month=*")):
                # a month is old enough when it ended before the cutoff day's month began
                if cutoff is not None and mdir.name[len("month=") :] >= cutoff:
                    continue
                now = time.time()
                for tmp in mdir.glob("*.tmp"):
                    with contextlib.suppress(FileNotFoundError):
                        if now - tmp.stat().st_mtime > stale_tmp_seconds:
                            tmp.unlink()
                parts = sorted(mdir.glob("*.parquet"))
                if len(parts) < min_files:
                    continue
                if any(p.name[len("part-") : len("part-") + 36] in in_flight for p in parts):
                    continue  # a batch not yet settled: discard_batch must still find its files
                stats["partitions"] += 1
                stats["files_before"] += len(parts)
                merged = (
                    self.connection()
                    .sql(
                        """
                    SELECT meter_id, ts, arg_max(value, ingested_at) AS value, max(ingested_at) AS ingested_at,
                           arg_max(batch_id, ingested_at) AS batch_id, arg_max(source, ingested_at) AS source
                    FROM read_parquet($files, hive_partitioning = false)
                    GROUP BY meter_id, ts ORDER BY meter_id, ts
                    """,
                        params={"files": [str(p) for p in parts]},
                    )
                    .to_arrow_table()
                )
                merged = merged.cast(SCHEMA)
                stem = f"part-compacted-{uuid.uuid4().hex}"
                tmp = mdir / f"{stem}.parquet.tmp"
                with open(tmp, "wb") as fh:
                    pq.write_table(
                        merged,
                        fh,
                        compression="zstd",
                        row_group_size=1_000_000,
                        use_dictionary=DICTIONARY_COLUMNS,
                    )
                    fh.flush()
                    os.fsync(fh.fileno())
                with self._flock(self._lock_path, fcntl.LOCK_EX):
                    os.replace(tmp, mdir / f"{stem}.parquet")
                    for p in parts:
                        p.unlink()
                    _fsync_dir(mdir)
                stats["files_after"] += 1
            return stats
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


_MAX_US = 7_258_118_400_000_000  # 2200-01-01 UTC


def split_sealed(files: Sequence[str]) -> tuple[list[str], list[str]]:
    """(sealed, other): files that are the only, compacted file of their partition, and the rest.

    A sealed file holds each (meter_id, ts) once (see :meth:`MeterStore.compact`), so
    queries read it without the ``arg_max`` deduplication; a later file in the same
    partition (a late reading) unseals it.
    """
    by_dir: dict[str, list[str]] = {}
    for f in files:
        by_dir.setdefault(os.path.dirname(f), []).append(f)
    sealed: list[str] = []
    other: list[str] = []
    for group in by_dir.values():
        if len(group) == 1 and os.path.basename(group[0]).startswith("part-compacted-"):
            sealed.extend(group)
        else:
            other.extend(group)
    return sealed, other


class CompactionBusy(RuntimeError):
    """Another process is compacting the store."""


def _months_between(start_us: int, end_us: int) -> list[str]:
    # Clamp to years 1970–2200: a caller may ask for "everything" (0 … 2**62).
    start_us = min(max(start_us, 0), _MAX_US)
    end_us = min(max(end_us, 0), _MAX_US)
    a, b = month_keys(np.array([start_us, end_us], dtype=np.int64))
    months = np.arange(np.datetime64(a, "M"), np.datetime64(b, "M") + 1)
    return [str(m) for m in months]


#: Included consumption per enterprise, meter and Asia/Shanghai month, in the meter's unit.
#: Mirrors :func:`carbonpeak.engine.meters.interval_consumption` rule by rule:
#: dedup (latest ingested wins) -> replacement offsets (ASOF join) -> differences of
#: cumulative registers -> rollover at register_max -> multiplier -> negative excluded ->
#: spikes (rate > 10 × the meter's median positive rate on the same local day, at least 8
#: positive intervals that day) excluded. The spike reference is per day so that the daily
#: rollups (:mod:`carbonpeak.monitoring.rollups`) can be kept up to date day by day; the
#: monthly figures the platform shows come from those rollups.
#: An interval (t[i-1], t[i]] belongs to the local day of t[i] - 1 ms. Readings from one
#: day before the window are read so that the window's first interval is complete.
MONTHLY_SQL = f"""
WITH r AS (
    SELECT meter_id, ts, arg_max(value, ingested_at) AS value
    FROM read_parquet($files, hive_partitioning = false)
    WHERE ts > make_timestamptz($s - 86400000000) AND ts <= make_timestamptz($e)
    GROUP BY meter_id, ts
), adj AS (
    SELECT r.meter_id, m.enterprise_id, m.kind, m.multiplier, m.register_max, epoch_ms(r.ts) AS t,
           r.value + coalesce(p.cum_offset, 0) AS v
    FROM r JOIN meters m ON m.meter_id = r.meter_id
    ASOF LEFT JOIN replacements p ON p.meter_id = r.meter_id AND epoch_us(r.ts) >= p.replaced_at_us
), d AS (
    SELECT meter_id, enterprise_id, kind, multiplier, register_max, t,
           CASE WHEN kind = 'interval' THEN v ELSE v - lag(v) OVER w END AS raw,
           CASE WHEN kind = 'interval' THEN 900000 ELSE t - lag(t) OVER w END AS dur
    FROM adj WINDOW w AS (PARTITION BY meter_id ORDER BY t)
), q AS (
    SELECT meter_id, enterprise_id, t, dur, (t - 1 + {SHANGHAI_OFFSET_MS}) // 86400000 AS day_n,
           multiplier * CASE WHEN kind = 'cumulative' AND register_max > 0 AND raw < 0
                                  AND raw + register_max >= 0 AND raw + register_max <= register_max / 2
                             THEN raw + register_max ELSE raw END AS use
    FROM d WHERE raw IS NOT NULL
), med AS (
    SELECT meter_id, day_n, median(use / dur) AS rate, count(*) AS n FROM q WHERE use > 0 GROUP BY ALL
)
SELECT q.enterprise_id, q.meter_id,
       strftime(make_timestamp((q.t - 1 + {SHANGHAI_OFFSET_MS}) * 1000), '%Y-%m') AS month,
       sum(q.use) AS use
FROM q LEFT JOIN med ON med.meter_id = q.meter_id AND med.day_n = q.day_n
WHERE q.use >= 0
  AND NOT (coalesce(med.n, 0) >= {MIN_SAMPLES_FOR_SPIKES} AND q.use / q.dur > {SPIKE_FACTOR} * med.rate)
  AND q.t - 1 >= $s // 1000 AND q.t - 1 < $e // 1000
GROUP BY ALL ORDER BY 1, 2, 3
"""


def monthly_params(files: list[str], start_us: int, end_us: int) -> dict[str, object]:
    return {"files": files, "s": int(start_us), "e": int(end_us)}


def empty_meters_table() -> pa.Table:
    return pa.table(
        {
            "meter_id": pa.array([], pa.int64()),
            "enterprise_id": pa.array([], pa.int64()),
            "kind": pa.array([], pa.string()),
            "multiplier": pa.array([], pa.float64()),
            "register_max": pa.array([], pa.float64()),
        }
    )


def replacements_table(rows: Sequence[tuple[int, int, float, float]]) -> pa.Table:
    """(meter_id, replaced_at_us, old_final, new_initial) -> table with cumulative offsets."""
    ordered = sorted(rows, key=lambda r: (r[0], r[1]))
    meter_ids: list[int] = []
    times: list[int] = []
    offsets: list[float] = []
    running: dict[int, float] = {}
    for meter_id, at_us, old_final, new_initial in ordered:
        running[meter_id] = running.get(meter_id, 0.0) + (old_final - new_initial)
        if meter_ids and meter_ids[-1] == meter_id and times[-1] == at_us:
            # two exchanges recorded at the same instant: one row with the combined offset,
            # so that the as-of join has a single match (DuckDB, numpy and Spark alike)
            offsets[-1] = running[meter_id]
            continue
        meter_ids.append(meter_id)
        times.append(at_us)
        offsets.append(running[meter_id])
    return pa.table(
        {
            "meter_id": pa.array(meter_ids, pa.int64()),
            "replaced_at_us": pa.array(times, pa.int64()),
            "cum_offset": pa.array(offsets, pa.float64()),
        }
    )
