"""Large meter-reading workbooks are imported in the background, with progress.

A 200,000-row .xlsx takes about 20 s to read and store; inside the request that
blocks a web worker and the user sees nothing. An upload larger than
:data:`BACKGROUND_FROM_BYTES` therefore becomes an :class:`ImportJob`:

1. the upload page checks the file (size cap, zip-bomb check), stores it under
   ``DATA_DIR/import-jobs/`` and creates the job (status 排队中);
2. after the transaction commits, a worker thread in the same web process claims the
   job (one atomic ``UPDATE … WHERE status = 'queued'``), reads the rows reporting
   progress every :data:`PROGRESS_EVERY` rows, stores the readings through the same
   ``ingest_rows`` as any upload, and records the result (or a Chinese error);
3. the job page refreshes itself every 2 s until the job is done.

If the web process stops while a job runs, the job's heartbeat stops;
``carbonpeak monitoring jobs`` (cron, every few minutes) puts jobs whose heartbeat
is older than :data:`STALE_AFTER_S` back in the queue and runs every queued job.
Re-running a job is safe: ingestion deduplicates by (meter, time).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from carbonpeak.monitoring import services
from carbonpeak.monitoring.models import ImportJob

logger = logging.getLogger("carbonpeak.monitoring.jobs")

#: .xlsx uploads larger than this [bytes] are imported in the background.
BACKGROUND_FROM_BYTES = 1024 * 1024
#: Progress (and the heartbeat) is saved every this many rows read.
PROGRESS_EVERY = 5000
#: A running job whose heartbeat is older than this [s] is taken to have died.
STALE_AFTER_S = 600


def job_dir() -> Path:
    path = Path(settings.DATA_DIR) / "import-jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def submit_excel(*, enterprise: Any, upload: Any, user: Any, filename: str) -> ImportJob:
    """Store an uploaded workbook and queue its import; the worker starts after commit.

    Raises :class:`services.IngestError` (Chinese message) for a file refused before
    it is queued (zip bomb). Side effects: a file under ``import-jobs/``, one job.
    """
    from carbonpeak.engine.filetypes import RejectedFile, check_zip_container

    try:
        check_zip_container(upload, filename)
    except RejectedFile as exc:
        raise services.IngestError(str(exc)) from None
    path = job_dir() / f"{uuid.uuid4().hex}.xlsx"
    with open(path, "wb") as out:
        for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
            out.write(chunk)
    with transaction.atomic():
        job = ImportJob.objects.create(
            enterprise=enterprise, user=user, filename=filename[:200], path=str(path)
        )
        if getattr(settings, "MONITORING_JOBS_IN_THREAD", True):
            transaction.on_commit(lambda: start_thread(job.pk))
    return job


def start_thread(job_id: Any) -> threading.Thread:
    thread = threading.Thread(target=_thread_main, args=(job_id,), name=f"import-job-{job_id}", daemon=True)
    thread.start()
    return thread


def _thread_main(job_id: Any) -> None:
    try:
        run(job_id)
    finally:
        connection.close()


def run(job_id: Any) -> bool:
    """Run one queued job; False if another worker has claimed it already."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return False
    job = ImportJob.objects.select_related("enterprise", "user").get(pk=job_id)

    def progress(rows_read: int, total_rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            # A workbook that does not state its size (total <= rows read) shows rows read only.
            rows_read=rows_read,
            total_rows=total_rows if total_rows > rows_read else 0,
            heartbeat_at=timezone.now(),
        )

    try:
        with open(job.path, "rb") as fh:
            result = services.ingest_excel(
                enterprise=job.enterprise, file=fh, user=job.user, filename=job.filename, progress=progress
            )
    except services.IngestError as exc:
        _finish(job, status=ImportJob.Status.FAILED, error=str(exc))
    except FileNotFoundError:
        _finish(job, status=ImportJob.Status.FAILED, error="暂存的上传文件已不存在，请重新上传")
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(
            job,
            status=ImportJob.Status.FAILED,
            error="处理时发生系统错误，已记录；请稍后重新上传或联系管理员",
        )
    else:
        _finish(
            job,
            status=ImportJob.Status.DONE,
            result={
                "batch_id": result.batch_id,
                "status": result.status,
                "received": result.received,
                "accepted": result.accepted,
                "rejected": result.rejected,
                "corrections": result.corrections,
                "errors": [e.as_dict() for e in result.errors[: services.MAX_ERRORS_REPORTED]],
            },
            rows=result.received,
        )
    return True


def _finish(
    job: ImportJob, *, status: str, error: str = "", result: dict | None = None, rows: int | None = None
) -> None:
    fields: dict[str, Any] = {
        "status": status,
        "error": error[:500],
        "result": result,
        "finished_at": timezone.now(),
    }
    if rows is not None:
        fields["rows_read"] = rows
        fields["total_rows"] = rows
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    Path(job.path).unlink(missing_ok=True)


def run_pending(*, stale_after_s: float = STALE_AFTER_S) -> int:
    """Requeue jobs whose worker died, then run every queued job here; returns jobs run."""
    cutoff = timezone.now() - dt.timedelta(seconds=stale_after_s)
    ImportJob.objects.filter(status=ImportJob.Status.RUNNING, heartbeat_at__lt=cutoff).update(
        status=ImportJob.Status.QUEUED
    )
    ran = 0
    for job_id in (
        ImportJob.objects.filter(status=ImportJob.Status.QUEUED)
        .order_by("created_at")
        .values_list("pk", flat=True)
    ):
        ran += run(job_id)
    return ran
