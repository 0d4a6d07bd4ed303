"""Page flows: register through the form, errors shown and nothing saved, coal replacement,
review submission, 两高 import, delete with confirmation, impact page content."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook

from carbonpeak.projects import tables
from carbonpeak.projects.models import CoalReplacement, EnergyReview, Project
from tests.projects.test_permissions import client_for


def form_data(**overrides):
    data = {
        "code": "F1",
        "name": "表单项目",
        "owner_name": "某公司",
        "owner_uscc": "",
        "industry_code": "C3011",
        "stage": "拟建",
        "production_year": "2026",
        "ramp_up_pct": "60,100",
        "value_added_10k_yuan": "5000",
        "renewable_electricity_kwh": "0",
        "process_co2_t": "0",
        "energy-TOTAL_FORMS": "2",
        "energy-INITIAL_FORMS": "0",
        "energy-MIN_NUM_FORMS": "1",
        "energy-MAX_NUM_FORMS": "30",
        "energy-0-carrier": "原煤",
        "energy-0-quantity": "10000",
        "energy-0-unit": "吨",
        "energy-0-use": "fuel",
        "energy-1-carrier": "",
        "energy-1-quantity": "",
        "energy-1-unit": "",
        "energy-1-use": "fuel",
    }
    data.update(overrides)
    return data


def test_register_edit_and_errors(users, regions):
    c = client_for(users.office)
    assert c.get("/projects/new/").status_code == 200
    bad = c.post("/projects/new/", form_data(**{"energy-0-unit": "万千瓦时"}))
    assert bad.status_code == 400 and "不能用于能源品种“原煤”" in bad.content.decode()
    bad = c.post("/projects/new/", form_data(industry_code="D3011"))
    assert bad.status_code == 400 and "门类字母与大类不符" in bad.content.decode()
    assert not Project.objects.exists()
    ok = c.post("/projects/new/", form_data())
    assert ok.status_code == 302
    p = Project.objects.get(code="F1")
    assert p.region == regions.county and p.is_two_high
    assert p.energy_tce == pytest.approx(10000 * 0.7143)
    # duplicate code in the same county
    dup = c.post("/projects/new/", form_data(name="重复"))
    assert dup.status_code == 400 and "已存在" in dup.content.decode()
    # edit: the figures are recomputed
    edited = c.post(f"/projects/{p.pk}/edit/", form_data(**{"energy-0-quantity": "20000"}))
    assert edited.status_code == 302
    p.refresh_from_db()
    assert p.energy_tce == pytest.approx(20000 * 0.7143) and p.energy_rows.count() == 1
    html = c.get(f"/projects/{p.pk}/").content.decode()
    assert "未落实，不能提交节能审查" in html and "GB/T 2589" in html


def test_coal_replacement_and_review_submission_through_pages(users, make_project):
    c = client_for(users.office)
    new = make_project("N1", industry_code="C3011", energy=(("原煤", 1000, "吨", "fuel"),))  # 714.3 tce
    old = make_project("O1", stage="淘汰", energy=(("原煤", 2000, "吨", "fuel"),))
    c.post(f"/projects/{new.pk}/review/", {"report_summary": "要点"})
    assert not EnergyReview.objects.exists()  # refused: coal not replaced
    c.post(
        f"/projects/{new.pk}/coal/",
        {"source_project": old.pk, "source_description": "关停轮窑", "coal_tce": "714.3"},
    )
    assert CoalReplacement.objects.count() == 1
    response = c.post(f"/projects/{new.pk}/review/", {"report_summary": "要点"})
    review = EnergyReview.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/reviews/{review.pk}/"
    queue = c.get("/projects/reviews/").content.decode()
    assert new.name in queue
    ledger = c.get("/projects/two-high/").content.decode()
    assert "台账平衡" in ledger


def test_two_high_import_page_and_template(users):
    c = client_for(users.office)
    template = c.get("/projects/two-high/template.xlsx")
    assert template.status_code == 200 and template["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    wb = Workbook()
    ws = wb.active
    ws.append([col.title for col in tables.TWO_HIGH_TABLE.columns])
    keys = [col.key for col in tables.TWO_HIGH_TABLE.columns]
    values = {
        "code": "I1",
        "name": "导入项目",
        "owner_name": "导入公司",
        "industry_code": "C3110",
        "stage": "在建",
        "production_year": 2026,
        "raw_coal_t": 5000,
        "disposition": "改造升级",
    }
    ws.append([values.get(k) for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "清单.xlsx"
    response = c.post("/projects/two-high/import/", {"file": buf}, follow=True)
    html = response.content.decode()
    assert "已导入 1 个项目" in html, re.findall(r"msg-\w+\">([^<]*)", html)
    p = Project.objects.get(code="I1")
    assert p.is_two_high and p.two_high_rule == "HEI_C31" and p.disposition == "改造升级"


def test_delete_asks_first(users, make_project):
    c = client_for(users.office)
    p = make_project()
    page = c.get(f"/projects/{p.pk}/delete/").content.decode()
    assert "不能恢复" in page and Project.objects.filter(pk=p.pk).exists()
    assert c.post(f"/projects/{p.pk}/delete/").status_code == 302
    assert not Project.objects.filter(pk=p.pk).exists()


def test_impact_page_shows_tables_and_empty_states(users, make_project, dataset):
    c = client_for(users.office)
    html = c.get("/projects/impact/").content.decode()
    assert "没有选择项目" in html  # no pending project yet: the baseline alone
    p = make_project()
    html = c.get(f"/projects/impact/?region=430621&p={p.pk}").content.decode()
    assert "剩余用能空间" in html and "20.58%" in html and "impact-data" in html
    sibling_html = client_for(users.sibling).get("/projects/impact/").content.decode()
    assert "还没有核算数据集" in sibling_html
