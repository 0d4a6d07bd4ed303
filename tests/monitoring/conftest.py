from __future__ import annotations

import pytest

from carbonpeak.monitoring.models import Meter


@pytest.fixture(autouse=True)
def meter_store(settings, tmp_path):
    """Each test gets its own empty meter store."""
    settings.METER_STORE_DIR = tmp_path / "meter-store"
    return settings.METER_STORE_DIR


@pytest.fixture
def meter(enterprise):
    return Meter.objects.create(
        enterprise=enterprise, code="E01-01", name="总进线", carrier="电力", unit="kWh", multiplier=1.0
    )


@pytest.fixture
def other_enterprise(db):
    from carbonpeak.enterprises.models import Enterprise

    return Enterprise.objects.create(name="另一企业", uscc="91350100M000100Y43")


@pytest.fixture
def other_meter(other_enterprise):
    return Meter.objects.create(
        enterprise=other_enterprise, code="E01-01", name="另一企业总表", carrier="电力", unit="kWh"
    )


@pytest.fixture
def token_secret(enterprise, office_user):
    from carbonpeak.monitoring import services

    _token, secret = services.create_token(enterprise=enterprise, name="采集终端", user=office_user)
    return secret


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
