import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
from numpy.testing import assert_allclose

from carbonpeak.engine.meters import (
    INTERVAL_MS,
    Flag,
    Replacement,
    completeness_pct,
    daily_totals,
    find_gaps,
    flat_runs,
    interval_consumption,
    is_stale,
    local_days,
    monthly_totals,
)

T0 = int(dt.datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp() * 1000)


def ts(n, start=T0):
    return start + np.arange(n, dtype=np.int64) * INTERVAL_MS


def test_cumulative_differences_times_multiplier():
    s = interval_consumption(ts(4), np.array([10.0, 11.0, 13.0, 16.0]), multiplier=100)
    assert_allclose(s.consumption, [100, 200, 300])
    assert s.total == 600


def test_rollover_at_register_max():
    s = interval_consumption(ts(4), np.array([99998.0, 99999.5, 1.0, 3.0]), register_max=100000)
    assert_allclose(s.consumption, [1.5, 1.5, 2.0])
    assert s.count(Flag.ROLLOVER) == 1


def test_negative_delta_flagged_and_excluded():
    s = interval_consumption(ts(4), np.array([10.0, 12.0, 11.0, 14.0]))
    assert np.isnan(s.consumption[1])
    assert s.count(Flag.NEGATIVE) == 1
    assert s.total == 2 + 3


def test_meter_replacement_bridged():
    rep = Replacement(int(T0 + 2 * INTERVAL_MS - 60_000), old_final=12.5, new_initial=0.0)
    s = interval_consumption(ts(4), np.array([10.0, 12.0, 1.0, 3.0]), replacements=[rep])
    # 12 -> 12.5 on the old meter, 0 -> 1 on the new one
    assert_allclose(s.consumption, [2.0, 1.5, 2.0])
    assert s.count(Flag.REPLACEMENT) == 1


def test_spike_excluded():
    vals = np.cumsum(np.r_[100.0, np.ones(20)])
    vals[10:] += 500  # one interval with 501 instead of 1
    s = interval_consumption(ts(21), vals)
    assert s.count(Flag.SPIKE) == 1
    assert s.total == 19


def test_interval_kind_uses_values_directly():
    s = interval_consumption(ts(3), np.array([1.0, -2.0, 3.0]), kind="interval", multiplier=2)
    assert_allclose(s.consumption, [2.0, np.nan, 6.0])


def test_gap_keeps_consumption_of_cumulative_register():
    t = np.array([T0, T0 + INTERVAL_MS, T0 + 5 * INTERVAL_MS])
    s = interval_consumption(t, np.array([0.0, 1.0, 5.0]))
    assert s.total == 5 and s.count(Flag.GAP) == 1


def test_local_calendar_is_shanghai():
    # 2026-01-01 00:00 +08:00 is 2025-12-31 16:00 UTC
    assert str(local_days(np.array([T0]))[0]) == "2026-01-01"
    assert str(local_days(np.array([T0 - 1]))[0]) == "2025-12-31"


def test_reading_at_midnight_closes_previous_day():
    t = ts(97)  # 00:00 .. next day 00:00
    s = interval_consumption(t, np.arange(97, dtype=float))
    assert daily_totals(s) == {"2026-01-01": 96.0}
    assert monthly_totals(s) == {"2026-01": 96.0}


def test_completeness_and_gaps():
    t = np.r_[ts(40), ts(50, T0 + 46 * INTERVAL_MS)]
    assert_allclose(completeness_pct(t, T0, T0 + 96 * INTERVAL_MS), 90 / 96 * 100)
    gaps = find_gaps(t, T0, T0 + 96 * INTERVAL_MS)
    assert [(g.missing) for g in gaps] == [6]


def test_flat_run_of_a_day():
    vals = np.r_[np.arange(10.0), np.full(100, 9.0)]
    s = interval_consumption(ts(110), vals)
    runs = flat_runs(s, min_intervals=96)
    assert len(runs) == 1 and runs[0].intervals == 100


def test_staleness():
    assert is_stale(None, 0)
    assert is_stale(0, 5 * 3600_000)
    assert not is_stale(0, 3600_000)
