"""Tables in and out, described once (表格导入导出).

A :class:`Table` lists its :class:`Column` s: the key used in code, the Chinese
header, the type, the unit, whether it is required, other header spellings that
are accepted (English codes of older templates, abbreviations), and a help text.
The same description gives:

- :meth:`Table.read` — an uploaded ``.xlsx`` or ``.csv`` (UTF-8 or GB18030) read
  into typed rows, with every bad cell reported as a
  :class:`~carbonpeak.core.errors.RowError` (``第N行「列」：原因``), never only the
  first; the caller previews the rows and writes nothing while there are errors;
- :meth:`Table.export_xlsx` — a workbook in the same layout, so an export can be
  edited and imported back; user text that would start a formula is neutralised;
- :meth:`Table.template_xlsx` — the blank template with a second sheet 填表说明
  that explains every column, its unit and whether it is required.

Workbooks are read and written with openpyxl (already a dependency, the library
every Python Excel tool builds on); CSV with the standard library. We do not use
tablib or django-import-export: both map rows to one model at a time, while our
imports validate against domain rules (USCC check digits, meter codes, carriers)
before any model exists and report every bad row in Chinese; the layer they would
add is the part we need to own. See docs/architecture.md.

Size and inflation limits: :data:`MAX_UPLOAD_BYTES` for the file and
:data:`MAX_XLSX_UNCOMPRESSED_BYTES` for the unpacked workbook (a zip bomb is
refused before openpyxl opens it).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from carbonpeak.core.errors import RowError, TableError, UserError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_XLSX_RATIO = 200

#: Characters that make a spreadsheet treat a text cell as a formula (OWASP CSV
#: injection): a leading ', ' is added so the text stays text.
FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell_value(value: Any) -> Any:
    """A value safe to write into a cell: text that would start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADERS):
        return "'" + value
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_str(value: Any) -> str:
    return _text(value)


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("应为整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("应为整数")
        return int(value)
    text = _text(value).replace(",", "").replace("，", "")
    if not text.lstrip("-").isdigit() or len(text) > 18:
        raise ValueError("应为整数")
    return int(text)


def parse_float(value: Any) -> float:
    """A finite decimal number; thousands separators are accepted only as ``1,234.5``."""
    if isinstance(value, bool):
        raise ValueError("应为数字")
    if isinstance(value, (int, float, decimal.Decimal)):
        number = float(value)
    else:
        text = _text(value).replace("，", ",")
        if "," in text:
            head, _, tail = text.partition(".")
            groups = head.lstrip("-").split(",")
            if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
                raise ValueError("应为数字")
            text = head.replace(",", "") + ("." + tail if tail else "")
        if not text or "_" in text or len(text) > 40:
            raise ValueError("应为数字")
        try:
            number = float(decimal.Decimal(text))
        except (decimal.InvalidOperation, ValueError):
            raise ValueError("应为数字") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("应为有限数字")
    return number


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y年%m月%d日", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("应为日期，如 2026-03-15")


def parse_bool(value: Any) -> bool:
    text = _text(value).lower()
    if text in ("是", "1", "true", "yes", "y", "√"):
        return True
    if text in ("否", "0", "false", "no", "n", ""):
        return False
    raise ValueError("应为“是”或“否”")


PARSERS: dict[str, Callable[[Any], Any]] = {
    "str": parse_str,
    "int": parse_int,
    "float": parse_float,
    "date": parse_date,
    "bool": parse_bool,
}


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``type`` is one of ``str``, ``int``, ``float``, ``date``, ``bool``;
    ``choices`` (if given) lists the accepted values; ``validate`` may check the
    parsed value further and raise ``ValueError`` with a Chinese reason.
    """

    key: str
    header: str
    type: str = "str"
    unit: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    choices: tuple[str, ...] = ()
    validate: Callable[[Any], Any] | None = None
    width: int | None = None

    @property
    def title(self) -> str:
        """The header as written in exports: 名称 [单位]."""
        return f"{self.header} [{self.unit}]" if self.unit else self.header

    def spellings(self) -> set[str]:
        forms = {self.header, self.title, self.key, *self.aliases}
        return {_norm_header(f) for f in forms}

    def parse(self, raw: Any) -> Any:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise ValueError("必填")
            return None
        value = PARSERS[self.type](raw)
        if self.choices and value not in self.choices:
            raise ValueError("应为 " + "、".join(self.choices) + " 之一")
        if self.validate is not None:
            checked = self.validate(value)
            if checked is not None:
                value = checked
        return value


def _norm_header(text: Any) -> str:
    value = _text(text).replace("（", "(").replace("）", ")").replace("［", "[").replace("］", "]")
    value = value.replace(" ", "").replace("\u3000", "").replace("*", "").lower()
    return value


@dataclass
class TableResult:
    """Rows read from a file, each a dict keyed by column key, with the errors found.

    ``lines`` gives the sheet row number of each row (for messages after reading).
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    filename: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> None:
        if self.errors:
            raise TableError(self.errors, file=self.filename or None)


@dataclass(frozen=True)
class Table:
    """A table described once; see the module docstring."""

    name: str
    columns: tuple[Column, ...]
    title: str = ""
    note: str = ""

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    # ------------------------------------------------------------------ reading
    def read(self, data: bytes, filename: str) -> TableResult:
        """Read an ``.xlsx`` or ``.csv`` file; every bad cell becomes a row error.

        Raises
        ------
        UserError
            When the file itself cannot be used (type, size, no header row).
        """
        matrix = read_matrix(data, filename)
        return self.read_matrix(matrix, filename=filename)

    def read_matrix(self, matrix: Sequence[Sequence[Any]], *, filename: str = "") -> TableResult:
        header_idx, mapping = self._find_header(matrix)
        if header_idx is None:
            wanted = "、".join(c.header for c in self.columns if c.required) or self.columns[0].header
            raise UserError(
                f"未找到表头行：表头应包含 {wanted} 等列（可下载模板对照）。", file=filename or None
            )
        missing = [c for c in self.columns if c.required and c.key not in mapping.values()]
        result = TableResult(filename=filename)
        if missing:
            result.errors.append(
                RowError(header_idx + 1, None, "缺少必填列：" + "、".join(c.header for c in missing))
            )
            return result
        for offset, raw in enumerate(matrix[header_idx + 1 :], start=header_idx + 2):
            if not any(_text(v) for v in raw):
                continue
            row: dict[str, Any] = {}
            for idx, key in mapping.items():
                col = self.column(key)
                value = raw[idx] if idx < len(raw) else None
                try:
                    row[key] = col.parse(value)
                except ValueError as exc:
                    result.errors.append(RowError(offset, col.header, f"{exc}（原值“{_text(value)[:40]}”）"))
            for col in self.columns:
                row.setdefault(col.key, None)
            result.rows.append(row)
            result.lines.append(offset)
        return result

    def _find_header(self, matrix: Sequence[Sequence[Any]]) -> tuple[int | None, dict[int, str]]:
        spellings = {col.key: col.spellings() for col in self.columns}
        best: tuple[int | None, dict[int, str]] = (None, {})
        for i, raw in enumerate(matrix[:20]):
            mapping: dict[int, str] = {}
            for j, cell in enumerate(raw):
                norm = _norm_header(cell)
                if not norm:
                    continue
                for key, forms in spellings.items():
                    if norm in forms and key not in mapping.values():
                        mapping[j] = key
                        break
            if len(mapping) > len(best[1]):
                best = (i, mapping)
        if best[0] is None or len(best[1]) < min(2, len(self.columns)):
            return None, {}
        return best

    # ------------------------------------------------------------------ writing
    def export_xlsx(
        self, rows: Iterable[Mapping[str, Any] | Sequence[Any]], *, title: str = "", note: str = ""
    ) -> bytes:
        """A workbook: title line, optional note, header with units, the rows."""
        return table_workbook(
            title or self.title or self.name,
            [c.title for c in self.columns],
            (self._row_values(r) for r in rows),
            note=note or self.note,
        )

    def _row_values(self, row: Mapping[str, Any] | Sequence[Any]) -> list[Any]:
        if isinstance(row, Mapping):
            return [row.get(c.key) for c in self.columns]
        return list(row)

    def template_xlsx(self, example: Sequence[Mapping[str, Any]] = ()) -> bytes:
        """The blank template (with optional labelled example rows) and a 填表说明 sheet."""
        wb = _workbook(
            self.title or self.name,
            [c.title for c in self.columns],
            (self._row_values(r) for r in example),
            note=self.note,
        )
        ws = wb.create_sheet("填表说明")
        ws.append(["列名", "单位", "是否必填", "说明", "可接受的其他列名"])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for col in self.columns:
            explain = col.help
            if col.choices:
                explain = (explain + "；" if explain else "") + "可填：" + "、".join(col.choices)
            ws.append(
                [col.header, col.unit, "必填" if col.required else "选填", explain, "、".join(col.aliases)]
            )
        for letter, width in zip("ABCDE", (22, 12, 10, 60, 40), strict=True):
            ws.column_dimensions[letter].width = width
        return _save(wb)


def read_matrix(data: bytes, filename: str) -> list[list[Any]]:
    """The cells of the first sheet of an ``.xlsx``, or of a ``.csv``, as rows of values."""
    name = (filename or "").lower()
    if len(data) > MAX_UPLOAD_BYTES:
        raise UserError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {MAX_UPLOAD_BYTES // 1024 // 1024} MB。",
            file=filename,
        )
    if name.endswith(".csv"):
        return [list(r) for r in csv.reader(io.StringIO(decode_text(data, filename)))]
    if name.endswith((".xlsx", ".xlsm")):
        check_zip(data, filename)
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise UserError("无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式。", file=filename) from None
        try:
            ws = wb.worksheets[0]
            return [list(r) for r in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    raise UserError("仅支持 .xlsx 或 .csv 文件。", file=filename)


def check_zip(data: bytes, filename: str) -> None:
    """Refuse a zip container (xlsx, docx) that is corrupt or inflates too far."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile:
        raise UserError("文件已损坏或格式不对（不是有效的 Office 文件）。", file=filename) from None
    if total > MAX_XLSX_UNCOMPRESSED_BYTES or (
        data and total / len(data) > MAX_XLSX_RATIO and total > 20 * 1024 * 1024
    ):
        raise UserError("文件解压后过大，疑似压缩炸弹，已拒绝。", file=filename)


def decode_text(data: bytes, filename: str = "") -> str:
    """Text of an uploaded text file: UTF-8 (with or without BOM), else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError("无法识别文件编码：请另存为 UTF-8 或 GB18030 编码。", file=filename or None)


def _workbook(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, note: str = ""
) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = (title or "Sheet")[:31].replace("/", "-")
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
        values = [safe_cell_value(v) for v in row]
        ws.append(values)
        for i, value in enumerate(values):
            if i < len(widths):
                widths[i] = min(80, max(widths[i], len(str(value if value is not None else "")) + 2))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    return wb


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def table_workbook(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, note: str = ""
) -> bytes:
    """One sheet: a title line, an optional note line, a bold header, the rows.

    Text that would start a formula is written as text (see :func:`safe_cell_value`).
    """
    return _save(_workbook(title, headers, rows, note=note))
