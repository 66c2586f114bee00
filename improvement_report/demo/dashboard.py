"""Synthetic monthly dashboard (``indicators.csv``), April 2015 to March 2018.

Each series is noise around a hand-drawn trend, with summer and Christmas dips where the
activity depends on schools, and is then pinned to the published figures in ``ANCHORS``: the
committee report's November 2017 dashboard (paragraphs 1.58, 1.65, 1.72-1.85), its workforce
figures (1.16-1.37) and, for child protection plans, the DfE's published year-end figures for
Barnet, so that the demo years add up to the real ones. The patterns the report describes
(``SHAPES``) are built in by construction (steps that always go the same way, bounds), not left
to the seed, so every seed reproduces the published figures.
"""

from math import ceil, floor
from typing import NamedTuple

import numpy as np
import pandas as pd


class Anchor(NamedTuple):
    """A published figure that the demo data reproduce.

    ``statistic`` says what is computed over the months ``start`` to ``end``: ``value`` or
    ``numerator`` of a single month, ``sum`` or ``mean`` of the monthly values, or ``pooled``
    (100 x sum of numerators / sum of denominators). The demo figure equals ``target`` when
    rounded to 1 decimal place, or is within ``tolerance`` of it when that is not zero (the
    report gave a whole percentage that no whole number of children can give exactly).
    """

    indicator: str
    start: str
    end: str
    statistic: str
    target: float
    tolerance: float
    source: str


ANCHORS = [
    Anchor(*row)
    for row in (
        ("assessments_45wd_pct", "2017-11", "2017-11", "value", 57.0, 0, "report 1.74"),
        ("assessments_completed", "2017-04", "2017-04", "value", 223, 0, "report 1.74"),
        ("assessments_completed", "2017-11", "2017-11", "value", 499, 0, "report 1.74"),
        ("contacts_to_referral_pct", "2017-03", "2017-03", "value", 13.4, 0, "report 1.74"),
        ("contacts_to_referral_pct", "2017-11", "2017-11", "value", 33.0, 0, "report 1.74"),
        ("referrals_to_assessment_pct", "2017-04", "2017-11", "pooled", 93.0, 0.5, "report 1.74"),
        ("assessments_nfa_pct", "2017-04", "2017-11", "pooled", 48.0, 0.5, "report 1.74"),
        ("assessments_s17_pct", "2017-04", "2017-11", "pooled", 19.0, 0.5, "report 1.74"),
        ("s47_to_cin_plan_pct", "2017-04", "2017-11", "pooled", 17.0, 0.5, "report 1.75"),
        ("open_cin_plans", "2016-06", "2016-06", "value", 340, 0, "report 1.75"),
        ("open_cin_plans", "2017-11", "2017-11", "value", 676, 0, "report 1.75"),
        ("cin_plans_opened", "2016-04", "2017-03", "mean", 73, 0, "report 1.75"),
        ("cin_plans_opened", "2017-04", "2017-11", "mean", 109, 0, "report 1.75"),
        ("cin_visits_6wk_pct", "2017-11", "2017-11", "value", 68.7, 0, "report 1.76"),
        ("cp_plans_started", "2017-04", "2017-11", "sum", 154, 0, "report 1.77"),
        ("cp_plans_started", "2016-04", "2016-11", "sum", 145, 0, "report 1.77"),
        ("cp_plans_started", "2017-09", "2017-11", "mean", 26, 0, "report 1.77"),
        ("cp_plans_started", "2016-09", "2016-11", "mean", 13, 0, "report 1.77"),
        ("cp_plans_started_under10_pct", "2017-04", "2017-11", "pooled", 88.0, 0.5, "report 1.77"),
        ("cp_visits_10d_pct", "2017-11", "2017-11", "value", 72.5, 0, "report 1.78"),
        ("cp_visits_10d_pct", "2017-09", "2017-11", "mean", 71.0, 0.5, "report 1.78"),
        ("cp_under5_open", "2017-11", "2017-11", "value", 53, 0, "report 1.78"),
        ("cp_under5_seen_10d_pct", "2017-11", "2017-11", "numerator", 44, 0, "report 1.78"),
        ("cp_under5_seen_10d_pct", "2017-11", "2017-11", "value", 83.0, 0, "report 1.78"),
        ("cp_under5_seen_4wk_pct", "2017-11", "2017-11", "numerator", 52, 0, "report 1.78"),
        ("cp_under5_seen_4wk_pct", "2017-11", "2017-11", "value", 98.1, 0, "report 1.78"),
        ("cic_visits_pct", "2017-11", "2017-11", "value", 89.0, 0, "report 1.79"),
        ("repeat_referrals_pct", "2017-11", "2017-11", "value", 18.1, 0, "report 1.80"),
        ("repeat_referrals_pct", "2017-03", "2017-03", "value", 19.2, 0, "report 1.80 (previous year)"),
        ("s47_to_icpc_15wd_pct", "2017-11", "2017-11", "value", 92.9, 0, "report 1.81"),
        ("icpc_to_cpp_pct", "2017-09", "2017-12", "pooled", 83.3, 0, "report 1.58"),
        ("cp_second_subsequent_pct", "2017-11", "2017-11", "value", 7.8, 0, "report 1.82"),
        ("cp_second_subsequent_pct", "2017-11", "2017-11", "numerator", 12, 0, "report 1.82"),
        ("cp_second_subsequent_pct", "2016-11", "2016-11", "value", 9.7, 0, "report 1.82"),
        ("cp_plans_ceased", "2017-11", "2017-11", "value", 12, 0, "report 1.82"),
        ("cp_plans_ceased", "2017-10", "2017-10", "value", 25, 0, "report 1.82"),
        ("cp_plans_2yrs_plus", "2017-11", "2017-11", "value", 2, 0, "report 1.83"),
        ("cp_plans_2yrs_plus", "2017-04", "2017-04", "value", 11, 0, "report 1.83"),
        ("iha_in_time_pct", "2017-04", "2017-04", "value", 31.0, 0, "report 1.85"),
        ("iha_in_time_pct", "2017-11", "2017-11", "value", 77.0, 0, "report 1.85"),
        ("private_fostering_monitored", "2017-08", "2017-08", "value", 6, 0, "report 1.65"),
        ("private_fostering_monitored", "2017-11", "2017-11", "value", 18, 0, "report 1.65"),
        ("sw_vacancies", "2017-09", "2017-09", "value", 11, 0, "report 1.16"),
        ("tm_vacancies", "2017-09", "2017-09", "value", 4, 0, "report 1.16"),
        ("tm_vacancies", "2017-12", "2017-12", "value", 4, 0, "report 1.37"),
        ("ap_vacancies", "2017-09", "2017-09", "value", 8, 0, "report 1.16"),
        ("clinical_practitioner_vacancies", "2017-09", "2017-09", "value", 2, 0, "report 1.16"),
        ("permanent_appointments", "2017-09", "2017-12", "sum", 8, 0, "report 1.17 (6 + 2)"),
        ("members_trained_corporate_parenting", "2017-12", "2017-12", "value", 32, 0, "report 1.24-1.25"),
        # DfE Characteristics of children in need (cpp_started, cpp_subsequent, cpp_open_31mar,
        # cpp_open_31mar_2yrs_plus_pct), Barnet: the demo's years add up to the published ones.
        ("cp_plans_started", "2015-04", "2016-03", "sum", 309, 0, "DfE cpp_started 2015-16"),
        ("cp_plans_started", "2016-04", "2017-03", "sum", 260, 0, "DfE cpp_started 2016-17"),
        ("cp_plans_started", "2017-04", "2018-03", "sum", 243, 0, "DfE cpp_started 2017-18"),
        ("cp_second_subsequent_pct", "2016-03", "2016-03", "numerator", 51, 0, "DfE cpp_subsequent 2015-16"),
        ("cp_second_subsequent_pct", "2017-03", "2017-03", "numerator", 28, 0, "DfE cpp_subsequent 2016-17"),
        ("cp_second_subsequent_pct", "2018-03", "2018-03", "numerator", 24, 0, "DfE cpp_subsequent 2017-18"),
        ("cp_plans_open", "2016-03", "2016-03", "value", 267, 0, "DfE cpp_open_31mar 2016"),
        ("cp_plans_open", "2017-03", "2017-03", "value", 194, 0, "DfE cpp_open_31mar 2017"),
        ("cp_plans_open", "2018-03", "2018-03", "value", 162, 0, "DfE cpp_open_31mar 2018"),
        ("cp_plans_2yrs_plus", "2017-03", "2017-03", "value", 10, 0, "DfE 5.2% of 194, 31 March 2017"),
    )
]

# Patterns from the report that the demo series show; for the book's notes on the demo data.
SHAPES = (
    ("contacts_to_referral_pct", "rising every month from April to November 2017", "1.74"),
    ("open_cin_plans", "rising every month of 2017, November 2017 the highest", "1.75"),
    ("cin_visits_6wk_pct", "rising each month from August to November 2017", "1.76"),
    ("cp_plans_started", "falling over September to November 2017", "1.77"),
    ("cp_visits_10d_pct", "rising over September to November 2017", "1.78"),
    ("cic_visits_pct", "a dip in September 2017, rising since", "1.79"),
    ("repeat_referrals_pct", "falling every month from May to November 2017", "1.80"),
    ("s47_completed", "rising over the four months to November 2017", "1.81"),
    ("s47_to_icpc_15wd_pct", "rising from August to November 2017", "1.81"),
    ("cp_plans_2yrs_plus", "never rising from April to November 2017", "1.83"),
    (
        "lac_review_participation_pct",
        "above 95% July-November 2017, above 90% for the two years to November 2017, upward trend",
        "1.84",
    ),
    ("iha_in_time_pct", "rising from April 2017, November the highest since", "1.85"),
    ("cic_health_checks_pct", "above 95% from January 2017 to March 2018, rising", "1.85"),
    ("private_fostering_monitored", "rising each month from August to November 2017", "1.65"),
)

MONTHS = [str(p) for p in pd.period_range("2015-04", "2018-03", freq="M")]
N = len(MONTHS)
_TARGETS = {(a.indicator, a.start, a.end, a.statistic): a.target for a in ANCHORS}
# Relative activity by calendar month (Jan..Dec): fewer contacts in school holidays.
_SEASON = np.array([1.02, 1.0, 1.05, 0.95, 1.02, 1.03, 1.0, 0.78, 1.0, 1.06, 1.08, 0.84])
_FY = np.array([int(m[:4]) + (int(m[5:]) >= 4) for m in MONTHS])  # year ending 31 March


def _ytd(x) -> np.ndarray:
    """Financial year to date totals."""
    return pd.Series(x).groupby(_FY).cumsum().to_numpy()


def _t(indicator, start, end=None, statistic="value"):
    """The anchored target, so that every published number lives only in ``ANCHORS``."""
    return _TARGETS[(indicator, start, end or start, statistic)]


def _i(month: str, first: str = MONTHS[0]) -> int:
    return (pd.Period(month, "M") - pd.Period(first, "M")).n


def _span(start: str, end: str) -> slice:
    return slice(_i(start), _i(end) + 1)


def _curve(knots: dict, n: int = N, first: str = MONTHS[0]) -> np.ndarray:
    """Piecewise-linear trend through ``{month: level}``, flat beyond the ends."""
    return np.interp(np.arange(n), [_i(m, first) for m in knots], list(knots.values()))


def _season(strength: float = 1.0) -> np.ndarray:
    moy = np.array([pd.Period(m, "M").month for m in MONTHS]) - 1
    return 1 + strength * (_SEASON[moy] - 1)


def _pct(num, den) -> float:
    """The dashboard's rule, used everywhere so that anchors and values agree to the digit."""
    return round(100 * num / den, 1)


def _exact(value: float, den: int, ok=lambda n, d: True) -> tuple[int, int]:
    """Whole numbers (n, d), d as near ``den`` as possible, with ``_pct(n, d) == value``."""
    for step in range(400):
        for d in sorted({den - step, den + step}):
            for n in range(max(0, floor(value * d / 100) - 1), min(d, ceil(value * d / 100) + 1) + 1):
                if d > 0 and _pct(n, d) == value and ok(n, d):
                    return n, d
    raise ValueError(f"no fraction near {den} gives {value}")


def _walk(rng, start: float, end: float, steps: int) -> np.ndarray:
    """``steps + 1`` levels from start to end, every step the same way but of uneven size."""
    share = 0.5 / steps + 0.5 * rng.dirichlet(np.ones(steps))
    return start + (end - start) * np.concatenate([[0.0], np.cumsum(share)])


def _split(rng, total: int, weights, jitter: float = 0.15, cap=None) -> np.ndarray:
    """Whole numbers summing to ``total``, roughly in proportion to ``weights``, at most ``cap``."""
    w = np.asarray(weights, float) * np.clip(1 + jitter * rng.standard_normal(len(weights)), 0.3, None)
    raw = total * w / w.sum()
    out = np.floor(raw).astype(int)
    out[np.argsort(out - raw)[: total - out.sum()]] += 1
    if cap is not None:  # move any excess to the month with most room
        cap = np.asarray(cap)
        while (out > cap).any():
            out[np.argmax(out - cap)] -= 1
            out[np.argmax(cap - out)] += 1
    return out


def _pool(num, den, sl: slice, target: float) -> None:
    """Nudge numerators in ``sl`` one at a time, spread out, so the pooled rate hits target."""
    total_den = int(den[sl].sum())
    hits = [
        n
        for n in range(round(target * total_den / 100) - 3, round(target * total_den / 100) + 4)
        if _pct(n, total_den) == target
    ]
    want = hits[0] if hits else round(target * total_den / 100)
    months, k = list(range(sl.start, sl.stop)), 0
    while num[sl].sum() != want:
        step, i = np.sign(want - num[sl].sum()), months[k % len(months)]
        num[i] += step if 0 <= num[i] + step <= den[i] else 0
        k += 1


def _keep_monotone(num, den, sl: slice, sign: int = 1) -> None:
    """Move earlier numerators in ``sl`` until rounded values strictly rise (sign 1) or fall (-1)."""
    for i in range(sl.stop - 1, sl.start, -1):
        while sign * (_pct(num[i], den[i]) - _pct(num[i - 1], den[i - 1])) <= 0:
            num[i - 1] -= sign


def _noisy(rng, knots, sd, n=N, first=MONTHS[0]) -> np.ndarray:
    return _curve(knots, n, first) + sd * rng.standard_normal(n)


def _counts(rng, knots, rel_sd, season=0.0) -> np.ndarray:
    return np.rint(_curve(knots) * _season(season) * (1 + rel_sd * rng.standard_normal(N))).astype(int)


def _nums(rate, den) -> np.ndarray:
    return np.clip(np.rint(np.asarray(rate) * den / 100), 0, den).astype(int)


def _front_door(rng, s: dict) -> None:
    """Contacts, referrals and section 47s: threshold decisions (theme 4)."""
    i_mar, i_nov = _i("2017-03"), _i("2017-11")
    contacts = _counts(rng, {"2015-04": 1800, "2017-03": 1900, "2017-11": 1650, "2018-03": 1600}, 0.04, 1)
    rate = np.maximum(_noisy(rng, {"2015-04": 21, "2016-03": 19.5, "2017-02": 15.5, "2018-03": 31}, 0.8), 14.5)
    rate[_span("2017-04", "2017-11")] = _walk(rng, rng.uniform(14.5, 16.5), 33, 7)
    referrals = _nums(rate, contacts)
    for i, month in ((i_mar, "2017-03"), (i_nov, "2017-11")):
        referrals[i], contacts[i] = _exact(_t("contacts_to_referral_pct", month), contacts[i])
    s["contacts_to_referral_pct"] = (referrals, contacts)

    year = _span("2017-04", "2017-11")
    assessed = _nums(
        np.clip(_noisy(rng, {"2015-04": 82, "2017-03": 88, "2017-04": 92.5, "2018-03": 94}, 1.2), 70, 98), referrals
    )
    _pool(assessed, referrals, year, _t("referrals_to_assessment_pct", "2017-04", "2017-11", "pooled"))
    s["referrals_to_assessment_pct"] = (assessed, referrals)

    # Repeat referrals, financial year to date; the year-end value is the annual figure.
    cum_ref = _ytd(referrals)
    rr = _nums(_noisy(rng, {"2015-04": 21.5, "2017-03": 19, "2018-03": 17.5}, 2.5), referrals)
    last = _span("2016-04", "2017-03")
    _pool(rr, referrals, last, _t("repeat_referrals_pct", "2017-03"))
    # 2017/18: a peak in May, then down every month to November's published figure.
    apr = rng.uniform(19.2, 19.8)
    path = np.concatenate([[apr], _walk(rng, apr + rng.uniform(0.3, 0.8), 18.1, 6)])
    cum = np.rint(path * cum_ref[year] / 100).astype(int)
    cum[-1] = _exact(_t("repeat_referrals_pct", "2017-11"), int(cum_ref[i_nov]), ok=lambda n, d: d == cum_ref[i_nov])[0]
    _keep_monotone(cum, cum_ref[year], slice(1, 8), sign=-1)  # rounding must not flatten a step
    rr[year] = np.diff(cum, prepend=0)
    s["repeat_referrals_pct"] = (_ytd(rr), cum_ref)

    s47 = _counts(rng, {"2015-04": 70, "2016-03": 79, "2017-03": 76, "2017-06": 72, "2018-03": 92}, 0.08, 0.5)
    s47[_span("2017-07", "2017-11")] = np.rint(_walk(rng, rng.uniform(66, 74), rng.uniform(96, 104), 4))
    s["s47_completed"] = (s47,)
    to_cin = _nums(np.clip(_noisy(rng, {"2015-04": 15, "2016-06": 16, "2017-04": 17}, 3), 5, 40), s47)
    _pool(to_cin, s47, year, _t("s47_to_cin_plan_pct", "2017-04", "2017-11", "pooled"))
    s["s47_to_cin_plan_pct"] = (to_cin, s47)


def _assessments(rng, s: dict) -> None:
    """Assessment volumes, timeliness and outcomes (theme 5)."""
    i_apr, i_oct, i_nov = _i("2017-04"), _i("2017-10"), _i("2017-11")
    done = _counts(
        rng,
        {
            "2015-04": 290,
            "2016-03": 275,
            "2017-03": 240,
            "2017-04": 223,
            "2017-07": 335,
            "2017-08": 320,
            "2017-09": 395,
            "2017-10": 455,
            "2017-11": 499,
            "2017-12": 450,
            "2018-03": 500,
        },
        0.05,
        0.4,
    )
    done[i_apr], done[i_nov] = _t("assessments_completed", "2017-04"), _t("assessments_completed", "2017-11")
    s["assessments_completed"] = (done,)
    # Timeliness is over statutory child and family assessments only, a little under all assessments.
    cfa = np.rint(done * rng.uniform(0.93, 0.98, N)).astype(int)
    rate = _noisy(
        rng,
        {
            "2015-04": 78,
            "2016-03": 74,
            "2017-03": 66,
            "2017-04": 64,
            "2017-07": 56,
            "2017-09": 53,
            "2017-12": 60,
            "2018-03": 68,
        },
        2.5,
    )
    rate[i_oct] = 57 - rng.uniform(1, 3)  # "increased slightly since the last reporting period"
    in_time = _nums(rate, cfa)
    in_time[i_nov], cfa[i_nov] = _exact(
        _t("assessments_45wd_pct", "2017-11"), cfa[i_nov], ok=lambda n, d: d <= done[i_nov]
    )
    s["assessments_45wd_pct"] = (in_time, cfa)
    year = _span("2017-04", "2017-11")
    for code, knots, sd in (
        ("assessments_nfa_pct", {"2015-04": 55, "2017-03": 50, "2018-03": 46}, 3),
        ("assessments_s17_pct", {"2015-04": 15, "2017-04": 19, "2018-03": 20}, 2),
    ):
        num = _nums(_noisy(rng, knots, sd), done)
        _pool(num, done, year, _t(code, "2017-04", "2017-11", "pooled"))
        s[code] = (num, done)


def _cin(rng, s: dict) -> None:
    """Child in need plans and visits (theme 6)."""
    i_jun, i_nov = _i("2016-06"), _i("2017-11")
    open_ = np.rint(_noisy(rng, {"2015-04": 425, "2016-03": 365, "2016-05": 350, "2016-12": 385}, 8))
    open_ = np.maximum(open_, 346)  # June 2016 stays the low point
    open_[i_jun] = _t("open_cin_plans", "2016-06")
    open_[_span("2016-12", "2017-11")] = np.rint(_walk(rng, open_[_i("2016-12")], _t("open_cin_plans", "2017-11"), 11))
    open_[i_nov + 1 :] = np.rint(open_[i_nov] + np.cumsum(rng.normal(4, 9, N - i_nov - 1)))
    s["open_cin_plans"] = (open_.astype(int),)

    opened = _counts(rng, {"2015-04": 76, "2016-03": 72, "2017-12": 112, "2018-03": 110}, 0.1, 0.5)
    last, year = _span("2016-04", "2017-03"), _span("2017-04", "2017-11")
    opened[last] = _split(rng, 12 * _t("cin_plans_opened", "2016-04", "2017-03", "mean"), _season(0.5)[last], 0.12)
    opened[year] = _split(
        rng, 8 * _t("cin_plans_opened", "2017-04", "2017-11", "mean"), np.linspace(95, 122, 8) * _season(0.5)[year], 0.1
    )
    s["cin_plans_opened"] = (opened,)

    due = np.rint(open_ * rng.uniform(0.82, 0.88, N)).astype(int)  # children with a visit due
    rate = _noisy(rng, {"2015-04": 62, "2016-03": 60, "2017-03": 57, "2017-07": 60, "2018-03": 73}, 2.5)
    rate[_span("2017-08", "2017-11")] = _walk(rng, rng.uniform(56, 59), _t("cin_visits_6wk_pct", "2017-11"), 3)
    seen = _nums(rate, due)
    seen[i_nov], due[i_nov] = _exact(_t("cin_visits_6wk_pct", "2017-11"), due[i_nov], ok=lambda n, d: d <= open_[i_nov])
    s["cin_visits_6wk_pct"] = (seen, due)


def _child_protection(rng, s: dict) -> None:
    """Child protection plans: starts, repeats, endings, visits and conferences (themes 4 and 6)."""
    i_oct, i_nov = _i("2017-10"), _i("2017-11")
    year_start = {y: _t("cp_plans_started", f"{y - 1}-04", f"{y}-03", "sum") for y in (2016, 2017, 2018)}
    apr_nov16 = _t("cp_plans_started", "2016-04", "2016-11", "sum")
    apr_nov17 = _t("cp_plans_started", "2017-04", "2017-11", "sum")
    sep_nov16 = 3 * _t("cp_plans_started", "2016-09", "2016-11", "mean")
    sep_nov17 = 3 * _t("cp_plans_started", "2017-09", "2017-11", "mean")
    started = np.zeros(N, int)
    for a, b, total in (
        ("2015-04", "2016-03", year_start[2016]),
        ("2016-04", "2016-08", apr_nov16 - sep_nov16),
        ("2016-09", "2016-11", sep_nov16),
        ("2016-12", "2017-03", year_start[2017] - apr_nov16),
        ("2017-04", "2017-08", apr_nov17 - sep_nov17),
        ("2017-12", "2018-03", year_start[2018] - apr_nov17),
    ):
        started[_span(a, b)] = _split(rng, int(total), np.ones(_i(b) - _i(a) + 1))
    while True:  # September to November 2017: falling each month (1.77)
        hi, lo = rng.integers(27, 32), rng.integers(22, 25)
        if hi > sep_nov17 - hi - lo > lo:
            break
    started[_span("2017-09", "2017-11")] = (hi, sep_nov17 - hi - lo, lo)
    s["cp_plans_started"] = (started,)

    # Second or subsequent plans, year to date: November figures from the report, year ends from DfE.
    year_sub = {y: _t("cp_second_subsequent_pct", f"{y}-03", statistic="numerator") for y in (2016, 2017, 2018)}
    nov16 = _exact(_t("cp_second_subsequent_pct", "2016-11"), apr_nov16, ok=lambda n, d: d == apr_nov16)[0]
    nov17 = _t("cp_second_subsequent_pct", "2017-11", statistic="numerator")
    repeat = np.zeros(N, int)
    for a, b, total in (
        ("2015-04", "2016-03", year_sub[2016]),
        ("2016-04", "2016-11", nov16),
        ("2016-12", "2017-03", year_sub[2017] - nov16),
        ("2017-04", "2017-11", nov17),
        ("2017-12", "2018-03", year_sub[2018] - nov17),
    ):
        sl = _span(a, b)
        repeat[sl] = _split(rng, int(total), started[sl], 0.5, cap=started[sl])
    s["cp_second_subsequent_pct"] = (_ytd(repeat), _ytd(started))

    under10 = rng.binomial(started, 0.82)
    year = _span("2017-04", "2017-11")
    share = _t("cp_plans_started_under10_pct", "2017-04", "2017-11", "pooled")
    under10[year] = _split(rng, round(share * apr_nov17 / 100), started[year], 0.1, cap=started[year])
    s["cp_plans_started_under10_pct"] = (under10, started)

    # Plans ending: set so that the caseload meets DfE's 31 March counts (236 at 31 March 2015).
    open_mar = {y: _t("cp_plans_open", f"{y}-03") for y in (2016, 2017, 2018)}
    ceased = np.zeros(N, int)
    ceased[_span("2015-04", "2016-03")] = _split(rng, 236 + year_start[2016] - open_mar[2016], np.ones(12), 0.2)
    ceased[_span("2016-04", "2017-03")] = _split(
        rng, open_mar[2016] + year_start[2017] - open_mar[2017], np.ones(12), 0.2
    )
    ceased[i_oct], ceased[i_nov] = _t("cp_plans_ceased", "2017-10"), _t("cp_plans_ceased", "2017-11")
    # November's caseload is the CP visits denominator: near what typical endings give, and one
    # of which 72.5% is a whole number of children.
    typical = (open_mar[2017] + year_start[2018] - open_mar[2018] - ceased[i_oct] - ceased[i_nov]) / 10
    base = open_mar[2017] + apr_nov17 - ceased[i_oct] - ceased[i_nov]
    open_nov = _exact(_t("cp_visits_10d_pct", "2017-11"), round(base - 6 * typical))[1]
    ceased[_span("2017-04", "2017-09")] = _split(rng, base - open_nov, np.ones(6), 0.2)
    ceased[_span("2017-12", "2018-03")] = _split(
        rng, open_nov + year_start[2018] - apr_nov17 - open_mar[2018], np.ones(4), 0.2
    )
    open_ = 236 + np.cumsum(started - ceased)
    s["cp_plans_ceased"], s["cp_plans_open"] = (ceased,), (open_,)

    long = np.clip(
        np.rint(_noisy(rng, {"2015-04": 9, "2015-10": 6, "2016-03": 4, "2016-09": 7, "2017-02": 10}, 1)), 1, None
    ).astype(int)
    long[_i("2016-03")] = rng.integers(1, 6)  # DfE suppressed it (c: 1 to 5) at 31 March 2016 and 2018
    long[_i("2017-03")] = _t("cp_plans_2yrs_plus", "2017-03")
    long[year] = [
        _t("cp_plans_2yrs_plus", "2017-04"),
        *np.sort(rng.integers(3, 11, 6))[::-1],
        _t("cp_plans_2yrs_plus", "2017-11"),
    ]
    long[i_nov + 1 :] = rng.integers(1, 5, N - i_nov - 1)
    s["cp_plans_2yrs_plus"] = (long,)

    rate = _noisy(rng, {"2015-04": 68, "2016-03": 64, "2017-03": 61, "2017-08": 67, "2017-12": 73, "2018-03": 75}, 2.5)
    rate[_span("2017-04", "2017-08")] = np.minimum(rate[_span("2017-04", "2017-08")], 69)
    # September and October chosen so that the three-month average is 71% (1.78).
    rate[i_oct - 1], rate[i_oct] = rng.uniform(69.4, 69.8), rng.uniform(70.7, 71.1)
    seen = _nums(rate, open_)
    seen[i_nov] = _exact(_t("cp_visits_10d_pct", "2017-11"), open_nov, ok=lambda n, d: d == open_nov)[0]
    s["cp_visits_10d_pct"] = (seen, open_)

    under5 = np.rint(open_ * rng.uniform(0.27, 0.33, N)).astype(int)
    under5[i_nov] = _t("cp_under5_open", "2017-11")
    in10 = _nums(np.clip(_noisy(rng, {"2015-04": 78, "2017-03": 74, "2018-03": 85}, 4), 50, 100), under5)
    in4w = np.maximum(_nums(np.clip(97 + 1.5 * rng.standard_normal(N), 90, 100), under5), in10)
    in10[i_nov] = _t("cp_under5_seen_10d_pct", "2017-11", statistic="numerator")
    in4w[i_nov] = _t("cp_under5_seen_4wk_pct", "2017-11", statistic="numerator")
    s["cp_under5_open"] = (under5,)
    s["cp_under5_seen_10d_pct"], s["cp_under5_seen_4wk_pct"] = (in10, under5), (in4w, under5)

    # Conferences: a few plans start at transfer-in conferences, so not every plan follows an ICPC.
    via = started - rng.binomial(started, 0.04)
    icpc = np.maximum(np.ceil(via / rng.uniform(0.74, 0.92, N)), 1).astype(int)
    via[i_nov] = started[i_nov] - rng.integers(0, 2)  # room for the September-December ratio below
    icpc[i_nov] = _exact(
        _t("s47_to_icpc_15wd_pct", "2017-11"), round(via[i_nov] / 0.83), ok=lambda n, d: d > via[i_nov]
    )[1]
    win, rest = _span("2017-09", "2017-12"), [i_oct - 1, i_oct, i_nov + 1]
    total = started[win].sum()

    def fits(n, d):
        return (
            total - 8 <= n <= total
            and n - via[i_nov] <= started[rest].sum()
            and d - icpc[i_nov] - (n - via[i_nov]) >= 3
        )

    n, d = _exact(_t("icpc_to_cpp_pct", "2017-09", "2017-12", "pooled"), round(total / 0.84), ok=fits)
    via[rest] = _split(rng, n - via[i_nov], started[rest], 0.05, cap=started[rest])
    icpc[rest] = via[rest] + 1 + _split(rng, d - icpc[i_nov] - via[rest].sum() - 3, via[rest], 0.3)
    s["icpc_to_cpp_pct"] = (via, icpc)

    rate = np.clip(
        _noisy(rng, {"2015-04": 72, "2016-03": 66, "2017-03": 64, "2017-07": 70, "2017-12": 90, "2018-03": 93}, 4),
        40,
        100,
    )
    rate[_span("2017-08", "2017-11")] = _walk(rng, rng.uniform(72, 76), 92.9, 3)
    quick = _nums(rate, icpc)
    quick[i_nov] = _exact(_t("s47_to_icpc_15wd_pct", "2017-11"), icpc[i_nov], ok=lambda n, d: d == icpc[i_nov])[0]
    _keep_monotone(quick, icpc, _span("2017-08", "2017-11"))  # keep the rise after rounding
    s["s47_to_icpc_15wd_pct"] = (quick, icpc)


def _children_in_care(rng, s: dict) -> None:
    """Children in care visits, reviews and health; private fostering (theme 6)."""
    i_aug, i_sep, i_oct, i_nov = (_i(m) for m in ("2017-08", "2017-09", "2017-10", "2017-11"))
    # DfE children looked after at 31 March 2015-2018 set the scale (not anchored).
    cic = np.rint(
        _curve({"2015-03": 302, "2016-03": 314, "2017-03": 344, "2018-03": 328}) * (1 + 0.015 * rng.standard_normal(N))
    ).astype(int)
    rate = _noisy(rng, {"2015-04": 85, "2016-03": 83, "2017-03": 82, "2017-08": 86.5, "2018-03": 92}, 1.8)
    rate[i_aug] = max(rate[i_aug], 85.5)
    rate[i_sep], rate[i_oct] = rng.uniform(79, 82), rng.uniform(84, 86.5)  # the September dip (1.79)
    rate[i_nov + 1 :] = np.maximum(rate[i_nov + 1 :], 87)
    due = cic.copy()
    visited = _nums(rate, due)
    visited[i_nov], due[i_nov] = _exact(_t("cic_visits_pct", "2017-11"), due[i_nov])
    s["cic_visits_pct"] = (visited, due)

    reviews = np.clip(np.rint(cic / 6 * (1 + 0.12 * rng.standard_normal(N))), 30, 90).astype(int)
    rate = _noisy(
        rng,
        {
            "2015-04": 88,
            "2015-11": 90.5,
            "2015-12": 91.5,
            "2017-06": 94.2,
            "2017-07": 96,
            "2017-11": 97.5,
            "2018-03": 98,
        },
        0.8,
    )
    t = np.arange(N)
    lo = np.where(t >= _i("2017-07"), 95, np.where(t >= _i("2015-12"), 90, 0))  # strictly above (1.84)
    hi = np.where(t < _i("2017-07"), 95, 100)  # at or below target before July 2017
    part = np.clip(_nums(rate, reviews), np.floor(lo * reviews / 100) + 1, np.floor(hi * reviews / 100))
    s["lac_review_participation_pct"] = (part.astype(int), reviews)

    # Initial health assessments, rolling three months: monthly counts from February 2015.
    first, m = "2015-02", N + 2
    due = np.maximum(rng.poisson(18, m), 10)
    rate = _noisy(rng, {"2015-02": 52, "2016-03": 45, "2017-01": 32, "2017-12": 85, "2018-03": 88}, 5, m, first)
    rate[_i("2017-02", first) : _i("2017-05", first)] = rng.uniform(26, 33, 3)
    rate[_i("2017-05", first) : _i("2017-11", first)] = _walk(rng, rng.uniform(36, 42), rng.uniform(70, 75), 5)
    done = _nums(np.clip(rate, 0, 100), due)
    for month in ("2017-04", "2017-11"):
        j = _i(month, first)
        n0, d0 = done[j - 2 : j].sum(), due[j - 2 : j].sum()
        n, d = _exact(
            _t("iha_in_time_pct", month),
            d0 + due[j],
            ok=lambda n, d, n0=n0, d0=d0: d - d0 >= 8 and 0 <= n - n0 <= d - d0,
        )
        done[j], due[j] = n - n0, d - d0
    s["iha_in_time_pct"] = (done[2:] + done[1:-1] + done[:-2], due[2:] + due[1:-1] + due[:-2])

    eligible = np.rint(cic * 0.68 * (1 + 0.02 * rng.standard_normal(N))).astype(int)
    rate = _noisy(rng, {"2015-04": 88, "2016-03": 89, "2016-12": 93}, 0.35)
    rate[_i("2017-01") :] = _walk(rng, rng.uniform(95.5, 96), rng.uniform(98.5, 99), N - _i("2017-01") - 1)
    checked = _nums(rate, eligible)
    since = t >= _i("2017-01")  # above the 95% target all year (1.85)
    checked[since] = np.maximum(checked[since], np.floor(0.95 * eligible[since]) + 1)
    s["cic_health_checks_pct"] = (checked, eligible)

    fostered = np.clip(np.rint(_noisy(rng, {"2015-04": 7, "2016-03": 6, "2017-07": 7}, 1.3)), 3, 10).astype(int)
    fostered[_span("2017-08", "2017-11")] = np.rint(
        _walk(rng, _t("private_fostering_monitored", "2017-08"), _t("private_fostering_monitored", "2017-11"), 3)
    )
    fostered[i_nov + 1 :] = fostered[i_nov] + np.cumsum(rng.integers(-2, 3, N - i_nov - 1))
    s["private_fostering_monitored"] = (fostered,)


def _workforce(rng, s: dict) -> None:
    """Vacancies, agency cover, caseloads, audits, appointments, member training (themes 1-3, 7)."""
    i_sep, i_dec = _i("2017-09"), _i("2017-12")
    after, k = slice(i_sep + 1, N), N - i_sep - 1

    def level(mean, sd, lo, hi):
        return np.clip(np.rint(mean + sd * rng.standard_normal(N)), lo, hi).astype(int)

    sw = np.clip(
        np.rint(_noisy(rng, {"2015-04": 12, "2016-06": 14, "2017-03": 13, "2017-08": 12}, 1.8)), 5, None
    ).astype(int)
    sw[i_sep] = _t("sw_vacancies", "2017-09")
    sw[after] = np.maximum(sw[i_sep] - np.cumsum(rng.integers(0, 3, k)), 2)  # the campaign fills posts
    tm = level(3, 1.2, 1, 6)
    tm[i_sep] = _t("tm_vacancies", "2017-09")
    tm[i_sep + 1] = tm[i_sep] + rng.integers(0, 2)
    tm[i_sep + 2] = tm[i_sep + 1] + rng.integers(0, 2)  # posts falling vacant before December's appointments
    tm[i_dec] = _t("tm_vacancies", "2017-12")
    tm[i_dec + 1 :] = tm[i_dec] - np.cumsum(rng.integers(0, 2, N - i_dec - 1))
    ap, cl = level(6, 1.5, 2, 10), level(1, 0.8, 0, 3)
    ap[i_sep], cl[i_sep] = _t("ap_vacancies", "2017-09"), _t("clinical_practitioner_vacancies", "2017-09")
    ap[after] = ap[i_sep] - np.cumsum(rng.integers(0, 2, k))
    cl[after] = np.maximum(cl[i_sep] - np.cumsum(rng.integers(0, 2, k)), 0)
    appointed = rng.poisson(1.2, N)
    appointed[i_sep : i_dec + 1] = _split(
        rng, int(_t("permanent_appointments", "2017-09", "2017-12", "sum")), [0.4, 1, 1.2, 1.2], 0.2
    )
    posts = np.rint(150 + 4 * rng.standard_normal(N)).astype(int)
    agency = _nums(_noisy(rng, {"2015-04": 27, "2016-03": 30, "2017-03": 34, "2017-08": 38, "2018-03": 32}, 1.2), posts)
    caseload = np.round(
        _noisy(rng, {"2015-04": 17, "2016-03": 16.5, "2017-03": 16, "2017-11": 21, "2018-03": 19}, 0.5), 1
    )
    audits = np.maximum(
        _counts(rng, {"2015-04": 14, "2016-03": 18, "2017-03": 22, "2017-08": 45, "2018-03": 60}, 0.12), 5
    )
    good = _nums(np.clip(_noisy(rng, {"2015-04": 22, "2017-03": 15, "2017-07": 12, "2018-03": 30}, 4), 0, 100), audits)
    members = np.zeros(N, int)  # cumulative; the first session was in December 2017 (1.24)
    members[i_dec] = _t("members_trained_corporate_parenting", "2017-12")
    members[i_dec + 1 :] = members[i_dec] + rng.integers(6, 13)  # the shorter January 2018 session
    s.update(
        sw_vacancies=(sw,),
        tm_vacancies=(tm,),
        ap_vacancies=(ap,),
        clinical_practitioner_vacancies=(cl,),
        permanent_appointments=(appointed,),
        agency_cover_pct=(agency, posts),
        caseload_per_sw=(caseload,),
        audits_completed=(audits,),
        audits_good_pct=(good, audits),
        members_trained_corporate_parenting=(members,),
    )


def generate_indicators(rng: np.random.Generator) -> pd.DataFrame:
    """Generate the monthly dashboard for April 2015 to March 2018.

    Parameters
    ----------
    rng : numpy.random.Generator
        The only source of randomness: the same generator state gives the same data.

    Returns
    -------
    pandas.DataFrame
        ``indicators.csv`` in long format: ``indicator``, ``month`` ("YYYY-MM"), ``value``,
        ``numerator``, ``denominator``; one row per indicator and month. Percentages are
        ``round(100 * numerator / denominator, 1)``; counts and rates have no numerator or
        denominator (NaN).
    """
    s: dict = {}
    for build in (_front_door, _assessments, _cin, _child_protection, _children_in_care, _workforce):
        build(rng, s)
    frames = []
    for code in sorted(s):
        if len(s[code]) == 2:
            num, den = (np.asarray(x, dtype=float) for x in s[code])
            value = np.array([_pct(n, d) for n, d in zip(num, den)])
        else:
            value, num, den = np.asarray(s[code][0], dtype=float), np.nan, np.nan
        frames.append(
            pd.DataFrame({"indicator": code, "month": MONTHS, "value": value, "numerator": num, "denominator": den})
        )
    return pd.concat(frames, ignore_index=True)


def anchor_table(frame: pd.DataFrame) -> pd.DataFrame:
    """List ``ANCHORS`` with the figure ``frame`` gives for each, for the book's note on the demo data.

    Parameters
    ----------
    frame : pandas.DataFrame
        Indicators in the long format of ``generate_indicators``.

    Returns
    -------
    pandas.DataFrame
        The anchor fields plus ``demo`` (the computed figure) and ``matches`` (bool).
    """
    rows = []
    for a in ANCHORS:
        sel = frame[(frame["indicator"] == a.indicator) & frame["month"].between(a.start, a.end)]
        if a.statistic == "pooled":
            got = 100 * sel["numerator"].sum() / sel["denominator"].sum()
        elif a.statistic in ("sum", "mean"):
            got = getattr(sel["value"], a.statistic)()
        else:
            got = sel[a.statistic].iloc[0] if len(sel) else np.nan
        ok = abs(got - a.target) <= a.tolerance + 1e-9 if a.tolerance else round(got, 1) == a.target
        rows.append({**a._asdict(), "demo": round(float(got), 2), "matches": bool(ok)})
    return pd.DataFrame(rows)
