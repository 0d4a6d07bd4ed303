"""Site-wide pages: the home page sends each role where its work is."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core.roles import Role, role_of

#: Where each role lands after signing in, when that page is installed.
LANDING: dict[str, str] = {Role.LEADER: "indicators:dashboard", Role.ENTERPRISE: "enterprises:mine"}


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    role = role_of(request.user)
    landing = LANDING.get(role) if role is not None else None
    if landing:
        try:
            return redirect(reverse(landing))
        except NoReverseMatch:
            pass
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
