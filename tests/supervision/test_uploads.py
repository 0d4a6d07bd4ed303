import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carbonpeak.supervision.models import Attachment, ProgressReport

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(department_client, plan, period):
    department_client.post(reverse("supervision:report_open", args=[plan.t1.pk, period.pk]))
    return ProgressReport.objects.get()


def _upload(client, report, f):
    return client.post(
        reverse("supervision:attachment_upload", args=[report.pk]), {"file": f}, follow=True
    ).content.decode()


def test_wrong_extension_refused(department_client, report):
    page = _upload(department_client, report, SimpleUploadedFile("脚本.exe", b"MZ\x90\x00" * 10))
    assert "文件“脚本.exe”的类型不允许上传" in page
    assert not Attachment.objects.exists()


def test_content_not_matching_extension_refused(department_client, report):
    page = _upload(department_client, report, SimpleUploadedFile("伪装.pdf", b"<html>not a pdf</html>"))
    assert "内容与扩展名 .pdf 不符" in page
    assert not Attachment.objects.exists()


def test_real_limit_is_20_mb(department_client, report):
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024))
    page = _upload(department_client, report, big)
    assert "超过 20 MB 的上限" in page
    assert not Attachment.objects.exists()


def test_download_scoped(department_client, housing_client, report):
    _upload(department_client, report, pdf())
    att = Attachment.objects.get()
    r = department_client.get(reverse("supervision:attachment_download", args=[att.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert housing_client.get(reverse("supervision:attachment_download", args=[att.pk])).status_code == 404
