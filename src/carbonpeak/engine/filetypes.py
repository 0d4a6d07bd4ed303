"""Recognising uploaded documents by name *and* content (magic bytes).

An attachment is accepted only when its extension is on the allow-list and its
first bytes match that extension's signature, so a renamed executable or a
spreadsheet called ``.pdf`` is refused.

References
----------
.. [1] ISO 32000-1:2008, 7.5.2 File header (``%PDF-``).
.. [2] ISO/IEC 29500-2:2021 (Open Packaging Conventions): OOXML files are ZIP
   archives (``PK\\x03\\x04``) with ``word/`` or ``xl/`` parts.
.. [3] [MS-CFB] Compound File Binary Format, 2.2 header signature
   ``D0 CF 11 E0 A1 B1 1A E1`` (legacy .doc / .xls).
.. [4] ISO/IEC 15948:2004 (PNG) 5.2 signature; ISO/IEC 10918-1 (JPEG) SOI marker ``FF D8``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO

#: Default size limit of an attachment [bytes] (20 MB).
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"

#: extension -> (kind label, required leading bytes alternatives)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("PDF", (b"%PDF-",)),
    "doc": ("Word", (_CFB,)),
    "docx": ("Word", (_ZIP,)),
    "xls": ("Excel", (_CFB,)),
    "xlsx": ("Excel", (_ZIP,)),
    "png": ("图片", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("图片", (b"\xff\xd8\xff",)),
    "jpeg": ("图片", (b"\xff\xd8\xff",)),
}

ALLOWED_TEXT = "PDF、Word（.doc/.docx）、Excel（.xls/.xlsx）、图片（.png/.jpg/.jpeg）"


class RejectedFile(ValueError):
    """The file is refused; ``str(exc)`` is a message for the user (Simplified Chinese)."""


@dataclass(frozen=True)
class FileCheck:
    extension: str
    kind: str
    size_bytes: int


def check_document(
    name: str,
    size_bytes: int,
    head: bytes,
    *,
    max_bytes: int = MAX_ATTACHMENT_BYTES,
    ooxml_names: list[str] | None = None,
) -> FileCheck:
    """Accept or refuse an uploaded document.

    Parameters
    ----------
    name : str
        The file name as uploaded.
    size_bytes : int
        Its size [bytes].
    head : bytes
        Its first bytes (at least 8).
    max_bytes : int
        Size limit [bytes].
    ooxml_names : list of str, optional
        Member names of the ZIP archive, for .docx/.xlsx (checks ``word/`` resp. ``xl/``).

    Returns
    -------
    FileCheck

    Raises
    ------
    RejectedFile
        With a Chinese message naming the file and the reason.
    """
    label = name or "（未命名文件）"
    if size_bytes <= 0:
        raise RejectedFile(f"文件“{label}”是空文件，请重新选择。")
    if size_bytes > max_bytes:
        raise RejectedFile(
            f"文件“{label}”大小为 {size_bytes / 1024 / 1024:.1f} MB，超过 {max_bytes / 1024 / 1024:.0f} MB 的上限，请压缩或拆分后再上传。"
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise RejectedFile(f"文件“{label}”的类型不允许上传。允许的类型：{ALLOWED_TEXT}。")
    kind, signatures = ALLOWED[ext]
    if not any(head.startswith(sig) for sig in signatures):
        raise RejectedFile(
            f"文件“{label}”的内容与扩展名 .{ext} 不符（不是有效的{kind}文件），请检查后重新上传。"
        )
    if ext in ("docx", "xlsx") and ooxml_names is not None:
        prefix = "word/" if ext == "docx" else "xl/"
        if not any(n.startswith(prefix) for n in ooxml_names):
            raise RejectedFile(
                f"文件“{label}”的内容与扩展名 .{ext} 不符（不是有效的{kind}文件），请检查后重新上传。"
            )
    return FileCheck(ext, kind, size_bytes)


def zip_member_names(data: bytes | IO[bytes]) -> list[str]:
    """Names inside a ZIP archive, or an empty list if it is not a readable ZIP."""
    try:
        source = io.BytesIO(data) if isinstance(data, bytes) else data
        with zipfile.ZipFile(source) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []


#: Largest total uncompressed size of an Office (ZIP) upload [bytes]. A 200,000-row
#: meter workbook unpacks to about 30 MB; a "zip bomb" to gigabytes.
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
#: Largest compression ratio (uncompressed / compressed) of one member larger than
#: :data:`RATIO_CHECK_FROM_BYTES`. Spreadsheet XML compresses 5-20 times; bombs 1,000 times.
MAX_COMPRESSION_RATIO = 200
#: Members smaller than this [bytes] are not ratio-checked (tiny parts compress extremely).
RATIO_CHECK_FROM_BYTES = 1024 * 1024
#: Most members an Office upload may have.
MAX_ZIP_MEMBERS = 10_000


def check_zip_container(
    data: bytes | IO[bytes],
    name: str,
    *,
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: float = MAX_COMPRESSION_RATIO,
) -> None:
    """Refuse an .xlsx/.docx whose unpacked size or compression ratio is out of bounds.

    Reads only the ZIP central directory (declared sizes; :mod:`zipfile` refuses a member
    whose data inflates beyond its declared size), so a bomb is refused in milliseconds,
    before openpyxl or python-docx inflates anything. A file that is not a ZIP archive is
    left to the reader (which reports it as not an Excel/Word file).

    Parameters
    ----------
    data : bytes or binary file
        The uploaded file (a file object is rewound afterwards).
    name : str
        The file name, for the message.
    max_uncompressed_bytes : int
        Limit of the members' total uncompressed size [bytes].
    max_ratio : float
        Limit of one member's compression ratio [-].

    Raises
    ------
    RejectedFile
        With a Chinese message naming the file and the reason.
    """
    label = name or "（未命名文件）"
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    start = source.tell()
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    finally:
        source.seek(start)
    if len(infos) > MAX_ZIP_MEMBERS:
        raise RejectedFile(
            f"文件“{label}”内含 {len(infos)} 个部件，超过 {MAX_ZIP_MEMBERS} 个的上限，已拒收。"
        )
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed_bytes:
        raise RejectedFile(
            f"文件“{label}”解压后为 {total / 1024 / 1024:.0f} MB，超过 {max_uncompressed_bytes / 1024 / 1024:.0f} MB 的上限，"
            "已拒收；请拆分为多个文件后上传。"
        )
    for info in infos:
        if info.file_size >= RATIO_CHECK_FROM_BYTES and info.file_size > max_ratio * max(
            info.compress_size, 1
        ):
            raise RejectedFile(
                f"文件“{label}”的压缩比异常（部件 {info.filename} 压缩比超过 {max_ratio:.0f} 倍），"
                "疑似压缩炸弹，已拒收。"
            )
