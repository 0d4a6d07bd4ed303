"""Chinese error bodies for the JSON API.

django-ninja answers ``{"detail": "Unauthorized"}``, ``"Forbidden"``, ``"Not Found"`` and
pydantic's English validation messages by default. :func:`install` replaces those
handlers so that every error body a client (and the person behind it) sees is Chinese:
``{"detail": "<中文说明>"}``, and for invalid input also ``"errors"``: one entry per
problem with its location and a Chinese message.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

#: Default English messages of django-ninja and what a person reads instead.
ENGLISH_MESSAGES: dict[str, str] = {
    "Unauthorized": "未登录或访问令牌无效：请先登录，或在请求头中提供有效的令牌。",
    "Forbidden": "无权执行此操作。",
    "Not Found": "请求的数据不存在。",
}

#: pydantic error types and their Chinese explanations.
VALIDATION_MESSAGES: dict[str, str] = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为是/否（true 或 false）",
    "string_type": "应为文本",
    "string_too_short": "文本太短",
    "string_too_long": "文本太长",
    "date_parsing": "应为日期（如 2026-01-31）",
    "date_from_datetime_parsing": "应为日期（如 2026-01-31）",
    "datetime_parsing": "应为日期时间（如 2026-01-31T08:00:00+08:00）",
    "datetime_from_date_parsing": "应为日期时间（如 2026-01-31T08:00:00+08:00）",
    "json_invalid": "不是有效的 JSON",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_attributes_type": "应为对象",
    "greater_than": "数值太小",
    "greater_than_equal": "数值太小",
    "less_than": "数值太大",
    "less_than_equal": "数值太大",
    "enum": "不是允许的取值",
    "literal_error": "不是允许的取值",
    "extra_forbidden": "不允许的字段",
}


def chinese_validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """pydantic's error list as ``{"loc": "body.readings.0.value", "msg": "应为数字"}`` entries."""
    out = []
    for err in errors:
        loc = ".".join(str(p) for p in err.get("loc", ()))
        kind = str(err.get("type", ""))
        msg = VALIDATION_MESSAGES.get(kind)
        if msg is None:
            raw = str(err.get("msg", ""))
            if raw.startswith("Value error, "):
                raw = raw[len("Value error, ") :]
            msg = raw if any("\u4e00" <= ch <= "\u9fff" for ch in raw) else f"取值不符合要求（{kind}）"
        out.append({"loc": loc, "msg": msg})
    return out


def install(api: NinjaAPI) -> None:
    """Register the Chinese error handlers on ``api``."""

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc)
        if isinstance(exc, Throttled):
            message = "请求过于频繁，请稍后再试。"
        elif isinstance(exc, AuthenticationError) and message in ENGLISH_MESSAGES:
            message = ENGLISH_MESSAGES["Unauthorized"]
        elif isinstance(exc, AuthorizationError) and message in ENGLISH_MESSAGES:
            message = ENGLISH_MESSAGES["Forbidden"]
        message = ENGLISH_MESSAGES.get(message, message)
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc)
        if not any("\u4e00" <= ch <= "\u9fff" for ch in message):
            message = ENGLISH_MESSAGES["Not Found"]
        return api.create_response(request, {"detail": message}, status=404)

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = chinese_validation_errors(list(exc.errors))
        summary = "；".join(f"{e['loc']}：{e['msg']}" if e["loc"] else e["msg"] for e in errors[:5])
        return api.create_response(
            request, {"detail": f"请求数据有误：{summary}", "errors": errors}, status=422
        )

    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, invalid)
