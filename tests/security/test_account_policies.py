"""MLPS level 3 identity controls: password complexity, expiry, idle session timeout."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from carbonpeak.accounts.middleware import LAST_SEEN
from carbonpeak.accounts.services import generate_password
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["carbonpeak2030", "CARBONPEAK2030", "carbon-peak-xyz", "Carbonpeakxyz"])
def test_passwords_with_fewer_than_three_character_classes_are_refused(password):
    with pytest.raises(ValidationError, match="至少 3 类"):
        validate_password(password)


@pytest.mark.parametrize("password", [PASSWORD, "Tanfeng2030xyz", "tanfeng-2030-xyz"])
def test_complex_passwords_pass(password):
    validate_password(password)


def test_generated_initial_passwords_always_pass():
    for _ in range(200):
        validate_password(generate_password())


def test_password_change_form_refuses_a_simple_password(office_client):
    r = office_client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "carbonpeak2030", "new_password2": "carbonpeak2030"},
    )
    assert r.status_code == 200
    assert "至少 3 类" in r.content.decode()


def test_an_expired_password_must_be_changed_first(office_user, office_client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    assert office_client.get("/").status_code in (200, 302)
    type(office_user).objects.filter(pk=office_user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    r = office_client.get("/plans/ledger/")
    assert r.status_code == 302 and r["Location"] == "/accounts/password/"
    r = office_client.get("/accounts/password/")
    assert r.status_code == 200 and "超过 90 天" in r.content.decode()
    r = office_client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Tanfeng-2031!x", "new_password2": "Tanfeng-2031!x"},
    )
    assert r.status_code == 302
    office_user.refresh_from_db()
    assert timezone.now() - office_user.password_changed_at < dt.timedelta(minutes=1)
    assert office_client.get("/plans/ledger/").status_code == 200


def test_setting_a_password_records_when(make_user):
    user = make_user("fresh")
    assert timezone.now() - user.password_changed_at < dt.timedelta(minutes=1)
    assert not user.password_expired(max_age_days=90)


def test_an_idle_session_ends(office_client, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    assert office_client.get("/plans/ledger/").status_code == 200
    session = office_client.session
    session[LAST_SEEN] = session[LAST_SEEN] - 31 * 60
    session.save()
    r = office_client.get("/plans/ledger/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in office_client.session
    page = office_client.get(r["Location"]).content.decode()
    assert "超过 30 分钟未操作" in page


def test_an_active_session_stays(office_client, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    assert office_client.get("/plans/ledger/").status_code == 200
    session = office_client.session
    session[LAST_SEEN] = session[LAST_SEEN] - 29 * 60
    session.save()
    assert office_client.get("/plans/ledger/").status_code == 200
