"""Response headers every page carries.

:class:`ContentSecurityPolicyMiddleware` sends ``settings.CONTENT_SECURITY_POLICY``
(scripts only from this site). A page that needs an inline script marks it
``<script nonce="{{ request.csp_nonce }}">``: the per-request nonce is added to
``script-src``. Inline event handlers (``onclick=…``) are never allowed; pages use
``data-confirm`` and ``data-autosubmit`` (handled by ``static/js/site.js``) instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = with_nonce(policy, nonce)
        return response


def with_nonce(policy: str, nonce: str) -> str:
    """``policy`` with ``'nonce-…'`` added to its ``script-src`` directive (if it has one)."""
    parts = [p.strip() for p in policy.split(";") if p.strip()]
    out = []
    for part in parts:
        if part.split()[0] == "script-src":
            part = f"{part} 'nonce-{nonce}'"
        out.append(part)
    return "; ".join(out)
