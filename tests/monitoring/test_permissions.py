"""Every page and API route × anonymous / office / leader / department / own enterprise / other enterprise."""

from __future__ import annotations

import json

import pytest

from carbonpeak.core.roles import Role
from carbonpeak.monitoring import services
from carbonpeak.monitoring.models import Alarm

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "office", "leader", "department", "enterprise", "other_enterprise"]


@pytest.fixture
def clients(
    client, office_client, leader_client, department_client, enterprise_client, make_user, other_enterprise
):
    from django.test import Client

    other = Client()
    other.force_login(make_user("other-ent", Role.ENTERPRISE, enterprise=other_enterprise))
    return {
        "anonymous": client,
        "office": office_client,
        "leader": leader_client,
        "department": department_client,
        "enterprise": enterprise_client,
        "other_enterprise": other,
    }


def ok(code):
    return code in (200, 302) and code != 302 or code == 200


# url builder, roles allowed (GET 200)
def pages(enterprise, meter):
    return [
        ("/enterprises/", {"office", "leader"}),
        ("/enterprises/export.xlsx", {"office", "leader"}),
        ("/enterprises/status.xlsx", {"office", "leader"}),
        ("/enterprises/new/", {"office"}),
        ("/enterprises/import/", {"office"}),
        (f"/enterprises/{enterprise.pk}/", {"office", "leader", "enterprise"}),
        (f"/enterprises/{enterprise.pk}/monthly.xlsx", {"office", "leader", "enterprise"}),
        (f"/enterprises/{enterprise.pk}/edit/", {"office"}),
        ("/monitoring/alarms/", {"office", "leader", "enterprise", "other_enterprise"}),
        ("/monitoring/alarms.xlsx", {"office", "leader", "enterprise", "other_enterprise"}),
        (f"/monitoring/enterprises/{enterprise.pk}/meters/", {"office", "enterprise"}),
        (f"/monitoring/enterprises/{enterprise.pk}/upload/", {"office", "enterprise"}),
        (f"/monitoring/enterprises/{enterprise.pk}/tokens/", {"office", "enterprise"}),
        (f"/monitoring/enterprises/{enterprise.pk}/reported/", {"office", "enterprise"}),
        (f"/monitoring/meters/{meter.pk}/", {"office", "leader", "enterprise"}),
    ]


def test_every_page_for_every_role(clients, enterprise, meter):
    for url, allowed in pages(enterprise, meter):
        for role in ROLES:
            r = clients[role].get(url)
            if role in allowed:
                assert r.status_code == 200, (url, role, r.status_code)
            elif role == "anonymous":
                assert r.status_code == 302 and "/accounts/login/" in r["Location"], (url, role)
            else:
                assert r.status_code in (403, 404), (url, role, r.status_code)


def test_mine_redirects_enterprise_user_to_own_page(clients, enterprise):
    r = clients["enterprise"].get("/enterprises/mine/")
    assert r.status_code == 302 and r["Location"] == f"/enterprises/{enterprise.pk}/"
    assert clients["office"].get("/enterprises/mine/").status_code == 404


def test_posts_are_forbidden_to_non_managers(clients, enterprise, meter, office_user):
    token, _secret = services.create_token(enterprise=enterprise, name="t", user=office_user)
    alarm = Alarm.objects.create(key="k", enterprise=enterprise, kind="stale", message="m")
    posts = [
        (f"/monitoring/enterprises/{enterprise.pk}/tokens/", {"name": "x"}, {"office", "enterprise"}),
        (f"/monitoring/enterprises/{enterprise.pk}/tokens/{token.pk}/revoke/", {}, {"office", "enterprise"}),
        (f"/monitoring/alarms/{alarm.pk}/close/", {"note": "已核实"}, {"office"}),
        (
            f"/monitoring/meters/{meter.pk}/",
            {"action": "replace", "replaced_at": "2026-01-01T00:00", "old_final": 1, "new_initial": 0},
            {"office", "enterprise"},
        ),
    ]
    for url, data, allowed in posts:
        for role in ROLES:
            if role in allowed:
                continue
            r = clients[role].post(url, data)
            assert r.status_code in (302, 403, 404), (url, role)
            if role == "anonymous":
                assert "/accounts/login/" in r["Location"]
    token.refresh_from_db()
    alarm.refresh_from_db()
    assert token.active and alarm.status == "open" and not meter.replacements.exists()


def test_enterprise_user_sees_only_own_alarms(clients, enterprise, other_enterprise):
    Alarm.objects.create(key="a", enterprise=enterprise, kind="stale", message="本企业告警")
    Alarm.objects.create(key="b", enterprise=other_enterprise, kind="stale", message="别家告警")
    body = clients["enterprise"].get("/monitoring/alarms/").content.decode()
    assert "本企业告警" in body and "别家告警" not in body
    body = clients["enterprise"].get(f"/monitoring/alarms/?enterprise={other_enterprise.pk}").content.decode()
    assert "别家告警" not in body


def test_api_needs_token_not_session(clients, meter):
    for role in ROLES:
        r = clients[role].post(
            "/api/monitoring/readings", data=json.dumps({"readings": []}), content_type="application/json"
        )
        assert r.status_code == 401, role
        assert clients[role].get("/api/monitoring/meters").status_code == 401
