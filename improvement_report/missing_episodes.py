"""Missing episodes from home and from care, as the data contract defines them.

An episode is in a window when the date of its start is in it. Missing from home is
``looked_after = N``; from care ``looked_after = Y``. Duration is ``end - start`` for episodes
with an end. A return home interview is within 72 hours when it took place between the
return and 72 hours after it, both ends included.
"""

import numpy as np
import pandas as pd

from .periods import in_date_window, pct, round_half_up

GROUPS = {"home": False, "care": True}
RHI_LIMIT = pd.Timedelta(hours=72)


def in_window(episodes: pd.DataFrame, start, end) -> pd.DataFrame:
    """Episodes whose start date lies from ``start`` to ``end`` inclusive."""
    return episodes[in_date_window(episodes.start, start, end)]


def duration_hours(episodes: pd.DataFrame) -> pd.Series:
    """Hours from going missing to return; NaN while still missing."""
    return (episodes.end - episodes.start).dt.total_seconds() / 3600


def rhi_within_72h(episodes: pd.DataFrame) -> pd.Series:
    """Mask: interview recorded and held 0 to 72 hours after the return."""
    gap = episodes.rhi_completed_at - episodes.end
    return gap.notna() & (gap >= pd.Timedelta(0)) & (gap <= RHI_LIMIT)


def group_headline(episodes: pd.DataFrame) -> dict:
    """Episodes, children, episodes per child and median hours missing for one group."""
    n, children = len(episodes), episodes.child_id.nunique()
    hours = duration_hours(episodes).dropna()
    return {
        "episodes": n,
        "children": children,
        "episodes_per_child": round_half_up(n / children, 2) if children else None,
        "median_duration_hours": round_half_up(hours.median(), 1) if len(hours) else None,
    }


def headline(episodes: pd.DataFrame, start, end) -> dict:
    """The ``missing`` block of the headline figures for a window."""
    w = in_window(episodes, start, end)
    returned = w[w.end.notna()]
    out = {group: group_headline(w[w.looked_after == flag]) for group, flag in GROUPS.items()}
    out["rhi_within_72h_pct"] = pct(int(rhi_within_72h(returned).sum()), len(returned))
    return out


# --------------------------------------------------------------------------------------
# Added for the missing episodes chapter. The functions above are the contract's headline
# definitions and are unchanged; those below extend them (censoring, repeats, follow-up).
# --------------------------------------------------------------------------------------

REPEAT_LIMIT = pd.Timedelta(days=28)


def extract_time(episodes: pd.DataFrame):
    """When the extract was taken, as far as the file shows: its latest recorded date-time.

    The contract carries no extract date, so the latest start, end or interview stands in
    for it. Episodes still open are censored at this time. None for an empty file.
    """
    latest = pd.concat([episodes.start, episodes.end, episodes.rhi_completed_at]).max()
    return None if pd.isna(latest) else latest


def time_to_return(episodes: pd.DataFrame, as_at) -> pd.DataFrame:
    """Hours to return, with episodes still open censored at ``as_at`` rather than dropped.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``episodes``: ``hours`` (to the return, or to ``as_at`` while still
        missing) and ``returned`` (True when the return was recorded, False when censored).
    """
    returned = episodes.end.notna()
    until = episodes.end.where(returned, pd.Timestamp(as_at) if as_at is not None else pd.NaT)
    hours = (until - episodes.start).dt.total_seconds() / 3600
    return pd.DataFrame({"hours": hours.clip(lower=0), "returned": returned}, index=episodes.index)


def still_missing_at(episodes: pd.DataFrame, moment) -> pd.Series:
    """Mask: the episode had started by ``moment`` and the child had not returned by then."""
    moment = pd.Timestamp(moment)
    return (episodes.start <= moment) & (episodes.end.isna() | (episodes.end > moment))


def next_start_after_return(episodes: pd.DataFrame) -> pd.Series:
    """For each returned episode, the start of the same child's next episode at or after the return.

    Any other episode of the child counts, from home or from care. NaT when there is none
    (or the episode has no return).
    """
    returned = episodes.loc[episodes.end.notna(), ["episode_id", "child_id", "end"]]
    others = episodes[["episode_id", "child_id", "start"]].rename(columns={"episode_id": "other_id"})
    pairs = returned.reset_index().merge(others, on="child_id")
    pairs = pairs[(pairs.other_id != pairs.episode_id) & (pairs.start >= pairs.end)]
    first = pairs.groupby("index").start.min()
    return first.reindex(episodes.index)


def repeat_within(episodes: pd.DataFrame, as_at, limit=REPEAT_LIMIT, after=pd.Timedelta(0)) -> pd.DataFrame:
    """Whether each return was followed by another episode of the child within ``limit``.

    A return counts only once it has been followed up for ``limit``: the return plus
    ``limit`` is no later than ``as_at``. Returns that are more recent cannot yet show a
    repeat, so counting them would understate the share.

    Parameters
    ----------
    episodes : pandas.DataFrame
        All the child's episodes (the next episode may lie outside any reporting window).
    as_at : Timestamp
        The extract time (see :func:`extract_time`).
    limit : Timedelta
        Follow-up, both ends included: a new episode exactly ``limit`` after the return counts.
    after : Timedelta
        New episodes that start less than ``after`` after the return are not counted (used
        for a landmark at 72 hours).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``episodes``: ``followed_up`` and ``repeat`` (bool; ``repeat`` is False
        wherever ``followed_up`` is False), and ``gap``, the time from the return to the next
        episode (NaT when there is none).
    """
    gap = next_start_after_return(episodes) - episodes.end
    followed_up = episodes.end.notna() & (episodes.end + limit <= pd.Timestamp(as_at)) if as_at is not None \
        else pd.Series(False, index=episodes.index)
    repeat = followed_up & gap.notna() & (gap >= after) & (gap <= limit)
    return pd.DataFrame({"followed_up": followed_up.astype(bool), "repeat": repeat.astype(bool), "gap": gap})


def missing_type(episodes: pd.DataFrame) -> pd.Series:
    """SSDA903 coding: ``"M"`` (missing) or ``"A"`` (away without authorisation); empty = M."""
    return episodes["type"].fillna("").str.strip().str.upper().replace("", "M")


def _with_group(episodes: pd.DataFrame) -> pd.DataFrame:
    """The episodes with ``group`` ("home" or "care"), ``hours`` missing and ``rhi_72h``."""
    return episodes.assign(group=np.where(episodes.looked_after, "care", "home"),
                           hours=duration_hours(episodes), rhi_72h=rhi_within_72h(episodes))


def by_month(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episodes, children and durations for each month of going missing, home and care apart.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``month`` (Period, the month of the start) and ``group``: ``episodes``,
        ``children`` (distinct), ``episodes_per_child``, ``returned``, ``median_duration_hours``
        (returned episodes) and ``rhi_within_72h``.
    """
    e = _with_group(episodes)
    month = e.start.dt.to_period("M").rename("month")
    g = e.groupby([month, "group"], sort=True)
    out = g.agg(episodes=("child_id", "size"), children=("child_id", "nunique"),
                returned=("hours", "count"), median_duration_hours=("hours", "median"),
                rhi_within_72h=("rhi_72h", "sum"))
    out["episodes_per_child"] = out.episodes / out.children
    return out[["episodes", "children", "episodes_per_child", "returned", "median_duration_hours", "rhi_within_72h"]]


def by_child(episodes: pd.DataFrame) -> pd.DataFrame:
    """Each child's episodes from home and from care: how many, when, and hours missing.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``child_id`` and ``group``: ``episodes``, ``first_start``, ``last_start``,
        ``total_hours`` (returned episodes) and ``months`` (distinct months with an episode).
    """
    e = _with_group(episodes).assign(month=episodes.start.dt.to_period("M"))
    return e.groupby(["child_id", "group"], sort=True).agg(
        episodes=("start", "size"), first_start=("start", "min"), last_start=("start", "max"),
        total_hours=("hours", "sum"), months=("month", "nunique"))
