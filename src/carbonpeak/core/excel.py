"""Excel (.xlsx) downloads of plain tables."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_workbook(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, note: str = ""
) -> bytes:
    """One sheet: a title line, an optional note line, a bold header, the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    if note:
        ws.append([note])
        ws.cell(ws.max_row, 1).font = Font(italic=True, color="666666")
    ws.append(list(headers))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E2EFE6")
        cell.alignment = Alignment(horizontal="center")
    widths = [max(6, len(str(h)) * 2 + 2) for h in headers]
    for row in rows:
        ws.append(list(row))
        for i, value in enumerate(row):
            if i < len(widths):
                widths[i] = min(80, max(widths[i], len(str(value or "")) + 2))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An attachment response; the Chinese file name survives every browser."""
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
