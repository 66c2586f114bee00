"""Early help (CAF) episodes: the data contract's definitions, month by month.

For a month M ending on day E: open at the end of M when ``start_date <= E`` and the episode
has no end or ends after E; opened in M when it starts in M; closed in M when it ends in M;
open more than 12 months when open at E and ``E - start_date > 365 days``.
"""

import numpy as np
import pandas as pd

from .periods import month_end, pct

NOT_RECORDED = "Not recorded"


def _count_at_or_before(sorted_values: np.ndarray, when: np.ndarray) -> np.ndarray:
    return np.searchsorted(sorted_values, when, side="right")


def monthly_flow(episodes: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Month-end open CAFs, openings, closures and long-open episodes for each month.

    Month-end counts use sorted start and end dates and binary search, so the cost does not
    grow with the number of months times the number of episodes.

    Parameters
    ----------
    episodes : pandas.DataFrame
        Validated ``early_help_episodes`` frame.
    months : pandas.PeriodIndex
        Months to report.

    Returns
    -------
    pandas.DataFrame
        Indexed by month: ``open_end``, ``opened``, ``closed``, ``net_flow`` (opened minus
        closed), ``open_over_12m`` and ``open_over_12m_pct``.
    """
    ends = np.array([month_end(m) for m in months], dtype="datetime64[ns]")
    year_before = ends - np.timedelta64(366, "D")  # E - start > 365 days  <=>  start <= E - 366
    start = np.sort(episodes.start_date.to_numpy())
    end = np.sort(episodes.end_date.dropna().to_numpy())
    open_end = _count_at_or_before(start, ends) - _count_at_or_before(end, ends)
    long_started = episodes.start_date.to_numpy()[:, None] <= year_before[None, :]
    still_open = episodes.end_date.isna().to_numpy()[:, None] | (episodes.end_date.to_numpy()[:, None] > ends[None, :])
    open_long = (long_started & still_open).sum(axis=0)
    opened = episodes.start_date.dt.to_period("M").value_counts().reindex(months, fill_value=0)
    closed = episodes.end_date.dropna().dt.to_period("M").value_counts().reindex(months, fill_value=0)
    out = pd.DataFrame(
        {"open_end": open_end, "opened": opened.to_numpy(), "closed": closed.to_numpy(), "open_over_12m": open_long},
        index=pd.PeriodIndex(months, name="month"),
    )
    out["net_flow"] = out.opened - out.closed
    out["open_over_12m_pct"] = [pct(k, n) for k, n in zip(out.open_over_12m, out.open_end)]
    return out[["open_end", "opened", "closed", "net_flow", "open_over_12m", "open_over_12m_pct"]]


def series_months(episodes: pd.DataFrame, last_month) -> pd.PeriodIndex:
    """Every month from the first episode start to ``last_month``, for whole-series charts."""
    first = episodes.start_date.min().to_period("M") if len(episodes) else pd.Period(last_month, "M")
    return pd.period_range(first, pd.Period(last_month, "M"), freq="M", name="month")


def headline(episodes: pd.DataFrame, month) -> dict:
    """The ``caf`` block of the headline figures for ``month``."""
    month = pd.Period(month, "M")
    flow = monthly_flow(episodes, pd.PeriodIndex([month - 12, month]))
    now, last_year = flow.loc[month], flow.loc[month - 12]
    return {
        "open_end_of_month": int(now.open_end),
        "open_same_month_last_year": int(last_year.open_end),
        "change_over_year": int(now.open_end - last_year.open_end),
        "opened_in_month": int(now.opened),
        "closed_in_month": int(now.closed),
        "open_over_12_months_pct": now.open_over_12m_pct,
    }


def open_at(episodes: pd.DataFrame, month) -> pd.Series:
    """Mask of episodes open at the end of ``month``."""
    e = month_end(month)
    return (episodes.start_date <= e) & (episodes.end_date.isna() | (episodes.end_date > e))


def closed_durations(episodes: pd.DataFrame, first_month, last_month) -> pd.Series:
    """Length in days of episodes closed from ``first_month`` to ``last_month``."""
    closed_month = episodes.end_date.dt.to_period("M")
    done = episodes[(closed_month >= pd.Period(first_month, "M")) & (closed_month <= pd.Period(last_month, "M"))]
    return (done.end_date - done.start_date).dt.days


def with_locality(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episodes with a blank locality shown as "Not recorded", so no row drops out of a breakdown."""
    return episodes.assign(locality=episodes.locality.fillna(NOT_RECORDED))
