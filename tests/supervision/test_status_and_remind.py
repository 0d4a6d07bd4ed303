import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from carbonpeak.core.models import AuditEntry, Notification
from carbonpeak.supervision import services
from carbonpeak.supervision.models import ProgressReport, ReminderLog, SupervisionNotice

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _status(task):
    return services.task_progress([task])[0]


def test_past_due_task_is_flagged_overdue_on_the_index(office_client, plan, period):
    p = _status(plan.t2)
    assert p.status == "lagging" and p.derived.overdue
    page = office_client.get(reverse("supervision:index")).content.decode()
    assert "逾期" in page
    assert (
        "推动工业领域碳达峰"
        in office_client.get(reverse("supervision:index") + "?flag=overdue").content.decode()
    )
    assert (
        "大力发展新能源"
        not in office_client.get(reverse("supervision:index") + "?flag=overdue").content.decode()
    )


def test_missing_report_after_deadline_flagged(office_client, plan, past_period):
    page = office_client.get(
        reverse("supervision:index") + f"?period={past_period.pk}&flag=missing"
    ).content.decode()
    assert "逾期未报" in page and "全面提升节能综合管理能力" in page


def test_status_follows_latest_submitted_report(plan, period, department_user):
    report = services.start_report(actor=department_user, task=plan.t1, period=period)
    services.save_report(
        actor=department_user, report=report, status="completed", narrative="已完成", key_figures=[]
    )
    assert _status(plan.t1).status == "not_started"  # drafts do not count
    services.submit_report(actor=department_user, report=report)
    assert _status(plan.t1).status == "completed"


def test_override_requires_reason_and_is_audited(office_client, plan):
    url = reverse("supervision:task_override", args=[plan.t2.pk])
    r = office_client.post(url, {"status": "in_progress", "reason": ""}, follow=True)
    assert "必须" in r.content.decode()
    assert _status(plan.t2).status == "lagging"
    office_client.post(url, {"status": "in_progress", "reason": "时限经县政府同意顺延至年底"})
    p = _status(plan.t2)
    assert p.status == "in_progress" and p.derived.status == "lagging"
    assert p.override.reason == "时限经县政府同意顺延至年底"
    assert AuditEntry.objects.filter(object_type="supervision.TaskStatusOverride").exists()
    office_client.post(reverse("supervision:task_override_clear", args=[plan.t2.pk]))
    assert _status(plan.t2).status == "lagging"


def test_department_and_leader_cannot_override(department_client, leader_client, plan):
    for c in (department_client, leader_client):
        assert (
            c.post(
                reverse("supervision:task_override", args=[plan.t1.pk]),
                {"status": "completed", "reason": "x"},
            ).status_code
            == 403
        )
    assert _status(plan.t1).override is None


def test_remind_sends_each_reminder_once(
    plan,
    period,
    past_period,
    department_user,
    industry_user,
    housing_user,
    django_capture_on_commit_callbacks,
):
    department_user.email = "fgj@example.cn"
    department_user.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # e-mail goes out after commit
        call_command("remind")
    kinds = set(ReminderLog.objects.values_list("kind", flat=True))
    # period deadline in 3 days -> due soon; past period missing; t2 past due; t3 never reported since 120 days
    assert {"report_due_soon", "report_missing", "task_overdue", "task_stale"} <= kinds
    assert ReminderLog.objects.filter(kind="task_overdue", recipient=industry_user).count() == 1
    first_notifications = Notification.objects.count()
    first_mail = len(mail.outbox)
    assert first_mail >= 2 and {m.to[0] for m in mail.outbox} == {"fgj@example.cn", "gxj@example.cn"}
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind")
        call_command("remind")
    assert Notification.objects.count() == first_notifications
    assert len(mail.outbox) == first_mail


def test_remind_skips_reports_already_submitted(plan, period, department_user):
    report = services.start_report(actor=department_user, task=plan.t1, period=period)
    services.save_report(
        actor=department_user, report=report, status="in_progress", narrative="x", key_figures=[]
    )
    services.submit_report(actor=department_user, report=report)
    call_command("remind")
    assert not ReminderLog.objects.filter(kind="report_due_soon", object_key=f"task:{plan.t1.pk}").exists()


def test_remind_notice_unanswered(plan, department, department_user, office_user):
    notice = services.issue_notice(
        actor=office_user, department=department, title="督办", body="请报送", answer_due=TODAY
    )
    SupervisionNotice.objects.filter(pk=notice.pk).update(answer_due=TODAY - dt.timedelta(days=1))
    call_command("remind")
    assert ReminderLog.objects.filter(kind="notice_unanswered", recipient=department_user).count() == 1


def test_remind_bad_date_exits_2(db):
    with pytest.raises(CommandError) as exc:
        call_command("remind", "--date", "2026-13-01")
    assert exc.value.returncode == 2 and "格式不对" in str(exc.value)


def test_first_submission_time_kept_on_resubmit(plan, period, department_user, office_user):
    report = services.start_report(actor=department_user, task=plan.t1, period=period)
    services.save_report(
        actor=department_user, report=report, status="in_progress", narrative="x", key_figures=[]
    )
    services.submit_report(actor=department_user, report=report)
    first = ProgressReport.objects.get().first_submitted_at
    services.review_report(actor=office_user, report=report, decision="return", comment="补充")
    ProgressReport.objects.filter(pk=report.pk).update(first_submitted_at=first - dt.timedelta(days=1))
    services.submit_report(actor=department_user, report=report)
    r = ProgressReport.objects.get()
    assert r.first_submitted_at == first - dt.timedelta(days=1) and r.submitted_at > r.first_submitted_at
    assert r.submitted_at <= timezone.now()


def test_override_to_completed_clears_overdue_flag(office_user, plan):
    assert _status(plan.t2).overdue
    services.override_status(actor=office_user, task=plan.t2, status="completed", reason="现场核查已完成")
    p = _status(plan.t2)
    assert p.status == "completed" and p.derived.overdue and not p.overdue and not p.stale
