"""Permission matrix: roles × pages × own county / sibling county / parent city."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carbonpeak.evaluation import services
from carbonpeak.evaluation.models import CarbonEfficiencyGrade, Disclosure, MuClassification
from tests.evaluation.conftest import annual, make_enterprise

YEAR = 2024
OK, DENIED, LOGIN = "ok", "denied", "login"

LIST_PAGES = [
    "evaluation:index",
    "evaluation:parks",
    "evaluation:rankings",
    "evaluation:disclosures",
    "evaluation:green",
    "evaluation:export",
    "evaluation:disclosures_export",
    "evaluation:bulletin",
    "evaluation:green_export",
]


@pytest.fixture
def data(regions, users, county_enterprises, sibling_enterprise):
    sib = [sibling_enterprise] + [
        make_enterprise(regions["sibling"], f"平江县企业{i}", f"91430626MA4L00{i:02d}1X") for i in range(2, 4)
    ]
    for e, co2 in zip(county_enterprises, (100, 200, 300, 400), strict=True):
        annual(
            e,
            2020,
            co2_t=co2 * 2,
            value_added_10k_yuan=100,
            land_area_mu=10,
            tax_10k_yuan=1,
            energy_tce_equal_value=5,
            employees=5,
            rd_10k_yuan=1,
            revenue_10k_yuan=10,
        )
        annual(
            e,
            YEAR,
            co2_t=co2,
            value_added_10k_yuan=100,
            land_area_mu=10,
            tax_10k_yuan=1,
            energy_tce_equal_value=5,
            employees=5,
            rd_10k_yuan=1,
            revenue_10k_yuan=10,
        )
    for e in sib:
        annual(e, 2020, co2_t=50, value_added_10k_yuan=100)
        annual(e, YEAR, co2_t=40, value_added_10k_yuan=100)
    out = {}
    for key, region, office, ents in (
        ("county", regions["county"], users["office"], county_enterprises),
        ("sibling", regions["sibling"], users["office_sibling"], sib),
    ):
        services.compute_grades(region=region, year=YEAR, user=office)
        ranking = services.create_ranking(region=region, year=YEAR, base_year=2020, user=office)
        d = Disclosure.objects.create(
            enterprise=ents[0], year=YEAR, status=Disclosure.Status.SUBMITTED, co2_t=1
        )
        out[key] = {
            "grade": CarbonEfficiencyGrade.objects.filter(enterprise=ents[0]).first(),
            "ranking": ranking,
            "disclosure": d,
            "annual": ents[0],
        }
    services.compute_mu(
        region=regions["county"], year=YEAR, user=users["office"], preset_code="HUANGYAN_2022"
    )
    out["county"]["mu"] = MuClassification.objects.filter(enterprise=county_enterprises[0]).first()
    return out


def _outcome(response) -> str:
    if response.status_code in (301, 302) and "login" in response["Location"]:
        return LOGIN
    if response.status_code in (403, 404):
        return DENIED
    assert response.status_code in (200, 302), response.status_code
    return OK


# who may open the county's list pages (?region=<county>)
LIST_MATRIX = {
    None: LOGIN,
    "office": OK,
    "office_city": OK,
    "leader": OK,
    "office_sibling": DENIED,
    "department": DENIED,
    "enterprise": DENIED,
}


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("who", list(LIST_MATRIX))
def test_list_pages(data, regions, users, client_for, name, who):
    client = client_for(users[who] if who else None)
    response = client.get(reverse(name) + f"?region={regions['county'].code}&year={YEAR}")
    assert _outcome(response) == LIST_MATRIX[who]


OBJECT_PAGES = {
    "evaluation:grade": "grade",
    "evaluation:ranking": "ranking",
    "evaluation:ranking_export": "ranking",
    "evaluation:disclosure": "disclosure",
}


@pytest.mark.parametrize("name", list(OBJECT_PAGES))
@pytest.mark.parametrize(
    ("who", "county_expected", "sibling_expected"),
    [
        (None, LOGIN, LOGIN),
        ("office", OK, DENIED),
        ("office_city", OK, OK),
        ("leader", OK, DENIED),
        ("office_sibling", DENIED, OK),
        ("department", DENIED, DENIED),
    ],
)
def test_object_pages(data, users, client_for, name, who, county_expected, sibling_expected):
    client = client_for(users[who] if who else None)
    key = OBJECT_PAGES[name]
    for region, expected in (("county", county_expected), ("sibling", sibling_expected)):
        response = client.get(reverse(name, args=[data[region][key].pk]))
        assert _outcome(response) == expected, (region, response.status_code)


def test_enterprise_user_sees_only_its_own_disclosure(data, users, client_for):
    own = client_for(users["enterprise"])
    other = client_for(users["enterprise_other"])
    sibling = client_for(users["enterprise_sibling"])
    d = data["county"]["disclosure"]
    assert own.get(reverse("evaluation:disclosure", args=[d.pk])).status_code == 200
    assert other.get(reverse("evaluation:disclosure", args=[d.pk])).status_code == 404
    assert sibling.get(reverse("evaluation:disclosure", args=[d.pk])).status_code == 404
    # a submitted disclosure cannot be edited, and no one else may edit it
    assert own.get(reverse("evaluation:disclosure_edit", args=[d.pk])).status_code == 302
    assert other.get(reverse("evaluation:disclosure_edit", args=[d.pk])).status_code == 404
    assert (
        client_for(users["office"]).get(reverse("evaluation:disclosure_edit", args=[d.pk])).status_code == 403
    )
    assert own.get(reverse("evaluation:my_disclosures")).status_code == 200
    assert client_for(users["office"]).get(reverse("evaluation:my_disclosures")).status_code == 403
    # its own grade (with the rule that produced it), not another enterprise's, and no ranking
    grade = data["county"]["grade"]
    assert own.get(reverse("evaluation:grade", args=[grade.pk])).status_code == 200
    assert other.get(reverse("evaluation:grade", args=[grade.pk])).status_code == 404
    ranking = data["county"]["ranking"]
    assert own.get(reverse("evaluation:ranking", args=[ranking.pk])).status_code in (403, 404)


POSTS = [
    ("evaluation:compute_grades", {"preset": "ZJ_METHOD"}),
    ("evaluation:compute_mu", {"preset": "HUANGYAN_2022"}),
    ("evaluation:publish_grades", {"publish": "1"}),
    ("evaluation:ranking_create", {"base_year": "2020"}),
]


@pytest.mark.parametrize(("name", "payload"), POSTS)
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("office", True),
        ("office_city", False),
        ("office_sibling", False),
        ("leader", False),
        ("department", False),
        ("enterprise", False),
    ],
)
def test_actions(data, regions, users, client_for, name, payload, who, allowed):
    client = client_for(users[who])
    before = CarbonEfficiencyGrade.objects.filter(enterprise__region=regions["county"]).values_list(
        "computed_at", flat=True
    )
    before = sorted(before)
    response = client.post(reverse(name), {"region": regions["county"].code, "year": str(YEAR), **payload})
    if allowed:
        assert response.status_code == 302 and "login" not in response["Location"]
    else:
        assert response.status_code in (403, 404)
        after = sorted(
            CarbonEfficiencyGrade.objects.filter(enterprise__region=regions["county"]).values_list(
                "computed_at", flat=True
            )
        )
        assert after == before


def test_review_only_by_the_county_office(data, users, client_for):
    d = data["county"]["disclosure"]
    url = reverse("evaluation:disclosure", args=[d.pk])
    for who in ("leader", "office_sibling", "enterprise"):
        assert client_for(users[who]).post(url, {"decision": "approve"}).status_code in (403, 404)
    d.refresh_from_db()
    assert d.status == Disclosure.Status.SUBMITTED
    assert client_for(users["office"]).post(url, {"decision": "approve"}).status_code == 302
    d.refresh_from_db()
    assert d.status == Disclosure.Status.APPROVED


def test_ranking_publish_only_by_its_office(data, users, client_for):
    ranking = data["county"]["ranking"]
    url = reverse("evaluation:ranking_update", args=[ranking.pk])
    for who in ("leader", "office_sibling", "enterprise", "department"):
        assert client_for(users[who]).post(url, {"action": "publish"}).status_code in (403, 404)
    ranking.refresh_from_db()
    assert ranking.status == "draft"
    client_for(users["office"]).post(url, {"action": "publish"})
    ranking.refresh_from_db()
    assert ranking.status == "published"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, LOGIN),
        ("office", OK),
        ("office_city", DENIED),
        ("office_sibling", DENIED),
        ("leader", DENIED),
        ("department", DENIED),
        ("enterprise", DENIED),
    ],
)
def test_local_preset_page(data, regions, users, client_for, who, expected):
    client = client_for(users[who] if who else None)
    response = client.get(reverse("evaluation:mu_preset_new") + f"?region={regions['county'].code}")
    assert _outcome(response) == expected
