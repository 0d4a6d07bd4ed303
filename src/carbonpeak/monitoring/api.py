"""Data-logger API: POST meter readings with an enterprise token (OpenAPI at /api/docs).

Authentication: header ``Authorization: Bearer <token>`` (or ``X-Api-Token: <token>``).
A token belongs to one enterprise and can write only that enterprise's meters.
"""

from __future__ import annotations

from typing import Any

import pydantic_core
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.security import APIKeyHeader, HttpBearer
from pydantic import BaseModel

from carbonpeak.monitoring import services
from carbonpeak.monitoring.models import ApiToken, IngestBatch, Meter


class BearerToken(HttpBearer):
    openapi_description = "企业接口令牌：Authorization: Bearer cpk_…"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return services.authenticate_token(token)


class HeaderToken(APIKeyHeader):
    param_name = "X-Api-Token"
    openapi_description = "企业接口令牌（备选请求头）"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiToken | None:
        return services.authenticate_token(key)


router = Router(tags=["能耗在线监测"], auth=[BearerToken(), HeaderToken()])


def _api_token(request: HttpRequest) -> ApiToken:
    """The token one of the router's auth classes accepted.

    django-ninja stores it as ``request.auth``, which HttpRequest's stubs do not know;
    it only runs a view once authentication has succeeded.
    """
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        raise RuntimeError("monitoring API view reached without an authenticated API token")
    return token


# The request body is documented by these pydantic models (OpenAPI) but parsed as plain
# JSON (see post_readings). Field values are ``Any`` so that a bad value becomes a
# per-row error from the service, not a 422 for the whole batch.
class ReadingIn(BaseModel):
    meter: Any = Field(None, description="计量点编码（企业内唯一）；与 meter_id 二选一", examples=["E01-01"])
    meter_id: Any = Field(None, description="平台计量点ID；与 meter 二选一")
    ts: Any = Field(
        None,
        description="读数时间，ISO 8601；带时区（如 +08:00 或 Z）按所带时区，不带时区按北京时间",
        examples=["2026-03-01T08:15:00+08:00"],
    )
    value: Any = Field(
        None,
        description="读数：累计表为表底读数，区间表为本15分钟用量（计量单位见计量点）",
        examples=[12345.6],
    )


class ReadingBatchIn(BaseModel):
    readings: list[ReadingIn] = Field(..., description="读数列表，建议每批不超过5000条")


class RowErrorOut(Schema):
    row: int = Field(..., description="出错读数在 readings 中的序号（从0开始）")
    field: str = Field(..., description="出错字段：meter / meter_id / ts / value")
    message: str = Field(..., description="中文错误说明")


class IngestOut(Schema):
    batch_id: str
    status: str = Field(..., description="accepted：全部接收；partial：部分接收；rejected：全部拒收")
    received: int
    accepted: int = Field(..., description="已持久化的读数条数（响应返回前已写入磁盘）")
    rejected: int
    corrections: int = Field(..., description="更正了已有读数（同一计量点同一时间不同值）的条数")
    errors: list[RowErrorOut]


class MeterOut(Schema):
    id: int
    code: str
    name: str
    carrier: str
    unit: str
    kind: str
    multiplier: float
    register_max: float | None


class ErrorOut(Schema):
    detail: str = Field(..., description="中文错误说明")


def _batch_schema() -> dict[str, Any]:
    """JSON schema of the request body, inlined (no $defs) for the OpenAPI document."""
    schema = ReadingBatchIn.model_json_schema()
    item = schema.pop("$defs")["ReadingIn"]
    schema["properties"]["readings"]["items"] = item
    return schema


@router.post(
    "/readings",
    response={200: IngestOut, 207: IngestOut, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut, 422: IngestOut},
    summary="上传计量读数（批量）",
    description=(
        "接收一批读数（请求体见下，JSON）。合格读数全部保存，不合格读数逐条返回错误（序号、字段、中文说明）并拒收："
        "全部合格返回 200，部分合格返回 207，全部不合格返回 422；请求体不是合法 JSON 或缺少 readings 列表返回 400；"
        "令牌缺失或无效返回 401；请求体超过上限（默认 50 MiB）返回 413，请分批上传。所有错误都是 JSON，含中文 detail。"
        "读数只接受数字或纯数字文本（如 12.5、-3、1e3）：千位分隔符、下划线、NaN、Infinity、布尔值按行拒收；"
        "meter_id 只接受正整数。"
        "响应返回时，被接收的读数已写入磁盘（fsync），进程随即中断也不会丢失。"
        "同一计量点同一时间重复上报只计一次；值不同时以后到者为准，并记录更正。"
        "令牌只能写入本企业的计量点，其他企业的计量点按行拒收。"
    ),
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _batch_schema()}}}
    },
)
def post_readings(request: HttpRequest):
    # pydantic-core's JSON parser gives plain dicts in one call; the service checks each
    # reading (a model instance per reading cost about 3 ms of 20 ms per 1,000).
    try:
        payload = pydantic_core.from_json(request.body)
    except ValueError as exc:
        return 400, {"detail": f"请求体不是有效的JSON：{exc}"}
    rows = payload.get("readings") if isinstance(payload, dict) else None
    if not isinstance(rows, list):
        return 400, {"detail": '请求体应为对象 {"readings": [...]}，readings 为读数列表'}
    # A reading that is not an object is a row error of its own, like any other bad row.
    token = _api_token(request)
    result = services.ingest_rows(
        enterprise=token.enterprise, rows=rows, source=IngestBatch.Source.API, token=token
    )
    body = {
        "batch_id": result.batch_id,
        "status": result.status,
        "received": result.received,
        "accepted": result.accepted,
        "rejected": result.rejected,
        "corrections": result.corrections,
        "errors": [e.as_dict() for e in result.errors[: services.MAX_ERRORS_REPORTED]],
    }
    code = {"accepted": 200, "partial": 207, "rejected": 422}[result.status]
    if result.received == 0:
        code = 200
    return code, body


@router.get("/meters", response=list[MeterOut], summary="本企业计量点列表")
def list_meters(request: HttpRequest):
    return list(Meter.objects.filter(enterprise=_api_token(request).enterprise, active=True).order_by("code"))
