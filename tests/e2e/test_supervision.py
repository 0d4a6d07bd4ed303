"""Browser test (real Chromium): a department files a report with an attachment and
submits it; the office returns it with a comment; the department sees the comment."""

from __future__ import annotations

import datetime as dt

import pytest

from carbonpeak.core.roles import Role


@pytest.fixture
def ledger(transactional_db, department):
    from carbonpeak.plans.models import Action, Assignment, Plan, Task
    from carbonpeak.supervision.models import ReportingPeriod

    plan = Plan.objects.create(title="浏览器测试方案")
    action = Action.objects.create(plan=plan, number=1, title="（一）产业绿色低碳发展行动")
    task = Task.objects.create(
        action=action, code="1.1", number=1, title="全面提升节能综合管理能力", text="……"
    )
    Assignment.objects.create(task=task, department=department, role="lead")
    today = dt.date.today()
    period = ReportingPeriod.objects.create(
        plan=plan,
        kind="quarterly",
        label="本季度",
        start=today - dt.timedelta(days=10),
        end=today + dt.timedelta(days=20),
        deadline=today + dt.timedelta(days=30),
    )
    return task, period


def _logout(page):
    page.click("header form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_department_files_office_returns(
    page, login, live_server, ledger, make_user, department, tmp_path, settings
):
    from carbonpeak.supervision.models import ProgressReport

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    task, period = ledger
    dept_user = make_user("fgj", Role.DEPARTMENT, department=department)
    office = make_user("ban", Role.OFFICE)
    page.on("dialog", lambda dialog: dialog.accept())

    login(dept_user)
    page.goto(f"{live_server.url}/supervision/")
    assert "全面提升节能综合管理能力" in page.inner_text("#task-table")
    page.click("#task-table >> text=未填报")
    page.click("#start-report")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_narrative", "已完成全县重点用能单位排查。")
    page.fill("#id_key_figures", "排查企业｜46｜家")
    page.click("#report-form button[value='0']")
    page.wait_for_load_state("networkidle")
    attachment = tmp_path / "排查清单.pdf"
    attachment.write_bytes(b"%PDF-1.4\n% test\n" + b"0" * 500)
    page.set_input_files("#id_file", str(attachment))
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "排查清单.pdf" in page.inner_text("#attachments")
    page.click("#submit-report")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#report-state") == "已提交待审核"
    _logout(page)

    report = ProgressReport.objects.get()
    login(office)
    page.goto(f"{live_server.url}/supervision/reports/{report.pk}/")
    page.check("#review-form input[value='return']")
    page.fill("#id_comment", "请补充排查企业名单和能耗数据。")
    page.click("#review-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#report-state") == "已退回"
    _logout(page)

    login(dept_user)
    page.goto(f"{live_server.url}/supervision/reports/{report.pk}/")
    assert "请补充排查企业名单和能耗数据。" in page.inner_text("#reviews")
    assert page.is_visible("#edit-report")
    assert page.console_errors == []
