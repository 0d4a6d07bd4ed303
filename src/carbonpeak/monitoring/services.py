"""Use cases of online energy monitoring: tokens, ingestion, analysis, alarms, roll-ups.

Readings go to the Parquet meter store (:mod:`carbonpeak.monitoring.store`); everything
else (meters, tokens, batches, corrections, alarms) to the Django database. Conversion
to standard coal and CO2 goes through ``carbonpeak.engine.accounting.account_activity``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from carbonpeak.core import audit
from carbonpeak.core.formatting import format_number, format_percent
from carbonpeak.engine import budget as budget_engine
from carbonpeak.engine import meters as meter_engine
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.monitoring.models import (
    Alarm,
    ApiToken,
    Correction,
    IngestBatch,
    Meter,
    MeterReplacement,
    ReportedStatistic,
)
from carbonpeak.monitoring.rollups import MeterInfo, Rollups
from carbonpeak.monitoring.store import (
    MeterStore,
    PendingBatch,
    empty_meters_table,
    month_index,
    partition_plan,
    replacements_table,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TOKEN_PREFIX = "cpk_"
MAX_ERRORS_REPORTED = 200
#: Readings more than this far in the future are rejected [s].
FUTURE_TOLERANCE_S = 3600
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=SHANGHAI)
#: A meter silent for longer than this raises a staleness alarm [h].
STALE_AFTER_HOURS = 4

MSG = {
    "meter_missing": "缺少计量点编码（meter 或 meter_id）",
    "meter_unknown": "计量点不存在或不属于本企业",
    "meter_inactive": "计量点已停用",
    "ts_missing": "缺少读数时间",
    "ts_bad": "读数时间无法识别，应为 ISO 8601 格式，如 2026-01-01T08:15:00+08:00（不带时区按北京时间）",
    "ts_future": "读数时间晚于当前时间",
    "ts_old": "读数时间早于2000年",
    "value_missing": "缺少读数",
    "value_bad": "读数不是有效数字",
    "value_format": (
        "读数不是有效数字：只能写阿拉伯数字、小数点、正负号或科学计数法（如 12.5、-3、1e3），"
        "不能含千位分隔符、下划线、空格或全角数字，也不能是 NaN、Infinity"
    ),
    "value_range": "读数数字超出可表示的范围（绝对值应小于 1e308）",
    "meter_id_bad": "计量点ID应为正整数（如 12），不能是小数、布尔值或带分隔符的文本",
}

#: A reading written as text: ASCII digits, one optional sign, decimal point, exponent.
#: Python's float() also takes "1_000", "nan", "inf" and full-width digits; a data logger
#: sending those means something else (or nothing), so they are row errors, not numbers.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[0-9]+")


# --------------------------------------------------------------------------- store
@lru_cache(maxsize=4)
def _store_for(root: str) -> MeterStore:
    return MeterStore(root)


_RECONCILED: set[str] = set()


def get_store() -> MeterStore:
    """The meter store under ``settings.METER_STORE_DIR`` (reconciled once per process, see :func:`reconcile_store`)."""
    store = _store_for(str(settings.METER_STORE_DIR))
    if str(store.root) not in _RECONCILED:
        _RECONCILED.add(str(store.root))
        reconcile_store(store)
        rollups = _rollups_for(str(store.root))
        if not rollups.is_built() and not any(store.readings_dir.glob("enterprise_id=*")):
            rollups.mark_built()  # an empty store: the rollups are complete, and kept so batch by batch
    return store


@lru_cache(maxsize=4)
def _rollups_for(root: str) -> Rollups:
    return Rollups(_store_for(root))


def get_rollups() -> Rollups:
    """The daily rollups of :func:`get_store`."""
    return _rollups_for(str(get_store().root))


def reconcile_store(store: MeterStore) -> dict[str, int]:
    """Settle the batches of processes that died mid-ingest (called on a process's first use of the store).

    For each journal whose writer is gone (:meth:`MeterStore.orphaned_batches`): a
    batch with a committed :class:`IngestBatch` keeps its readings; one without loses
    its files (published, temporary and staged), so the store never shows readings
    the database does not account for; then its rollup days are recomputed. Returns
    counts (kept, discarded).
    """
    stats = {"kept": 0, "discarded": 0}
    for pending in store.orphaned_batches():
        try:
            batch_uuid = uuid.UUID(pending.batch_id)
        except ValueError:
            batch_uuid = None
        committed = batch_uuid is not None and IngestBatch.objects.filter(pk=batch_uuid).exists()
        # Journals of meter changes (not ingest batches) carry no files: only rollups to redo.
        is_batch = not pending.batch_id.startswith("rollup-")
        _settle_pending(store, pending, committed=committed or not is_batch)
        stats["kept" if committed or not is_batch else "discarded"] += 1
    return stats


def _meter_infos(meter_ids: Iterable[int] | None = None) -> tuple[dict[int, MeterInfo], pa.Table]:
    """Rollup inputs of some meters (default: all): their settings and replacement offsets."""
    qs = Meter.objects.all() if meter_ids is None else Meter.objects.filter(pk__in=list(meter_ids))
    meters = list(qs)
    infos = {
        m.pk: MeterInfo(m.pk, m.enterprise_id, m.kind, float(m.multiplier), float(m.register_max or 0.0))
        for m in meters
    }
    _mt, rt = meter_tables(meters)
    return infos, rt


def refresh_rollups(*, touched: Mapping[int, tuple[int, int]], locked: bool = False) -> int:
    """Recompute the rollup days of changes per meter at times [first, last] (UTC µs); returns rows.

    ``locked``: the caller already holds the store's write locks of the meters' enterprises.
    """
    if not touched:
        return 0
    rollups = get_rollups()
    infos, rt = _meter_infos(touched)
    if locked:
        return rollups.refresh(meters=infos, replacements=rt, touched=touched)
    with rollups.store.writing(sorted({i.enterprise_id for i in infos.values()})):
        return rollups.refresh(meters=infos, replacements=rt, touched=touched)


def rebuild_rollups() -> dict[str, int]:
    """Rebuild every daily rollup from the raw readings (``carbonpeak monitoring rebuild-rollups``)."""
    store = get_store()
    infos, rt = _meter_infos()
    ents = sorted(int(d.name.split("=", 1)[1]) for d in store.readings_dir.glob("enterprise_id=*"))
    with store.writing(ents):
        return get_rollups().rebuild(meters=infos, replacements=rt)


def aggregate_with_spark(*, master: str) -> dict[str, float]:
    """Rebuild the daily rollups with Spark (``carbonpeak monitoring aggregate --engine spark``).

    Exports the meters and replacement offsets next to the rollups, runs
    :func:`carbonpeak.monitoring.spark_job.run` with ``master`` over the store's
    ``readings/`` (executors must reach the same path: a shared file system, HDFS or
    S3), and swaps the result in for ``rollups/daily`` under the store's locks, so the
    platform reads it at once. Ingest waits while the job runs. Returns rows and seconds.
    """
    import shutil
    import time

    from carbonpeak.monitoring import spark_job

    store = get_store()
    rollups = get_rollups()
    work = store.root / "rollups" / f".spark-{uuid.uuid4().hex[:12]}"
    ents = sorted(int(d.name.split("=", 1)[1]) for d in store.readings_dir.glob("enterprise_id=*"))
    started = time.perf_counter()
    with store.writing(ents):
        try:
            export_spark_inputs(work / "input")
            rows = 0
            if ents:
                rows = spark_job.run(
                    master=master,
                    readings=str(store.readings_dir),
                    meters=str(work / "input" / "meters.parquet"),
                    replacements=str(work / "input" / "replacements.parquet"),
                    out=str(work / "daily"),
                )
            else:
                (work / "daily").mkdir()
            rollups.swap_in(work / "daily")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return {"rows": rows, "seconds": time.perf_counter() - started}


def export_spark_inputs(directory: Path) -> dict[str, int]:
    """Write ``meters.parquet`` and ``replacements.parquet`` for :mod:`carbonpeak.monitoring.spark_job`."""
    import pyarrow.parquet as pq

    infos, rt = _meter_infos()
    directory.mkdir(parents=True, exist_ok=True)
    mt = pa.table(
        {
            "meter_id": pa.array(list(infos), pa.int64()),
            "enterprise_id": pa.array([i.enterprise_id for i in infos.values()], pa.int64()),
            "kind": pa.array([i.kind for i in infos.values()], pa.string()),
            "multiplier": pa.array([i.multiplier for i in infos.values()], pa.float64()),
            "register_max": pa.array([i.register_max for i in infos.values()], pa.float64()),
        }
    )
    pq.write_table(mt, directory / "meters.parquet")
    pq.write_table(rt, directory / "replacements.parquet")
    return {"meters": mt.num_rows, "replacements": rt.num_rows}


def ensure_rollups() -> Rollups:
    """The rollups, rebuilt first if they were never built for this store (an upgrade)."""
    settle_deferred_rollups()
    rollups = get_rollups()
    if not rollups.is_built():
        if not any(rollups.store.readings_dir.glob("enterprise_id=*")):
            rollups.mark_built()
        else:
            rebuild_rollups()
    return rollups


def _meter_span(meter: Meter) -> tuple[int, int] | None:
    """First and last reading time of one meter [UTC µs], or None without readings."""
    store = get_store()
    files = store.files([meter.enterprise_id])
    if not files:
        return None
    with store.reading():
        rows = (
            store.connection()
            .execute(
                "SELECT min(epoch_us(ts)), max(epoch_us(ts)) FROM read_parquet($f) WHERE meter_id = $m",
                {"f": files, "m": int(meter.pk)},
            )
            .fetchall()
        )
    return None if not rows or rows[0][0] is None else (int(rows[0][0]), int(rows[0][1]))


def _journalled_refresh(
    store: MeterStore, enterprise_id: int, touched: dict[int, tuple[int, int]]
) -> PendingBatch:
    """Journal a rollup refresh that a meter change needs, before the change commits."""
    return store.begin_batch(f"rollup-{uuid.uuid4()}", [enterprise_id], touched)


# --------------------------------------------------------------------------- tokens
def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(*, enterprise: Enterprise, name: str, user: Any) -> tuple[ApiToken, str]:
    """Create an API token for ``enterprise``; returns the token and its secret (shown once).

    Side effects: one ApiToken row, one audit entry.
    """
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            enterprise=enterprise,
            name=name.strip() or "数据采集终端",
            prefix=secret[:10],
            token_hash=hash_token(secret),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        audit.record(
            user=user,
            action="create",
            instance=token,
            after={"enterprise": enterprise.pk, "name": token.name, "prefix": token.prefix},
        )
    return token, secret


def revoke_token(*, token: ApiToken, user: Any) -> None:
    """Revoke a token (idempotent). Side effects: revoked_at set, one audit entry."""
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(
                user=user,
                action="update",
                instance=token,
                after={"revoked_at": token.revoked_at},
                note="吊销接口令牌",
            )


def authenticate_token(secret: str | None) -> ApiToken | None:
    """The active token whose secret this is, or None."""
    if not secret:
        return None
    token = (
        ApiToken.objects.select_related("enterprise")
        .filter(token_hash=hash_token(secret.strip()), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --------------------------------------------------------------------------- ingestion
@dataclass(frozen=True)
class RowError:
    """A rejected row: ``row`` is the JSON index (0-based) or the file's line number."""

    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class IngestResult:
    batch_id: str
    received: int
    accepted: int
    rejected: int
    corrections: int
    errors: list[RowError] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.rejected == 0:
            return "accepted"
        return "partial" if self.accepted else "rejected"


class IngestError(ValueError):
    """A whole submission is unusable (unreadable file, missing columns)."""


def _parse_ts(raw: Any) -> dt.datetime | None:
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        value = dt.datetime.fromisoformat(text)
    else:
        raise ValueError
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value


def _parse_value(raw: Any) -> float:
    """A reading as float; ``ValueError`` (message key in ``args[0]``) for anything else.

    Accepts a JSON/Excel number or a plain decimal text (see ``_DECIMAL``); rejects
    booleans, NaN and infinities, and integers too large for a double (``OverflowError``
    of ``float()`` on a 400-digit integer became a server error).
    """
    if isinstance(raw, bool):
        raise ValueError("value_bad")
    if isinstance(raw, (int, float)):
        try:
            value = float(raw)
        except OverflowError:
            raise ValueError("value_range") from None
    elif isinstance(raw, str) and _DECIMAL.fullmatch(raw.strip()):
        value = float(raw.strip())
        if not math.isfinite(value):
            raise ValueError("value_range")
    elif isinstance(raw, str):
        try:  # something Python would read as a number ("1,2,3" once became 123): explain the form
            float(raw.strip().replace(",", "").replace(" ", ""))
        except ValueError:
            raise ValueError("value_bad") from None
        raise ValueError("value_format")
    else:
        raise ValueError("value_bad")
    if not math.isfinite(value):
        raise ValueError("value_bad")
    return value


def _parse_meter_id(raw: Any) -> int:
    """A meter id: a positive JSON integer (4.0 from a spreadsheet too) or digits as text.

    ``4.7`` used to become meter 4 and ``true`` meter 1; both are errors now.
    """
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and _INTEGER.fullmatch(raw.strip()):
        value = int(raw.strip())
    else:
        raise ValueError
    if value <= 0:
        raise ValueError
    return value


def ingest_rows(
    *,
    enterprise: Enterprise,
    rows: Sequence[Mapping[str, Any]],
    source: str,
    token: ApiToken | None = None,
    user: Any = None,
    filename: str = "",
    row_numbers: Sequence[int] | None = None,
) -> IngestResult:
    """Validate and store readings of one enterprise; valid rows are kept, bad rows reported.

    Each row has ``meter`` (code) or ``meter_id``, ``ts`` and ``value``. ``row_numbers``
    names the rows in errors (default: 0-based index). Duplicates of one (meter, ts)
    within the submission: the last one counts. Returns after the accepted readings are
    fsync'd to the store.

    Side effects: Parquet part files, one IngestBatch, Correction rows for values
    that replace different stored values.
    """
    meters = {m.code: m for m in Meter.objects.filter(enterprise=enterprise)}
    by_id = {m.pk: m for m in meters.values()}
    now = timezone.now()
    latest = now + dt.timedelta(seconds=FUTURE_TOLERANCE_S)
    fast = _rows_fast_path(rows, meters, latest)
    if fast is not None:
        fast_meter, fast_ts, fast_value = fast
        return _commit(
            enterprise=enterprise,
            meter_id=fast_meter,
            enterprise_id=np.full(len(fast_meter), enterprise.pk, dtype=np.int64),
            ts_us=fast_ts,
            value=fast_value,
            received=len(rows),
            errors=[],
            source=source,
            token=token,
            user=user,
            filename=filename,
        )
    errors: list[RowError] = []
    accepted: dict[tuple[int, int], float] = {}
    for i, row in enumerate(rows):
        n = row_numbers[i] if row_numbers is not None else i
        if not isinstance(row, Mapping):
            errors.append(RowError(n, "", "每条读数应为对象，含 meter、ts、value"))
            continue
        code = row.get("meter")
        mid = row.get("meter_id")
        meter = None
        if code not in (None, ""):
            meter = meters.get(str(code).strip())
        elif mid not in (None, ""):
            try:
                meter = by_id.get(_parse_meter_id(mid))
            except ValueError:
                errors.append(RowError(n, "meter_id", MSG["meter_id_bad"]))
                continue
        else:
            errors.append(RowError(n, "meter", MSG["meter_missing"]))
            continue
        if meter is None:
            errors.append(
                RowError(n, "meter" if code not in (None, "") else "meter_id", MSG["meter_unknown"])
            )
            continue
        if not meter.active:
            errors.append(RowError(n, "meter", MSG["meter_inactive"]))
            continue
        raw_ts = row.get("ts")
        if raw_ts in (None, ""):
            errors.append(RowError(n, "ts", MSG["ts_missing"]))
            continue
        try:
            ts = _parse_ts(raw_ts)
        except (TypeError, ValueError):
            ts = None
        if ts is None:
            errors.append(RowError(n, "ts", MSG["ts_bad"]))
            continue
        if ts > latest:
            errors.append(RowError(n, "ts", MSG["ts_future"]))
            continue
        if ts < EARLIEST:
            errors.append(RowError(n, "ts", MSG["ts_old"]))
            continue
        raw_value = row.get("value")
        if raw_value in (None, ""):
            errors.append(RowError(n, "value", MSG["value_missing"]))
            continue
        try:
            value = _parse_value(raw_value)
        except ValueError as exc:
            errors.append(RowError(n, "value", MSG[exc.args[0]]))
            continue
        reading_us = int(ts.timestamp() * 1_000_000)
        accepted[(meter.pk, reading_us)] = value
    keys = list(accepted)
    meter_id = np.fromiter((k[0] for k in keys), dtype=np.int64, count=len(keys))
    ts_us = np.fromiter((k[1] for k in keys), dtype=np.int64, count=len(keys))
    values = np.fromiter(accepted.values(), dtype=np.float64, count=len(keys))
    ent_ids = np.full(len(keys), enterprise.pk, dtype=np.int64)
    return _commit(
        enterprise=enterprise,
        meter_id=meter_id,
        enterprise_id=ent_ids,
        ts_us=ts_us,
        value=values,
        received=len(rows),
        errors=errors,
        source=source,
        token=token,
        user=user,
        filename=filename,
    )


def sort_dedup(
    meter_id: np.ndarray, enterprise_id: np.ndarray, ts_us: np.ndarray, value: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Order readings by (meter, time); of several readings of one (meter, time) keep the last.

    Vectorised: an O(n) check first, so input already in (meter, time) order with no
    duplicates (a data logger's normal output) is returned unchanged.
    """
    n = len(meter_id)
    if n < 2:
        return meter_id, enterprise_id, ts_us, value
    m, t = meter_id, ts_us
    if np.all((m[1:] > m[:-1]) | ((m[1:] == m[:-1]) & (t[1:] > t[:-1]))):
        return meter_id, enterprise_id, ts_us, value
    order = np.lexsort((t, m))  # stable: equal keys keep their submission order
    m, t = m[order], t[order]
    keep = np.ones(n, bool)
    keep[:-1] = (m[1:] != m[:-1]) | (t[1:] != t[:-1])  # the last of each run of equal keys
    sel = order[keep]
    return meter_id[sel], enterprise_id[sel], ts_us[sel], value[sel]


_fromiso = dt.datetime.fromisoformat


def _rows_fast_path(
    rows: Sequence[Mapping[str, Any]], meters: Mapping[str, Meter], latest: dt.datetime
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Arrays of a batch in which every row is a clean {meter: code, ts: ISO with offset, value: number}.

    What a data logger normally sends, converted with a few list comprehensions and
    checked with numpy. Returns None at the first thing that is not plainly valid
    (missing key, unknown/inactive meter, time without offset or unparsable, bool or
    string value, non-finite, out of range); the row-by-row loop of :func:`ingest_rows`
    then produces the precise errors. Produces exactly what that loop would.
    """
    if not rows:
        return None
    active_ids = {code: m.pk for code, m in meters.items() if m.active}
    try:
        ids = [active_ids[r["meter"]] for r in rows]
        stamps = [_fromiso(r["ts"]) for r in rows]
        raw_values = [r["value"] for r in rows]
    except (KeyError, TypeError, ValueError):
        return None
    if any(s.tzinfo is None for s in stamps):
        return None
    if not all(type(v) is float or type(v) is int for v in raw_values):
        return None
    try:
        values = np.array(raw_values, dtype=np.float64)
    except OverflowError:  # an integer beyond a double: the row loop reports it
        return None
    if not np.isfinite(values).all():
        return None
    ts_us = np.array([int(s.timestamp() * 1_000_000) for s in stamps], dtype=np.int64)
    if ts_us.max() > latest.timestamp() * 1_000_000 or ts_us.min() < EARLIEST.timestamp() * 1_000_000:
        return None
    return np.array(ids, dtype=np.int64), ts_us, values


def _commit(
    *,
    enterprise: Enterprise | None,
    meter_id: np.ndarray,
    enterprise_id: np.ndarray,
    ts_us: np.ndarray,
    value: np.ndarray,
    received: int,
    errors: list[RowError],
    source: str,
    token: ApiToken | None,
    user: Any,
    filename: str,
    month: np.ndarray | None = None,
) -> IngestResult:
    """Store valid readings (deduplicated here) and record the batch and its corrections.

    Under the per-enterprise write lock: look up which readings already exist (set-wise,
    through the store's partition key index), then write the new part files (fsync'd)
    before the database transaction commits and before the caller acknowledges.
    """
    store = get_store()
    batch_id = uuid.uuid4()
    given = np.asarray(meter_id, np.int64)
    meter_id, enterprise_id, ts_us, value = sort_dedup(
        given,
        np.asarray(enterprise_id, np.int64),
        np.asarray(ts_us, np.int64),
        np.asarray(value, np.float64),
    )
    if meter_id is not given:
        month = None  # rows were reordered or dropped: the plan recomputes the months
    n = len(meter_id)
    n_corrections = 0
    plan = partition_plan(enterprise_id, ts_us, month) if n else None
    touched = _touched_spans(meter_id, ts_us)
    pending = store.begin_batch(str(batch_id), plan.enterprise_ids if plan else [], touched) if n else None
    with _settle(store, pending), transaction.atomic():
        batch = _create_batch(
            batch_id=batch_id,
            enterprise=enterprise,
            source=source,
            token=token,
            user=user,
            filename=filename,
            received=received,
            accepted=n,
            errors=errors,
        )
        if plan is not None:
            with store.writing(plan.enterprise_ids):
                idx, old = store.existing_values(
                    meter_id=meter_id, enterprise_id=enterprise_id, ts_us=ts_us, plan=plan
                )
                changed = value[idx] != old
                idx, old = idx[changed], old[changed]
                # Durable before the transaction commits and before anyone is told "accepted".
                store.write(
                    meter_id=meter_id,
                    enterprise_id=enterprise_id,
                    ts_us=ts_us,
                    value=value,
                    batch_id=str(batch_id),
                    source=source,
                    plan=plan,
                    rollups_maintained=True,
                )
            if len(idx):
                n_corrections = _record_corrections(
                    batch=batch, meter_id=meter_id[idx], ts_us=ts_us[idx], old=old, new=value[idx]
                )
    return IngestResult(str(batch_id), received, n, len(errors), n_corrections, errors)


def _touched_spans(meter_id: np.ndarray, ts_us: np.ndarray) -> dict[int, tuple[int, int]]:
    """Per meter, the first and last reading time of a batch [UTC µs] (rows sorted by meter, time)."""
    if len(meter_id) == 0:
        return {}
    starts = np.flatnonzero(np.r_[True, meter_id[1:] != meter_id[:-1]])
    ends = np.r_[starts[1:] - 1, len(meter_id) - 1]
    out: dict[int, tuple[int, int]] = {}
    for m, a, b in zip(meter_id[starts].tolist(), ts_us[starts].tolist(), ts_us[ends].tolist(), strict=True):
        lo, hi = out.get(m, (a, b))
        out[m] = (min(lo, a), max(hi, b))
    return out


class _settle:
    """Settle a journalled batch when its database transaction ends (see ``MeterStore.begin_batch``).

    Entered outside ``transaction.atomic()``, so it sees the outcome: on success the
    rollup days the batch touched are recomputed; on any error the batch's files are
    removed first (no readings without their batch record), then its days recomputed.
    Either way the journal is dropped. A process killed in between leaves the journal,
    and :func:`reconcile_store` does the same on the next start.
    """

    def __init__(self, store: MeterStore, pending: PendingBatch | None, *, defer: bool = False):
        self.store, self.pending, self.defer = store, pending, defer

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.pending is None:
            return
        if exc_type is None and self.defer:
            _DEFERRED.append((self.store, self.pending))
            return
        _settle_pending(self.store, self.pending, committed=exc_type is None)


#: Committed bulk batches whose rollup days are still to be recomputed (journal held).
_DEFERRED: list[tuple[MeterStore, PendingBatch]] = []


def settle_deferred_rollups() -> int:
    """Recompute the rollup days of bulk batches acknowledged with ``defer_rollups``; returns batches.

    Called by ``monitoring ingest`` after it reports the batch, and before any rollup
    read in this process (:func:`ensure_rollups`). Until then other processes read the
    rollups as they were before the batch; a process that dies first leaves the journal,
    and the next start settles it (:func:`reconcile_store`).
    """
    n = 0
    while _DEFERRED:
        store, pending = _DEFERRED.pop(0)
        _settle_pending(store, pending, committed=True)
        n += 1
    return n


def _settle_pending(store: MeterStore, pending: PendingBatch, *, committed: bool) -> None:
    with store.writing(pending.enterprise_ids):
        if not committed:
            store.discard_batch(pending.batch_id, pending.enterprise_ids)
        refresh_rollups(touched=pending.touched, locked=True)
    pending.done()


def _create_batch(
    *,
    batch_id: uuid.UUID,
    enterprise: Enterprise | None,
    source: str,
    token: ApiToken | None,
    user: Any,
    filename: str,
    received: int,
    accepted: int,
    errors: Sequence[RowError],
) -> IngestBatch:
    """The batch record of one submission (inside the caller's transaction)."""
    return IngestBatch.objects.create(
        id=batch_id,
        enterprise=enterprise,
        source=source,
        token=token,
        user=user if getattr(user, "is_authenticated", False) else None,
        filename=filename[:200],
        received=received,
        accepted=accepted,
        rejected=len(errors),
        errors=[e.as_dict() for e in errors[:MAX_ERRORS_REPORTED]],
    )


def _record_corrections(
    *, batch: IngestBatch, meter_id: np.ndarray, ts_us: np.ndarray, old: np.ndarray, new: np.ndarray
) -> int:
    """Log each replaced value of ``batch`` (inside the caller's transaction); returns how many."""
    Correction.objects.bulk_create(
        [
            Correction(
                meter_id=m,
                ts=dt.datetime.fromtimestamp(t / 1e6, tz=dt.UTC),
                old_value=ov,
                new_value=nv,
                batch=batch,
            )
            for m, t, ov, nv in zip(
                meter_id.tolist(), ts_us.tolist(), old.tolist(), new.tolist(), strict=True
            )
        ],
        batch_size=1000,
    )
    batch.corrections = len(meter_id)
    batch.save(update_fields=["corrections"])
    return len(meter_id)


def ingest_excel(
    *,
    enterprise: Enterprise,
    file: Any,
    user: Any,
    filename: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> IngestResult:
    """Readings from an .xlsx sheet with header row 计量点编码/meter, 时间/ts, 读数/value.

    ``progress(rows_read, total_rows)`` is called every 5,000 rows read (total from the
    sheet's dimension; 0 when the file does not say) — used by background import jobs.
    """
    import openpyxl

    from carbonpeak.engine.filetypes import RejectedFile, check_zip_container

    try:
        check_zip_container(file, filename)
    except RejectedFile as exc:
        raise IngestError(str(exc)) from None
    try:
        wb = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise IngestError(f"无法读取Excel文件“{filename}”：不是有效的 .xlsx 文件") from exc
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header = next(it, None)
    if header is None:
        raise IngestError(f"Excel文件“{filename}”为空")
    columns = _map_header([str(h or "").strip() for h in header], filename)
    rows: list[dict[str, Any]] = []
    numbers: list[int] = []
    total = max(0, (ws.max_row or 1) - 1)
    for line, values in enumerate(it, start=2):
        if progress is not None and (line - 1) % 5000 == 0:
            progress(line - 1, total)
        if values is None or all(v in (None, "") for v in values):
            continue
        row = {key: values[idx] if idx < len(values) else None for key, idx in columns.items()}
        meter = row.get("meter")
        if isinstance(meter, (int, float)) and not isinstance(meter, bool):
            row["meter"] = str(int(meter)) if float(meter).is_integer() else str(meter)
        rows.append(row)
        numbers.append(line)
    return ingest_rows(
        enterprise=enterprise,
        rows=rows,
        source=IngestBatch.Source.UPLOAD,
        user=user,
        filename=filename,
        row_numbers=numbers,
    )


HEADER_ALIASES = {
    "meter": {"meter", "计量点编码", "计量点", "表计编码"},
    "meter_id": {"meter_id", "计量点ID", "计量点id"},
    "ts": {"ts", "时间", "读数时间", "timestamp"},
    "value": {"value", "读数", "数值", "用量"},
}


def _map_header(header: list[str], filename: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for idx, name in enumerate(header):
        for key, names in HEADER_ALIASES.items():
            if name in names and key not in columns:
                columns[key] = idx
    missing = [k for k in ("ts", "value") if k not in columns]
    if "meter" not in columns and "meter_id" not in columns:
        missing.insert(0, "meter")
    if missing:
        raise IngestError(
            f"文件“{filename}”缺少列：{'、'.join(missing)}（表头应为 meter 或 meter_id、ts、value）"
        )
    return columns


def ingest_csv(
    *,
    path: str | Path,
    enterprise: Enterprise | None,
    source: str,
    user: Any = None,
    filename: str = "",
    defer_rollups: bool = False,
) -> IngestResult:
    """Bulk ingest of a CSV file (header ``meter`` or ``meter_id``, ``ts``, ``value``), vectorized in DuckDB.

    Without ``enterprise`` (office CLI) rows must name ``meter_id``; with it, meters
    of other enterprises are rejected row by row. Line numbers in errors count the
    header as line 1. Valid rows are stored, bad rows reported (same policy as the API).
    ``defer_rollups``: a large ordered file (the bulk path) is acknowledged before its
    rollup days are recomputed; the caller then runs :func:`settle_deferred_rollups`.
    """
    path = Path(path)
    filename = filename or path.name
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone='Asia/Shanghai'")
        try:
            header = [
                r[0]
                for r in con.execute(
                    "DESCRIBE SELECT * FROM read_csv($p, header = true, all_varchar = true, sample_size = 1)",
                    {"p": str(path)},
                ).fetchall()
            ]
        except duckdb.Error as exc:
            raise IngestError(f"无法读取CSV文件“{filename}”：{str(exc).splitlines()[0][:200]}") from exc
        columns = _map_header([h.strip().lstrip("\ufeff") for h in header], filename)
        col = {k: header[i] for k, i in columns.items()}
        meters_qs = Meter.objects.all() if enterprise is None else Meter.objects.filter(enterprise=enterprise)
        mrows = list(meters_qs.values_list("id", "enterprise_id", "code", "active"))
        # Built from list parameters: registering an Arrow table makes DuckDB import
        # pandas (about 0.5 s in a fresh CLI process).
        con.execute(
            """
            CREATE TEMP TABLE known_meters AS
            SELECT unnest($ids)::BIGINT AS id, unnest($ents)::BIGINT AS enterprise_id,
                   unnest($codes)::VARCHAR AS code, unnest($active)::BOOLEAN AS active
            """,
            {
                "ids": [r[0] for r in mrows],
                "ents": [r[1] for r in mrows],
                "codes": [r[2] for r in mrows],
                "active": [bool(r[3]) for r in mrows],
            },
        )
        if "meter" in col and enterprise is not None:
            meter_expr, join = f'trim("{col["meter"]}")', "LEFT JOIN known_meters k ON k.code = s.meter_key"
        elif "meter_id" in col:
            meter_expr, join = (
                f'trim("{col["meter_id"]}")',
                "LEFT JOIN known_meters k ON k.id = TRY_CAST(s.meter_key AS BIGINT)",
            )
        else:
            raise IngestError(
                f"文件“{filename}”按计量点编码（meter）识别计量点时须指定企业；命令行请用 --enterprise，或改用 meter_id 列"
            )
        now_us = int((timezone.now().timestamp() + FUTURE_TOLERANCE_S) * 1_000_000)
        earliest_us = int(EARLIEST.timestamp() * 1_000_000)
        if "meter_id" in col and not ("meter" in col and enterprise is not None):
            fast = _csv_fast_path(
                con,
                path,
                col,
                mrows,
                now_us,
                earliest_us,
                enterprise=enterprise,
                source=source,
                user=user,
                filename=filename,
                defer_rollups=defer_rollups,
            )
            if isinstance(fast, IngestResult):
                con.close()
                return fast
            if fast is not None:
                m, e, t, v, month = fast
                con.close()
                return _commit(
                    enterprise=enterprise,
                    meter_id=m,
                    enterprise_id=e,
                    ts_us=t,
                    value=v,
                    received=len(m),
                    errors=[],
                    source=source,
                    token=None,
                    user=user,
                    filename=filename,
                    month=month,
                )
        try:
            con.execute(
                f"""
                CREATE TEMP TABLE staged AS
                WITH s AS (
                    SELECT row_number() OVER () + 1 AS line, {meter_expr} AS meter_key,
                           "{col["ts"]}" AS ts_raw, "{col["value"]}" AS value_raw
                    FROM read_csv($p, header = true, all_varchar = true)
                )
                SELECT s.line, s.meter_key, k.id AS meter_id, k.enterprise_id, k.active,
                       TRY_CAST(replace(s.ts_raw, 'Z', '+00:00') AS TIMESTAMPTZ) AS ts,
                       TRY_CAST(replace(s.value_raw, ',', '') AS DOUBLE) AS value, s.ts_raw, s.value_raw
                FROM s {join}
                """,
                {"p": str(path)},
            )
        except duckdb.Error as exc:
            raise IngestError(f"无法读取CSV文件“{filename}”：{str(exc).splitlines()[0][:200]}") from exc
        con.execute(
            f"""
            CREATE TEMP TABLE checked AS SELECT *,
              CASE
                WHEN meter_key IS NULL OR meter_key = '' THEN 'meter|{MSG["meter_missing"]}'
                WHEN meter_id IS NULL THEN 'meter|{MSG["meter_unknown"]}'
                WHEN NOT active THEN 'meter|{MSG["meter_inactive"]}'
                WHEN ts_raw IS NULL OR trim(ts_raw) = '' THEN 'ts|{MSG["ts_missing"]}'
                WHEN ts IS NULL THEN 'ts|{MSG["ts_bad"]}'
                WHEN epoch_us(ts) > {now_us} THEN 'ts|{MSG["ts_future"]}'
                WHEN epoch_us(ts) < {earliest_us} THEN 'ts|{MSG["ts_old"]}'
                WHEN value_raw IS NULL OR trim(value_raw) = '' THEN 'value|{MSG["value_missing"]}'
                WHEN value IS NULL OR NOT isfinite(value) THEN 'value|{MSG["value_bad"]}'
              END AS problem
            FROM staged
            """
        )
        count_row = con.execute("SELECT count(*) FROM checked").fetchone()
        received = count_row[0] if count_row is not None else 0  # count(*) always yields a row
        bad = con.execute(
            "SELECT line, problem FROM checked WHERE problem IS NOT NULL ORDER BY line"
        ).fetchall()
        errors = [RowError(int(line), p.split("|", 1)[0], p.split("|", 1)[1]) for line, p in bad]
        good = con.sql(
            """
            SELECT meter_id, enterprise_id, epoch_us(ts) AS ts_us, arg_max(value, line) AS value
            FROM checked WHERE problem IS NULL GROUP BY meter_id, enterprise_id, ts
            """
        ).to_arrow_table()
    finally:
        con.close()
    return _commit(
        enterprise=enterprise,
        meter_id=good.column("meter_id").to_numpy(),
        enterprise_id=good.column("enterprise_id").to_numpy(),
        ts_us=good.column("ts_us").to_numpy(),
        value=good.column("value").to_numpy(),
        received=int(received),
        errors=errors,
        source=source,
        token=None,
        user=user,
        filename=filename,
    )


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _numpy_view(column: pa.Array) -> np.ndarray:
    """Zero-copy numpy view of a null-free Arrow INT64 or DOUBLE array.

    ``pa.Array.to_numpy`` imports pandas on first use (about 0.5 s in a fresh CLI process).
    """
    dtype = _ARROW_NUMPY[column.type]
    return np.frombuffer(column.buffers()[1], dtype, len(column), column.offset * dtype.itemsize)


_ARROW_NUMPY = {pa.int64(): np.dtype(np.int64), pa.float64(): np.dtype(np.float64)}


def _csv_fast_path(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    col: Mapping[str, str],
    mrows: Sequence[tuple[int, int, str, bool]],
    now_us: int,
    latest_ok_earliest_us: int,
    *,
    enterprise: Enterprise | None = None,
    source: str = "",
    user: Any = None,
    filename: str = "",
    defer_rollups: bool = False,
) -> IngestResult | tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """A file in which every row is valid, parsed and checked without a per-row Python loop.

    DuckDB parses the CSV in parallel into a temporary table ``incoming`` of
    ``meter_id`` BIGINT, ``ts_us`` BIGINT (parsed as TIMESTAMPTZ, naive times in the
    session zone Asia/Shanghai) and ``value`` DOUBLE. The table is then checked in
    Arrow batches with numpy (no nulls, known active meters through a dense id array,
    times in range, finite values) and whether it is strictly ordered by (meter,
    time), which proves that no (meter, time) occurs twice; in order, each meter's
    rows are one run, whose first and last times give the months it touches. Returns:

    - None as soon as any row is not plainly valid: the caller runs the row-by-row
      reporting path, the reference for the error messages;
    - arrays ``(meter_id, enterprise_id, ts_us, value, month)`` when the rows are valid
      but not strictly ordered (duplicates possible): :func:`_commit` sorts and keeps
      the last of each (meter, time);
    - otherwise the committed :class:`IngestResult`: DuckDB writes the partition files
      in parallel (:meth:`MeterStore.write_relation`); corrections are looked up only
      for partitions that already exist.
    """
    if not mrows:
        return None
    types = ", ".join(
        f"{_sql_str(col[k])}: {_sql_str(t)}"
        for k, t in (("meter_id", "BIGINT"), ("ts", "TIMESTAMPTZ"), ("value", "DOUBLE"))
    )
    ids = np.array([r[0] for r in mrows], np.int64)
    if (
        ids.min() < 0 or ids.max() >= 1 << 21
    ):  # dense lookup below; the store's key packing has the same bound
        return None
    # Enterprise of each active meter id; -1 for unknown or inactive ids.
    ent_of = np.full(int(ids.max()) + 1, -1, np.int64)
    ent_of[ids] = [r[1] if r[3] else -1 for r in mrows]
    try:
        con.execute(
            f"""
            CREATE TEMP TABLE incoming AS
            SELECT "{col["meter_id"].replace('"', '""')}" AS meter_id,
                   epoch_us("{col["ts"].replace('"', '""')}") AS ts_us,
                   "{col["value"].replace('"', '""')}" AS value
            FROM read_csv($p, header = true, types = {{{types}}})
            """,
            {"p": str(path)},
        )
    except duckdb.Error:
        return None
    total = 0
    ordered = True
    prev_m = prev_t = None
    spans: dict[int, list[int]] = {}  # meter -> [first, last] time, while in order
    reader = con.sql("SELECT meter_id, ts_us, value FROM incoming").to_arrow_reader(1 << 20)
    for batch in reader:
        if batch.num_rows == 0:
            continue
        if any(batch.column(i).null_count for i in range(3)):
            return None
        m, t, v = (_numpy_view(batch.column(i)) for i in range(3))
        if m.min() < 0 or m.max() >= len(ent_of) or ent_of[m].min() < 0:
            return None
        if t.max() > now_us or t.min() < latest_ok_earliest_us or not np.isfinite(v).all():
            return None
        if ordered:
            joins = prev_m is None or m[0] > prev_m or (m[0] == prev_m and t[0] > prev_t)
            ordered = joins and bool(np.all((m[1:] > m[:-1]) | ((m[1:] == m[:-1]) & (t[1:] > t[:-1]))))
            prev_m, prev_t = m[-1], t[-1]
        if ordered:
            starts = np.flatnonzero(m[1:] != m[:-1]) + 1
            firsts, lasts = np.r_[0, starts], np.r_[starts - 1, len(m) - 1]
            for meter, first, last in zip(
                m[firsts].tolist(), t[firsts].tolist(), t[lasts].tolist(), strict=True
            ):
                span = spans.setdefault(meter, [first, last])
                span[1] = last
        total += batch.num_rows
    if total == 0:
        return None
    if not ordered:
        cols = con.sql("SELECT meter_id, ts_us, value FROM incoming").fetchnumpy()
        m, t = np.asarray(cols["meter_id"]), np.asarray(cols["ts_us"])
        return (m, ent_of[m], t, np.asarray(cols["value"]), month_index(t))
    return _commit_bulk(
        con=con,
        rows=total,
        ent_of=ent_of,
        spans=spans,
        enterprise=enterprise,
        source=source,
        user=user,
        filename=filename,
        defer_rollups=defer_rollups,
    )


_BULK_ROWS_SQL = "SELECT meter_id, ts_us, value FROM incoming"


def _commit_bulk(
    *,
    con: duckdb.DuckDBPyConnection,
    rows: int,
    ent_of: np.ndarray,
    spans: Mapping[int, Sequence[int]],
    enterprise: Enterprise | None,
    source: str,
    user: Any,
    filename: str,
    defer_rollups: bool = False,
) -> IngestResult:
    """:func:`_commit` for a validated, duplicate-free temporary table ``incoming`` on ``con``.

    ``ent_of[meter_id]`` is the enterprise of each meter in the table and
    ``spans[meter_id]`` its first and last reading time (UTC µs). The partitions
    touched are taken as every month from first to last: a superset when a meter
    skips a month, which costs only a lookup of that month's folder. Same order of
    events: batch record, per-enterprise write locks, correction lookup (only rows of
    partitions that already exist can be corrections), durable files, then the
    database transaction commits and the caller acknowledges.
    """
    store = get_store()
    batch_id = uuid.uuid4()
    meters_by_enterprise: dict[int, set[int]] = {}
    parts_set: set[tuple[int, int]] = set()
    for m, (first, last) in spans.items():
        ent = int(ent_of[m])
        meters_by_enterprise.setdefault(ent, set()).add(int(m))
        lo, hi = month_index(np.array([first, last], np.int64)).tolist()
        parts_set.update((ent, mi) for mi in range(lo, hi + 1))
    parts = sorted(parts_set)
    n_corrections = 0
    touched = {int(m): (int(a), int(b)) for m, (a, b) in spans.items()}
    pending = store.begin_batch(str(batch_id), sorted({int(e) for e, _m in parts}), touched)
    with _settle(store, pending, defer=defer_rollups), transaction.atomic():
        batch = _create_batch(
            batch_id=batch_id,
            enterprise=enterprise,
            source=source,
            token=None,
            user=user,
            filename=filename,
            received=rows,
            accepted=rows,
            errors=[],
        )
        with store.writing(sorted({int(e) for e, _m in parts})):
            existing = [
                (int(e), int(mi))
                for e, mi in parts
                if store.partition_dir(int(e), str(np.datetime64(int(mi), "M"))).is_dir()
            ]
            idx = np.array([], np.int64)
            old = np.array([], np.float64)
            if existing:
                # Meters whose enterprise has an existing partition; the months are
                # matched in numpy.
                candidates = sorted({m for e, _mi in existing for m in meters_by_enterprise[e]})
                sub = con.sql(
                    f"""
                    SELECT * FROM ({_BULK_ROWS_SQL}) b
                    SEMI JOIN (SELECT unnest($m)::BIGINT AS m) x ON x.m = b.meter_id
                    """,
                    params={"m": candidates},
                ).to_arrow_table()
                sm = sub.column("meter_id").to_numpy()
                se = ent_of[sm]
                sts = sub.column("ts_us").to_numpy()
                smi = month_index(sts)
                existing_keys = np.array([e * 100_000 + mi for e, mi in existing], np.int64)
                keep = np.isin(se * 100_000 + smi, existing_keys)
                sm, se, sts, smi = sm[keep], se[keep], sts[keep], smi[keep]
                sv = sub.column("value").to_numpy()[keep]
                plan = partition_plan(se, sts, smi)
                idx, old = store.existing_values(meter_id=sm, enterprise_id=se, ts_us=sts, plan=plan)
                changed = sv[idx] != old
                idx, old = idx[changed], old[changed]
            # Durable before the transaction commits and before anyone is told "accepted".
            try:
                store.write_relation(
                    con=con,
                    relation_sql=_BULK_ROWS_SQL,
                    meters_by_enterprise={e: sorted(ms) for e, ms in meters_by_enterprise.items()},
                    rows=rows,
                    batch_id=str(batch_id),
                    source=source,
                    rollups_maintained=True,
                )
            except (duckdb.Error, OSError) as exc:  # e.g. disk full: nothing was published
                raise IngestError(
                    f"写入计量库失败，本批读数均未保存，可稍后重试：{str(exc).splitlines()[0][:200]}"
                ) from exc
        if len(idx):
            n_corrections = _record_corrections(
                batch=batch, meter_id=sm[idx], ts_us=sts[idx], old=old, new=sv[idx]
            )
    return IngestResult(str(batch_id), rows, rows, 0, n_corrections, [])


# --------------------------------------------------------------------------- meters
def save_meter(*, meter: Meter, user: Any) -> Meter:
    """Create or update a meter. Side effects: one audit entry; a change of kind, multiplier
    or register maximum recomputes the meter's daily rollups."""
    creating = meter.pk is None
    old = None if creating else Meter.objects.get(pk=meter.pk)
    pending = None
    if old is not None and (old.kind, old.multiplier, old.register_max) != (
        meter.kind,
        meter.multiplier,
        meter.register_max,
    ):
        span = _meter_span(old)
        if span is not None:
            pending = _journalled_refresh(get_store(), old.enterprise_id, {old.pk: span})
    with _settle(get_store(), pending), transaction.atomic():
        before = None if old is None else audit.snapshot(old)
        meter.full_clean()
        meter.save()
        audit.record(
            user=user,
            action="create" if creating else "update",
            instance=meter,
            before=before,
            after=audit.snapshot(meter),
        )
    return meter


def record_replacement(
    *, meter: Meter, replaced_at: dt.datetime, old_final: float, new_initial: float, note: str, user: Any
) -> MeterReplacement:
    """Record a meter exchange. Side effects: one MeterReplacement, one audit entry, the
    rollup days around the exchange recomputed."""
    at_us = int(replaced_at.timestamp() * 1_000_000)
    pending = _journalled_refresh(get_store(), meter.enterprise_id, {meter.pk: (at_us, at_us)})
    with _settle(get_store(), pending), transaction.atomic():
        return _record_replacement(
            meter=meter,
            replaced_at=replaced_at,
            old_final=old_final,
            new_initial=new_initial,
            note=note,
            user=user,
        )


def _record_replacement(
    *, meter: Meter, replaced_at: dt.datetime, old_final: float, new_initial: float, note: str, user: Any
) -> MeterReplacement:
    rep = MeterReplacement.objects.create(
        meter=meter,
        replaced_at=replaced_at,
        old_final=old_final,
        new_initial=new_initial,
        note=note,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit.record(
        user=user, action="create", instance=rep, object_repr=f"{meter} 换表", after=audit.snapshot(rep)
    )
    return rep


# --------------------------------------------------------------------------- conversion
class ConversionUnavailable(RuntimeError):
    """The accounting engine cannot convert this carrier/unit/year."""


@lru_cache(maxsize=512)
def _unit_factors(carrier: str, unit: str, year: int) -> tuple[float, float | None, str]:
    """tce and tCO2 per one unit of ``carrier`` (the accounting engine is linear in quantity)."""
    try:
        from carbonpeak.engine.accounting import account_activity
    except ImportError as exc:
        raise ConversionUnavailable("折标与碳排放核算引擎（engine.accounting）不可用") from exc
    try:
        result = account_activity(carrier, 1000.0, unit, year)
    except Exception as exc:  # the engine's errors name the carrier/unit
        raise ConversionUnavailable(f"{carrier}（{unit}）无法折算：{exc}") from exc
    co2 = getattr(result, "co2_t", None)
    return (
        float(result.energy_tce) / 1000.0,
        (float(co2) / 1000.0 if co2 is not None else None),
        str(getattr(result, "trace", ""))[:500],
    )


def convert(carrier: str, quantity: float, unit: str, year: int) -> tuple[float | None, float | None, str]:
    """(energy_tce, co2_t, note) of a quantity; None values with a Chinese note when not convertible."""
    try:
        tce_per, co2_per, _trace = _unit_factors(carrier, unit, year)
    except ConversionUnavailable as exc:
        return None, None, str(exc)
    return quantity * tce_per, (quantity * co2_per if co2_per is not None else None), ""


# --------------------------------------------------------------------------- analysis
def _year_bounds_us(year: int) -> tuple[int, int]:
    start = dt.datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    return int(start.timestamp() * 1e6), int(end.timestamp() * 1e6)


def meter_tables(meters: Iterable[Meter]) -> tuple[pa.Table, pa.Table]:
    """Arrow tables of meters and replacement offsets for the store's SQL (1 query for replacements)."""
    meters = list(meters)
    if not meters:
        return empty_meters_table(), replacements_table([])
    mt = pa.table(
        {
            "meter_id": pa.array([m.pk for m in meters], pa.int64()),
            "enterprise_id": pa.array([m.enterprise_id for m in meters], pa.int64()),
            "kind": pa.array([m.kind for m in meters], pa.string()),
            "multiplier": pa.array([m.multiplier for m in meters], pa.float64()),
            "register_max": pa.array([m.register_max for m in meters], pa.float64()),
        }
    )
    reps = MeterReplacement.objects.filter(meter_id__in=[m.pk for m in meters]).values_list(
        "meter_id", "replaced_at", "old_final", "new_initial"
    )
    rt = replacements_table([(mid, int(at.timestamp() * 1e6), of, ni) for mid, at, of, ni in reps])
    return mt, rt


def monthly_by_meter(
    *, year: int, enterprise_ids: Sequence[int] | None = None
) -> tuple[list[Meter], list[tuple[int, int, str, float]]]:
    """Meters and their included consumption per local month of ``year`` [meter unit]."""
    qs = (
        Meter.objects.all()
        if enterprise_ids is None
        else Meter.objects.filter(enterprise_id__in=enterprise_ids)
    )
    meters = list(qs)
    start_day = (dt.date(year, 1, 1) - dt.date(1970, 1, 1)).days
    end_day = (dt.date(year + 1, 1, 1) - dt.date(1970, 1, 1)).days
    infos = {m.pk: m for m in meters}
    rows = ensure_rollups().monthly(
        meters=infos, start_day=start_day, end_day=end_day, enterprise_ids=enterprise_ids
    )
    return meters, rows


@dataclass
class CarrierMonth:
    month: str
    carrier: str
    unit: str
    quantity: float
    energy_tce: float | None
    co2_t: float | None
    note: str = ""


def enterprise_monthly(*, enterprise: Enterprise, year: int) -> list[CarrierMonth]:
    """Metered consumption of one enterprise per month and carrier, in physical units, tce and CO2."""
    meters, rows = monthly_by_meter(year=year, enterprise_ids=[enterprise.pk])
    by_id = {m.pk: m for m in meters}
    sums: dict[tuple[str, str, str], float] = defaultdict(float)
    for _ent, mid, month, use in rows:
        m = by_id[mid]
        sums[(month, m.carrier, m.unit)] += use
    out = []
    for (month, carrier, unit), qty in sorted(sums.items()):
        tce, co2, note = convert(carrier, qty, unit, year)
        out.append(CarrierMonth(month, carrier, unit, qty, tce, co2, note))
    return out


def _months_of(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def _per_enterprise_month_tce(
    year: int,
) -> tuple[dict[int, dict[str, float]], dict[int, dict[str, float]], list[str]]:
    meters, rows = monthly_by_meter(year=year)
    by_id = {m.pk: m for m in meters}
    tce: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    co2: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    notes: set[str] = set()
    for ent, mid, month, use in rows:
        m = by_id[mid]
        e, c, note = convert(m.carrier, use, m.unit, year)
        if note:
            notes.add(note)
        if e is not None:
            tce[ent][month] += e
        if c is not None:
            co2[ent][month] += c
    return tce, co2, sorted(notes)


def county_monthly_rollup(year: int | None = None) -> list[dict[str, Any]]:
    """County roll-up of monitored enterprises: one dict per month of ``year`` (default: this year).

    Keys: ``month`` ("YYYY-MM"), ``energy_tce``, ``co2_t``, ``enterprises_reporting``
    (enterprises with metered consumption that month). A constant number of SQL
    queries (meters, replacements) plus one DuckDB query over the meter store.
    """
    year = year or timezone.localdate().year
    tce, co2, _notes = _per_enterprise_month_tce(year)
    out = []
    for month in _months_of(year):
        reporting = [e for e in tce if tce[e].get(month, 0.0) > 0]
        out.append(
            {
                "month": month,
                "energy_tce": sum(tce[e].get(month, 0.0) for e in tce),
                "co2_t": sum(co2[e].get(month, 0.0) for e in co2),
                "enterprises_reporting": len(reporting),
            }
        )
    return out


def last_complete_day(now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), SHANGHAI).date() - dt.timedelta(days=1)


def enterprise_status_summary(
    year: int | None = None, now: dt.datetime | None = None, enterprises_qs: Any = None
) -> list[dict[str, Any]]:
    """One dict per enterprise for lists and the dashboard (constant number of SQL queries).

    Keys: ``enterprise_id``, ``name``, ``uscc``, ``park``, ``township``, ``meters``,
    ``open_alarms``, ``ytd_energy_tce``, ``ytd_co2_t``, ``energy_budget_tce``,
    ``budget_use_pct`` (of the pro-rated budget), ``budget_level`` / ``budget_label`` /
    ``budget_badge``, ``key_unit_status`` / ``key_unit_label``, ``last_reading_at``,
    ``stale`` (a meter silent > 4 h), ``is_sample``.
    """
    now = now or timezone.now()
    today = timezone.localtime(now, SHANGHAI).date()
    year = year or today.year
    through = min(last_complete_day(now), dt.date(year, 12, 31))
    elapsed = budget_engine.year_elapsed_fraction(year, through)
    enterprises = list(
        (enterprises_qs if enterprises_qs is not None else Enterprise.objects.all())
        .annotate(
            meter_count=Count("meters", distinct=True),
            open_alarms=Count("alarms", filter=Q(alarms__status=Alarm.Status.OPEN), distinct=True),
        )
        .order_by("name")
    )
    tce, co2, _notes = _per_enterprise_month_tce(year)
    prev_tce, _c, _n = _per_enterprise_month_tce(year - 1)
    last = get_store().last_reading_times()
    meter_ent = dict(Meter.objects.filter(active=True).values_list("id", "enterprise_id"))
    last_by_ent: dict[int, int] = {}
    stale_ent: set[int] = set()
    now_ms = int(now.timestamp() * 1000)
    for mid, ent in meter_ent.items():
        t = last.get(mid)
        if t is not None:
            last_by_ent[ent] = max(last_by_ent.get(ent, 0), t)
        if meter_engine.is_stale(t, now_ms, max_silence_ms=STALE_AFTER_HOURS * 3600_000):
            stale_ent.add(ent)
    out = []
    for e in enterprises:
        ytd = sum(tce.get(e.pk, {}).values()) if e.pk in tce else None
        ytd_co2 = sum(co2.get(e.pk, {}).values()) if e.pk in co2 else None
        use = None
        if e.energy_budget_tce and ytd is not None and elapsed > 0:
            use = budget_engine.budget_use(ytd, float(e.energy_budget_tce), elapsed)
        metered_annual = sum(prev_tce[e.pk].values()) if e.pk in prev_tce else None
        status = e.key_unit_status(metered_annual)
        out.append(
            {
                "enterprise_id": e.pk,
                "name": e.name,
                "uscc": e.uscc,
                "park": e.park,
                "township": e.township,
                "meters": e.meter_count,
                "open_alarms": e.open_alarms,
                "ytd_energy_tce": ytd,
                "ytd_co2_t": ytd_co2,
                "energy_budget_tce": float(e.energy_budget_tce) if e.energy_budget_tce is not None else None,
                "budget_use_pct": use.use_of_prorated_pct if use else None,
                "budget_level": use.level if use else None,
                "budget_label": use.label if use else "",
                "budget_badge": use.badge if use else "",
                "key_unit_status": status,
                "key_unit_label": budget_engine.KEY_UNIT_LABELS[status],
                "last_reading_at": dt.datetime.fromtimestamp(last_by_ent[e.pk] / 1000, tz=dt.UTC)
                if e.pk in last_by_ent
                else None,
                "stale": e.pk in stale_ent,
                "is_sample": e.is_sample,
            }
        )
    return out


def enterprise_budget(
    *, enterprise: Enterprise, year: int, now: dt.datetime | None = None
) -> budget_engine.BudgetUse | None:
    """Budget use of one enterprise in ``year`` (None without budget or conversion)."""
    if not enterprise.energy_budget_tce:
        return None
    rows = enterprise_monthly(enterprise=enterprise, year=year)
    if any(r.energy_tce is None for r in rows):
        return None
    through = min(last_complete_day(now), dt.date(year, 12, 31))
    elapsed = budget_engine.year_elapsed_fraction(year, through)
    if elapsed <= 0:
        return None
    return budget_engine.budget_use(
        sum(r.energy_tce or 0.0 for r in rows), float(enterprise.energy_budget_tce), elapsed
    )


def meter_daily(
    *, meter: Meter, start: dt.date, end: dt.date
) -> tuple[dict[str, float], meter_engine.QualitySummary]:
    """Daily included consumption [meter unit] of one meter in [start, end] and its data quality."""
    s = dt.datetime.combine(start, dt.time(), tzinfo=SHANGHAI)
    e = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)
    s_us, e_us = int(s.timestamp() * 1e6), int(e.timestamp() * 1e6)
    table = get_store().readings([meter.pk], [meter.enterprise_id], s_us - 86_400_000_000, e_us)
    ts = table.column("ts_ms").to_numpy().astype(np.int64)
    vals = table.column("value").to_numpy().astype(np.float64)
    reps = [
        meter_engine.Replacement(int(r.replaced_at.timestamp() * 1000), r.old_final, r.new_initial)
        for r in meter.replacements.all()
    ]
    series = meter_engine.interval_consumption(
        ts,
        vals,
        kind=meter.kind,
        multiplier=meter.multiplier,
        register_max=meter.register_max,
        replacements=reps,
    )
    daily = {
        d: v
        for d, v in meter_engine.daily_totals(series).items()
        if start.isoformat() <= d <= end.isoformat()
    }
    quality = meter_engine.quality_summary(ts, series, s_us // 1000, e_us // 1000)
    return daily, quality


# --------------------------------------------------------------------------- alarms
def _upsert_alarm(
    *,
    key: str,
    enterprise_id: int,
    meter_id: int | None,
    kind: str,
    severity: str,
    period: str,
    message: str,
    detail: dict[str, Any],
) -> bool:
    alarm, created = Alarm.objects.get_or_create(
        key=key,
        defaults={
            "enterprise_id": enterprise_id,
            "meter_id": meter_id,
            "kind": kind,
            "severity": severity,
            "period": period,
            "message": message,
            "detail": detail,
        },
    )
    if not created:
        alarm.message, alarm.detail, alarm.severity = message, detail, severity
        alarm.save(update_fields=["message", "detail", "severity", "last_seen"])
    return created


def run_checks(*, now: dt.datetime | None = None, day: dt.date | None = None) -> dict[str, int]:
    """Raise data-quality and budget alarms (idempotent: re-running updates, never duplicates).

    - staleness: an active meter silent for more than 4 hours (or never heard from);
    - for ``day`` (default: yesterday, Asia/Shanghai) per meter: completeness < 90 %,
      gaps, negative deltas, spikes, flat runs of 24 h;
    - reported monthly statistics that differ from metered totals by more than 5 %;
    - budget use at 80/90/100 % of the pro-rated budget.

    Returns the number of alarms created per kind.
    """
    now = now or timezone.now()
    day = day or last_complete_day(now)
    created: dict[str, int] = defaultdict(int)
    now_ms = int(now.timestamp() * 1000)
    last = get_store().last_reading_times()
    meters = list(
        Meter.objects.filter(active=True).select_related("enterprise").prefetch_related("replacements")
    )
    with transaction.atomic():
        hour = timezone.localtime(now, SHANGHAI).strftime("%Y-%m-%d")
        for m in meters:
            t = last.get(m.pk)
            if meter_engine.is_stale(t, now_ms, max_silence_ms=STALE_AFTER_HOURS * 3600_000):
                since = (
                    "从未上报数据"
                    if t is None
                    else "最后一条读数时间 "
                    + timezone.localtime(dt.datetime.fromtimestamp(t / 1000, tz=dt.UTC), SHANGHAI).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                )
                if _upsert_alarm(
                    key=f"stale:{m.pk}:{t or 0}",
                    enterprise_id=m.enterprise_id,
                    meter_id=m.pk,
                    kind=Alarm.Kind.STALE,
                    severity=Alarm.Severity.WARNING,
                    period=hour,
                    message=f"计量点 {m.code} 超过{STALE_AFTER_HOURS}小时未上报（{since}）",
                    detail={"last_ts_ms": t},
                ):
                    created["stale"] += 1
            if t is None:
                continue
            daily, q = meter_daily(meter=m, start=day, end=day)
            d = day.isoformat()
            checks = []
            if q.completeness_pct < meter_engine.COMPLETENESS_MIN_PCT:
                checks.append(
                    (
                        Alarm.Kind.COMPLETENESS,
                        Alarm.Severity.WARNING,
                        f"{d} 数据完整率 {q.completeness_pct:.1f}%，低于90%",
                        {"completeness_pct": q.completeness_pct, "gaps": len(q.gaps)},
                    )
                )
            if q.negative:
                checks.append(
                    (
                        Alarm.Kind.NEGATIVE,
                        Alarm.Severity.WARNING,
                        f"{d} 出现 {q.negative} 个负增量区间（已剔除，不计入用量）",
                        {"count": q.negative},
                    )
                )
            if q.spikes:
                checks.append(
                    (
                        Alarm.Kind.SPIKE,
                        Alarm.Severity.WARNING,
                        f"{d} 出现 {q.spikes} 个突变区间（已剔除，不计入用量）",
                        {"count": q.spikes},
                    )
                )
            if q.flat_runs:
                longest = max(r.intervals for r in q.flat_runs)
                checks.append(
                    (
                        Alarm.Kind.FLAT,
                        Alarm.Severity.NOTICE,
                        f"{d} 读数连续 {longest} 个采样周期不变（停产或表计故障？）",
                        {"intervals": longest},
                    )
                )
            for kind, severity, msg, detail in checks:
                if _upsert_alarm(
                    key=f"{kind}:{m.pk}:{d}",
                    enterprise_id=m.enterprise_id,
                    meter_id=m.pk,
                    kind=kind,
                    severity=severity,
                    period=d,
                    message=f"计量点 {m.code}：{msg}",
                    detail=detail,
                ):
                    created[str(kind)] += 1
        created_c = _check_consistency(year=day.year)
        created["consistency"] += created_c
        for row in enterprise_status_summary(year=day.year, now=now):
            if row["budget_level"] in ("notice", "warning", "exceeded"):
                level = row["budget_level"]
                if _upsert_alarm(
                    key=f"budget:{row['enterprise_id']}:{day.year}:{level}",
                    enterprise_id=row["enterprise_id"],
                    meter_id=None,
                    kind=Alarm.Kind.BUDGET,
                    severity=Alarm.Severity.NOTICE if level == "notice" else Alarm.Severity.WARNING,
                    period=str(day.year),
                    message=f"{day.year}年用能已达按时间进度预算的 {row['budget_use_pct']:.1f}%（{row['budget_label']}）",
                    detail={"use_pct": row["budget_use_pct"]},
                ):
                    created["budget"] += 1
    return dict(created)


def consistency_rows(*, enterprise: Enterprise, year: int) -> list[dict[str, Any]]:
    """Reported vs metered monthly totals per carrier, with deviation and the 5 % verdict."""
    metered = {(r.month, r.carrier): r for r in enterprise_monthly(enterprise=enterprise, year=year)}
    out = []
    for rs in ReportedStatistic.objects.filter(enterprise=enterprise, year=year).order_by("month", "carrier"):
        month = f"{year}-{rs.month:02d}"
        m = metered.get((month, rs.carrier))
        qty = m.quantity if m and m.unit == rs.unit else (None if m else 0.0)
        dev = budget_engine.consistency_deviation_pct(qty, rs.quantity) if qty is not None else None
        out.append(
            {
                "month": month,
                "carrier": rs.carrier,
                "unit": rs.unit,
                "reported": rs.quantity,
                "metered": qty,
                "deviation_pct": dev,
                "ok": dev is not None and dev <= budget_engine.CONSISTENCY_MAX_PCT,
                "note": ""
                if m is None or m.unit == rs.unit
                else f"计量单位（{m.unit}）与报表单位（{rs.unit}）不同，无法比对",
            }
        )
    return out


def consistency_message(row: Mapping[str, Any]) -> str:
    """The alarm text of one reported-versus-metered comparison, figures written for people.

    ``2025-03 天然气：报表 1,045,900 m³，在线监测 968,422 m³，偏差 7.4%，超过5%``
    """
    dev = row["deviation_pct"]
    limit = format_percent(budget_engine.CONSISTENCY_MAX_PCT, 0)
    text = f"偏差 {format_percent(dev)}，超过{limit}" if dev is not None else (row["note"] or "无法比对")
    unit = row["unit"]
    reported = format_number(row["reported"], unit=unit)
    metered = format_number(row["metered"], unit=unit) if row["metered"] is not None else "无数据"
    return f"{row['month']} {row['carrier']}：报表 {reported}，在线监测 {metered}，{text}"


def _check_consistency(*, year: int) -> int:
    created = 0
    for ent in Enterprise.objects.filter(reported_statistics__year=year).distinct():
        for row in consistency_rows(enterprise=ent, year=year):
            if row["ok"]:
                continue
            if _upsert_alarm(
                key=f"consistency:{ent.pk}:{row['month']}:{row['carrier']}",
                enterprise_id=ent.pk,
                meter_id=None,
                kind=Alarm.Kind.CONSISTENCY,
                severity=Alarm.Severity.WARNING,
                period=row["month"],
                message=consistency_message(row),
                detail={k: row[k] for k in ("reported", "metered", "deviation_pct")},
            ):
                created += 1
    return created


@transaction.atomic
def close_alarm(*, alarm: Alarm, user: Any, note: str) -> None:
    """Mark an alarm handled. Side effects: status, one audit entry."""
    before = audit.snapshot(alarm)
    alarm.status = Alarm.Status.CLOSED
    alarm.closed_at = timezone.now()
    alarm.closed_by = user
    alarm.close_note = note[:300]
    alarm.save()
    audit.record(
        user=user,
        action="update",
        instance=alarm,
        before=before,
        after=audit.snapshot(alarm),
        note="处理告警",
    )


@transaction.atomic
def save_reported(
    *, enterprise: Enterprise, carrier: str, year: int, month: int, quantity: float, unit: str, user: Any
) -> ReportedStatistic:
    """Create or replace one month's reported statistic. Side effects: one audit entry."""
    obj, created = ReportedStatistic.objects.update_or_create(
        enterprise=enterprise,
        carrier=carrier,
        year=year,
        month=month,
        defaults={
            "quantity": quantity,
            "unit": unit,
            "entered_by": user if getattr(user, "is_authenticated", False) else None,
        },
    )
    audit.record(
        user=user,
        action="create" if created else "update",
        instance=obj,
        object_repr=f"{enterprise} {year}-{month:02d} {carrier}",
        after=audit.snapshot(obj),
    )
    return obj
