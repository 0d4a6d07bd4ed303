"""Hostile uploads: zip bombs are refused before any reader inflates them; size caps per form."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from carbonpeak.engine.filetypes import RejectedFile, check_zip_container

#: The bomb's one sheet inflates to this many bytes (the finding used 1 GiB).
BOMB_BYTES = 1024 * 1024 * 1024


def _workbook_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["计量点编码", "时间", "读数"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def bomb_xlsx() -> bytes:
    """A real .xlsx whose sheet1.xml is followed by 1 GiB of blanks (deflates to about 1 MB)."""
    source = zipfile.ZipFile(io.BytesIO(_workbook_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                with zf.open(info.filename, "w", force_zip64=True) as member:
                    head, tail = data.split(b"<sheetData>")
                    member.write(head + b"<sheetData>")
                    chunk = b" " * (1024 * 1024)
                    for _ in range(BOMB_BYTES // len(chunk)):
                        member.write(chunk)
                    member.write(tail)
            else:
                zf.writestr(info, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb_docx(bomb_xlsx) -> bytes:
    """The same inflation inside a .docx package (word/document.xml)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(256):
                member.write(chunk)
    return out.getvalue()


def _fast(fn):
    start = time.perf_counter()
    with pytest.raises(Exception) as info:
        fn()
    assert time.perf_counter() - start < 2.0, "the bomb was inflated before being refused"
    return info.value


def test_check_refuses_the_bomb_by_size_and_by_ratio(bomb_xlsx):
    assert len(bomb_xlsx) < 5 * 1024 * 1024
    with pytest.raises(RejectedFile, match="解压后"):
        check_zip_container(bomb_xlsx, "炸弹.xlsx")
    with pytest.raises(RejectedFile, match="压缩比"):
        check_zip_container(bomb_xlsx, "炸弹.xlsx", max_uncompressed_bytes=2 * BOMB_BYTES)


def test_check_accepts_an_ordinary_workbook_and_leaves_non_zip_to_the_reader():
    data = _workbook_bytes()
    check_zip_container(data, "正常.xlsx")
    check_zip_container(b"meter,ts,value\n", "读数.csv")
    stream = io.BytesIO(data)
    stream.seek(0)
    check_zip_container(stream, "正常.xlsx")
    assert stream.tell() == 0


@pytest.mark.django_db
def test_meter_xlsx_bomb_is_refused_fast_and_writes_nothing(bomb_xlsx, enterprise, settings, tmp_path):
    from carbonpeak.monitoring import services
    from carbonpeak.monitoring.models import IngestBatch

    settings.METER_STORE_DIR = tmp_path / "meters"
    exc = _fast(
        lambda: services.ingest_excel(
            enterprise=enterprise, file=io.BytesIO(bomb_xlsx), user=None, filename="读数.xlsx"
        )
    )
    assert isinstance(exc, services.IngestError) and "读数.xlsx" in str(exc)
    assert IngestBatch.objects.count() == 0


@pytest.mark.django_db
def test_every_other_importer_refuses_the_bomb_fast(bomb_xlsx, bomb_docx, office_user, tmp_path):
    from carbonpeak.engine.accounting import AccountingError
    from carbonpeak.engine.accounting_io import read_table
    from carbonpeak.engine.plantext.reading import PlanParseError, read_document
    from carbonpeak.enterprises.models import Enterprise
    from carbonpeak.enterprises.services import ImportFailed, import_workbook
    from carbonpeak.indicators.services import IndicatorInputError, import_observations
    from carbonpeak.plans.ledger_excel import LedgerFileError, read_ledger
    from carbonpeak.plans.models import Plan
    from carbonpeak.plans.services import department_registry

    assert isinstance(_fast(lambda: read_table(bomb_xlsx, "能源.xlsx")), AccountingError)
    assert isinstance(
        _fast(lambda: import_workbook(data=bomb_xlsx, filename="名录.xlsx", user=office_user)), ImportFailed
    )
    assert Enterprise.objects.count() == 0
    assert isinstance(
        _fast(lambda: import_observations(data=bomb_xlsx, filename="指标.xlsx", user=office_user)),
        IndicatorInputError,
    )
    plan = Plan.objects.create(title="方案")
    assert isinstance(
        _fast(lambda: read_ledger(bomb_xlsx, plan=plan, registry=department_registry())), LedgerFileError
    )
    path = tmp_path / "方案.docx"
    path.write_bytes(bomb_docx)
    exc = _fast(lambda: read_document(path))
    assert isinstance(exc, PlanParseError) and "压缩" in str(exc)


def test_upload_caps_refuse_oversized_files_with_a_chinese_message():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from carbonpeak.core import uploads
    from carbonpeak.enterprises.forms import ImportForm
    from carbonpeak.monitoring.forms import UploadForm
    from carbonpeak.scenarios.forms import UploadForm as ScenarioUploadForm

    big = SimpleUploadedFile("名录.xlsx", b"x" * (uploads.ENTERPRISE_REGISTRY_MB * uploads.MIB + 1))
    form = ImportForm(files={"file": big})
    assert not form.is_valid()
    assert "超过本功能 10 MB 的上限" in form.errors["file"][0]

    toml = SimpleUploadedFile("情景.toml", b"#" * (uploads.SCENARIO_TOML_MB * uploads.MIB + 1))
    form = ScenarioUploadForm(data={"note": ""}, files={"file": toml})
    assert not form.is_valid() and "上限" in form.errors["file"][0]

    field = UploadForm.base_fields["file"]
    assert any(getattr(v, "limit_mb", None) == uploads.METER_READINGS_MB for v in field.validators)


def test_accounting_upload_form_caps_every_file():
    from carbonpeak.accounting.forms import UploadForm
    from carbonpeak.core import uploads

    for name in ("energy", "economy", "targets", "factors", "exclusions"):
        field = UploadForm.base_fields[name]
        assert any(getattr(v, "limit_mb", None) == uploads.ACCOUNTING_FILE_MB for v in field.validators), name


@pytest.mark.django_db
def test_indicator_import_page_refuses_an_oversized_file(office_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from carbonpeak.core import uploads

    big = SimpleUploadedFile("指标.xlsx", b"x" * (uploads.INDICATOR_OBSERVATIONS_MB * uploads.MIB + 1))
    response = office_client.post("/indicators/import/", {"file": big}, follow=True)
    assert "超过本功能 10 MB 的上限" in response.content.decode()
