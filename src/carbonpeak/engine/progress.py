"""Task progress: derived status, overdue and stale flags, on-time reporting.

A task's status in the ledger is *derived*, not typed in: it follows from the
latest progress report the lead department submitted, the task's due date and,
where the indicators app links a target to the task, the target's warning level.
The carbon-peak office may override the result, always with a reason (kept by the
caller, not here).

Status codes (``TaskStatus``):

======================  ==========================
``not_started``         未启动
``in_progress``         推进中
``completed``           已完成
``lagging``             滞后
======================  ==========================

References
----------
.. [1] 岳阳县碳达峰实施方案，“五、保障措施·（一）加强组织协调”：定期对重点领域、
   重点行业工作开展情况进行调度，加强跟踪评估和督促检查。
.. [2] Kausal Watch (kausal/kausal-watch-backend), notification types "task late",
   "task due soon", "not updated" with per-plan thresholds — the same three clocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    LAGGING = "lagging"


class WarningLevel(StrEnum):
    """Barometer level of an indicator or target (晴雨表)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class DerivedStatus:
    """The outcome of :func:`derive_task_status`.

    Attributes
    ----------
    status : TaskStatus
        Derived status.
    overdue : bool
        The due date has passed and the task is not completed.
    stale : bool
        No report for longer than the plan's threshold (and not completed).
    days_since_update : int or None
        Whole days since the latest submitted report [d]; ``None`` if never reported.
    reasons : tuple of str
        Human-readable reasons (Simplified Chinese) for the status and flags.
    """

    status: TaskStatus
    overdue: bool
    stale: bool
    days_since_update: int | None
    reasons: tuple[str, ...] = field(default_factory=tuple)


def derive_task_status(
    *,
    today: dt.date,
    due_date: dt.date | None,
    reported_status: TaskStatus | None,
    last_update: dt.date | None,
    stale_after_days: int,
    started_on: dt.date | None = None,
    indicator_levels: Iterable[WarningLevel] = (),
) -> DerivedStatus:
    r"""Derive a task's status and its overdue / stale flags.

    Parameters
    ----------
    today : datetime.date
        The day of evaluation.
    due_date : datetime.date or None
        The task's deadline (完成时限); ``None`` for open-ended tasks.
    reported_status : TaskStatus or None
        Status stated in the latest *submitted* progress report; ``None`` if the
        task has never been reported on.
    last_update : datetime.date or None
        Day of the latest submitted report.
    stale_after_days : int
        Plan threshold: a task not updated for longer than this is stale [d].
    started_on : datetime.date or None
        When tracking began (e.g. the first reporting period's start). Used as the
        reference for staleness when the task has never been reported on.
    indicator_levels : iterable of WarningLevel
        Warning levels of the targets/indicators linked to the task.

    Returns
    -------
    DerivedStatus

    Notes
    -----
    Rules, applied in order:

    1. reported ``completed``                      -> ``completed`` (never overdue or stale);
    2. :math:`t_{today} > t_{due}`                 -> ``lagging``, overdue;
    3. any linked indicator at ``red``             -> ``lagging``;
    4. reported ``lagging``                        -> ``lagging``;
    5. otherwise the reported status, or ``not_started`` without a report.

    Staleness: :math:`t_{today} - t_{ref} > N_{stale}` with
    :math:`t_{ref}` = last update (or ``started_on`` if never reported).

    References
    ----------
    See the module references [1]_ [2]_.
    """
    if stale_after_days < 0:
        raise ValueError("stale_after_days must be >= 0")
    days_since = (today - last_update).days if last_update is not None else None
    if reported_status == TaskStatus.COMPLETED:
        return DerivedStatus(TaskStatus.COMPLETED, False, False, days_since, ("牵头单位报告已完成",))

    reasons: list[str] = []
    status = reported_status or TaskStatus.NOT_STARTED
    overdue = due_date is not None and today > due_date
    if overdue:
        status = TaskStatus.LAGGING
        reasons.append(f"已超过完成时限 {due_date.isoformat()}")  # type: ignore[union-attr]
    levels = set(indicator_levels)
    if WarningLevel.RED in levels:
        if status != TaskStatus.LAGGING:
            status = TaskStatus.LAGGING
        reasons.append("关联指标处于红色预警")
    if reported_status == TaskStatus.LAGGING:
        reasons.append("牵头单位报告进度滞后")
    if reported_status is None:
        reasons.append("尚未报送进展")

    reference = last_update if last_update is not None else started_on
    stale = reference is not None and (today - reference).days > stale_after_days
    if stale:
        reasons.append(f"超过 {stale_after_days} 天未更新")
    return DerivedStatus(status, overdue, stale, days_since, tuple(reasons))


def is_on_time(*, submitted_on: dt.date | None, deadline: dt.date) -> bool:
    """Whether a report was first submitted on or before the period's deadline.

    Parameters
    ----------
    submitted_on : datetime.date or None
        Local day of the first submission; ``None`` if never submitted.
    deadline : datetime.date
        The reporting period's deadline (inclusive).

    Returns
    -------
    bool
    """
    return submitted_on is not None and submitted_on <= deadline
