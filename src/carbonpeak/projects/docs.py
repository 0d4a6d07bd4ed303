"""The review opinion (节能审查意见) as a Word document (python-docx).

Contents: the project, its energy and CO2 figures with the conversion trace, the 两高
classification and review level with their sources, the impact on the county's targets
(frozen at submission), the expert comments and the decision.
"""

from __future__ import annotations

import io
from typing import Any

from carbonpeak.projects.models import EnergyReview


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{float(value):,.{digits}f}"


def _table(doc: Any, headers: list[str], rows: list[list[Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def review_opinion_docx(review: EnergyReview) -> bytes:
    """Render the review opinion of ``review`` and return the .docx bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    project = review.project
    snap = (review.snapshot or {}).get("project") or {}
    figures = snap.get("figures") or project.figures or {}
    full = figures.get("full_production") or {}
    impact = (review.snapshot or {}).get("impact") or {}

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(11)
    title = doc.add_heading(f"关于{project.name}节能审查的意见", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if project.is_sample:
        doc.add_paragraph("示例数据，仅供演示：本意见中的项目与数据均为虚构示例。")
    status = review.get_status_display()
    doc.add_paragraph(
        f"审查结论：{status}"
        + (f"（{review.decided_at:%Y年%m月%d日}）" if review.decided_at else "（尚未作出决定）")
    )

    doc.add_heading("一、项目概况", level=2)
    _table(
        doc,
        ["项目", "内容"],
        [
            ["项目编号", snap.get("code", project.code)],
            ["项目名称", snap.get("name", project.name)],
            ["建设单位", snap.get("owner", project.owner_display)],
            ["行业代码（GB/T 4754-2017）", snap.get("industry_code", project.industry_code) or "—"],
            ["建设阶段", snap.get("stage", project.stage)],
            [
                "投产年份 / 达产进度(%)",
                f"{snap.get('production_year', project.production_year)} / {snap.get('ramp_up_pct', project.ramp_up_pct)}",
            ],
            ["总投资（万元）", _num(snap.get("investment_10k_yuan", project.investment_10k_yuan))],
            ["设计产能", snap.get("capacity", project.capacity) or "—"],
        ],
    )

    doc.add_heading("二、项目能源消费与二氧化碳排放（达产年）", level=2)
    _table(
        doc,
        ["能源品种", "用途", "年实物量", "折标准煤（当量值，tce）", "计算式与因子来源"],
        [
            [
                a.get("carrier"),
                a.get("use"),
                f"{_num(a['activity']['quantity'], 4)} {a['activity']['unit']}",
                _num(a.get("energy_tce")),
                f"{a.get('energy_formula')}（{(a.get('kgce_factor') or {}).get('source', '')}）；{a.get('co2_formula')}",
            ]
            for a in full.get("activities", [])
        ],
    )
    doc.add_paragraph(
        f"年综合能源消费量（当量值）{_num(full.get('energy_tce'))} tce，等价值 {_num(full.get('energy_tce_equal_value'))} tce；"
        f"其中原料用能 {_num(full.get('feedstock_energy_tce'))} tce；新增可再生能源电力 {_num(full.get('renewable_electricity_tce'))} tce；"
        f"纳入强度核算的能耗 {_num(full.get('energy_tce_for_intensity'))} tce，纳入总量考核的能耗 {_num(full.get('energy_tce_assessed'))} tce；"
        f"煤炭消费 {_num(full.get('coal_tce'))} tce；二氧化碳 {_num(full.get('co2_t'))} t（其中工业过程 {_num(full.get('process_co2_t'))} t）。"
    )
    two = figures.get("two_high") or {}
    rv = figures.get("review") or {}
    doc.add_heading("三、两高判定与审查层级", level=2)
    doc.add_paragraph(f"两高判定：{two.get('reason', '—')}")
    doc.add_paragraph(f"审查层级：{rv.get('label', '—')}。{rv.get('reason', '')}")

    doc.add_heading("四、对本地区能耗和碳排放目标的影响", level=2)
    if not impact or "error" in impact:
        doc.add_paragraph(f"未能计算影响：{impact.get('error', '提交时无核算数据')}。")
    else:
        doc.add_paragraph(
            f"县域基线：{impact.get('baseline_source', '')}，最新核算年份 {impact.get('last_accounted_year')} 年。"
        )
        for room in impact.get("room", []):
            share = "已无剩余空间" if room.get("share_pct") is None else f"{room['share_pct']:.2f}%"
            doc.add_paragraph(
                f"{room['label']}目标（{room['base_year']}—{room['target_year']}年）：剩余用能空间 "
                f"{_num(room['remaining_energy_room_tce'])} tce，本项目占用 {_num(room['projects_energy_tce'])} tce（{share}）。"
            )
        rows = []
        for t in impact.get("targets", []):
            if not t.get("evaluable"):
                rows.append([t["label"], t["target_year"], "—", "—", t.get("reason", "")])
                continue
            w, h = t.get("without") or {}, t.get("with") or {}
            rows.append(
                [
                    t["label"],
                    t["target_year"],
                    "可实现" if w.get("reachable") else "不能实现",
                    "可实现" if h.get("reachable") else "不能实现",
                    f"允许 {_num(h.get('allowed'), 4)}，含项目 {_num(h.get('value'), 4)} {h.get('unit', '')}",
                ]
            )
        _table(doc, ["目标", "目标年", "不含项目", "含本项目", "说明"], rows)
        for note in impact.get("notes", []):
            doc.add_paragraph(f"说明：{note}")

    doc.add_heading("五、专家评审意见", level=2)
    comments = list(review.comments.all())
    if comments:
        for c in comments:
            doc.add_paragraph(f"{c.expert}：{c.text}")
    else:
        doc.add_paragraph("（无）")
    doc.add_heading("六、审查意见", level=2)
    doc.add_paragraph(review.decision_note or "（尚未作出决定）")
    doc.add_paragraph(
        "注：能耗按 GB/T 2589-2020 折算（电力当量值 0.1229 kgce/kWh），二氧化碳按 GB/T 32150-2015 和生态环境部电力排放因子核算；"
        "审查门槛取自《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）的转载文本，正式使用前须与原文核对。"
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
