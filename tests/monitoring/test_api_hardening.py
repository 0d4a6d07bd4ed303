"""The ingest API under hostile input: strict numbers and ids, JSON errors, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from carbonpeak.monitoring import services
from carbonpeak.monitoring.models import IngestBatch

pytestmark = pytest.mark.django_db

TS = "2026-01-01T00:15:00+08:00"


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def post_raw(client, secret, body: bytes | str):
    return client.post(
        "/api/monitoring/readings",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def errors_of(response) -> list[dict]:
    assert response["Content-Type"].startswith("application/json")
    return response.json()["errors"]


@pytest.mark.parametrize(
    "value",
    [
        "1,2,3",
        "1_000",
        "1 000",
        "NaN",
        "nan",
        "Infinity",
        "-inf",
        "1e999",
        "0x10",
        "１２",
        True,
        False,
        [1],
        {"v": 1},
    ],
)
def test_value_that_is_not_a_plain_decimal_number_is_a_row_error(client, meter, token_secret, value):
    r = post_raw(
        client, token_secret, json.dumps({"readings": [{"meter": "E01-01", "ts": TS, "value": value}]})
    )
    assert r.status_code == 422
    [error] = errors_of(r)
    assert error["field"] == "value" and "数字" in error["message"]
    assert IngestBatch.objects.get().accepted == 0


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1" * 400, "-" + "9" * 400, "1e400"])
def test_json_number_tokens_out_of_range_are_row_errors(client, meter, token_secret, token):
    body = '{"readings": [{"meter": "E01-01", "ts": "' + TS + '", "value": ' + token + "}]}"
    r = post_raw(client, token_secret, body)
    assert r.status_code == 422, r.content[:300]
    [error] = errors_of(r)
    assert error["field"] == "value"


@pytest.mark.parametrize(
    "value,stored", [("12.5", 12.5), (" 7 ", 7.0), ("-3", -3.0), ("1e3", 1000.0), (4, 4.0)]
)
def test_plain_numbers_are_accepted(client, meter, token_secret, value, stored):
    r = post_raw(
        client, token_secret, json.dumps({"readings": [{"meter": "E01-01", "ts": TS, "value": value}]})
    )
    assert r.status_code == 200, r.content
    assert IngestBatch.objects.get().accepted == 1


@pytest.mark.parametrize("meter_id", [4.7, True, "4.7", "1,2", "1_0", "-1", [1], {"id": 1}, "１"])
def test_meter_id_that_is_not_an_integer_is_a_row_error(client, meter, token_secret, meter_id):
    body = json.dumps({"readings": [{"meter_id": meter_id, "ts": TS, "value": 1}]})
    r = post_raw(client, token_secret, body)
    assert r.status_code == 422
    [error] = errors_of(r)
    assert error["field"] == "meter_id"
    assert "整数" in error["message"] or "不存在" in error["message"]


def test_meter_id_4_point_7_does_not_write_meter_4(client, meter, token_secret):
    body = json.dumps({"readings": [{"meter_id": meter.pk + 0.7, "ts": TS, "value": 1}]})
    r = post_raw(client, token_secret, body)
    assert r.status_code == 422
    assert errors_of(r)[0]["message"] == services.MSG["meter_id_bad"]


def test_integral_meter_id_forms_are_accepted(client, meter, token_secret):
    body = json.dumps(
        {
            "readings": [
                {"meter_id": meter.pk, "ts": TS, "value": 1},
                {"meter_id": str(meter.pk), "ts": "2026-01-01T00:30:00+08:00", "value": 2},
            ]
        }
    )
    r = post_raw(client, token_secret, body)
    assert r.status_code == 200, r.content


def test_body_over_the_limit_is_a_json_413(client, meter, token_secret, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = b'{"readings": [' + b'{"meter": "E01-01", "ts": "%s", "value": 1},' % TS.encode() * 40000 + b"]}"
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    r = post_raw(client, token_secret, body)
    assert r.status_code == 413
    assert r["Content-Type"].startswith("application/json")
    assert "分批" in r.json()["detail"]
    assert IngestBatch.objects.count() == 0


def test_60_mib_body_is_a_json_error_with_the_default_limit(client, meter, token_secret):
    body = b'{"readings": [' + b" " * (60 * 1024 * 1024) + b"]}"
    r = post_raw(client, token_secret, body)
    assert r.status_code == 413
    assert r["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "method,path,headers,status",
    [
        ("post", "/api/monitoring/readings", {}, 401),
        ("get", "/api/monitoring/meters", {"HTTP_AUTHORIZATION": "Bearer cpk_wrong"}, 401),
        ("get", "/api/monitoring/no-such-thing", {}, 404),
        ("get", "/api/no-such-app/", {}, 404),
        ("get", "/api/monitoring/readings", {}, 405),
        ("delete", "/api/monitoring/meters", {}, 405),
    ],
)
def test_api_failures_are_json_with_a_chinese_detail(client, method, path, headers, status):
    r = getattr(client, method)(path, **headers)
    assert r.status_code == status
    assert r["Content-Type"].startswith("application/json"), r.content[:200]
    detail = r.json()["detail"]
    assert isinstance(detail, str) and any("\u4e00" <= ch <= "\u9fff" for ch in detail)


def test_an_unexpected_failure_is_a_json_500(client, meter, token_secret, monkeypatch, settings):
    settings.DEBUG = False

    def boom(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "ingest_rows", boom)
    r = post_raw(client, token_secret, json.dumps({"readings": [{"meter": "E01-01", "ts": TS, "value": 1}]}))
    assert r.status_code == 500
    assert r["Content-Type"].startswith("application/json")
    assert "disk on fire" not in r.content.decode()
    assert "服务器" in r.json()["detail"]
