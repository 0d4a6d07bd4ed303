"""Regions: role × endpoint × region.

One installation serves 岳阳市 with two counties, 岳阳县 (A) and 华容县 (B). Every
object of county B carries the marker ``BMARK``. County A's users (office, leader,
department, enterprise) must not see or change anything of B by any page, export or
API call; the city's office and leader read B and act on it only where a city does
(issue a supervision notice, return a submitted report, allocate a target).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from carbonpeak.accounting.models import Dataset
from carbonpeak.core.regions import ensure_region
from carbonpeak.core.roles import Role
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.indicators.models import Indicator, Observation, TargetAllocation
from carbonpeak.monitoring.models import Alarm, Meter
from carbonpeak.plans.models import Action, Assignment, Department, Plan, Target, Task
from carbonpeak.scenarios.models import Scenario
from carbonpeak.supervision.models import ProgressReport, ReportingPeriod, SupervisionNotice

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db
MARK = "BMARK"


def _county(code: str, tag: str, uscc: str) -> dict:
    region = ensure_region(code)
    dept = Department.objects.create(region=region, name=f"县发展和改革局{tag}")
    plan = Plan.objects.create(region=region, title=f"碳达峰实施方案{tag}", issued_on=dt.date(2024, 1, 1))
    action = Action.objects.create(plan=plan, number=1, title=f"能源行动{tag}")
    task = Task.objects.create(action=action, code="1.1", number=1, title=f"发展新能源{tag}", text="……")
    Assignment.objects.create(task=task, department=dept, role=Assignment.Role.LEAD)
    target = Target.objects.create(
        plan=plan,
        task=task,
        indicator=f"新能源装机{tag}",
        value=Decimal(10),
        value_text="10",
        comparator=">=",
        year=2025,
        quote="…",
        responsible=dept,
    )
    indicator = Indicator.objects.create(
        region=region,
        plan=plan,
        target=target,
        name=f"新能源装机{tag}",
        comparator=">=",
        baseline_year=2020,
        target_year=2025,
        target_value=Decimal(10),
        responsible=dept,
        kind=Indicator.Kind.MANUAL,
    )
    Observation.objects.create(
        indicator=indicator, year=2023, value=Decimal(5), state=Observation.State.APPROVED
    )
    enterprise = Enterprise.objects.create(region=region, name=f"示例企业{tag}", uscc=uscc)
    meter = Meter.objects.create(
        enterprise=enterprise, code=f"M{tag}", name=f"总表{tag}", carrier="电力", unit="kWh"
    )
    Alarm.objects.create(
        key=f"alarm-{tag}", enterprise=enterprise, meter=meter, kind="gap", message=f"中断{tag}"
    )
    dataset = Dataset.objects.create(region=region, name=f"统计数据{tag}")
    scenario = Scenario.objects.create(region=region, name=f"政策情景{tag}", kind=Scenario.Kind.POLICY)
    period = ReportingPeriod.objects.create(
        plan=plan,
        label=f"2026年第4季度{tag}",
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 12, 31),
        deadline=dt.date(2027, 1, 10),
    )
    report = ProgressReport.objects.create(
        task=task, period=period, department=dept, state="submitted", narrative=f"进展{tag}"
    )
    notice = SupervisionNotice.objects.create(
        region=region,
        number=f"督办〔2026〕1号{tag}",
        department=dept,
        task=task,
        title=f"督办{tag}",
        body="…",
        answer_due=dt.date(2027, 1, 1),
    )
    return dict(
        region=region,
        dept=dept,
        plan=plan,
        task=task,
        indicator=indicator,
        enterprise=enterprise,
        meter=meter,
        dataset=dataset,
        scenario=scenario,
        report=report,
        notice=notice,
    )


@pytest.fixture
def world(make_user):
    city = ensure_region("430600")
    a = _county("430621", "甲县", "91430621MA4L0000XX")
    b = _county("430623", MARK, "91430623MA4L0001XX")
    users = {
        "a_office": make_user("a_office", Role.OFFICE, region=a["region"]),
        "a_leader": make_user("a_leader", Role.LEADER, region=a["region"]),
        "a_dept": make_user("a_dept", Role.DEPARTMENT, region=a["region"], department=a["dept"]),
        "a_ent": make_user("a_ent", Role.ENTERPRISE, region=a["region"], enterprise=a["enterprise"]),
        "a_super": make_user("a_super", Role.OFFICE, region=a["region"], is_superuser=True, is_staff=True),
        "city_office": make_user("city_office", Role.OFFICE, region=city),
        "city_leader": make_user("city_leader", Role.LEADER, region=city),
        "b_dept": make_user("b_dept", Role.DEPARTMENT, region=b["region"], department=b["dept"]),
    }
    return dict(city=city, a=a, b=b, users=users)


def _client(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _b_detail_urls(b: dict) -> list[str]:
    return [
        reverse("plans:task_detail", args=[b["task"].pk]),
        reverse("plans:department_detail", args=[b["dept"].pk]),
        reverse("indicators:detail", args=[b["indicator"].pk]),
        reverse("indicators:edit", args=[b["indicator"].pk]),
        reverse("enterprises:detail", args=[b["enterprise"].pk]),
        reverse("monitoring:meter", args=[b["meter"].pk]),
        reverse("monitoring:meters", args=[b["enterprise"].pk]),
        reverse("accounting:dataset", args=[b["dataset"].pk]),
        reverse("scenarios:detail", args=[b["scenario"].pk]),
        reverse("supervision:task_detail", args=[b["task"].pk]),
        reverse("supervision:report_detail", args=[b["report"].pk]),
        reverse("supervision:notice_detail", args=[b["notice"].pk]),
        f"/api/indicators/{b['indicator'].pk}/observations",
        f"/api/accounting/datasets/{b['dataset'].pk}",
        f"/api/scenarios/{b['scenario'].pk}",
        f"/api/supervision/reports/{b['report'].pk}",
    ]


LIST_URLS = (
    "/plans/",
    "/plans/ledger/",
    "/plans/departments/",
    "/plans/targets/",
    "/indicators/",
    "/indicators/export.xlsx",
    "/dashboard/",
    "/enterprises/",
    "/enterprises/export.xlsx",
    "/monitoring/alarms/",
    "/monitoring/alarms.xlsx",
    "/accounting/",
    "/scenarios/",
    "/supervision/",
    "/supervision/notices/",
    "/supervision/assessment/",
    "/api/indicators/",
    "/api/accounting/datasets",
    "/api/scenarios/",
    "/api/supervision/tasks",
)


@pytest.mark.parametrize("who", ["a_office", "a_leader", "a_dept", "a_ent", "a_super"])
def test_county_user_sees_nothing_of_the_sibling_county(world, who):
    client = _client(world["users"][who])
    for url in _b_detail_urls(world["b"]):
        r = client.get(url)
        assert r.status_code in (403, 404), f"{who} {url} -> {r.status_code}"
        assert MARK not in r.content.decode("utf-8", "ignore"), f"{who} {url} leaks"
    for url in LIST_URLS:
        r = client.get(url)
        body = r.content
        if url.endswith(".xlsx") and r.status_code == 200:
            body = _xlsx_text(body).encode()
        assert MARK.encode() not in body, f"{who} {url} leaks the sibling county"


def _xlsx_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )


@pytest.mark.parametrize("who", ["a_office", "a_dept", "a_super"])
def test_county_user_cannot_change_the_sibling_county(world, who):
    client = _client(world["users"][who])
    b = world["b"]
    posts = [
        (reverse("indicators:edit", args=[b["indicator"].pk]), {"name": "改"}),
        (reverse("indicators:observation_new", args=[b["indicator"].pk]), {"year": 2024, "value": "9"}),
        (reverse("plans:department_detail", args=[b["dept"].pk]), {"alias": "改名"}),
        (reverse("supervision:report_review", args=[b["report"].pk]), {"decision": "return", "comment": "x"}),
        (reverse("supervision:report_review", args=[b["report"].pk]), {"decision": "approve"}),
        (
            reverse("monitoring:alarm_close", args=[Alarm.objects.get(enterprise=b["enterprise"]).pk]),
            {"note": "x"},
        ),
        (reverse("accounting:delete", args=[b["dataset"].pk]), {}),
        (reverse("enterprises:edit", args=[b["enterprise"].pk]), {"name": "改"}),
    ]
    for url, data in posts:
        r = client.post(url, data)
        assert r.status_code in (403, 404), f"{who} POST {url} -> {r.status_code}"
    b["report"].refresh_from_db()
    assert b["report"].state == "submitted"
    assert Dataset.objects.filter(pk=b["dataset"].pk).exists()
    assert Indicator.objects.get(pk=b["indicator"].pk).name.endswith(MARK)
    assert not b["indicator"].observations.filter(year=2024).exists()


def test_county_user_cannot_switch_to_the_sibling_county(world):
    client = _client(world["users"]["a_office"])
    assert client.post("/regions/switch/", {"code": "430623"}).status_code == 404
    assert client.post("/regions/switch/", {"code": "430600"}).status_code == 404  # nor up to the city
    assert MARK not in client.get("/plans/").content.decode()


@pytest.mark.parametrize("who", ["city_office", "city_leader"])
def test_city_reads_every_county(world, who):
    client = _client(world["users"][who])
    for url in _b_detail_urls(world["b"])[:3] + [
        reverse("supervision:report_detail", args=[world["b"]["report"].pk])
    ]:
        if "/edit/" in url:
            continue
        r = client.get(url)
        assert r.status_code == 200, f"{who} {url} -> {r.status_code}"
    client.post("/regions/switch/", {"code": "430623"})
    assert MARK in client.get("/plans/ledger/").content.decode()
    assert MARK in client.get("/dashboard/").content.decode() or client.get("/dashboard/").status_code == 200
    city = client.get("/dashboard/city/")
    assert city.status_code == 200 and "华容县" in city.content.decode() and "岳阳县" in city.content.decode()


def test_city_office_changes_only_what_a_city_does(world, django_capture_on_commit_callbacks):
    client = _client(world["users"]["city_office"])
    b = world["b"]
    client.post("/regions/switch/", {"code": "430623"})
    # read-only on county data
    assert (
        client.post(reverse("indicators:edit", args=[b["indicator"].pk]), {"name": "改"}).status_code == 403
    )
    assert (
        client.post(
            reverse("supervision:report_review", args=[b["report"].pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    assert client.post(reverse("accounting:delete", args=[b["dataset"].pk])).status_code == 403
    # ... but returns a county's submitted report
    r = client.post(
        reverse("supervision:report_review", args=[b["report"].pk]),
        {"decision": "return", "comment": "请补充。"},
    )
    assert r.status_code == 302
    b["report"].refresh_from_db()
    assert b["report"].state == "returned"
    # ... and issues a supervision notice to a county department
    r = client.post(
        reverse("supervision:notice_create"),
        {"department": b["dept"].pk, "title": "市督办", "body": "请说明。", "answer_due": "2099-01-01"},
    )
    assert r.status_code == 302
    notice = SupervisionNotice.objects.get(title="市督办")
    assert notice.region == b["region"] and notice.issued_by_region == world["city"]
    # ... and allocates a target to the county, which the county's indicator shows
    client.post("/regions/switch/", {"code": "430600"})
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            reverse("indicators:allocations"),
            {
                "region": "430623",
                "key": TargetAllocation.Key.ENERGY_INTENSITY_DECLINE,
                "value": "14.5",
                "baseline_year": "2020",
                "target_year": "2025",
                "document": "岳政发〔2023〕3号",
            },
        )
    assert r.status_code == 302, r.content.decode()[:500]
    county_indicator = Indicator.objects.in_region(b["region"]).get(
        computed_key="energy_intensity_decline_cumulative_pct"
    )
    assert county_indicator.target_value == Decimal("14.5") and county_indicator.target_source == "city"
    page = _client(world["users"]["b_dept"]).get(reverse("indicators:detail", args=[county_indicator.pk]))
    assert "市下达" in page.content.decode() and "岳政发〔2023〕3号" in page.content.decode()


def test_county_office_cannot_allocate(world):
    client = _client(world["users"]["a_office"])
    assert client.get(reverse("indicators:allocations")).status_code == 403
    assert client.get("/dashboard/city/").status_code == 403


def test_admin_lists_are_scoped_even_for_a_superuser(world):
    """The back office shows a superuser of county A only county A's rows."""
    client = _client(world["users"]["a_super"])
    for url in (
        "/admin/plans/plan/",
        "/admin/plans/department/",
        "/admin/enterprises/enterprise/",
        "/admin/indicators/indicator/",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
        assert MARK not in r.content.decode(), f"{url} leaks the sibling county"
    b = world["b"]
    assert client.get(f"/admin/plans/plan/{b['plan'].pk}/change/").status_code in (302, 404)


def test_audit_log_page_shows_only_the_offices_regions(world):
    from carbonpeak.core import audit

    audit.record(
        user=world["users"]["b_dept"], action="update", instance=world["b"]["plan"], note=f"改动{MARK}"
    )
    audit.record(
        user=world["users"]["a_office"], action="update", instance=world["a"]["plan"], note="改动甲县"
    )
    a_page = _client(world["users"]["a_office"]).get(reverse("supervision:audit")).content.decode()
    assert "改动甲县" in a_page and MARK not in a_page
    city = _client(world["users"]["city_office"])
    city.post("/regions/switch/", {"code": "430600"})
    city_page = city.get(reverse("supervision:audit")).content.decode()
    assert "改动甲县" in city_page and MARK in city_page  # the city reads its counties' entries
