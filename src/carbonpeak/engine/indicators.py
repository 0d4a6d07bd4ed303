"""Indicator tracking: progress toward a target, projection to the target year, status.

An *indicator* (指标) is a tracked series with a baseline ``(t0, B)``, a target
``(t_T, T)`` and a comparator (``>=`` higher is better, ``<=`` lower is better,
``=`` hold a level). Observations are points ``(t, v)``; time is in decimal years
with an annual value placed at the end of its year (``t = year``) and a quarterly
value at the end of its quarter (``t = year - 1 + quarter / 4``).

Two value kinds are handled:

- ``level``: the value itself (capacity [万千瓦], forest cover [%], share [%] ...).
  Target path and projection are linear in time.
- ``decline_pct``: a cumulative decline rate against the base year [%] (e.g. the
  cumulative fall of energy intensity since 2020). A constant annual decline
  compounds, so the target path is ``1 - (1 - T)^(k/n)`` (DEFAULTS.md §6,
  warning_rules.md §2) and projections are linear in ``ln(1 - d)``.

Status rule (all thresholds are module constants)
-------------------------------------------------
With ``A`` the latest observation (at time ``t_n``), ``P`` the value projected to the
target year, ``p`` the progress of ``A`` (:func:`progress_pct`) and ``meets(x)`` the
comparator applied to ``x`` and ``T``:

1. no observation                                   -> ``待填报`` (no data)
2. ``meets(A)`` and (``t_n >= t_T`` or ``p >= 100``) -> ``已达成`` (achieved)
3. the latest observation is at or after ``t_T``    -> ``滞后`` (target year passed, not met)
4. ``meets(P)``                                     -> ``正常`` (on track)
5. ``|P - T| <= RISK_BAND * |T|``                   -> ``有风险`` (at risk)
6. otherwise                                        -> ``滞后`` (lagging)

``meets`` is ``x >= T`` for ``>=`` and for ``=``, ``x <= T`` for ``<=``. The ``=``
comparator is the plan's "稳定在 / 保持在" (hold a level): 森林覆盖率 "稳定在39%" is
held only at or above 39 (38.84 is not 已达成).

The ``p >= 100`` condition keeps status and completion in agreement: a ceiling that
allows growth (能源消费总量 "控制在 … 以内" with ``T > B``) is under its cap long
before the target year while only part of the allowance is used (completion 39 %);
it is then rated by its projection (``正常`` while the projection stays under the
cap), and ``已达成`` only once the target year is reached within the cap.
The 10 % band is the NDRC barometer's yellow/red boundary (发改办环资〔2020〕901号,
warning_rules.md §1): "未完成 … 差距在10%以内" is yellow, more than 10 % is red. When
``T == 0`` the band is taken relative to the required change ``|T - B|`` instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Relative shortfall of the projection (fraction of ``|T|``) still rated 有风险 rather than 滞后.
RISK_BAND = 0.10
#: Number of observations from which the projection is a least-squares trend.
TREND_MIN_POINTS = 3

GTE = ">="
LTE = "<="
EQ = "="
COMPARATORS = (GTE, LTE, EQ)

LEVEL = "level"
DECLINE_PCT = "decline_pct"
VALUE_KINDS = (LEVEL, DECLINE_PCT)

ACHIEVED = "已达成"
ON_TRACK = "正常"
AT_RISK = "有风险"
LAGGING = "滞后"
NO_DATA = "待填报"
STATUSES = (ACHIEVED, ON_TRACK, AT_RISK, LAGGING, NO_DATA)

#: Barometer colour of each status (warning_rules.md §1: green / yellow / red).
STATUS_LEVEL = {ACHIEVED: "green", ON_TRACK: "green", AT_RISK: "yellow", LAGGING: "red", NO_DATA: ""}


@dataclass(frozen=True)
class IndicatorSpec:
    """What an indicator commits to.

    Parameters
    ----------
    comparator : str
        ``">="``, ``"<="`` or ``"="``.
    baseline_year : float
        Year of the baseline value [a].
    baseline_value : float
        Baseline value [indicator unit]; 0 for a ``decline_pct`` indicator at its base year.
    target_year : float
        Year by which the target is due [a].
    target_value : float
        Target value [indicator unit].
    value_kind : str
        ``"level"`` or ``"decline_pct"`` (cumulative decline against the base year [%]).
    """

    comparator: str
    baseline_year: float
    baseline_value: float
    target_year: float
    target_value: float
    value_kind: str = LEVEL

    def __post_init__(self) -> None:
        if self.comparator not in COMPARATORS:
            raise ValueError(f"未知的比较方式：{self.comparator!r}（应为 >=、<= 或 =）")
        if self.value_kind not in VALUE_KINDS:
            raise ValueError(f"未知的指标类型：{self.value_kind!r}")
        if self.target_year <= self.baseline_year:
            raise ValueError(f"目标年份（{self.target_year:g}）必须晚于基准年份（{self.baseline_year:g}）")
        if self.value_kind == DECLINE_PCT and (self.target_value >= 100 or self.baseline_value >= 100):
            raise ValueError("下降率指标的数值必须小于 100%")


@dataclass(frozen=True)
class Point:
    """One observation: time [a, decimal year] and value [indicator unit]."""

    t: float
    value: float


@dataclass(frozen=True)
class Projection:
    """A straight line (in value, or in ``ln(1 - d)`` for decline rates) extended to the target year.

    Attributes
    ----------
    method : str
        ``"linear"`` (baseline to latest observation) or ``"trend"`` (least squares).
    slope_per_year : float
        Slope of the fitted line [unit/a], in the transformed space for ``decline_pct``.
    value : float
        Projected value at the target year [indicator unit].
    """

    method: str
    slope_per_year: float
    value: float


@dataclass(frozen=True)
class Assessment:
    """Where an indicator stands.

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`.
    level : str
        Barometer colour ``"green"``, ``"yellow"``, ``"red"`` or ``""`` (no data).
    latest : Point or None
        Latest observation.
    progress_pct : float or None
        Share of the required change achieved [%] (see :func:`progress_pct`).
    expected_now : float or None
        Value on the target path at the latest observation's time [indicator unit].
    projection : Projection or None
        Projection to the target year.
    shortfall_ratio : float or None
        ``|P - T| / |T|`` when the projection misses the target, else 0 [-].
    """

    status: str
    level: str
    latest: Point | None
    progress_pct: float | None
    expected_now: float | None
    projection: Projection | None
    shortfall_ratio: float | None


def period_time(year: int, quarter: int | None = None) -> float:
    """Decimal time of a reporting period [a].

    An annual value sits at the end of its year, ``t = year``; quarter ``q`` at
    ``t = year - 1 + q / 4`` (so Q4 coincides with the annual value).
    """
    if quarter is None:
        return float(year)
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"季度必须是 1–4，而不是 {quarter}")
    return year - 1 + quarter / 4


def meets(value: float, target: float, comparator: str) -> bool:
    """Whether ``value`` satisfies ``comparator`` against ``target``.

    ``=`` (稳定在 / 保持在: hold a level) is met at or above the level.
    """
    if comparator == LTE:
        return value <= target
    return value >= target


def _to_space(value: float, kind: str) -> float:
    if kind == DECLINE_PCT:
        if value >= 100:
            raise ValueError("下降率必须小于 100%")
        return math.log(1 - value / 100)
    return value


def _from_space(y: float, kind: str) -> float:
    if kind == DECLINE_PCT:
        return (1 - math.exp(y)) * 100
    return y


def target_path_value(spec: IndicatorSpec, t: float) -> float:
    r"""Value the indicator should have at time ``t`` to be on the target path.

    Parameters
    ----------
    spec : IndicatorSpec
    t : float
        Time [a].

    Returns
    -------
    float
        Required value at ``t`` [indicator unit], clamped to the baseline before
        ``t0`` and to the target after ``t_T``.

    Notes
    -----
    For a level indicator the path is linear:

    .. math:: v(t) = B + (T - B)\,\frac{t - t_0}{t_T - t_0}

    For a cumulative decline rate (in %) a constant annual decline compounds:

    .. math:: d(t) = 1 - (1 - B)\,\left(\frac{1 - T}{1 - B}\right)^{\frac{t - t_0}{t_T - t_0}}

    which for ``B = 0`` is the pro-rata progress target ``1 - (1 - T)^{k/n}``.

    References
    ----------
    .. [1] Platform defaults, DEFAULTS.md §6; warning_rules.md §2 (pro-rata progress target of
       a five-year intensity target).
    """
    k = (t - spec.baseline_year) / (spec.target_year - spec.baseline_year)
    k = min(max(k, 0.0), 1.0)
    b = _to_space(spec.baseline_value, spec.value_kind)
    g = _to_space(spec.target_value, spec.value_kind)
    return _from_space(b + (g - b) * k, spec.value_kind)


def progress_pct(spec: IndicatorSpec, value: float) -> float | None:
    r"""Share of the required change from baseline to target that ``value`` represents.

    Parameters
    ----------
    spec : IndicatorSpec
    value : float
        Observed value [indicator unit].

    Returns
    -------
    float or None
        Progress [%], not clamped (over 100 when the target is exceeded, negative when
        the value moved away from the target). For a ``=`` target equal to the baseline
        (hold a level) it is 100 when met and ``None`` otherwise.

    Notes
    -----
    .. math:: p = 100 \cdot \frac{v - B}{T - B}

    References
    ----------
    .. [1] warning_rules.md §1 (barometer: actual against progress target).
    """
    span = spec.target_value - spec.baseline_value
    if span == 0:
        return 100.0 if meets(value, spec.target_value, spec.comparator) else None
    return 100.0 * (value - spec.baseline_value) / span


def project(spec: IndicatorSpec, points: Sequence[Point]) -> Projection | None:
    r"""Project the series to the target year.

    Parameters
    ----------
    spec : IndicatorSpec
    points : sequence of Point
        Observations (any order) [a, indicator unit].

    Returns
    -------
    Projection or None
        ``None`` without observations.

    Notes
    -----
    With fewer than :data:`TREND_MIN_POINTS` observations the line runs from the
    baseline ``(t0, B)`` through the latest observation ``(t_n, v_n)``:

    .. math:: P = v_n + \frac{v_n - B}{t_n - t_0}\,(t_T - t_n)

    (slope 0 when ``t_n <= t0``). With three or more, ordinary least squares on the
    observations ``(t_i, v_i)`` gives slope ``b`` and intercept ``a``:

    .. math:: b = \frac{\sum (t_i - \bar t)(v_i - \bar v)}{\sum (t_i - \bar t)^2},\quad
              a = \bar v - b\,\bar t,\quad P = a + b\,t_T

    For ``decline_pct`` the same is done on ``y = ln(1 - d/100)`` (constant annual
    rate) and transformed back.

    References
    ----------
    .. [1] Montgomery, Peck & Vining, *Introduction to Linear Regression Analysis*, 5th ed.,
       §2.2 (least-squares estimation of the simple linear regression model).
    """
    if not points:
        return None
    kind = spec.value_kind
    pts = sorted(points, key=lambda p: p.t)
    if len({p.t for p in pts}) >= TREND_MIN_POINTS and len(pts) >= TREND_MIN_POINTS:
        # Plain sums: for the few points of an indicator this is several times faster than numpy.
        t = [p.t for p in pts]
        y = [_to_space(p.value, kind) for p in pts]
        n = len(t)
        t_mean = math.fsum(t) / n
        y_mean = math.fsum(y) / n
        sxy = math.fsum((ti - t_mean) * (yi - y_mean) for ti, yi in zip(t, y, strict=True))
        sxx = math.fsum((ti - t_mean) ** 2 for ti in t)
        slope = sxy / sxx
        intercept = y_mean - slope * t_mean
        y_target = intercept + slope * spec.target_year
        return Projection("trend", slope, _from_space(y_target, kind))
    last = pts[-1]
    y_last = _to_space(last.value, kind)
    dt = last.t - spec.baseline_year
    slope = (y_last - _to_space(spec.baseline_value, kind)) / dt if dt > 0 else 0.0
    y_target = y_last + slope * (spec.target_year - last.t)
    return Projection("linear", slope, _from_space(y_target, kind))


def assess(spec: IndicatorSpec, points: Sequence[Point]) -> Assessment:
    """Progress, projection and status of an indicator (rule in the module docstring).

    Parameters
    ----------
    spec : IndicatorSpec
    points : sequence of Point
        Approved observations [a, indicator unit].

    Returns
    -------
    Assessment

    References
    ----------
    .. [1] 国家发展改革委办公厅 发改办环资〔2020〕901号（能耗双控目标完成情况晴雨表）: green when the
       progress target is met, yellow when the shortfall is within 10 % of the target, red beyond.
    """
    if not points:
        return Assessment(NO_DATA, STATUS_LEVEL[NO_DATA], None, None, None, None, None)
    latest = max(points, key=lambda p: p.t)
    projection = project(spec, points)
    assert projection is not None
    target = spec.target_value
    progress = progress_pct(spec, latest.value)
    expected = target_path_value(spec, latest.t)
    if meets(latest.value, target, spec.comparator) and (
        latest.t >= spec.target_year or progress is None or progress >= 100
    ):
        status = ACHIEVED
        shortfall = 0.0
    else:
        scale = abs(target) if target != 0 else abs(target - spec.baseline_value)
        reference = latest.value if latest.t >= spec.target_year else projection.value
        shortfall = abs(reference - target) / scale if scale else math.inf
        if latest.t >= spec.target_year:
            status = LAGGING
        elif meets(projection.value, target, spec.comparator):
            status = ON_TRACK
            shortfall = 0.0
        elif shortfall <= RISK_BAND:
            status = AT_RISK
        else:
            status = LAGGING
    return Assessment(status, STATUS_LEVEL[status], latest, progress, expected, projection, shortfall)


def decline_pct(base: float, current: float) -> float:
    r"""Cumulative decline of an intensity against its base year.

    Parameters
    ----------
    base : float
        Intensity in the base year [any intensity unit, e.g. tce/10^4 yuan].
    current : float
        Intensity in the current year [same unit].

    Returns
    -------
    float
        Decline [%]; negative when the intensity rose.

    Notes
    -----
    .. math:: R = \left(1 - \frac{I_t}{I_{base}}\right) \times 100\%

    References
    ----------
    .. [1] warning_rules.md §2; DEFAULTS.md §5 (cumulative decline ``1 − I_t/I_base``).
    """
    if base <= 0:
        raise ValueError("基准年强度必须为正数")
    return (1 - current / base) * 100
