"""Reading a plan from a PDF with a text layer: page furniture removed, hard wraps rejoined.

A plan printed to PDF keeps the page's layout in its text: every line ends at the page
width, every page carries its number ("— 3 —", "-3-", "第3页") and often a running header
or footer, and the last page may hold the 抄送/印发 block. :func:`read_pdf` extracts the
text page by page with pypdf and rebuilds the paragraphs:

* page numbers in their usual forms and lines repeated at the top or foot of most pages
  are dropped (the first page keeps its own top lines: the title is not a header);
* the 抄送 … 印发 block at the end is dropped;
* a line that fills the page width continues on the next line (also across a page break),
  so words, numbers ("20" / "25年") and department brackets broken by the wrap are whole
  again; a line that is shorter, or that the next line starts with an indent, ends its
  paragraph.

A PDF without a text layer (a scan) gets a Chinese message saying so; no OCR is tried.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter

from .model import PlanParseError

__all__ = ["pdf_lines_to_text", "read_pdf", "unpaginate"]

_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·•]*(?:第\s*)?[\d一二三四五六七八九十百〇零]{1,4}\s*(?:页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–－_·•]*$"
)
_CC_START = re.compile(r"^\s*(?:抄\s*送|抄\s*报|分\s*送)\s*[:：]")
_PRINTED = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发\s*$")
_CJK_SPACE = re.compile(
    r"(?<=[\u4e00-\u9fff，。、；：？！“”（）《》〔〕【】])[ \t]+(?=[\u4e00-\u9fff，。、；：？！“”（）《》〔〕【】])"
)
_INDENT = re.compile(r"^(?:\u3000|\s{2,})")
_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{1,2}[.、．](?!\d)|[(（]\d{1,2}[)）]"
    r"|第[一二三四五六七八九十]+[章节部分]|附件|(?:牵头|责任|配合|参与|参加)(?:单位|部门)[:：])"
)
_TERMINAL = tuple("。；;：:！!？?”）)〕】")
MAX_PAGE_CONTENT_BYTES = 2 * 1024 * 1024  # a dense text page is under 100 KB of drawing operators


def _width(text: str) -> float:
    """Printed width of a line in full-width characters, its indentation included."""
    text = text.rstrip()
    return len(text) - 0.5 * len(text.encode("ascii", "ignore"))


_TABLE_TOKEN = re.compile(r"^(?:20\d{2}年.*|[≥≤<>]?\d+(?:\.\d+)?(?:%|‰)?(?:以上|以下|左右)?|[-—/])$")


def _clean_lines(page: list[str]) -> list[str]:
    """Text-layer lines without the spaces the extractor put between Chinese characters —
    except in the rows of a target table (after a header naming 指标 and a year column),
    whose cells the spaces separate: there they become tabs."""
    cleaned = []
    in_table = False
    for raw in page:
        line = raw.rstrip()
        tokens = line.split()
        header = (
            len(tokens) >= 3
            and any("指标" in t for t in tokens)
            and any(re.match(r"20\d{2}年", t) for t in tokens)
        )
        row = (
            len(tokens) >= 3
            and not re.search(r"[，。；：,;]", line)
            and sum(1 for token in tokens if _TABLE_TOKEN.match(token)) >= 2
        )
        in_table = header or (in_table and row)
        cleaned.append("\t".join(tokens) if in_table else _CJK_SPACE.sub("", line))
    return cleaned


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _drop_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers, running headers/footers and the 抄送/印发 block."""
    pages = [
        [line for line in page if line.strip() and not _PAGE_NUMBER.match(line.strip())] for page in pages
    ]
    if len(pages) >= 2:
        edges: Counter[str] = Counter()
        for page in pages:
            keys = {_furniture_key(line) for line in page[:2] + page[-2:]}
            edges.update(keys)
        threshold = max(2, (len(pages) + 1) // 2)
        # a running header or footer is a short title: no sentence punctuation, no numbering,
        # no "牵头单位：" (a department line may well fall at the foot of several pages)
        repeated = {
            key
            for key, count in edges.items()
            if count >= threshold
            and len(key) <= 40
            and not re.search(r"[，。；：:,;、]", key)
            and not _MARKER.match(key)
        }
        if repeated:
            cleaned = []
            for number, page in enumerate(pages):
                kept = list(page)
                for edge in (0, 1):
                    # repeated lines at the top (but not on the first page, whose top is the title) …
                    if number > 0 and kept and _furniture_key(kept[0]) in repeated:
                        kept.pop(0)
                    # … and at the foot of the page
                    if kept and _furniture_key(kept[-1]) in repeated:
                        kept.pop()
                    del edge
                cleaned.append(kept)
            pages = cleaned
    # the 抄送 … 印发 block closes the document
    flat = [(n, i) for n, page in enumerate(pages) for i in range(len(page))]
    for position, (n, i) in enumerate(flat):
        line = pages[n][i]
        if _CC_START.match(line) and position >= len(flat) - 12:
            for m, j in flat[position:]:
                pages[m][j] = ""
            break
        if _PRINTED.search(line.strip()) and position >= len(flat) - 4:
            pages[n][i] = ""
    return [[line for line in page if line.strip()] for page in pages]


def _open_bracket(text: str) -> bool:
    tail = text[-300:]
    return tail.count("（") + tail.count("(") + tail.count("〔") > tail.count("）") + tail.count(
        ")"
    ) + tail.count("〕")


def pdf_lines_to_text(pages: list[list[str]]) -> str:
    """Paragraphs from the text lines of a PDF's pages (furniture removed, wraps rejoined).

    Parameters
    ----------
    pages : list of list of str
        The text lines of each page, in reading order.

    Returns
    -------
    str
        One paragraph per line.
    """
    pages = _drop_furniture([_clean_lines(page) for page in pages])
    lines = [line for page in pages for line in page]
    widths = [round(_width(line)) for line in lines if _width(line) >= 8 and "\t" not in line]
    full = 0.0
    if widths:
        counts = Counter(widths)
        top = max(counts.values())
        # the page width: the widest of the most frequent line widths
        frequent = [w for w, c in counts.items() if c >= max(2, top // 3)]
        full = max(frequent) if frequent and len(widths) >= 4 else max(widths)
        if len(widths) >= 10 and top < 0.15 * len(widths):
            full = 0.0  # no common line width: the text is not hard-wrapped (one paragraph per line)
    indented = sum(1 for line in lines if _INDENT.match(line)) >= 3
    paragraphs: list[str] = []
    joining = False
    for line in lines:
        stripped = line.strip(" \t\u3000")
        if not stripped:
            continue
        if "\t" in line:  # a table row stands on its own line
            paragraphs.append(stripped)
            joining = False
            continue
        starts_new = indented and bool(_INDENT.match(line))
        if joining and paragraphs and _MARKER.match(stripped) and not _open_bracket(paragraphs[-1]):
            starts_new = True  # a numbered item or a "牵头单位：" line after a full line
        if joining and paragraphs and not starts_new:
            paragraphs[-1] += stripped
        else:
            paragraphs.append(stripped)
        # a full line continues on the next one; where paragraphs are indented, the indent alone
        # starts a new one (a sentence may end exactly at the page width), otherwise a full
        # line that ends a sentence ends its paragraph
        # (a paragraph's first line may lack its two-character indent in the text layer)
        joining = bool(full) and _width(line) >= full - 2
        if joining and not indented and stripped.endswith(_TERMINAL):
            joining = False
    return "\n".join(paragraphs)


_PAGE_MARK = re.compile(
    r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*[/／]\s*\d{1,4})$"
)


def _hard_wrapped(lines: list[str]) -> bool:
    """Many lines share one page width: the text keeps a page's line wraps (a PDF copy without page numbers)."""
    widths = [round(w) for line in lines if "\t" not in line and (w := _width(line)) >= 8]
    if len(widths) < 20:
        return False
    counts = Counter(widths)
    top_width, _ = counts.most_common(1)[0]
    near = sum(c for w, c in counts.items() if abs(w - top_width) <= 1)
    # a page width (not a run of short label lines) shared by a good part of the lines
    return top_width >= 15 and near >= 10 and near >= 0.35 * len(widths)


def unpaginate(text: str) -> str:
    """Text copied out of a PDF (pdftotext, "save as text"): page furniture removed, wraps rejoined.

    A text counts as such when it holds form feeds between pages, at least two lines that
    are page numbers in a printed form ("— 3 —", "-3-", "第3页"), or when at least half of
    its lines share one page width (hard wraps); any other text is returned
    unchanged.

    Parameters
    ----------
    text : str
        The document text.

    Returns
    -------
    str
        One paragraph per line (see :func:`pdf_lines_to_text`), or ``text`` itself.
    """
    if "\f" in text:
        pages = [page.split("\n") for page in text.split("\f")]
    else:
        lines = text.split("\n")
        marks = [i for i, line in enumerate(lines) if _PAGE_MARK.match(line.strip())]
        if len(marks) < 2:
            return pdf_lines_to_text([lines]) if _hard_wrapped(lines) else text
        pages = []
        start = 0
        for mark in marks:
            pages.append(lines[start : mark + 1])
            start = mark + 1
        pages.append(lines[start:])
    return pdf_lines_to_text([[line for line in page if line.strip()] for page in pages])


def read_pdf(data: bytes, name: str, *, seconds: float | None = None, max_pages: int | None = None) -> str:
    """The text of a PDF plan with a text layer.

    Parameters
    ----------
    data : bytes
        The PDF file.
    name : str
        The file name, used in messages.
    seconds : float, optional
        Budget for extracting the text [s]; :data:`reading.PDF_SECONDS` when None.
    max_pages : int, optional
        Largest page count accepted; :data:`reading.MAX_PDF_PAGES` when None.

    Raises
    ------
    PlanParseError
        Damaged or encrypted file, too many pages, too slow, or no text layer (a scan).
    """
    from .reading import MAX_PDF_PAGES, PDF_SECONDS

    budget = PDF_SECONDS if seconds is None else seconds
    limit = MAX_PDF_PAGES if max_pages is None else max_pages
    if not data.lstrip()[:1024].find(b"%PDF") >= 0:
        raise PlanParseError(f"文件“{name}”不是 PDF 文件（缺少 PDF 文件头），可能已损坏或扩展名有误。")
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    started = time.monotonic()
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))  # an owner password only: readable without one
            except Exception:  # noqa: BLE001 - pypdf raises several types for unsupported encryption
                opened = False
            if not opened:
                raise PlanParseError(
                    f"PDF 文件“{name}”已加密（设有打开密码），无法读取。请去除密码后重新上传，或上传 Word 版。"
                )
        count = len(reader.pages)
        if count > limit:
            raise PlanParseError(f"PDF 文件“{name}”页数过多（{count} 页），方案文件不能超过 {limit} 页。")
        pages: list[list[str]] = []
        for page in reader.pages:
            if time.monotonic() - started > budget:
                raise PlanParseError(
                    f"PDF 文件“{name}”的文字提取超过 {budget:.0f} 秒仍未完成，文件可能过于复杂或已损坏。"
                    "请另存为 Word 或文本文件后上传。"
                )
            contents = page.get_contents()
            if contents is not None and len(contents.get_data()) > MAX_PAGE_CONTENT_BYTES:
                raise PlanParseError(
                    f"PDF 文件“{name}”第 {len(pages) + 1} 页的内容异常庞大，不像正常的方案页面，已拒绝。"
                )
            pages.append((page.extract_text() or "").splitlines())
    except PlanParseError:
        raise
    except RecursionError as exc:
        raise PlanParseError(f"无法读取 PDF 文件“{name}”：文件结构已损坏。") from exc
    except Exception as exc:  # noqa: BLE001 - a damaged PDF raises many exception types inside pypdf
        raise PlanParseError(f"无法读取 PDF 文件“{name}”：文件已损坏或不是有效的 PDF。") from exc
    text_chars = sum(len(re.findall(r"[\u4e00-\u9fff]", line)) for page in pages for line in page)
    if text_chars < 20:
        raise PlanParseError(
            f"PDF 文件“{name}”没有可提取的文字层（可能是扫描件或图片）。平台不做文字识别（OCR），"
            "请上传带文字的 PDF、Word 文件或从网页复制的文本。"
        )
    return pdf_lines_to_text(pages)
