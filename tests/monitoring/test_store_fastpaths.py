"""The fast paths must give exactly what the careful paths give: bulk CSV, API batches,
the per-partition key index used to detect corrections, collision-proof part files."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carbonpeak.monitoring import services, store
from carbonpeak.monitoring.models import Correction, IngestBatch, Meter

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def us(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).timestamp() * 1_000_000)


def stored(meter) -> list[tuple[int, float]]:
    t = services.get_store().readings([meter.pk], [meter.enterprise_id], 0, 2**62)
    return list(zip(t.column("ts_ms").to_pylist(), t.column("value").to_pylist(), strict=True))


def test_reusing_a_batch_id_never_overwrites_a_part_file(enterprise, meter):
    s = services.get_store()
    for value in (1.0, 2.0):
        s.write(
            meter_id=np.array([meter.pk]),
            enterprise_id=np.array([enterprise.pk]),
            ts_us=np.array([us("2026-01-01T00:15:00+08:00") + int(value)]),
            value=np.array([value]),
            batch_id="same-batch",
            source="cli",
        )
    files = s.files([enterprise.pk])
    assert len(files) == 2 and len(set(files)) == 2
    assert [v for _t, v in stored(meter)] == [1.0, 2.0]


def test_partition_plan_groups_by_enterprise_and_shanghai_month():
    ent = np.array([2, 1, 2, 1, 1])
    ts = np.array(
        [
            us("2026-01-31T23:59:00+08:00"),
            us("2026-02-01T00:00:00+08:00"),  # 2026-01-31 16:00 UTC, but February in Beijing
            us("2026-02-01T08:00:00+08:00"),
            us("2026-01-15T00:00:00+08:00"),
            us("2026-02-10T00:00:00+08:00"),
        ]
    )
    plan = store.partition_plan(ent, ts)
    months = [str(np.datetime64(m, "M")) for _e, m in plan.groups]
    assert list(zip([e for e, _m in plan.groups], months, strict=True)) == [
        (1, "2026-01"),
        (1, "2026-02"),
        (2, "2026-01"),
        (2, "2026-02"),
    ]
    got = [sorted(np.asarray(np.arange(5)[plan.rows(i)]).tolist()) for i in range(len(plan.groups))]
    assert got == [[3], [1, 4], [0], [2]]


def test_sort_dedup_keeps_the_last_of_each_meter_and_time():
    m = np.array([2, 1, 2, 1, 2])
    e = np.array([9, 9, 9, 9, 9])
    t = np.array([10, 10, 5, 10, 10])
    v = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    m2, _e2, t2, v2 = services.sort_dedup(m, e, t, v)
    assert list(zip(m2.tolist(), t2.tolist(), v2.tolist(), strict=True)) == [
        (1, 10, 4.0),
        (2, 5, 3.0),
        (2, 10, 5.0),
    ]


def test_correction_detected_against_a_file_written_by_another_process(
    enterprise, meter, token_secret, client
):
    """The key index must fold in files it did not write itself (other gunicorn workers, CLI)."""
    rows = [{"meter": "E01-01", "ts": "2026-01-01T00:15:00+08:00", "value": 10.0}]
    body = json.dumps({"readings": rows})
    post = lambda b: client.post(  # noqa: E731
        "/api/monitoring/readings",
        data=b,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_secret}",
    )
    assert post(body).json()["corrections"] == 0  # index for the partition now cached
    # "Another process" writes a new value for the same reading straight into the partition.
    part = services.get_store().partition_dir(enterprise.pk, "2026-01")
    other = pa.table(
        {
            "meter_id": pa.array([meter.pk], pa.int64()),
            "ts": pa.array([us("2026-01-01T00:15:00+08:00")], pa.int64()).cast(store.TS_TYPE),
            "value": pa.array([20.0]),
            "ingested_at": pa.array([dt_now_us()], pa.int64()).cast(store.TS_TYPE),
            "batch_id": pa.array(["elsewhere"]),
            "source": pa.array(["cli"]),
        }
    )
    pq.write_table(other, part / f"part-elsewhere-{uuid.uuid4().hex}.parquet")
    r = post(json.dumps({"readings": [dict(rows[0], value=30.0)]})).json()
    assert r["corrections"] == 1
    c = Correction.objects.get()
    assert (c.old_value, c.new_value) == (20.0, 30.0)
    # After compaction (files vanish) the index is rebuilt and still right.
    services.get_store().compact()
    r = post(json.dumps({"readings": [dict(rows[0], value=40.0)]})).json()
    assert r["corrections"] == 1
    assert Correction.objects.order_by("-id").first().old_value == 30.0
    # Resending the current value is no correction.
    assert post(json.dumps({"readings": [dict(rows[0], value=40.0)]})).json()["corrections"] == 0
    assert [v for _t, v in stored(meter)] == [40.0]


def dt_now_us() -> int:
    return int(dt.datetime.now(dt.UTC).timestamp() * 1_000_000)


def test_bulk_csv_fast_path_matches_careful_path(enterprise, meter, tmp_path):
    m2 = Meter.objects.create(enterprise=enterprise, code="E01-02", name="二号", carrier="电力", unit="kWh")
    lines = ["meter_id,ts,value"]
    # Out of order, naive times (Beijing), an explicit offset, Z, and a duplicate (last wins).
    lines += [
        f"{m2.pk},2026-01-01 00:30:00,7",
        f"{meter.pk},2026-01-01 00:30:00,2",
        f"{meter.pk},2026-01-01T00:15:00+08:00,1",
        f"{m2.pk},2025-12-31T16:15:00Z,5",
        f"{m2.pk},2026-01-01 00:30:00,8",
    ]
    good = tmp_path / "good.csv"
    good.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = services.ingest_csv(path=good, enterprise=None, source=IngestBatch.Source.CLI)
    assert (r.received, r.accepted, r.rejected, r.errors) == (5, 4, 0, [])
    t15, t30 = us("2026-01-01T00:15:00+08:00") // 1000, us("2026-01-01T00:30:00+08:00") // 1000
    assert stored(meter) == [(t15, 1.0), (t30, 2.0)]
    assert stored(m2) == [(t15, 5.0), (t30, 8.0)]
    # 2025-12-31T16:15Z is 00:15 on 1 January in Beijing: January's partition, not December's.
    files = services.get_store().files([enterprise.pk])
    assert files and all("/month=2026-01/" in f for f in files)

    # One bad line: the careful path reports it by line number and keeps the rest.
    bad = tmp_path / "bad.csv"
    bad.write_text(f"meter_id,ts,value\n{meter.pk},2026-01-01 00:45:00,3\n{meter.pk},2026-01-01 01:00:00,x\n")
    r = services.ingest_csv(path=bad, enterprise=None, source=IngestBatch.Source.CLI)
    assert (r.accepted, [(e.row, e.field) for e in r.errors]) == (1, [(3, "value")])
    # A meter of an inactive or unknown id also goes to the careful path.
    meter.active = False
    meter.save()
    r = services.ingest_csv(path=good, enterprise=None, source=IngestBatch.Source.CLI)
    assert r.rejected == 2 and {e.message for e in r.errors} == {services.MSG["meter_inactive"]}


def test_api_fast_path_and_careful_path_store_the_same(enterprise, meter, token_secret, client):
    def post(readings):
        return client.post(
            "/api/monitoring/readings",
            data=json.dumps({"readings": readings}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token_secret}",
        ).json()

    clean = [
        {"meter": "E01-01", "ts": "2026-01-01T00:30:00+08:00", "value": 2},
        {"meter": "E01-01", "ts": "2026-01-01T00:15:00Z", "value": 1.5},
        {"meter": "E01-01", "ts": "2026-01-01T00:30:00+08:00", "value": 3},  # duplicate: last wins
    ]
    assert post(clean)["accepted"] == 2
    # The same readings in forms only the row-by-row path accepts (naive time, string value).
    careful = [
        {"meter": " E01-01 ", "ts": "2026-01-01 08:15:00", "value": "1.5"},
        {"meter": "E01-01", "ts": "2026-01-01T00:30:00+08:00", "value": "3"},
    ]
    r = post(careful)
    assert (r["accepted"], r["corrections"]) == (2, 0)
    assert [v for _t, v in stored(meter)] == [3.0, 1.5]


def test_api_body_errors_are_400_with_chinese_detail(client, meter, token_secret):
    for body in ("{not json", json.dumps({"rows": []}), json.dumps([1, 2])):
        r = client.post(
            "/api/monitoring/readings",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token_secret}",
        )
        assert r.status_code == 400
        assert "请求体" in r.json()["detail"]
    assert IngestBatch.objects.count() == 0


def test_openapi_documents_the_readings_body(client):
    schema = client.get("/api/openapi.json").json()
    op = schema["paths"]["/api/monitoring/readings"]["post"]
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["readings"]
    assert set(body["properties"]["readings"]["items"]["properties"]) == {"meter", "meter_id", "ts", "value"}
    assert {"200", "207", "400", "422"} <= set(op["responses"])


def test_index_cache_is_bounded(enterprise, meter, monkeypatch):
    monkeypatch.setattr(store, "INDEX_CACHE_PARTITIONS", 2)
    s = services.get_store()
    for month in range(1, 6):
        ts = np.array([us(f"2026-{month:02d}-02T00:00:00+08:00")])
        s.write(
            meter_id=np.array([meter.pk]),
            enterprise_id=np.array([enterprise.pk]),
            ts_us=ts,
            value=np.array([1.0]),
            batch_id="b",
            source="cli",
        )
        idx, old = s.existing_values(
            meter_id=np.array([meter.pk]), enterprise_id=np.array([enterprise.pk]), ts_us=ts
        )
        assert idx.tolist() == [0] and old.tolist() == [1.0]
    assert len(store._INDEX_CACHE) <= 2
    assert os.path.isdir(s.partition_dir(enterprise.pk, "2026-05"))


def test_correction_detection_falls_back_to_a_query_for_ids_beyond_the_packed_key(enterprise):
    big = Meter.objects.create(
        id=3_000_000, enterprise=enterprise, code="BIG", name="大编号", carrier="电力", unit="kWh"
    )
    rows = [{"meter": "BIG", "ts": "2026-01-01T00:15:00+08:00", "value": 1.0}]
    assert services.ingest_rows(enterprise=enterprise, rows=rows, source="cli").corrections == 0
    r = services.ingest_rows(enterprise=enterprise, rows=[dict(rows[0], value=2.0)], source="cli")
    assert r.corrections == 1
    assert Correction.objects.get(meter=big).old_value == 1.0
    assert [v for _t, v in stored(big)] == [2.0]


def test_bulk_csv_in_order_is_written_by_duckdb_and_corrections_are_logged(enterprise, meter, tmp_path):
    """A clean file in (meter, time) order takes DuckDB's partitioned writer: the files land
    in the enterprise × Beijing-month folders with the documented columns, a second file
    that repeats readings logs only the changed values, and nothing is left in staging."""
    from carbonpeak.enterprises.models import Enterprise

    other = Enterprise.objects.create(name="另一企业", uscc="BULKTEST000000001")
    m2 = Meter.objects.create(enterprise=other, code="B-01", name="乙表", carrier="电力", unit="kWh")
    first = tmp_path / "first.csv"
    first.write_text(
        "meter_id,ts,value\n"
        f"{meter.pk},2026-01-31 23:45:00,10\n"
        f"{meter.pk},2026-02-01 00:00:00,11\n"  # interval ending at midnight: February's partition
        f"{m2.pk},2026-01-15 08:00:00,5\n"
        f"{m2.pk},2026-01-15 08:15:00,6\n",
        encoding="utf-8",
    )
    r = services.ingest_csv(path=first, enterprise=None, source=IngestBatch.Source.CLI)
    assert (r.received, r.accepted, r.rejected, r.corrections) == (4, 4, 0, 0)
    s = services.get_store()
    files = s.files()
    assert sorted(f.split("/readings/")[1].rsplit("/", 1)[0] for f in files) == sorted(
        [
            f"enterprise_id={enterprise.pk}/month=2026-01",
            f"enterprise_id={enterprise.pk}/month=2026-02",
            f"enterprise_id={other.pk}/month=2026-01",
        ]
    )
    assert all(os.path.basename(f).startswith(f"part-{r.batch_id}-") for f in files)
    t = pq.read_table(files[0])
    assert t.column_names == ["meter_id", "ts", "value", "ingested_at", "batch_id", "source"]
    assert t.schema.field("ts").type == pa.timestamp("us", tz="UTC")
    assert set(t.column("batch_id").to_pylist()) == {r.batch_id}
    assert set(t.column("source").to_pylist()) == {IngestBatch.Source.CLI}
    assert not any((s.root / ".staging").iterdir())
    # Repeat: one value changed, one unchanged, one new reading in a new month.
    again = tmp_path / "again.csv"
    again.write_text(
        "meter_id,ts,value\n"
        f"{meter.pk},2026-01-31 23:45:00,10\n"
        f"{meter.pk},2026-02-01 00:00:00,12\n"
        f"{meter.pk},2026-03-01 00:15:00,13\n",
        encoding="utf-8",
    )
    r2 = services.ingest_csv(path=again, enterprise=None, source=IngestBatch.Source.CLI)
    assert (r2.accepted, r2.corrections) == (3, 1)
    c = Correction.objects.get(batch_id=r2.batch_id)
    assert (c.meter_id, c.old_value, c.new_value) == (meter.pk, 11.0, 12.0)
    assert [v for _t, v in stored(meter)] == [10.0, 12.0, 13.0]
    assert [v for _t, v in stored(m2)] == [5.0, 6.0]
    # Sending the same file once more changes nothing and logs nothing.
    assert services.ingest_csv(path=again, enterprise=None, source=IngestBatch.Source.CLI).corrections == 0
    assert [v for _t, v in stored(meter)] == [10.0, 12.0, 13.0]


def test_compaction_removes_staging_left_by_a_killed_bulk_write(enterprise, meter):
    s = services.get_store()
    old = s.root / ".staging" / "dead-batch" / f"enterprise_id={enterprise.pk}" / "month_idx=672"
    old.mkdir(parents=True)
    (old / "data_0.parquet").write_bytes(b"half")
    fresh = s.root / ".staging" / "running-batch"
    fresh.mkdir()
    past = os.stat(old).st_mtime - 7200
    os.utime(s.root / ".staging" / "dead-batch", (past, past))
    s.compact()
    assert not (s.root / ".staging" / "dead-batch").exists()
    assert fresh.is_dir()  # a bulk write may still be using it
    assert s.files() == []  # staged files never count as readings


def test_bulk_csv_keeps_interleaved_meter_ids_in_their_own_enterprise(enterprise, meter, tmp_path):
    """Meter ids of two enterprises interleave (a, b, a): each enterprise's files hold
    its own meters only, each reading once, in its Beijing month."""
    from carbonpeak.enterprises.models import Enterprise

    other = Enterprise.objects.create(name="交错企业", uscc="BULKTEST000000002")
    b = Meter.objects.create(enterprise=other, code="X-01", name="乙", carrier="电力", unit="kWh")
    a2 = Meter.objects.create(enterprise=enterprise, code="E01-09", name="甲二", carrier="电力", unit="kWh")
    assert meter.pk < b.pk < a2.pk
    path = tmp_path / "interleaved.csv"
    rows = ["meter_id,ts,value"]
    for m in (meter, b, a2):
        rows += [f"{m.pk},2026-03-31 23:45:00,{m.pk}", f"{m.pk},2026-04-01 00:15:00,{m.pk + 0.5}"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = services.ingest_csv(path=path, enterprise=None, source=IngestBatch.Source.CLI)
    assert (r.accepted, r.rejected) == (6, 0)
    s = services.get_store()
    for ent, expected in ((enterprise, {meter.pk, a2.pk}), (other, {b.pk})):
        files = s.files([ent.pk])
        assert {f.split("/readings/")[1].split("/")[1] for f in files} == {"month=2026-03", "month=2026-04"}
        ids = [i for f in files for i in pq.read_table(f).column("meter_id").to_pylist()]
        assert sorted(ids) == sorted(list(expected) * 2)  # its own meters, each reading once
    assert stored(b) == [
        (us("2026-03-31T23:45:00+08:00") // 1000, float(b.pk)),
        (us("2026-04-01T00:15:00+08:00") // 1000, b.pk + 0.5),
    ]


def test_bulk_write_failure_publishes_nothing_and_says_so(enterprise, meter, tmp_path, monkeypatch):
    """One enterprise's COPY fails (as on a full disk): the others' files are not
    published, no batch is recorded, staging is cleared and the user gets a Chinese
    message instead of a traceback."""
    from carbonpeak.enterprises.models import Enterprise

    other = Enterprise.objects.create(name="失败企业", uscc="BULKTEST000000003")
    bad = Meter.objects.create(enterprise=other, code="F-01", name="坏", carrier="电力", unit="kWh")
    monkeypatch.setattr(
        store, "MONTH_IDX_SQL", f"(CASE WHEN meter_id = {bad.pk} THEN error('磁盘已满') ELSE 672 END)"
    )
    path = tmp_path / "two.csv"
    path.write_text(
        f"meter_id,ts,value\n{meter.pk},2026-01-05 00:15:00,1\n{bad.pk},2026-01-05 00:15:00,2\n",
        encoding="utf-8",
    )
    with pytest.raises(services.IngestError, match="写入计量库失败"):
        services.ingest_csv(path=path, enterprise=None, source=IngestBatch.Source.CLI)
    s = services.get_store()
    assert s.files() == []
    assert IngestBatch.objects.count() == 0
    assert not any((s.root / ".staging").iterdir())
