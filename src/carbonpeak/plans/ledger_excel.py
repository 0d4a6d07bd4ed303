"""The task ledger (任务台账) as an Excel workbook, in the customary layout.

Columns: 序号, 重点任务, 主要内容, 牵头单位, 配合单位, 完成时限. Each action is a
merged header row ("（一）产业绿色低碳发展行动"); each task row's 序号 is its code
("1.1"). The same layout is read back by :func:`read_ledger`, so a department can
edit the exported file and the office imports it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any, BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.exceptions import InvalidFileException

from carbonpeak.core import registry
from carbonpeak.core.excel import append_row, unescape_cell_text
from carbonpeak.core.numerals import cn_number as _cn_number
from carbonpeak.engine.deadlines import DeadlineError, parse_due
from carbonpeak.engine.departments import DepartmentRegistry
from carbonpeak.engine.filetypes import RejectedFile, check_zip_container
from carbonpeak.plans.models import Plan, Task
from carbonpeak.plans.services import TaskSpec, cooperating, leads, ledger_tasks

HEADERS = ("序号", "重点任务", "主要内容", "牵头单位", "配合单位", "完成时限")
#: Columns after the editable six: where each task stands (from the progress reports); an
#: import reads only the first six columns, so these never change the plan.
PROGRESS_HEADERS = ("进展状态（导入时不读取）", "最近一次报告", "下次报送截止")
_WIDTHS = (8, 26, 90, 26, 40, 14, 14, 22, 14)


def task_ledger_info(tasks: list[Task]) -> dict[int, dict[str, Any]]:
    """Status, last report and next deadline per task, from the apps that track progress."""
    info: dict[int, dict[str, Any]] = {}
    for provider in registry.task_progress_providers:
        for task_id, values in provider(tasks).items():
            info.setdefault(task_id, {}).update(values)
    return info


_CODE = re.compile(r"^\s*(\d+)\s*[.．]\s*(\d+)\s*$")
_SPLIT = re.compile(r"[、，,；;\n]+")


def export_ledger(plan: Plan) -> bytes:
    """The plan's ledger as .xlsx bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "任务台账"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    tasks = list(ledger_tasks(plan))
    info = task_ledger_info(tasks)
    ncols = len(HEADERS) + len(PROGRESS_HEADERS)
    append_row(ws, [f"{plan.title} 任务台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    append_row(ws, [*HEADERS, *PROGRESS_HEADERS])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E2EFE6")
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center")
    current_action = None
    for task in tasks:
        if task.action_id != current_action:
            current_action = task.action_id
            append_row(ws, [f"（{_cn_number(task.action.number)}）{task.action.title}"])
            row = ws.max_row
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
            ws.cell(row, 1).font = Font(bold=True)
            ws.cell(row, 1).fill = PatternFill("solid", fgColor="F3F6F4")
        append_row(
            ws,
            [
                task.code,
                task.title,
                task.text,
                "、".join(d.name for d in leads(task)),
                "、".join(d.name for d in cooperating(task)),
                task.due_text or (task.due_date.isoformat() if task.due_date else ""),
                *_progress_cells(info.get(task.pk, {})),
            ],
        )
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
    for i, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[chr(64 + i)].width = width
    ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _progress_cells(values: dict[str, Any]) -> list[str]:
    last = values.get("last_report")
    nxt = values.get("next_deadline")
    return [
        values.get("status", ""),
        f"{last.isoformat()}（{values.get('last_report_period', '')}）" if last else "尚未报送",
        nxt.isoformat() if nxt else "",
    ]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行“{self.column}”列：{self.message}"


class LedgerFileError(ValueError):
    """The file is not a readable ledger workbook (message in Chinese)."""


def read_ledger(
    stream: BinaryIO | bytes, *, plan: Plan, registry: DepartmentRegistry
) -> tuple[list[TaskSpec], list[RowError]]:
    """Read an edited ledger workbook back into task specs, with row-level errors.

    A row whose 序号 is not a task code of ``plan`` is an error (tasks are added
    through a revised plan document, not through the ledger). Department names are
    normalised through ``registry``; a task must keep at least one lead department.
    """
    data = stream if isinstance(stream, bytes) else stream.read()
    try:
        check_zip_container(data, "任务台账")
    except RejectedFile as exc:
        raise LedgerFileError(str(exc)) from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise LedgerFileError("无法读取该文件：请上传由本平台导出并编辑后的 .xlsx 任务台账") from exc
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header_index = None
    for i, row in enumerate(rows[:10]):
        cells = [str(c).strip() if c is not None else "" for c in row]
        if cells[: len(HEADERS)] == list(HEADERS):
            header_index = i
            break
    if header_index is None:
        raise LedgerFileError(
            "未找到表头：第一张工作表须含“序号、重点任务、主要内容、牵头单位、配合单位、完成时限”六列"
        )
    tasks = {t.code: t for t in ledger_tasks(plan)}
    current_leads = {code: [d.name for d in leads(t)] for code, t in tasks.items()}
    specs: list[TaskSpec] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = [c for c in row[: len(HEADERS)]] + [None] * (len(HEADERS) - len(row[: len(HEADERS)]))
        code_cell, title, text, lead_cell, coop_cell, due_cell = (unescape_cell_text(c) for c in cells)
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        code_text = str(code_cell).strip() if code_cell is not None else ""
        if not code_text or (not _CODE.match(code_text) and all(c is None for c in cells[1:])):
            continue  # an action header row
        match = _CODE.match(code_text)
        if not match:
            errors.append(RowError(offset, "序号", f"“{code_text}”不是任务编号（应为“1.1”这样的形式）"))
            continue
        code = f"{int(match[1])}.{int(match[2])}"
        if code in seen:
            errors.append(RowError(offset, "序号", f"任务 {code} 重复出现"))
            continue
        seen.add(code)
        task = tasks.get(code)
        if task is None:
            errors.append(
                RowError(offset, "序号", f"方案中没有任务 {code}；新增任务请通过修订后的方案文件导入")
            )
            continue
        title_text = str(title).strip() if title else ""
        if not title_text:
            errors.append(RowError(offset, "重点任务", "任务名称不能为空"))
        body = str(text).strip() if text else ""
        if not body:
            errors.append(RowError(offset, "主要内容", "主要内容不能为空"))
        lead_names = _names(lead_cell, registry)
        if not lead_names and current_leads.get(code):
            errors.append(RowError(offset, "牵头单位", "至少须有一个牵头单位（原有牵头单位不能全部删除）"))
        coop_names = [n for n in _names(coop_cell, registry) if n not in lead_names]
        due_text = str(due_cell.date() if hasattr(due_cell, "date") else due_cell).strip() if due_cell else ""
        try:
            parse_due(due_text)
        except DeadlineError as exc:
            errors.append(RowError(offset, "完成时限", str(exc)))
        specs.append(
            TaskSpec(
                code=code,
                action_number=task.action.number,
                number=task.number,
                title=title_text,
                text=body,
                lead=tuple(lead_names),
                cooperating=tuple(coop_names),
                due_text=due_text,
            )
        )
    return specs, errors


def _names(cell: object, registry: DepartmentRegistry) -> list[str]:
    if cell is None:
        return []
    parts = [p.strip() for p in _SPLIT.split(str(cell)) if p.strip()]
    return list(dict.fromkeys(registry.canonical(p) for p in parts))
