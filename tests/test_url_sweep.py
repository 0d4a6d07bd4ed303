"""Sweep every URL of the site (all apps, including ones that land later).

For each pattern of the resolver, kwargs are filled by converter type (int -> 1,
str/slug/path -> "x", uuid -> a fixed UUID) and the URL is requested with GET:

1. anonymous: only the explicit public allow-list may answer 200; everything else
   must be a redirect to a login page, 401, 403, 404 or 405 — never data;
2. an enterprise user: government pages likewise refuse; the allow-list adds the
   pages an enterprise user works on (its own enterprise and meters).

A new public page must be added to ``PUBLIC`` on purpose, with a reason.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# Names (namespace:name) or raw path prefixes anyone may GET.
PUBLIC_NAMES = {
    "healthz",  # load-balancer probe: "ok", no data
    "accounts:login",  # the login form
    "admin:login",  # the admin login form
    "api:openapi-json",  # API description (no data)
    "api:openapi-view",  # API docs page (no data)
    # Public disclosure pages: approved disclosures, grades the office published and published
    # rankings only (tests/evaluation/test_public.py crawls them anonymously to prove it).
    "public:disclosures",
    "public:enterprise",  # 404 unless something about the enterprise was published
    "public:ranking",  # 404 unless published
}
PUBLIC_PATH_PREFIXES = ("/favicon.ico", "/static/")

# Extra names an enterprise user may open: its own enterprise and meters (object checks happen in the views).
ENTERPRISE_NAMES = {
    "home",
    "accounts:password_change",
    "enterprises:mine",
    "enterprises:detail",
    "enterprises:detail_export",
    "monitoring:meters",
    "monitoring:upload",
    "monitoring:tokens",
    "monitoring:reported",
    "monitoring:meter",
    "monitoring:job",  # its own enterprise's background imports
    "monitoring:alarms",  # filtered to the user's own enterprise
    "monitoring:alarms_export",  # idem
    "evaluation:my_disclosures",  # its own enterprise's disclosures, grades and classes
    "evaluation:disclosure",  # object check: its own enterprise's disclosure only (404 otherwise)
    "evaluation:disclosure_edit",  # idem
}

SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}
_ROUTE_ARG = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


def _fill_route(route: str, api: bool = False) -> str:
    # django-ninja declares its path parameters ({report_id}) with the str converter; they are ids.
    return _ROUTE_ARG.sub(lambda m: "1" if api else SAMPLE.get(m.group("conv") or "str", "1"), route)


def _fill_regex(regex: str) -> str:
    def group(m: re.Match) -> str:
        body = m.group("body")
        if re.fullmatch(r"[\w|-]+", body):  # alternation of literals, e.g. admin app labels
            return body.split("|")[0]
        return "1" if "d" in body and "w" not in body else "x"

    text = _REGEX_GROUP.sub(group, regex)
    text = text.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    return re.sub(r"\(\?:[^)]*\)\??", "", text)


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        raw = str(p.pattern)
        part = (
            _fill_regex(raw)
            if raw.startswith("^") or "(?P<" in raw
            else _fill_route(raw, prefix.startswith("api/"))
        )
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if p.namespace and namespace:
                ns = f"{namespace}:{p.namespace}"
            yield from _walk(p.url_patterns, prefix + part, ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield "/" + prefix + part, name


def all_urls() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for url, name in _walk(get_resolver().url_patterns):
        try:
            resolve(url)
        except Resolver404:
            continue  # a regex we could not fill (counted in test_sweep_covers_the_site)
        seen.setdefault(url, name)
    return sorted(seen.items())


def _refused(response, client=None) -> bool:
    """Refusal: 401/403/404/405, or a redirect that ends (within two hops) at a login page."""
    for _hop in range(3):
        if response.status_code not in (301, 302, 303, 307, 308):
            return response.status_code in (401, 403, 404, 405)
        location = response.get("Location", "")
        if "login" in location:
            return True
        if client is None or not location.startswith("/"):
            return False
        response = client.get(location)
    return False


def _public(url: str, name: str) -> bool:
    return name in PUBLIC_NAMES or url.startswith(PUBLIC_PATH_PREFIXES)


def test_sweep_covers_the_site():
    urls = all_urls()
    names = {n for _, n in urls}
    assert len(urls) > 50
    for expected in ("home", "accounts:login", "supervision:index", "supervision:report_detail"):
        assert expected in names


@pytest.mark.django_db
def test_anonymous_gets_no_data_anywhere(department, enterprise):
    client = Client()
    leaks = []
    for url, name in all_urls():
        if _public(url, name):
            continue
        r = client.get(url)
        if not _refused(r, client):
            leaks.append((url, name, r.status_code))
    assert leaks == []


@pytest.mark.django_db
def test_enterprise_user_gets_no_government_pages(enterprise_client, department):
    leaks = []
    for url, name in all_urls():
        if _public(url, name) or name in ENTERPRISE_NAMES or name.startswith("api:"):
            continue
        r = enterprise_client.get(url)
        if not _refused(r, enterprise_client):
            leaks.append((url, name, r.status_code))
    assert leaks == []


@pytest.mark.django_db
def test_enterprise_user_gets_no_government_api(enterprise_client, department):
    leaks = []
    for url, name in all_urls():
        if not url.startswith("/api/") or _public(url, name) or url.startswith("/api/monitoring/"):
            continue
        r = enterprise_client.get(url)
        if not _refused(r, enterprise_client):
            leaks.append((url, name, r.status_code))
    assert leaks == []
