import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carbonpeak.accounts import services
from carbonpeak.accounts.models import User
from carbonpeak.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_and_logout(department_user):
    c = Client()
    r = _login(c, "dept", PASSWORD)
    assert r.status_code == 302
    assert c.get("/").status_code == 200
    c.post(reverse("accounts:logout"))
    assert c.get("/").status_code == 302


def test_wrong_password_message_in_chinese(department_user):
    r = _login(Client(), "dept", "wrong-password")
    assert r.status_code == 200
    assert "账号或密码不正确" in r.content.decode()


def test_lockout_after_five_failures(department_user):
    c = Client()
    for _ in range(4):
        _login(c, "dept", "wrong")
    department_user.refresh_from_db()
    assert department_user.failed_login_count == 4 and department_user.locked_until is None
    r = _login(c, "dept", "wrong")
    assert "已被锁定" in r.content.decode()
    # even the right password is refused while locked, on the site and in the admin
    r = _login(c, "dept", PASSWORD)
    assert r.status_code == 200 and "已被锁定" in r.content.decode()
    assert c.get("/").status_code == 302
    department_user.refresh_from_db()
    assert department_user.locked_until > timezone.now() + dt.timedelta(minutes=14)
    assert AuditEntry.objects.filter(object_type="accounts.User", note__contains="锁定").exists()


def test_lock_expires(department_user):
    User.objects.filter(pk=department_user.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    c = Client()
    assert _login(c, "dept", PASSWORD).status_code == 302


def test_successful_login_resets_counter(department_user):
    c = Client()
    for _ in range(3):
        _login(c, "dept", "wrong")
    _login(c, "dept", PASSWORD)
    department_user.refresh_from_db()
    assert department_user.failed_login_count == 0


def test_admin_login_also_refuses_locked_account(office_user):
    office_user.is_staff = True
    office_user.locked_until = timezone.now() + dt.timedelta(minutes=10)
    office_user.save()
    c = Client()
    c.post("/admin/login/", {"username": "office", "password": PASSWORD})
    assert c.get("/admin/").status_code == 302


def test_office_creates_account_with_one_time_password(office_client, department):
    r = office_client.post(
        reverse("accounts:create"),
        {
            "username": "gxj01",
            "display_name": "张三",
            "role": "department",
            "department": department.pk,
            "email": "zs@example.cn",
            "phone": "",
        },
    )
    assert r.status_code == 200
    password = re.search(r'id="initial-password"[^>]*>([^<]+)<', r.content.decode()).group(1)
    user = User.objects.get(username="gxj01")
    assert user.must_change_password and user.department == department and user.check_password(password)
    assert "no-cache" in r["Cache-Control"] or "no-store" in r["Cache-Control"]
    entry = AuditEntry.objects.get(object_type="accounts.User", object_id=str(user.pk), action="create")
    assert entry.username == "office" and "password" not in entry.after

    # first login: forced to change the password before anything else
    c = Client()
    assert _login(c, "gxj01", password).status_code == 302
    r = c.get(reverse("supervision:index"))
    assert r.status_code == 302 and r["Location"] == reverse("accounts:password_change")
    r = c.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "Lvse-Ditan-2030",
            "new_password2": "Lvse-Ditan-2030",
        },
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert c.get(reverse("supervision:index")).status_code == 200


def test_department_role_requires_department(office_client):
    r = office_client.post(reverse("accounts:create"), {"username": "x1", "role": "department"})
    assert "部门填报员必须选择所属部门" in r.content.decode()
    assert not User.objects.filter(username="x1").exists()


def test_duplicate_username_refused(office_client, department_user):
    r = office_client.post(reverse("accounts:create"), {"username": "DEPT", "role": "leader"})
    assert "已存在" in r.content.decode()


def test_edit_deactivate_reset_are_audited(office_client, office_user, department_user, enterprise):
    r = office_client.post(
        reverse("accounts:edit", args=[department_user.pk]),
        {
            "display_name": "新名字",
            "role": "leader",
            "email": "",
            "phone": "",
        },
    )
    assert r.status_code == 302
    department_user.refresh_from_db()
    assert department_user.role == "leader" and department_user.department is None
    office_client.post(reverse("accounts:set_active", args=[department_user.pk]), {"active": "0"})
    department_user.refresh_from_db()
    assert not department_user.is_active
    assert _login(Client(), "dept", PASSWORD).status_code == 200
    r = office_client.post(reverse("accounts:reset_password", args=[department_user.pk]))
    assert "一次性初始密码" in r.content.decode()
    notes = list(
        AuditEntry.objects.filter(object_id=str(department_user.pk), object_type="accounts.User").values_list(
            "note", flat=True
        )
    )
    assert "停用账号" in notes and "重置密码" in notes
    before_after = AuditEntry.objects.filter(object_id=str(department_user.pk), note="").first()
    assert before_after.before["role"] == "department" and before_after.after["role"] == "leader"


def test_office_cannot_deactivate_itself(office_client, office_user):
    r = office_client.post(
        reverse("accounts:set_active", args=[office_user.pk]), {"active": "0"}, follow=True
    )
    assert "不能停用自己的账号" in r.content.decode()
    office_user.refresh_from_db()
    assert office_user.is_active


def test_generated_passwords_pass_validators():
    from django.contrib.auth.password_validation import validate_password

    for _ in range(20):
        validate_password(services.generate_password())


def test_csrf_enforced_on_login_and_account_creation(office_user, department):
    c = Client(enforce_csrf_checks=True)
    assert c.post(LOGIN, {"username": "office", "password": PASSWORD}).status_code == 403
    c.force_login(office_user)
    r = c.post(reverse("accounts:create"), {"username": "nocsrf", "role": "leader"})
    assert r.status_code == 403
    assert not User.objects.filter(username="nocsrf").exists()


def test_admin_account_change_is_audited(office_user, department_user):
    office_user.is_staff = office_user.is_superuser = True
    office_user.save()
    c = Client()
    c.force_login(office_user)
    r = c.post(
        f"/admin/accounts/user/{department_user.pk}/change/",
        {
            "username": "dept",
            "role": "leader",
            "display_name": "改名",
            "phone": "",
            "email": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    entry = AuditEntry.objects.filter(
        object_type="accounts.User", object_id=str(department_user.pk), note="后台修改"
    ).get()
    assert entry.before["role"] == "department" and entry.after["role"] == "leader"


def test_new_account_form_preselects_the_least_privileged_role(office_client):
    """Issue 16: the form used to preselect 碳达峰办管理员 (the first choice, all rights)."""
    import re

    html = office_client.get("/accounts/manage/new/").content.decode()
    selected = re.findall(r'<option value="(\w+)"[^>]*selected', html)
    assert selected == ["department"]
    options = re.findall(r'<option value="(department|enterprise|leader|office)"', html)
    assert options == ["department", "enterprise", "leader", "office"]
