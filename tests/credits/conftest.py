"""Fixtures of the credits tests: a county with methodologies, a partner, residents.

Factor values are the reference rows named beside them
(/work/shared/reference/policy/carbon_inclusive_factors.csv) or marked "test value".
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time

import pytest
from django.test import Client

from carbonpeak.core.roles import Role
from carbonpeak.credits import sms
from carbonpeak.credits.models import Methodology
from carbonpeak.credits.services import ingest, methodologies, residents
from carbonpeak.engine.carbon_inclusive import BEIJING

V1_FROM = dt.datetime(2026, 1, 1, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.CARBONPEAK_SMS_BACKEND = "carbonpeak.credits.sms.LocmemBackend"
    sms.LocmemBackend.outbox.clear()


@pytest.fixture
def county(db):
    from carbonpeak.core.regions import ensure_region

    return ensure_region("430621")  # 岳阳县


@pytest.fixture
def sibling(db):
    from carbonpeak.core.regions import ensure_region

    return ensure_region("430623")  # 华容县, same city


@pytest.fixture
def city(county):
    return county.parent


@pytest.fixture
def bus(county, office_user):
    m = Methodology.objects.create(
        region=county, code="BUS", name="公交出行", activity_type="bus", unit="trip"
    )
    methodologies.add_version(
        methodology=m,
        user=office_user,
        version="v1",
        valid_from=V1_FROM,
        valid_to=None,
        reduction_kg_per_unit=0.080,
        reduction_source="CI_BUS_BJ_MIN 北京绿色生活季 公交出行减排量(下限)",
        baseline_kg_per_unit=None,
        baseline_source="",
        project_kg_per_unit=None,
        project_source="",
        daily_cap_units=4,
        points_per_kg=1000,
    )
    return m


@pytest.fixture
def partner(county, bus, office_user):
    p, secret = ingest.create_partner(
        region=county, name="县公交公司", kind="bus", activity_types=["bus", "metro"], user=office_user
    )
    p.secret = secret  # type: ignore[attr-defined]
    return p


PHONES = ["13800000001", "13800000002", "13800000003"]


@pytest.fixture
def people(county):
    return [
        residents.register(
            region=county, phone=PHONES[0], consent=True, township="荣家湾镇", community="城东社区"
        ),
        residents.register(
            region=county, phone=PHONES[1], consent=True, township="荣家湾镇", community="城西社区"
        ),
        residents.register(
            region=county, phone=PHONES[2], consent=True, township="新墙镇", community="新墙村"
        ),
    ]


def trip(record_id, phone=PHONES[0], start="2026-03-02T07:45:00+08:00", minutes=25, **extra):
    s = dt.datetime.fromisoformat(start)
    rec = {
        "record_id": record_id,
        "phone": phone,
        "activity_type": "bus",
        "start": s.isoformat(),
        "end": (s + dt.timedelta(minutes=minutes)).isoformat(),
        "quantity": 1,
    }
    rec.update(extra)
    return rec


def post(client: Client, partner, records, *, ts=None, secret=None, body=None):
    data = body if body is not None else json.dumps({"records": records}).encode()
    ts = str(int(time.time())) if ts is None else str(ts)
    sig = ingest.sign(secret or partner.secret, ts, data)
    return client.post(
        "/api/credits/activities",
        data=data,
        content_type="application/json",
        HTTP_X_PARTNER_KEY=partner.key_id,
        HTTP_X_TIMESTAMP=ts,
        HTTP_X_SIGNATURE=sig,
    )


@pytest.fixture
def office_in(make_user):
    counter = itertools.count()

    def _make(region, role=Role.OFFICE, name=None):
        user = make_user(name or f"{role}-{region.code}-{next(counter)}", role, region=region)
        c = Client()
        c.force_login(user)
        c.user = user  # type: ignore[attr-defined]
        return c

    return _make
