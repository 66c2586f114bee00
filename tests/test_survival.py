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
