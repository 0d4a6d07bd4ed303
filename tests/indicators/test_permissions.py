"""Every URL of the indicators app × every role: who gets the page, who gets 403, who must log in."""

from __future__ import annotations

import pytest
from django.test import Client

from carbonpeak.core.roles import Role
from carbonpeak.plans.models import Department
from tests.indicators.factories import make_indicator, observe


@pytest.fixture
def world(db, fast_user, department):
    other = Department.objects.create(name="县林业局")
    own_ind = make_indicator("新能源装机容量", responsible=department)
    other_ind = make_indicator(
        "森林覆盖率", responsible=other, unit="%", comparator="=", baseline_value=39, target_value=39
    )
    pending = observe(own_ind, 2023, 80, state="pending")
    users = {
        "office": fast_user("p_office", Role.OFFICE),
        "leader": fast_user("p_leader", Role.LEADER),
        "dept_own": fast_user("p_dept", Role.DEPARTMENT, department=department),
        "dept_other": fast_user("p_dept_other", Role.DEPARTMENT, department=other),
        "enterprise": fast_user("p_ent", Role.ENTERPRISE),
    }
    return {"own": own_ind, "other": other_ind, "pending": pending, "users": users}


def _client(world, who):
    c = Client()
    if who != "anonymous":
        c.force_login(world["users"][who])
    return c


ROLES = ("anonymous", "office", "leader", "dept_own", "dept_other", "enterprise")
READERS = {"office", "leader", "dept_own", "dept_other"}

# (name, method, url builder, roles allowed, status for allowed)
CASES = [
    ("list", "get", lambda w: "/indicators/", READERS, 200),
    ("dashboard", "get", lambda w: "/indicators/dashboard/", READERS, 200),
    ("detail", "get", lambda w: f"/indicators/{w['own'].pk}/", READERS, 200),
    ("export", "get", lambda w: "/indicators/export.xlsx", READERS, 200),
    ("import", "get", lambda w: "/indicators/import/", {"office", "dept_own", "dept_other"}, 200),
    (
        "template",
        "get",
        lambda w: "/indicators/import/template.xlsx",
        {"office", "dept_own", "dept_other"},
        200,
    ),
    ("review", "get", lambda w: "/indicators/review/", {"office"}, 200),
    ("edit", "get", lambda w: f"/indicators/{w['own'].pk}/edit/", {"office"}, 200),
    ("edit_post", "post", lambda w: f"/indicators/{w['own'].pk}/edit/", {"office"}, 200),
    ("enter_own", "post", lambda w: f"/indicators/{w['own'].pk}/observations/", {"office", "dept_own"}, 302),
    ("review_obs", "post", lambda w: f"/indicators/observations/{w['pending'].pk}/review/", {"office"}, 302),
    ("sync_plan", "post", lambda w: "/indicators/sync-plan/", {"office"}, 302),
    ("refresh", "post", lambda w: "/indicators/refresh/", {"office"}, 302),
]

POST_DATA = {"year": "2023", "value": "90", "decision": "approve"}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("name", "method", "url", "allowed", "ok"), CASES, ids=[c[0] for c in CASES])
def test_access(world, who, name, method, url, allowed, ok):
    client = _client(world, who)
    target = url(world)
    response = client.post(target, POST_DATA) if method == "post" else client.get(target)
    if who == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif who in allowed:
        assert response.status_code == ok, response.content[:500]
    else:
        assert response.status_code == 403


def test_department_cannot_enter_for_another_departments_indicator(world):
    client = _client(world, "dept_own")
    response = client.post(f"/indicators/{world['other'].pk}/observations/", POST_DATA)
    assert response.status_code == 403
    assert not world["other"].observations.exists()


def test_computed_indicator_takes_no_manual_entry_even_from_office(world):
    computed = make_indicator("能源消费总量", kind="computed", computed_key="energy_tce")
    response = _client(world, "office").post(f"/indicators/{computed.pk}/observations/", POST_DATA)
    assert response.status_code == 403


def test_leader_sees_no_entry_or_review_controls(world):
    html = _client(world, "leader").get(f"/indicators/{world['own'].pk}/").content.decode()
    assert "填报观测值" not in html
    assert "通过</button>" not in html


def test_unknown_objects_are_404(world):
    client = _client(world, "office")
    assert client.get("/indicators/99999/").status_code == 404
    assert client.post("/indicators/observations/99999/review/", POST_DATA).status_code == 404


def test_department_template_lists_only_own_indicators(world):
    import io

    from openpyxl import load_workbook

    data = _client(world, "dept_own").get("/indicators/import/template.xlsx").content
    ws = load_workbook(io.BytesIO(data)).active
    ids = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert ids == [world["own"].pk]
