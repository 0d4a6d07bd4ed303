"""Every URL of the scenarios app × every role: office edits; leader and department read;
enterprise users and the public get nothing."""

from __future__ import annotations

import pytest
from django.test import Client

READ = [
    "index",
    "compare",
    "compare_export",
    "decomposition",
    "decomposition_export",
    "stirpat",
    "stirpat_export",
]
READ_PK = ["detail", "export", "toml"]
MANAGE_GET = ["upload"]
MANAGE_PK_GET = ["edit", "measure_new"]


def _urls(s, m):
    from django.urls import reverse

    read = [reverse(f"scenarios:{n}") for n in READ] + [
        reverse(f"scenarios:{n}", args=[s.pk]) for n in READ_PK
    ]
    manage = [reverse(f"scenarios:{n}") for n in MANAGE_GET] + [
        reverse(f"scenarios:{n}", args=[s.pk]) for n in MANAGE_PK_GET
    ]
    manage += [
        reverse("scenarios:measure_edit", args=[s.pk, m.pk]),
        reverse("scenarios:measure_delete", args=[s.pk, m.pk]),
    ]
    return read, manage


@pytest.fixture
def urls(samples):
    s = samples["policy"]
    return _urls(s, s.measures.first())


def test_office_reads_and_manages(office_client, urls):
    read, manage = urls
    for url in read + manage:
        assert office_client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["leader_client", "department_client"])
def test_leader_and_department_read_only(request, who, urls, samples):
    client = request.getfixturevalue(who)
    read, manage = urls
    for url in read:
        assert client.get(url).status_code == 200, url
    for url in manage:
        assert client.get(url).status_code == 403, url
    from django.urls import reverse

    s = samples["policy"]
    m = s.measures.first()
    posts = [
        reverse("scenarios:set_baseline", args=[s.pk]),
        reverse("scenarios:recompute", args=[s.pk]),
        reverse("scenarios:measure_delete", args=[s.pk, m.pk]),
        reverse("scenarios:edit", args=[s.pk]),
    ]
    for url in posts:
        assert client.post(url, {"note": "x"}).status_code == 403, url
    assert s.measures.filter(pk=m.pk).exists()
    assert s.versions.count() == 1
    s.refresh_from_db()
    assert s.baseline == samples["baseline"]


def test_enterprise_user_gets_nothing(enterprise_client, urls):
    read, manage = urls
    for url in read + manage:
        response = enterprise_client.get(url)
        assert response.status_code == 403, url
        assert "政策情景" not in response.content.decode()


def test_public_is_sent_to_login(urls, samples):
    client = Client()
    read, manage = urls
    for url in read + manage:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("url", ["/api/scenarios/", "/api/scenarios/{pk}"])
def test_api_by_role(url, samples, office_client, leader_client, department_client, enterprise_client):
    url = url.format(pk=samples["policy"].pk)
    for client in (office_client, leader_client, department_client):
        response = client.get(url)
        assert response.status_code == 200, url
    assert enterprise_client.get(url).status_code == 403
    assert Client().get(url).status_code == 401
    data = office_client.get(url).json()
    if isinstance(data, dict):
        assert data["scenario"] == "政策情景（示例）" and "fan" in data["montecarlo"]
    else:
        assert {d["name"] for d in data} >= {"基准情景（示例）", "政策情景（示例）"}


def test_api_missing_version_is_404(office_client, samples):
    assert office_client.get(f"/api/scenarios/{samples['policy'].pk}?version=99").status_code == 404


def test_menu_entry_only_for_staff(office_client, enterprise_client, samples):
    assert "达峰情景分析" in office_client.get("/").content.decode()
    assert "达峰情景分析" not in enterprise_client.get("/").content.decode()
