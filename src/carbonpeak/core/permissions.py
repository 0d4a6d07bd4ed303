"""The one permission route.

Permissions are django-rules predicates registered with ``rules.add_perm`` in each
app's ``rules.py``. They are checked in exactly two ways:

- views: the :func:`rule_required` decorator (anonymous visitors go to the login
  page, signed-in users without the permission get 403, never the data);
- everything else (services, templates, API endpoints, admin): :func:`can`.

Neither goes through ``user.has_perm``: Django's model backend lets a superuser
through every check, which would skip the region and state predicates. The
superuser flag only opens Django's back office; see :mod:`carbonpeak.core.roles`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def can(user: Any, perm: str, obj: Any = None) -> bool:
    """Whether ``user`` holds the rules permission ``perm`` (on ``obj``)."""
    if user is None or not getattr(user, "is_active", False):
        return False
    return bool(rules.has_perm(perm, user, obj))


def require(user: Any, perm: str, obj: Any = None, message: str = "您的账号无权进行此操作。") -> None:
    """Raise :class:`PermissionDenied` (HTTP 403) unless ``user`` holds ``perm``."""
    if not can(user, perm, obj):
        raise PermissionDenied(message)


def rule_required(perm: str, obj_getter: Callable[..., Any] | None = None):
    """Decorate a view: require the rules permission ``perm``.

    ``obj_getter(request, **kwargs)`` returns the object checked (object-level rule);
    it should look the object up among ``Model.objects.visible_to(request.user)`` so
    that an object outside the user's regions is a 404, not a 403. Without an
    ``obj_getter`` the rule is checked against ``request.region``, the region whose
    pages the user is viewing: a city user reading a county passes ``in_scope`` but
    not ``in_own_region``.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = obj_getter(request, **kwargs) if obj_getter else getattr(request, "region", None)
            if not can(request.user, perm, obj):
                raise PermissionDenied("您的账号无权访问此页面。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
