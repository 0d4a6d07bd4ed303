"""Rewards catalogue, redemption with a code, and redemption reversal.

Redemption and reversal run under the region's ledger chain lock, so a balance read and
the entry that spends it cannot interleave with another redemption of the same resident.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from carbonpeak.core import audit
from carbonpeak.core.errors import UserError
from carbonpeak.credits.models import LedgerEntry, Redemption, Resident, Reward
from carbonpeak.credits.services import ledger

_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def save_reward(*, region: Any, user: Any, reward: Reward | None = None, **values: Any) -> Reward:
    """Create or update a catalogue entry. Side effects: one row, one audit entry."""
    if not str(values.get("name", "")).strip():
        raise UserError("请填写权益名称")
    if not values.get("points_cost") or values["points_cost"] <= 0:
        raise UserError("所需积分应为正整数")
    with transaction.atomic():
        before = audit.snapshot(reward) if reward else None
        obj = reward or Reward(region=region)
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
        audit.record(
            user=user,
            action="update" if before else "create",
            instance=obj,
            before=before,
            after=audit.snapshot(obj),
        )
    return obj


def redeem(*, resident: Resident, reward: Reward) -> Redemption:
    """Spend points on a reward: stock −1, a redemption entry, a code.

    Side effects (one transaction): Redemption row, LedgerEntry (negative points), stock.

    Raises
    ------
    UserError
        Account withdrawn, reward off the shelf or out of stock, or balance too low.
    """
    with transaction.atomic():
        head = ledger.lock_chain(resident.region)
        r = Resident.objects.get(pk=resident.pk)
        if not r.active:
            raise UserError("账户已注销或未同意个人信息处理规则，不能兑换")
        if r.region_id != reward.region_id:
            raise UserError("只能兑换本县的权益")
        if not Reward.objects.filter(pk=reward.pk, active=True, stock__gt=0).update(stock=F("stock") - 1):
            raise UserError("该权益已下架或已兑完")
        rw = Reward.objects.get(pk=reward.pk)
        bal = ledger.balance(r)
        if bal < rw.points_cost:
            raise UserError(f"积分不足：需要 {rw.points_cost} 分，当前 {bal} 分")
        red = Redemption.objects.create(reward=rw, resident=r, code=new_code(), points=rw.points_cost)
        ledger.append(
            head,
            [
                {
                    "kind": LedgerEntry.Kind.REDEMPTION,
                    "resident_id": r.pk,
                    "points": -rw.points_cost,
                    "redemption_id": red.pk,
                    "note": rw.name[:200],
                }
            ],
        )
    return red


def reverse_redemption(*, redemption: Redemption, user: Any, reason: str) -> None:
    """Undo an unused redemption: points back (reversal entry), stock +1.

    Side effects (one transaction): LedgerEntry, Redemption status, stock, audit entry.
    """
    reason = reason.strip()
    if not reason:
        raise UserError("请填写撤销原因")
    with transaction.atomic():
        head = ledger.lock_chain(redemption.reward.region)
        red = Redemption.objects.select_for_update().get(pk=redemption.pk)
        if red.status != Redemption.Status.ISSUED:
            raise UserError("只有未核销的兑换可以撤销")
        ledger.append(
            head,
            [
                {
                    "kind": LedgerEntry.Kind.REVERSAL,
                    "resident_id": red.resident_id,
                    "points": red.points,
                    "redemption_id": red.pk,
                    "note": f"撤销兑换：{reason}"[:200],
                }
            ],
        )
        Reward.objects.filter(pk=red.reward_id).update(stock=F("stock") + 1)
        red.status = Redemption.Status.REVERSED
        red.closed_at = timezone.now()
        red.reversal_reason = reason[:200]
        red.save(update_fields=["status", "closed_at", "reversal_reason"])
        audit.record(user=user, action="update", instance=red, after={"status": "reversed", "reason": reason})


def mark_used(*, region: Any, code: str, user: Any) -> Redemption:
    """The merchant or office checks a code and marks it used. Side effects: status, audit."""
    code = code.strip().upper()
    with transaction.atomic():
        red = Redemption.objects.select_for_update().filter(code=code, reward__region=region).first()
        if red is None:
            raise UserError("兑换码不存在")
        if red.status != Redemption.Status.ISSUED:
            raise UserError(f"兑换码状态为“{red.get_status_display()}”，不能核销")
        red.status = Redemption.Status.USED
        red.closed_at = timezone.now()
        red.save(update_fields=["status", "closed_at"])
        audit.record(user=user, action="update", instance=red, after={"status": "used"})
    return red
