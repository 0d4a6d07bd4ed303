"""The resident's phone view in real Chromium (mobile viewport): sign in with an SMS code,
consent, see bus trips a partner posted, redeem a reward with a code, withdraw consent."""

from __future__ import annotations

import datetime as dt

import pytest

from carbonpeak.credits import sms
from carbonpeak.credits.models import Methodology
from carbonpeak.credits.services import ingest, methodologies, rewards
from carbonpeak.engine.carbon_inclusive import BEIJING

PHONE = "13800000042"


@pytest.fixture
def county(transactional_db, settings):
    from carbonpeak.core.regions import ensure_region

    settings.CARBONPEAK_SMS_BACKEND = "carbonpeak.credits.sms.LocmemBackend"
    sms.LocmemBackend.outbox.clear()
    region = ensure_region("430621")
    bus = Methodology.objects.create(
        region=region, code="BUS", name="公交出行", activity_type="bus", unit="trip"
    )
    methodologies.add_version(
        methodology=bus,
        user=None,
        version="v1",
        valid_from=dt.datetime(2026, 1, 1, tzinfo=BEIJING),
        valid_to=None,
        reduction_kg_per_unit=0.080,
        reduction_source="CI_BUS_BJ_MIN",
        baseline_kg_per_unit=None,
        baseline_source="",
        project_kg_per_unit=None,
        project_source="",
        daily_cap_units=4,
        points_per_kg=1000,
    )
    rewards.save_reward(
        region=region,
        user=None,
        name="公交乘车券",
        provider="government",
        provider_name="县交通运输局",
        points_cost=100,
        stock=3,
        description="",
        active=True,
    )
    return region


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_resident_phone_flow(phone_page, live_server, county) -> None:
    page = phone_page
    base = f"{live_server.url}/credits/m/{county.code}/"
    page.goto(base)
    assert page.url.endswith("/login/")
    page.fill("#id_phone", PHONE)
    page.click("button[type=submit]")
    page.wait_for_selector("text=验证码已发送至 138****0042")
    code = sms.LocmemBackend.outbox[-1][1].split("验证码为 ")[1][:6]
    page.fill("#id_code", code)
    page.fill("#id_township", "荣家湾镇")
    page.fill("#id_community", "城东社区")
    assert "处理目的" in page.content()
    page.check("#id_consent")
    page.click("button[type=submit]")
    page.wait_for_selector("#balance")
    assert page.inner_text("#balance") == "0"
    assert _fits_the_screen(page)

    partner, _secret = ingest.create_partner(
        region=county, name="县公交公司", kind="bus", activity_types=["bus"], user=None
    )
    trips = [
        {
            "record_id": f"T{i}",
            "phone": PHONE,
            "activity_type": "bus",
            "start": f"2026-03-02T{8 + 3 * i:02d}:00:00+08:00",
            "end": f"2026-03-02T{8 + 3 * i:02d}:30:00+08:00",
            "quantity": 1,
        }
        for i in range(3)
    ]
    assert ingest.ingest(partner=partner, rows=trips).credited == 3
    page.reload()
    assert page.inner_text("#balance") == "240"
    assert page.inner_text("#reduction") == "0.24"
    assert page.locator("text=公交出行").count() >= 3
    assert _fits_the_screen(page)

    page.click("nav.tabs >> text=积分兑换")
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('兑换')")
    page.wait_for_selector("text=兑换成功")
    assert page.inner_text("#balance") == "140"
    assert page.locator("code").count() == 1 and len(page.inner_text("code").strip()) == 10
    assert _fits_the_screen(page)

    page.click("nav.tabs >> text=排行榜")
    page.click("text=累计")
    assert "荣家湾镇" in page.content()

    page.click('nav.tabs >> text="我的"')
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('撤回同意并注销')")
    page.wait_for_selector("text=已撤回同意")
    page.goto(base)
    assert page.url.endswith("/login/")
    assert page.errors == []  # type: ignore[attr-defined]
