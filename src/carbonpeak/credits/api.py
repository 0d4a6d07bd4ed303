"""Partner API of carbon-inclusive credits (OpenAPI at /api/docs).

A data partner (bus card system, bike operator, grid company) posts residents' activity
records signed with its secret:

- ``X-Partner-Key``: the key id shown when the office registered the partner;
- ``X-Timestamp``: Unix time in seconds (±300 s of the platform clock);
- ``X-Signature``: hex HMAC-SHA256 of ``"<X-Timestamp>." + <request body bytes>``.
"""

from __future__ import annotations

from typing import Any

import pydantic_core
from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import BaseModel

from carbonpeak.core.errors import UserError
from carbonpeak.credits.services import ingest

router = Router(tags=["碳普惠"])


class RecordIn(BaseModel):
    record_id: Any = Field(
        None,
        description="合作方记录号（1-64字符，合作方内唯一；重复上报只记一次）",
        examples=["T20260302-000001"],
    )
    phone: Any = Field(
        None, description="居民注册碳普惠账户的11位手机号码（平台只保存其摘要）", examples=["13800001234"]
    )
    activity_type: Any = Field(
        None,
        description="活动类型：bus 公交、metro 地铁、cycling 骑行、ebike 共享电动助力车、nev 新能源汽车、walking 步行、"
        "power_saving 节约用电、clean_plate 光盘行动、no_disposable 不使用一次性餐具、parcel_box 快递纸箱回收、"
        "waste_sorting 垃圾分类、plastic 减塑",
        examples=["bus"],
    )
    start: Any = Field(
        None, description="开始时间，ISO 8601；不带时区按北京时间", examples=["2026-03-02T07:45:00+08:00"]
    )
    end: Any = Field(None, description="结束时间（出行类必填）", examples=["2026-03-02T08:10:00+08:00"])
    quantity: Any = Field(None, description="活动量，单位见方法学（次、人·公里、千瓦时、千克）", examples=[1])
    evidence: Any = Field(
        None, description="证明字段（对象），方法学要求的字段必须提供", examples=[{"route": "3路"}]
    )


class BatchIn(BaseModel):
    records: list[RecordIn] = Field(..., description="活动记录列表，每批不超过5000条（建议500条）")


class RowErrorOut(Schema):
    row: int = Field(..., description="记录在 records 中的序号（从0开始）")
    record_id: str
    field: str = Field(..., description="出错字段")
    message: str = Field(..., description="中文错误说明")


class ResultOut(Schema):
    row: int
    record_id: str
    status: str = Field(..., description="capped 超每日上限；rejected 未通过核验；repeated 此前已收到")
    reason: str = ""
    message: str = ""
    earlier: str = Field("", description="repeated 时为首次上报的核验结果")


class IngestOut(Schema):
    batch_id: int | None
    received: int
    credited: int = Field(..., description="已入账条数（响应返回前已写入账本）")
    capped: int = Field(..., description="超每日上限条数（已记录，部分或全部不计减排量）")
    rejected: int = Field(
        ..., description="未通过核验条数（重复、时间重叠、时间异常、无有效方法学等，已记录）"
    )
    repeated: int = Field(..., description="此前已收到的记录条数（不重复入账）")
    points: int
    reduction_kg: float = Field(..., description="本批入账减排量 [kgCO2]")
    errors: list[RowErrorOut] = Field(..., description="格式错误、居民未开户等未记录的行")
    results: list[ResultOut] = Field(..., description="未全部入账的行及原因")


class ErrorOut(Schema):
    detail: str


def _body_schema() -> dict[str, Any]:
    schema = BatchIn.model_json_schema()
    schema["properties"]["records"]["items"] = schema.pop("$defs")["RecordIn"]
    return schema


_HEADERS = [
    {
        "name": "X-Partner-Key",
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": "接口密钥ID",
    },
    {
        "name": "X-Timestamp",
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": "Unix时间戳（秒），与平台时间相差不超过300秒",
    },
    {
        "name": "X-Signature",
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": '十六进制 HMAC-SHA256(密钥, X-Timestamp + "." + 请求体原文)',
    },
]


@router.post(
    "/activities",
    response={200: IngestOut, 207: IngestOut, 400: ErrorOut, 401: ErrorOut, 422: IngestOut},
    summary="上报居民低碳活动记录（批量，签名）",
    description=(
        "合作方按居民手机号上报低碳活动。每条记录按活动时间有效的方法学版本核算减排量 ER = BE − PE，"
        "经重复、时间重叠、时间异常和每日上限规则核验后记入居民账本。响应返回时，已入账记录已提交到数据库（同一事务）。"
        "以合作方记录号幂等：重复上报返回 repeated，不重复入账。格式错误的行逐条返回（errors），不影响其他行。"
        "全部行无格式错误返回 200，部分有返回 207，全部有返回 422；请求体无效返回 400；签名或时间戳无效返回 401。"
    ),
    openapi_extra={
        "parameters": _HEADERS,
        "requestBody": {"required": True, "content": {"application/json": {"schema": _body_schema()}}},
    },
)
def post_activities(request: HttpRequest):
    try:
        partner = ingest.authenticate(
            key_id=request.headers.get("X-Partner-Key"),
            timestamp=request.headers.get("X-Timestamp"),
            signature=request.headers.get("X-Signature"),
            body=request.body,
        )
    except UserError as exc:
        return 401, {"detail": exc.message}
    try:
        payload = pydantic_core.from_json(request.body)
    except ValueError as exc:
        return 400, {"detail": f"请求体不是有效的JSON：{exc}"}
    rows = payload.get("records") if isinstance(payload, dict) else None
    if not isinstance(rows, list):
        return 400, {"detail": '请求体应为对象 {"records": [...]}'}
    try:
        result = ingest.ingest(partner=partner, rows=rows)
    except UserError as exc:
        return 400, {"detail": exc.message}
    body = {
        "batch_id": result.batch_id,
        "received": result.received,
        "credited": result.credited,
        "capped": result.capped,
        "rejected": result.rejected,
        "repeated": result.repeated,
        "points": result.points,
        "reduction_kg": result.reduction_kg,
        "errors": [e.as_dict() for e in result.errors[: ingest.MAX_ERRORS_REPORTED]],
        "results": result.results[: ingest.MAX_ERRORS_REPORTED],
    }
    if not result.errors or result.received == 0:
        return 200, body
    return (422 if len(result.errors) == result.received else 207), body
