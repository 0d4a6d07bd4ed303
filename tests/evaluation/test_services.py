"""Use cases: grades from annual data, monitoring prefill, publication, ranking, disclosure, reminders,
green-finance list, Word bulletin."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from numpy.testing import assert_allclose

from carbonpeak.core.errors import UserError
from carbonpeak.evaluation import services
from carbonpeak.evaluation.models import (
    AnnualData,
    CarbonEfficiencyGrade,
    Disclosure,
    DisclosureFacility,
    MuClassification,
    ReductionRanking,
)
from tests.evaluation.conftest import annual, make_enterprise

YEAR = 2024


@pytest.fixture
def graded(regions, county_enterprises, sibling_enterprise, users):
    # C30 in the county: L = 0.6, 1.0, 1.8 and 2.6 on VA 100 → mean 6.0/4 = 1.5
    for e, co2 in zip(county_enterprises, (60, 100, 180, 260), strict=True):
        annual(e, YEAR, co2_t=co2, value_added_10k_yuan=100, land_area_mu=100, tax_10k_yuan=co2 / 10)
    # the sibling county's enterprise must not enter the county's mean
    annual(sibling_enterprise, YEAR, co2_t=10_000, value_added_10k_yuan=1)
    return services.compute_grades(region=regions["county"], year=YEAR, user=users["office"])


def test_grades_from_annual_data(graded, county_enterprises):
    grades = {g.enterprise_id: g for g in graded}
    assert len(grades) == 4
    first = grades[county_enterprises[0].pk]
    assert_allclose(first.industry_mean_t_per_10k_yuan, 1.5)
    assert_allclose([grades[e.pk].k for e in county_enterprises], [0.4, 2 / 3, 1.2, 2.6 / 1.5])
    assert [grades[e.pk].grade for e in county_enterprises] == [1, 2, 3, 4]
    assert [grades[e.pk].level for e in county_enterprises] == ["低碳", "中碳", "中碳", "高碳"]
    assert first.preset_code == "ZJ_METHOD"
    assert first.preset["grade_upper_k"] == [0.6, 0.8, 1.2, 2.0]
    assert "yzwku" in first.preset["sources"]["grade_upper_k"]["source"]


def test_recomputing_replaces_and_custom_bands_need_a_source(graded, regions, users):
    with pytest.raises(UserError, match="来源"):
        services.carbon_efficiency_preset(grade_upper_k=[0.5, 0.9, 1.1, 1.3])
    preset = services.carbon_efficiency_preset(grade_upper_k=[0.5, 0.9, 1.1, 1.3], source="某县2025年文件")
    services.compute_grades(region=regions["county"], year=YEAR, user=users["office"], preset=preset)
    grades = CarbonEfficiencyGrade.objects.filter(enterprise__region=regions["county"], year=YEAR)
    assert grades.count() == 4
    assert sorted(g.grade for g in grades) == [1, 2, 4, 5]
    assert all(g.preset["sources"]["grade_upper_k"]["source"] == "某县2025年文件" for g in grades)


def test_no_data_is_a_user_error(regions, users):
    with pytest.raises(UserError):
        services.compute_grades(region=regions["county"], year=1999, user=users["office"])


def test_mu_classes_and_parks(graded, regions, users, county_enterprises):
    for row in AnnualData.objects.filter(enterprise__in=county_enterprises):
        row.energy_tce_equal_value = 50
        row.employees = 10
        row.rd_10k_yuan = 1
        row.revenue_10k_yuan = 100
        row.save()
    services.compute_mu(
        region=regions["county"], year=YEAR, user=users["office"], preset_code="HUANGYAN_2022"
    )
    classes = {c.enterprise_id: c for c in MuClassification.objects.filter(year=YEAR)}
    # tax grows with CO2 in this fixture: the most emitting enterprise scores best
    assert classes[county_enterprises[3].pk].rank == 1
    assert classes[county_enterprises[3].pk].mu_class == "A"
    assert classes[county_enterprises[0].pk].mu_class == "D"
    assert classes[county_enterprises[0].pk].preset_code == "HUANGYAN_2022"
    parks = services.park_comparison(rows=services.annual_rows(region=regions["county"], year=YEAR))
    assert len(parks) == 1
    assert_allclose(parks[0].co2_per_mu_t, 600 / 400)


def test_monitoring_prefill_and_difference_flag(county_enterprises, users, monkeypatch):
    values = services.MonitoredValues(energy_tce=1000.0, co2_t=2500.0, note="在线监测计量值（12个月）")
    monkeypatch.setattr(services, "monitored_values", lambda **kw: values)
    row = AnnualData(enterprise=county_enterprises[0], year=YEAR, co2_t=2700.0)
    services.save_annual_data(row=row, user=users["office"])
    row.refresh_from_db()
    assert row.energy_tce_equivalent == 1000.0
    assert row.prefilled == "综合能耗(当量值)"
    assert "二氧化碳排放量填报 2,700.00，监测 2,500.00，相差 8.0%" in row.difference_note
    assert row.land_area_mu == 100.0  # from the register
    row.co2_t = 2550.0  # 2 %: within the 5 % threshold
    services.save_annual_data(row=row, user=users["office"])
    row.refresh_from_db()
    assert row.difference_note == ""


def test_grade_publication(graded, regions, users, county_enterprises):
    e = county_enterprises[0]
    assert services.public_grades(enterprise=e) == []
    assert not services.enterprise_is_public(e)
    services.publish_grades(region=regions["county"], year=YEAR, user=users["office"])
    assert [g.year for g in services.public_grades(enterprise=e)] == [YEAR]
    assert services.enterprise_is_public(e)
    with pytest.raises(UserError, match="先撤回公开"):
        services.compute_grades(region=regions["county"], year=YEAR, user=users["office"])
    services.publish_grades(region=regions["county"], year=YEAR, user=users["office"], publish=False)
    assert services.public_grades(enterprise=e) == []
    services.compute_grades(region=regions["county"], year=YEAR, user=users["office"])
    with pytest.raises(UserError):
        services.publish_grades(region=regions["county"], year=1999, user=users["office"])


def test_ranking_draft_then_published(regions, users, county_enterprises):
    a, b, c, d = county_enterprises
    annual(a, 2020, co2_t=1000, value_added_10k_yuan=1000)
    annual(a, YEAR, co2_t=800, value_added_10k_yuan=1250)
    annual(b, 2020, co2_t=500, value_added_10k_yuan=100)
    annual(b, YEAR, co2_t=450, value_added_10k_yuan=100)
    annual(c, YEAR, co2_t=10, value_added_10k_yuan=10)
    ranking = services.create_ranking(
        region=regions["county"], year=YEAR, base_year=2020, user=users["office"]
    )
    entries = {e.enterprise_id: e for e in ranking.entries.all()}
    assert ranking.status == ReductionRanking.Status.DRAFT
    assert_allclose(entries[a.pk].decline_t, 200)
    assert_allclose(entries[a.pk].intensity_decline_pct, 36.0)
    assert (entries[a.pk].rank_absolute, entries[b.pk].rank_absolute) == (1, 2)
    assert entries[c.pk].rank_absolute is None and "缺少" in entries[c.pk].reason
    assert d.pk not in entries
    assert not services.public_rankings().exists()
    services.set_advanced(ranking=ranking, entry_ids=[entries[a.pk].pk], user=users["office"])
    services.publish_ranking(ranking=ranking, user=users["office"])
    assert list(services.public_rankings()) == [ranking]
    with pytest.raises(UserError, match="已公布"):
        services.set_advanced(ranking=ranking, entry_ids=[], user=users["office"])
    with pytest.raises(UserError, match="撤回"):
        services.create_ranking(region=regions["county"], year=YEAR, base_year=2020, user=users["office"])
    with pytest.raises(UserError, match="基准年"):
        services.create_ranking(region=regions["county"], year=2020, base_year=2020, user=users["office"])


def _filled(enterprise, user, year=YEAR):
    d = services.start_disclosure(enterprise=enterprise, year=year, user=user)
    d.accounting_method = Disclosure.Method.CALCULATION
    d.co2_t = d.co2_t if d.co2_t is not None else 1234.5
    d.prior_year_co2_t = 1300.0
    services.save_disclosure(
        disclosure=d, facilities=[{"name": "1号锅炉", "facility_type": "燃煤锅炉", "co2_t": 1000}], user=user
    )
    return d


def test_disclosure_workflow_notifies_office_and_enterprise(regions, users, county_enterprises, mailoutbox):
    e = county_enterprises[0]
    annual(e, YEAR, co2_t=4321.0, value_added_10k_yuan=100)
    annual(e, YEAR - 1, co2_t=4400.0, value_added_10k_yuan=100)
    draft = services.start_disclosure(enterprise=e, year=YEAR, user=users["enterprise"])
    assert (draft.co2_t, draft.prior_year_co2_t) == (4321.0, 4400.0)
    with pytest.raises(UserError, match="核算方法"):
        services.submit_disclosure(disclosure=draft, user=users["enterprise"])
    d = _filled(e, users["enterprise"])
    services.submit_disclosure(disclosure=d, user=users["enterprise"])
    assert d.status == Disclosure.Status.SUBMITTED
    with pytest.raises(UserError):
        services.save_disclosure(disclosure=d, facilities=[], user=users["enterprise"])
    with pytest.raises(UserError, match="审核意见"):
        services.review_disclosure(disclosure=d, user=users["office"], approve=False)
    services.review_disclosure(disclosure=d, user=users["office"], approve=False, comment="请补充设施燃料")
    assert d.status == Disclosure.Status.RETURNED and d.editable
    assert not services.public_disclosures().exists()
    services.submit_disclosure(disclosure=d, user=users["enterprise"])
    services.review_disclosure(disclosure=d, user=users["office"], approve=True)
    assert list(services.public_disclosures()) == [d]
    assert services.enterprise_is_public(e)


def test_reminders_before_and_after_the_deadline(regions, users, county_enterprises):
    from carbonpeak.core.models import Notification

    e0, e1 = county_enterprises[0], county_enterprises[1]
    d = _filled(e1, users["enterprise_other"], year=YEAR)
    services.submit_disclosure(disclosure=d, user=users["enterprise_other"])
    assert services.disclosure_deadline(YEAR) == dt.date(YEAR + 1, 3, 15)
    assert services.send_disclosure_reminders(today=dt.date(YEAR + 1, 2, 1)) == 0  # 42 days before: no day
    # e0 and the sibling county's enterprise have users and have not submitted; e1 has submitted
    assert services.send_disclosure_reminders(today=dt.date(YEAR + 1, 3, 8)) == 2  # 7 days before
    assert services.send_disclosure_reminders(today=dt.date(YEAR + 1, 3, 16)) == 2  # overdue
    sent = Notification.objects.filter(recipient=users["enterprise"]).order_by("id")
    assert sent.count() == 2
    assert "还有7天" in sent[0].title and f"{YEAR + 1}年3月15日" in sent[0].title
    assert "已逾期1天" in sent[1].title
    assert not Notification.objects.filter(
        recipient=users["enterprise_other"], title__contains="请在"
    ).exists()
    # the same day twice sends nothing new
    assert services.send_disclosure_reminders(today=dt.date(YEAR + 1, 3, 8)) == 0
    assert Notification.objects.filter(recipient=users["enterprise"]).count() == 2
    assert e0.pk != e1.pk


def test_green_finance_list(graded, regions, users, county_enterprises):
    a, b = county_enterprises[0], county_enterprises[1]
    assert services.green_finance_list(region=regions["county"], year=YEAR) == []  # no disclosure yet
    d = _filled(a, users["enterprise"])
    services.submit_disclosure(disclosure=d, user=users["enterprise"])
    services.review_disclosure(disclosure=d, user=users["office"], approve=True)
    rows = services.green_finance_list(region=regions["county"], year=YEAR)
    assert [(r.enterprise, r.grade) for r in rows] == [(a, 1)]
    criteria = services.green_criteria(regions["county"])
    criteria.require_disclosure = False
    services.save_green_criteria(criteria=criteria, user=users["office"])
    rows = services.green_finance_list(region=regions["county"], year=YEAR)
    assert [(r.enterprise, r.grade) for r in rows] == [(a, 1), (b, 2)]


def test_bulletin_contains_only_published_data(graded, regions, users, county_enterprises):
    from docx import Document

    a, b = county_enterprises[0], county_enterprises[1]
    d = _filled(a, users["enterprise"])
    services.submit_disclosure(disclosure=d, user=users["enterprise"])
    services.review_disclosure(disclosure=d, user=users["office"], approve=True)
    pending = _filled(b, users["enterprise_other"])
    pending.co2_t = 987654.0
    pending.save()
    text = _docx_text(Document(io.BytesIO(services.bulletin_docx(region=regions["county"], year=YEAR))))
    assert a.name in text and "60.00" in text and "1,300.00" in text  # the approved disclosure
    assert b.name not in text and "987,654" not in text
    assert "本年度碳效等级未公开" in text
    services.publish_grades(region=regions["county"], year=YEAR, user=users["office"])
    text = _docx_text(Document(io.BytesIO(services.bulletin_docx(region=regions["county"], year=YEAR))))
    assert b.name in text  # its grade is now public
    assert "987,654" not in text


def _docx_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_facilities_are_replaced(county_enterprises, users):
    d = _filled(county_enterprises[0], users["enterprise"])
    services.save_disclosure(
        disclosure=d, facilities=[{"name": "窑"}, {"name": ""}], user=users["enterprise"]
    )
    assert list(DisclosureFacility.objects.filter(disclosure=d).values_list("name", flat=True)) == ["窑"]


def test_enterprise_outside_region_is_not_graded_with_county(regions, users, sibling_enterprise):
    make_enterprise(regions["sibling"], "平江县企业2", "91430626MA4L00980X")
    annual(sibling_enterprise, YEAR, co2_t=1, value_added_10k_yuan=1)
    with pytest.raises(UserError):
        services.compute_grades(region=regions["county"], year=YEAR, user=users["office"])


def test_dashboard_card_counts_approved_disclosures(regions, users, county_enterprises, sibling_enterprise):
    from django.utils import timezone

    from carbonpeak.core import registry

    assert services.dashboard_card in registry.dashboard_cards
    last = timezone.localdate().year - 1
    d = _filled(county_enterprises[0], users["enterprise"], year=last)
    services.submit_disclosure(disclosure=d, user=users["enterprise"])
    services.review_disclosure(disclosure=d, user=users["office"], approve=True)
    county = services.dashboard_card(regions["county"], users["leader"])
    assert county is not None and county["value"] == "1/4"
    city = services.dashboard_card(regions["city"], users["office_city"])
    assert city is not None and city["value"] == "1/5"  # four county enterprises and the sibling's
    assert services.dashboard_card(regions["sibling"], users["office_sibling"])["value"] == "0/1"


def test_green_list_carries_the_qualifying_projects_of_listed_enterprises(
    graded, regions, users, county_enterprises
):
    """Issue 13 item 6: projects too — of a listed enterprise, not 两高, passed energy review."""
    from carbonpeak.projects.models import EnergyReview, Project

    a, b = county_enterprises[0], county_enterprises[1]
    criteria = services.green_criteria(regions["county"])
    criteria.require_disclosure = False
    services.save_green_criteria(criteria=criteria, user=users["office"])
    county = regions["county"]
    passed = Project.objects.create(
        region=county,
        code="P1",
        name="余热发电改造",
        enterprise=a,
        industry_code="C2211",
        production_year=2027,
    )
    EnergyReview.objects.create(project=passed, status=EnergyReview.Status.APPROVED)
    two_high = Project.objects.create(
        region=county,
        code="P2",
        name="熟料线",
        enterprise=a,
        industry_code="C3011",
        is_two_high=True,
        production_year=2027,
    )
    EnergyReview.objects.create(project=two_high, status=EnergyReview.Status.APPROVED)
    Project.objects.create(
        region=county, code="P3", name="未审查项目", enterprise=b, industry_code="C2211", production_year=2027
    )
    rows = services.green_finance_list(region=county, year=YEAR)
    projects = services.green_projects(region=county, rows=rows)
    assert [p["name"] for p in projects] == ["余热发电改造"]
    assert projects[0]["enterprise_name"] == a.name
    from openpyxl import load_workbook

    from carbonpeak.evaluation import tables

    wb = load_workbook(io.BytesIO(tables.green_workbook(region=county, year=YEAR)))
    assert wb.sheetnames[-1] == "绿色项目"
    cells = [c for row in wb["绿色项目"].iter_rows(values_only=True) for c in row if c]
    assert "余热发电改造" in cells and "熟料线" not in cells
