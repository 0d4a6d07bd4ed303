from __future__ import annotations

import json

import pytest

from carbonpeak.monitoring import services
from carbonpeak.monitoring.models import ApiToken, Correction, IngestBatch

pytestmark = pytest.mark.django_db


def post(client, secret, readings, header="bearer"):
    headers = (
        {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if header == "bearer" else {"HTTP_X_API_TOKEN": secret}
    )
    return client.post(
        "/api/monitoring/readings",
        data=json.dumps({"readings": readings}),
        content_type="application/json",
        **headers,
    )


def stored(meter, start="2026-01-01", end="2026-02-01"):
    import datetime as dt

    s = int(dt.datetime.fromisoformat(start + "T00:00:00+08:00").timestamp() * 1e6)
    e = int(dt.datetime.fromisoformat(end + "T00:00:00+08:00").timestamp() * 1e6)
    t = services.get_store().readings([meter.pk], [meter.enterprise_id], s, e)
    return list(zip(t.column("ts_ms").to_pylist(), t.column("value").to_pylist(), strict=True))


def test_token_is_stored_hashed_and_shown_once(enterprise, office_user):
    token, secret = services.create_token(enterprise=enterprise, name="终端", user=office_user)
    assert secret.startswith("cpk_") and len(secret) > 40
    token.refresh_from_db()
    assert secret not in (token.token_hash, token.prefix)
    assert token.token_hash == services.hash_token(secret)
    assert services.authenticate_token(secret) == token
    assert services.authenticate_token(secret + "x") is None


def test_post_readings_accepts_and_stores(client, meter, token_secret):
    r = post(
        client,
        token_secret,
        [
            {"meter": "E01-01", "ts": "2026-01-01T00:15:00+08:00", "value": 100.5},
            {"meter": "E01-01", "ts": "2026-01-01T00:30:00", "value": 101},
        ],
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "accepted" and body["accepted"] == 2 and body["errors"] == []
    assert [v for _t, v in stored(meter)] == [100.5, 101.0]


def test_x_api_token_header_works(client, meter, token_secret):
    r = post(
        client, token_secret, [{"meter_id": meter.pk, "ts": "2026-01-01T00:15:00Z", "value": 1}], header="x"
    )
    assert r.status_code == 200


def test_missing_wrong_or_revoked_token_is_401(client, meter, enterprise, office_user):
    assert post(client, "", [{"meter": "E01-01", "ts": "2026-01-01T00:15:00", "value": 1}]).status_code == 401
    assert (
        post(client, "cpk_wrong", [{"meter": "E01-01", "ts": "2026-01-01T00:15:00", "value": 1}]).status_code
        == 401
    )
    token, secret = services.create_token(enterprise=enterprise, name="x", user=office_user)
    services.revoke_token(token=token, user=office_user)
    assert (
        post(client, secret, [{"meter": "E01-01", "ts": "2026-01-01T00:15:00", "value": 1}]).status_code
        == 401
    )
    assert stored(meter) == []


def test_bad_rows_rejected_with_precise_errors_valid_rows_kept(client, meter, token_secret):
    readings = [
        {"meter": "E01-01", "ts": "2026-01-01T00:15:00+08:00", "value": 1},
        {"meter": "NOPE", "ts": "2026-01-01T00:15:00+08:00", "value": 1},
        {"meter": "E01-01", "ts": "yesterday", "value": 1},
        {"meter": "E01-01", "ts": "2026-01-01T00:45:00+08:00", "value": "abc"},
        {"meter": "E01-01", "ts": "2026-01-01T01:00:00+08:00", "value": float("nan") if False else None},
        {"ts": "2026-01-01T01:00:00+08:00", "value": 3},
        {"meter": "E01-01", "ts": "2099-01-01T00:00:00+08:00", "value": 3},
    ]
    r = post(client, token_secret, readings)
    assert r.status_code == 207
    body = r.json()
    assert body["status"] == "partial" and body["accepted"] == 1 and body["rejected"] == 6
    errors = {e["row"]: (e["field"], e["message"]) for e in body["errors"]}
    assert errors[1] == ("meter", "计量点不存在或不属于本企业")
    assert errors[2][0] == "ts" and "ISO 8601" in errors[2][1]
    assert errors[3] == ("value", "读数不是有效数字")
    assert errors[4] == ("value", "缺少读数")
    assert errors[5][0] == "meter"
    assert errors[6] == ("ts", "读数时间晚于当前时间")
    assert len(stored(meter)) == 1


def test_all_bad_is_422_and_nothing_stored(client, meter, token_secret):
    r = post(client, token_secret, [{"meter": "E01-01", "ts": "bad", "value": 1}])
    assert r.status_code == 422 and r.json()["status"] == "rejected"
    assert stored(meter) == []


def test_token_cannot_write_other_enterprises_meter(client, meter, other_meter, token_secret):
    r = post(
        client, token_secret, [{"meter_id": other_meter.pk, "ts": "2026-01-01T00:15:00+08:00", "value": 5}]
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "meter_id"
    assert stored(other_meter) == []


def test_same_reading_twice_counts_once_and_correction_is_logged(client, meter, token_secret):
    rows = [
        {"meter": "E01-01", "ts": f"2026-01-01T{h:02d}:00:00+08:00", "value": 100 + h} for h in range(1, 4)
    ]
    assert post(client, token_secret, rows).status_code == 200
    assert post(client, token_secret, rows).status_code == 200  # resend after a lost ack
    assert len(stored(meter)) == 3
    assert Correction.objects.count() == 0
    r = post(client, token_secret, [{"meter": "E01-01", "ts": "2026-01-01T02:00:00+08:00", "value": 150}])
    assert r.json()["corrections"] == 1
    assert [v for _t, v in stored(meter)] == [101.0, 150.0, 103.0]
    c = Correction.objects.get()
    assert (c.old_value, c.new_value, c.meter_id) == (102.0, 150.0, meter.pk)


def test_out_of_order_and_late_readings(client, meter, token_secret):
    post(client, token_secret, [{"meter": "E01-01", "ts": "2026-01-01T03:00:00+08:00", "value": 30}])
    post(
        client,
        token_secret,
        [
            {"meter": "E01-01", "ts": "2026-01-01T01:00:00+08:00", "value": 10},
            {"meter": "E01-01", "ts": "2026-01-01T02:00:00+08:00", "value": 20},
        ],
    )
    assert [v for _t, v in stored(meter)] == [10.0, 20.0, 30.0]


def test_batch_is_recorded(client, meter, token_secret):
    post(
        client,
        token_secret,
        [
            {"meter": "E01-01", "ts": "2026-01-01T03:00:00+08:00", "value": 30},
            {"meter": "x", "ts": "", "value": 1},
        ],
    )
    b = IngestBatch.objects.get()
    assert (b.source, b.accepted, b.rejected) == ("api", 1, 1)
    assert b.token == ApiToken.objects.get()


def test_list_meters_only_own(client, meter, other_meter, token_secret):
    r = client.get("/api/monitoring/meters", HTTP_AUTHORIZATION=f"Bearer {token_secret}")
    assert r.status_code == 200
    assert [m["id"] for m in r.json()] == [meter.pk]


def test_malformed_json_is_a_clear_error_not_500(client, meter, token_secret):
    r = client.post(
        "/api/monitoring/readings",
        data="{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_secret}",
    )
    assert 400 <= r.status_code < 500


def test_a_reading_that_is_not_an_object_is_a_row_error(client, meter, token_secret):
    readings = [{"meter": "E01-01", "ts": "2026-01-01T00:15:00+08:00", "value": 1}, 5, ["E01-01"], None]
    r = post(client, token_secret, readings)
    assert r.status_code == 207
    body = r.json()
    assert (body["accepted"], body["rejected"]) == (1, 3)
    assert {e["row"] for e in body["errors"]} == {1, 2, 3}
    assert all("应为对象" in e["message"] for e in body["errors"])
    assert len(stored(meter)) == 1


def test_readings_must_be_a_list(client, meter, token_secret):
    for body in ({"readings": {"meter": "E01-01"}}, {"readings": None}, "readings"):
        r = client.post(
            "/api/monitoring/readings",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token_secret}",
        )
        assert r.status_code == 400 and "readings" in r.json()["detail"]
    assert IngestBatch.objects.count() == 0
