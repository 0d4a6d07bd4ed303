"""Reading plan documents: .txt (UTF-8 with or without BOM, GB18030), .docx and .pdf.

Every reader is bounded: a file larger than :data:`MAX_FILE_BYTES`, a .docx whose parts
inflate beyond :data:`MAX_DOCX_INFLATED_BYTES` (a zip bomb), a PDF with more than
:data:`MAX_PDF_PAGES` pages or whose text takes longer than :data:`PDF_SECONDS` to extract
is refused with a Chinese message (:class:`PlanParseError`), never a traceback.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from .model import PlanParseError

__all__ = ["SUPPORTED_EXTENSIONS", "decode_text", "read_bytes", "read_document"]

SUPPORTED_EXTENSIONS = (".txt", ".docx", ".pdf")

MAX_FILE_BYTES = 21 * 1024 * 1024  # a 20 MB plan parses in about 9 s of CPU; a real plan is under 5 MB
MAX_DOCX_INFLATED_BYTES = 60 * 1024 * 1024
MAX_DOCX_RATIO = 200  # inflated / compressed size of one part; ordinary XML is 5–20
MAX_DOCX_ENTRIES = 5000
MAX_PDF_PAGES = 2000
PDF_SECONDS = 6.0

_CN_NUMERALS = "一二三四五六七八九十"

# header keywords of a task-ledger table (任务分解表) in a Word plan
_COLUMN_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("number", ("序号", "编号")),
    ("action", ("重点行动", "行动名称", "行动", "重点领域", "领域", "类别")),
    (
        "content",
        ("主要内容", "具体内容", "工作内容", "任务内容", "具体措施", "工作措施", "主要措施", "具体任务"),
    ),
    ("title", ("重点任务", "任务名称", "工作任务", "主要任务", "任务")),
    ("lead", ("牵头单位", "牵头部门", "牵头")),
    ("responsible", ("责任单位", "责任部门")),
    ("cooperating", ("配合单位", "配合部门", "参与单位", "参加单位", "协同单位", "协办单位")),
    ("due", ("完成时限", "完成时间", "时间节点", "时限", "进度安排")),
]


def read_document(path: str | os.PathLike[str]) -> str:
    """Read a plan document into plain text, one paragraph per line.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.txt`` file in UTF-8 (with or without BOM) or GB18030, or a ``.docx`` file.

    Returns
    -------
    str
        The document's text. For ``.docx``, paragraphs and table cells in document
        order; a task-ledger table (序号/重点任务/主要内容/牵头单位/配合单位/完成时限)
        becomes one task paragraph per row followed by "牵头单位：…" lines.

    Raises
    ------
    PlanParseError
        Unsupported extension, missing or unreadable file, binary content, or no text.
    """
    file = Path(path)
    name = file.name
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise PlanParseError(_unsupported(name, suffix))
    if not file.is_file():
        raise PlanParseError(f"找不到文件“{name}”。")
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PlanParseError(_too_large(name, size))
        data = file.read_bytes()
    except OSError as exc:
        raise PlanParseError(f"无法读取文件“{name}”：{exc.strerror or exc}。") from exc
    return read_bytes(data, name)


def _unsupported(name: str, suffix: str) -> str:
    hint = "；旧版 .doc 文件请在 Word 中另存为 .docx" if suffix == ".doc" else ""
    return f"文件“{name}”的格式不受支持：仅支持 .txt、.docx 和 .pdf{hint}。"


def _too_large(name: str, size: int) -> str:
    return (
        f"文件“{name}”过大（{size / 1024 / 1024:.1f} MB）：方案文件不能超过 "
        f"{MAX_FILE_BYTES // 1024 // 1024} MB，请只上传方案正文。"
    )


def read_bytes(data: bytes, name: str) -> str:
    """Read an uploaded plan document from its bytes; the format follows the name's extension.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file name as uploaded (its extension selects the reader; named in messages).

    Returns
    -------
    str
        The document's text, one paragraph per line (see :func:`read_document`).

    Raises
    ------
    PlanParseError
        Unsupported extension, too large, damaged, encrypted, scanned without text, or empty.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise PlanParseError(_unsupported(name, suffix))
    if len(data) > MAX_FILE_BYTES:
        raise PlanParseError(_too_large(name, len(data)))
    if not data.strip():
        raise PlanParseError(f"文件“{name}”是空的，没有可解析的内容。")
    if suffix == ".docx":
        text = _read_docx(data, name)
    elif suffix == ".pdf":
        from .pdf import read_pdf

        text = read_pdf(data, name)
    else:
        text = decode_text(data, name)
    if not text.strip():
        raise PlanParseError(f"文件“{name}”中没有文字内容。")
    return text


def decode_text(data: bytes, name: str = "文件") -> str:
    """Decode the bytes of a text file: BOM, then strict UTF-8, then GB18030, then detection.

    Raises
    ------
    PlanParseError
        When the bytes are not text (binary content) in any of these encodings.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _check_text(data[3:].decode("utf-8", errors="replace"), name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _check_text(data.decode("utf-16"), name)
    if b"\x00" in data:
        raise PlanParseError(f"文件“{name}”不是文本文件（含二进制内容），无法解析。")
    for encoding in ("utf-8", "gb18030"):
        try:
            return _check_text(data.decode(encoding), name)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise PlanParseError(f"无法识别文件“{name}”的文字编码，请另存为 UTF-8 或 GB18030 编码的 .txt 文件。")
    return _check_text(str(best), name)


def _check_text(text: str, name: str) -> str:
    """Refuse decoded text that is mostly control characters (a binary file that decoded by chance)."""
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    if sample and controls / len(sample) > 0.01:
        raise PlanParseError(f"文件“{name}”不是文本文件（含二进制内容），无法解析。")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _read_docx(data: bytes, name: str) -> str:
    import io

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _check_zip(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise PlanParseError(f"无法打开 Word 文件“{name}”：文件已损坏或不是 .docx 格式。") from exc
    except Exception as exc:  # python-docx raises several exception types for malformed packages
        raise PlanParseError(f"无法打开 Word 文件“{name}”：{exc.__class__.__name__}。") from exc
    lines: list[str] = []
    try:
        for element in document.element.body.iterchildren():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(element, document).text)
            elif tag == "tbl":
                lines.extend(_table_lines(Table(element, document)))
    except Exception as exc:  # noqa: BLE001 - malformed document XML surfaces as many exception types
        raise PlanParseError(f"无法读取 Word 文件“{name}”的正文：文件内容已损坏。") from exc
    return "\n".join(lines)


def _check_zip(data: bytes, name: str) -> None:
    """Refuse a .docx that is not a zip, or whose parts would inflate out of proportion (a zip bomb)."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise PlanParseError(f"无法打开 Word 文件“{name}”：文件已损坏或不是 .docx 格式。") from exc
    if len(infos) > MAX_DOCX_ENTRIES:
        raise PlanParseError(f"Word 文件“{name}”包含的部件过多（{len(infos)} 个），不是正常的文档，已拒绝。")
    inflated = sum(info.file_size for info in infos)
    bomb = inflated > MAX_DOCX_INFLATED_BYTES or any(
        info.file_size > 1024 * 1024 and info.file_size > MAX_DOCX_RATIO * max(info.compress_size, 1)
        for info in infos
    )
    if bomb:
        raise PlanParseError(
            f"Word 文件“{name}”解压后体积异常（{inflated / 1024 / 1024:.0f} MB），疑似压缩炸弹，已拒绝。"
        )


def _unique_cells(row: list[str]) -> list[str]:
    """Cells of a row with horizontally merged (repeated) cells reported once."""
    cells: list[str] = []
    for text in row:
        if not cells or text != cells[-1]:
            cells.append(text)
    return cells


def _table_lines(table: object) -> list[str]:
    rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]  # type: ignore[attr-defined]
    if not rows:
        return []
    columns = _ledger_columns(rows[0])
    if columns is None:
        from .tables import table_rows_to_sentences

        # cells as they stand: equal values side by side (100 | 100) are two years, not a merge
        sentences = table_rows_to_sentences(rows)
        if sentences:
            return sentences
        return [cell for row in rows for cell in _unique_cells(row) if cell]
    return _ledger_lines(rows[1:], columns)


def _ledger_columns(header: list[str]) -> dict[str, int] | None:
    """Map roles (number, title, content, lead ...) to column indexes, if the row is a ledger header."""
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        cell = re.sub(r"\s+", "", raw)
        if not cell:
            continue
        for role, keywords in _COLUMN_KEYWORDS:
            if role not in columns and any(k in cell for k in keywords):
                columns[role] = index
                break
    if not ({"lead", "responsible", "cooperating"} & columns.keys()):
        return None
    if not ({"title", "content"} & columns.keys()):
        return None
    return columns


def _ledger_lines(rows: list[list[str]], columns: dict[str, int]) -> list[str]:
    lines: list[str] = []
    current_action = None
    action_count = 0
    task_count = 0

    def cell(row: list[str], role: str) -> str:
        index = columns.get(role)
        return row[index].strip() if index is not None and index < len(row) else ""

    for row in rows:
        if not any(row):
            continue
        unique = [c for c in dict.fromkeys(row) if c]
        if len(unique) == 1 and len(row) > 1:
            # a merged row spanning the table: an action or section heading
            lines.append(unique[0])
            task_count = 0
            continue
        action = cell(row, "action")
        if action and action != current_action:
            current_action = action
            action_count += 1
            task_count = 0
            marker = (
                ""
                if re.match(r"^[(（]?[一二三四五六七八九十]+[)）、]", action)
                else _cn_bracket(action_count)
            )
            lines.append(marker + action)
        title = cell(row, "title")
        content = cell(row, "content")
        if not (title or content):
            continue
        task_count += 1
        number = cell(row, "number")
        number = number if number.isdigit() else str(task_count)
        body = title
        if title and content:
            body = title if title[-1] in "。；;：:" else title + "。"
            body += content
        elif content:
            body = content
        lines.append(f"{number}.{body}")
        for role, label in (
            ("lead", "牵头单位"),
            ("responsible", "责任单位"),
            ("cooperating", "配合单位"),
            ("due", "完成时限"),
        ):
            value = cell(row, role)
            if value:
                lines.append(f"{label}：{value}")
    return lines


def _cn_bracket(number: int) -> str:
    if number <= 10:
        digits = _CN_NUMERALS[number - 1]
    elif number < 20:
        digits = "十" + (_CN_NUMERALS[number - 11] if number > 10 else "")
    else:
        digits = (
            _CN_NUMERALS[number // 10 - 1] + "十" + (_CN_NUMERALS[number % 10 - 1] if number % 10 else "")
        )
    return f"（{digits}）"
