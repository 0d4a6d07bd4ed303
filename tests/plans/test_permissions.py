"""Role × endpoint matrix for the plan ledger: forbidden gives 403 (or a redirect to
login for anonymous visitors), never data."""

import pytest
from django.test import Client

from carbonpeak.plans.models import Department, Task

READ_URLS = [
    "/plans/",
    "/plans/ledger/",
    "/plans/ledger/export.xlsx",
    "/plans/departments/",
    "/plans/departments/export.xlsx",
    "/plans/departments/{dept}/",
    "/plans/tasks/{task}/",
    "/plans/targets/",
    "/plans/targets/export.xlsx",
]
OFFICE_URLS = ["/plans/upload/", "/plans/ledger/import/"]


@pytest.fixture
def urls(sample_plan):
    ids = {"dept": Department.objects.first().pk, "task": Task.objects.first().pk}
    return {"read": [u.format(**ids) for u in READ_URLS], "office": OFFICE_URLS, "dept": ids["dept"]}


@pytest.mark.parametrize("role", ["office", "leader", "department"])
def test_staff_roles_read_everything(role, urls, request):
    client = request.getfixturevalue(f"{role}_client")
    for url in urls["read"]:
        assert client.get(url).status_code == 200, url


def test_enterprise_user_gets_403_everywhere(urls, enterprise_client):
    for url in urls["read"] + urls["office"]:
        response = enterprise_client.get(url)
        assert response.status_code == 403, url
        assert "岳阳县" not in response.content.decode()


def test_anonymous_is_sent_to_login(urls):
    client = Client()
    for url in urls["read"] + urls["office"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["leader", "department"])
def test_only_office_changes_the_ledger(role, urls, request):
    client = request.getfixturevalue(f"{role}_client")
    for url in urls["office"]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    response = client.post(f"/plans/departments/{urls['dept']}/", {"alias": "新别名"})
    assert response.status_code == 403


def test_csrf_is_enforced(urls, office_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_user)
    response = client.post(f"/plans/departments/{urls['dept']}/", {"alias": "新别名"})
    assert response.status_code == 403
