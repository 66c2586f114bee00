"""Kaplan-Meier and log-rank against hand-worked values and scipy's independent implementation."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from improvement_report.stats.survival import kaplan_meier, log_rank


def test_kaplan_meier_by_hand_with_a_censored_record():
    # n=7: one event at 1 (6/7), two at 2 (x4/6 = 4/7), one at 3 (x3/4 = 3/7), censored at 4,
    # one at 5 (x1/2 = 3/14), one at 6 (x0/1)
    km = kaplan_meier(pd.Series([1, 2, 2, 3, 4, 5, 6]), pd.Series([True, True, True, True, False, True, True]))
    assert km.times.tolist() == [1, 2, 3, 5, 6]
    assert km.survival == pytest.approx([6 / 7, 4 / 7, 3 / 7, 3 / 14, 0])
    assert km.median == 3  # the curve first falls below one half at 3


def test_kaplan_meier_matches_scipy_ecdf_on_random_censored_data():
    rng = np.random.default_rng(7)
    durations = rng.exponential(30, 200).round(1)
    observed = rng.random(200) < 0.7
    km = kaplan_meier(pd.Series(durations), pd.Series(observed))
    reference = stats.ecdf(stats.CensoredData(uncensored=durations[observed], right=durations[~observed])).sf
    assert km.survival == pytest.approx(reference.evaluate(km.times))


def test_median_not_reached_and_no_records():
    km = kaplan_meier(pd.Series([1.0, 2.0, 3.0, 4.0]), pd.Series([True, False, False, False]))
    assert km.survival[-1] == pytest.approx(0.75) and km.median is None
    assert kaplan_meier(pd.Series([], dtype=float), pd.Series([], dtype=bool)) is None


def test_log_rank_matches_scipy():
    rng = np.random.default_rng(3)
    a, b = rng.exponential(20, 60).round(1), rng.exponential(35, 50).round(1)
    seen_a, seen_b = rng.random(60) < 0.8, rng.random(50) < 0.8
    result = log_rank(pd.Series(np.r_[a, b]), pd.Series(np.r_[seen_a, seen_b]), pd.Series(["a"] * 60 + ["b"] * 50))
    reference = stats.logrank(
        stats.CensoredData(uncensored=a[seen_a], right=a[~seen_a]),
        stats.CensoredData(uncensored=b[seen_b], right=b[~seen_b]),
    )
    assert result.chi2 == pytest.approx(reference.statistic**2, rel=1e-6)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-6)
    assert result.groups == 2


def test_log_rank_needs_two_groups_and_two_events():
    assert log_rank(pd.Series([1.0, 2.0]), pd.Series([True, True]), pd.Series(["x", "x"])) is None
    assert log_rank(pd.Series([1.0, 2.0, 3.0]), pd.Series([True, False, False]), pd.Series(["x", "y", "y"])) is None


# R's survfit median (print.survfit's `minmin`): the first time the curve is at or below one half;
# when it sits exactly at one half on a flat step, the midpoint of that step.


def test_median_on_a_flat_step_at_one_half_is_the_midpoint_as_in_survfit():
    # Four events, no censoring: S = 3/4 after 2, 1/2 after 4 (a flat step to 7), 1/4 after 7, 0 after 9.
    # survfit: (4 + 7) / 2 = 5.5, the same as the plain median of 2, 4, 7, 9.
    km = kaplan_meier(pd.Series([2.0, 4, 7, 9]), pd.Series([True] * 4))
    assert km.survival == pytest.approx([0.75, 0.5, 0.25, 0])
    assert km.median == 5.5 == float(np.median([2, 4, 7, 9]))


def test_median_with_censoring_on_the_half_step():
    # n=6: events at 1 (5/6), 2 (4/6), censored at 3, event at 4: 4/6 x 2/3 = 4/9 (below one half).
    km = kaplan_meier(pd.Series([1.0, 2, 3, 4, 5, 6]), pd.Series([True, True, False, True, True, True]))
    assert km.survival[:3] == pytest.approx([5 / 6, 4 / 6, 4 / 9])
    assert km.median == 4  # first below one half, never exactly at it
    # n=5, censored at 1: events at 2 (3/4), 3 (3/4 x 2/3 = 1/2 exactly), flat until 5 (1/2 x 1/2 = 1/4),
    # then 6 (0): the median is (3 + 5) / 2 = 4.
    km = kaplan_meier(pd.Series([1.0, 2, 3, 5, 6]), pd.Series([False, True, True, True, True]))
    assert km.survival == pytest.approx([0.75, 0.5, 0.25, 0])
    assert km.median == 4


def test_median_exactly_one_half_to_the_end_is_where_it_got_there():
    # Events at 1 and 2 among four, the other two censored later: the curve ends at one half.
    km = kaplan_meier(pd.Series([1.0, 2, 3, 4]), pd.Series([True, True, False, False]))
    assert km.survival[-1] == pytest.approx(0.5) and km.median == 2


def test_survival_curve_cross_checked_with_statsmodels_and_median_differs_from_its_quantile():
    from statsmodels.duration.survfunc import SurvfuncRight

    durations, observed = np.array([2.0, 4, 7, 9]), np.ones(4)
    reference = SurvfuncRight(durations, observed)
    km = kaplan_meier(pd.Series(durations), pd.Series(observed.astype(bool)))
    assert km.survival == pytest.approx(reference.surv_prob)
    assert reference.quantile(0.5) != km.median  # statsmodels takes an end of the step; survfit its middle
