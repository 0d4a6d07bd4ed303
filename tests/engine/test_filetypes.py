import io
import zipfile

import pytest

from carbonpeak.engine.filetypes import RejectedFile, check_document, zip_member_names


def _zip(member: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(member, "x")
    return buf.getvalue()


def test_pdf_accepted():
    assert check_document("报告.pdf", 100, b"%PDF-1.7\n").kind == "PDF"


def test_renamed_file_refused_with_reason():
    with pytest.raises(RejectedFile, match="内容与扩展名 .pdf 不符"):
        check_document("报告.pdf", 100, b"MZ\x90\x00\x03\x00\x00\x00")


def test_disallowed_extension_refused():
    with pytest.raises(RejectedFile, match="类型不允许上传"):
        check_document("run.exe", 100, b"MZ\x90\x00")


def test_too_large_refused():
    with pytest.raises(RejectedFile, match="超过 20 MB"):
        check_document("a.pdf", 20 * 1024 * 1024 + 1, b"%PDF-1.4")


def test_empty_refused():
    with pytest.raises(RejectedFile, match="空文件"):
        check_document("a.pdf", 0, b"")


def test_xlsx_must_contain_workbook_parts():
    data = _zip("xl/workbook.xml")
    assert check_document("a.xlsx", len(data), data[:8], ooxml_names=zip_member_names(data)).kind == "Excel"
    other = _zip("word/document.xml")
    with pytest.raises(RejectedFile):
        check_document("a.xlsx", len(other), other[:8], ooxml_names=zip_member_names(other))


def test_images_and_legacy_office():
    assert check_document("a.PNG", 10, b"\x89PNG\r\n\x1a\n").kind == "图片"
    assert check_document("a.jpg", 10, b"\xff\xd8\xff\xe0").kind == "图片"
    assert check_document("a.doc", 10, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1").kind == "Word"
