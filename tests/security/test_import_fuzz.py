"""Fuzzing every import (bounded hypothesis runs): bad input ends in a clear Chinese error
and changes nothing; good input may be imported. No other exception, ever.

Imports covered: enterprise registry (.xlsx), indicator observations (.xlsx), accounting
statistics (CSV and .xlsx), the task ledger (.xlsx), meter readings (CSV, .xlsx, and
the JSON ingest API).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from carbonpeak.core.models import AuditEntry

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
CJK = re.compile(r"[\u4e00-\u9fff]")

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "=1+1",
        "@SUM(A1)",
        "-",
        "+",
        "1,2,3",
        "1_000",
        "NaN",
        "nan",
        "inf",
        "-Infinity",
        "1e999",
        "9" * 400,
        "<img src=x onerror=alert(1)>",
        "０",
        "２０２３",
        "\t",
        "是",
        "否",
        "2023",
        "2020",
        "-5",
        "3.5",
        "1e3",
        "A",
        "C3011",
        "91430621MA4L0000XX",
        "工业",
        "原煤",
        "电力",
        "吨",
        "万千瓦时",
        "2026-01-01T08:00:00+08:00",
        "2099-01-01",
        "1999-12-31T00:00:00",
        "E01-01",
        "1",
        "0",
        "'",
    ]
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
CELL = st.one_of(
    HOSTILE,
    TEXT,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.none(),
)


def rows_of(width: int) -> st.SearchStrategy[list[list]]:
    return st.lists(st.lists(CELL, min_size=width, max_size=width), min_size=1, max_size=6)


def xlsx(header: list[str], rows: list[list], title: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue().encode("utf-8")


def assert_chinese(messages) -> None:
    messages = [str(m) for m in messages]
    assert messages, "an error without a message"
    for message in messages:
        assert CJK.search(message), f"not a Chinese message: {message!r}"


def _counts(*models) -> tuple[int, ...]:
    return tuple(m.objects.count() for m in models) + (AuditEntry.objects.count(),)


# ----------------------------------------------------------------------------- enterprises
@FUZZ
@given(rows=rows_of(13), garbage=st.binary(max_size=64))
def test_enterprise_registry_import(office_user, rows, garbage):
    from carbonpeak.enterprises.models import Enterprise
    from carbonpeak.enterprises.services import COLUMNS, ImportFailed, import_workbook

    for data in (xlsx([c for c, _ in COLUMNS], rows), garbage):
        before = _counts(Enterprise)
        try:
            import_workbook(data=data, filename="名录.xlsx", user=office_user)
        except ImportFailed as exc:
            assert_chinese(exc.report.errors)
            assert _counts(Enterprise) == before


# ----------------------------------------------------------------------------- indicators
@FUZZ
@given(rows=rows_of(7), garbage=st.binary(max_size=64))
def test_indicator_observation_import(office_user, rows, garbage):
    from carbonpeak.indicators.models import Indicator, Observation
    from carbonpeak.indicators.services import HEADERS, SHEET_TITLE, IndicatorInputError, import_observations

    Indicator.objects.get_or_create(
        name="单位GDP能耗降低",
        defaults={"unit": "%", "comparator": ">=", "baseline_year": 2020, "baseline_value": 0},
    )
    for data in (xlsx(list(HEADERS), rows, SHEET_TITLE), garbage):
        before = _counts(Observation)
        try:
            import_observations(data=data, filename="指标.xlsx", user=office_user)
        except IndicatorInputError as exc:
            assert_chinese([str(exc), *exc.errors])
            assert _counts(Observation) == before


# ----------------------------------------------------------------------------- accounting
ECONOMY = (
    b"year,gdp_10k_yuan,gdp_constant_10k_yuan,population\n2020,100000,100000,5000\n2021,110000,105000,5000\n"
)


@FUZZ
@given(rows=rows_of(5), as_xlsx=st.booleans())
def test_accounting_statistics_import(office_user, rows, as_xlsx):
    from carbonpeak.accounting import services
    from carbonpeak.accounting.models import Dataset
    from carbonpeak.engine.accounting import AccountingError

    header = ["year", "sector", "carrier", "quantity", "unit"]
    energy = (
        services.UploadedFile("ENERGY.xlsx", xlsx(header, rows))
        if as_xlsx
        else services.UploadedFile("ENERGY.csv", csv_bytes(header, rows))
    )
    before = _counts(Dataset)
    try:
        services.import_dataset(
            user=office_user,
            name="模糊测试",
            energy_file=energy,
            economy_file=services.UploadedFile("ECONOMY.csv", ECONOMY),
        )
    except AccountingError as exc:
        assert_chinese([str(exc)])
        assert _counts(Dataset) == before


# ----------------------------------------------------------------------------- task ledger
@FUZZ
@given(rows=rows_of(6), garbage=st.binary(max_size=64))
def test_task_ledger_import(rows, garbage):
    from carbonpeak.plans.ledger_excel import HEADERS, LedgerFileError, read_ledger
    from carbonpeak.plans.models import Action, Plan, Task
    from carbonpeak.plans.services import department_registry

    plan = Plan.objects.first() or Plan.objects.create(title="测试方案")
    if not Task.objects.exists():
        action = Action.objects.create(plan=plan, number=1, title="行动一")
        Task.objects.create(action=action, code="1.1", number=1, title="任务", text="内容")
    for data in (xlsx(list(HEADERS), rows), garbage):
        before = _counts(Task)
        try:
            _specs, errors = read_ledger(data, plan=plan, registry=department_registry())
        except LedgerFileError as exc:
            assert_chinese([str(exc)])
        else:
            if errors:
                assert_chinese([f"{e.column}{e.message}" for e in errors])
        assert _counts(Task) == before


# ----------------------------------------------------------------------------- meter readings
@pytest.fixture
def meter(enterprise, settings, tmp_path):
    from carbonpeak.monitoring.models import Meter

    settings.METER_STORE_DIR = tmp_path / "meters"
    return Meter.objects.create(enterprise=enterprise, code="E01-01", name="总表", carrier="电力", unit="kWh")


def _stored() -> int:
    from carbonpeak.monitoring.services import get_store

    files = get_store().files()
    if not files:
        return 0
    return (
        get_store()
        .connection()
        .sql(
            "SELECT count(*) FROM (SELECT DISTINCT meter_id, ts FROM read_parquet($f, hive_partitioning=false))",
            params={"f": files},
        )
        .fetchall()[0][0]
    )


_MINUTES = itertools.count()


def _valid_row() -> list:
    """A reading that must be stored, so the fuzz runs also exercise the storing path."""
    ts = dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))) + dt.timedelta(
        minutes=15 * next(_MINUTES)
    )
    return ["E01-01", ts.isoformat(), 1.5]


def _check_result(result, before: int) -> None:
    assert result.accepted + result.rejected <= result.received or result.received == 0
    if result.errors:
        assert_chinese([e.message for e in result.errors])
    assert _stored() - before <= result.accepted


@FUZZ
@given(rows=rows_of(3), as_xlsx=st.booleans())
def test_meter_reading_files(meter, office_user, tmp_path, rows, as_xlsx):
    from carbonpeak.monitoring import services
    from carbonpeak.monitoring.models import IngestBatch

    before = _stored()
    batches = IngestBatch.objects.count()
    header = ["meter", "ts", "value"]
    rows = [_valid_row(), *rows]
    try:
        if as_xlsx:
            result = services.ingest_excel(
                enterprise=meter.enterprise,
                file=io.BytesIO(xlsx(header, rows)),
                user=office_user,
                filename="读数.xlsx",
            )
        else:
            path = tmp_path / "读数.csv"
            path.write_bytes(csv_bytes(header, rows))
            result = services.ingest_csv(
                path=path, enterprise=meter.enterprise, source="upload", user=office_user, filename="读数.csv"
            )
    except services.IngestError as exc:
        assert_chinese([str(exc)])
        assert _stored() == before and IngestBatch.objects.count() == batches
        return
    _check_result(result, before)
    assert result.accepted >= 1 and _stored() > before  # the valid row is stored


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT, HOSTILE),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(TEXT, children, max_size=4)),
    max_leaves=12,
)
READING = st.fixed_dictionaries(
    {},
    optional={
        "meter": st.one_of(HOSTILE, JSON),
        "meter_id": JSON,
        "ts": st.one_of(HOSTILE, JSON),
        "value": JSON,
    },
)


@FUZZ
@given(body=st.one_of(JSON, st.fixed_dictionaries({"readings": st.lists(READING, max_size=6)})))
def test_ingest_api(meter, office_user, body):
    from carbonpeak.monitoring import services

    _token, secret = services.create_token(enterprise=meter.enterprise, name="模糊测试", user=office_user)
    before = _stored()
    client = Client(raise_request_exception=False)
    r = client.post(
        "/api/monitoring/readings",
        data=json.dumps(body, allow_nan=True),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert r.status_code in (200, 207, 400, 422), r.content[:300]
    payload = r.json()
    if r.status_code == 400:
        assert_chinese([payload["detail"]])
        assert _stored() == before
    else:
        if payload["errors"]:
            assert_chinese([e["message"] for e in payload["errors"]])
        assert _stored() - before <= payload["accepted"]


@pytest.mark.parametrize("value", ["1e26", "NaN", "Infinity", "1" * 20])
def test_enterprise_numbers_out_of_range_are_row_errors(office_user, value):
    """Found by the fuzzer: 1e26 (quantize) and NaN (comparison) raised decimal.InvalidOperation."""
    from carbonpeak.enterprises.models import Enterprise
    from carbonpeak.enterprises.services import COLUMNS, ImportFailed, import_workbook

    row = ["测试企业", "91430621MA4L0000XX", "C3011", "", "", "", "", value, "2023", "否", "", "", ""]
    with pytest.raises(ImportFailed) as info:
        import_workbook(data=xlsx([c for c, _ in COLUMNS], [row]), filename="名录.xlsx", user=office_user)
    assert_chinese(info.value.report.errors)
    assert any("上年度综合能源消费量" in e for e in info.value.report.errors)
    assert Enterprise.objects.count() == 0
