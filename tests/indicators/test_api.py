"""JSON API of indicators: staff roles read, others are refused."""

from __future__ import annotations

import pytest
from django.test import Client

from carbonpeak.core.roles import Role
from tests.indicators.factories import make_indicator, observe


@pytest.fixture
def capacity(db, department):
    ind = make_indicator(responsible=department)
    observe(ind, 2024, 45)
    return ind


@pytest.mark.parametrize(
    ("role", "status"), [(Role.LEADER, 200), (Role.DEPARTMENT, 200), (Role.ENTERPRISE, 403)]
)
def test_indicator_list(capacity, fast_user, role, status):
    client = Client()
    client.force_login(fast_user(f"api-{role}", role))
    response = client.get("/api/indicators/")
    assert response.status_code == status
    if status == 200:
        [row] = response.json()
        assert row["status"] == "滞后" and row["level"] == "red"
        assert row["projection_method"] == "linear"
        warnings = client.get("/api/indicators/warnings").json()
        assert warnings[0]["indicator_id"] == capacity.pk
        obs = client.get(f"/api/indicators/{capacity.pk}/observations").json()
        assert obs == [
            {
                "year": 2024,
                "quarter": None,
                "value": 45.0,
                "source": "",
                "state": "approved",
                "illustrative": False,
            }
        ]


def test_anonymous_is_refused(capacity):
    assert Client().get("/api/indicators/").status_code == 401
