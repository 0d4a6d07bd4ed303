"""Office totals and public leaderboards, from the ledger (reversals net out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from carbonpeak.credits.models import ActivityType, LedgerEntry
from carbonpeak.engine.carbon_inclusive import BEIJING

_TYPE_LABELS = dict(ActivityType.choices)


@dataclass(frozen=True)
class TotalRow:
    activity_type: str
    activity_label: str
    township: str
    month: dt.date | None
    activities: int
    reduction_kg: float
    points: int


def totals(entries: QuerySet[LedgerEntry], *, year: int | None = None) -> list[TotalRow]:
    """Credited reduction and points by activity type, township and month (Beijing time).

    ``entries`` is already scoped to what the user may see (``visible_to``).
    """
    qs = entries.filter(kind__in=(LedgerEntry.Kind.CREDIT, LedgerEntry.Kind.REVERSAL), activity__isnull=False)
    if year:
        start = dt.datetime(year, 1, 1, tzinfo=BEIJING)
        qs = qs.filter(activity__started_at__gte=start, activity__started_at__lt=start.replace(year=year + 1))
    rows = (
        qs.annotate(month=TruncMonth("activity__started_at", tzinfo=BEIJING))
        .values("activity__activity_type", "resident__township", "month")
        .annotate(
            n=Count("id", filter=Q(kind=LedgerEntry.Kind.CREDIT))
            - Count("id", filter=Q(kind=LedgerEntry.Kind.REVERSAL)),
            kg=Sum("reduction_kg"),
            pts=Sum("points"),
        )
        .order_by("month", "activity__activity_type", "resident__township")
    )
    out = []
    for r in rows:
        m = r["month"]
        out.append(
            TotalRow(
                activity_type=r["activity__activity_type"],
                activity_label=_TYPE_LABELS.get(r["activity__activity_type"], r["activity__activity_type"]),
                township=r["resident__township"] or "（未填写）",
                month=m.date() if isinstance(m, dt.datetime) else m,
                activities=r["n"],
                reduction_kg=r["kg"] or 0.0,
                points=r["pts"] or 0,
            )
        )
    return out


def summary(entries: QuerySet[LedgerEntry]) -> dict[str, Any]:
    """Overall credited reduction [kg CO2], points issued and spent, residents credited."""
    credit = entries.filter(
        kind__in=(LedgerEntry.Kind.CREDIT, LedgerEntry.Kind.REVERSAL), activity__isnull=False
    )
    agg = credit.aggregate(kg=Sum("reduction_kg"), pts=Sum("points"))
    spent = entries.filter(kind=LedgerEntry.Kind.REDEMPTION).aggregate(p=Sum("points"))["p"] or 0
    return {
        "reduction_t": (agg["kg"] or 0.0) / 1000,
        "points_issued": agg["pts"] or 0,
        "points_redeemed": -spent,
        "residents": credit.values("resident").distinct().count(),
    }


def leaderboard(entries: QuerySet[LedgerEntry], *, by: str, limit: int = 20) -> list[dict[str, Any]]:
    """Townships or communities ranked by credited reduction [kg CO2] (no individual shown)."""
    key = "resident__township" if by == "township" else "resident__community"
    rows = (
        entries.filter(kind__in=(LedgerEntry.Kind.CREDIT, LedgerEntry.Kind.REVERSAL), activity__isnull=False)
        .exclude(**{key: ""})
        .values(key)
        .annotate(kg=Sum("reduction_kg"), residents=Count("resident", distinct=True))
        .order_by("-kg")[:limit]
    )
    return [{"name": r[key], "reduction_kg": r["kg"] or 0.0, "residents": r["residents"]} for r in rows]


def dashboard_card(region: Any, user: Any) -> dict[str, Any] | None:
    """The leaders' dashboard card (``core.registry.dashboard_cards``): credited reduction.

    None when the user may not read credits here or nothing was credited yet.
    """
    from carbonpeak.core.permissions import can
    from carbonpeak.credits.models import Partner

    if region is None or not can(user, "credits.view", region):
        return None
    entries = LedgerEntry.objects.visible_to(user).within(region)
    if not entries.exists():
        return None
    s = summary(entries)
    small = s["reduction_t"] < 1
    return {
        "title": "碳普惠累计减排量",
        "value": f"{s['reduction_t'] * 1000:,.2f}" if small else f"{s['reduction_t']:,.2f}",
        "unit": "千克CO2" if small else "吨CO2",
        "note": f"{s['residents']} 位居民，发放积分 {s['points_issued']:,} 分",
        "url": "/credits/",
        "illustrative": Partner.objects.within(region).filter(name__contains="示例").exists(),
    }
