"""Write small text PDFs the way an office's word processor prints a plan: page by page,
lines hard-wrapped at the page width, a running header, page numbers in the footer.

The PDF uses the Adobe-GB1 CID font STSong-Light with the UniGB-UTF16-H encoding, which
every PDF reader knows without an embedded font file, so the fixtures need no font package.
Used by the tests (generated on the fly) and by ``python -m tests.engine.plan_pdf TXT PDF``.
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

__all__ = ["pdf_bytes", "plan_pdf", "wrap"]

PAGE_W, PAGE_H = 595, 842
FONT_SIZE = 15
LINE_H = 28
TOP, BOTTOM = 770, 90


def _width(text: str) -> float:
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text)


def wrap(paragraph: str, columns: float = 28, indent: bool = True) -> list[str]:
    """Hard-wrap a paragraph at ``columns`` full-width characters (half for ASCII), first line indented."""
    lines: list[str] = []
    current = "\u3000\u3000" if indent else ""
    for ch in paragraph:
        if _width(current + ch) > columns:
            lines.append(current)
            current = ""
        current += ch
    if current.strip():
        lines.append(current)
    return lines


def _hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def pdf_bytes(pages: list[list[tuple[float, float, str]]], *, text_layer: bool = True) -> bytes:
    """A PDF of pages, each a list of (x, y, text) lines; without ``text_layer`` only boxes are drawn."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    pages_id = add(b"")
    font = add(b"")
    descendant = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
        b"/FontDescriptor " + str(len(objects) + 2).encode() + b" 0 R /DW 1000 >>"
    )
    add(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    objects[font - 1] = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H "
        b"/DescendantFonts [" + str(descendant).encode() + b" 0 R] >>"
    )
    kids = []
    for lines in pages:
        if text_layer:
            ops = [
                f"BT /F1 {FONT_SIZE} Tf 1 0 0 1 {x:.1f} {y:.1f} Tm <{_hex(text)}> Tj ET"
                for x, y, text in lines
            ]
        else:  # a scan: only marks, no text
            ops = [f"{x:.1f} {y:.1f} {_width(text) * FONT_SIZE:.1f} 10 re f" for x, y, text in lines]
        stream = zlib.compress("\n".join(ops).encode("ascii"))
        content = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
        )
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_id, PAGE_W, PAGE_H, content, font)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)


def plan_pdf(
    text: str,
    *,
    header: str | None = None,
    page_number: str = "— {n} —",
    columns: int = 28,
    text_layer: bool = True,
) -> bytes:
    """Typeset a plan: paragraphs wrapped at ``columns``, ``header`` on every page but the first,
    ``page_number`` (with {n}) at the foot of every page."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if "\t" in paragraph:
            lines.append(paragraph)  # a table row: cells drawn side by side, not wrapped
        elif paragraph.strip():
            lines.extend(wrap(paragraph.strip(), columns))
    per_page = int((TOP - BOTTOM) / LINE_H)
    pages = []
    for start in range(0, len(lines), per_page):
        number = len(pages) + 1
        page: list[tuple[float, float, str]] = []
        if header and number > 1:
            page.append((72, 800, header))
        for row, line in enumerate(lines[start : start + per_page]):
            y = TOP - row * LINE_H
            if "\t" in line:
                x = 60.0
                for cell in line.split("\t"):
                    if cell:
                        page.append((x, y, cell))
                    x += (_width(cell) + 1.5) * FONT_SIZE * 0.8
            else:
                page.append((72, y, line))
        page.append((270, 50, page_number.format(n=number)))
        pages.append(page)
    return pdf_bytes(pages, text_layer=text_layer)


if __name__ == "__main__":  # pragma: no cover - fixture generation by hand
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    target.write_bytes(
        plan_pdf(source.read_text(encoding="utf-8"), header=sys.argv[3] if len(sys.argv) > 3 else None)
    )
