"""Time-to-event statistics: Kaplan-Meier estimates and the log-rank test.

Durations come with an event flag: True when the event (for example a return from a missing
episode) was seen, False when the record is censored (still open when the data were taken).
Censored records are kept, so long durations are not lost from recent periods.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight, survdiff


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan-Meier survival curve.

    ``times`` are the distinct event times in ascending order and ``survival`` the estimated
    share without the event just after each of them; before the first event time it is 1.
    """

    times: np.ndarray
    survival: np.ndarray
    median: float | None  # time by which half have had the event (R survfit's convention); None if never reached


@dataclass(frozen=True)
class LogRank:
    """The log-rank test that every group has the same survival curve."""

    chi2: float
    p_value: float
    groups: int


#: Survival within this of one half counts as exactly one half (R's survfit uses sqrt(machine eps)).
HALF_TOLERANCE = np.sqrt(np.finfo(float).eps)


def survfit_median(times, survival) -> float | None:
    """The median of a Kaplan-Meier curve by the convention of R's ``survfit`` (``print.survfit``).

    The median is the first event time at which the curve is at or below one half. When the curve
    sits exactly at one half on a flat step, every time on that step has half the records still
    without the event, so the median is the midpoint of the step: halfway between the time the
    curve reached one half and the next event time, where it drops below. This is the same
    convention as the plain median of uncensored data (the mean of the two middle values), which
    taking the step's upper end does not follow.

    Parameters
    ----------
    times, survival : array-like of float
        Distinct event times in ascending order and the curve just after each.

    Returns
    -------
    float or None
        None when the curve never reaches one half.
    """
    times, survival = np.asarray(times, dtype=float), np.asarray(survival, dtype=float)
    reached = np.flatnonzero(survival < 0.5 + HALF_TOLERANCE)
    if reached.size == 0:
        return None
    first = reached[0]
    if abs(survival[first] - 0.5) < HALF_TOLERANCE:
        lower = np.flatnonzero(survival < survival[first])
        if lower.size:
            return float((times[first] + times[lower[0]]) / 2)
    return float(times[first])


def kaplan_meier(durations: pd.Series, observed: pd.Series) -> KaplanMeier | None:
    """Kaplan-Meier estimate from durations and event flags; None when there are no records.

    Parameters
    ----------
    durations : pandas.Series
        Time to the event, or to censoring, for each record (non-negative).
    observed : pandas.Series
        True where the event was seen, False where the record is censored.
    """
    if len(durations) == 0:
        return None
    fit = SurvfuncRight(np.asarray(durations, dtype=float), np.asarray(observed, dtype=int))
    times, survival = np.asarray(fit.surv_times, dtype=float), np.asarray(fit.surv_prob, dtype=float)
    # Not fit.quantile(0.5): on a flat step at one half it takes the step's upper end.
    return KaplanMeier(times=times, survival=survival, median=survfit_median(times, survival))


def log_rank(durations: pd.Series, observed: pd.Series, groups: pd.Series) -> LogRank | None:
    """Log-rank test across ``groups``; None with fewer than two groups or two events."""
    labels = np.asarray(groups).astype(str)
    if len(np.unique(labels)) < 2 or int(np.asarray(observed, dtype=bool).sum()) < 2:
        return None
    chi2, p = survdiff(np.asarray(durations, dtype=float), np.asarray(observed, dtype=int), labels)
    return LogRank(float(chi2), float(p), len(np.unique(labels)))
