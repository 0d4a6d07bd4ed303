"""Target tables (主要指标表): rows of indicator, unit and year columns -> target sentences.

Plans often list their targets in a table (指标 / 单位 / 2020年 / 2025年 / 2030年 / 属性).
A copied web page keeps each row as one line of tab-separated cells; a .docx table is read
into the same form. :func:`tables_to_sentences` turns every numeric cell of a target-year
column into a sentence the target finder reads like plan prose:

    指标表：到2025年，非化石能源消费比重达到18%。

Base-year columns (2020年, 基期, 现状) and non-numeric cells (完成省下达目标) give no target.
"""

from __future__ import annotations

import re

from .normalize import width_normalise

__all__ = ["TABLE_PREFIX", "table_rows_to_sentences", "tables_to_sentences"]

TABLE_PREFIX = "指标表："
_SPLIT = re.compile(r"\t+|\s*[|｜]\s*|\u3000{2,}| {2,}")
_YEAR_HEAD = re.compile(r"^(20\d{2})\s*年?")
_BASE_HEAD = re.compile(r"基期|基准|现状|基数|实际")
_VALUE = re.compile(
    r"^(?P<cmp>≥|≤|>=|<=|>|<|不低于|不高于|达到|力争)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|‰|[^\d\s]{0,8}?)?\s*(?P<post>以上|以下|以内|左右)?$"
)
_CHANGE = re.compile(r"(?:下降|降低|减少|提高|提升|增长|增加)(?:率|幅度)?$")


def _cells(line: str) -> list[str]:
    norm = width_normalise(line).strip()
    cells = [cell.strip() for cell in _SPLIT.split(norm) if cell.strip()]
    if len(cells) < 3 and "\t" not in norm:
        # a PDF's text layer separates table cells by single spaces
        cells = [cell for cell in norm.split(" ") if cell]
    return cells


def _row(line: str, width: int) -> list[str] | None:
    """The cells of a table row, or None when the line is prose (a sentence) or blank."""
    cells = _cells(line)
    if not 2 <= len(cells) <= width + 1 or any(re.search(r"[。，,;；、]", cell) for cell in cells):
        return None
    if not any(re.fullmatch(r"[≥≤<>]?\d+(?:\.\d+)?\D{0,4}", cell) for cell in cells):
        return None  # a row holds at least one number; a spaced-out heading does not
    return cells


def table_rows_to_sentences(rows: list[list[str]]) -> list[str]:
    """Target sentences from a table's rows (first row the header); [] when it is no target table."""
    if len(rows) < 2:
        return []
    header = [re.sub(r"\s+", "", cell) for cell in rows[0]]
    indicator = next((i for i, cell in enumerate(header) if "指标" in cell and "属性" not in cell), None)
    unit = next((i for i, cell in enumerate(header) if cell.startswith("单位") or cell == "计量单位"), None)
    years = {
        i: int(m.group(1))
        for i, cell in enumerate(header)
        if (m := _YEAR_HEAD.match(cell)) and not _BASE_HEAD.search(cell) and int(m.group(1)) >= 2021
    }
    if indicator is None or not years:
        return []
    sentences = []
    width = len(header)
    for row in rows[1:]:
        if len(row) < width:
            # a category cell merged over several rows is missing from later rows: align from the right
            row = [""] * (width - len(row)) + row
        name = re.sub(r"[(（][^)）]*[)）]$", "", row[indicator]).strip() if indicator < len(row) else ""
        if not name:
            continue
        unit_text = row[unit].strip() if unit is not None and unit < len(row) else ""
        unit_text = "" if unit_text in ("—", "-", "/") else unit_text
        for column, year in years.items():
            value = row[column].strip() if column < len(row) else ""
            match = _VALUE.match(value)
            if match is None:
                continue
            written_unit = match.group("unit") or unit_text
            verb = "" if _CHANGE.search(name) else ("力争达到" if match.group("cmp") == "力争" else "达到")
            comparator = {"≤": "不超过", "<=": "不超过", "<": "低于", "不高于": "不超过"}.get(
                match.group("cmp") or ""
            )
            if comparator:
                verb = comparator
            post = match.group("post") or ""
            sentences.append(
                f"{TABLE_PREFIX}到{year}年，{name}{verb}{match.group('num')}{written_unit}{post}。"
            )
    return sentences


def _ledger(lines: list[str], position: int, header: list[str]) -> tuple[list[str], int] | None:
    """A task-division table (序号/重点任务/牵头单位/配合单位) copied as tab-separated rows:
    its rows become task paragraphs with "牵头单位：" lines, like a .docx ledger table."""
    if len(header) < 3 or "\t" not in lines[position]:
        return None
    from .reading import _ledger_columns, _ledger_lines

    columns = _ledger_columns(header)
    if columns is None:
        return None
    rows: list[list[str]] = []
    end = position + 1
    while end < len(lines):
        line = lines[end]
        if line.strip():
            if "\t" not in line:
                break
            cells = [cell.strip() for cell in width_normalise(line).split("\t")]
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) < len(header):
                # cells merged over several rows (the action) are missing from later rows
                cells = [""] * (len(header) - len(cells)) + cells
            rows.append(cells)
        end += 1
    if not rows:
        return None
    previous = ""
    filled = []
    action = columns.get("action")
    for row in rows:
        if action is not None and action < len(row):
            row[action] = row[action] or previous
            previous = row[action]
        filled.append(row)
    return _ledger_lines(filled, columns), end


def tables_to_sentences(text: str) -> str:
    """Replace tab- or bar-separated target tables in ``text`` with target sentences (other lines kept)."""
    if "指标" not in text and "牵头" not in text and "责任单位" not in text:
        return text
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    position = 0
    while position < len(lines):
        line = lines[position]
        cells = _cells(line)
        ledger = _ledger(lines, position, cells)
        if ledger is not None:
            replacement, position = ledger
            out.extend(replacement)
            continue
        if len(cells) >= 3 and any("指标" in c for c in cells) and any(_YEAR_HEAD.match(c) for c in cells):
            rows = [cells]
            end = position + 1
            while end < len(lines):
                if lines[end].strip():
                    row = _row(lines[end], len(cells))
                    if row is None:
                        break
                    rows.append(row)
                end += 1
            sentences = table_rows_to_sentences(rows)
            if sentences:
                out.extend(sentences)
                position = end
                continue
        out.append(line)
        position += 1
    return "\n".join(out)
