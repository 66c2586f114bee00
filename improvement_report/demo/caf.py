"""Synthetic early help (CAF) episodes for a Barnet-like borough, April 2015 to March 2018.

Calibration, stated plainly because the book says so too: the month-end number of open CAFs
is steered to the figures published in the committee report (paragraph 1.73) in the months
it names, and the closures in June and October 2017 are solved so that closures rise from
August to November 2017, as the report describes. Everything else (openings, which episodes
close, dates, localities) is random, from a fixed seed.
"""

import numpy as np
import pandas as pd

from improvement_report.inputs.bank_holidays import england_bank_holidays

from .common import MONTHS, random_working_days

# Month-end open CAFs. Published values (1.73) are marked; the rest sketch the borough's story:
# growth through 2015-16, a plateau around 800 in 2016-17, decline from the summer of 2017.
STOCK_ANCHORS = {
    "2015-03": 548,
    "2015-06": 590,
    "2015-07": 572,
    "2015-08": 566,
    "2015-12": 592,
    "2016-03": 606,  # at or below 614, so November 2017 is "the lowest since April 2016"
    "2016-04": 631,
    "2016-06": 716,
    "2016-07": 700,
    "2016-08": 694,
    "2016-11": 798,  # published: "this point last year"
    "2017-03": 806,
    "2017-07": 767,  # published
    "2017-08": 752,  # published
    "2017-09": 720,  # published
    "2017-11": 614,  # published: 798 - 184
    "2017-12": 600,
    "2018-03": 578,
}
PUBLISHED_STOCK = {"2016-11": 798, "2017-07": 767, "2017-08": 752, "2017-09": 720, "2017-11": 614}

# Openings per month: a level for each financial year and a school-calendar profile
# (Easter in April, the summer holiday in August, Christmas in December).
OPENINGS_LEVEL = {2015: 68, 2016: 84, 2017: 74}
OPENINGS_SEASON = {
    1: 1.05,
    2: 1.0,
    3: 1.05,
    4: 0.9,
    5: 1.05,
    6: 1.05,
    7: 0.95,
    8: 0.6,
    9: 0.95,
    10: 1.1,
    11: 1.1,
    12: 0.8,
}

LONG_OPEN_MONTH = "2017-11"
LONG_OPEN_TARGET = 80  # 80 / 614 = 13.0% open more than 12 months (published: 13%)

LOCALITIES = ["East/Central", "West", "South"]
LOCALITY_WEIGHTS = [0.40, 0.33, 0.25]  # the remaining 2% are left blank: locality not recorded


def _financial_year(period: pd.Period) -> int:
    return period.year if period.month >= 4 else period.year - 1


def _stock_targets(openings: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Month-end open CAFs for March 2015 to March 2018, exact at every anchor."""
    months = pd.period_range("2015-03", MONTHS[-1], freq="M")
    anchors = pd.Series({pd.Period(k, "M"): v for k, v in STOCK_ANCHORS.items()}, dtype=float)
    stock = anchors.reindex(months)
    is_anchor = stock.notna()
    stock = stock.interpolate()
    stock[~is_anchor] += rng.normal(0, 6, (~is_anchor).sum())
    stock = stock.round()

    # Closures = previous stock + openings - stock. Solve October 2017 so that closures rise
    # September < October < November, then June 2017 so that July's closures top November's
    # (November is then "the highest since August").
    p = {k: pd.Period(k, "M") for k in ["2017-06", "2017-07", "2017-09", "2017-10", "2017-11"]}
    closed_sep = stock[p["2017-09"] - 1] + openings[p["2017-09"]] - stock[p["2017-09"]]
    oct_nov = stock[p["2017-09"]] + openings[p["2017-10"]] + openings[p["2017-11"]] - stock[p["2017-11"]]
    closed_oct = max(closed_sep + 5, np.floor(oct_nov / 2) - 5)
    stock[p["2017-10"]] = stock[p["2017-09"]] + openings[p["2017-10"]] - closed_oct
    closed_nov = oct_nov - closed_oct
    closed_jul = closed_nov + 6
    stock[p["2017-06"]] = stock[p["2017-07"]] + closed_jul - openings[p["2017-07"]]
    march = pd.Period("2017-03", "M")
    for step in (1, 2):  # re-draw April and May on the way to the solved June
        share = step / 3
        stock[march + step] = round(stock[march] * (1 - share) + stock[p["2017-06"]] * share + rng.normal(0, 4))
    return stock.astype(int)


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Generate the early help episodes file.

    Parameters
    ----------
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        Columns of ``early_help_episodes.csv``, dates as text (empty = still open).
    """
    holidays = england_bank_holidays()
    openings = pd.Series(
        {m: rng.poisson(OPENINGS_LEVEL[_financial_year(m)] * OPENINGS_SEASON[m.month]) for m in MONTHS}
    )
    stock = _stock_targets(openings, rng)
    closures = pd.Series({m: stock[m - 1] + openings[m] - stock[m] for m in MONTHS})
    if (closures < 10).any():
        raise RuntimeError(f"demo calibration gives implausible closures: {closures[closures < 10].to_dict()}")

    # The stock open at the end of March 2015 started before the demo period.
    first_end = MONTHS[0].start_time - pd.Timedelta(days=1)
    n0 = int(stock[MONTHS[0] - 1])
    ages = np.where(rng.random(n0) < 0.10, rng.integers(366, 900, n0), rng.exponential(200, n0).astype(int))
    starts = [first_end - pd.Timedelta(days=int(a)) for a in ages]
    starts = [d - pd.Timedelta(days=max(0, d.day_of_week - 4)) for d in starts]  # weekends to Friday
    ends: list = [pd.NaT] * n0
    complexity = list(rng.lognormal(0, 0.6, n0))  # why some episodes run long

    for m in MONTHS:
        new_starts = random_working_days(rng, m, int(openings[m]), holidays)
        starts += list(new_starts)
        ends += [pd.NaT] * len(new_starts)
        complexity += list(rng.lognormal(0, 0.6, len(new_starts)))
        month_end = m.end_time.normalize()
        open_idx = np.array([i for i, e in enumerate(ends) if pd.isna(e)])
        age = np.array([(month_end - starts[i]).days for i in open_idx])
        # Few close in their first weeks; reviews push episodes past nine months towards closure.
        hazard = (1 - np.exp(-age / 90)) * (1 + np.clip(age - 270, 0, None) / 90)
        weight = np.array([complexity[i] for i in open_idx]) * hazard + 1e-3
        chosen = rng.choice(open_idx, size=int(closures[m]), replace=False, p=weight / weight.sum())
        for i in chosen:
            first = max(starts[i], m.start_time)
            ends[i] = random_working_days(rng, m, 1, holidays, not_before=first)[0]

    df = pd.DataFrame({"start_date": pd.to_datetime(starts), "end_date": pd.to_datetime(ends)})
    _calibrate_long_open(df, rng)
    df = df.sort_values(["start_date", "end_date"], kind="stable").reset_index(drop=True)
    df.insert(0, "episode_id", [f"{40001 + i:07d}" for i in range(len(df))])
    df.insert(1, "child_id", _child_ids(df, rng))
    df["locality"] = rng.choice(LOCALITIES + [""], size=len(df), p=LOCALITY_WEIGHTS + [0.02])
    for col in ("start_date", "end_date"):
        df[col] = df[col].dt.strftime("%Y-%m-%d").fillna("")
    return df


def _open_long(df: pd.DataFrame, month_end: pd.Timestamp):
    open_at = (df.start_date <= month_end) & (df.end_date.isna() | (df.end_date > month_end))
    long_start = (month_end - df.start_date).dt.days > 365
    return open_at, long_start


def _calibrate_long_open(df: pd.DataFrame, rng: np.random.Generator) -> None:
    """Swap end dates between pairs of episodes until the long-open count is on target.

    Swapping the end dates of two episodes whose ends both fall after both starts leaves
    every month's openings, closures and month-end count unchanged; only which episode ran
    long changes. So the published 13% is reached without disturbing the other figures.
    """
    month_end = pd.Period(LONG_OPEN_MONTH, "M").end_time.normalize()
    for _ in range(1000):
        open_at, long_start = _open_long(df, month_end)
        gap = int((open_at & long_start).sum()) - LONG_OPEN_TARGET
        if gap == 0:
            return
        started = df.start_date <= month_end
        if gap > 0:  # a long open episode takes the end of a short one that closed
            a = rng.choice(df.index[open_at & long_start])
            c_pool = df.index[started & ~long_start & ~open_at]
        else:  # a short open episode hands its later end to a long one that closed after it began
            c = rng.choice(df.index[open_at & ~long_start])
            c_pool = df.index[started & long_start & ~open_at & (df.end_date >= df.start_date[c])]
            a = c
        if len(c_pool) == 0:
            raise RuntimeError("demo calibration of CAFs open over 12 months found no pair to swap")
        b = rng.choice(c_pool)
        df.loc[[a, b], "end_date"] = df.loc[[b, a], "end_date"].to_numpy()
    raise RuntimeError("demo calibration of CAFs open over 12 months did not converge")


def _child_ids(df: pd.DataFrame, rng: np.random.Generator) -> list[str]:
    """Seven-digit identifiers, many with leading zeros; about 7% are a child's second CAF."""
    pool = rng.choice(np.arange(10_000, 2_000_000), size=len(df), replace=False)
    ids = [f"{n:07d}" for n in pool]
    ends = df.end_date.to_numpy()
    starts = df.start_date.to_numpy()
    for i in range(len(df)):
        if rng.random() < 0.07:
            earlier = np.flatnonzero(ends[:i] < starts[i])  # NaT compares False: still open
            if len(earlier):
                ids[i] = ids[rng.choice(earlier)]
    return ids
