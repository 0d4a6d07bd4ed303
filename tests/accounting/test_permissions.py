"""Every URL of the accounting app, for every role.

office: everything; leader and department: read only (403 on changes); enterprise: 403;
anonymous: redirected to the login page. Never data for a forbidden role.
"""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

READ = "read"
MANAGE = "manage"


def _urls(ds, factor):
    return [
        ("get", "/accounting/", READ),
        ("get", f"/accounting/datasets/{ds.pk}/", READ),
        ("get", f"/accounting/datasets/{ds.pk}/?year=2020", READ),
        ("get", f"/accounting/datasets/{ds.pk}/trace/", READ),
        ("get", f"/accounting/datasets/{ds.pk}/trace/?year=2020&carrier=电力", READ),
        *[
            ("get", f"/accounting/datasets/{ds.pk}/export/{t}.xlsx", READ)
            for t in (
                "years",
                "declines",
                "warnings",
                "sectors",
                "carriers",
                "trace",
                "factors",
                "assumptions",
            )
        ],
        *[
            ("get", f"/accounting/templates/{k}.{f}", READ)
            for k in ("energy", "economy", "factors", "targets", "exclusions")
            for f in ("csv", "xlsx")
        ],
        ("get", "/accounting/factors/", READ),
        ("get", "/accounting/factors/export.xlsx", READ),
        ("get", "/accounting/factors/new/", MANAGE),
        ("get", f"/accounting/factors/{factor.pk}/edit/", MANAGE),
        ("get", f"/accounting/factors/{factor.pk}/delete/", MANAGE),
        ("get", f"/accounting/datasets/{ds.pk}/delete/", MANAGE),
        ("post", "/accounting/upload/", MANAGE),
        ("post", f"/accounting/datasets/{ds.pk}/recompute/", MANAGE),
        ("post", "/accounting/factors/new/", MANAGE),
        ("post", f"/accounting/factors/{factor.pk}/edit/", MANAGE),
        ("post", f"/accounting/factors/{factor.pk}/delete/", MANAGE),
        ("post", f"/accounting/datasets/{ds.pk}/delete/", MANAGE),
    ]


def _request(client: Client, method: str, url: str):
    return client.get(url) if method == "get" else client.post(url, {})


def test_anonymous_is_sent_to_login(client, dataset, local_factor):
    for method, url, _ in _urls(dataset, local_factor):
        response = _request(client, method, url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


def test_enterprise_user_gets_nothing(enterprise_client, dataset, local_factor):
    for method, url, _ in _urls(dataset, local_factor):
        response = _request(enterprise_client, method, url)
        assert response.status_code == 403, url
        assert "测试数据集" not in response.content.decode(errors="ignore"), url


@pytest.mark.parametrize("who", ["leader_client", "department_client"])
def test_leader_and_department_read_only(request, who, dataset, local_factor):
    client = request.getfixturevalue(who)
    for method, url, need in _urls(dataset, local_factor):
        response = _request(client, method, url)
        if need == READ:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url
    # nothing changed
    dataset.refresh_from_db()
    local_factor.refresh_from_db()


def test_office_can_do_everything(office_client, dataset, local_factor):
    # posts last: delete is the final action for each object
    for method, url, _ in _urls(dataset, local_factor):
        response = _request(office_client, method, url)
        if method == "get":
            assert response.status_code == 200, url
        elif url.endswith("/upload/") or url.endswith("/factors/new/") or url.endswith("/edit/"):
            assert response.status_code == 400, url  # empty form: shown again with errors
        else:
            assert response.status_code == 302, url


def test_menu_entry_only_for_staff_roles(office_client, leader_client, department_client, enterprise_client):
    for client in (office_client, leader_client, department_client):
        page = client.get("/", follow=True).content.decode()
        assert 'href="/accounting/"' in page
    assert 'href="/accounting/"' not in enterprise_client.get("/", follow=True).content.decode()


def test_csrf_is_enforced(office_user, dataset):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_user)
    assert client.post(f"/accounting/datasets/{dataset.pk}/delete/").status_code == 403
    dataset.refresh_from_db()


def test_api_roles(client, office_client, leader_client, department_client, enterprise_client, dataset):
    urls = ["/api/accounting/summary", "/api/accounting/datasets", f"/api/accounting/datasets/{dataset.pk}"]
    for url in urls:
        assert client.get(url).status_code == 401, url
        assert enterprise_client.get(url).status_code == 403, url
        for reader in (office_client, leader_client, department_client):
            assert reader.get(url).status_code == 200, url
    data = leader_client.get("/api/accounting/summary").json()
    assert data["dataset"]["name"] == "测试数据集"
    assert [y["year"] for y in data["years"]] == [2020, 2021]
    result = leader_client.get(f"/api/accounting/datasets/{dataset.pk}").json()
    assert "activities" not in result and result["years"]["2020"]["energy_tce"] == pytest.approx(8372.0)
    traced = leader_client.get(f"/api/accounting/datasets/{dataset.pk}?trace=true").json()
    assert len(traced["activities"]) == 4
