"""Excel exports (openpyxl): one sheet, bold header, sensible column widths."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from carbonpeak.core.excel import append_row
from carbonpeak.core.formatting import excel_number_format


def workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], note: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    append_row(ws, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) * 2 + 2 for h in headers]
    for row in rows:
        values = list(row)
        append_row(ws, values)
        for cell in ws[ws.max_row]:
            number_format = excel_number_format(cell.value)
            if number_format:
                cell.number_format = number_format
        for i, v in enumerate(values[: len(widths)]):
            widths[i] = min(60, max(widths[i], len(str(v or "")) + 2))
    for i, w in enumerate(widths):
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = w
    if note:
        ws.append([])
        append_row(ws, [note])
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(data: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
