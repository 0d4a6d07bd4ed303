import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from carbonpeak.supervision import services
from carbonpeak.supervision.models import AssessmentWeights, ProgressReport, SupervisionNotice

from .conftest import TODAY, pdf

pytestmark = pytest.mark.django_db


def test_notice_issued_answered_closed(
    office_client,
    department_client,
    housing_client,
    department,
    department_user,
    plan,
    django_capture_on_commit_callbacks,
):
    department_user.email = "fgj@example.cn"
    department_user.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # e-mail goes out after commit
        r = office_client.post(
            reverse("supervision:notice_create"),
            {
                "department": department.pk,
                "task": plan.t1.pk,
                "title": "加快节能审查",
                "body": "请说明进度。",
                "answer_due": (TODAY + dt.timedelta(days=5)).isoformat(),
            },
        )
    notice = SupervisionNotice.objects.get()
    assert r.status_code == 302 and notice.state == "issued" and notice.number.startswith("督办〔")
    assert mail.outbox[0].to == ["fgj@example.cn"]
    assert housing_client.get(reverse("supervision:notice_detail", args=[notice.pk])).status_code == 404
    assert "加快节能审查" not in housing_client.get(reverse("supervision:notices")).content.decode()
    department_client.post(
        reverse("supervision:notice_answer", args=[notice.pk]),
        {"text": "已完成 3 个项目审查。", "file": pdf()},
    )
    notice.refresh_from_db()
    assert notice.state == "answered" and notice.answer_file_name == "进展说明.pdf"
    assert department_client.get(reverse("supervision:notice_file", args=[notice.pk])).status_code == 200
    assert department_client.post(reverse("supervision:notice_close", args=[notice.pk])).status_code == 403
    office_client.post(reverse("supervision:notice_close", args=[notice.pk]), {"comment": "同意办结"})
    notice.refresh_from_db()
    assert notice.state == "closed"
    assert (
        department_client.post(
            reverse("supervision:notice_answer", args=[notice.pk]), {"text": "再答"}
        ).status_code
        == 403
    )
    wb = load_workbook(io.BytesIO(office_client.get(reverse("supervision:notice_export")).content))
    assert wb.active["A2"].value == notice.number


def test_notice_answer_wrong_file_refused(office_user, department_client, department):
    from django.core.files.uploadedfile import SimpleUploadedFile

    notice = services.issue_notice(
        actor=office_user, department=department, title="t", body="b", answer_due=TODAY
    )
    r = department_client.post(
        reverse("supervision:notice_answer", args=[notice.pk]),
        {"text": "答复", "file": SimpleUploadedFile("a.docx", b"not a zip")},
        follow=True,
    )
    assert "内容与扩展名 .docx 不符" in r.content.decode()
    notice.refresh_from_db()
    assert notice.state == "issued"


def _submit(user, task, period, status="in_progress"):
    report = services.start_report(actor=user, task=task, period=period)
    services.save_report(actor=user, report=report, status=status, narrative="进展", key_figures=[])
    services.submit_report(actor=user, report=report)
    return report


def test_ranking_weights_and_export(
    office_client, leader_client, department_user, industry_user, plan, past_period
):
    _submit(department_user, plan.t1, past_period)  # on time? first_submitted now > deadline -> late
    ProgressReport.objects.filter(task=plan.t1).update(
        first_submitted_at=dt.datetime.combine(
            past_period.deadline - dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC
        )
    )
    a = services.assess(plan=plan)
    by_name = {r.department.name: r for r in a.rows}
    fgj = by_name["县发展和改革局"]
    assert (fgj.reports_due, fgj.reports_on_time) == (1, 1)
    assert fgj.score.reporting == 100 and fgj.score.task_status == 80
    gxj = by_name["县工业和信息化局"]
    assert gxj.score.reporting == 0 and gxj.lagging == 1 and gxj.score.task_status == 0
    assert a.rows[0].department.name == "县发展和改革局" and a.rows[0].score.rank == 1

    page = leader_client.get(reverse("supervision:assessment")).content.decode()
    assert "县发展和改革局" in page and "保存权重" not in page
    assert (
        leader_client.post(
            reverse("supervision:assessment_weights"), {"reporting": 1, "task_status": 0, "targets": 0}
        ).status_code
        == 403
    )
    office_client.post(
        reverse("supervision:assessment_weights"), {"reporting": "100", "task_status": "0", "targets": "0"}
    )
    assert AssessmentWeights.current().task_status == 0
    r = office_client.post(
        reverse("supervision:assessment_weights"),
        {"reporting": "0", "task_status": "0", "targets": "0"},
        follow=True,
    )
    assert "至少有一项大于 0" in r.content.decode()

    wb = load_workbook(io.BytesIO(office_client.get(reverse("supervision:assessment_export")).content))
    ws = wb.active
    assert ws["A1"].value == "名次" and ws["B2"].value == "县发展和改革局" and ws["J2"].value == 100


def test_dispatch_report_docx(
    office_client, department_client, department_user, office_user, plan, past_period, department
):
    from docx import Document

    _submit(department_user, plan.t1, past_period)
    services.issue_notice(
        actor=office_user, department=department, title="请加快推进", body="b", answer_due=TODAY
    )
    r = office_client.get(reverse("supervision:dispatch_docx", args=[past_period.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for heading in (
        "一、总体情况",
        "二、分行动进展",
        "三、逾期任务与未按时报送清单",
        "四、督办单办理情况",
        "五、部门考核排名",
    ):
        assert heading in text
    assert "推动工业领域碳达峰" in cells  # overdue task listed
    assert "请加快推进" in cells
    assert "县发展和改革局" in cells
    assert (
        department_client.get(reverse("supervision:dispatch_docx", args=[past_period.pk])).status_code == 403
    )


def test_task_export_and_periods(office_client, plan):
    r = office_client.post(
        reverse("supervision:periods"),
        {"action": "generate", "plan": plan.pk, "kind": "quarterly", "year": 2027, "deadline_days": 10},
    )
    assert r.status_code == 302
    labels = list(plan.periods.order_by("start").values_list("label", "deadline"))
    assert labels[0] == ("2027年第1季度", dt.date(2027, 4, 10)) and len(labels) == 4
    office_client.post(
        reverse("supervision:periods"),
        {"action": "generate", "plan": plan.pk, "kind": "quarterly", "year": 2027, "deadline_days": 10},
    )
    assert plan.periods.count() == 4
    wb = load_workbook(io.BytesIO(office_client.get(reverse("supervision:index_export")).content))
    assert [c.value for c in wb.active[1]][:2] == ["编号", "任务"]
    assert wb.active.max_row >= 4
