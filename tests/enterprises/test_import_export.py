"""Enterprise registry: Excel import (row-level Chinese errors, all or nothing), export round trip,
key-unit status derivation."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest

from carbonpeak.core.models import AuditEntry
from carbonpeak.engine.uscc import check_character
from carbonpeak.enterprises import services
from carbonpeak.enterprises.models import Enterprise

HEADERS = [h for h, _f in services.COLUMNS]


def uscc(body17: str) -> str:
    """A valid code: the 17-character body plus its GB 32100 check character."""
    return body17 + check_character(body17)


A = uscc("91430621MA4L00001")
B = uscc("91430621MA4L00002")


def workbook(
    rows: list[list[object]], headers: list[str] = HEADERS, title: str | None = "重点用能单位名录"
) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(name: str, code: str, **over: object) -> list[object]:
    values: dict[str, object] = {
        "name": name,
        "uscc": code,
        "industry_code": "C3011",
        "park": "岳阳县工业园",
        "township": "荣家湾镇",
        "land_area_mu": 120.5,
        "energy_budget_tce": 12000,
        "annual_energy_tce": 11000,
        "annual_energy_year": 2025,
        "designated": "否",
        "contact_name": "张三",
        "contact_phone": "0730-1234567",
        "contact_email": "zhang@example.com",
    }
    values.update(over)
    return [values[f] for _h, f in services.COLUMNS]


def test_valid_file_creates_then_updates_by_uscc(office_user):
    report = services.import_workbook(
        data=workbook([row("甲水泥有限公司", A), row("乙化工有限公司", B.lower(), designated="是")]),
        filename="名录.xlsx",
        user=office_user,
    )
    assert (report.created, report.updated, report.errors) == (2, 0, [])
    a = Enterprise.objects.get(uscc=A)
    assert a.name == "甲水泥有限公司" and a.land_area_mu == Decimal("120.50") and a.industry_code == "C3011"
    assert Enterprise.objects.get(uscc=B).designated is True  # lower case normalised
    assert AuditEntry.objects.filter(action="create").count() >= 2

    again = services.import_workbook(
        data=workbook([row("甲水泥有限公司（更名）", A, energy_budget_tce=9000)]),
        filename="x.xlsx",
        user=office_user,
    )
    assert (again.created, again.updated) == (0, 1)
    a.refresh_from_db()
    assert a.name == "甲水泥有限公司（更名）" and a.energy_budget_tce == Decimal("9000.00")
    assert Enterprise.objects.filter(uscc__in=[A, B]).count() == 2


def test_errors_name_row_and_column_in_chinese_and_nothing_is_written(office_user):
    wrong_check = A[:17] + ("1" if A[17] != "1" else "2")
    data = workbook(
        [
            row("甲水泥有限公司", A),  # line 3: valid, must not be saved either
            row("乙化工有限公司", wrong_check),  # line 4
            row("", B),  # line 5
            row("丙公司", uscc("91430621MA4L00003"), land_area_mu="很多", industry_code="X99"),  # line 6
            row("丁公司", A),  # line 7: duplicate of line 3
        ]
    )
    before = Enterprise.objects.count()
    with pytest.raises(services.ImportFailed) as exc:
        services.import_workbook(data=data, filename="名录.xlsx", user=office_user)
    errors = exc.value.report.errors
    assert f"第4行“统一社会信用代码”列：校验码错误：第18位应为“{A[17]}”，实际为“{wrong_check[17]}”" in errors
    assert "第5行“企业名称”列：不能为空" in errors
    assert "第6行“用地面积(亩)”列：“很多”不是数字" in errors
    assert any(e.startswith("第6行“行业代码(GB/T 4754)”列：") and "GB/T 4754" in e for e in errors)
    assert "第7行“统一社会信用代码”列：与第3行重复" in errors
    assert Enterprise.objects.count() == before
    assert not Enterprise.objects.filter(uscc=A).exists()


def test_missing_column_and_unreadable_file_are_clear_errors(office_user):
    with pytest.raises(services.ImportFailed) as exc:
        services.import_workbook(
            data=workbook([["甲"]], headers=["企业名称"]), filename="a.xlsx", user=office_user
        )
    assert "找不到表头“统一社会信用代码”" in exc.value.report.errors[0]
    with pytest.raises(services.ImportFailed) as exc:
        services.import_workbook(data=b"not an excel file", filename="b.xlsx", user=office_user)
    assert exc.value.report.errors == ["无法读取“b.xlsx”：不是有效的 .xlsx 文件"]


def test_import_page_shows_row_errors_and_saves_nothing(office_client):
    wrong = A[:17] + ("1" if A[17] != "1" else "2")
    upload = io.BytesIO(workbook([row("甲水泥有限公司", wrong)]))
    upload.name = "名录.xlsx"
    r = office_client.post("/enterprises/import/", {"file": upload})
    assert r.status_code == 200
    assert "第3行“统一社会信用代码”列：校验码错误" in r.content.decode()
    assert not Enterprise.objects.filter(uscc=wrong).exists()


def test_export_round_trip(office_client, office_user):
    services.import_workbook(
        data=workbook(
            [row("甲水泥有限公司", A), row("乙化工有限公司", B, designated="是", land_area_mu=None)]
        ),
        filename="x.xlsx",
        user=office_user,
    )
    Enterprise.objects.exclude(uscc__in=[A, B]).delete()
    snapshot = {e.uscc: services.export_rows([e])[0] for e in Enterprise.objects.all()}
    r = office_client.get("/enterprises/export.xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    exported = b"".join(r.streaming_content) if r.streaming else r.content
    ws = openpyxl.load_workbook(io.BytesIO(exported)).worksheets[0]
    rows = [list(v) for v in ws.iter_rows(values_only=True)]
    assert HEADERS in rows
    Enterprise.objects.all().delete()
    report = services.import_workbook(data=exported, filename="导出.xlsx", user=office_user)
    assert (report.created, report.errors) == (2, [])
    assert {e.uscc: services.export_rows([e])[0] for e in Enterprise.objects.all()} == snapshot


def test_export_is_office_and_leader_only(client, leader_client, enterprise_client, department_client):
    assert leader_client.get("/enterprises/export.xlsx").status_code == 200
    for c in (enterprise_client, department_client):
        assert c.get("/enterprises/export.xlsx").status_code in (403, 404)
    assert client.get("/enterprises/export.xlsx").status_code in (302, 403, 404)


@pytest.mark.parametrize(
    ("annual", "designated", "expected"),
    [
        (Decimal("10000"), False, "key_unit"),
        (Decimal("25000"), True, "key_unit"),
        (Decimal("9999.99"), False, "candidate"),
        (Decimal("5000"), True, "designated"),
        (Decimal("4999"), False, "below"),
        (None, False, "unknown"),
    ],
)
def test_key_unit_status_from_reported_consumption(annual, designated, expected):
    e = Enterprise(name="x", uscc=A, annual_energy_tce=annual, designated=designated)
    assert e.key_unit_status() == expected


def test_key_unit_status_falls_back_to_metered_consumption_only_without_statistics():
    e = Enterprise(name="x", uscc=A)
    assert e.key_unit_status(metered_annual_tce=12_000.0) == "key_unit"
    assert e.key_unit_label(metered_annual_tce=6_000.0) == "可指定（5000–10000吨）"
    e.annual_energy_tce = Decimal("3000")
    assert e.key_unit_status(metered_annual_tce=12_000.0) == "below"  # reported statistics win


def test_list_page_shows_status(office_client, office_user):
    services.import_workbook(
        data=workbook([row("甲水泥有限公司", A, annual_energy_tce=15000)]),
        filename="x.xlsx",
        user=office_user,
    )
    html = office_client.get("/enterprises/").content.decode()
    row_html = re.search(r"<tr[^>]*>(?:(?!</tr>).)*甲水泥有限公司(?:(?!</tr>).)*</tr>", html, re.S)
    assert row_html is not None
    assert "重点用能单位" in row_html.group(0)
    assert "可指定" not in row_html.group(0)
