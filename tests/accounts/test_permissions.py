"""Every accounts URL for every role: only the office manages accounts; others get 403, anonymous a login redirect."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _urls(target):
    return [
        ("get", reverse("accounts:list")),
        ("get", reverse("accounts:create")),
        ("post", reverse("accounts:create")),
        ("get", reverse("accounts:edit", args=[target.pk])),
        ("post", reverse("accounts:edit", args=[target.pk])),
        ("post", reverse("accounts:set_active", args=[target.pk])),
        ("post", reverse("accounts:reset_password", args=[target.pk])),
    ]


@pytest.mark.parametrize("role", ["leader", "department", "enterprise", "anonymous"])
def test_non_office_roles_refused(role, request, office_user):
    client = Client() if role == "anonymous" else request.getfixturevalue(f"{role}_client")
    before = office_user.password
    for method, url in _urls(office_user):
        r = getattr(client, method)(url, {"username": "x", "role": "office", "active": "0"})
        if role == "anonymous":
            assert r.status_code == 302 and "/accounts/login/" in r["Location"], url
        else:
            assert r.status_code == 403, (role, url)
    office_user.refresh_from_db()
    assert office_user.is_active and office_user.password == before


def test_office_reaches_every_page(office_client, department_user):
    for method, url in _urls(department_user):
        if method == "get":
            assert office_client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["leader", "department", "enterprise"])
def test_every_signed_in_role_can_change_own_password(role, request):
    client = request.getfixturevalue(f"{role}_client")
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_get_logout_not_allowed(office_client):
    assert office_client.get(reverse("accounts:logout")).status_code == 405
