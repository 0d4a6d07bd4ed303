import pytest

from carbonpeak.core import audit
from carbonpeak.core.models import AuditEntry


@pytest.mark.django_db
def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_home_for_signed_in_user(office_client):
    response = office_client.get("/")
    assert response.status_code == 200
    assert "县域碳达峰实施管理平台" in response.content.decode()


@pytest.mark.django_db
def test_audit_record_keeps_before_and_after(office_user, department):
    before = audit.snapshot(department)
    department.short_name = "发改局"
    department.save()
    entry = audit.record(
        user=office_user,
        action="update",
        instance=department,
        before=before,
        after=audit.snapshot(department),
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.username == "office"
    assert stored.before["short_name"] == "县发改局"
    assert stored.after["short_name"] == "发改局"
    assert stored.object_type == "plans.Department"


def test_healthz(client):
    assert client.get("/healthz").content == b"ok"


@pytest.mark.django_db
def test_leader_lands_on_the_dashboard(leader_client):
    response = leader_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


@pytest.mark.django_db
def test_enterprise_user_lands_on_its_enterprise(enterprise_client):
    response = enterprise_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/enterprises/mine/"


@pytest.mark.django_db
def test_menu_highlights_only_the_current_entry(office_client):
    html = office_client.get("/plans/ledger/").content.decode()
    assert 'href="/plans/ledger/" class="active"' in html
    assert 'href="/plans/" class="active"' not in html


def test_cn_number():
    from carbonpeak.core.numerals import cn_number

    assert [cn_number(n) for n in (1, 9, 10, 11, 20, 38)] == ["一", "九", "十", "十一", "二十", "三十八"]
