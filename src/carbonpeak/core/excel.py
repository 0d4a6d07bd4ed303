"""Excel (.xlsx) downloads. Workbooks are built by :mod:`carbonpeak.core.tables`."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

from carbonpeak.core.tables import safe_cell_value, table_workbook

__all__ = ["XLSX_MIME", "safe_cell_value", "table_workbook", "xlsx_response"]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An attachment response; the Chinese file name survives every browser."""
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
