"""Large meter workbooks are imported in the background, with progress shown."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from carbonpeak.monitoring import jobs, services
from carbonpeak.monitoring.models import ImportJob, IngestBatch


def _workbook(rows: int, meter: str = "E01-01") -> bytes:
    wb = Workbook()  # not write_only: the sheet states its size, as Excel's files do
    ws = wb.active
    ws.append(["计量点编码", "时间", "读数"])
    for i in range(rows):
        day, minute = divmod(i * 15, 24 * 60)
        ws.append(
            [
                meter,
                f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}T{minute // 60:02d}:{minute % 60:02d}:00+08:00",
                100.0 + i,
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _job_files_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def big(settings):
    settings.MONITORING_JOBS_IN_THREAD = False
    return _workbook(12_000)


@pytest.mark.django_db
def test_a_large_workbook_becomes_a_job_with_progress(enterprise_client, enterprise, meter, big, monkeypatch):
    monkeypatch.setattr(jobs, "BACKGROUND_FROM_BYTES", 64 * 1024)
    assert len(big) > jobs.BACKGROUND_FROM_BYTES
    r = enterprise_client.post(
        f"/monitoring/enterprises/{enterprise.pk}/upload/", {"file": SimpleUploadedFile("读数.xlsx", big)}
    )
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/monitoring/jobs/{job.pk}/"
    assert IngestBatch.objects.count() == 0  # nothing done inside the request
    page = enterprise_client.get(r["Location"]).content.decode()
    assert "排队中" in page and 'http-equiv="refresh"' in page

    seen: list[tuple[int, int]] = []
    progress_calls: list[int] = []
    original = services.ingest_excel

    def recording(**kwargs):
        inner = kwargs["progress"]

        def progress(read, total):
            progress_calls.append(read)
            inner(read, total)
            job_now = ImportJob.objects.get(pk=job.pk)
            seen.append((job_now.rows_read, job_now.percent))

        return original(**{**kwargs, "progress": progress})

    monkeypatch.setattr(services, "ingest_excel", recording)
    assert jobs.run_pending() == 1
    assert progress_calls == [5000, 10000]
    assert seen[0][0] == 5000 and 0 < seen[0][1] < seen[1][1] < 100
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["accepted"] == 12_000 and job.percent == 100
    assert IngestBatch.objects.get().accepted == 12_000
    page = enterprise_client.get(f"/monitoring/jobs/{job.pk}/").content.decode()
    assert "全部接收" in page and "接收 12000 行" in page and 'http-equiv="refresh"' not in page
    assert not list(jobs.job_dir().glob("*.xlsx"))  # the stored upload is removed


@pytest.mark.django_db(transaction=True)
def test_the_worker_thread_runs_the_job_after_the_upload(
    enterprise_client, enterprise, meter, settings, monkeypatch
):
    settings.MONITORING_JOBS_IN_THREAD = True
    monkeypatch.setattr(jobs, "BACKGROUND_FROM_BYTES", 16 * 1024)
    data = _workbook(3000)
    r = enterprise_client.post(
        f"/monitoring/enterprises/{enterprise.pk}/upload/", {"file": SimpleUploadedFile("读数.xlsx", data)}
    )
    assert r.status_code == 302
    job = ImportJob.objects.get()
    deadline = time.time() + 60
    while job.status not in (ImportJob.Status.DONE, ImportJob.Status.FAILED) and time.time() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.result["accepted"] == 3000


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_run_again(enterprise, meter, office_user, settings, big):
    from django.utils import timezone

    upload = SimpleUploadedFile("读数.xlsx", big)
    job = jobs.submit_excel(enterprise=enterprise, upload=upload, user=office_user, filename="读数.xlsx")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now() - timezone.timedelta(hours=1)
    )
    assert jobs.run_pending() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE


@pytest.mark.django_db
def test_a_broken_workbook_fails_with_a_chinese_message(enterprise, meter, office_user, settings):
    settings.MONITORING_JOBS_IN_THREAD = False
    job = jobs.submit_excel(
        enterprise=enterprise,
        upload=SimpleUploadedFile("读数.xlsx", b"PK\x03\x04 not really"),
        user=office_user,
        filename="读数.xlsx",
    )
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "不是有效的 .xlsx" in job.error
    assert IngestBatch.objects.count() == 0


@pytest.mark.django_db
def test_another_enterprise_cannot_see_the_job(
    client, make_user, other_enterprise, enterprise, meter, office_user, big
):
    from carbonpeak.core.roles import Role

    job = jobs.submit_excel(
        enterprise=enterprise,
        upload=SimpleUploadedFile("读数.xlsx", big),
        user=office_user,
        filename="读数.xlsx",
    )
    other = make_user("other-ent", Role.ENTERPRISE, enterprise=other_enterprise)
    client.force_login(other)
    assert client.get(f"/monitoring/jobs/{job.pk}/").status_code in (403, 404)
