"""The quarterly dispatch report (调度报告) as a Word document (python-docx).

Sections: overview, progress by action, overdue / missing list, supervision
notices outstanding, department ranking.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict

from django.utils import timezone

from carbonpeak.plans.models import Task
from carbonpeak.supervision import services
from carbonpeak.supervision.models import ReportingPeriod, SupervisionNotice


def _table(doc, headers, rows):
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    return table


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}"


def build_dispatch_report(*, period: ReportingPeriod, today: dt.date | None = None) -> bytes:
    """Render the dispatch report of ``period`` and return the .docx bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    today = today or timezone.localdate()
    plan = period.plan
    tasks = list(
        Task.objects.filter(action__plan=plan).select_related("action").order_by("action__number", "number")
    )
    progress = services.task_progress(tasks, period=period, today=today)
    assessment = services.assess(plan=plan, today=today)
    notices = list(
        SupervisionNotice.objects.filter(department__isnull=False)
        .exclude(state=SupervisionNotice.State.CLOSED)
        .select_related("department", "task")
        .order_by("answer_due")
    )

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(11)
    title = doc.add_heading(f"{plan.title}落实情况调度报告（{period.label}）", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(
        f"调度周期：{period.start:%Y年%m月%d日}至{period.end:%Y年%m月%d日}；报送截止：{period.deadline:%Y年%m月%d日}；"
        f"生成日期：{today:%Y年%m月%d日}。"
    )
    if any(p.period_report and p.period_report.illustrative for p in progress):
        doc.add_paragraph("说明：本报告包含示例数据，仅供演示。")

    doc.add_heading("一、总体情况", level=1)
    counts = Counter(p.status for p in progress)
    reported = sum(1 for p in progress if p.period_report and p.period_report.first_submitted_at)
    doc.add_paragraph(
        f"方案共 {len(tasks)} 项任务，本期已报送 {reported} 项。任务状态："
        + "，".join(f"{label} {counts.get(code, 0)} 项" for code, label in services.STATUS_LABELS.items())
        + f"；超过完成时限 {sum(1 for p in progress if p.derived.overdue and p.status != 'completed')} 项，"
        f"超过 {plan.stale_after_days} 天未更新 {sum(1 for p in progress if p.derived.stale and p.status != 'completed')} 项。"
    )

    doc.add_heading("二、分行动进展", level=1)
    by_action = defaultdict(list)
    for p in progress:
        by_action[p.task.action].append(p)
    for action, items in by_action.items():
        doc.add_heading(action.title, level=2)
        rows = []
        for p in items:
            rep = p.period_report
            summary = ""
            if rep and rep.first_submitted_at:
                summary = rep.narrative.strip().replace("\n", " ")
                summary = summary[:120] + ("…" if len(summary) > 120 else "")
            rows.append(
                [
                    p.task.code,
                    p.task.title,
                    p.lead.name if p.lead else "",
                    p.status_label,
                    rep.get_state_display() if rep else "未填报",
                    summary or "本期未报送",
                ]
            )
        _table(doc, ["编号", "任务", "牵头单位", "状态", "报告", "本期进展摘要"], rows)

    doc.add_heading("三、逾期任务与未按时报送清单", level=1)
    overdue = [p for p in progress if (p.derived.overdue or p.derived.stale) and p.status != "completed"]
    missing = [p for p in progress if p.report_missing]
    if overdue:
        _table(
            doc,
            ["编号", "任务", "牵头单位", "完成时限", "情况"],
            [
                [
                    p.task.code,
                    p.task.title,
                    p.lead.name if p.lead else "",
                    p.task.due_date or "—",
                    "；".join(p.derived.reasons),
                ]
                for p in overdue
            ],
        )
    else:
        doc.add_paragraph("无逾期或停滞任务。")
    if missing:
        doc.add_paragraph(f"截至 {period.deadline:%Y年%m月%d日} 未报送本期进展的任务：")
        _table(
            doc,
            ["编号", "任务", "牵头单位"],
            [[p.task.code, p.task.title, p.lead.name if p.lead else ""] for p in missing],
        )
    elif period.deadline < today:
        doc.add_paragraph("本期报告均已按时或补充报送。")
    else:
        doc.add_paragraph("本期报送尚未截止。")

    doc.add_heading("四、督办单办理情况", level=1)
    if notices:
        _table(
            doc,
            ["编号", "督办单位", "督办事项", "答复期限", "状态"],
            [
                [
                    n.number,
                    n.department.name,
                    n.title,
                    f"{n.answer_due:%Y-%m-%d}",
                    n.get_state_display()
                    + ("（已逾期）" if n.state == "issued" and n.answer_due < today else ""),
                ]
                for n in notices
            ],
        )
    else:
        doc.add_paragraph("无未办结的督办单。")

    doc.add_heading("五、部门考核排名", level=1)
    if not assessment.targets_available:
        doc.add_paragraph("说明：指标监测数据尚未接入，“目标完成”一项暂不计分，其权重按比例分配给其余各项。")
    w = assessment.weights
    doc.add_paragraph(f"权重：按时报送 {w.reporting}，任务进展 {w.task_status}，目标完成 {w.targets}。")
    _table(
        doc,
        ["名次", "部门", "按时报送率", "任务进展得分", "目标完成得分", "综合得分"],
        [
            [
                r.score.rank or "—",
                r.department.name,
                _fmt(r.score.reporting),
                _fmt(r.score.task_status),
                _fmt(r.score.targets),
                _fmt(r.score.total),
            ]
            for r in assessment.rows
        ],
    )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
