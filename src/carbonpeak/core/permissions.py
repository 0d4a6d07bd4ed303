"""View guards: anonymous users go to the login page, signed-in users without the
permission get 403 (never the data)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def rule_required(perm: str, obj_getter: Callable[..., Any] | None = None):
    """Decorate a view: require the django-rules permission ``perm``.

    ``obj_getter(request, **kwargs)`` returns the object checked (object-level rule).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = obj_getter(request, **kwargs) if obj_getter else None
            if not request.user.has_perm(perm, obj):
                raise PermissionDenied("您的账号无权访问此页面。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
