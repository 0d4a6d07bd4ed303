"""Peak detection on an emission path.

The peak (达峰) of a path is the first year of its maximum over the horizon. A
path whose maximum is its last year has not peaked within the horizon: it may
still be rising. "Peak no later than 2030" means the peak year is ≤ 2030 *and*
the path has peaked within the horizon.

References
----------
.. [1] 《2030年前碳达峰行动方案》(国发〔2021〕23号): 二氧化碳排放量达到峰值后
   稳中有降 — the peak is the maximum of annual emissions, after which they
   do not rise again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class PeakResult:
    """Peak of one path.

    Attributes
    ----------
    year : int
        First year of the maximum.
    value : float
        The maximum [same unit as the path, e.g. t CO2].
    peaked : bool
        True when the maximum comes before the last year of the horizon.
    """

    year: int
    value: float
    peaked: bool

    def peaks_by(self, year: int) -> bool:
        """True when the path peaks within the horizon no later than ``year``."""
        return self.peaked and self.year <= year


def detect_peak(years: Sequence[int], values: Sequence[float]) -> PeakResult:
    """Peak year and value of an annual path.

    Parameters
    ----------
    years : sequence of int
        Consecutive years, ascending.
    values : sequence of float
        Annual emissions [t CO2] (any unit).

    Returns
    -------
    PeakResult

    Notes
    -----
    .. math:: t^* = \\min \\{ t : C_t = \\max_s C_s \\}, \\quad \\text{peaked} = t^* < t_{end}

    Ties (a plateau at the maximum) give the first year of the plateau.
    """
    if len(years) == 0 or len(years) != len(values):
        raise ValueError("年份与排放序列长度不一致或为空")
    arr = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError("排放序列含有非数值")
    idx = int(np.argmax(arr))
    return PeakResult(year=int(years[idx]), value=float(arr[idx]), peaked=idx < len(arr) - 1)


def peak_years(years: npt.ArrayLike, paths: npt.NDArray[np.floating]) -> npt.NDArray[np.int64]:
    """Peak year of each row of ``paths`` (draws × years), vectorised.

    Parameters
    ----------
    years : array_like of int, shape (T,)
    paths : ndarray, shape (N, T)
        Annual emissions per draw [t CO2].

    Returns
    -------
    ndarray of int, shape (N,)
        First year of each row's maximum. A row whose maximum is the last year
        returns the last year (not peaked within the horizon).
    """
    yrs = np.asarray(years, dtype=np.int64)
    return yrs[np.argmax(paths, axis=1)]
