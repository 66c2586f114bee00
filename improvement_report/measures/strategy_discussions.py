"""Strategy discussions: Working Together compliance and time of day, as the contract defines them.

Compliant when children's social care, police and health all took part. Out of hours when
held before 09:00 or at/after 17:00 on a weekday, or at any time on a Saturday, Sunday or an
England bank holiday; a discussion with no recorded time is "time unknown", never in or out.
"""

import numpy as np
import pandas as pd

from improvement_report.core.periods import in_date_window, pct
from improvement_report.inputs.bank_holidays import is_bank_holiday
from improvement_report.measures.histograms import counts_by_month_and_text
from improvement_report.stats import spc

IN_HOURS, OUT_OF_HOURS, TIME_UNKNOWN = "In hours", "Out of hours", "Time unknown"
# The local list of non-compliance reasons (the demo's codes); an edition sets its own with the
# configuration's ``reason_categories``.
DEFAULT_REASON_CATEGORIES = (
    "Not invited - time of day",
    "Agency not available",
    "Recorded wrongly - agency took part",
)


def _normalised(text: pd.Series) -> pd.Series:
    return text.fillna("").astype(str).str.casefold().str.split().str.join(" ")


def reason_category(reasons: pd.Series, categories, other: str, blank: str) -> pd.Series:
    """Each recorded reason as the configured category it names, ``other`` or ``blank``.

    A reason names a category when the two are equal without regard to case or spacing; the
    category is returned as configured, so the recorded text itself never leaves this function.
    """
    lookup = {" ".join(str(c).casefold().split()): str(c) for c in categories}
    key = _normalised(reasons)
    category = key.map(lookup)
    return category.where(category.notna(), other).where(key != "", blank)


def compliant(discussions: pd.DataFrame) -> pd.Series:
    """Mask of discussions with CSC, police and health all taking part."""
    return discussions.csc & discussions.police & discussions.health


def time_of_day(discussions: pd.DataFrame) -> pd.Series:
    """Classify each discussion as in hours, out of hours or time unknown."""
    held = discussions.held_at
    minutes = held.dt.hour * 60 + held.dt.minute
    closed_day = (held.dt.day_of_week >= 5) | is_bank_holiday(held)
    outside = closed_day | (minutes < 9 * 60) | (minutes >= 17 * 60)
    label = np.where(~discussions.time_known, TIME_UNKNOWN, np.where(outside, OUT_OF_HOURS, IN_HOURS))
    return pd.Series(label, index=discussions.index, name="time_of_day")


def in_window(discussions: pd.DataFrame, start, end) -> pd.DataFrame:
    """Discussions held on a date from ``start`` to ``end`` inclusive."""
    return discussions[in_date_window(discussions.held_at, start, end)]


def headline(discussions: pd.DataFrame, start, end) -> dict:
    """The ``strategy_discussions`` block of the headline figures for a window."""
    w = in_window(discussions, start, end)
    n = len(w)
    n_compliant = int(compliant(w).sum())
    return {
        "discussions": n,
        "children": int(w.children.sum()),
        "compliant": n_compliant,
        "compliant_pct": pct(n_compliant, n),
        "no_csc": int((~w.csc).sum()),
        "no_police": int((~w.police).sum()),
        "no_health": int((~w.health).sum()),
        # empty education means not recorded, counted as not involved
        "with_education_pct": pct(int(w.education.fillna(False).sum()), n),
    }


AGENCIES = {"csc": "children's social care", "police": "police", "health": "health"}


def _and_list(names: list) -> str:
    """``"police"``, ``"police and health"``, ``"a, b and c"``; ``"none"`` for no names."""
    if not names:
        return "none"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def absent_combination(discussions: pd.DataFrame) -> pd.Series:
    """Name the set of statutory agencies missing from each discussion.

    Parameters
    ----------
    discussions : pandas.DataFrame
        With the boolean flags ``csc``, ``police`` and ``health``.

    Returns
    -------
    pandas.Series of str
        ``"none"`` for a compliant discussion, otherwise the absent agencies in the order
        CSC, police, health (e.g. ``"police and health"``). Every
        discussion gets exactly one label, so the counts by label add up to the whole.
    """
    absent = pd.DataFrame(
        {name: ~discussions[col].astype(bool) for col, name in AGENCIES.items()}, index=discussions.index
    )
    if absent.empty:  # apply on no rows would return a frame, not a series
        return pd.Series([], index=discussions.index, dtype="str", name="absent")
    labels = absent.apply(lambda row: _and_list([name for name, gone in row.items() if gone]), axis=1)
    return labels.astype("str").rename("absent")


def compliance_by_month_team(discussions: pd.DataFrame) -> pd.DataFrame:
    """Discussions and compliant discussions for each month and team.

    Counted as histograms of an integer key over row chunks in threads
    (:func:`~improvement_report.measures.histograms.counts_by_month_and_text`), so ten million
    discussions take well under a second.

    Parameters
    ----------
    discussions : pandas.DataFrame
        Validated ``strategy_discussions`` frame.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``month`` (Period) and ``team``, in that order, one row for each pair with a
        discussion: ``discussions``, ``compliant`` (int64) and ``compliant_pct`` (0-100, unrounded).
    """
    out = counts_by_month_and_text(discussions.held_at, discussions.team, compliant(discussions))
    out = out.rename(columns={"rows": "discussions", "flagged": "compliant"})
    out["compliant_pct"] = 100 * out.compliant / out.discussions
    return out


MIN_SPC_MONTHS = 2  # months with discussions a p chart needs


def monthly_compliance(discussions: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Discussions and compliant discussions in each of ``months`` (zero-filled), by the month held."""
    held = discussions.held_at.dt.to_period("M")
    d = discussions[held.isin(months)]
    g = compliant(d).groupby(held[held.isin(months)])
    counts = pd.DataFrame({"discussions": g.size(), "compliant": g.sum()})
    return counts.reindex(pd.PeriodIndex(months, name="month"), fill_value=0).astype("int64")


def compliance_p_chart(counts: pd.DataFrame, baseline_start=None, baseline_end=None) -> pd.DataFrame | None:
    """The p chart of monthly compliance; None when fewer than two months have discussions.

    ``baseline_start`` and ``baseline_end`` (``YYYY-MM``; None for the first or the latest month): the
    months whose pooled share is the centre line, as the theme pages fix it, so compliance has the
    same centre line and limits on every page that shows it.
    """
    if int((counts.discussions > 0).sum()) < MIN_SPC_MONTHS:
        return None
    start = None if baseline_start in (None, "") else pd.Period(str(baseline_start), "M")
    end = None if baseline_end in (None, "") else pd.Period(str(baseline_end), "M")
    if int((counts.discussions.loc[start:end] > 0).sum()) < MIN_SPC_MONTHS:
        start = end = None  # the baseline is outside the months shown: every month sets the centre line
    return spc.p_chart(counts.compliant, counts.discussions, baseline_start=start, baseline_end=end)
