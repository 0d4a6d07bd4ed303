"""The meter store's part in ``carbonpeak backup`` (registered in ``MonitoringConfig.ready``).

- freeze: the store's compaction lock is held for the whole backup, so no part file is
  merged away or removed while it is copied; ingestion is not blocked.
- copy: every committed part file is hard-linked into the archive, except readings of
  an ingest batch that is not in the database snapshot (written to the store but not yet
  committed when the snapshot was taken, i.e. in flight): those rows are left out, so
  the archive holds each batch either with its readings or not at all. Rows without a
  batch record that are older than :data:`IN_FLIGHT_S` are kept as they are (they are
  part of the store that the running platform shows).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from carbonpeak.core.backup import Component, Snapshot, link_or_copy

#: A batch whose readings were written this recently [s] may still be committing.
IN_FLIGHT_S = 3600


def _store() -> Any:
    from carbonpeak.monitoring.services import get_store

    return get_store()


@contextlib.contextmanager
def _freeze() -> Iterator[None]:
    store = _store()
    store.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(store.root / ".compact.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits for a running compaction to finish
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _key(value: Any) -> str:
    return uuid.UUID(str(value)).hex


def _copy(source: Path, target: Path, snapshot: Snapshot) -> dict[str, Any]:
    known = {_key(r[0]) for r in snapshot.query("SELECT id FROM monitoring_ingestbatch")}
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=IN_FLIGHT_S)
    files = rows_left_out = 0
    for name in _store().files():
        path = Path(name)
        rel = path.relative_to(source)
        batch_ids = pq.read_table(path, columns=["batch_id"]).column("batch_id")
        present = {_key(b) for b in pc.unique(batch_ids).to_pylist() if b is not None}
        if present <= known:
            link_or_copy(path, target / rel)
            files += 1
            continue
        table = pq.read_table(path)
        keys = pa.array([_key(b) if b is not None else "" for b in table.column("batch_id").to_pylist()])
        recorded = pc.is_in(keys, value_set=pa.array(sorted(known), pa.string()))
        old = pc.less(table.column("ingested_at"), pa.scalar(cutoff, table.schema.field("ingested_at").type))
        keep = pc.or_(recorded, old)
        kept = table.filter(keep)
        rows_left_out += table.num_rows - kept.num_rows
        if kept.num_rows:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(kept, target / rel, compression="zstd", store_schema=False)
            files += 1
    return {"part_files": files, "in_flight_rows_left_out": rows_left_out}


def component() -> Component:
    return Component("meter-store", "计量数据", lambda: Path(_store().root), freeze=_freeze, copy=_copy)
