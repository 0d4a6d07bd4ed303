"""Site-wide pages: the home page sends each role where its work is."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from carbonpeak.core.models import Region
from carbonpeak.core.regions import SESSION_KEY
from carbonpeak.core.roles import Role, role_of

#: Where each role lands after signing in, when that page is installed.
LANDING: dict[str, str] = {Role.LEADER: "indicators:dashboard", Role.ENTERPRISE: "enterprises:mine"}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    landing = LANDING.get(role) if role is not None else None
    if landing:
        try:
            return redirect(reverse(landing))
        except NoReverseMatch:
            pass
    return render(request, "core/home.html")


@require_POST
@login_required
def switch_region(request: HttpRequest) -> HttpResponse:
    """Look at another region's pages: the user's own region or one below it (never a sibling)."""
    code = (request.POST.get("code") or "").strip()
    own = getattr(request.user, "region", None)
    target = Region.objects.filter(code=code).first()
    if own is None or target is None or not own.contains(target):
        raise Http404("没有这个行政区划，或您无权查看。")
    if target.pk == own.pk:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = target.code
    messages.info(request, f"正在查看：{target.name}")
    back = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
