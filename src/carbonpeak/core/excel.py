"""Excel (.xlsx) downloads. Workbooks are built by :mod:`carbonpeak.core.tables`.

Every workbook the platform writes passes user text through :func:`safe_cell_value`
(text that a spreadsheet would read as a formula gets a leading apostrophe; numbers stay
numbers): :func:`table_workbook` does it for whole tables, :func:`append_row` for the
app-specific writers (task ledger, indicator template and export, supervision sheets,
scenario sheets), and :func:`unescape_cell_text` undoes it when an exported workbook is
imported back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

from carbonpeak.core.tables import FORMULA_LEADERS, safe_cell_value, table_workbook

__all__ = [
    "XLSX_MIME",
    "append_row",
    "safe_cell_value",
    "table_workbook",
    "unescape_cell_text",
    "xlsx_response",
]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def unescape_cell_text(value: Any) -> Any:
    """Undo :func:`safe_cell_value` for a cell read back from an exported workbook.

    ``"'=1+1"`` becomes ``"=1+1"`` again, so exporting, editing and re-importing a workbook
    (the task ledger) does not grow apostrophes; anything else is returned unchanged.
    """
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_LEADERS):
        return value[1:]
    return value


def append_row(ws: Any, row: Iterable[Any]) -> None:
    """``ws.append(row)`` with every cell passed through :func:`safe_cell_value`."""
    ws.append([safe_cell_value(v) for v in row])


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An attachment response; the Chinese file name survives every browser."""
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
