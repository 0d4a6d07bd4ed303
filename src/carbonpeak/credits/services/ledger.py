"""The append-only credit ledger: appending under the chain lock, balances, verification.

Every region has one hash chain (:class:`~carbonpeak.credits.models.ChainHead`). An append
takes the chain head's row lock (an UPDATE, so SQLite takes its write lock at once and
PostgreSQL the row lock), computes the hashes of the whole batch in one pass and writes
the entries with one bulk insert, inside the caller's transaction: entries become visible
together with the activity or redemption they belong to, or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from carbonpeak.core import audit
from carbonpeak.core.errors import UserError
from carbonpeak.credits.models import Activity, ChainHead, LedgerEntry, Resident, ledger_payload
from carbonpeak.engine.hashchain import GENESIS, entry_hash, verify_chain


def lock_chain(region: Any) -> ChainHead:
    """Lock the region's chain head for the rest of the transaction and return it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_chain must run inside transaction.atomic()")
    if not ChainHead.objects.filter(region=region).update(seq=F("seq")):
        ChainHead.objects.get_or_create(region=region, defaults={"hash": GENESIS})
        ChainHead.objects.filter(region=region).update(seq=F("seq"))
    return ChainHead.objects.get(region=region)


_COLUMNS = (
    "region_id",
    "seq",
    "kind",
    "resident_id",
    "points",
    "reduction_kg",
    "activity_id",
    "version_id",
    "redemption_id",
    "note",
    "created_at",
    "prev_hash",
    "hash",
)


def insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ``rows`` in bulk.

    PostgreSQL: one ``COPY … FROM STDIN``; SQLite: ``executemany`` of one prepared
    statement. Both are several times faster than model ``bulk_create``. Runs in the
    caller's transaction.
    """
    if not rows:
        return
    conn = transaction.get_connection()
    q = conn.ops.quote_name
    if conn.vendor == "postgresql":
        # COPY: rows are dumped by psycopg's C dumpers, no SQL text to build or parse.
        conn.ensure_connection()
        raw = conn.connection.cursor()  # type: ignore[union-attr]
        with raw.copy(f"COPY {q(table)} ({', '.join(q(c) for c in columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    # SQLite: executemany runs the prepared statement in C for every row.
    with conn.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {q(table)} ({', '.join(q(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            rows,
        )


def append(head: ChainHead, entries: list[dict[str, Any]], *, now: dt.datetime | None = None) -> list[str]:
    """Number, hash and insert ``entries`` after ``head`` (locked by :func:`lock_chain`).

    Each entry is a dict with ``kind``, ``resident_id``, ``points`` and optionally
    ``reduction_kg``, ``activity_id``, ``version_id``, ``redemption_id``, ``note``. The
    hashes are computed in one pass and the rows written with one ``executemany``.
    Side effects: the entries and the new chain head are written. Returns the hashes.
    """
    if not entries:
        return []
    now = (now or timezone.now()).astimezone(dt.UTC)
    conn = transaction.get_connection()
    db_now = conn.ops.adapt_datetimefield_value(now)
    seq, prev = head.seq, head.hash
    rows = []
    hashes = []
    for e in entries:
        seq += 1
        fields = {
            "seq": seq,
            "region_id": head.region_id,
            "kind": e["kind"],
            "resident_id": e["resident_id"],
            "points": int(e["points"]),
            "reduction_kg": float(e.get("reduction_kg") or 0.0),
            "activity_id": e.get("activity_id"),
            "version_id": e.get("version_id"),
            "redemption_id": e.get("redemption_id"),
            "note": e.get("note", ""),
            "created_at": now,
        }
        h = entry_hash(prev, ledger_payload(**fields))
        rows.append(
            (
                head.region_id,
                seq,
                fields["kind"],
                fields["resident_id"],
                fields["points"],
                fields["reduction_kg"],
                fields["activity_id"],
                fields["version_id"],
                fields["redemption_id"],
                fields["note"],
                db_now,
                prev,
                h,
            )
        )
        hashes.append(h)
        prev = h
    insert_rows(LedgerEntry._meta.db_table, _COLUMNS, rows)
    ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    head.seq, head.hash = seq, prev
    return hashes


def balance(resident: Resident) -> int:
    """Points balance: the sum of the resident's ledger entries [points]."""
    return LedgerEntry.objects.filter(resident=resident).aggregate(s=Sum("points"))["s"] or 0


def reduction_total_kg(resident: Resident) -> float:
    """Credited emission reduction net of reversals [kg CO2]."""
    return LedgerEntry.objects.filter(resident=resident).aggregate(s=Sum("reduction_kg"))["s"] or 0.0


def reverse_activity(*, activity: Activity, user: Any, reason: str) -> None:
    """Reverse a credited activity (e.g. fraud found later): a reversal entry of the opposite sign.

    Side effects: one ledger entry, the activity marked reversed, one audit entry.

    Raises
    ------
    UserError
        No reason given, or the activity has no credit to reverse.
    """
    reason = reason.strip()
    if not reason:
        raise UserError("请填写冲正原因")
    with transaction.atomic():
        head = lock_chain(activity.region)
        act = Activity.objects.select_for_update().get(pk=activity.pk)
        credit = LedgerEntry.objects.filter(activity=act, kind=LedgerEntry.Kind.CREDIT).first()
        if act.status == Activity.Status.REVERSED or credit is None:
            raise UserError("该活动没有可冲正的入账记录")
        append(
            head,
            [
                {
                    "kind": LedgerEntry.Kind.REVERSAL,
                    "resident_id": act.resident_id,
                    "points": -credit.points,
                    "reduction_kg": -credit.reduction_kg,
                    "activity_id": act.pk,
                    "version_id": credit.version_id,
                    "note": reason[:200],
                }
            ],
        )
        Activity.objects.filter(pk=act.pk).update(status=Activity.Status.REVERSED)
        audit.record(user=user, action="update", instance=act, after={"status": "reversed", "reason": reason})


@dataclass(frozen=True)
class ChainReport:
    """Result of verifying one region's chain."""

    region_id: int
    entries: int
    first_bad_seq: int | None
    message: str

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None and not self.message


def verify(*, regions: Iterable[Any] | None = None, chunk: int = 5000) -> list[ChainReport]:
    """Recompute every region's chain; report the first entry that does not fit.

    Also checks that sequence numbers have no gaps and that the chain head matches the
    last entry (a deleted tail would otherwise go unnoticed).
    """
    heads = ChainHead.objects.all()
    if regions is not None:
        heads = heads.filter(region__in=list(regions))
    reports = []
    for head in heads.order_by("region_id"):
        prev, expected_seq, count, bad, msg = GENESIS, 1, 0, None, ""
        last = 0
        while True:
            rows = list(
                LedgerEntry.objects.filter(region_id=head.region_id, seq__gt=last).order_by("seq")[:chunk]
            )
            if not rows:
                break
            idx = verify_chain(
                ({"payload": r.payload(), "prev_hash": r.prev_hash, "hash": r.hash} for r in rows),
                start_hash=prev,
            )
            gap = next((i for i, r in enumerate(rows) if r.seq != expected_seq + i), None)
            if idx is not None or gap is not None:
                i = min(x for x in (idx, gap) if x is not None)
                bad = rows[i].seq
                msg = f"第 {bad} 条记录与哈希链不符（被修改、删除或插入）"
                break
            count += len(rows)
            prev, last, expected_seq = rows[-1].hash, rows[-1].seq, rows[-1].seq + 1
        if bad is None and (head.seq != last or head.hash != prev):
            msg = f"链头记录为第 {head.seq} 条，账本只到第 {last} 条（末尾记录被删除或链头被改）"
        reports.append(ChainReport(head.region_id, count, bad, msg))
    return reports


def expire_points(*, region: Any, before: dt.datetime, user: Any) -> tuple[int, int]:
    """Expire points credited before ``before`` that were not spent (oldest spent first).

    Spending consumes the oldest points first, so what may still be spent of the old
    points is the part of the balance not covered by credits since ``before``:

    .. math:: E = \\max(0, B - C_{\\ge t})

    where :math:`B` is the balance and :math:`C_{\\ge t}` the points credited (net of
    reversals) at or after ``before``. Side effects: one expiry entry per resident with
    :math:`E > 0`, one audit entry. Returns (residents, points expired).
    """
    with transaction.atomic():
        head = lock_chain(region)
        totals = dict(
            LedgerEntry.objects.filter(region=region)
            .values("resident_id")
            .annotate(b=Sum("points"))
            .values_list("resident_id", "b")
        )
        recent = dict(
            LedgerEntry.objects.filter(
                region=region,
                created_at__gte=before,
                kind__in=(LedgerEntry.Kind.CREDIT, LedgerEntry.Kind.REVERSAL),
            )
            .values("resident_id")
            .annotate(c=Sum("points"))
            .values_list("resident_id", "c")
        )
        entries: list[dict[str, Any]] = []
        total = 0
        for resident_id, balance_points in sorted(totals.items()):
            expired = max(0, (balance_points or 0) - max(0, recent.get(resident_id) or 0))
            if expired:
                total += expired
                entries.append(
                    {
                        "kind": LedgerEntry.Kind.EXPIRY,
                        "resident_id": resident_id,
                        "points": -expired,
                        "note": f"{before:%Y-%m-%d} 前获得的积分到期",
                    }
                )
        append(head, entries)
        audit.record(
            user=user,
            action="update",
            object_type="credits.LedgerEntry",
            object_repr=f"积分到期 {before:%Y-%m-%d}",
            after={"residents": len(entries), "points": total},
        )
    return len(entries), total
