"""Residents: one-time codes, minimised phone numbers, consent and its withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from carbonpeak.core.errors import UserError
from carbonpeak.credits import sms
from carbonpeak.credits.models import Activity, LedgerEntry, OneTimeCode, Resident
from carbonpeak.credits.services import ledger, reports, residents

from .conftest import PHONES, post, trip

pytestmark = pytest.mark.django_db


def _code() -> str:
    return sms.LocmemBackend.outbox[-1][1].split("验证码为 ")[1][:6]


def test_code_login_flow(county) -> None:
    residents.send_code(phone="+86 138-0000-0009")
    assert sms.LocmemBackend.outbox[-1][0] == "13800000009"
    code = _code()
    with pytest.raises(UserError, match="不正确"):
        residents.check_code(phone="13800000009", code="000000" if code != "000000" else "111111")
    h = residents.check_code(phone="13800000009", code=code)
    assert h == residents.phone_hash("13800000009")
    with pytest.raises(UserError, match="失效"):
        residents.check_code(phone="13800000009", code=code)  # used once


def test_code_expiry_attempts_and_resend_interval(county) -> None:
    now = timezone.now()
    residents.send_code(phone="13800000009", now=now)
    with pytest.raises(UserError, match="频繁"):
        residents.send_code(phone="13800000009", now=now + dt.timedelta(seconds=30))
    code = _code()
    with pytest.raises(UserError, match="失效"):
        residents.check_code(
            phone="13800000009", code=code, now=now + residents.CODE_TTL + dt.timedelta(seconds=1)
        )
    residents.send_code(phone="13800000009", now=now + dt.timedelta(seconds=61))
    code = _code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(residents.MAX_ATTEMPTS):
        with pytest.raises(UserError, match="不正确"):
            residents.check_code(phone="13800000009", code=wrong, now=now + dt.timedelta(seconds=62))
    with pytest.raises(UserError, match="次数过多"):
        residents.check_code(phone="13800000009", code=code, now=now + dt.timedelta(seconds=62))
    with pytest.raises(UserError, match="11位"):
        residents.send_code(phone="12345")


def test_no_plain_phone_number_at_rest(people) -> None:
    residents.send_code(phone=PHONES[0])
    for table in ("credits_resident", "credits_onetimecode"):
        with connection.cursor() as cur:
            cur.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dump = repr(cur.fetchall())
        assert PHONES[0] not in dump and PHONES[0][-8:] not in dump
    assert people[0].phone_masked == "138****0001"


def test_consent_is_required(county) -> None:
    with pytest.raises(UserError, match="同意"):
        residents.register(region=county, phone="13800000008", consent=False, township="荣家湾镇")
    assert not Resident.objects.exists()


def test_withdrawal_deletes_personal_data_and_keeps_anonymous_totals(partner, people) -> None:
    post(
        Client(),
        partner,
        [trip("T1", evidence={"card_tail": "1234"}), trip("T2", start="2026-03-02T18:00:00+08:00")],
    )
    entries = LedgerEntry.objects.all()
    before = reports.summary(entries)
    residents.send_code(phone=PHONES[0])
    residents.withdraw_consent(resident=people[0])
    r = Resident.objects.get(pk=people[0].pk)
    assert (r.phone_hash, r.phone_masked, r.nickname, r.community) == (None, "", "", "")
    assert r.withdrawn_at is not None and r.township == "荣家湾镇"
    assert not OneTimeCode.objects.exists()
    assert list(Activity.objects.values_list("evidence", flat=True)) == [{}, {}]
    assert reports.summary(entries) == before  # totals kept
    assert ledger.balance(r) == 160
    assert residents.find_resident(phone_hash_value=residents.phone_hash(PHONES[0])) is None
    # the number may open a new account afterwards
    residents.register(region=r.region, phone=PHONES[0], consent=True, township="荣家湾镇")
