"""The task ledger shows status, last report and next deadline, also in its Excel export (issue 16)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from carbonpeak.plans import ledger_excel
from carbonpeak.plans import services as plan_services
from carbonpeak.supervision import services
from carbonpeak.supervision.models import ReportingPeriod

pytestmark = pytest.mark.django_db


def test_ledger_page_and_export_show_where_each_task_stands(office_client, department_user, plan, period):
    today = timezone.localdate()
    ReportingPeriod.objects.filter(pk=period.pk).update(deadline=today + dt.timedelta(days=3))
    later = ReportingPeriod.objects.create(
        plan=plan,
        kind="quarterly",
        label="下期",
        start=today + dt.timedelta(days=31),
        end=today + dt.timedelta(days=120),
        deadline=today + dt.timedelta(days=125),
    )
    report = services.start_report(actor=department_user, task=plan.t1, period=period)
    services.save_report(
        actor=department_user, report=report, status="lagging", narrative="滞后", key_figures=[]
    )
    services.submit_report(actor=department_user, report=report)

    html = office_client.get(f"/plans/ledger/?plan={plan.pk}").content.decode()
    assert "<th>进展状态</th><th>最近一次报告</th><th>下次报送截止</th>" in html
    row = html.split('data-code="1.1"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="task-status">滞后</td>' in row
    assert today.isoformat() in row and "本期" in row  # submitted today, for 本期
    assert later.deadline.isoformat() in row  # 本期 is done: the next deadline is 下期's
    other = html.split('data-code="2.1"', 1)[1].split("</tr>", 1)[0]
    assert "尚未报送" in other and (today + dt.timedelta(days=3)).isoformat() in other

    data = ledger_excel.export_ledger(plan)
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[2]][6:] == ["进展状态（导入时不读取）", "最近一次报告", "下次报送截止"]
    t1 = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "1.1")
    assert t1[6] == "滞后" and t1[7].startswith(today.isoformat()) and t1[8] == later.deadline.isoformat()
    # The extra columns are never read back: the same specs with or without them.
    registry = plan_services.department_registry(plan.region)
    specs, errors = ledger_excel.read_ledger(data, plan=plan, registry=registry)
    wb = load_workbook(io.BytesIO(data))
    wb.active.delete_cols(7, 3)
    buf = io.BytesIO()
    wb.save(buf)
    assert errors == []
    assert ledger_excel.read_ledger(buf.getvalue(), plan=plan, registry=registry) == (specs, [])
