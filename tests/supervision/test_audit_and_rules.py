import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from carbonpeak.core.models import AuditEntry
from carbonpeak.supervision import services
from carbonpeak.supervision.models import ReminderLog, ReportingPeriod

from .conftest import TODAY, pdf

pytestmark = pytest.mark.django_db


def test_audit_log_viewer_and_export(office_client, department_user, plan, period):
    report = services.start_report(actor=department_user, task=plan.t1, period=period)
    services.save_report(
        actor=department_user, report=report, status="lagging", narrative="受资金影响滞后", key_figures=[]
    )
    page = office_client.get(
        reverse("supervision:audit") + "?type=supervision.ProgressReport&action=update"
    ).content.decode()
    assert "受资金影响滞后" in page and "dept" in page
    entry = AuditEntry.objects.filter(object_type="supervision.ProgressReport", action="update").get()
    assert entry.before["status"] == "in_progress" and entry.after["status"] == "lagging"
    wb = load_workbook(
        io.BytesIO(office_client.get(reverse("supervision:audit_export") + "?action=update").content)
    )
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作人", "操作")
    assert any(r[1] == "dept" and "lagging" in (r[7] or "") for r in rows[1:])


def test_audit_entries_cannot_be_changed_from_the_ui(office_client, office_user):
    AuditEntry.objects.create(username="x", action="create", object_type="t", object_id="1")
    assert office_client.post(reverse("supervision:audit"), {"action": "delete"}).status_code == 405
    assert office_client.post(reverse("supervision:audit_export")).status_code == 405
    office_user.is_staff = office_user.is_superuser = True
    office_user.save()
    entry = AuditEntry.objects.first()
    assert (
        office_client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_attachment_of_a_submitted_version_cannot_be_deleted(department_user, office_user, plan, period):
    report = services.start_report(actor=department_user, task=plan.t1, period=period)
    services.save_report(
        actor=department_user, report=report, status="in_progress", narrative="x", key_figures=[]
    )
    att = services.add_attachment(actor=department_user, report=report, upload=pdf())
    services.submit_report(actor=department_user, report=report)
    services.review_report(actor=office_user, report=report, decision="return", comment="补充")
    with pytest.raises(services.SupervisionError, match="已随第1版提交"):
        services.delete_attachment(actor=department_user, attachment=att)
    fresh = services.add_attachment(actor=department_user, report=report, upload=pdf("补充.pdf"))
    services.delete_attachment(actor=department_user, attachment=fresh)
    assert list(report.attachments.values_list("original_name", flat=True)) == ["进展说明.pdf"]


def test_missing_reports_chased_for_the_latest_closed_round_only(plan, department_user, past_period):
    older = ReportingPeriod.objects.create(
        plan=plan,
        kind="quarterly",
        label="上上期",
        start=TODAY - dt.timedelta(days=240),
        end=TODAY - dt.timedelta(days=150),
        deadline=TODAY - dt.timedelta(days=140),
    )
    call_command("remind")
    keys = set(ReminderLog.objects.filter(kind="report_missing").values_list("period_key", flat=True))
    assert keys == {f"period:{past_period.pk}"}
    assert f"period:{older.pk}" not in keys


def test_audit_log_names_objects_in_chinese(office_client, department_user, plan, period):
    """Issue 16: ``scenarios.ScenarioVersion #3`` in the log; now the model's Chinese name."""
    report = services.start_report(actor=department_user, task=plan.t1, period=period)
    services.save_report(
        actor=department_user, report=report, status="lagging", narrative="滞后", key_figures=[]
    )
    page = office_client.get(reverse("supervision:audit")).content.decode()
    table = page.split('id="audit-table"', 1)[1]
    assert "supervision.ProgressReport" not in table
    assert f"进展报告（编号 {report.pk}）" in table
    options = page.split('name="type"', 1)[1].split("</select>", 1)[0]
    assert ">supervision.ProgressReport<" not in options
    rows = list(
        load_workbook(
            io.BytesIO(office_client.get(reverse("supervision:audit_export")).content)
        ).active.iter_rows(values_only=True)
    )
    assert all("." not in (r[3] or "") for r in rows[1:])


def test_audit_changes_use_field_names_and_no_python_notation(office_client, department_user, plan, period):
    report = services.start_report(actor=department_user, task=plan.t1, period=period)
    services.save_report(
        actor=department_user, report=report, status="lagging", narrative="滞后", key_figures=[]
    )
    page = office_client.get(reverse("supervision:audit") + "?action=update").content.decode()
    table = page.split('id="audit-table"', 1)[1]
    assert "None" not in table and "&#x27;" not in table and "{" not in table
    assert '<tr><td>进展状态</td><td class="muted">推进中</td><td>滞后</td></tr>' in table
    assert "lagging" not in table


def test_no_none_after_a_date_when_submitted_by_the_system(department_client, department_user, plan, period):
    """Issue 16: ``2026-12-04 03:59 None`` under a report submitted by the sample loader (no user)."""
    from carbonpeak.supervision.models import ProgressReport, ReportVersion

    report = services.start_report(actor=department_user, task=plan.t1, period=period)
    services.save_report(
        actor=department_user, report=report, status="lagging", narrative="滞后", key_figures=[]
    )
    services.submit_report(actor=department_user, report=report)
    ReportVersion.objects.update(submitted_by=None)
    ProgressReport.objects.update(submitted_by=None)
    page = department_client.get(reverse("supervision:report_detail", args=[report.pk])).content.decode()
    assert "None" not in page
    assert "系统" in page


def test_pending_review_count_links_to_the_tasks_waiting_for_review(
    office_client, department_user, plan, period
):
    """Issue 16: the 待审核报告 count was not a link and there was no pending-review filter."""
    report = services.start_report(actor=department_user, task=plan.t1, period=period)
    services.save_report(
        actor=department_user, report=report, status="lagging", narrative="滞后", key_figures=[]
    )
    services.submit_report(actor=department_user, report=report)
    page = office_client.get(reverse("supervision:index")).content.decode()
    card = page.split('id="card-pending"', 1)[1].split("</a>", 1)[0]
    assert card.startswith(' href="?flag=pending')
    assert '<div class="value">1</div>' in card
    filtered = office_client.get(reverse("supervision:index") + "?flag=pending").content.decode()
    table = filtered.split('id="task-table"', 1)[1]
    assert table.count("<tr>") - 1 == 1  # header row + the one task with a submitted report
    assert plan.t1.title in table
