"""Computed phrases and the count model."""

import numpy as np
import pandas as pd
import pytest

from improvement_report.core.periods import pct, round_half_up
from improvement_report.render import wording as narrative
from improvement_report.stats import count_models as models


def monthly(values, start="2016-01"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"), dtype=float)


def test_lowest_since_names_the_unbroken_run_and_the_last_lower_month():
    s = monthly([600, 650, 700, 690, 620])  # Jan..May 2016; May = 620
    rec = narrative.record_since(s, "2016-05", "lowest")
    assert rec.since == pd.Period("2016-02", "M")
    assert rec.last_as_extreme == pd.Period("2016-01", "M") and rec.last_value == 600
    text = narrative.record_sentence(rec, "lowest", "count")
    assert "since February 2016" in text and "January 2016, 600" in text


def test_equal_earlier_value_ends_the_record():
    s = monthly([620, 700, 620])
    rec = narrative.record_since(s, "2016-03", "lowest")
    assert rec.since == pd.Period("2016-02", "M") and rec.last_value == 620


def test_record_over_the_whole_series_and_no_record():
    assert narrative.record_since(monthly([700, 650, 600]), "2016-03", "lowest").since is None
    rec = narrative.record_since(monthly([500, 600]), "2016-02", "lowest")
    assert rec.since == rec.at  # January was lower: not a record
    assert narrative.record_since(monthly([10, 5, 20]), "2016-03", "highest").since is None


def test_rounding_half_up_and_empty_denominators():
    assert round_half_up(0.05, 1) == 0.1 and round_half_up(2.675, 2) == 2.68
    assert pct(155, 224) == 69.2 and pct(1, 8) == 12.5 and pct(0, 0) is None


def test_count_model_recovers_a_known_trend_and_summer_effect():
    rng = np.random.default_rng(1)
    months = pd.period_range("2012-04", periods=72, freq="M")
    true_trend, true_summer = 0.99, 0.6
    mu = (
        100
        * true_trend ** np.arange(72)
        * np.where(months.month == 8, true_summer, 1.0)
        * np.where(months.month == 7, true_summer**0.3, 1.0)
    )
    fit = models.fit_count_trend(pd.Series(rng.poisson(mu), index=months))
    assert fit.monthly_ratio[1] <= true_trend <= fit.monthly_ratio[2]
    assert fit.summer_ratio[1] <= true_summer <= fit.summer_ratio[2]
    assert fit.family == "Poisson"
    assert "falling" in models.describe(fit, "openings")


def test_count_model_switches_to_negative_binomial_when_overdispersed():
    rng = np.random.default_rng(2)
    months = pd.period_range("2012-04", periods=72, freq="M")
    counts = rng.negative_binomial(5, 5 / (5 + 100), 72)  # mean 100, variance 2,100
    fit = models.fit_count_trend(pd.Series(counts, index=months))
    assert fit.family == "negative binomial" and fit.alpha > 0.05


def test_count_model_refuses_short_series_and_flags_caveat():
    with pytest.raises(ValueError, match="at least 6 months"):
        models.fit_count_trend(monthly([1, 2, 3]))
    fit = models.fit_count_trend(
        pd.Series(np.full(18, 50.0), index=pd.period_range("2016-04", periods=18, freq="M")) + np.tile([0, 3, -2], 6)
    )
    assert fit.short_series and "caution" in models.describe(fit, "openings")


def test_first_month_of_a_series_is_not_called_a_record():
    rec = narrative.record_since(monthly([700]), "2016-01", "lowest")
    assert rec.months_before == 0
    assert "nothing earlier to compare" in narrative.record_sentence(rec, "lowest", "count")
