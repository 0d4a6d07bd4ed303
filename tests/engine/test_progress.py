import datetime as dt

import pytest

from carbonpeak.engine.progress import TaskStatus, WarningLevel, derive_task_status, is_on_time

TODAY = dt.date(2026, 6, 30)


def derive(**kw):
    args = dict(today=TODAY, due_date=None, reported_status=None, last_update=None, stale_after_days=90)
    args.update(kw)
    return derive_task_status(**args)


def test_never_reported_is_not_started():
    d = derive()
    assert d.status == TaskStatus.NOT_STARTED
    assert not d.overdue and not d.stale and d.days_since_update is None


def test_past_due_and_not_completed_is_lagging_and_overdue():
    d = derive(
        due_date=dt.date(2026, 6, 29), reported_status=TaskStatus.IN_PROGRESS, last_update=dt.date(2026, 6, 1)
    )
    assert d.status == TaskStatus.LAGGING
    assert d.overdue
    assert any("完成时限" in r for r in d.reasons)


def test_due_today_is_not_overdue():
    d = derive(due_date=TODAY, reported_status=TaskStatus.IN_PROGRESS, last_update=TODAY)
    assert d.status == TaskStatus.IN_PROGRESS and not d.overdue


def test_completed_wins_over_due_date_and_staleness():
    d = derive(
        due_date=dt.date(2025, 1, 1), reported_status=TaskStatus.COMPLETED, last_update=dt.date(2025, 1, 1)
    )
    assert d.status == TaskStatus.COMPLETED and not d.overdue and not d.stale


def test_red_indicator_makes_task_lagging():
    d = derive(
        reported_status=TaskStatus.IN_PROGRESS,
        last_update=TODAY,
        indicator_levels=[WarningLevel.GREEN, WarningLevel.RED],
    )
    assert d.status == TaskStatus.LAGGING
    assert (
        derive(
            reported_status=TaskStatus.IN_PROGRESS, last_update=TODAY, indicator_levels=[WarningLevel.YELLOW]
        ).status
        == TaskStatus.IN_PROGRESS
    )


def test_stale_after_threshold_days():
    assert not derive(reported_status=TaskStatus.IN_PROGRESS, last_update=TODAY - dt.timedelta(days=90)).stale
    d = derive(reported_status=TaskStatus.IN_PROGRESS, last_update=TODAY - dt.timedelta(days=91))
    assert d.stale and d.days_since_update == 91


def test_never_reported_task_goes_stale_from_tracking_start():
    assert derive(started_on=TODAY - dt.timedelta(days=100)).stale
    assert not derive(started_on=TODAY - dt.timedelta(days=10)).stale


def test_negative_threshold_rejected():
    with pytest.raises(ValueError):
        derive(stale_after_days=-1)


def test_on_time_is_inclusive_of_deadline():
    deadline = dt.date(2026, 4, 10)
    assert is_on_time(submitted_on=deadline, deadline=deadline)
    assert not is_on_time(submitted_on=deadline + dt.timedelta(days=1), deadline=deadline)
    assert not is_on_time(submitted_on=None, deadline=deadline)
