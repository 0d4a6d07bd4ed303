"""Carbon-inclusive credits (碳普惠): emission reduction of residents' low-carbon actions.

A published carbon-inclusive methodology turns a verified action (a bus trip, a
shared-bike ride, kWh of electricity saved) into a CO2 reduction

.. math:: ER = BE - PE = q \\cdot (EF_{BE} - EF_{PE})

where :math:`q` is the activity quantity in the methodology's unit (trip, passenger-km,
kWh, kg), :math:`EF_{BE}` the baseline emission factor (the emission of the action the
resident would otherwise have taken, e.g. a private-car trip) and :math:`EF_{PE}` the
project emission factor (the emission of the low-carbon action itself, e.g. the bus),
both in kg CO2 per unit. Some programmes publish the reduction per unit
:math:`EF_{ER} = EF_{BE} - EF_{PE}` directly; then :math:`ER = q \\cdot EF_{ER}`.

A reduction is always computed with the methodology version valid at the activity's start
time, and the result records that version. Factors are configuration entered by the
office with their source; this module refuses to compute when one is missing
(:class:`MissingParameter`). Nothing here holds a default factor.

Anti-fraud rules, all pure: duplicate activity (same resident, type, times and
quantity under another partner record id), overlapping trips of one resident (nobody
rides two vehicles at once), impossible records (end before start, start in the future),
and a daily cap per resident and methodology on the counted quantity.

References
----------
.. [1] DB11/T 3043-2024 (Beijing carbon-inclusive green-travel methodology): ER = BE − PE;
   only its structure was read (preview), no factor values
   (/work/shared/reference/policy/carbon_inclusive_factors.csv, row CI_CAR_BASELINE_EF).
.. [2] 重庆“碳惠通” methodology as applied to shared e-bikes, reduction per km,
   http://tanpaifang.com/fangfaxue/202307/1498699.html (row CI_EBIKE_CQ).
.. [3] 黄莹等 2017, 气候变化研究进展 13(3):284-291: substitution and mean methods for the
   baseline of a metro trip (rows CI_METRO_GZ_SUBST, CI_METRO_GZ_MEAN).

The daily cap and the fraud rules are platform rules required by the county's programme
design (issue 14), not values from a standard; the cap itself is configured per version.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

#: Units of activity quantity a methodology may use, with their Chinese labels.
UNITS: dict[str, str] = {
    "trip": "次",
    "passenger_km": "人·公里",
    "kwh": "千瓦时",
    "kg": "千克",
}

#: Beijing time, the day boundary for daily caps.
BEIJING = dt.timezone(dt.timedelta(hours=8))

#: Clock skew allowed between a partner's clock and the platform's when judging a
#: start time "in the future" [s]. A platform tolerance, not a published value.
CLOCK_SKEW_S = 300

#: Longest trip accepted [h]: a platform rule (no bus ride or bike hire lasts a day); it
#: also bounds how far back the overlap check must look.
MAX_TRIP_H = 24

#: Assessment statuses.
CREDITED = "credited"
CAPPED = "capped"
REJECTED = "rejected"

#: Rejection reason codes and their Chinese messages.
REASONS: dict[str, str] = {
    "no_methodology": "活动时间没有有效的方法学版本",
    "missing_factor": "方法学缺少排放因子，碳达峰办须录入因子及其来源后才能核算",
    "no_reduction": "项目排放不低于基准线排放，无减排量",
    "bad_quantity": "活动量应为正数",
    "end_before_start": "结束时间早于开始时间",
    "future": "活动时间晚于当前时间",
    "too_long": "一次出行超过24小时",
    "duplicate": "重复活动：同一居民同一时间同一活动已记录",
    "overlap": "时间冲突：同一居民两次出行时间重叠",
    "daily_cap": "已达每日上限，本条不计减排量",
}


class MissingParameter(ValueError):
    """A factor the calculation needs was not entered (value unknown, not zero)."""


class NoMethodology(LookupError):
    """No methodology version of the activity type is valid at the activity time."""


@dataclass(frozen=True)
class MethodologyVersion:
    """One version of a carbon-inclusive methodology, as configured by the office.

    Attributes
    ----------
    key : Hashable
        Identifier recorded with every reduction (e.g. the database id of the version).
    activity_type : str
        Activity the methodology covers (e.g. ``bus``, ``metro``, ``cycling``).
    unit : str
        Unit of the activity quantity, one of :data:`UNITS`.
    valid_from : datetime.datetime
        Start of validity, inclusive (timezone-aware).
    valid_to : datetime.datetime or None
        End of validity, exclusive; None while in force.
    baseline_kg_per_unit : float or None
        Baseline emission factor :math:`EF_{BE}` [kg CO2 / unit]; None if not entered.
    project_kg_per_unit : float or None
        Project emission factor :math:`EF_{PE}` [kg CO2 / unit]; None if not entered.
    reduction_kg_per_unit : float or None
        Published reduction per unit :math:`EF_{ER}` [kg CO2 / unit]; when given it is
        used instead of the two factors.
    daily_cap_units : float or None
        Largest quantity credited per resident and Beijing day [unit]; None: no cap.
    points_per_kg : float or None
        Credit points per kg CO2 reduced [points / kg CO2]; None if not entered.
    """

    key: Hashable
    activity_type: str
    unit: str
    valid_from: dt.datetime
    valid_to: dt.datetime | None
    baseline_kg_per_unit: float | None = None
    project_kg_per_unit: float | None = None
    reduction_kg_per_unit: float | None = None
    daily_cap_units: float | None = None
    points_per_kg: float | None = None

    def valid_at(self, at: dt.datetime) -> bool:
        """True if ``at`` lies in [valid_from, valid_to)."""
        return self.valid_from <= at and (self.valid_to is None or at < self.valid_to)


@dataclass(frozen=True)
class Reduction:
    """Emission reduction of one activity.

    Attributes
    ----------
    baseline_kg : float or None
        Baseline emission :math:`BE` [kg CO2]; None when the methodology publishes the
        reduction per unit directly.
    project_kg : float or None
        Project emission :math:`PE` [kg CO2]; None as above.
    reduction_kg : float
        Emission reduction :math:`ER` [kg CO2].
    """

    baseline_kg: float | None
    project_kg: float | None
    reduction_kg: float


def version_at(
    versions: Iterable[MethodologyVersion], activity_type: str, at: dt.datetime
) -> MethodologyVersion:
    """The methodology version of ``activity_type`` valid at ``at``.

    When versions overlap (they should not), the one that started last wins.

    Raises
    ------
    NoMethodology
        No version of that type is valid at ``at``.
    """
    candidates = [v for v in versions if v.activity_type == activity_type and v.valid_at(at)]
    if not candidates:
        raise NoMethodology(f"{at:%Y-%m-%d %H:%M} 没有“{activity_type}”的有效方法学版本")
    return max(candidates, key=lambda v: v.valid_from)


def emission_reduction(version: MethodologyVersion, quantity: float) -> Reduction:
    """Emission reduction ER = BE − PE of ``quantity`` units under ``version``.

    Parameters
    ----------
    version : MethodologyVersion
        Methodology version valid at the activity time.
    quantity : float
        Activity quantity [unit of the methodology: trip, passenger-km, kWh or kg].

    Returns
    -------
    Reduction
        :math:`BE = q \\cdot EF_{BE}`, :math:`PE = q \\cdot EF_{PE}` and
        :math:`ER = BE - PE` [kg CO2]; or :math:`ER = q \\cdot EF_{ER}` when the version
        publishes the reduction per unit.

    Raises
    ------
    MissingParameter
        Neither the reduction per unit nor both emission factors were entered.

    References
    ----------
    DB11/T 3043-2024 [1]_; 碳惠通 [2]_.
    """
    if version.reduction_kg_per_unit is not None:
        return Reduction(None, None, quantity * version.reduction_kg_per_unit)
    if version.baseline_kg_per_unit is None or version.project_kg_per_unit is None:
        missing = [
            name
            for name, value in (
                ("基准线排放因子", version.baseline_kg_per_unit),
                ("项目排放因子", version.project_kg_per_unit),
            )
            if value is None
        ]
        raise MissingParameter(f"方法学“{version.activity_type}”缺少{'、'.join(missing)}，不能核算减排量")
    be = quantity * version.baseline_kg_per_unit
    pe = quantity * version.project_kg_per_unit
    return Reduction(be, pe, be - pe)


def credit_points(reduction_kg: float, points_per_kg: float | None) -> int:
    """Credit points for a reduction, rounded down (never more than earned).

    .. math:: P = \\lfloor ER \\cdot k \\rfloor

    Parameters
    ----------
    reduction_kg : float
        Emission reduction [kg CO2].
    points_per_kg : float or None
        Conversion set by the programme [points / kg CO2].

    Raises
    ------
    MissingParameter
        The conversion was not entered.
    """
    if points_per_kg is None:
        raise MissingParameter("方法学未设置积分换算（积分/千克CO2），不能计算积分")
    # A tolerance of 1e-9 keeps 0.1 × 10 = 0.99999… from losing a point to floating point.
    return max(0, math.floor(reduction_kg * points_per_kg + 1e-9))


def capped_quantity(quantity: float, cap: float | None, already: float) -> float:
    """Quantity that may still be credited today.

    .. math:: q_c = \\max(0, \\min(q, C - q_{today}))

    Parameters
    ----------
    quantity : float
        Quantity of the new activity [unit].
    cap : float or None
        Daily cap [unit]; None: no cap.
    already : float
        Quantity already credited to the resident that Beijing day under the same
        methodology [unit].
    """
    if cap is None:
        return quantity
    return max(0.0, min(quantity, cap - already))


@dataclass(slots=True)  # not frozen: thousands are built per batch, frozen init is slower
class Activity:
    """One reported low-carbon action of a resident.

    Attributes
    ----------
    ref : Hashable
        Identifier of the record (its index in a batch, or a database id).
    resident : Hashable
        Resident identifier.
    activity_type : str
        Activity type (matches :attr:`MethodologyVersion.activity_type`).
    start : datetime.datetime
        Start time (timezone-aware).
    end : datetime.datetime or None
        End time of a trip; None for activities without duration (e.g. kWh saved).
    quantity : float
        Quantity [unit of the methodology].
    """

    ref: Hashable
    resident: Hashable
    activity_type: str
    start: dt.datetime
    end: dt.datetime | None
    quantity: float

    def signature(self) -> tuple:
        return (self.resident, self.activity_type, self.start, self.end, self.quantity)


def beijing_day(at: dt.datetime) -> dt.date:
    """Calendar day of ``at`` in Beijing time (the day of a daily cap)."""
    return at.astimezone(BEIJING).date()


def find_duplicates(new: Sequence[Activity], prior: Iterable[Activity] = ()) -> dict[Hashable, Hashable]:
    """New activities that repeat an earlier one: same resident, type, start, end and quantity.

    Returns
    -------
    dict
        ``ref`` of each duplicate → ``ref`` of the activity it repeats (a prior one, or an
        earlier one in ``new``).
    """
    seen: dict[tuple, Hashable] = {a.signature(): a.ref for a in prior}
    out: dict[Hashable, Hashable] = {}
    for a in new:
        sig = a.signature()
        if sig in seen:
            out[a.ref] = seen[sig]
        else:
            seen[sig] = a.ref
    return out


def find_overlaps(
    new: Sequence[Activity], prior: Iterable[Activity] = (), *, skip: Iterable[Hashable] = ()
) -> dict[Hashable, Hashable]:
    """New trips that overlap in time with another trip of the same resident.

    A trip is an activity with an end time; trips :math:`[s_1, e_1)` and :math:`[s_2, e_2)`
    overlap when :math:`s_1 < e_2` and :math:`s_2 < e_1` (one may end at the minute the
    next starts). New trips are taken in start order; a trip that overlaps an accepted
    (prior or earlier new) trip is flagged and not used against later ones.

    Parameters
    ----------
    new : sequence of Activity
    prior : iterable of Activity
        Trips already accepted.
    skip : iterable
        ``ref`` of new activities already rejected for another reason.

    Returns
    -------
    dict
        ``ref`` of each overlapping trip → ``ref`` of the trip it overlaps.
    """
    skipped = set(skip)
    # Per resident, accepted trips as parallel lists sorted by start: starts [s], ends [s]
    # and refs. Accepted trips do not overlap one another, so their ends increase with
    # their starts and only the last trip starting before a new trip ends can overlap it
    # (a binary search instead of a scan).
    starts: dict[Hashable, list[float]] = defaultdict(list)
    ends: dict[Hashable, list[float]] = defaultdict(list)
    refs: dict[Hashable, list[Hashable]] = defaultdict(list)

    def add(resident: Hashable, s0: float, e0: float, ref: Hashable) -> None:
        i = bisect.bisect_right(starts[resident], s0)
        starts[resident].insert(i, s0)
        ends[resident].insert(i, e0)
        refs[resident].insert(i, ref)

    for p in sorted((p for p in prior if p.end is not None), key=lambda p: p.start):
        assert p.end is not None
        add(p.resident, p.start.timestamp(), p.end.timestamp(), p.ref)
    out: dict[Hashable, Hashable] = {}
    for a in sorted((a for a in new if a.end is not None and a.ref not in skipped), key=lambda a: a.start):
        assert a.end is not None
        s0, e0 = a.start.timestamp(), a.end.timestamp()
        i = bisect.bisect_left(starts[a.resident], e0) - 1
        if i >= 0 and ends[a.resident][i] > s0:
            out[a.ref] = refs[a.resident][i]
        else:
            add(a.resident, s0, e0, a.ref)
    return out


def impossible(activity: Activity, now: dt.datetime) -> str | None:
    """Reason code if the record cannot be true on its own, else None.

    ``end_before_start``: the end precedes the start; ``too_long``: a trip longer than
    :data:`MAX_TRIP_H`; ``future``: the start lies more
    than :data:`CLOCK_SKEW_S` after ``now``; ``bad_quantity``: quantity not positive or
    not finite.
    """
    if not (math.isfinite(activity.quantity) and activity.quantity > 0):
        return "bad_quantity"
    if activity.end is not None and activity.end < activity.start:
        return "end_before_start"
    if activity.end is not None and activity.end - activity.start > dt.timedelta(hours=MAX_TRIP_H):
        return "too_long"
    if activity.start > now + dt.timedelta(seconds=CLOCK_SKEW_S):
        return "future"
    return None


@dataclass(slots=True)
class Assessment:
    """Outcome of one activity.

    Attributes
    ----------
    ref : Hashable
        The activity's ``ref``.
    status : str
        ``credited``, ``capped`` (accepted, part or all of the quantity over the daily cap)
        or ``rejected``.
    reason : str
        Reason code (see :data:`REASONS`), empty when credited in full.
    version_key : Hashable or None
        Methodology version used.
    counted_quantity : float
        Quantity credited after the daily cap [unit].
    baseline_kg, project_kg : float or None
        Baseline and project emission of the counted quantity [kg CO2].
    reduction_kg : float
        Credited emission reduction [kg CO2].
    points : int
        Credited points.
    related : Hashable or None
        ``ref`` of the activity this one duplicates or overlaps.
    """

    ref: Hashable
    status: str
    reason: str = ""
    version_key: Hashable | None = None
    counted_quantity: float = 0.0
    baseline_kg: float | None = None
    project_kg: float | None = None
    reduction_kg: float = 0.0
    points: int = 0
    related: Hashable | None = None

    @property
    def message(self) -> str:
        return REASONS.get(self.reason, "")


def assess(
    activities: Sequence[Activity],
    *,
    versions: Sequence[MethodologyVersion],
    now: dt.datetime,
    prior: Iterable[Activity] = (),
    counted_today: Mapping[tuple[Hashable, Hashable, dt.date], float] | None = None,
) -> list[Assessment]:
    """Assess a batch of activities: fraud rules, methodology version, ER, daily cap, points.

    Rules apply in this order: impossible record, duplicate, overlapping trip, methodology
    version valid at the start time, factors entered, daily cap. Activities are taken in
    start order so that a cap is filled by the earliest actions of the day.

    Parameters
    ----------
    activities : sequence of Activity
    versions : sequence of MethodologyVersion
        All versions the region has (any validity).
    now : datetime.datetime
        Current time (timezone-aware).
    prior : iterable of Activity
        Activities of the same residents already accepted (for duplicates and overlaps).
    counted_today : mapping, optional
        ``(resident, version_key, Beijing day)`` → quantity already credited [unit].

    Returns
    -------
    list of Assessment
        In the order of ``activities``.
    """
    prior = list(prior)
    result: dict[Hashable, Assessment] = {}
    for a in activities:
        reason = impossible(a, now)
        if reason:
            result[a.ref] = Assessment(a.ref, REJECTED, reason)
    candidates = [a for a in activities if a.ref not in result]
    for ref, other in find_duplicates(candidates, prior).items():
        result[ref] = Assessment(ref, REJECTED, "duplicate", related=other)
    for ref, other in find_overlaps(candidates, prior, skip=result).items():
        result[ref] = Assessment(ref, REJECTED, "overlap", related=other)
    used: dict[tuple[Hashable, Hashable, dt.date], float] = defaultdict(float, counted_today or {})
    for a in sorted((a for a in activities if a.ref not in result), key=lambda a: a.start):
        try:
            v = version_at(versions, a.activity_type, a.start)
        except NoMethodology:
            result[a.ref] = Assessment(a.ref, REJECTED, "no_methodology")
            continue
        key = (a.resident, v.key, beijing_day(a.start))
        q = capped_quantity(a.quantity, v.daily_cap_units, used[key])
        try:
            red = emission_reduction(v, q)
            pts = credit_points(red.reduction_kg, v.points_per_kg)
        except MissingParameter:
            result[a.ref] = Assessment(a.ref, REJECTED, "missing_factor", version_key=v.key)
            continue
        if q > 0 and red.reduction_kg <= 0:
            result[a.ref] = Assessment(a.ref, REJECTED, "no_reduction", version_key=v.key)
            continue
        used[key] += q
        status, reason = (CREDITED, "") if q == a.quantity else (CAPPED, "daily_cap")
        result[a.ref] = Assessment(
            a.ref,
            status,
            reason,
            version_key=v.key,
            counted_quantity=q,
            baseline_kg=red.baseline_kg,
            project_kg=red.project_kg,
            reduction_kg=red.reduction_kg,
            points=pts,
        )
    return [result[a.ref] for a in activities]
