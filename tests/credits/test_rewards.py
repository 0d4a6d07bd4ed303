"""Rewards: redemption with a code, stock, balance checks, reversal, marking used."""

from __future__ import annotations

import pytest
from django.test import Client

from carbonpeak.core.errors import UserError
from carbonpeak.credits.models import LedgerEntry, Redemption, Reward
from carbonpeak.credits.services import ledger, rewards

from .conftest import post, trip

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(county, office_user):
    return rewards.save_reward(
        region=county,
        user=office_user,
        name="公交乘车券",
        provider="government",
        provider_name="县交通运输局",
        points_cost=150,
        stock=1,
        description="",
        active=True,
    )


def test_redeem_spend_and_stock(partner, people, ticket, office_user) -> None:
    post(Client(), partner, [trip("T1"), trip("T2", start="2026-03-02T18:00:00+08:00")])
    red = rewards.redeem(resident=people[0], reward=ticket)
    assert len(red.code) == 10 and red.points == 150
    assert ledger.balance(people[0]) == 10
    assert Reward.objects.get(pk=ticket.pk).stock == 0
    with pytest.raises(UserError, match="兑完"):
        rewards.redeem(resident=people[0], reward=ticket)
    entry = LedgerEntry.objects.get(kind="redemption")
    assert (entry.points, entry.redemption_id) == (-150, red.pk)


def test_insufficient_points_changes_nothing(people, ticket) -> None:
    with pytest.raises(UserError, match="积分不足"):
        rewards.redeem(resident=people[0], reward=ticket)
    assert Reward.objects.get(pk=ticket.pk).stock == 1
    assert not Redemption.objects.exists() and not LedgerEntry.objects.exists()


def test_reversal_returns_points_and_stock(partner, people, ticket, office_user) -> None:
    post(Client(), partner, [trip("T1"), trip("T2", start="2026-03-02T18:00:00+08:00")])
    red = rewards.redeem(resident=people[0], reward=ticket)
    rewards.reverse_redemption(redemption=red, user=office_user, reason="商户缺货")
    assert ledger.balance(people[0]) == 160
    assert Reward.objects.get(pk=ticket.pk).stock == 1
    assert Redemption.objects.get().status == "reversed"
    with pytest.raises(UserError):
        rewards.reverse_redemption(redemption=red, user=office_user, reason="再次")


def test_mark_used(partner, people, ticket, office_user, county) -> None:
    post(Client(), partner, [trip("T1"), trip("T2", start="2026-03-02T18:00:00+08:00")])
    red = rewards.redeem(resident=people[0], reward=ticket)
    rewards.mark_used(region=county, code=red.code.lower(), user=office_user)
    assert Redemption.objects.get().status == "used"
    with pytest.raises(UserError, match="不能核销"):
        rewards.mark_used(region=county, code=red.code, user=office_user)
    with pytest.raises(UserError):
        rewards.reverse_redemption(redemption=red, user=office_user, reason="x")
