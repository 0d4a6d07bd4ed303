"""The public disclosure pages in real Chromium: an anonymous visitor reads the county's list,
opens an enterprise and sees its approved disclosure — and nothing that was not published."""

from __future__ import annotations

import pytest

from carbonpeak.core.regions import ensure_region
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.evaluation.models import Disclosure


@pytest.fixture
def published(transactional_db):
    county = ensure_region("430621")
    shown = Enterprise.objects.create(
        region=county, name="浏览器测试水泥有限公司", uscc="91430621MA4L00001X", contact_phone="13900001111"
    )
    hidden = Enterprise.objects.create(region=county, name="尚未审核化工有限公司", uscc="91430621MA4L00002X")
    approved = Disclosure.objects.create(
        enterprise=shown,
        year=2024,
        status=Disclosure.Status.APPROVED,
        co2_t=80500,
        prior_year_co2_t=83000,
        accounting_method=Disclosure.Method.CALCULATION,
        accounting_standard="GB/T 32150-2015",
    )
    approved.facilities.create(name="熟料生产线回转窑", facility_type="工业窑炉", fuel="原煤", co2_t=78200)
    Disclosure.objects.create(enterprise=shown, year=2025, status=Disclosure.Status.DRAFT, co2_t=123456)
    Disclosure.objects.create(enterprise=hidden, year=2024, status=Disclosure.Status.SUBMITTED, co2_t=654321)
    return {"county": county, "shown": shown, "hidden": hidden}


def test_anonymous_visitor_reads_published_disclosures(page, live_server, published):
    page.goto(f"{live_server.url}/public/disclosures/?region=430621")
    assert page.locator("h1").inner_text() == "岳阳县企业碳排放信息披露"
    rows = page.locator("#disclosures tbody tr")
    assert rows.count() == 1
    assert "浏览器测试水泥有限公司" in rows.first.inner_text()
    assert "80500.00" in rows.first.inner_text()
    body = page.locator("body").inner_text()
    assert "尚未审核化工有限公司" not in body and "654321" not in body
    page.click("text=浏览器测试水泥有限公司")
    page.wait_for_load_state("networkidle")
    text = page.locator("body").inner_text()
    assert "2024年度碳排放信息" in text
    assert "熟料生产线回转窑" in text and "78200" in text.replace(",", "")
    assert "核算法" in text
    assert "123456" not in text  # the 2025 draft
    assert "13900001111" not in text  # contact data is never public
    assert "登录" not in text  # a public page, no login prompt
    assert page.console_errors == []  # type: ignore[attr-defined]
    # an enterprise without anything published is not found
    response = page.goto(f"{live_server.url}/public/enterprises/{published['hidden'].pk}/")
    assert response is not None and response.status == 404
