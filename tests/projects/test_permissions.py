"""Permission matrix: roles × the projects URLs × own county / sibling county / parent city.

A project of the county 岳阳县 (430621); users of the county, of the sibling county 平江县
(430626) and of the parent city 岳阳市 (430600).
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD

READ_URLS = [
    "/projects/",
    "/projects/export.xlsx",
    "/projects/two-high/",
    "/projects/two-high/export.xlsx",
    "/projects/reviews/",
    "/projects/impact/",
    "/projects/impact.json",
]
OBJECT_READ = [
    "/projects/{p}/",
    "/projects/reviews/{r}/",
    "/projects/reviews/{r}/opinion.docx",
    "/projects/reviews/{r}/report/",
]
OBJECT_WRITE_GET = ["/projects/{p}/edit/", "/projects/{p}/delete/"]


@pytest.fixture
def setup(make_project, users, dataset):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from carbonpeak.projects import services

    p = make_project(industry_code="C3011")
    pdf = SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", content_type="application/pdf")
    r = services.submit_review(user=users.office, project=p, report_summary="要点", report_file=pdf)
    return p, r


def client_for(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


# who: expected status of (list pages, object pages, edit pages)
MATRIX = {
    "office": (200, 200, 200),
    "leader": (200, 200, 403),
    "department": (200, 200, 403),
    "enterprise": (403, 403, 403),
    "sibling": (200, 404, 404),
    "city": (200, 200, 403),
    "city_leader": (200, 200, 403),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_matrix(who, users, setup):
    p, r = setup
    c = client_for(getattr(users, who))
    expect_list, expect_obj, expect_edit = MATRIX[who]
    for url in READ_URLS:
        status = c.get(url).status_code
        expected = expect_list
        if url == "/projects/impact.json" and who == "sibling":
            expected = 400  # the sibling county has no accounting dataset: a Chinese JSON error
        assert status == expected, (who, url, status)
    for url in OBJECT_READ:
        assert c.get(url.format(p=p.pk, r=r.pk)).status_code == expect_obj, (who, url)
    for url in OBJECT_WRITE_GET:
        assert c.get(url.format(p=p.pk, r=r.pk)).status_code == expect_edit, (who, url)


@pytest.mark.parametrize("who", ["leader", "department", "city", "city_leader"])
def test_readers_cannot_write(who, users, setup):
    p, r = setup
    c = client_for(getattr(users, who))
    assert c.post(f"/projects/{p.pk}/disposition/", {"disposition": "禁止"}).status_code == 403
    assert (
        c.post(f"/projects/reviews/{r.pk}/decide/", {"decision": "approved", "note": "x"}).status_code == 403
    )
    assert c.post(f"/projects/reviews/{r.pk}/comment/", {"expert": "x", "text": "y"}).status_code == 403
    assert c.post(f"/projects/{p.pk}/delete/").status_code == 403
    p.refresh_from_db()
    assert p.disposition == "严控"


def test_sibling_county_sees_nothing_of_the_county(users, setup):
    p, _r = setup
    c = client_for(users.sibling)
    assert p.name not in c.get("/projects/").content.decode()
    assert p.name not in c.get("/projects/two-high/").content.decode()
    assert c.post(f"/projects/{p.pk}/disposition/", {"disposition": "禁止"}).status_code == 404


def test_city_sees_the_county_project(users, setup):
    p, _r = setup
    html = client_for(users.city).get("/projects/").content.decode()
    assert p.name in html


def test_anonymous_goes_to_login(setup):
    p, r = setup
    for url in READ_URLS + [u.format(p=p.pk, r=r.pk) for u in OBJECT_READ + OBJECT_WRITE_GET]:
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_office_can_write(users, setup):
    p, r = setup
    c = client_for(users.office)
    assert (
        c.post(f"/projects/{p.pk}/disposition/", {"disposition": "禁止", "note": "产能过剩"}).status_code
        == 302
    )
    p.refresh_from_db()
    assert p.disposition == "禁止"
    assert (
        c.post(
            f"/projects/reviews/{r.pk}/decide/", {"decision": "supplement", "note": "补充能效对标"}
        ).status_code
        == 302
    )
    r.refresh_from_db()
    assert r.status == "supplement"


def test_api_is_scoped_and_equals_the_page(users, setup):
    p, _r = setup
    county = client_for(users.office)
    rows = county.get("/api/projects/").json()
    assert [r["code"] for r in rows] == [p.code]
    assert county.get(f"/api/projects/{p.pk}").json()["figures"]["two_high"]["rule"]["code"] == "HEI_C30"
    api = county.get(f"/api/projects/impact?region=430621&p={p.pk}").json()
    page = county.get(f"/projects/impact.json?region=430621&p={p.pk}").json()
    assert api == page
    sibling = client_for(users.sibling)
    assert sibling.get("/api/projects/").json() == []
    assert sibling.get(f"/api/projects/{p.pk}").status_code == 404
    assert client_for(users.enterprise).get("/api/projects/").status_code == 403
    assert Client().get("/api/projects/").status_code == 401


def test_impact_settings_page(users, setup, regions):
    from carbonpeak.projects.models import ImpactSettings

    office = client_for(users.office)
    assert office.get("/projects/impact/settings/").status_code == 200
    data = {
        "gdp_growth_pct": "5",
        "gdp_growth_source": "",
        "baseline_energy_growth_pct": "",
        "baseline_energy_growth_source": "",
        "end_year": "2030",
        "t-TOTAL_FORMS": "4",
        "t-INITIAL_FORMS": "0",
        "t-MIN_NUM_FORMS": "4",
        "t-MAX_NUM_FORMS": "10",
        "t-0-indicator": "energy_intensity",
        "t-0-base_year": "2025",
        "t-0-target_year": "2030",
        "t-0-decline_pct": "13.5",
        "t-0-source": "示例：市下达目标",
    }
    response = office.post("/projects/impact/settings/", data)
    assert response.status_code == 400 and "GDP 增速的来源" in response.content.decode()
    assert not ImpactSettings.objects.exists()
    data["gdp_growth_source"] = "示例：政府工作报告"
    assert office.post("/projects/impact/settings/", data).status_code == 302
    s = ImpactSettings.objects.get(region=regions.county)
    assert s.gdp_growth_pct == 5 and s.extra_targets[0]["decline_pct"] == 13.5
    # the impact page now reaches 2030 and judges the 2030 target
    html = office.get("/projects/impact/?region=430621").content.decode()
    assert "2030 年目标" in html
    for who in ("leader", "department", "city", "enterprise"):
        assert client_for(getattr(users, who)).post("/projects/impact/settings/", data).status_code == 403
    # the sibling county's office sets its own county's parameters, never the county's
    assert client_for(users.sibling).post("/projects/impact/settings/", data).status_code == 302
    assert ImpactSettings.objects.get(region=regions.county).gdp_growth_pct == 5
    assert ImpactSettings.objects.filter(region=regions.sibling).count() == 1
