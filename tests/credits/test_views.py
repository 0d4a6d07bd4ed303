"""Pages: the office's totals and export; the resident's phone flow end to end."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from carbonpeak.credits import sms
from carbonpeak.credits.models import Redemption, Resident
from carbonpeak.credits.services import rewards

from .conftest import post, trip

pytestmark = pytest.mark.django_db


def test_office_totals_and_excel_export(partner, people, office_in, county) -> None:
    from .conftest import PHONES

    post(Client(), partner, [trip("T1"), trip("T2", phone=PHONES[2], start="2026-04-02T08:00:00+08:00")])
    c = office_in(county)
    page = c.get("/credits/").content.decode()
    assert "荣家湾镇" in page and "新墙镇" in page and "0.160" not in page
    assert "0.080" in page
    resp = c.get("/credits/totals.xlsx")
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = [r for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] == "月份")
    assert rows[header][4] == "减排量 [kgCO2]"
    data = rows[header + 1 :]
    assert [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in data] == [
        ("2026-03", "公交出行", "荣家湾镇", 1, 0.08, 80),
        ("2026-04", "公交出行", "新墙镇", 1, 0.08, 80),
    ]


def test_empty_office_page(office_in, county) -> None:
    assert "还没有入账的减排量" in office_in(county).get("/credits/").content.decode()


def test_resident_phone_flow(partner, county, office_user) -> None:
    c = Client()
    base = f"/credits/m/{county.code}/"
    assert c.get(base).status_code == 302
    resp = c.post(base + "login/", {"phone": "13800000077"})
    assert "验证码已发送至 138****0077" in resp.content.decode()
    code = sms.LocmemBackend.outbox[-1][1].split("验证码为 ")[1][:6]
    resp = c.post(base + "verify/", {"phone": "13800000077", "code": code, "township": "荣家湾镇"})
    assert "同意" in resp.content.decode() and not Resident.objects.exists()  # consent missing
    c.post(base + "login/", {"phone": "13800000077"})  # within 60 s: refused
    Resident.objects.all().delete()
    from carbonpeak.credits.models import OneTimeCode

    OneTimeCode.objects.all().delete()
    c.post(base + "login/", {"phone": "13800000077"})
    code = sms.LocmemBackend.outbox[-1][1].split("验证码为 ")[1][:6]
    resp = c.post(
        base + "verify/", {"phone": "13800000077", "code": code, "township": "荣家湾镇", "consent": "on"}
    )
    assert resp.status_code == 302
    post(
        Client(),
        partner,
        [trip("T1", phone="13800000077"), trip("T2", phone="13800000077", start="2026-03-02T18:00:00+08:00")],
    )
    home = c.get(base).content.decode()
    assert 'id="balance">160<' in home and "公交出行" in home
    reward = rewards.save_reward(
        region=county,
        user=office_user,
        name="公交乘车券",
        provider="government",
        provider_name="县交通运输局",
        points_cost=100,
        stock=5,
        description="",
        active=True,
    )
    resp = c.post(base + "rewards/", {"reward": reward.pk}, follow=True)
    red = Redemption.objects.get()
    assert red.code in resp.content.decode()
    assert 'id="balance">60<' in resp.content.decode()
    board = c.get(base + "leaderboard/?period=all").content.decode()
    assert "荣家湾镇" in board and "138" not in board
    resp = c.post(base + "privacy/", {"action": "withdraw"})
    assert "已撤回同意" in resp.content.decode()
    assert c.get(base).status_code == 302
    assert Resident.objects.get().phone_hash is None


def test_unknown_region_is_404(db) -> None:
    assert Client().get("/credits/m/999999/").status_code == 404


def test_dashboard_card(partner, people, office_in, county, sibling) -> None:
    from carbonpeak.core import registry
    from carbonpeak.credits.services.reports import dashboard_card

    assert dashboard_card in registry.dashboard_cards
    user = office_in(county).user
    assert dashboard_card(county, user) is None  # nothing credited yet
    post(Client(), partner, [trip("T1")])
    card = dashboard_card(county, user)
    assert card["value"] == "0.08" and card["unit"] == "千克CO2" and "1 位居民" in card["note"]
    assert card["illustrative"] is False
    assert dashboard_card(county, office_in(sibling).user) is None


def test_card_on_the_leaders_dashboard(partner, people, office_in, county) -> None:
    post(Client(), partner, [trip("T1")])
    page = office_in(county, role="leader").get("/dashboard/").content.decode()
    assert "碳普惠累计减排量" in page and "千克CO2" in page
