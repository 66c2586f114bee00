"""Seasonal decomposition of monthly series: STL, seasonal strength, and season-only expectations."""

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

MIN_MONTHS = 24  # two full cycles: fewer and STL cannot tell season from trend
PERIOD = 12


def stl_decompose(values: pd.Series) -> pd.DataFrame | None:
    """STL decomposition (period 12, robust to outliers, local-mean seasonal); None under 24 months.

    Parameters
    ----------
    values : pandas.Series
        Monthly values indexed by monthly Period, consecutive months.

    Returns
    -------
    pandas.DataFrame or None
        Indexed like ``values``: ``observed``, ``trend``, ``seasonal`` and ``resid``.
    """
    if len(values) < MIN_MONTHS:
        return None
    y = pd.Series(values.astype(float).to_numpy(), index=values.index.to_timestamp())
    # Degree 0: each calendar month's seasonal value is a local mean of its years; with only two or
    # three years, a local line (the default) passes through every point and absorbs the noise.
    fit = STL(y, period=PERIOD, robust=True, seasonal_deg=0).fit()
    return pd.DataFrame(
        {"observed": fit.observed, "trend": fit.trend, "seasonal": fit.seasonal, "resid": fit.resid}
    ).set_axis(values.index)


def seasonal_strength(decomposition: pd.DataFrame | None) -> float | None:
    """Share of the detrended variation that is seasonal, 0 to 1 (Wang, Smith & Hyndman 2006)."""
    if decomposition is None:
        return None
    rest = decomposition.resid.var()
    both = (decomposition.seasonal + decomposition.resid).var()
    return float(max(0.0, 1 - rest / both)) if both > 0 else 0.0


def stl_expected(decomposition: pd.DataFrame, start, end, start_value: float) -> tuple[float, float]:
    """What season alone makes of ``start_value`` by ``end``, and the spread of the rest under chance.

    Returns
    -------
    (expected, spread)
        ``start_value`` moved by the seasonal component between the two months, and the standard
        deviation of a difference of two remainders (sqrt(2) times theirs).
    """
    expected = start_value + decomposition.seasonal[end] - decomposition.seasonal[start]
    return float(expected), float(np.sqrt(2) * decomposition.resid.std())
