"""Synthetic strategy discussions, April 2015 to March 2018.

Calibration: in the committee report's window (1 September to 31 December 2017) the demo
holds exactly the published 224 discussions about 400 children, 155 with CSC, police and
health, 60 without health, 6 without police and 3 without CSC recorded (1.47). Which
discussions those are is random, weighted so that health absence is concentrated out of
hours and in two teams, as the report's reasons suggest (1.48). Outside the window each
agency's absence is drawn at a rate that falls through 2017 (Figure 1's improvement).

The spring 2017 review looked at 280 discussions (1.45); the report does not say when they
were held, so the demo holds exactly 280 in January to May 2017 (56 a month, the level of
2017) as the lower base the window is compared with. One day team (Duty and Assessment B)
misses agencies much more often than the rest, so it stands out on the funnel plot.
"""

import numpy as np
import pandas as pd

from improvement_report.inputs.bank_holidays import england_bank_holidays

from .common import MONTHS, interpolate_in_time, working_days

WINDOW = (pd.Timestamp("2017-09-01"), pd.Timestamp("2017-12-31"))
WINDOW_DISCUSSIONS = 224
WINDOW_CHILDREN = 400
SPRING_REVIEW = ("2017-01", "2017-05")  # months holding the 280 discussions of the spring 2017 review
SPRING_REVIEW_DISCUSSIONS = 280
WINDOW_ABSENT = {"health": 60, "police": 6, "csc": 3}  # one agency each: 60 + 6 + 3 = 69 non-compliant

DAY_TEAMS = {
    "MASH": 0.30,
    "Duty and Assessment A": 0.20,
    "Duty and Assessment B": 0.20,
    "Intervention and Planning East": 0.10,
    "Intervention and Planning West": 0.10,
    "Intervention and Planning South": 0.07,
    "Children in Care": 0.03,
}
OUT_OF_HOURS_TEAM = "Emergency Duty Team"
WEAK_TEAMS = {"Duty and Assessment B", OUT_OF_HOURS_TEAM}
WEAK_TEAM_WEIGHT = {"health": 5.0, "police": 4.0, "csc": 2.0}  # how much more often a weak team misses each agency

# Share of discussions without each agency, by date (before the out-of-hours and team effects).
ABSENCE_TREND = {
    "health": {"2015-04-01": 0.42, "2017-03-01": 0.36, "2017-10-15": 0.20, "2018-03-31": 0.15},
    "police": {"2015-04-01": 0.10, "2017-03-01": 0.07, "2017-10-15": 0.03, "2018-03-31": 0.02},
    "csc": {"2015-04-01": 0.04, "2017-03-01": 0.03, "2017-10-15": 0.013, "2018-03-31": 0.01},
}
EDUCATION_TREND = {"2015-04-01": 0.25, "2017-03-01": 0.35, "2018-03-31": 0.50}
MONTHLY_LEVEL = {2015: 42, 2016: 50, 2017: 56}
REASONS = {
    "not_invited": "Not invited - time of day",
    "unavailable": "Agency not available",
    "recording": "Recorded wrongly - agency took part",
}


def _monthly_counts(rng: np.random.Generator) -> pd.Series:
    fy = [m.year if m.month >= 4 else m.year - 1 for m in MONTHS]
    counts = pd.Series(rng.poisson([MONTHLY_LEVEL[y] for y in fy]), index=MONTHS)
    in_window = [pd.Period(m, "M") for m in ("2017-09", "2017-10", "2017-11", "2017-12")]
    counts[in_window] = rng.multinomial(WINDOW_DISCUSSIONS, [0.24, 0.27, 0.27, 0.22])
    spring = pd.period_range(*SPRING_REVIEW, freq="M")
    counts[spring] = rng.multinomial(SPRING_REVIEW_DISCUSSIONS, [0.2] * len(spring))
    return counts


def _times(rng: np.random.Generator, counts: pd.Series, holidays) -> pd.DataFrame:
    """Date, time and team of each discussion; about a fifth out of hours."""
    rows = []
    hol = pd.to_datetime(sorted(holidays))
    for m, n in counts.items():
        workdays = working_days(m, holidays)
        all_days = pd.date_range(m.start_time, m.end_time.normalize(), freq="D")
        closed_days = all_days[(all_days.day_of_week >= 5) | all_days.isin(hol)]
        for _ in range(n):
            kind = rng.choice(["day", "evening", "early", "closed_day"], p=[0.78, 0.12, 0.03, 0.07])
            if kind == "closed_day":
                day = rng.choice(closed_days)
                minutes = rng.integers(9 * 60, 22 * 60)
            else:
                day = rng.choice(workdays)
                low, high = {"day": (9 * 60, 17 * 60), "evening": (17 * 60, 23 * 60), "early": (7 * 60, 9 * 60)}[kind]
                minutes = rng.integers(low, high)
            out_of_hours = kind != "day"
            team = (
                OUT_OF_HOURS_TEAM
                if out_of_hours and rng.random() < 0.7
                else rng.choice(list(DAY_TEAMS), p=list(DAY_TEAMS.values()))
            )
            held_at = pd.Timestamp(day) + pd.Timedelta(minutes=int(minutes) // 5 * 5)
            rows.append((held_at, out_of_hours, team))
    return pd.DataFrame(rows, columns=["held_at", "out_of_hours", "team"]).sort_values("held_at", kind="stable")


def _absence_weights(df: pd.DataFrame, agency: str) -> np.ndarray:
    ooh = df.out_of_hours.to_numpy()
    weak = df.team.isin(WEAK_TEAMS).to_numpy()
    if agency == "health":  # health is rarely on call out of hours
        return np.where(ooh, 3.0, 1.0) * np.where(weak, WEAK_TEAM_WEIGHT[agency], 1.0)
    return np.where(weak, WEAK_TEAM_WEIGHT[agency], 1.0)


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Generate the strategy discussions file.

    Parameters
    ----------
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        Columns of ``strategy_discussions.csv``; ``held_at`` as text (date only when the
        time was not recorded), flags as ``Y``/``N``.
    """
    holidays = england_bank_holidays()
    df = _times(rng, _monthly_counts(rng), holidays).reset_index(drop=True)
    n = len(df)
    window = df.held_at.between(WINDOW[0], WINDOW[1] + pd.Timedelta(days=1), inclusive="left").to_numpy()

    absent = {}
    for agency, trend in ABSENCE_TREND.items():
        p = np.clip(interpolate_in_time(df.held_at, trend) * _absence_weights(df, agency) / 1.4, 0, 0.75)
        absent[agency] = rng.random(n) < p
    # In the window: exactly the published counts, one absent agency per discussion.
    idx = np.flatnonzero(window)
    for agency in absent:
        absent[agency][idx] = False
    free = idx.copy()
    for agency, k in WINDOW_ABSENT.items():
        w = _absence_weights(df.iloc[free], agency)
        pick = rng.choice(free, size=k, replace=False, p=w / w.sum())
        absent[agency][pick] = True
        free = np.setdiff1d(free, pick)

    children = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.50, 0.30, 0.13, 0.05, 0.02])
    while (gap := WINDOW_CHILDREN - children[idx].sum()) != 0:  # nudge the window to 400 children
        j = rng.choice(idx)
        children[j] = np.clip(children[j] + np.sign(gap), 1, 6)

    education = rng.random(n) < interpolate_in_time(df.held_at, EDUCATION_TREND)
    edu_text = np.where(education, "Y", "N").astype(object)
    edu_text[rng.random(n) < 0.12] = ""  # not recorded

    non_compliant = absent["health"] | absent["police"] | absent["csc"]
    reason = np.full(n, "", dtype=object)
    for i in np.flatnonzero(non_compliant):
        if rng.random() < 0.3:
            continue  # reason not recorded
        if absent["health"][i] and df.out_of_hours.iat[i]:
            key = rng.choice(["not_invited", "unavailable"], p=[0.75, 0.25])
        else:
            key = rng.choice(["unavailable", "recording", "not_invited"], p=[0.45, 0.45, 0.10])
        reason[i] = REASONS[key]

    time_known = rng.random(n) >= 0.06
    held_text = np.where(time_known, df.held_at.dt.strftime("%Y-%m-%d %H:%M"), df.held_at.dt.strftime("%Y-%m-%d"))
    ids = rng.choice(np.arange(1, 400_000), size=n, replace=False)
    flag = {True: "N", False: "Y"}
    return pd.DataFrame(
        {
            "discussion_id": [f"SD{k:06d}" for k in ids],
            "held_at": held_text,
            "team": df.team.to_numpy(),
            "children": children,
            "csc": [flag[a] for a in absent["csc"]],
            "police": [flag[a] for a in absent["police"]],
            "health": [flag[a] for a in absent["health"]],
            "education": edu_text,
            "non_compliance_reason": reason,
        }
    )
