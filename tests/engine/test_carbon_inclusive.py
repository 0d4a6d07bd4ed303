"""Carbon-inclusive reductions, caps and fraud rules, hand-computed.

Factor values marked "test value" are made up for arithmetic; the others are the rows of
/work/shared/reference/policy/carbon_inclusive_factors.csv named beside them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from numpy.testing import assert_allclose

from carbonpeak.engine import carbon_inclusive as ci

BJ = ci.BEIJING
T0 = dt.datetime(2026, 3, 1, tzinfo=BJ)
NOW = dt.datetime(2026, 6, 1, tzinfo=BJ)


def version(key, activity_type="bus", **kw) -> ci.MethodologyVersion:
    base = {"unit": "trip", "valid_from": T0, "valid_to": None, "points_per_kg": 1000.0}
    base.update(kw)
    return ci.MethodologyVersion(key=key, activity_type=activity_type, **base)


def trip(ref, resident="r1", start=(8, 0), minutes=30, activity_type="bus", quantity=1.0, day=2):
    s = dt.datetime(2026, 3, day, *start, tzinfo=BJ)
    return ci.Activity(ref, resident, activity_type, s, s + dt.timedelta(minutes=minutes), quantity)


def test_published_reduction_per_trip() -> None:
    # CI_BUS_BJ_MIN: 80 g CO2 per bus trip; 3 trips = 0.240 kg; 1,000 points/kg -> 240
    v = version("bus-v1", reduction_kg_per_unit=0.080)
    red = ci.emission_reduction(v, 3)
    assert red.baseline_kg is None and red.project_kg is None
    assert_allclose(red.reduction_kg, 0.240)
    assert ci.credit_points(red.reduction_kg, v.points_per_kg) == 240


def test_baseline_minus_project_per_passenger_km() -> None:
    # PE: CI_BUS_PE_BJ 56.2 g CO2 per person-km; BE 0.2 kg/pkm is a test value
    v = version("bus-pkm", unit="passenger_km", baseline_kg_per_unit=0.2, project_kg_per_unit=0.0562)
    red = ci.emission_reduction(v, 10)
    assert_allclose([red.baseline_kg, red.project_kg, red.reduction_kg], [2.0, 0.562, 1.438])
    assert ci.credit_points(red.reduction_kg, 1000) == 1438


def test_ebike_per_km() -> None:
    # CI_EBIKE_CQ: 43 g CO2 per km; 12.5 km = 0.5375 kg; 10 points/kg -> floor(5.375) = 5
    v = version("ebike", activity_type="ebike", unit="passenger_km", reduction_kg_per_unit=0.043)
    assert_allclose(ci.emission_reduction(v, 12.5).reduction_kg, 0.5375)
    assert ci.credit_points(0.5375, 10) == 5


def test_missing_factor_refuses_to_compute() -> None:
    v = version("car", baseline_kg_per_unit=None, project_kg_per_unit=0.0562)
    with pytest.raises(ci.MissingParameter, match="基准线排放因子"):
        ci.emission_reduction(v, 1)
    with pytest.raises(ci.MissingParameter, match="积分换算"):
        ci.credit_points(1.0, None)


def test_version_valid_at_the_activity_time_is_used() -> None:
    switch = dt.datetime(2026, 4, 1, tzinfo=BJ)
    v1 = version("v1", valid_to=switch, reduction_kg_per_unit=0.080)
    v2 = version("v2", valid_from=switch, reduction_kg_per_unit=0.100)
    before = ci.Activity(1, "r", "bus", switch - dt.timedelta(minutes=1), None, 1)
    after = ci.Activity(2, "r", "bus", switch, None, 1)
    out = ci.assess([before, after], versions=[v1, v2], now=NOW)
    assert [o.version_key for o in out] == ["v1", "v2"]
    assert_allclose([o.reduction_kg for o in out], [0.080, 0.100])
    with pytest.raises(ci.NoMethodology):
        ci.version_at([v1, v2], "bus", T0 - dt.timedelta(seconds=1))


def test_daily_cap_counts_the_earliest_trips_of_the_beijing_day() -> None:
    v = version("v", reduction_kg_per_unit=0.080, daily_cap_units=2)
    acts = [trip(3, start=(18, 0)), trip(1, start=(7, 0)), trip(2, start=(12, 0))]
    # the next Beijing day starts at 00:00 +08:00 (16:00 UTC): a fresh cap
    acts.append(ci.Activity(4, "r1", "bus", dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC), None, 1))
    out = {o.ref: o for o in ci.assess(acts, versions=[v], now=NOW)}
    assert out[1].status == out[2].status == ci.CREDITED
    assert out[3].status == ci.CAPPED and out[3].points == 0 and out[3].counted_quantity == 0
    assert out[4].status == ci.CREDITED and out[4].points == 80


def test_partial_cap_and_quantity_already_credited() -> None:
    v = version("v", unit="passenger_km", reduction_kg_per_unit=0.043, daily_cap_units=20)
    a = ci.Activity(1, "r1", "bus", dt.datetime(2026, 3, 2, 9, tzinfo=BJ), None, 8.0)
    out = ci.assess([a], versions=[v], now=NOW, counted_today={("r1", "v", dt.date(2026, 3, 2)): 15.0})
    assert out[0].status == ci.CAPPED
    assert out[0].counted_quantity == 5.0
    assert_allclose(out[0].reduction_kg, 0.215)
    assert ci.capped_quantity(3, None, 100) == 3


def test_duplicates_in_batch_and_against_prior() -> None:
    v = version("v", reduction_kg_per_unit=0.080)
    prior = [trip("old", start=(7, 0))]
    acts = [trip(1, start=(7, 0)), trip(2, start=(9, 0)), trip(3, start=(9, 0)), trip(4, resident="r2")]
    out = {o.ref: o for o in ci.assess(acts, versions=[v], now=NOW, prior=prior)}
    assert (out[1].reason, out[1].related) == ("duplicate", "old")
    assert out[2].status == ci.CREDITED
    assert (out[3].reason, out[3].related) == ("duplicate", 2)
    assert out[4].status == ci.CREDITED
    assert out[1].message.startswith("重复活动")


def test_overlapping_trips_are_impossible_adjacent_ones_are_not() -> None:
    v = version("v", reduction_kg_per_unit=0.080)
    w = version("w", activity_type="bike", reduction_kg_per_unit=0.052)
    acts = [
        trip(1, start=(8, 0), minutes=30),
        trip(2, start=(8, 20), minutes=30, activity_type="bike"),  # overlaps 1 on another mode
        trip(3, start=(8, 30), minutes=10),  # starts when 1 ends
        trip(4, start=(8, 35), minutes=30, resident="r2"),  # another resident
    ]
    out = {o.ref: o for o in ci.assess(acts, versions=[v, w], now=NOW)}
    assert (out[2].reason, out[2].related) == ("overlap", 1)
    assert out[1].status == out[3].status == out[4].status == ci.CREDITED
    prior = [trip("p", start=(8, 5), minutes=5)]
    assert ci.find_overlaps([trip(5, start=(8, 0))], prior) == {5: "p"}


def test_impossible_records() -> None:
    v = version("v", reduction_kg_per_unit=0.080)
    s = dt.datetime(2026, 3, 2, 8, tzinfo=BJ)
    acts = [
        ci.Activity(1, "r", "bus", s, s - dt.timedelta(minutes=1), 1),
        ci.Activity(2, "r", "bus", NOW + dt.timedelta(seconds=ci.CLOCK_SKEW_S + 1), None, 1),
        ci.Activity(3, "r", "bus", NOW + dt.timedelta(seconds=60), None, 1),
        ci.Activity(4, "r", "bus", s, None, 0),
        ci.Activity(5, "r", "bus", s, None, float("nan")),
        ci.Activity(6, "r", "metro", s, None, 1),
        ci.Activity(7, "r", "bus", s, s + dt.timedelta(hours=24, seconds=1), 1),
        ci.Activity(8, "q", "bus", s, s + dt.timedelta(hours=24), 1),
    ]
    out = [o.reason for o in ci.assess(acts, versions=[v], now=NOW)]
    assert out == [
        "end_before_start",
        "future",
        "",
        "bad_quantity",
        "bad_quantity",
        "no_methodology",
        "too_long",
        "",
    ]


def test_no_reduction_and_missing_factor_are_rejected_per_row() -> None:
    worse = version("w", baseline_kg_per_unit=0.05, project_kg_per_unit=0.06)
    missing = version("m", activity_type="car", baseline_kg_per_unit=None, project_kg_per_unit=0.0)
    acts = [trip(1), trip(2, activity_type="car", start=(10, 0))]
    out = ci.assess(acts, versions=[worse, missing], now=NOW)
    assert [(o.reason, o.version_key) for o in out] == [("no_reduction", "w"), ("missing_factor", "m")]


def test_overlap_search_matches_a_plain_scan() -> None:
    import random

    rng = random.Random(14)
    for _ in range(200):
        acts = []
        for k in range(rng.randint(1, 12)):
            s = dt.datetime(2026, 3, 2, 6, tzinfo=BJ) + dt.timedelta(minutes=rng.randint(0, 300))
            acts.append(
                ci.Activity(k, rng.choice("ab"), "bus", s, s + dt.timedelta(minutes=rng.randint(1, 60)), 1)
            )
        prior, new = acts[: len(acts) // 3], acts[len(acts) // 3 :]
        # plain scan over accepted trips (prior trips kept only if they do not overlap each other)
        accepted: list[ci.Activity] = []
        for p in sorted(prior, key=lambda p: p.start):
            if not any(p.resident == b.resident and p.start < b.end and b.start < p.end for b in accepted):
                accepted.append(p)
        expected = {}
        for a in sorted(new, key=lambda a: a.start):
            hit = [b for b in accepted if a.resident == b.resident and a.start < b.end and b.start < a.end]
            if hit:
                expected[a.ref] = hit
            else:
                accepted.append(a)
        got = ci.find_overlaps(new, [p for p in accepted if p in prior])
        assert set(got) == set(expected)
        assert all(any(h.ref == got[r] for h in expected[r]) for r in got)
