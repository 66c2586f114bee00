"""Missing episodes from home and from care, as the data contract defines them.

An episode is in a window when the date of its start is in it. Missing from home is
``looked_after = N``; from care ``looked_after = Y``. Duration is ``end - start`` for episodes
with an end. A return home interview is within 72 hours when it took place between the
return and 72 hours after it, both ends included.
"""

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
