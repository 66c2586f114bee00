"""Missing episodes from home and from care, as the data contract defines them.

An episode is in a window when the date of its start is in it. Missing from home is
``looked_after = N``; from care ``looked_after = Y``. Duration is ``end - start`` for episodes
with an end. A return home interview is within 72 hours when it took place between the
return and 72 hours after it, both ends included.
"""

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from improvement_report.core.periods import in_date_window, pct, round_half_up

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
NO_DELAY = pd.Timedelta(0)


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


def repeat_within(episodes: pd.DataFrame, as_at, limit=REPEAT_LIMIT, after=NO_DELAY) -> pd.DataFrame:
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
    followed_up = (
        episodes.end.notna() & (episodes.end + limit <= pd.Timestamp(as_at))
        if as_at is not None
        else pd.Series(False, index=episodes.index)
    )
    repeat = followed_up & gap.notna() & (gap >= after) & (gap <= limit)
    return pd.DataFrame({"followed_up": followed_up.astype(bool), "repeat": repeat.astype(bool), "gap": gap})


def missing_type(episodes: pd.DataFrame) -> pd.Series:
    """SSDA903 coding: ``"M"`` (missing) or ``"A"`` (away without authorisation); empty = M."""
    return episodes["type"].fillna("").str.strip().str.upper().replace("", "M")


def _groups(episodes: pd.DataFrame) -> dict:
    """Integer codes for the summaries: the month of the start (counted from the first month),
    the group ("care" 0, "home" 1: their alphabetical order), the child (``ids`` says whose)
    and the hours missing."""
    start = episodes.start.to_numpy(dtype="datetime64[ns]")
    end = episodes.end.to_numpy(dtype="datetime64[ns]")
    # Hours by integer nanoseconds: duration_hours' values without Timedelta arithmetic.
    hours = (end.view("int64") - start.view("int64")) / 3.6e12
    hours[np.isnat(end)] = np.nan
    month = episodes.start.dt.to_period("M").array.asi8
    first = int(month.min()) if len(month) else 0
    codes, ids = pd.factorize(episodes.child_id)
    return {
        "home": (~episodes.looked_after.to_numpy(dtype=bool)).astype(np.int64),
        "hours": hours,
        "month": month - first,
        "first_month": first,
        "child": codes,
        "ids": ids,
    }


def _labelled(out: pd.DataFrame, first: pd.Index, name: str, home: np.ndarray) -> pd.DataFrame:
    out.index = pd.MultiIndex.from_arrays(
        [first, pd.Index(np.where(home == 1, "home", "care"), dtype="str")], names=[name, "group"]
    )
    return out


def by_month(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episodes, children and durations for each month of going missing, home and care apart.

    Month and group make one integer key, so the group-by hashes integers, not text.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``month`` (Period, the month of the start) and ``group``: ``episodes``,
        ``children`` (distinct), ``episodes_per_child``, ``returned``, ``median_duration_hours``
        (returned episodes) and ``rhi_within_72h``.
    """
    return _by_month(episodes, _groups(episodes))


def _by_month(episodes: pd.DataFrame, g: dict) -> pd.DataFrame:
    key = g["month"] * 2 + g["home"]
    frame = pd.DataFrame({"key": key, "hours": g["hours"], "rhi": rhi_within_72h(episodes).to_numpy(dtype=bool)})
    out = frame.groupby("key", sort=True).agg(
        episodes=("rhi", "size"),
        returned=("hours", "count"),
        median_duration_hours=("hours", "median"),
        rhi_within_72h=("rhi", "sum"),
    )
    # Distinct children per key: sort the (key, child) pairs once and count where they change.
    pairs = np.sort(key * max(len(g["ids"]), 1) + g["child"])
    distinct = pairs[np.r_[True, pairs[1:] != pairs[:-1]][: len(pairs)]] // max(len(g["ids"]), 1)
    out["children"] = np.bincount(distinct, minlength=int(key.max(initial=-1)) + 1)[out.index.to_numpy()]
    key = out.index.to_numpy()
    out = _labelled(
        out.reset_index(drop=True),
        pd.PeriodIndex.from_ordinals(key // 2 + g["first_month"], freq="M"),
        "month",
        key % 2,
    )
    out["episodes_per_child"] = out.episodes / out.children
    return out[["episodes", "children", "episodes_per_child", "returned", "median_duration_hours", "rhi_within_72h"]]


def by_child(episodes: pd.DataFrame) -> pd.DataFrame:
    """Each child's episodes from home and from care: how many, when, and hours missing.

    One sort of the rows by child, group and month; every figure is then read from the runs
    of equal keys (``numpy.*.reduceat``), with no hashing per figure.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``child_id`` and ``group``, sorted: ``episodes``, ``first_start``,
        ``last_start``, ``total_hours`` (returned episodes) and ``months`` (distinct months
        with an episode).
    """
    return _by_child(episodes, _groups(episodes))


def summaries(episodes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`by_month` and :func:`by_child` together, the codes they share worked out once."""
    g = _groups(episodes)
    return _by_month(episodes, g), _by_child(episodes, g)


def _by_child(episodes: pd.DataFrame, g: dict) -> pd.DataFrame:
    codes, ids = g["child"], g["ids"]
    # Arrow sorts the distinct ids (millions of them, at scale) far faster than Python objects.
    order_ids = (
        pc.sort_indices(ids.array._pa_array).to_numpy()
        if hasattr(ids.array, "_pa_array")
        else np.argsort(ids.to_numpy(dtype=object), kind="stable")
    )
    rank = np.empty(len(ids), dtype=np.int64)  # each code's place among the ids in sorted order
    rank[order_ids] = np.arange(len(ids))
    span = int(g["month"].max()) + 1 if len(codes) else 1
    key = (rank[codes] * 2 + g["home"]) * span + g["month"]
    order = np.argsort(key, kind="stable")
    key = key[order]
    pair = key // span
    runs = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]][: len(key)])
    start = episodes.start.to_numpy(dtype="datetime64[ns]")[order]
    hours = np.nan_to_num(g["hours"][order])  # the sum leaves out the still missing, as pandas' sum
    new_month = np.r_[True, key[1:] != key[:-1]][: len(key)].astype(np.int64)

    def per_run(ufunc, values):
        return ufunc.reduceat(values, runs) if len(runs) else values[:0]

    # The index from its levels and codes: no text is hashed again to build it.
    index = pd.MultiIndex(
        levels=[pd.Index(ids.take(order_ids), dtype="str"), pd.Index(["care", "home"], dtype="str")],
        codes=[pair[runs] // 2, pair[runs] % 2],
        names=["child_id", "group"],
        verify_integrity=False,
    )
    return pd.DataFrame(
        {
            "episodes": np.diff(np.r_[runs, len(key)]).astype(np.int64),
            "first_start": per_run(np.minimum, start),
            "last_start": per_run(np.maximum, start),
            "total_hours": per_run(np.add, hours),
            "months": per_run(np.add, new_month),
        },
        index=index,
    )
