"""Fixtures shared by the whole suite: one signed-in client per role."""

from __future__ import annotations

import pytest
from django.test import Client

from carbonpeak.core.roles import Role

PASSWORD = "Carbon-Peak-2030!"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Tests create many accounts: a fast hasher keeps the suite quick (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db, django_user_model):
    def _make(username: str, role: str = Role.OFFICE, **extra):
        user = django_user_model(username=username, role=role, **extra)
        user.set_password(PASSWORD)
        user.save()
        return user

    return _make


@pytest.fixture
def office_user(make_user):
    return make_user("office", Role.OFFICE, display_name="碳达峰办")


@pytest.fixture
def leader_user(make_user):
    return make_user("leader", Role.LEADER, display_name="县领导")


@pytest.fixture
def department(db):
    from carbonpeak.plans.models import Department

    return Department.objects.get_or_create(name="县发展和改革局", defaults={"short_name": "县发改局"})[0]


@pytest.fixture
def department_user(make_user, department):
    return make_user("dept", Role.DEPARTMENT, department=department, display_name="发改局填报员")


@pytest.fixture
def enterprise(db):
    from carbonpeak.enterprises.models import Enterprise

    return Enterprise.objects.get_or_create(uscc="91430621MA4L0000XX", defaults={"name": "示例企业"})[0]


@pytest.fixture
def enterprise_user(make_user, enterprise):
    return make_user("ent", Role.ENTERPRISE, enterprise=enterprise)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def office_client(office_user):
    return _client_for(office_user)


@pytest.fixture
def leader_client(leader_user):
    return _client_for(leader_user)


@pytest.fixture
def department_client(department_user):
    return _client_for(department_user)


@pytest.fixture
def enterprise_client(enterprise_user):
    return _client_for(enterprise_user)
