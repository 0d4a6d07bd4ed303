"""Department assessment (考核): a weighted score and a ranking.

The plan orders a comprehensive evaluation and assessment system
(综合评价考核制度). Each department gets three component scores in [0, 1]:

- on-time reporting rate (按时报送率),
- task status (任务进展),
- target attainment (目标完成), available only where indicators are tracked,

combined with weights the carbon-peak office sets. A component a department has
no data for (no tasks due, no linked targets) does not count against it: its
weight is left out and the remaining weights are renormalised.

References
----------
.. [1] 岳阳县碳达峰实施方案，“五、保障措施·（三）加强监督考核”：逐步建立系统、完善的
   碳达峰碳中和综合评价考核制度……对未完成目标任务的，依规依法实行通报批评和约谈问责。
   The component scales (``TASK_STATUS_SCORE``, ``LEVEL_SCORE``) are this
   platform's defaults, not taken from a standard; the weights are set by the office.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from carbonpeak.engine.progress import TaskStatus, WarningLevel

#: Score of each derived task status [1].
TASK_STATUS_SCORE: Mapping[TaskStatus, float] = {
    TaskStatus.COMPLETED: 1.0,
    TaskStatus.IN_PROGRESS: 0.8,
    TaskStatus.NOT_STARTED: 0.5,
    TaskStatus.LAGGING: 0.0,
}

#: Score of each target warning level [1].
LEVEL_SCORE: Mapping[WarningLevel, float] = {
    WarningLevel.GREEN: 1.0,
    WarningLevel.YELLOW: 0.5,
    WarningLevel.RED: 0.0,
}


@dataclass(frozen=True)
class Weights:
    """Component weights (any non-negative numbers; they are normalised) [1]."""

    reporting: float
    task_status: float
    targets: float

    def __post_init__(self) -> None:
        if min(self.reporting, self.task_status, self.targets) < 0:
            raise ValueError("weights must be non-negative")
        if self.reporting + self.task_status + self.targets <= 0:
            raise ValueError("at least one weight must be positive")


@dataclass(frozen=True)
class DepartmentInput:
    """What is known about one department.

    Attributes
    ----------
    key : str
        Identifier of the department (e.g. its id).
    reports_due : int
        Reports the department had to file by now [count].
    reports_on_time : int
        Of those, first submitted by the deadline [count].
    task_statuses : sequence of TaskStatus
        Derived status of each task it leads.
    target_levels : sequence of WarningLevel or None
        Warning level of each target it is responsible for; ``None`` when the
        indicators app provides no data at all.
    """

    key: str
    reports_due: int
    reports_on_time: int
    task_statuses: Sequence[TaskStatus]
    target_levels: Sequence[WarningLevel] | None = None


@dataclass(frozen=True)
class DepartmentScore:
    """Result for one department; component scores and total in [0, 100]."""

    key: str
    reporting: float | None
    task_status: float | None
    targets: float | None
    total: float | None
    rank: int | None = None


def on_time_rate(reports_on_time: int, reports_due: int) -> float | None:
    r"""On-time reporting rate.

    Parameters
    ----------
    reports_on_time : int
        Reports first submitted by their deadline [count].
    reports_due : int
        Reports due [count].

    Returns
    -------
    float or None
        :math:`r = n_{on\,time} / n_{due}` in [0, 1]; ``None`` when nothing was due.
    """
    if reports_due < 0 or reports_on_time < 0 or reports_on_time > reports_due:
        raise ValueError("need 0 <= reports_on_time <= reports_due")
    if reports_due == 0:
        return None
    return reports_on_time / reports_due


def mean_score(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def department_score(item: DepartmentInput, weights: Weights) -> DepartmentScore:
    r"""Weighted assessment score of one department.

    Parameters
    ----------
    item : DepartmentInput
    weights : Weights

    Returns
    -------
    DepartmentScore
        Components and total on a 0–100 scale; ``total`` is ``None`` if no
        component has data.

    Notes
    -----
    .. math::

        S = 100 \cdot \frac{\sum_{i \in A} w_i s_i}{\sum_{i \in A} w_i}

    where :math:`A` is the set of components with data and positive weight,
    :math:`s_{report}` the on-time rate, :math:`s_{task}` the mean of
    ``TASK_STATUS_SCORE`` over the department's tasks and :math:`s_{target}` the
    mean of ``LEVEL_SCORE`` over its targets.

    References
    ----------
    See the module reference [1]_.
    """
    s_report = on_time_rate(item.reports_on_time, item.reports_due)
    s_task = mean_score(TASK_STATUS_SCORE[s] for s in item.task_statuses)
    s_target = (
        mean_score(LEVEL_SCORE[lv] for lv in item.target_levels) if item.target_levels is not None else None
    )
    parts = [(weights.reporting, s_report), (weights.task_status, s_task), (weights.targets, s_target)]
    used = [(w, s) for w, s in parts if s is not None and w > 0]
    total = None
    if used:
        total = 100.0 * sum(w * s for w, s in used) / sum(w for w, _ in used)

    def pct(v: float | None) -> float | None:
        return None if v is None else 100.0 * v

    return DepartmentScore(item.key, pct(s_report), pct(s_task), pct(s_target), total)


def rank(scores: Iterable[DepartmentScore]) -> list[DepartmentScore]:
    """Sort by total (descending) and assign competition ranks (1, 2, 2, 4 …).

    Departments without a total come last, unranked.
    """
    items = list(scores)
    with_total = sorted((s for s in items if s.total is not None), key=lambda s: (-(s.total or 0.0), s.key))
    ranked: list[DepartmentScore] = []
    previous: float | None = None
    current_rank = 0
    for position, s in enumerate(with_total, start=1):
        rounded = round(s.total or 0.0, 6)
        if previous is None or rounded != previous:
            current_rank = position
            previous = rounded
        ranked.append(DepartmentScore(s.key, s.reporting, s.task_status, s.targets, s.total, current_rank))
    ranked.extend(s for s in items if s.total is None)
    return ranked
