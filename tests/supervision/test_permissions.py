"""Role x endpoint matrix for every supervision URL and API route.

Roles: anonymous, office, leader, the lead department (own), another department
(other), an enterprise user. A forbidden request gets a login redirect (anonymous),
403 or 404 — never data — and changes nothing (no audit entry, no notification).
The test fails when a URL is added without an expectation here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from carbonpeak.core.models import AuditEntry, Notification
from carbonpeak.supervision import services
from carbonpeak.supervision.models import SupervisionNotice

from .conftest import TODAY, client_for, pdf

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "office", "leader", "own", "other", "enterprise")
STAFF = {"office", "leader", "own", "other"}
READERS = {"office", "leader", "own"}  # may see the lead department's task, report, notice

# url name -> roles whose GET succeeds (200, or 302 for report_open which redirects to the report)
GET_ALLOWED: dict[str, set[str]] = {
    "index": STAFF,
    "index_export": STAFF,
    "periods": STAFF,
    "notices": STAFF,
    "notice_export": STAFF,
    "notifications": STAFF,
    "assessment": STAFF,
    "assessment_export": STAFF,
    "task_detail": READERS,
    "report_open": READERS,
    "report_detail": READERS,
    "report_version": READERS,
    "attachment_download": READERS,
    "notice_detail": READERS,
    "notice_file": READERS,
    "report_edit": set(),  # report is submitted: nobody edits
    "period_edit": {"office"},
    "notice_create": {"office"},
    "audit": {"office"},
    "audit_export": {"office"},
    "dispatch": {"office", "leader"},
    "dispatch_docx": {"office", "leader"},
}
# POST-only url name -> roles allowed to POST (given the objects' states below)
POST_ALLOWED: dict[str, set[str]] = {
    "task_override": {"office"},
    "task_override_clear": {"office"},
    "report_submit": set(),
    "report_review": {"office"},
    "report_contribution": set(),
    "attachment_upload": set(),
    "attachment_delete": set(),
    "period_delete": {"office"},
    "notice_answer": {"own"},
    "notice_close": {"office"},
    "notification_read": STAFF,
    "assessment_weights": {"office"},
}


@pytest.fixture
def world(plan, period, office_user, leader_user, department_user, housing_user, enterprise_user):
    report = services.start_report(actor=department_user, task=plan.t1, period=period)
    services.save_report(
        actor=department_user, report=report, status="in_progress", narrative="进展", key_figures=[]
    )
    attachment = services.add_attachment(actor=department_user, report=report, upload=pdf())
    services.submit_report(actor=department_user, report=report)
    notice = services.issue_notice(
        actor=office_user,
        department=department_user.department,
        title="督办",
        body="b",
        answer_due=TODAY + dt.timedelta(days=3),
        task=plan.t1,
    )
    services.answer_notice(actor=department_user, notice=notice, text="答复", upload=pdf("答复.pdf"))
    from carbonpeak.supervision.models import ReportingPeriod

    spare_period = ReportingPeriod.objects.create(
        plan=plan, kind="monthly", label="空周期", start=TODAY, end=TODAY, deadline=TODAY
    )
    clients = {
        "anonymous": Client(),
        "office": client_for(office_user),
        "leader": client_for(leader_user),
        "own": client_for(department_user),
        "other": client_for(housing_user),
        "enterprise": client_for(enterprise_user),
    }
    kwargs = {
        "task_detail": {"pk": plan.t1.pk},
        "task_override": {"pk": plan.t1.pk},
        "task_override_clear": {"pk": plan.t1.pk},
        "report_open": {"task_id": plan.t1.pk, "period_id": period.pk},
        "report_version": {"pk": report.pk, "number": 1},
        "attachment_download": {"pk": attachment.pk},
        "attachment_delete": {"pk": attachment.pk},
        "period_edit": {"pk": spare_period.pk},
        "period_delete": {"pk": spare_period.pk},
        "notice_detail": {"pk": notice.pk},
        "notice_file": {"pk": notice.pk},
        "notice_answer": {"pk": notice.pk},
        "notice_close": {"pk": notice.pk},
        "dispatch_docx": {"period_id": period.pk},
    }
    for name in (
        "report_detail",
        "report_edit",
        "report_submit",
        "report_review",
        "report_contribution",
        "attachment_upload",
    ):
        kwargs[name] = {"pk": report.pk}
    return {"clients": clients, "kwargs": kwargs, "report": report, "notice": notice}


def _names() -> set[str]:
    _prefix, resolver = get_resolver().namespace_dict["supervision"]
    return {name for name in resolver.reverse_dict if isinstance(name, str)}


def test_every_url_has_an_expectation():
    assert _names() == set(GET_ALLOWED) | set(POST_ALLOWED)


def _is_refusal(role: str, response) -> bool:
    if role == "anonymous":
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code in (403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(role, world):
    client = world["clients"][role]
    for name, allowed in GET_ALLOWED.items():
        url = reverse(f"supervision:{name}", kwargs=world["kwargs"].get(name))
        r = client.get(url)
        if role in allowed:
            expected = 302 if name == "report_open" else 200
            assert r.status_code == expected, (role, name, r.status_code)
        else:
            assert _is_refusal(role, r), (role, name, r.status_code)
    for name in POST_ALLOWED:
        url = reverse(f"supervision:{name}", kwargs=world["kwargs"].get(name))
        r = client.get(url)
        assert r.status_code != 200, (role, name)


POST_DATA = {
    "task_override": {"status": "completed", "reason": "矩阵测试"},
    "report_review": {"decision": "return", "comment": "矩阵测试"},
    "report_contribution": {"text": "矩阵测试"},
    "notice_answer": {"text": "矩阵测试"},
    "notice_close": {"comment": "矩阵测试"},
    "assessment_weights": {"reporting": "1", "task_status": "1", "targets": "1"},
}


@pytest.mark.parametrize("role", ROLES)
def test_post_matrix_forbidden_changes_nothing(role, world):
    client = world["clients"][role]
    for name, allowed in POST_ALLOWED.items():
        if role in allowed:
            continue
        data = dict(POST_DATA.get(name, {}))
        if name == "attachment_upload":
            data = {"file": pdf()}
        audits, notes = AuditEntry.objects.count(), Notification.objects.count()
        url = reverse(f"supervision:{name}", kwargs=world["kwargs"].get(name))
        r = client.post(url, data)
        assert _is_refusal(role, r), (role, name, r.status_code)
        assert AuditEntry.objects.count() == audits, (role, name)
        assert Notification.objects.count() == notes or name == "notification_read", (role, name)
    world["report"].refresh_from_db()
    assert world["report"].state == "submitted"


@pytest.mark.parametrize("role", sorted({r for allowed in POST_ALLOWED.values() for r in allowed}))
def test_post_matrix_allowed(role, world):
    client = world["clients"][role]
    for name, allowed in POST_ALLOWED.items():
        if role not in allowed:
            continue
        url = reverse(f"supervision:{name}", kwargs=world["kwargs"].get(name))
        r = client.post(url, POST_DATA.get(name, {}))
        assert r.status_code == 302 and "/accounts/login/" not in r["Location"], (role, name)


def test_csrf_token_required(world, office_user):
    c = Client(enforce_csrf_checks=True)
    c.force_login(office_user)
    r = c.post(reverse("supervision:report_review", args=[world["report"].pk]), {"decision": "approve"})
    assert r.status_code == 403
    world["report"].refresh_from_db()
    assert world["report"].state == "submitted"


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(role, world, plan):
    client = world["clients"][role]
    tasks = client.get("/api/supervision/tasks")
    report = client.get(f"/api/supervision/reports/{world['report'].pk}")
    notes = client.get("/api/supervision/notifications")
    if role == "anonymous":
        assert {tasks.status_code, report.status_code, notes.status_code} == {401}
    elif role == "enterprise":
        assert {tasks.status_code, report.status_code, notes.status_code} == {403}
    else:
        assert tasks.status_code == 200 and notes.status_code == 200
        codes = {t["code"] for t in tasks.json()}
        if role == "own":
            assert codes == {"1.1"}
        elif role == "other":
            assert codes == {"2.1"}
        else:
            assert codes == {"1.1", "1.2", "2.1"}
        assert report.status_code == (404 if role == "other" else 200)
        if role != "other":
            assert report.json()["narrative"] == "进展"


def test_notice_list_scoped(world, plan):
    assert SupervisionNotice.objects.count() == 1
    assert "督办〔" not in world["clients"]["other"].get(reverse("supervision:notices")).content.decode()
    assert "督办〔" in world["clients"]["own"].get(reverse("supervision:notices")).content.decode()
