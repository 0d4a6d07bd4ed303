"""The ledger: balances from entries, append-only, reversal, and `carbonpeak credits verify`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from carbonpeak.core.errors import UserError
from carbonpeak.credits.models import Activity, ChainHead, LedgerEntry
from carbonpeak.credits.services import ledger

from .conftest import post, trip

pytestmark = pytest.mark.django_db


def _credit_three(partner):
    post(
        Client(),
        partner,
        [trip(f"T{i}", start=f"2026-03-0{i + 2}T08:00:00+08:00") for i in range(3)],
    )


def _verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("credits", "verify", stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_intact_chain_verifies(partner, people) -> None:
    _credit_three(partner)
    code, out, _ = _verify()
    assert code == 0 and "3 条记录，哈希链完整" in out


def test_edited_entry_is_detected_by_verify(partner, people) -> None:
    _credit_three(partner)
    e = LedgerEntry.objects.order_by("seq")[1]
    LedgerEntry.objects.filter(pk=e.pk).update(points=5000)  # a direct database edit
    code, _, err = _verify()
    assert code == 1
    assert f"第 {e.seq} 条记录与哈希链不符" in err


def test_deleted_tail_and_inserted_entry_are_detected(partner, people) -> None:
    _credit_three(partner)
    last = LedgerEntry.objects.order_by("-seq").first()
    LedgerEntry.objects.filter(pk=last.pk)._raw_delete(LedgerEntry.objects.db)
    code, _, err = _verify()
    assert code == 1 and "末尾记录被删除" in err


def test_entries_cannot_be_changed_through_the_model(partner, people) -> None:
    _credit_three(partner)
    e = LedgerEntry.objects.first()
    e.points = 1
    with pytest.raises(RuntimeError):
        e.save()
    with pytest.raises(RuntimeError):
        e.delete()


def test_balance_is_the_sum_and_reversal_nets_out(partner, people, office_user) -> None:
    _credit_three(partner)
    assert ledger.balance(people[0]) == 240
    act = Activity.objects.get(record_id="T1")
    with pytest.raises(UserError):
        ledger.reverse_activity(activity=act, user=office_user, reason=" ")
    ledger.reverse_activity(activity=act, user=office_user, reason="合作方更正：非本人乘车")
    assert ledger.balance(people[0]) == 160
    assert ledger.reduction_total_kg(people[0]) == pytest.approx(0.160)
    with pytest.raises(UserError):
        ledger.reverse_activity(activity=act, user=office_user, reason="再次")
    rev = LedgerEntry.objects.get(kind="reversal")
    assert (rev.points, rev.activity_id, rev.version_id) == (-80, act.pk, act.version_id)
    assert _verify()[0] == 0
    head = ChainHead.objects.get()
    assert head.seq == 4 and head.hash == LedgerEntry.objects.order_by("-seq").first().hash


def test_verify_unknown_region_is_a_user_error(db) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("credits", "verify", "--region", "999999")
    assert exc.value.returncode == 2 and "不存在" in str(exc.value)


def test_expiry_takes_unspent_old_points_only(partner, people, county, office_user) -> None:
    import datetime as dt

    from carbonpeak.credits.services import rewards

    _credit_three(partner)  # 240 points, credited "now"
    ticket = rewards.save_reward(
        region=county,
        user=office_user,
        name="券",
        provider="merchant",
        provider_name="店",
        points_cost=100,
        stock=5,
        description="",
        active=True,
    )
    rewards.redeem(resident=people[0], reward=ticket)  # balance 140
    out = io.StringIO()
    call_command("credits", "expire", "--region", county.code, "--before", "2000-01-01", stdout=out)
    assert "确认请加 --yes" in out.getvalue() and ledger.balance(people[0]) == 140
    # everything credited is newer than the cut-off: nothing expires
    assert ledger.expire_points(region=county, before=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), user=None) == (
        0,
        0,
    )
    # cut-off after the credits: the unspent 140 expire
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert ledger.expire_points(region=county, before=later, user=None) == (1, 140)
    assert ledger.balance(people[0]) == 0
    assert LedgerEntry.objects.filter(kind="expiry").get().points == -140
    assert _verify()[0] == 0
