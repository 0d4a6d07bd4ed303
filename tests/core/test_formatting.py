"""The one number-formatting rule (pages, alarms, exports)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from carbonpeak.core.formatting import format_co2_10kt, format_number, format_percent, unit_label


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0459e6, "1,045,900"),
        (968421.7949999999, "968,422"),
        (12345.678, "12,346"),
        (1234.56, "1,234.6"),
        (135.5, "135.5"),
        (38.84, "38.84"),
        (99.867, "99.87"),
        (0.43214, "0.4321"),
        (0, "0"),
        (-1234.0, "-1,234"),
        (Decimal("2500.00"), "2,500"),
        ("1500", "1,500"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_format_number(value, expected):
    assert format_number(value) == expected


def test_units_are_written_for_people():
    assert format_number(1.0459e6, unit="m3") == "1,045,900 m³"
    assert format_number(39, unit="%") == "39%"
    assert format_number(12.5, digits=2, unit="tCO2") == "12.50 吨CO₂"
    assert unit_label("吨CO2/万元") == "吨CO₂/万元"
    assert format_percent(38.84) == "38.8%"
    assert format_co2_10kt(1234567) == "123.46 万吨CO₂"


def test_template_filters():
    html = Template(
        '{% load carbonpeak %}{{ a|number }}|{{ a|number:"m3" }}|{{ p|percent }}|{{ c|co2_10kt }}|{{ n|number }}'
    ).render(Context({"a": 968421.7949999999, "p": 38.84, "c": 2.5e6, "n": None}))
    assert html == "968,422|968,422 m³|38.8%|250.00 万吨CO₂|—"


def test_excel_exports_keep_numbers_with_the_same_rule():
    import io

    from openpyxl import load_workbook

    from carbonpeak.core.formatting import excel_number_format
    from carbonpeak.core.tables import table_workbook

    assert excel_number_format(968421.795) == "#,##0"
    assert excel_number_format(1234.5) == "#,##0.0"
    assert excel_number_format(38.84) == "#,##0.00"
    assert excel_number_format(2025) is None  # a year stays 2025
    assert excel_number_format(123456) == "#,##0"
    assert excel_number_format("文本") is None and excel_number_format(True) is None
    ws = load_workbook(io.BytesIO(table_workbook("测试", ["年份", "用量"], [[2025, 968421.795]]))).active
    year, qty = ws[3]
    assert (year.value, year.number_format) == (2025, "General")
    assert (qty.value, qty.number_format) == (968421.795, "#,##0")
