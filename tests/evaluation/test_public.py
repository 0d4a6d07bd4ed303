"""Public pages: an anonymous crawl of every public URL finds published data and nothing else."""

from __future__ import annotations

import re
from collections import deque

import pytest
from django.test import Client
from django.urls import reverse

from carbonpeak.enterprises.models import Enterprise
from carbonpeak.evaluation import services
from carbonpeak.evaluation.models import Disclosure, ReductionRanking
from tests.evaluation.conftest import annual, make_enterprise

YEAR = 2024
# Marker values: each belongs to exactly one unpublished (secret) or published (open) record.
SECRET = {
    "draft": 111111.0,
    "submitted": 222222.0,
    "returned": 333333.0,
    "contact": "13900001111",
    "unpublished_k_co2": 4444.0,
}


def _disclosure(enterprise, status, co2, year=YEAR):
    d = Disclosure.objects.create(
        enterprise=enterprise,
        year=year,
        status=status,
        co2_t=co2,
        prior_year_co2_t=co2 + 1,
        accounting_method=Disclosure.Method.CALCULATION,
    )
    d.facilities.create(name=f"设施{int(co2)}", co2_t=co2)
    return d


@pytest.fixture
def world(regions, users, county_enterprises, sibling_enterprise):
    a, b, c, d = county_enterprises
    a.contact_phone = SECRET["contact"]
    a.save()
    approved = _disclosure(a, Disclosure.Status.APPROVED, 55555.0)
    _disclosure(a, Disclosure.Status.DRAFT, SECRET["draft"], year=YEAR + 1)
    _disclosure(b, Disclosure.Status.SUBMITTED, SECRET["submitted"])
    _disclosure(c, Disclosure.Status.RETURNED, SECRET["returned"])
    # county grades computed, not published; sibling county grades computed and published
    for e, co2 in zip(county_enterprises, (100, 200, 300, SECRET["unpublished_k_co2"]), strict=True):
        annual(e, YEAR, co2_t=co2, value_added_10k_yuan=100)
        annual(e, 2020, co2_t=co2 * 2, value_added_10k_yuan=100)
    services.compute_grades(region=regions["county"], year=YEAR, user=users["office"])
    sib = [sibling_enterprise] + [
        make_enterprise(regions["sibling"], f"平江县企业{i}", f"91430626MA4L00{i:02d}1X") for i in range(2, 4)
    ]
    for e, co2 in zip(sib, (70, 80, 90), strict=True):
        annual(e, YEAR, co2_t=co2, value_added_10k_yuan=100)
    services.compute_grades(region=regions["sibling"], year=YEAR, user=users["office_sibling"])
    services.publish_grades(region=regions["sibling"], year=YEAR, user=users["office_sibling"])
    draft_ranking = services.create_ranking(
        region=regions["county"], year=YEAR, base_year=2020, user=users["office"]
    )
    return {"approved": approved, "draft_ranking": draft_ranking, "sibling": sib}


def _crawl(client: Client, start: str) -> dict[str, str]:
    """Every /public/ page reachable by links from ``start``: url -> html."""
    seen: dict[str, str] = {}
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        seen[url] = html
        for href in re.findall(r'href="([^"]+)"', html):
            href = href.replace("&amp;", "&")
            if href.startswith("?"):
                href = url.split("?")[0] + href
            if href.startswith("/public/"):
                queue.append(href)
    return seen


def test_anonymous_crawl_shows_published_data_and_nothing_else(world, regions, county_enterprises):
    client = Client()
    pages = _crawl(client, reverse("public:disclosures"))
    everything = "\n".join(pages.values())
    # published: the approved disclosure, its facility, the sibling county's grades
    assert "55,555.00" in everything or "55555.00" in everything
    assert "设施55555" in everything
    assert reverse("public:enterprise", args=[county_enterprises[0].pk]) in pages
    assert (
        reverse("public:enterprise", args=[world["sibling"][0].pk]) not in pages
    )  # grades only, no link from list
    # never: drafts, submitted, returned disclosures, contact data, unpublished grades and rankings
    for marker in (
        "111111",
        "111,111",
        "222222",
        "222,222",
        "333333",
        "333,333",
        SECRET["contact"],
        "4444",
        "4,444",
    ):
        assert marker not in everything, marker
    assert "减排企业排名" not in everything
    # every enterprise and ranking id, requested directly
    for e in Enterprise.objects.all():
        r = client.get(reverse("public:enterprise", args=[e.pk]))
        html = r.content.decode()
        if e == county_enterprises[0]:
            assert r.status_code == 200
            assert "碳效等级" not in html  # the county did not publish its grades
        elif e.region_id == regions["sibling"].id:
            assert r.status_code == 200 and "碳效等级" in html  # published grades
        else:
            assert r.status_code == 404, e.name
        for marker in ("111111", "222222", "333333", SECRET["contact"]):
            assert marker not in html
    for ranking in ReductionRanking.objects.all():
        assert client.get(reverse("public:ranking", args=[ranking.pk])).status_code == 404


def test_publishing_the_ranking_puts_it_on_the_public_pages(world, users, county_enterprises):
    client = Client()
    ranking = world["draft_ranking"]
    services.publish_ranking(ranking=ranking, user=users["office"])
    pages = _crawl(client, reverse("public:disclosures"))
    assert reverse("public:ranking", args=[ranking.pk]) in pages
    html = pages[reverse("public:ranking", args=[ranking.pk])]
    assert county_enterprises[3].name in html
    # every ranked enterprise now has a public page (its ranking entry), still without secrets
    for e in county_enterprises:
        r = client.get(reverse("public:enterprise", args=[e.pk]))
        assert r.status_code == 200
        for marker in ("111111", "222222", "333333", SECRET["contact"]):
            assert marker not in r.content.decode()
    services.publish_ranking(ranking=ranking, user=users["office"], publish=False)
    assert client.get(reverse("public:ranking", args=[ranking.pk])).status_code == 404


def test_public_list_filters_by_county(world, regions):
    client = Client()
    html = client.get(reverse("public:disclosures") + f"?region={regions['sibling'].code}").content.decode()
    assert "暂无公开的企业碳排放信息" in html
    html = client.get(reverse("public:disclosures") + f"?region={regions['county'].code}").content.decode()
    assert world["approved"].enterprise.name in html
