"""Office pages: methodology and version forms, partner registration and key rotation,
activity reversal, redemption use, alarms."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from carbonpeak.credits.models import Activity, Methodology, MethodologyVersion, Partner, PartnerAlarm
from carbonpeak.credits.services import ledger

from .conftest import post, trip

pytestmark = pytest.mark.django_db


def test_methodology_and_version_forms(office_in, county) -> None:
    c = office_in(county)
    resp = c.post(
        "/credits/methodologies/",
        {"code": "BIKE", "name": "骑行", "activity_type": "cycling", "unit": "trip"},
    )
    m = Methodology.objects.get(code="BIKE")
    assert resp.status_code == 302 and m.region == county
    url = f"/credits/methodologies/{m.pk}/"
    form = {
        "version": "v1",
        "valid_from": "2026-01-01T00:00",
        "reduction_kg_per_unit": "0.052",
        "points_per_kg": "1000",
    }
    page = c.post(url, form).content.decode()
    assert "请填写单位减排量的来源" in page and not MethodologyVersion.objects.exists()
    assert c.post(url, form | {"reduction_source": "CI_BIKE_BJ_MIN"}).status_code == 302
    v = MethodologyVersion.objects.get()
    assert v.reduction_kg_per_unit == 0.052 and v.reduction_source == "CI_BIKE_BJ_MIN"
    page = c.get(url).content.decode()
    assert "CI_BIKE_BJ_MIN" in page and "私家车基准线排放因子" in page  # reference table incl. not_found rows


def test_partner_registration_shows_the_secret_once_and_rotation_revokes_it(
    office_in, county, bus, people
) -> None:
    c = office_in(county)
    page = c.post(
        "/credits/partners/", {"name": "县公交公司", "kind": "bus", "activity_types": ["bus"]}
    ).content.decode()
    p = Partner.objects.get()
    secret = re.search(r"签名密钥</th><td><code>([0-9a-f]{64})</code>", page).group(1)
    assert p.key_id in page and secret not in repr(list(Partner.objects.values()))
    p.secret = secret  # type: ignore[attr-defined]
    assert post(Client(), p, [trip("T1")]).status_code == 200
    page = c.post(f"/credits/partners/{p.pk}/rotate/").content.decode()
    new = re.search(r"签名密钥</th><td><code>([0-9a-f]{64})</code>", page).group(1)
    assert new != secret
    assert post(Client(), p, [trip("T2", start="2026-03-02T12:00:00+08:00")]).status_code == 401
    assert post(Client(), p, [trip("T2", start="2026-03-02T12:00:00+08:00")], secret=new).status_code == 200
    c.post(f"/credits/partners/{p.pk}/toggle/")
    assert post(Client(), p, [trip("T3")], secret=new).status_code == 401


def test_reversal_and_alarm_closing_through_pages(office_in, county, partner, people) -> None:
    c = office_in(county)
    post(Client(), partner, [trip("T1"), trip("T1b", start="2026-03-02T07:50:00+08:00")])  # overlap → alarm
    act = Activity.objects.get(record_id="T1")
    assert (
        "请填写"
        not in c.post(
            f"/credits/activities/{act.pk}/reverse/", {"reason": "非本人"}, follow=True
        ).content.decode()
    )
    assert ledger.balance(people[0]) == 0
    alarm = PartnerAlarm.objects.get(kind="fraud")
    c.post(f"/credits/alarms/{alarm.pk}/close/", {"reason": "已核实为刷卡机重复上传"})
    assert PartnerAlarm.objects.get(pk=alarm.pk).closed_at is not None


def test_admin_pages_open_and_only_the_real_name_flag_changes(make_user, county, people, partner) -> None:
    admin = make_user("root", "office", region=county, is_staff=True, is_superuser=True)
    c = Client()
    c.force_login(admin)
    for model in (
        "methodology",
        "partner",
        "reward",
        "resident",
        "activity",
        "ledgerentry",
        "redemption",
        "partneralarm",
    ):
        assert c.get(f"/admin/credits/{model}/").status_code == 200, model
    r = people[0]
    assert c.get(f"/admin/credits/resident/{r.pk}/change/").status_code == 200
    c.post(f"/admin/credits/resident/{r.pk}/change/", {"real_name_verified": "on", "township": "改掉"})
    r.refresh_from_db()
    assert r.real_name_verified is True and r.township == "荣家湾镇"
