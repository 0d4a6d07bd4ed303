"""Pages as a user works with them: import, compute, review, file, export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from carbonpeak.evaluation import services
from carbonpeak.evaluation.models import AnnualData, CarbonEfficiencyGrade, Disclosure, ReductionRanking
from carbonpeak.evaluation.tables import ANNUAL_TABLE

YEAR = 2024


def _xlsx(rows: list[list]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "统一社会信用代码",
            "企业名称",
            "年度",
            "工业增加值 [万元]",
            "二氧化碳排放量 [吨]",
            "实缴税金 [万元]",
            "亩均评价豁免",
        ]
    )
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "年度数据.xlsx"
    return buf


@pytest.fixture
def office(users, client_for):
    return client_for(users["office"])


def test_import_good_file_then_compute_and_publish(office, regions, county_enterprises):
    rows = [
        [e.uscc, e.name, YEAR, 100, co2, 5, ""]
        for e, co2 in zip(county_enterprises, (60, 100, 180, 260), strict=True)
    ]
    rows[3][6] = "新建"
    url = reverse("evaluation:import") + f"?region={regions['county'].code}"
    r = office.post(url, {"file": _xlsx(rows), "region": regions["county"].code, "year": YEAR}, follow=True)
    assert "导入完成：新增 4 行" in r.content.decode()
    assert AnnualData.objects.filter(year=YEAR).count() == 4
    row = AnnualData.objects.get(enterprise=county_enterprises[3], year=YEAR)
    assert row.exemption == "new" and row.land_area_mu == 100.0
    r = office.post(
        reverse("evaluation:compute_grades"),
        {"region": regions["county"].code, "year": YEAR, "preset": "ZJ_METHOD"},
        follow=True,
    )
    html = r.content.decode()
    assert "已计算 4 家企业的碳效（4 家评定等级）" in html
    assert "1级" in html and "4级" in html
    assert CarbonEfficiencyGrade.objects.count() == 4
    office.post(
        reverse("evaluation:publish_grades"), {"region": regions["county"].code, "year": YEAR, "publish": "1"}
    )
    assert services.grades_published(region=regions["county"], year=YEAR)
    grade = CarbonEfficiencyGrade.objects.get(enterprise=county_enterprises[0])
    detail = office.get(reverse("evaluation:grade", args=[grade.pk])).content.decode()
    assert "0.4000" in detail and "1.5000" in detail and "yzwku" in detail


def test_import_bad_file_reports_every_row_and_writes_nothing(
    office, regions, county_enterprises, sibling_enterprise
):
    rows = [
        [county_enterprises[0].uscc, "", YEAR, "abc", 1, 1, ""],
        [sibling_enterprise.uscc, "", YEAR, 1, 1, 1, ""],
        [county_enterprises[1].uscc, "", YEAR, 1, -5, 1, ""],
        [county_enterprises[2].uscc, "", YEAR, 1, 1, 1, "其他"],
        [county_enterprises[3].uscc, "", YEAR, 1, 1, 1, ""],
        [county_enterprises[3].uscc, "", YEAR, 1, 1, 1, ""],
    ]
    r = office.post(reverse("evaluation:import"), {"file": _xlsx(rows), "region": regions["county"].code})
    html = r.content.decode()
    assert "未导入任何数据" in html
    for needle in (
        "第2行「工业增加值」",
        "不是岳阳县重点用能单位名录中的企业",
        "第4行「二氧化碳排放量」：不能为负数",
        "第5行「亩均评价豁免」",
        "与第6行重复",
    ):
        assert needle in html, needle
    assert not AnnualData.objects.exists()


def test_template_has_the_declared_columns_and_instructions(office):
    r = office.get(reverse("evaluation:template"))
    wb = load_workbook(io.BytesIO(r.content))
    headers = [c.value for c in wb.worksheets[0][3] if c.value]
    assert headers == [c.title for c in ANNUAL_TABLE.columns]
    assert wb.sheetnames[1] == "填表说明"


def test_export_matches_the_page(office, regions, county_enterprises, users):
    for e, co2 in zip(county_enterprises, (60, 100, 180, 260), strict=True):
        AnnualData.objects.create(enterprise=e, year=YEAR, co2_t=co2, value_added_10k_yuan=100)
    services.compute_grades(region=regions["county"], year=YEAR, user=users["office"])
    r = office.get(reverse("evaluation:export") + f"?region={regions['county'].code}&year={YEAR}")
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    values = [list(row) for row in ws.iter_rows(values_only=True)]
    start = next(i for i, v in enumerate(values) if v[0] == "企业名称")
    header = values[start]
    by_name = {v[0]: v for v in values[start + 1 :]}
    assert by_name[county_enterprises[0].name][header.index("碳效等级")] == 1
    assert by_name[county_enterprises[0].name][header.index("碳效值K")] == pytest.approx(0.4)


def test_every_office_page_renders_with_data(office, regions, county_enterprises, users):
    for e, co2 in zip(county_enterprises, (60, 100, 180, 260), strict=True):
        AnnualData.objects.create(
            enterprise=e, year=2020, co2_t=co2 * 2, value_added_10k_yuan=100, land_area_mu=10
        )
        AnnualData.objects.create(
            enterprise=e,
            year=YEAR,
            co2_t=co2,
            value_added_10k_yuan=100,
            land_area_mu=10,
            tax_10k_yuan=2,
            energy_tce_equal_value=10,
            employees=5,
            rd_10k_yuan=1,
            revenue_10k_yuan=100,
        )
    services.compute_grades(region=regions["county"], year=YEAR, user=users["office"])
    services.compute_mu(
        region=regions["county"], year=YEAR, user=users["office"], preset_code="HUANGYAN_2022"
    )
    q = f"?region={regions['county'].code}&year={YEAR}"
    expectations = {
        "evaluation:index": "计算2024年碳效等级",
        "evaluation:parks": "一园",
        "evaluation:rankings": "生成排名",
        "evaluation:disclosures": "2025年3月15日",
        "evaluation:green": "名单条件",
    }
    for name, text in expectations.items():
        r = office.get(reverse(name) + q)
        assert r.status_code == 200 and text in r.content.decode(), name
    r = office.post(
        reverse("evaluation:ranking_create"),
        {"region": regions["county"].code, "year": YEAR, "base_year": 2020},
        follow=True,
    )
    assert "已生成排名" in r.content.decode()
    ranking = ReductionRanking.objects.get()
    entry = ranking.entries.order_by("rank_absolute").first()
    office.post(
        reverse("evaluation:ranking_update", args=[ranking.pk]),
        {"action": "advanced", "advanced": [entry.pk]},
    )
    entry.refresh_from_db()
    assert entry.advanced
    office.post(reverse("evaluation:ranking_update", args=[ranking.pk]), {"action": "publish"})
    ranking.refresh_from_db()
    assert ranking.status == "published"
    ws = load_workbook(
        io.BytesIO(office.get(reverse("evaluation:ranking_export", args=[ranking.pk])).content)
    ).worksheets[0]
    assert any(row[11] == "是" for row in ws.iter_rows(values_only=True))
    from carbonpeak.evaluation.models import MuClassification

    m = MuClassification.objects.get(enterprise=county_enterprises[3])
    html = office.get(reverse("evaluation:mu", args=[m.pk])).content.decode()
    assert "亩均税收" in html and "24.097" in html
    r = office.get(reverse("evaluation:bulletin") + q)
    assert r.status_code == 200 and r["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )


def test_enterprise_files_and_office_reviews(users, client_for, county_enterprises, regions):
    ent = client_for(users["enterprise"])
    AnnualData.objects.create(
        enterprise=county_enterprises[0], year=YEAR, co2_t=5000.0, value_added_10k_yuan=100
    )
    r = ent.post(reverse("evaluation:my_disclosures"), {"year": YEAR})
    d = Disclosure.objects.get()
    assert r["Location"] == reverse("evaluation:disclosure_edit", args=[d.pk])
    page = ent.get(r["Location"]).content.decode()
    assert "5000.0" in page  # prefilled from annual data
    form = {
        "co2_t": "5000",
        "prior_year_co2_t": "5200",
        "accounting_method": "calculation",
        "accounting_standard": "GB/T 32150-2015",
        "statement": "",
        "facilities-TOTAL_FORMS": "3",
        "facilities-INITIAL_FORMS": "0",
        "facilities-MIN_NUM_FORMS": "0",
        "facilities-MAX_NUM_FORMS": "1000",
        "facilities-0-name": "1号燃煤锅炉",
        "facilities-0-facility_type": "燃煤锅炉",
        "facilities-0-fuel": "原煤",
        "facilities-0-co2_t": "4800",
        "submit": "1",
    }
    r = ent.post(reverse("evaluation:disclosure_edit", args=[d.pk]), form, follow=True)
    assert "已提交，等待碳达峰办审核" in r.content.decode()
    d.refresh_from_db()
    assert d.status == Disclosure.Status.SUBMITTED and d.facilities.get().name == "1号燃煤锅炉"
    office = client_for(users["office"])
    assert "岳阳县企业1" in office.get(reverse("evaluation:disclosures") + f"?year={YEAR}").content.decode()
    r = office.post(
        reverse("evaluation:disclosure", args=[d.pk]), {"decision": "return", "comment": ""}, follow=True
    )
    assert "退回修改须填写审核意见" in r.content.decode()
    office.post(reverse("evaluation:disclosure", args=[d.pk]), {"decision": "approve", "comment": ""})
    d.refresh_from_db()
    assert d.status == Disclosure.Status.APPROVED
    ws = load_workbook(
        io.BytesIO(office.get(reverse("evaluation:disclosures_export") + f"?year={YEAR}").content)
    ).worksheets[0]
    rows = [r for r in ws.iter_rows(values_only=True) if r[0] == "岳阳县企业1"]
    assert rows and rows[0][3] == "审核通过（已公开）" and "1号燃煤锅炉（燃煤锅炉）：4,800.00吨" in rows[0][8]
    from carbonpeak.core.models import Notification

    assert Notification.objects.filter(recipient=users["office"], kind="disclosure_submitted").exists()
    assert Notification.objects.filter(recipient=users["enterprise"], kind="disclosure_reviewed").exists()


def test_negative_emission_in_the_form_is_refused(users, client_for, county_enterprises):
    ent = client_for(users["enterprise"])
    ent.post(reverse("evaluation:my_disclosures"), {"year": YEAR})
    d = Disclosure.objects.get()
    form = {
        "co2_t": "-1",
        "accounting_method": "calculation",
        "facilities-TOTAL_FORMS": "0",
        "facilities-INITIAL_FORMS": "0",
        "facilities-MIN_NUM_FORMS": "0",
        "facilities-MAX_NUM_FORMS": "1000",
    }
    r = ent.post(reverse("evaluation:disclosure_edit", args=[d.pk]), form)
    assert r.status_code == 200 and "排放量不能为负数" in r.content.decode()
    d.refresh_from_db()
    assert d.co2_t is None


def test_green_criteria_only_by_the_office(users, client_for, regions):
    url = reverse("evaluation:green") + f"?region={regions['county'].code}&year={YEAR}"
    assert (
        client_for(users["leader"]).post(url, {"max_grade": 3, "require_disclosure": ""}).status_code == 403
    )
    r = client_for(users["office"]).post(url, {"max_grade": 3, "note": "县绿色金融工作方案"})
    assert r.status_code == 302
    assert services.green_criteria(regions["county"]).max_grade == 3


def test_empty_states(office, regions):
    q = f"?region={regions['county'].code}&year=2001"
    assert "还没有企业年度数据" in office.get(reverse("evaluation:index") + q).content.decode()
    assert "没有可计算的园区" in office.get(reverse("evaluation:parks") + q).content.decode()
    r = office.post(
        reverse("evaluation:compute_grades"),
        {"region": regions["county"].code, "year": 2001, "preset": "ZJ_METHOD"},
        follow=True,
    )
    assert "无法计算碳效等级" in r.content.decode()


def test_samples_load_twice(db, settings, tmp_path):
    import io as _io

    from django.core.management import call_command

    settings.METER_STORE_DIR = tmp_path / "meters"
    call_command("load_samples", stdout=_io.StringIO())
    call_command("load_samples", stdout=_io.StringIO())
    assert AnnualData.objects.filter(is_sample=True).count() == 12
    graded = CarbonEfficiencyGrade.objects.exclude(grade=None)
    assert graded.count() == 4  # the four C30 sample enterprises
    assert Disclosure.objects.filter(is_sample=True, status="approved").count() == 1


def test_remind_command(users, county_enterprises):
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("enterprises", "remind-disclosures", "--today", f"{YEAR + 1}-03-14", stdout=out)
    assert "已发送 3 家企业的披露提醒" in out.getvalue()  # two county enterprises with users, one sibling
    with pytest.raises(CommandError) as info:
        call_command("enterprises", "remind-disclosures", "--today", "三月十四日")
    assert info.value.returncode == 2


def test_local_mu_preset_copied_edited_and_used(office, users, client_for, regions, county_enterprises):
    from carbonpeak.evaluation.models import MuClassification, MuPresetRecord

    for e, tax in zip(county_enterprises, (10, 20, 30, 40), strict=True):
        AnnualData.objects.create(
            enterprise=e,
            year=YEAR,
            co2_t=1000 - tax,
            value_added_10k_yuan=100,
            land_area_mu=10,
            tax_10k_yuan=tax,
            energy_tce_equal_value=10,
            employees=5,
            rd_10k_yuan=1,
            revenue_10k_yuan=100,
        )
    url = reverse("evaluation:mu_preset_new") + f"?region={regions['county'].code}&base=HUANGYAN_2022"
    page = office.get(url).content.decode()
    assert "24.097" in page  # copied benchmark
    form = {
        "base": "HUANGYAN_2022",
        "region": regions["county"].code,
        "code": "YY_2024",
        "name": "岳阳县亩均评价",
        "data_year": YEAR,
        "valid_from": "2025-01-01",
        "source": "",
    }
    for key in (
        "tax_per_mu",
        "value_added_per_mu",
        "value_added_per_energy",
        "value_added_per_pollutant",
        "labour_productivity",
        "rd_share",
        "co2_per_mu",
    ):
        form[f"w_{key}"] = 0
        form[f"b_{key}"] = ""
    form["w_co2_per_mu"] = 100
    form["b_co2_per_mu"] = 90
    r = office.post(url, form)
    assert "这个字段是必填项" in r.content.decode() and not MuPresetRecord.objects.exists()  # no source
    form["source"] = "岳阳县工业企业亩均效益评价办法（示例文号）"
    r = office.post(url, form, follow=True)
    assert (
        "得分上限倍数" in r.content.decode() and not MuPresetRecord.objects.exists()
    )  # less-is-better needs a cap
    form["c_co2_per_mu"] = 2
    r = office.post(url, form, follow=True)
    assert "已保存本地评价预设" in r.content.decode()
    assert client_for(users["leader"]).post(url, form).status_code == 403
    office.post(
        reverse("evaluation:compute_mu"),
        {"region": regions["county"].code, "year": YEAR, "preset": "YY_2024"},
    )
    results = {m.enterprise_id: m for m in MuClassification.objects.all()}
    # score = 100 × min(90 / (co2 / 10), 2): the least emitting per mu ranks first
    assert results[county_enterprises[3].pk].rank == 1
    assert results[county_enterprises[3].pk].score == pytest.approx(100 * 90 / 96.0)
    assert (
        results[county_enterprises[3].pk].preset["rules"]["co2_per_mu"]["source"].startswith("岳阳县工业企业")
    )
