"""Sinks pages through HTTP: refusal with the missing list, results with their trace, import
preview then confirm, every bad row shown, export, parameter form."""

from __future__ import annotations

import base64
import re

import pytest

from carbonpeak.sinks import services
from carbonpeak.sinks.models import ForestInventory, SpeciesParameter
from tests.sinks.conftest import INVENTORY_CSV, add_plan_targets

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_empty_state(office_client, county):
    page = _text(office_client.get("/sinks/"))
    assert "还没有森林资源清单" in page


def test_results_page_refuses_and_says_what_is_missing(office_client, county, office_user):
    services.import_inventory(
        region=county, data=INVENTORY_CSV.encode(), filename="清单.csv", user=office_user
    )
    services.ensure_default_parameter_set(region=county, user=office_user)
    page = _text(office_client.get("/sinks/"))
    assert "参数不全，暂不计算" in page
    assert "杉木" in page and "基本木材密度（SVD） [t d.m./m³]" in page
    assert "竹林" in page and "单位面积生物量" in page
    assert "省级温室气体清单编制指南（试行）" in page and "CCER-14-001-V01" in page
    assert 'id="stock-table"' not in page


def test_results_page_with_figures_and_targets(office_client, filled_county, office_user):
    add_plan_targets(filled_county)
    page = _text(office_client.get("/sinks/"))
    # 2020 stock 31438 tC; sink (31438 − 27580) × 44/12 / 5 = 2829.2 t CO2/a
    assert "31,438" in page
    assert "2,829.20" in page
    assert "37.50" in page and "39.00%" in page and "未达到" in page
    assert "441 万立方米" in page
    # trace: inventory line and the parameter's source
    assert "清单.csv 第 2 行" in page and "测试输入" in page
    assert "B = V × SVD × BEF × (1+R) = 50000 m³ × 0.3 × 1.5 × (1 + 0.2)" in page


def test_import_preview_then_confirm(office_client, county):
    response = office_client.post(
        "/sinks/inventory/import/", {"file": _upload("清单.csv", INVENTORY_CSV.encode())}
    )
    page = _text(response)
    assert response.status_code == 200 and "预览：清单.csv" in page and "共 6 行" in page
    assert not ForestInventory.objects.exists()
    payload = re.search(r'name="payload" value="([^"]+)"', response.content.decode()).group(1)
    assert base64.b64decode(payload) == INVENTORY_CSV.encode()
    response = office_client.post(
        "/sinks/inventory/import/", {"confirm": "1", "filename": "清单.csv", "payload": payload}
    )
    assert response.status_code == 302
    assert ForestInventory.objects.in_region(county).count() == 6


def test_import_errors_list_every_row_and_write_nothing(office_client, county):
    bad = "year,species_group,area_hm2,volume_m3\n2020,杉木,x,1\n2020,马尾松,1,-2\n"
    response = office_client.post("/sinks/inventory/import/", {"file": _upload("坏.csv", bad.encode())})
    page = _text(response)
    assert response.status_code == 400
    assert "导入失败，未写入任何数据" in page
    assert "第2行「面积」" in page and "第3行「活立木蓄积量」：不能为负数" in page
    assert not ForestInventory.objects.exists()


def test_tampered_payload_is_checked_again(office_client, county):
    bad = base64.b64encode(b"year,species_group,area_hm2,volume_m3\n2020,,1,1\n").decode()
    response = office_client.post(
        "/sinks/inventory/import/", {"confirm": "1", "filename": "x.csv", "payload": bad}
    )
    assert response.status_code == 400 and not ForestInventory.objects.exists()


def test_export_and_template(office_client, filled_county):
    response = office_client.get("/sinks/inventory/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    template = office_client.get("/sinks/inventory/template.xlsx")
    assert template.status_code == 200


def test_delete_year_asks_first(office_client, filled_county):
    page = _text(office_client.get("/sinks/inventory/2020/delete/"))
    assert "确定要删除" in page and ForestInventory.objects.filter(year=2020).exists()
    assert office_client.post("/sinks/inventory/2020/delete/").status_code == 302
    assert not ForestInventory.objects.filter(year=2020).exists()


def test_parameter_form_requires_a_source(office_client, county, office_user):
    s = services.ensure_default_parameter_set(region=county, user=office_user)
    p = SpeciesParameter.objects.get(parameter_set=s.parameter_set, species_group="杉木", field="bef")
    response = office_client.post(f"/sinks/parameters/values/{p.pk}/edit/", {"value": "1.5", "source": ""})
    assert response.status_code == 400 and "请注明来源" in _text(response)
    p.refresh_from_db()
    assert p.value is None
    response = office_client.post(
        f"/sinks/parameters/values/{p.pk}/edit/",
        {"value": "1.5", "source": "某文件 表3 第12页", "verification": "primary"},
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.value, p.source, p.verification) == (1.5, "某文件 表3 第12页", "primary")
    page = _text(office_client.get("/sinks/parameters/"))
    assert "第 2 版" in page


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_api_result_and_refusal(office_client, leader_client, enterprise_client, client, filled_county):
    data = office_client.get("/api/sinks/result").json()
    assert data["computed"] is True and data["region"]["code"] == "430621"
    assert data["annual_sink"][0]["co2_t_per_year"] == pytest.approx(
        (31438.0 - 27580.0) * 44 / 12 / 5, rel=1e-12
    )
    assert data["years"][1]["by_species"][0]["trace"]["parameters"]["source"]
    assert leader_client.get("/api/sinks/result").status_code == 200
    assert enterprise_client.get("/api/sinks/result").status_code == 403
    assert client.get("/api/sinks/result").status_code in (401, 403)


def test_api_lists_missing_values(office_client, county, office_user):
    services.import_inventory(
        region=county, data=INVENTORY_CSV.encode(), filename="清单.csv", user=office_user
    )
    services.ensure_default_parameter_set(region=county, user=office_user)
    data = office_client.get("/api/sinks/result").json()
    assert data["computed"] is False and "years" not in data
    assert {
        "species_group": "竹林",
        "field": "biomass_t_per_hm2",
        "label": "单位面积生物量 [t d.m./hm²]",
    } in data["missing"]


def test_results_page_shows_growth_minus_consumption_when_rates_given(
    office_client, filled_county, office_user
):
    assert 'id="flow-table"' not in _text(office_client.get("/sinks/"))
    services.set_growth_rates(
        region=filled_county,
        growth_rate_pct=8.0,
        consumption_rate_pct=5.0,
        source="测试输入",
        user=office_user,
    )
    page = _text(office_client.get("/sinks/"))
    # 2020: (60000 × 0.3 × 1.5 × 0.5 + 22000 × 0.4 × 1.4 × 0.47) × 0.03 × 44/12 = 2,121.94
    assert 'id="flow-table"' in page and "2,121.94" in page
