"""Size caps of uploads: one validator, a limit per upload form, a Chinese message.

Every upload form declares its cap with ``validators=[max_upload_size(MB)]``; the
.xlsx/.docx readers additionally refuse archives that would inflate beyond bounds
(:func:`carbonpeak.engine.filetypes.check_zip_container`). The reverse proxy's body
limit (``client_max_body_size`` in docs/deploy.md) must be at least the largest cap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

MIB = 1024 * 1024


def size_error(name: str, size_bytes: int, limit_mb: float) -> str:
    return (
        f"文件“{name or '上传文件'}”为 {size_bytes / MIB:.1f} MB，超过本功能 {limit_mb:g} MB 的上限；"
        "请拆分为多个文件后上传。"
    )


def max_upload_size(limit_mb: float) -> Callable[[Any], None]:
    """A form-field validator refusing an uploaded file larger than ``limit_mb`` MiB."""

    def validate(upload: Any) -> None:
        size = getattr(upload, "size", None) or 0
        if size > limit_mb * MIB:
            raise ValidationError(size_error(getattr(upload, "name", ""), size, limit_mb), code="too_large")

    validate.limit_mb = limit_mb  # type: ignore[attr-defined]
    return validate


#: Caps per upload [MiB]; plans keep theirs in plans/forms.py, attachments in engine/filetypes.
METER_READINGS_MB = 50
ACCOUNTING_FILE_MB = 20
ENTERPRISE_REGISTRY_MB = 10
INDICATOR_OBSERVATIONS_MB = 10
SCENARIO_TOML_MB = 1
