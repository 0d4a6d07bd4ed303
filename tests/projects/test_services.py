"""Project use cases: figures on save, classification, coal replacement ledger, review, impact,
two-high list import/export, dashboard card."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from carbonpeak.core.errors import UserError
from carbonpeak.projects import services, tables
from carbonpeak.projects.models import CoalReplacement, EnergyReview, Project


def test_save_computes_figures_with_the_accounting_engine(make_project):
    # 2 000 万kWh = 20 000 000 kWh × 0.1229 / 1000 = 2 458 tce; full production 2026 (ramp 50, 100):
    # CO2 20 000 MWh × 0.4976 (Hunan 2023, nearest published year) = 9 952 t
    p = make_project(energy=(("电力", 2000, "万千瓦时", "fuel"), ("天然气", 100, "万立方米", "feedstock")))
    # + 天然气 100 万m3 feedstock = 1 000 000 × 1.33 / 1000 = 1 330 tce, no combustion CO2
    assert p.energy_tce == pytest.approx(2_458 + 1_330)
    assert p.feedstock_energy_tce == pytest.approx(1_330)
    assert p.co2_t == pytest.approx(9_952)
    assert p.electricity_kwh == pytest.approx(20_000_000)
    assert p.is_two_high is False and p.review_level == "local"
    assert p.figures["full_production"]["factor_year"] == 2026
    assert p.energy_rows.count() == 2


def test_two_high_project_gets_rule_and_default_disposition(make_project):
    p = make_project("C1", industry_code="3011", energy=(("原煤", 20000, "吨", "fuel"),))
    assert p.is_two_high and p.two_high_rule == "HEI_C30"
    assert "环环评〔2021〕45号" in p.two_high_reason
    assert p.disposition == "严控"
    # 20 000 t × 0.7143 = 14 286 tce ≥ 10 000 → provincial review
    assert p.review_level == "provincial"
    assert p.coal_tce == pytest.approx(14_286)


def test_bad_input_writes_nothing(make_project):
    with pytest.raises(UserError, match="行业代码"):
        make_project("B1", industry_code="D3011")
    with pytest.raises(UserError, match="不能用于能源品种"):
        make_project("B2", energy=(("原煤", 1, "万千瓦时", "fuel"),))
    with pytest.raises(UserError, match="统一社会信用代码"):
        make_project("B3", owner_uscc="123")
    assert not Project.objects.exists()


def test_coal_replacement_ledger_and_review_gate(make_project, users):
    new = make_project("N1", industry_code="C3011", energy=(("原煤", 10000, "吨", "fuel"),))  # 7 143 tce
    old = make_project(
        "O1", stage="淘汰", production_year=2026, ramp_up_pct="100", energy=(("原煤", 12000, "吨", "fuel"),)
    )
    with pytest.raises(UserError, match="煤炭等量或减量替代"):
        services.submit_review(user=users.office, project=new, report_summary="措施")
    services.add_coal_replacement(
        user=users.office, project=new, coal_tce=5000, source_description="关停轮窑", source_project=old
    )
    ledger = services.coal_ledger(Project.objects.all())
    assert not ledger["balanced"]  # 5 000 < 7 143
    # the source freed 12 000 × 0.7143 = 8 571.6 tce; 5 000 given, 3 571.6 left
    with pytest.raises(UserError, match="只剩 3,571.60 tce"):
        services.add_coal_replacement(
            user=users.office, project=new, coal_tce=4000, source_description="关停轮窑", source_project=old
        )
    services.add_coal_replacement(
        user=users.office, project=new, coal_tce=2143, source_description="关停轮窑", source_project=old
    )
    assert services.coal_ledger(Project.objects.all())["balanced"]
    review = services.submit_review(user=users.office, project=new, report_summary="余热发电、变频改造")
    assert review.status == EnergyReview.Status.SUBMITTED
    assert CoalReplacement.objects.count() == 2


def test_review_flow_and_opinion_docx(make_project, users, dataset):
    p = make_project()
    review = services.submit_review(user=users.office, project=p, report_summary="采用高效电机")
    # the impact was frozen at submission: room 5 971.548 tce, project uses 1 229 tce in 2025
    room = review.snapshot["impact"]["room"][0]
    assert room["remaining_energy_room_tce"] == pytest.approx(5_971.548)
    assert room["projects_energy_tce"] == pytest.approx(1_229)
    with pytest.raises(UserError, match="已有待评审"):
        services.submit_review(user=users.office, project=p, report_summary="再次")
    services.add_comment(user=users.office, review=review, expert="张工", text="能效达到先进水平")
    services.decide_review(user=users.office, review=review, decision="approved", note="同意通过节能审查")
    with pytest.raises(UserError, match="已作出决定"):
        services.decide_review(user=users.office, review=review, decision="rejected", note="x")
    from carbonpeak.projects.docs import review_opinion_docx

    doc = Document(io.BytesIO(review_opinion_docx(review)))
    text = "\n".join(par.text for par in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    assert p.name in text and "审查结论：通过" in text
    assert "剩余用能空间 5,971.55 tce，本项目占用 1,229.00 tce（20.58%）" in text
    assert "张工：能效达到先进水平" in text
    assert "20,000,000 千瓦时" in text or "2,000 万千瓦时" in text


def test_impact_service_equals_cli_region_json(make_project, dataset, tmp_path):
    from tests.projects.test_cli import write_projects

    p = make_project()
    page = services.impact(projects=[p], region=p.region).to_dict()
    book = write_projects(
        tmp_path / "P.xlsx",
        [["P1", "电子材料项目", "拟建", "C3985", 2025, "50,100", 10000]],
        [["P1", "电力", 2000, "万千瓦时", "燃料动力"]],
    )
    out = io.StringIO()
    call_command("projects", "impact", "--projects", str(book), "--region", "430621", "--json", stdout=out)
    cli = json.loads(out.getvalue())
    for key in (
        "years",
        "targets",
        "room",
        "reachable",
        "baseline_source",
        "last_accounted_year",
        "end_year",
    ):
        assert cli[key] == page[key], key
    assert (
        cli["projects"][0]["full_production"]["energy_tce"]
        == page["projects"][0]["full_production"]["energy_tce"]
    )


def test_impact_without_dataset_is_a_chinese_error(make_project):
    p = make_project()
    with pytest.raises(UserError, match="还没有核算数据集"):
        services.impact(projects=[p], region=p.region)


def test_two_high_export_import_round_trip(make_project, users, regions):
    make_project(
        "C1",
        name="水泥熟料线",
        industry_code="C3011",
        energy=(
            ("原煤", 20000, "吨", "fuel"),
            ("焦炉煤气", 100, "万立方米", "fuel"),
            ("天然气", 50, "万立方米", "feedstock"),
        ),
    )
    data = tables.TWO_HIGH_TABLE.export_xlsx(tables.two_high_rows(Project.objects.filter(is_two_high=True)))
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    header_row = next(
        i for i, row in enumerate(ws.iter_rows(values_only=True), start=1) if row[0] == "项目编号"
    )
    headers = [c.value for c in ws[header_row]]
    ws.cell(header_row + 1, headers.index("分类处置") + 1, "改造升级")
    buf = io.BytesIO()
    wb.save(buf)
    count = tables.import_two_high(
        user=users.office, region=regions.county, data=buf.getvalue(), filename="清单.xlsx"
    )
    assert count == 1
    p = Project.objects.get(code="C1")
    assert p.disposition == "改造升级"
    assert sorted((r.carrier, r.use) for r in p.energy_rows.all()) == [
        ("原煤", "fuel"),
        ("天然气", "feedstock"),
        ("焦炉煤气", "fuel"),
    ]


def test_two_high_import_reports_every_bad_row_and_writes_nothing(users, regions):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([c.title for c in tables.TWO_HIGH_TABLE.columns])
    headers = [c.key for c in tables.TWO_HIGH_TABLE.columns]

    def row(**cells):
        return [cells.get(k) for k in headers]

    ws.append(
        row(
            code="A",
            name="甲",
            owner_name="甲公司",
            industry_code="C3011",
            stage="拟建",
            production_year=2026,
            raw_coal_t=100,
        )
    )
    ws.append(
        row(
            code="B",
            name="乙",
            owner_name="乙公司",
            industry_code="X1",
            stage="拟建",
            production_year=2026,
            raw_coal_t=100,
        )
    )
    ws.append(
        row(
            code="C",
            name="丙",
            owner_name="丙公司",
            industry_code="C2614",
            stage="规划",
            production_year=2026,
            raw_coal_t=-5,
        )
    )
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(UserError) as info:
        tables.import_two_high(
            user=users.office, region=regions.county, data=buf.getvalue(), filename="清单.xlsx"
        )
    rows = {e.row for e in info.value.errors}
    assert rows == {3, 4}
    assert not Project.objects.exists()


def test_dashboard_card(make_project, users, dataset, regions):
    make_project()
    card = services.dashboard_card(regions.county, users.leader)
    assert card is not None and card["value"] == 1
    assert any("20.6%" in line for line in card["lines"])
    assert services.dashboard_card(regions.county, users.enterprise) is None


def test_local_rules_and_thresholds_apply_below_their_region(make_project, regions, users):
    from carbonpeak.projects.models import ReviewThresholdConfig, TwoHighRuleConfig

    # a city-level catalogue: 熟料 products are 两高 in 岳阳市 and every county below it
    TwoHighRuleConfig.objects.create(
        region=regions.city,
        code="YY_CLINKER",
        name_zh="水泥熟料",
        kind="product",
        pattern="熟料",
        source="示例：市两高目录",
    )
    # the county's own provincial-review threshold: 5 000 tce (with source)
    ReviewThresholdConfig.objects.create(
        region=regions.county, provincial_min_tce=5000, source="示例：省实施办法"
    )
    # 原煤 8 000 t = 5 714.4 tce: ≥ 5 000 → provincial with the local threshold (local with the default)
    p = make_project("L1", industry_code="C3311", products="熟料粉磨", energy=(("原煤", 8000, "吨", "fuel"),))
    assert p.is_two_high and p.two_high_rule == "YY_CLINKER"
    assert "示例：市两高目录" in p.two_high_reason
    assert p.review_level == "provincial"
    assert "示例：省实施办法" in p.figures["review"]["reason"]
    # in the sibling county the city rule applies too, the county threshold does not
    s = make_project(
        "L2",
        region=regions.sibling,
        industry_code="C3311",
        products="熟料粉磨",
        energy=(("原煤", 8000, "吨", "fuel"),),
    )
    assert s.is_two_high and s.review_level == "local"
    # rules changed later: recompute updates the stored classification
    TwoHighRuleConfig.objects.update(active=False)
    assert services.recompute_projects(user=users.office, projects=Project.objects.filter(code="L1")) == 1
    p.refresh_from_db()
    assert not p.is_two_high


def test_review_notifies_the_office_and_the_submitter(make_project, users, make_user, regions):
    from carbonpeak.core.models import Notification
    from carbonpeak.core.roles import Role

    colleague = make_user("p-office-2", Role.OFFICE, region=regions.county)
    p = make_project()
    review = services.submit_review(user=users.office, project=p, report_summary="要点")
    got = Notification.objects.filter(kind="projects.review_submitted")
    assert [n.recipient for n in got] == [colleague]  # the county's other office users, not the sibling's
    services.decide_review(user=colleague, review=review, decision="supplement", note="请补充能效对标")
    decided = Notification.objects.get(kind="projects.review_decided")
    assert decided.recipient == users.office and "补充材料" in decided.title
    # after 补充材料 the project can be submitted again
    assert services.submit_review(user=users.office, project=p, report_summary="已补充").is_open


def test_report_attachment_type_is_checked(make_project, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = make_project()
    fake = SimpleUploadedFile("节能报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(UserError, match="节能报告.pdf"):
        services.submit_review(user=users.office, project=p, report_summary="要点", report_file=fake)
    assert not EnergyReview.objects.exists()
    pdf = SimpleUploadedFile(
        "节能报告.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", content_type="application/pdf"
    )
    review = services.submit_review(user=users.office, project=p, report_summary="要点", report_file=pdf)
    assert review.report_file.name.endswith(".pdf")


def test_dynamic_monitoring_compares_metered_with_declared(make_project, enterprise, settings, tmp_path):
    import datetime as dt

    from carbonpeak.monitoring import services as ms
    from carbonpeak.monitoring.models import Meter

    settings.METER_STORE_DIR = tmp_path / "meter-store"
    today = dt.date(2026, 3, 1)  # the last complete year is 2025
    p = make_project(
        "M1",
        enterprise=enterprise,
        production_year=2025,
        ramp_up_pct="50,100",
        energy=(("电力", 100, "万千瓦时", "fuel"),),
    )  # 1 000 000 kWh = 122.9 tce at full production
    assert services.monitoring_status(p, today=today)["status"] == "not_metered"
    Meter.objects.create(
        enterprise=enterprise, code="M1", name="总表", carrier="电力", unit="kWh", multiplier=1.0
    )
    bj = dt.timezone(dt.timedelta(hours=8))
    rows = [
        {
            "meter": "M1",
            "ts": dt.datetime(2025 + i // 12, i % 12 + 1, 1, tzinfo=bj).isoformat(),
            "value": 100_000.0 * i,
        }
        for i in range(13)
    ]
    ms.ingest_rows(enterprise=enterprise, rows=rows, source="test")
    # metered 2025: 12 × 100 000 kWh = 1 200 000 kWh × 0.1229 / 1000 = 147.48 tce;
    # declared 2025 (first year, 50 %): 0.5 × 122.9 = 61.45 tce → over, 240 %
    status = services.monitoring_status(p, today=today)
    assert status["status"] == "over"
    assert status["actual_tce"] == pytest.approx(147.48)
    assert status["declared_tce"] == pytest.approx(61.45)
    assert status["ratio_pct"] == pytest.approx(240.0)
    # a project not producing in 2025 is not compared
    later = make_project("M2", enterprise=enterprise, production_year=2027)
    assert services.monitoring_status(later, today=today)["status"] == "not_producing"
    # a project without a registered enterprise
    assert services.monitoring_status(make_project("M3"), today=today)["status"] == "no_enterprise"


def test_samples_load_once_and_are_labelled(db):
    from carbonpeak.projects import samples

    out = io.StringIO()
    samples.load(out)
    samples.load(out)
    assert "已存在，跳过" in out.getvalue()
    projects = Project.objects.filter(is_sample=True)
    assert projects.count() == 4 and all("示例" in p.name for p in projects)
    assert projects.get(code="S4").stage == "淘汰"
    assert projects.get(code="S2").feedstock_energy_tce == pytest.approx(800 * 10_000 * 1.33 / 1000)


def test_dashboard_renders_the_card(make_project, users, dataset):
    from tests.projects.test_permissions import client_for

    make_project()
    html = client_for(users.leader).get("/dashboard/").content.decode()
    assert "待审批项目（拟建、在建）" in html and "剩余用能空间 20.6%" in html
