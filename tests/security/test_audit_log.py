"""MLPS level 3 audit controls: append-only, hash-chained, readable by the auditor only."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, RequestFactory

from carbonpeak.core import audit
from carbonpeak.core.models import AuditChainHead, AuditEntry, AuditLogIsAppendOnly
from carbonpeak.core.roles import Role
from carbonpeak.engine import hashchain

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(office_user):
    return [
        audit.record(
            user=office_user,
            action="update",
            object_type="plans.Task",
            object_id=i,
            object_repr=f"任务{i}",
            before={"title": "旧"},
            after={"title": f"新{i}"},
            note="测试",
        )
        for i in range(5)
    ]


def test_every_entry_links_to_the_previous_one(entries):
    assert entries[0].prev_hash == hashchain.GENESIS
    for prev, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == prev.hash
        assert entry.hash == hashchain.entry_hash(
            prev.hash, AuditEntry.objects.get(pk=entry.pk).chain_payload()
        )
    assert AuditChainHead.objects.get(pk=1).hash == entries[-1].hash
    assert audit.verify() == (5, None)


def test_verify_command_reports_an_intact_log(entries, capsys):
    call_command("audit", "verify")
    assert "哈希链校验通过" in capsys.readouterr().out


def test_the_orm_cannot_change_or_delete_an_entry(entries):
    entry = AuditEntry.objects.get(pk=entries[0].pk)
    entry.note = "改过"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(note="改过")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 5


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditentry SET note = '改过' WHERE id = {mid}",
        'UPDATE core_auditentry SET after = \'{{"title": "伪造"}}\' WHERE id = {mid}',
        "DELETE FROM core_auditentry WHERE id = {mid}",
        "DELETE FROM core_auditentry WHERE id = {last}",
    ],
)
def test_tampering_behind_the_orm_is_found(entries, sql):
    with connection.cursor() as cursor:
        cursor.execute(sql.format(mid=entries[2].pk, last=entries[-1].pk))
    checked, bad = audit.verify()
    assert bad is not None and checked < 5
    with pytest.raises(CommandError, match="完整性校验失败") as info:
        call_command("audit", "verify")
    assert info.value.returncode == 1


def test_phone_numbers_are_masked_in_the_log(office_user):
    entry = audit.record(
        user=office_user,
        action="update",
        object_type="accounts.User",
        object_id=1,
        before={"phone": "13812345678"},
        after={"phone": "13987654321", "display_name": "张三"},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.before == {"phone": "138****5678"}
    assert stored.after["phone"] == "139****4321"
    assert audit.verify()[1] is None


def test_only_the_auditor_and_the_office_read_the_audit_log(make_user, entries):
    sysadmin = make_user("sys", Role.SYSADMIN, is_staff=True, is_superuser=True)
    secadmin = make_user("sec", Role.SECADMIN, is_staff=True)
    auditor = make_user("aud", Role.AUDITOR, is_staff=True)
    office = entries[0].user
    for user, allowed in ((sysadmin, False), (secadmin, False), (auditor, True), (office, True)):
        client = Client()
        client.force_login(user)
        assert client.get("/supervision/audit/").status_code == (200 if allowed else 403), user.username

    from django.contrib import admin

    model_admin = admin.site._registry[AuditEntry]
    request = RequestFactory().get("/admin/core/auditentry/")
    for user, allowed in ((sysadmin, False), (secadmin, False), (auditor, True)):
        request.user = user
        assert model_admin.has_view_permission(request) is allowed
        assert model_admin.has_module_permission(request) is allowed
        assert model_admin.has_change_permission(request) is False
        assert model_admin.has_delete_permission(request) is False


def test_the_superuser_system_administrator_cannot_open_the_audit_log_in_the_admin(make_user, entries):
    sysadmin = make_user("sys", Role.SYSADMIN, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(sysadmin)
    assert client.get("/admin/core/auditentry/").status_code == 403
    assert client.get(f"/admin/core/auditentry/{entries[0].pk}/delete/").status_code == 403
