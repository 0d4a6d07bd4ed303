"""Account policies applied to every page request.

- :class:`ForcePasswordChangeMiddleware`: a user with an initial (one-time) password goes
  to the password-change page first.
- :class:`SessionIdleTimeoutMiddleware`: a session idle for ``SESSION_IDLE_TIMEOUT_MINUTES``
  ends (MLPS level 3, 身份鉴别: 登录连接超时自动退出).
- :class:`PasswordExpiryMiddleware`: a password older than ``PASSWORD_MAX_AGE_DAYS`` must be
  changed before anything else (MLPS level 3: 口令定期更换).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

#: Session key of the last request's time [s since the epoch].
LAST_SEEN = "carbonpeak_last_seen"
#: The stored time is refreshed at most this often [s] (not a session write per request).
REFRESH_S = 60


def _exempt(path: str) -> bool:
    return path.startswith(("/static/", "/api/", "/healthz"))


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"), "/static/")
            if not request.path.startswith(allowed):
                return redirect("accounts:password_change")
        return self.get_response(request)


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        limit_s = 60 * getattr(settings, "SESSION_IDLE_TIMEOUT_MINUTES", 30)
        if user is not None and user.is_authenticated and limit_s > 0 and not _exempt(request.path):
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - float(last) > limit_s:
                logout(request)
                messages.info(request, f"超过 {limit_s // 60} 分钟未操作，已自动退出登录，请重新登录。")
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if last is None or now - float(last) > REFRESH_S:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class PasswordExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        max_age = getattr(settings, "PASSWORD_MAX_AGE_DAYS", 90)
        if (
            user is not None
            and user.is_authenticated
            and not _exempt(request.path)
            and hasattr(user, "password_expired")
            and user.password_expired(max_age_days=max_age)
        ):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
            if not request.path.startswith(allowed):
                messages.warning(request, f"密码已超过 {max_age} 天未修改，请先修改密码。")
                return redirect("accounts:password_change")
        return self.get_response(request)
