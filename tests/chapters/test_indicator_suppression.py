"""Small-number suppression of the dashboard indicators on the theme pages and the summary.

A tiny p chart worked by hand: twelve months alternating 20 and 22 of 40, then 3 of 40, 37 of 40
and 20 of 40. The 3 is a count from 1 to 5; 37 of 40 leaves a rest of 3; 20 of 40 is published.
The centre line is still computed on every month: (6 * 20 + 6 * 22 + 3 + 37 + 20) / (15 * 40)
= 312 / 600 = 52%.
"""

import numpy as np
import pandas as pd
import pytest

from improvement_report.chapters import summary, themes
from improvement_report.measures import judgements
from improvement_report.render import downloads, indicator_words, suppression

MONTHS = pd.period_range("2016-01", periods=15, freq="M")
NUMERATORS = [20.0, 22.0] * 6 + [3.0, 37.0, 20.0]
DENOMINATORS = [40.0] * 15


def info(unit="percent", small_numbers=""):
    return pd.Series(
        {
            "name": "Test indicator",
            "theme": 4,
            "unit": unit,
            "aggregation": "in_month",
            "polarity": "higher_is_better",
            "target": np.nan,
            "comparator_statistical_neighbours": np.nan,
            "comparator_england": np.nan,
            "comparator_previous_year": np.nan,
            "comparator_source": "",
            "watch": "",
            "published_list": "",
            "small_numbers": small_numbers,
        }
    )


def share_analysis(numerators=NUMERATORS, enabled=True):
    num = pd.Series(numerators, index=MONTHS)
    den = pd.Series(DENOMINATORS, index=MONTHS)
    a = judgements.analyse(100 * num / den, info(), MONTHS[-1], judgements.Settings(), "x", num, den)
    return suppression.mark_hidden([a], enabled)[0]


def test_a_share_is_hidden_when_its_count_total_or_rest_is_1_to_5():
    numerators = pd.Series([3, 37, 20, 0, 40, 2])
    denominators = pd.Series([40, 40, 40, 40, 40, 5])
    # 3: the count; 37 of 40: the rest is 3; 0 and 40 of 40: nothing from 1 to 5; 2 of 5: both.
    assert suppression.small_share(numerators, denominators).tolist() == [True, True, False, False, False, True]


def test_only_the_month_of_20_of_40_is_published_and_the_limits_use_every_month():
    a = share_analysis()
    assert a.method == "p"
    assert a.hidden == frozenset(MONTHS[-3:-1]) == a.charted_hidden
    assert a.chart.data["mean"].iloc[-1] == pytest.approx(52.0)  # 312 / 600, the hidden months included
    table = themes.chart_table(a)
    assert table["value"].tolist()[-3:] == ["c", "c", 50.0]
    assert table["numerator"].tolist()[-3:] == ["c", "c", 20.0]
    assert table["lower_limit"].iloc[-2] == "c" and table["upper_limit"].iloc[-3] == "c"
    assert table["value"].iloc[0] == 50.0  # 20 of 40
    drawn = themes._drawn(a).data
    assert drawn["value"].isna().tolist()[-3:] == [True, True, False]
    assert not drawn["value"].iloc[:12].isna().any()


def test_the_download_keeps_c_and_rounds_the_rest():
    a = share_analysis()
    rows = downloads.indicator_rows(themes.chart_table(a), a.code, a.name, "percent")
    assert rows["value"].tolist()[-3:] == ["c", "c", 50.0]
    assert rows["numerator"].tolist()[-3:] == ["c", "c", 20]
    assert rows["denominator"].tolist()[-1] == 40


def test_no_change_is_given_from_a_hidden_month():
    text = indicator_words.change_sentence(share_analysis())
    assert text.startswith("**50.0%** in March 2017")
    assert "no change on the month before is given (February 2017: not shown, it rests on 1 to 5" in text
    assert "92.5" not in text and "7.5" not in text


def test_a_hidden_latest_month_is_not_shown_anywhere_it_is_named():
    a = share_analysis(NUMERATORS[:-1] + [2.0])  # 2 of 40 in the latest month
    assert indicator_words.latest_text(a) == "not shown"
    assert indicator_words.change_sentence(a).startswith("The value for March 2017 is not shown: it rests on 1 to 5")
    item = summary.item(a, "")
    assert "not shown in March 2017" in item and "5.0%" not in item
    assert "1 month is" not in indicator_words.hidden_note(a)
    assert indicator_words.hidden_note(a).startswith("3 months are not drawn")
    assert "not shown in March 2017" in themes.chart(a).alt
    assert "5.0%" not in themes.chart(a).alt


def test_suppression_turned_off_publishes_every_month():
    a = share_analysis(enabled=False)
    assert a.hidden == frozenset()
    assert "92.5%" in indicator_words.change_sentence(a)


def test_a_count_of_children_from_1_to_5_is_hidden_but_not_a_count_of_posts():
    values = pd.Series([10.0, 12.0] * 6 + [3.0], index=MONTHS[:13])
    children = judgements.analyse(values, info("count"), MONTHS[12], judgements.Settings(), "x")
    posts = judgements.analyse(values, info("count", "publish"), MONTHS[12], judgements.Settings(), "y")
    suppression.mark_hidden([children, posts])
    assert children.hidden == frozenset([MONTHS[12]])
    assert posts.hidden == frozenset()
    assert indicator_words.latest_text(children) == "not shown"
    assert indicator_words.latest_text(posts) == "3"


def test_a_total_is_hidden_where_a_part_published_apart_is():
    a = share_analysis()
    home = (pd.Series([10.0] * 15, index=MONTHS), pd.Series([20.0] * 15, index=MONTHS))
    care = (pd.Series([10.0] * 14 + [2.0], index=MONTHS), pd.Series([20.0] * 15, index=MONTHS))
    a.parts = (home, care)  # care in March 2017: 2 of 20
    suppression.mark_hidden([a])
    assert a.hidden == frozenset(MONTHS[-3:])
