"""Pages: upload (CSV and Excel), errors shown in Chinese, results, trace, exports, factor editing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from carbonpeak.accounting.models import Dataset, LocalFactor

from .conftest import ECONOMY, ENERGY, TARGETS

pytestmark = pytest.mark.django_db


def _upload(client, energy: bytes, name: str = "ENERGY.csv", **extra):
    data = {
        "name": "上传测试",
        "energy": SimpleUploadedFile(name, energy),
        "economy": SimpleUploadedFile("ECONOMY.csv", ECONOMY.encode()),
        "targets": SimpleUploadedFile("TARGETS.csv", TARGETS.encode()),
        "region": "湖南省",
        "base_year": "2020",
        "dataset": "CN_DEFAULT",
        **extra,
    }
    return client.post("/accounting/upload/", data)


def test_upload_csv_then_results_page(office_client):
    response = _upload(office_client, ENERGY.encode())
    ds = Dataset.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/accounting/datasets/{ds.pk}/")
    page = office_client.get(response["Location"]).content.decode()
    assert "上传测试" in page
    assert "分年度结果" in page and "双控目标预警" in page
    assert "vendor/echarts.min.js" in page and "cdn" not in page.lower()
    # intensities and declines show their operands
    plain = page.replace(",", "").replace("\xa0", "")
    assert "8372.00 tce ÷ 100000 万元 = 0.083720" in plain
    # 2021: (9800 × 0.7143 + 1100 × 1.229) ÷ 105000 = 8352.04 ÷ 105000 = 0.079543; annual 1 − 0.079543 / 0.083720
    assert "(1 − 0.079543 ÷ 0.083720) × 100 = 4.9890" in plain
    # the calculation of 2021 原煤 is one click away
    trace = office_client.get(f"/accounting/datasets/{ds.pk}/trace/?year=2021&carrier=原煤").content.decode()
    assert "9,800 吨 × 1,000 kg/吨 × 0.7143 kgce/kg ÷ 1000 = 7,000.14 tce" in trace
    assert "GB/T 32150" in trace


def test_upload_excel(office_client):
    wb = Workbook()
    ws = wb.active
    for line in ENERGY.strip().splitlines():
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    response = _upload(office_client, buf.getvalue(), name="ENERGY.xlsx")
    assert response.status_code == 302
    assert Dataset.objects.get().energy_records.count() == 4


def test_upload_error_names_row_and_column_and_writes_nothing(office_client):
    bad = (ENERGY + "2021,工业,原煤,-7,吨\n").encode()
    response = _upload(office_client, bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert "导入失败，未写入任何数据" in text
    assert "ENERGY.csv 第 6 行“quantity”列：数量不能为负数" in text
    assert Dataset.objects.count() == 0


def test_upload_gbk_csv(office_client):
    response = _upload(office_client, ENERGY.encode("gbk"))
    assert response.status_code == 302


def test_sample_dataset_is_labelled(leader_client):
    from carbonpeak.accounting import samples

    samples.load(io.StringIO())
    ds = Dataset.objects.in_region(None).get()  # the leader's county
    index = leader_client.get("/accounting/").content.decode()
    assert "示例数据，仅供演示" in index
    assert "华容县" not in index  # the sibling county's dataset is not listed
    page = leader_client.get(f"/accounting/datasets/{ds.pk}/").content.decode()
    assert "示例数据，仅供演示" in page
    assert "按当前因子重新核算" not in page  # leader reads only
    wb = load_workbook(
        io.BytesIO(leader_client.get(f"/accounting/datasets/{ds.pk}/export/years.xlsx").content)
    )
    ws = wb.active
    assert "示例数据，仅供演示" in ws["A2"].value
    assert [c.value for c in ws[3]][:2] == ["年份", "能耗（当量值，tce）"]
    assert ws.cell(4, 1).value == 2020


def test_exports_match_the_result(office_client, dataset):
    wb = load_workbook(
        io.BytesIO(
            office_client.get(f"/accounting/datasets/{dataset.pk}/export/trace.xlsx?year=2020").content
        )
    )
    ws = wb.active
    header = [c.value for c in ws[3]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert len(rows) == 2
    tce = header.index("能耗（当量值，tce）")
    assert sum(r[tce] for r in rows) == pytest.approx(dataset.result["years"]["2020"]["energy_tce"])
    response = office_client.get(f"/accounting/datasets/{dataset.pk}/export/nothing.xlsx")
    assert response.status_code == 404


def test_template_downloads(leader_client):
    csv_text = leader_client.get("/accounting/templates/energy.csv").content.decode("utf-8-sig")
    assert "year,sector,carrier,quantity,unit" in csv_text
    wb = load_workbook(io.BytesIO(leader_client.get("/accounting/templates/economy.xlsx").content))
    assert [c.value for c in wb.worksheets[0][1]][:3] == ["year", "gdp_10k_yuan", "gdp_constant_10k_yuan"]
    assert leader_client.get("/accounting/templates/unknown.csv").status_code == 404


def test_office_edits_local_factors(office_client):
    response = office_client.post(
        "/accounting/factors/new/",
        {"carrier": "电力", "year": "2024", "value": "0.48", "unit": "tCO2/MWh", "source": "省厅"},
    )
    assert response.status_code == 302
    factor = LocalFactor.objects.get()
    page = office_client.get("/accounting/factors/").content.decode()
    assert "省厅" in page and "GB/T 2589" in page
    response = office_client.post(
        f"/accounting/factors/{factor.pk}/edit/",
        {"carrier": "电力", "year": "2024", "value": "0.48", "unit": "tCO2/t", "source": "省厅"},
    )
    assert response.status_code == 400
    assert "unit" in response.content.decode()
    factor.refresh_from_db()
    assert factor.unit == "tCO2/MWh"


def test_delete_asks_for_confirmation(office_client, dataset):
    page = office_client.get(f"/accounting/datasets/{dataset.pk}/delete/").content.decode()
    assert "确认删除" in page
    assert Dataset.objects.filter(pk=dataset.pk).exists()
    office_client.post(f"/accounting/datasets/{dataset.pk}/delete/")
    assert not Dataset.objects.filter(pk=dataset.pk).exists()


def test_empty_state(leader_client):
    assert "还没有核算数据集" in leader_client.get("/accounting/").content.decode()
