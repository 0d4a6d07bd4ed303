"""Partner API: signature and replay window, idempotency, per-row errors, crediting, alarms."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from carbonpeak.credits.models import Activity, IngestBatch, LedgerEntry, PartnerAlarm
from carbonpeak.credits.services import ledger

from .conftest import PHONES, post, trip

pytestmark = pytest.mark.django_db


def test_signed_batch_is_credited_to_the_ledger_before_the_response(partner, people) -> None:
    resp = post(Client(), partner, [trip("T1"), trip("T2", start="2026-03-02T18:00:00+08:00")])
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["credited"], body["rejected"], body["points"]) == (2, 0, 160)
    assert body["reduction_kg"] == pytest.approx(0.160)
    # 2 trips × 0.080 kg × 1000 points/kg
    assert ledger.balance(people[0]) == 160
    entries = list(LedgerEntry.objects.filter(resident=people[0]).select_related("activity", "version"))
    assert [e.kind for e in entries] == ["credit", "credit"]
    assert {e.version.version for e in entries} == {"v1"}
    assert {e.activity.record_id for e in entries} == {"T1", "T2"}


def test_bad_signature_wrong_secret_and_replay_window(partner, people) -> None:
    c = Client()
    assert post(c, partner, [trip("T1")], secret="0" * 64).status_code == 401
    assert PartnerAlarm.objects.filter(partner=partner, kind="auth").exists()
    old = int(time.time()) - 301
    resp = post(c, partner, [trip("T1")], ts=old)
    assert resp.status_code == 401 and "300秒" in resp.json()["detail"]
    assert post(c, partner, [trip("T1")], ts=int(time.time()) - 290).status_code == 200
    # a signature over another body does not fit
    resp = c.post(
        "/api/credits/activities",
        data=b'{"records": []}',
        content_type="application/json",
        HTTP_X_PARTNER_KEY=partner.key_id,
        HTTP_X_TIMESTAMP="1",
    )
    assert resp.status_code == 401 and "X-Signature" in resp.json()["detail"]
    assert Activity.objects.count() == 1


def test_inactive_partner_is_refused(partner, people) -> None:
    partner.active = False
    partner.save()
    assert post(Client(), partner, [trip("T1")]).status_code == 401


def test_idempotent_by_partner_record_id(partner, people) -> None:
    c = Client()
    first = post(c, partner, [trip("T1")]).json()
    again = post(c, partner, [trip("T1"), trip("T2", start="2026-03-02T12:00:00+08:00")]).json()
    assert first["credited"] == 1
    assert (again["credited"], again["repeated"]) == (1, 1)
    assert again["results"] == [
        {
            "row": 0,
            "record_id": "T1",
            "status": "repeated",
            "earlier": "credited",
            "reason": "",
            "message": "",
        }
    ]
    assert Activity.objects.count() == 2 and LedgerEntry.objects.count() == 2
    assert ledger.balance(people[0]) == 160


def test_per_row_errors_do_not_stop_the_batch(partner, people) -> None:
    rows = [
        trip("OK"),
        trip("BADTIME", start="2026-03-02T09:00:00+08:00") | {"end": "昨天"},
        trip("NOBODY", phone="13999999999", start="2026-03-02T10:00:00+08:00"),
        trip("BIKE", activity_type="cycling", start="2026-03-02T11:00:00+08:00"),
        "not an object",
        trip("OK"),
    ]
    resp = post(Client(), partner, rows)
    assert resp.status_code == 207
    body = resp.json()
    assert body["credited"] == 1
    fields = {(e["row"], e["field"]) for e in body["errors"]}
    assert fields == {(1, "end"), (2, "phone"), (3, "activity_type"), (4, ""), (5, "record_id")}
    assert all(e["message"] for e in body["errors"])
    assert post(Client(), partner, ["x"]).status_code == 422


def test_bad_body_is_400(partner) -> None:
    c = Client()
    assert post(c, partner, [], body=b"{not json").status_code == 400
    assert post(c, partner, [], body=b'{"rows": []}').status_code == 400


def test_fraud_rules_and_daily_cap_via_api(partner, people) -> None:
    rows = [
        trip("A", start="2026-03-03T07:00:00+08:00", minutes=30),
        trip("B", start="2026-03-03T07:10:00+08:00", minutes=30),  # overlaps A
        trip("C", start="2026-03-03T09:00:00+08:00"),
        trip("C2", start="2026-03-03T09:00:00+08:00"),  # same trip, other record id
        trip("D", start="2026-03-03T12:00:00+08:00"),
        trip("E", start="2026-03-03T15:00:00+08:00"),
        trip("F", start="2026-03-03T19:00:00+08:00"),  # 5th trip of the day: cap is 4
        trip("G", start="2099-01-01T08:00:00+08:00"),
    ]
    body = post(Client(), partner, rows).json()
    got = {r["record_id"]: (r["status"], r["reason"]) for r in body["results"]}
    assert got == {
        "B": ("rejected", "overlap"),
        "C2": ("rejected", "duplicate"),
        "F": ("capped", "daily_cap"),
        "G": ("rejected", "future"),
    }
    assert body["credited"] == 4 and ledger.balance(people[0]) == 320
    assert PartnerAlarm.objects.filter(partner=partner, kind="fraud", closed_at__isnull=True).count() == 1
    # the overlap check also holds against trips of earlier batches
    later = post(Client(), partner, [trip("H", start="2026-03-03T07:20:00+08:00", minutes=5)]).json()
    assert later["results"][0]["reason"] == "overlap"


def test_version_valid_at_activity_time_is_used(partner, people, bus, office_user) -> None:
    import datetime as dt

    from carbonpeak.credits.models import MethodologyVersion
    from carbonpeak.credits.services import methodologies
    from carbonpeak.engine.carbon_inclusive import BEIJING

    switch = dt.datetime(2026, 4, 1, tzinfo=BEIJING)
    methodologies.close_version(version=bus.versions.get(), valid_to=switch, user=office_user)
    methodologies.add_version(
        methodology=bus,
        user=office_user,
        version="v2",
        valid_from=switch,
        valid_to=None,
        reduction_kg_per_unit=0.1,
        reduction_source="test value",
        baseline_kg_per_unit=None,
        baseline_source="",
        project_kg_per_unit=None,
        project_source="",
        daily_cap_units=None,
        points_per_kg=1000,
    )
    post(
        Client(),
        partner,
        [trip("M", start="2026-03-31T23:00:00+08:00"), trip("A", start="2026-04-01T08:00:00+08:00")],
    )
    got = dict(Activity.objects.values_list("record_id", "version__version"))
    assert got == {"M": "v1", "A": "v2"}
    assert ledger.balance(people[0]) == 80 + 100
    assert MethodologyVersion.objects.count() == 2


def test_reject_rate_alarm(partner, people) -> None:
    rows = [trip(f"X{i}", phone="13999999999", start=f"2026-03-04T{i:02d}:00:00+08:00") for i in range(20)]
    post(Client(), partner, rows)
    alarm = PartnerAlarm.objects.get(partner=partner, kind="reject_rate")
    assert "20 条中拒收 20 条" in alarm.message
    assert IngestBatch.objects.get().rejected == 20


def test_withdrawn_resident_gets_no_new_credits(partner, people) -> None:
    from carbonpeak.credits.services import residents

    residents.withdraw_consent(resident=people[1])
    body = post(Client(), partner, [trip("W", phone=PHONES[1])]).json()
    assert body["errors"][0]["field"] == "phone"


def test_openapi_documents_the_endpoint(db) -> None:
    doc = Client().get("/api/openapi.json").json()
    op = doc["paths"]["/api/credits/activities"]["post"]
    assert {p["name"] for p in op["parameters"]} >= {"X-Partner-Key", "X-Timestamp", "X-Signature"}
    assert "records" in op["requestBody"]["content"]["application/json"]["schema"]["properties"]


def test_trips_of_earlier_batches_are_read_in_utc(partner, people) -> None:
    # stored as 00:00 UTC; read back as local time it would cover 00:00-00:25 Beijing
    post(Client(), partner, [trip("MORNING", start="2026-03-02T08:00:00+08:00")])
    body = post(Client(), partner, [trip("MIDNIGHT", start="2026-03-02T00:05:00+08:00")]).json()
    assert body["credited"] == 1, body
    body = post(Client(), partner, [trip("CLASH", start="2026-03-02T08:10:00+08:00")]).json()
    assert body["results"][0]["reason"] == "overlap"


def test_daily_cap_counts_earlier_batches_of_the_same_beijing_day(partner, people) -> None:
    c = Client()
    post(c, partner, [trip(f"E{h}", start=f"2026-03-03T{h:02d}:05:00+08:00") for h in (0, 6, 9, 12)])
    late = post(c, partner, [trip("LATE", start="2026-03-03T23:30:00+08:00")]).json()
    assert (late["capped"], late["results"][0]["reason"]) == (1, "daily_cap")
    next_day = post(c, partner, [trip("NEXT", start="2026-03-04T00:10:00+08:00")]).json()
    assert next_day["credited"] == 1


def test_evidence_required_by_the_methodology(partner, people, bus) -> None:
    bus.evidence_required = ["route"]
    bus.save()
    body = post(
        Client(),
        partner,
        [trip("T1"), trip("T2", start="2026-03-02T12:00:00+08:00", evidence={"route": "3路"})],
    ).json()
    assert body["credited"] == 1
    assert [(e["record_id"], e["field"]) for e in body["errors"]] == [("T1", "evidence")]
    assert "route" in body["errors"][0]["message"]
