"""Every failure of the JSON API is JSON with a Chinese ``detail`` (never an HTML page).

Two layers, because failures happen in two places:

- inside django-ninja (authentication, authorisation, missing objects, validation,
  a request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, an unexpected exception):
  :func:`install` registers exception handlers on the API;
- outside it (an ``/api/…`` URL that no router has, a method a path does not allow,
  which django-ninja answers with a plain-text 405): :class:`ApiJsonErrorsMiddleware`
  turns any non-JSON error response under ``/api/`` into the same JSON shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("carbonpeak.api")

API_PREFIX = "/api/"

DETAILS = {
    400: "请求无效：请检查请求体与参数",
    401: "未登录或访问令牌无效：请先登录，或在请求头中提供有效的令牌（Authorization: Bearer cpk_…）",
    403: "无权执行此操作",
    404: "接口或对象不存在",
    405: "该接口不支持此请求方法",
    413: "请求体过大：超过 {limit} 上限，请分批上传（建议每批不超过5000条读数）",
    422: "请求参数不合法",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误，已记录；请稍后重试，或联系平台管理员",
}


def _limit_text() -> str:
    limit = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None) or 0
    return f"{limit / (1024 * 1024):g} MiB" if limit else "服务器"


def detail_for(status: int) -> str:
    text = DETAILS.get(status) or ("请求失败" if status < 500 else DETAILS[500])
    return text.format(limit=_limit_text())


def error_response(status: int, detail: str | None = None, **extra: object) -> JsonResponse:
    return JsonResponse(
        {"detail": detail or detail_for(status), **extra},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


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
    """Chinese JSON errors for everything raised inside the API's views and auth."""
    from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

    from carbonpeak.core.errors import UserError

    def _status(status: int) -> Callable[[HttpRequest, Any], HttpResponse]:
        return lambda request, exc: error_response(status)

    def _http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        status = getattr(exc, "status_code", 400)
        message = ENGLISH_MESSAGES.get(str(exc), str(exc))
        has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in message)
        return error_response(status, message if has_chinese else None)

    def _not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc)
        has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in message)
        return error_response(404, message if has_chinese else ENGLISH_MESSAGES["Not Found"])

    def _validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = chinese_validation_errors(list(getattr(exc, "errors", [])))
        summary = "；".join(f"{e['loc']}：{e['msg']}" if e["loc"] else e["msg"] for e in errors[:5])
        return error_response(422, f"请求数据有误：{summary}", errors=errors)

    def _user_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return JsonResponse(exc.as_dict(), status=exc.status_code, json_dumps_params={"ensure_ascii": False})

    def _unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("API %s %s failed", request.method, request.path, exc_info=exc)
        return error_response(500)

    api.add_exception_handler(AuthenticationError, _status(401))
    api.add_exception_handler(AuthorizationError, _status(403))
    api.add_exception_handler(PermissionDenied, _status(403))
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(UserError, _user_error)
    api.add_exception_handler(RequestDataTooBig, _status(413))
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(ValidationError, _validation)
    api.add_exception_handler(Exception, _unexpected)


class ApiJsonErrorsMiddleware:
    """Error responses under ``/api/`` that are not JSON become ``{"detail": "…"}``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replacement = error_response(response.status_code)
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response
