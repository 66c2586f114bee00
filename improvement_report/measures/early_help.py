"""Early help (CAF) episodes: the data contract's definitions, month by month.

For a month M ending on day E: open at the end of M when ``start_date <= E`` and the episode
has no end or ends after E; opened in M when it starts in M; closed in M when it ends in M;
open more than 12 months when open at E and ``E - start_date > 365 days``.
"""

import numpy as np
import pandas as pd

from improvement_report.core.periods import month_end, pct
from improvement_report.measures.histograms import day_numbers

NOT_RECORDED = "Not recorded"


_YEAR = 366  # E - start > 365 days  <=>  start <= E - 366 days


def _days(dates: np.ndarray) -> np.ndarray:
    """Day numbers (days since 1970-01-01) of the dates given, leaving out NaT."""
    return day_numbers(dates[~np.isnat(dates)])


class _DayCounts:
    """How many of some days are at or before any day from ``first`` to ``last``.

    One histogram over the days between, after a single pass over the values; earlier values
    fall into the first bin, later ones into the last. A count is then a cumulative sum
    looked up by index: no pass over the values per month.
    """

    def __init__(self, days: np.ndarray, first: int, last: int):
        self.first = first
        bins = np.clip(days - first + 1, 0, last - first + 2)
        self.cumulative = np.cumsum(np.bincount(bins, minlength=last - first + 3))

    def at_or_before(self, day: np.ndarray) -> np.ndarray:
        return self.cumulative[day - self.first + 1]


def monthly_flow(episodes: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Month-end open CAFs, openings, closures and long-open episodes for each month.

    Every column is a difference of two counts "how many dates are at or before a day", read
    from one histogram of each date column, so the cost grows with the number of episodes
    plus the number of days spanned, never with their product. Open more than 12 months at E
    needs start <= E - 366 days and no end, or an end after E: it is those started by
    E - 366 days less the ended ones whose later of (start + 366 days) and end is at or before E.

    Parameters
    ----------
    episodes : pandas.DataFrame
        Validated ``early_help_episodes`` frame.
    months : pandas.PeriodIndex
        Months to report, in any order.

    Returns
    -------
    pandas.DataFrame
        Indexed by month: ``open_end``, ``opened``, ``closed``, ``net_flow`` (opened minus
        closed), ``open_over_12m`` and ``open_over_12m_pct``.
    """
    months = pd.PeriodIndex(months, freq="M")
    ends = _days((months + 1).to_timestamp(how="start").to_numpy(dtype="datetime64[ns]")) - 1  # last day, E
    before = _days(months.to_timestamp(how="start").to_numpy(dtype="datetime64[ns]")) - 1  # the day before M
    first, last = int(min(ends.min(initial=0) - _YEAR, before.min(initial=0))), int(ends.max(initial=0))
    end_dates = episodes.end_date.to_numpy(dtype="datetime64[ns]")
    ended = ~np.isnat(end_dates)
    start, end = _days(episodes.start_date.to_numpy(dtype="datetime64[ns]")), _days(end_dates)
    starts, finishes = _DayCounts(start, first, last), _DayCounts(end, first, last)
    # start_date is required, so never NaT: start lines up with the rows and can be masked.
    long_closed = _DayCounts(np.maximum(start[ended] + _YEAR, end), first, last)
    out = pd.DataFrame(
        {
            "open_end": starts.at_or_before(ends) - finishes.at_or_before(ends),
            "opened": starts.at_or_before(ends) - starts.at_or_before(before),
            "closed": finishes.at_or_before(ends) - finishes.at_or_before(before),
            "open_over_12m": starts.at_or_before(ends - _YEAR) - long_closed.at_or_before(ends),
        },
        index=pd.PeriodIndex(months, name="month"),
    ).astype("int64")
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


NET_ROW = "Change in open CAFs (opened - closed)"


def year_on_year(flow: pd.DataFrame, month) -> pd.DataFrame:
    """Openings and closures in the 12 months to ``month`` against the 12 months before.

    The change in open CAFs over a year equals openings minus closures in that year, so the
    swing between the two years splits exactly into fewer (or more) openings and more (or fewer)
    closures.

    Parameters
    ----------
    flow : pandas.DataFrame
        :func:`monthly_flow` over months that include the 24 months to ``month``.
    month : str or Period
        The last month of the later year.

    Returns
    -------
    pandas.DataFrame
        Rows ``Opened``, ``Closed`` and :data:`NET_ROW`; columns the earlier year, the later
        year (each labelled ``Mon YYYY to Mon YYYY``) and ``Difference``. Empty when the flow
        has fewer than 24 months to ``month``.
    """
    m = pd.Period(month, "M")
    this = flow.loc[m - 11 : m]
    prev = flow.loc[m - 23 : m - 12]
    if len(this) < 12 or len(prev) < 12:
        return pd.DataFrame()
    rows = {
        "Opened": (prev.opened.sum(), this.opened.sum()),
        "Closed": (prev.closed.sum(), this.closed.sum()),
        NET_ROW: (prev.net_flow.sum(), this.net_flow.sum()),
    }
    label_prev = f"{(m - 23).strftime('%b %Y')} to {(m - 12).strftime('%b %Y')}"
    label_this = f"{(m - 11).strftime('%b %Y')} to {m.strftime('%b %Y')}"
    t = pd.DataFrame(rows, index=[label_prev, label_this]).T
    t["Difference"] = t[label_this] - t[label_prev]
    t.index.name = "CAFs"
    return t.astype(int)


def swing_parts(table: pd.DataFrame) -> dict:
    """How the year-on-year swing in the net flow splits into openings and closures.

    Returns
    -------
    dict
        ``opened_change`` and ``closed_change`` (later year minus earlier), ``swing`` (the change
        in the net flow, ``opened_change - closed_change``), ``push`` (each part's push in the
        direction of the swing; negative when it pushed the other way) and ``same_direction``
        (True when both parts pushed the swing's way, the only case where shares mean anything).
    """
    d = table["Difference"]
    opened_change, closed_change = int(d["Opened"]), int(d["Closed"])
    swing = int(d[NET_ROW])
    lower = swing < 0  # the net flow fell: fewer openings and more closures both push it down
    push = {
        "openings": -opened_change if lower else opened_change,
        "closures": closed_change if lower else -closed_change,
    }
    return {
        "opened_change": opened_change,
        "closed_change": closed_change,
        "swing": swing,
        "push": push,
        "same_direction": swing != 0 and all(v >= 0 for v in push.values()),
    }
