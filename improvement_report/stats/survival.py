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
    median: float | None  # time by which half have had the event; None when the curve never gets there


@dataclass(frozen=True)
class LogRank:
    """The log-rank test that every group has the same survival curve."""

    chi2: float
    p_value: float
    groups: int


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
    median = fit.quantile(0.5)
    return KaplanMeier(
        times=np.asarray(fit.surv_times, dtype=float),
        survival=np.asarray(fit.surv_prob, dtype=float),
        median=None if median is None or not np.isfinite(median) else float(median),
    )


def log_rank(durations: pd.Series, observed: pd.Series, groups: pd.Series) -> LogRank | None:
    """Log-rank test across ``groups``; None with fewer than two groups or two events."""
    labels = np.asarray(groups).astype(str)
    if len(np.unique(labels)) < 2 or int(np.asarray(observed, dtype=bool).sum()) < 2:
        return None
    chi2, p = survdiff(np.asarray(durations, dtype=float), np.asarray(observed, dtype=int), labels)
    return LogRank(float(chi2), float(p), len(np.unique(labels)))
