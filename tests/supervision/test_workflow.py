"""The reporting workflow end to end: file, attach, contribute, submit, return, resubmit, approve."""

import pytest
from django.core import mail
from django.urls import reverse

from carbonpeak.core.models import AuditEntry, Notification
from carbonpeak.core.notify import deliver_pending
from carbonpeak.supervision.models import Attachment, ProgressReport, ReportVersion

from .conftest import pdf, xlsx

pytestmark = pytest.mark.django_db


def _start(client, task, period):
    r = client.post(reverse("supervision:report_open", args=[task.pk, period.pk]))
    assert r.status_code == 302
    return ProgressReport.objects.get(task=task, period=period)


def test_department_sees_only_its_own_tasks(department_client, plan, period):
    page = department_client.get(reverse("supervision:index")).content.decode()
    assert "全面提升节能综合管理能力" in page
    assert "推动工业领域碳达峰" not in page
    assert "大力发展新能源" not in page


def test_full_cycle(
    department_client,
    industry_client,
    office_client,
    office_user,
    department_user,
    plan,
    period,
    django_capture_on_commit_callbacks,
):
    office_user.email = "office@example.cn"
    office_user.save()
    department_user.email = "fgj@example.cn"
    department_user.save()
    report = _start(department_client, plan.t1, period)
    assert report.department_id == department_user.department_id and report.state == "draft"

    r = department_client.post(
        reverse("supervision:report_edit", args=[report.pk]),
        {
            "status": "in_progress",
            "narrative": "完成重点用能单位排查。",
            "key_figures": "排查企业｜46｜家\n节能审查项目|3",
        },
    )
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.key_figures == [
        {"label": "排查企业", "value": "46", "unit": "家"},
        {"label": "节能审查项目", "value": "3", "unit": ""},
    ]

    r = department_client.post(reverse("supervision:attachment_upload", args=[report.pk]), {"file": pdf()})
    assert r.status_code == 302
    assert Attachment.objects.filter(report=report, kind="PDF").count() == 1

    # the cooperating department adds its contribution and an Excel file to the same report
    r = industry_client.post(
        reverse("supervision:report_contribution", args=[report.pk]), {"text": "配合开展节能监察 12 次。"}
    )
    assert r.status_code == 302
    industry_client.post(reverse("supervision:attachment_upload", args=[report.pk]), {"file": xlsx()})
    assert report.contributions.get().text == "配合开展节能监察 12 次。"
    assert report.attachments.count() == 2

    deliver_pending()  # the contribution request mailed earlier has gone out
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # e-mail goes out after commit
        r = department_client.post(reverse("supervision:report_submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.state == "submitted" and report.first_submitted_at is not None
    assert [m.to for m in mail.outbox] == [["office@example.cn"]]
    assert Notification.objects.filter(recipient=office_user, kind="report_submitted").exists()

    # while submitted the department cannot edit
    assert department_client.get(reverse("supervision:report_edit", args=[report.pk])).status_code == 403

    # a return needs a comment
    r = office_client.post(
        reverse("supervision:report_review", args=[report.pk]),
        {"decision": "return", "comment": ""},
        follow=True,
    )
    assert "退回修改时必须填写审核意见" in r.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        office_client.post(
            reverse("supervision:report_review", args=[report.pk]),
            {"decision": "return", "comment": "请补充投资额。"},
        )
    report.refresh_from_db()
    assert report.state == "returned"
    assert [m.to for m in mail.outbox] == [["fgj@example.cn"]]
    page = department_client.get(reverse("supervision:report_detail", args=[report.pk])).content.decode()
    assert "请补充投资额。" in page

    department_client.post(
        reverse("supervision:report_edit", args=[report.pk]),
        {
            "status": "in_progress",
            "narrative": "完成排查，投资额 1200 万元。",
            "key_figures": "",
            "submit": "1",
        },
    )
    report.refresh_from_db()
    assert report.state == "submitted"
    office_client.post(
        reverse("supervision:report_review", args=[report.pk]), {"decision": "approve", "comment": ""}
    )
    report.refresh_from_db()
    assert report.state == "approved"

    versions = list(ReportVersion.objects.filter(report=report).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].snapshot["narrative"] == "完成重点用能单位排查。"
    assert versions[0].snapshot["contributions"][0]["department"] == "县工业和信息化局"
    assert len(versions[0].snapshot["attachments"]) == 2
    assert versions[1].snapshot["narrative"] == "完成排查，投资额 1200 万元。"
    assert (
        "完成重点用能单位排查"
        in office_client.get(reverse("supervision:report_version", args=[report.pk, 1])).content.decode()
    )
    assert (
        AuditEntry.objects.filter(object_type="supervision.ProgressReport", object_id=str(report.pk)).count()
        >= 6
    )


def test_cooperating_department_cannot_file_or_submit(industry_client, plan, period, department_client):
    r = industry_client.post(reverse("supervision:report_open", args=[plan.t1.pk, period.pk]))
    assert r.status_code == 200 and not ProgressReport.objects.exists()
    report = _start(department_client, plan.t1, period)
    assert industry_client.post(reverse("supervision:report_submit", args=[report.pk])).status_code == 403
    assert industry_client.get(reverse("supervision:report_edit", args=[report.pk])).status_code == 403


def test_lead_cannot_add_contribution_and_other_department_gets_404(
    department_client, housing_client, plan, period
):
    report = _start(department_client, plan.t1, period)
    assert (
        department_client.post(
            reverse("supervision:report_contribution", args=[report.pk]), {"text": "x"}
        ).status_code
        == 403
    )
    assert housing_client.get(reverse("supervision:report_detail", args=[report.pk])).status_code == 404
    assert (
        housing_client.post(
            reverse("supervision:attachment_upload", args=[report.pk]), {"file": pdf()}
        ).status_code
        == 404
    )


def test_leader_reads_but_cannot_review(leader_client, department_client, plan, period):
    report = _start(department_client, plan.t1, period)
    department_client.post(
        reverse("supervision:report_edit", args=[report.pk]),
        {"status": "in_progress", "narrative": "x", "key_figures": "", "submit": "1"},
    )
    assert leader_client.get(reverse("supervision:report_detail", args=[report.pk])).status_code == 200
    assert (
        leader_client.post(
            reverse("supervision:report_review", args=[report.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    report.refresh_from_db()
    assert report.state == "submitted"


def test_submit_needs_narrative(department_client, plan, period):
    report = _start(department_client, plan.t1, period)
    r = department_client.post(reverse("supervision:report_submit", args=[report.pk]), follow=True)
    assert "请先填写工作进展" in r.content.decode()
    report.refresh_from_db()
    assert report.state == "draft"


def test_bad_key_figures_line_named(department_client, plan, period):
    report = _start(department_client, plan.t1, period)
    r = department_client.post(
        reverse("supervision:report_edit", args=[report.pk]),
        {"status": "in_progress", "narrative": "x", "key_figures": "好的｜1\n只有名称"},
    )
    assert r.status_code == 200
    assert "关键数据第 2 行格式不对" in r.content.decode()


def test_superuser_office_keeps_department_rights_separate(department_client, office_user, plan, period):
    """The admin created by `carbonpeak ensure_admin` is a superuser: it must not file or edit department reports."""
    office_user.is_superuser = True
    office_user.save()
    from .conftest import client_for

    admin = client_for(office_user)
    assert admin.post(reverse("supervision:report_open", args=[plan.t1.pk, period.pk])).status_code == 200
    assert not ProgressReport.objects.exists()
    report = _start(department_client, plan.t1, period)
    page = admin.get(reverse("supervision:report_detail", args=[report.pk])).content.decode()
    assert 'id="edit-report"' not in page and 'id="review-form"' not in page
    assert admin.get(reverse("supervision:report_edit", args=[report.pk])).status_code == 403


def test_cooperating_department_is_asked_for_its_contribution(
    department_client, industry_user, housing_user, plan, period
):
    from carbonpeak.core.models import Notification

    report = _start(department_client, plan.t1, period)
    note = Notification.objects.get(recipient=industry_user, kind="contribution_requested")
    assert note.url == reverse("supervision:report_detail", args=[report.pk]) and "1.1" in note.title
    assert not Notification.objects.filter(recipient=housing_user).exists()
