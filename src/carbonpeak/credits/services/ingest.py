"""Partner ingest: signed batches of activity records, assessed and credited in one transaction.

Signature: ``X-Partner-Key`` (the partner's key id), ``X-Timestamp`` (Unix seconds) and
``X-Signature`` = hex HMAC-SHA256 of ``"<timestamp>." + body`` under the partner secret.
A timestamp more than :data:`REPLAY_WINDOW_S` from the platform clock is refused, so a
captured request cannot be replayed later; inside the window a replay is harmless
because records are idempotent by ``(partner, record_id)``.

The partner secret is never stored: it is derived from the platform key, the key id and
a per-partner salt (:func:`partner_secret`), shown to the office once and rotated by a
new salt.

Durability: a batch is one transaction: activities, ledger entries (chain lock held),
batch record and alarms commit together before the response is sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from carbonpeak.core import audit
from carbonpeak.core.errors import UserError
from carbonpeak.credits.models import (
    Activity,
    ActivityType,
    IngestBatch,
    LedgerEntry,
    Methodology,
    Partner,
    PartnerAlarm,
    Resident,
)
from carbonpeak.credits.services import ledger
from carbonpeak.credits.services.keys import hasher, keyed_hash
from carbonpeak.credits.services.methodologies import engine_versions
from carbonpeak.engine import carbon_inclusive as ci

REPLAY_WINDOW_S = 300
MAX_RECORDS = 5000
MAX_ERRORS_REPORTED = 1000
#: A reject-rate alarm needs a batch of at least this many records (platform rule).
ALARM_MIN_RECORDS = 20
FRAUD_REASONS = frozenset({"duplicate", "overlap", "end_before_start", "future", "too_long"})
_ACTIVITY_TYPES = frozenset(ActivityType.values)
_ACTIVITY_COLUMNS = (
    "region_id",
    "partner_id",
    "batch_id",
    "record_id",
    "resident_id",
    "activity_type",
    "started_at",
    "ended_at",
    "quantity",
    "evidence",
    "version_id",
    "status",
    "reason",
    "counted_quantity",
    "baseline_kg",
    "project_kg",
    "reduction_kg",
    "points",
)


class SignatureError(UserError):
    """The request is not signed by an active partner within the replay window (HTTP 401)."""


# ----------------------------------------------------------------------------- partners
def partner_secret(partner: Partner) -> str:
    return keyed_hash("partner", f"{partner.key_id}:{partner.secret_salt}")


def sign(secret: str, timestamp: str | int, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``"<timestamp>." + body`` (what a partner puts in X-Signature)."""
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def create_partner(
    *, region: Any, name: str, kind: str, activity_types: list[str], user: Any, contact: str = ""
) -> tuple[Partner, str]:
    """Register a partner; returns it and its secret (shown once). Side effects: row, audit."""
    name = name.strip()
    if not name:
        raise UserError("请填写合作方名称")
    bad = [t for t in activity_types if t not in _ACTIVITY_TYPES]
    if bad or not activity_types:
        raise UserError("请选择合作方可上报的活动类型")
    with transaction.atomic():
        p = Partner.objects.create(
            region=region,
            name=name,
            kind=kind,
            activity_types=list(activity_types),
            key_id="cip_" + secrets.token_hex(8),
            secret_salt=secrets.token_hex(16),
            contact=contact.strip(),
        )
        audit.record(user=user, action="create", instance=p, after={"name": name, "key_id": p.key_id})
    return p, partner_secret(p)


def rotate_secret(*, partner: Partner, user: Any) -> str:
    """A new secret (the old one stops working at once). Side effects: row, audit."""
    with transaction.atomic():
        partner.secret_salt = secrets.token_hex(16)
        partner.save(update_fields=["secret_salt"])
        audit.record(user=user, action="update", instance=partner, note="更换接口密钥")
    return partner_secret(partner)


def set_active(*, partner: Partner, active: bool, user: Any) -> None:
    with transaction.atomic():
        partner.active = active
        partner.save(update_fields=["active"])
        audit.record(user=user, action="update", instance=partner, after={"active": active})


def _raise_alarm(partner: Partner, kind: str, message: str) -> None:
    """One open alarm per partner and kind: a repeat updates its message."""
    updated = PartnerAlarm.objects.filter(partner=partner, kind=kind, closed_at__isnull=True).update(
        message=message[:300]
    )
    if not updated:
        PartnerAlarm.objects.create(partner=partner, kind=kind, message=message[:300])


def authenticate(
    *,
    key_id: str | None,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: dt.datetime | None = None,
) -> Partner:
    """The partner that signed this request. Raises SignatureError (Chinese) otherwise."""
    if not key_id or not timestamp or not signature:
        raise SignatureError("缺少 X-Partner-Key、X-Timestamp 或 X-Signature 请求头")
    partner = Partner.objects.select_related("region").filter(key_id=key_id.strip()).first()
    if partner is None or not partner.active:
        raise SignatureError("接口密钥ID无效或合作方已停用")
    try:
        ts = int(timestamp)
    except ValueError:
        raise SignatureError("X-Timestamp 应为 Unix 时间戳（秒）") from None
    now = now or timezone.now()
    if abs(now.timestamp() - ts) > REPLAY_WINDOW_S:
        raise SignatureError(f"X-Timestamp 与平台时间相差超过{REPLAY_WINDOW_S}秒，请校准时钟后重新签名")
    if not hmac.compare_digest(sign(partner_secret(partner), timestamp, body), signature.strip().lower()):
        with transaction.atomic():
            _raise_alarm(partner, PartnerAlarm.Kind.AUTH, f"{now:%Y-%m-%d %H:%M} 收到签名不正确的请求")
        raise SignatureError('签名不正确：应为 HMAC-SHA256(密钥, 时间戳 + "." + 请求体) 的十六进制')
    return partner


# ----------------------------------------------------------------------------- SQL helpers
def _table(model: Any) -> str:
    return transaction.get_connection().ops.quote_name(model._meta.db_table)


def _select_in(sql: str, params: list[Any], values: list[Any], chunk: int = 900) -> list[tuple]:
    """Rows of ``sql`` whose ``{in_}`` placeholder becomes ``%s, %s, …`` for ``values``.

    Raw SQL: the ORM resolves each of the hundreds of values of an ``__in`` lookup one by
    one, which cost about a third of a batch's CPU time.
    """
    out: list[tuple] = []
    if not values:
        return out
    with transaction.get_connection().cursor() as cur:
        for i in range(0, len(values), chunk):
            part = values[i : i + chunk]
            cur.execute(sql.format(in_=", ".join(["%s"] * len(part))), [*params, *part])
            out.extend(cur.fetchall())
    return out


def _datetime_adapter(conn: Any) -> Callable[[dt.datetime], Any]:
    """Aware datetime → database parameter, as Django's backend would adapt it.

    SQLite stores naive UTC text (``str(datetime)``, what
    ``DatabaseOperations.adapt_datetimefield_value`` returns); other backends take the
    aware datetime as is. Done here without Django's per-value checks (hot path).
    """
    if conn.vendor == "sqlite":
        return lambda v: str(v.astimezone(dt.UTC).replace(tzinfo=None))
    return conn.ops.adapt_datetimefield_value


def _beijing_day_sql(conn: Any) -> str:
    """SQL for the Beijing calendar day of ``started_at`` (UTC+8, no daylight saving)."""
    if conn.vendor == "sqlite":
        return "date(started_at, '+8 hours')"
    return "CAST((started_at AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS DATE)"


def read_dt(value: Any) -> Any:
    """A datetime column of a raw query as an aware datetime.

    SQLite gives naive UTC (text, or a naive datetime through Django's converters);
    PostgreSQL gives aware datetimes.
    """
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


# ----------------------------------------------------------------------------- records
@dataclass(frozen=True)
class RowError:
    row: int
    record_id: str
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "record_id": self.record_id, "field": self.field, "message": self.message}


@dataclass
class IngestResult:
    batch_id: int | None
    received: int
    credited: int = 0
    capped: int = 0
    rejected: int = 0
    repeated: int = 0
    points: int = 0
    reduction_kg: float = 0.0
    errors: list[RowError] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)


def _time(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError("应为 ISO 8601 时间字符串")
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("不是有效的 ISO 8601 时间") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=ci.BEIJING)
    return t


def _parse(
    i: int, row: Any, allowed: set[str], phone_hash: Callable[[str], str]
) -> tuple[dict[str, Any] | None, RowError | None]:
    if not isinstance(row, dict):
        return None, RowError(i, "", "", "记录应为 JSON 对象")
    rid = row.get("record_id")
    rid_s = str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) else ""
    if not rid_s or len(rid_s) > 64:
        return None, RowError(i, "", "record_id", "缺少合作方记录号（1-64个字符）")

    def err(f: str, m: str) -> tuple[None, RowError]:
        return None, RowError(i, rid_s, f, m)

    atype = row.get("activity_type")
    if atype not in _ACTIVITY_TYPES:
        return err("activity_type", "活动类型无效")
    if atype not in allowed:
        return err("activity_type", "本合作方无权上报该类活动")
    phone = row.get("phone")
    if not isinstance(phone, str) or len(phone) != 11 or not phone.isdigit():
        return err("phone", "应为居民注册的11位手机号码")
    try:
        start = _time(row.get("start"))
    except ValueError as e:
        return err("start", f"开始时间{e}")
    end = None
    if row.get("end") is not None:
        try:
            end = _time(row["end"])
        except ValueError as e:
            return err("end", f"结束时间{e}")
    elif atype in ("bus", "metro", "cycling", "ebike", "nev", "walking"):
        return err("end", "出行记录须有结束时间")
    q = row.get("quantity")
    if isinstance(q, bool) or not isinstance(q, (int, float)) or not math.isfinite(q):
        return err("quantity", "活动量应为数字")
    ev = row.get("evidence", {})
    if not isinstance(ev, dict):
        return err("evidence", "evidence 应为 JSON 对象")
    return {
        "row": i,
        "record_id": rid_s,
        "phone_hash": phone_hash(phone),
        "activity_type": atype,
        "start": start,
        "end": end,
        "quantity": float(q),
        "evidence": ev,
    }, None


def ingest(*, partner: Partner, rows: list[Any], now: dt.datetime | None = None) -> IngestResult:
    """Assess and credit a batch of activity records from ``partner``.

    Per record: a parse error is reported and nothing stored; a record id already
    received is reported as ``repeated`` with its earlier outcome and not stored again;
    every other record is stored with its assessment (credited, capped, rejected by a
    fraud rule or for lack of a methodology) and credited records get a ledger entry.

    Side effects (one transaction): Activity rows, LedgerEntry rows (chain lock held),
    one IngestBatch, partner.last_seen_at, at most one alarm per kind.
    """
    now = now or timezone.now()
    if len(rows) > MAX_RECORDS:
        raise UserError(f"每批最多 {MAX_RECORDS} 条记录，本批 {len(rows)} 条")
    result = IngestResult(batch_id=None, received=len(rows))
    allowed = set(partner.activity_types)
    phone_hash = hasher("phone")  # the same keyed hash as residents.phone_hash
    parsed: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    for i, row in enumerate(rows):
        rec, error = _parse(i, row, allowed, phone_hash)
        if error is not None:
            result.errors.append(error)
        elif rec is not None:
            if rec["record_id"] in seen_ids:
                result.errors.append(RowError(i, rec["record_id"], "record_id", "本批内记录号重复"))
                continue
            seen_ids.add(rec["record_id"])
            parsed.append(rec)
    region = partner.region
    methodologies = {m.activity_type: m for m in Methodology.objects.filter(region=region)}
    versions = engine_versions(region)

    # Outside the chain lock: who the residents are (a withdrawal racing with this batch
    # only means its last records are credited to the anonymous account).
    residents = dict(
        _select_in(
            f"SELECT phone_hash, id FROM {_table(Resident)} WHERE region_id = %s AND withdrawn_at IS NULL "
            "AND phone_hash IN ({in_})",
            [region.pk],
            list({r["phone_hash"] for r in parsed}),
        )
    )
    with transaction.atomic():
        head = ledger.lock_chain(region)
        # Idempotency: records already received keep their first outcome.
        earlier = dict(
            _select_in(
                f"SELECT record_id, status FROM {_table(Activity)} WHERE partner_id = %s AND record_id IN ({{in_}})",
                [partner.pk],
                [r["record_id"] for r in parsed],
            )
        )
        fresh: list[dict[str, Any]] = []
        for r in parsed:
            if r["record_id"] in earlier:
                result.repeated += 1
                result.results.append(
                    {
                        "row": r["row"],
                        "record_id": r["record_id"],
                        "status": "repeated",
                        "earlier": earlier[r["record_id"]],
                    }
                )
                continue
            rid = residents.get(r["phone_hash"])
            if rid is None:
                result.errors.append(
                    RowError(r["row"], r["record_id"], "phone", "该手机号未开通本县碳普惠账户或已撤回同意")
                )
                continue
            m = methodologies.get(r["activity_type"])
            missing = [k for k in (m.evidence_required if m else []) if k not in r["evidence"]]
            if missing:
                result.errors.append(
                    RowError(r["row"], r["record_id"], "evidence", "缺少证明字段：" + "、".join(missing))
                )
                continue
            r["resident_id"] = rid
            fresh.append(r)

        conn = transaction.get_connection()
        adapt_dt = _datetime_adapter(conn)
        acts = [
            ci.Activity(r["row"], r["resident_id"], r["activity_type"], r["start"], r["end"], r["quantity"])
            for r in fresh
        ]
        prior: list[ci.Activity] = []
        counted: dict[tuple, float] = defaultdict(float)
        if acts:
            residents_in = list({a.resident for a in acts})
            first = min(a.start for a in acts)
            last_end = max(a.end or a.start for a in acts)
            # Trips that can overlap or repeat one of the batch: they end after its first
            # start (or, without an end, start at or after it) and start before its last
            # end; no trip is longer than MAX_TRIP_H, which bounds the index range.
            for pk, res, atype, s0, e0, q in _select_in(
                "SELECT id, resident_id, activity_type, started_at, ended_at, quantity "
                f"FROM {_table(Activity)} WHERE started_at >= %s AND started_at <= %s "
                "AND (ended_at > %s OR (ended_at IS NULL AND started_at >= %s)) "
                "AND status IN ('credited', 'capped') AND resident_id IN ({in_})",
                [
                    adapt_dt(first - dt.timedelta(hours=ci.MAX_TRIP_H)),
                    adapt_dt(last_end),
                    adapt_dt(first),
                    adapt_dt(first),
                ],
                residents_in,
            ):
                prior.append(ci.Activity(("db", pk), res, atype, read_dt(s0), read_dt(e0), q))
            # Quantities already credited on the Beijing days of the batch (daily caps),
            # summed by the database per resident, version and day.
            day_lo = dt.datetime.combine(ci.beijing_day(first), dt.time(), tzinfo=ci.BEIJING)
            day_hi = dt.datetime.combine(
                max(ci.beijing_day(a.start) for a in acts) + dt.timedelta(days=1),
                dt.time(),
                tzinfo=ci.BEIJING,
            )
            day = _beijing_day_sql(conn)
            for res, vid, d, total in _select_in(
                f"SELECT resident_id, version_id, {day}, SUM(counted_quantity) FROM {_table(Activity)} "
                "WHERE started_at >= %s AND started_at < %s AND version_id IS NOT NULL "
                "AND status IN ('credited', 'capped') AND resident_id IN ({in_}) "
                f"GROUP BY resident_id, version_id, {day}",
                [adapt_dt(day_lo), adapt_dt(day_hi)],
                residents_in,
            ):
                counted[(res, vid, d if isinstance(d, dt.date) else dt.date.fromisoformat(d))] += total or 0.0
        assessments = ci.assess(acts, versions=versions, now=now, prior=prior, counted_today=counted)

        batch = IngestBatch.objects.create(
            partner=partner, received_at=now, received=len(rows), credited=0, capped=0, rejected=0, repeated=0
        )
        evidence_field = Activity._meta.get_field("evidence")
        no_evidence = evidence_field.get_db_prep_save({}, conn)
        rows_out = []
        credits: list[tuple[str, int, int, float, Any]] = []
        fraud_hits = 0
        region_id, partner_id, batch_id = region.pk, partner.pk, batch.pk
        for r, a in zip(fresh, assessments, strict=True):
            ev = r["evidence"]
            rows_out.append(
                (
                    region_id,
                    partner_id,
                    batch_id,
                    r["record_id"],
                    r["resident_id"],
                    r["activity_type"],
                    adapt_dt(r["start"]),
                    adapt_dt(r["end"]) if r["end"] is not None else None,
                    r["quantity"],
                    evidence_field.get_db_prep_save(ev, conn) if ev else no_evidence,
                    a.version_key,
                    a.status,
                    a.reason,
                    a.counted_quantity,
                    a.baseline_kg,
                    a.project_kg,
                    a.reduction_kg,
                    a.points,
                )
            )
            if a.status == ci.CREDITED:
                result.credited += 1
            elif a.status == ci.CAPPED:
                result.capped += 1
            else:
                result.rejected += 1
                fraud_hits += a.reason in FRAUD_REASONS
            if a.status != ci.REJECTED and (a.points or a.reduction_kg):
                credits.append((r["record_id"], r["resident_id"], a.points, a.reduction_kg, a.version_key))
            if a.status != ci.CREDITED:
                result.results.append(
                    {
                        "row": r["row"],
                        "record_id": r["record_id"],
                        "status": a.status,
                        "reason": a.reason,
                        "message": a.message,
                    }
                )
        ledger.insert_rows(Activity._meta.db_table, _ACTIVITY_COLUMNS, rows_out)
        ids = dict(
            _select_in(
                f"SELECT record_id, id FROM {_table(Activity)} WHERE partner_id = %s AND record_id IN ({{in_}})",
                [partner.pk],
                [c[0] for c in credits],
            )
        )
        entries = [
            {
                "kind": LedgerEntry.Kind.CREDIT,
                "resident_id": resident_id,
                "points": points,
                "reduction_kg": reduction_kg,
                "activity_id": ids[record_id],
                "version_id": version_id,
            }
            for record_id, resident_id, points, reduction_kg, version_id in credits
        ]
        ledger.append(head, entries, now=now)
        result.points = sum(e[2] for e in credits)
        result.reduction_kg = sum(e[3] for e in credits)
        IngestBatch.objects.filter(pk=batch.pk).update(
            credited=result.credited,
            capped=result.capped,
            rejected=result.rejected + len(result.errors),
            repeated=result.repeated,
        )
        Partner.objects.filter(pk=partner.pk).update(last_seen_at=now)
        bad = result.rejected + len(result.errors)
        considered = len(rows) - result.repeated
        if considered >= ALARM_MIN_RECORDS and bad * 100 >= partner.alarm_reject_pct * considered:
            _raise_alarm(
                partner,
                PartnerAlarm.Kind.REJECT_RATE,
                f"{now:%Y-%m-%d %H:%M} 批次#{batch.pk}：{considered} 条中拒收 {bad} 条（{bad * 100 / considered:.1f}%），"
                f"超过阈值 {partner.alarm_reject_pct:g}%",
            )
        if fraud_hits:
            _raise_alarm(
                partner,
                PartnerAlarm.Kind.FRAUD,
                f"{now:%Y-%m-%d %H:%M} 批次#{batch.pk}：{fraud_hits} 条记录触发重复、时间重叠或时间异常规则",
            )
        result.batch_id = batch.pk
    return result
