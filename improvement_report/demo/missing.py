"""Synthetic missing episodes, from home and from care, April 2015 to March 2018.

No figures are published for the window (1.50), so nothing is forced to a number. The
demo carries the report's shape: more children missing from home, more episodes per child
in care, durations falling through 2017, and return home interviews offered after about
23% of episodes in April 2016 and 58% in May 2017 (Ofsted, July 2017), higher after that.
Children in care and their missing incidents per year are of the scale DfE publishes for
Barnet (years to 31 March 2016-2018: 52, 82, 88 children; 265, 493, 579 incidents).
"""

import numpy as np
import pandas as pd

from .common import EXTRACT_END, interpolate_in_time

YEARS = [2015, 2016, 2017]  # financial years starting April
CARE_CHILDREN = {2015: 52, 2016: 82, 2017: 88}
CARE_EPISODES_PER_CHILD = {2015: 5.1, 2016: 6.0, 2017: 6.6}
HOME_CHILDREN = {2015: 210, 2016: 240, 2017: 255}
HOME_EPISODES_PER_CHILD = {2015: 1.6, 2016: 1.6, 2017: 1.55}
CARRY_OVER = 0.35
AWAY_SHARE = 0.12  # children in care: some incidents are "away without authorisation" (A)

MEDIAN_HOURS = {
    "home": {"2015-04-01": 22, "2017-01-01": 19, "2018-03-31": 9},
    "care": {"2015-04-01": 34, "2017-01-01": 29, "2018-03-31": 14},
}
RHI_OFFERED = {"2015-04-01": 0.18, "2016-04-15": 0.23, "2017-05-15": 0.58, "2018-03-31": 0.85}
RHI_MEDIAN_DELAY_HOURS = {"2015-04-01": 120, "2017-05-15": 70, "2018-03-31": 38}
# Evenings and nights are when most episodes start.
HOUR_WEIGHTS = np.array([4, 3, 2, 1, 1, 1, 1, 2, 3, 3, 3, 3, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 6, 5], float)


def _episodes_for(rng, group: str, year: int, children: np.ndarray, per_child: float):
    """Episodes of one group and year: a negative binomial number per child, heavy-tailed."""
    shape = 0.9 if group == "care" else 3.0
    counts = 1 + rng.negative_binomial(shape, shape / (shape + per_child - 1), len(children))
    year_start = pd.Timestamp(f"{year}-04-01")
    rows = []
    for k, n in enumerate(counts):
        # Each child is active for part of the year; their episodes cluster in that spell.
        # wrapped round the year, so every month is equally likely overall (no edge effects)
        spell = rng.uniform(60, 365)
        offsets = np.sort((rng.uniform(0, 365) + rng.uniform(0, spell, n)) % 365)
        for off in offsets:
            day = year_start + pd.Timedelta(days=int(off))
            hour = rng.choice(24, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
            rows.append((children[k], day + pd.Timedelta(hours=int(hour), minutes=int(rng.integers(0, 60)))))
    return pd.DataFrame(rows, columns=["child", "start"]).assign(looked_after=group == "care")


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Generate the missing episodes file.

    Parameters
    ----------
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        Columns of ``missing_episodes.csv``; date-times as text, flags as ``Y``/``N``.
    """
    frames, next_child = [], 0
    previous = {"care": np.array([], int), "home": np.array([], int)}
    for year in YEARS:
        for group, children, per_child in (
            ("care", CARE_CHILDREN, CARE_EPISODES_PER_CHILD),
            ("home", HOME_CHILDREN, HOME_EPISODES_PER_CHILD),
        ):
            # About a third of last year's children go missing again this year.
            stay = previous[group][rng.random(len(previous[group])) < CARRY_OVER]
            stay = stay[: children[year]]
            new = np.arange(next_child, next_child + children[year] - len(stay))
            next_child += len(new)
            previous[group] = np.concatenate([stay, new])
            frames.append(_episodes_for(rng, group, year, previous[group], per_child[year]))
    df = pd.concat(frames, ignore_index=True).sort_values("start", kind="stable").reset_index(drop=True)
    n = len(df)

    median = np.where(
        df.looked_after,
        interpolate_in_time(df.start, MEDIAN_HOURS["care"]),
        interpolate_in_time(df.start, MEDIAN_HOURS["home"]),
    )
    hours = rng.lognormal(np.log(median), 1.0)
    end = df.start + pd.to_timedelta(np.round(hours * 60), unit="min")
    end = end.where(end <= EXTRACT_END)  # still missing when the extract was taken

    offered = (rng.random(n) < interpolate_in_time(df.start, RHI_OFFERED)) & end.notna().to_numpy()
    completed = offered & (rng.random(n) < 0.85)
    delay = rng.lognormal(np.log(interpolate_in_time(df.start, RHI_MEDIAN_DELAY_HOURS)), 0.6)
    rhi_at = end + pd.to_timedelta(np.round(delay * 60), unit="min")
    rhi_at = rhi_at.where(completed & (rhi_at <= EXTRACT_END).to_numpy())

    offered_text = np.where(offered, "Y", "N").astype(object)
    offered_text[end.isna().to_numpy() | (rng.random(n) < 0.04)] = ""  # not recorded
    kind = np.where(df.looked_after & (rng.random(n) < AWAY_SHARE), "A", "M").astype(object)
    kind[(kind == "M") & (rng.random(n) < 0.5)] = ""  # empty means M in the SSDA903 coding

    child_pool = rng.choice(np.arange(100_000, 9_999_999), size=next_child, replace=False)
    ids = rng.choice(np.arange(1, 90_000_000), size=n, replace=False)
    fmt = "%Y-%m-%d %H:%M"
    return pd.DataFrame(
        {
            "episode_id": [f"{k:08d}" for k in ids],
            "child_id": [f"{child_pool[c]:07d}" for c in df.child],
            "start": df.start.dt.strftime(fmt),
            "end": end.dt.strftime(fmt).fillna(""),
            "looked_after": np.where(df.looked_after, "Y", "N"),
            "type": kind,
            "rhi_offered": offered_text,
            "rhi_completed_at": rhi_at.dt.strftime(fmt).fillna(""),
        }
    )
