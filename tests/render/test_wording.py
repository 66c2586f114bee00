"""Computed phrases: records, rounding and rate ratios."""

import pandas as pd

from improvement_report.core.periods import pct, round_half_up
from improvement_report.render import wording as narrative


def monthly(values, start="2016-01"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"), dtype=float)


def test_lowest_since_names_the_last_month_as_low_or_lower():
    # By hand: May's 620 beats February (650), March (700) and April (690); January (600) is
    # lower, so May is "the lowest since January 2016" and the run it beats starts in February.
    s = monthly([600, 650, 700, 690, 620])
    rec = narrative.record_since(s, "2016-05", "lowest")
    assert rec.since == pd.Period("2016-01", "M") and rec.since_value == 600 and rec.months_beaten == 3
    assert narrative.since_words(rec, "lowest") == "lowest since January 2016 (600)"
    text = narrative.record_sentence(rec, "lowest", "count")
    assert text == (
        "the count at its lowest since January 2016 (600; every month from February 2016 to April 2016 was higher)"
    )


def test_equal_earlier_value_is_as_low():
    # March's 620 equals January's: "as low or lower", so the lowest since January, not December.
    rec = narrative.record_since(monthly([620, 700, 620]), "2016-03", "lowest")
    assert rec.since == pd.Period("2016-01", "M") and rec.since_value == 620


def test_record_over_the_whole_series_never_names_a_month_before_the_data():
    rec = narrative.record_since(monthly([700, 650, 600], start="2016-04"), "2016-06", "lowest")
    assert rec.since is None and rec.months_beaten == 2
    assert narrative.since_words(rec, "lowest") == "lowest since the series began in April 2016"
    assert "whole series, which begins in April 2016" in narrative.record_sentence(rec, "lowest", "count")
    rec = narrative.record_since(monthly([500, 600]), "2016-02", "lowest")
    assert rec.since == pd.Period("2016-01", "M") and rec.months_beaten == 0  # January was lower
    assert "not a new lowest: January 2016" in narrative.record_sentence(rec, "lowest", "count")
    assert narrative.record_since(monthly([10, 5, 20]), "2016-03", "highest").since is None
    # Highest: 8 beats 7 and 3 but not January's 9 (as high or higher).
    rec = narrative.record_since(monthly([9, 3, 7, 8]), "2016-04", "highest")
    assert narrative.since_words(rec, "highest") == "highest since January 2016 (9)"


def test_rounding_half_up_and_empty_denominators():
    assert round_half_up(0.05, 1) == 0.1 and round_half_up(2.675, 2) == 2.68
    assert pct(155, 224) == 69.2 and pct(1, 8) == 12.5 and pct(0, 0) is None


def test_first_month_of_a_series_is_not_called_a_record():
    rec = narrative.record_since(monthly([700]), "2016-01", "lowest")
    assert rec.months_before == 0
    assert "nothing earlier to compare" in narrative.record_sentence(rec, "lowest", "count")


def test_rate_ratios_are_rounded_once_to_one_precision():
    # By hand: 0.5794 to two places is 0.58; 1.00449 to three is 1.004.
    assert narrative.ratio_interval((0.5794, 0.4612, 0.7049), narrative.HOLIDAY_RATIO_PLACES) == "0.58 (0.46 to 0.70)"
    assert narrative.ratio_row((1.00449, 1.0, 1.0112), narrative.TREND_RATIO_PLACES) == ["1.004", "1.000", "1.011"]


def test_a_record_over_one_month_is_not_written_as_a_range():
    # Dec 562, Jan 500, Feb 545: February beats January only. Before: "every month from January
    # 2023 to January 2023 was lower".
    s = monthly([562, 500, 545], start="2022-12")
    text = narrative.record_sentence(narrative.record_since(s, "2023-02", "highest"), "highest", "number")
    assert "January 2023 was lower" in text and "to January 2023" not in text


def test_holiday_effect_words_follow_the_direction_of_the_ratio():
    # A chart title read "about -3% fewer" for a rate ratio of 1.03 before.
    assert narrative.holiday_effect_words(0.88) == "about 12% fewer"
    assert narrative.holiday_effect_words(1.03) == "about 3% more"
    assert narrative.holiday_effect_words(1.004) == "about as many"
