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
    401: "未认证：请在请求头提供有效的接口令牌（Authorization: Bearer cpk_…），或先登录",
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


def install(api: NinjaAPI) -> None:
    """Chinese JSON errors for everything raised inside the API's views and auth."""
    from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

    def _status(status: int) -> Callable[[HttpRequest, Any], HttpResponse]:
        return lambda request, exc: error_response(status)

    def _http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        status = getattr(exc, "status_code", 400)
        message = str(exc)
        has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in message)
        return error_response(status, message if has_chinese else None)

    def _validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(422, errors=getattr(exc, "errors", []))

    def _unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("API %s %s failed", request.method, request.path, exc_info=exc)
        return error_response(500)

    api.add_exception_handler(AuthenticationError, _status(401))
    api.add_exception_handler(AuthorizationError, _status(403))
    api.add_exception_handler(PermissionDenied, _status(403))
    api.add_exception_handler(Http404, _status(404))
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
