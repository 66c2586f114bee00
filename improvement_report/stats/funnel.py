"""Funnel plot limits for comparing units' proportions (Spiegelhalter 2005).

A funnel plot draws each unit (here a team) as its proportion against its number of cases,
with control limits around the overall proportion that narrow as the number grows. A unit
outside the 95% limits would be there by chance about 1 time in 20; outside the 99.8% limits
about 1 time in 500. Spiegelhalter (2005), "Funnel plots for comparing institutional
performance", Statistics in Medicine 24: 1185-1202.

Two ways of working out the limits are offered:

* ``"exact"`` (the default): binomial quantiles, interpolated as in Spiegelhalter's
  appendix so the limits are smooth curves rather than steps. Right for small teams.
* ``"normal"``: ``p0 ± z * sqrt(p0 (1 - p0) / n)``, clipped to [0, 1].
"""

import numpy as np
import pandas as pd
from scipy.stats import binom, norm

#: Coverage of the inner and outer limits: about 2 and 3 standard errors.
LEVELS = (0.95, 0.998)
METHODS = ("exact", "normal")
#: Where a unit sits, from worst to best (for a measure where higher is better).
POSITIONS = ("below 99.8%", "below 95%", "within", "above 95%", "above 99.8%")


def exact_limit(p0: float, n, q: float) -> np.ndarray:
    """The ``q`` quantile of an observed proportion out of ``n``, interpolated (Spiegelhalter 2005).

    Parameters
    ----------
    p0 : float
        The target (overall) proportion, strictly between 0 and 1.
    n : int or array-like of int
        Numbers of cases, at least 1.
    q : float
        Probability, e.g. 0.025 for the lower 95% limit or 0.999 for the upper 99.8% limit.

    Returns
    -------
    numpy.ndarray of float
        ``(r - alpha) / n`` clipped to [0, 1], where ``r`` is the smallest count with
        ``P(X <= r) >= q`` for ``X ~ Binomial(n, p0)`` and
        ``alpha = (P(X <= r) - q) / P(X = r)`` moves the limit back smoothly between counts.
    """
    n = np.asarray(n, dtype=float)
    r = binom.ppf(q, n, p0)
    at_r = binom.cdf(r, n, p0)
    below_r = binom.cdf(r - 1, n, p0)  # 0 when r = 0
    alpha = (at_r - q) / (at_r - below_r)
    return np.clip((r - alpha) / n, 0.0, 1.0)


def normal_limit(p0: float, n, q: float) -> np.ndarray:
    """The normal approximation of the same limit: ``p0 + z_q * sqrt(p0 (1 - p0) / n)``, clipped to [0, 1]."""
    n = np.asarray(n, dtype=float)
    return np.clip(p0 + norm.ppf(q) * np.sqrt(p0 * (1 - p0) / n), 0.0, 1.0)


def limits(p0: float, n, method: str = "exact") -> pd.DataFrame:
    """Lower and upper 95% and 99.8% funnel limits for each number of cases.

    Parameters
    ----------
    p0 : float
        Overall proportion, strictly between 0 and 1.
    n : array-like of int
    method : {"exact", "normal"}

    Returns
    -------
    pandas.DataFrame
        Columns ``n``, ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}.")
    if not 0 < p0 < 1:
        raise ValueError(f"Funnel limits need an overall proportion strictly between 0 and 1; got {p0}.")
    limit = exact_limit if method == "exact" else normal_limit
    n = np.asarray(n, dtype=float)
    out = {"n": n}
    for level, name in zip(LEVELS, ("95", "998")):
        tail = (1 - level) / 2
        out[f"lower_{name}"] = limit(p0, n, tail)
        out[f"upper_{name}"] = limit(p0, n, 1 - tail)
    return pd.DataFrame(out)


def position(k, n, p0: float, method: str = "exact") -> pd.Series:
    """Where each unit's proportion ``k / n`` sits against the funnel (one of :data:`POSITIONS`).

    A proportion exactly on a limit counts as within it.
    """
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    lim = limits(p0, n, method)
    p = k / n
    where = np.select(
        [p < lim.lower_998, p < lim.lower_95, p > lim.upper_998, p > lim.upper_95],
        ["below 99.8%", "below 95%", "above 99.8%", "above 95%"],
        default="within",
    )
    return pd.Series(where, dtype="str")
