"""The chapter answers follow what happened: direction, shares only when parts agree, and what cannot be answered."""

import pandas as pd

from improvement_report.measures import early_help
from improvement_report.measures.seasonal import Comparison
from improvement_report.render import answers


def flow(opened: list[int], closed: list[int], start="2015-12", open_start=500) -> pd.DataFrame:
    months = pd.period_range(start, periods=len(opened), freq="M", name="month")
    f = pd.DataFrame({"opened": opened, "closed": closed}, index=months)
    f["net_flow"] = f.opened - f.closed
    f["open_end"] = open_start + f.net_flow.cumsum()
    return f


def test_a_rise_is_called_a_rise_and_opposite_parts_are_not_shared():
    # Year 1: 10 opened and 10 closed a month; year 2: 14 opened and 12 closed (both more).
    f = flow([10] * 12 + [14] * 12, [10] * 12 + [12] * 12)
    month = f.index[-1]
    text = answers.early_help_answer(f, month, None, early_help.year_on_year(f, month)).text
    assert "**24 more**" in text  # 12 months of +2
    assert "48 more openings and 24 more closures" in text
    assert "opposite directions, so the change cannot be shared" in text
    assert "%" not in text.split("more closures")[1]  # no share given
    assert "cannot be answered for this period" in text  # no seasonal analysis given


def test_a_short_series_says_what_cannot_be_answered():
    f = flow([10] * 6, [9] * 6, start="2017-06")
    month = f.index[-1]
    text = answers.early_help_answer(f, month, None, early_help.year_on_year(f, month)).text
    assert "the change on a year earlier cannot be answered" in text
    assert "needs the 24 months to November 2017, and the series starts in June 2017" in text


def test_shares_are_given_when_both_parts_push_the_same_way():
    f = flow([10] * 12 + [9] * 12, [10] * 12 + [13] * 12)  # 12 fewer openings, 36 more closures
    month = f.index[-1]
    text = answers.early_help_answer(f, month, None, early_help.year_on_year(f, month)).text
    assert "12 fewer openings and 36 more closures" in text
    assert "75% of the change in the net flow came from closures" in text  # 36 of 48


def test_seasonal_words_follow_the_verdict():
    def comparison(start, actual, expected):
        return Comparison(
            "the report month", pd.Period("2017-06", "M"), pd.Period("2017-11", "M"), start, actual, expected, 1.0, "m"
        )

    class Result:
        def __init__(self, c):
            self.comparisons = [c]

    seasonal_fall = answers._seasonal_sentence(Result(comparison(100, 80, 75)))
    assert "fell by 20" in seasonal_fall and "the fall is seasonal" in seasonal_fall
    rise = answers._seasonal_sentence(Result(comparison(100, 120, 110)))
    assert "rose by 20" in rise and "predicts a rise of about 10" in rise and "fell" not in rise
    underlying = answers._seasonal_sentence(Result(comparison(100, 80, 100)))
    assert "predicts no change" in underlying and "none of the fall is seasonal" in underlying


def test_no_discussions_and_no_returns_are_said_not_hidden():
    empty = pd.DataFrame(
        {
            "held_at": pd.to_datetime([]),
            "children": [],
            "csc": pd.Series([], dtype=bool),
            "police": pd.Series([], dtype=bool),
            "health": pd.Series([], dtype=bool),
            "education": pd.Series([], dtype=object),
        }
    )
    text = answers.strategy_answer(empty, "2017-09-01", "2017-12-31", None).text
    assert "No strategy discussions were recorded from 1 Sep 2017 to 31 Dec 2017" in text


def test_small_counts_in_the_missing_answer_are_words_not_numbers():
    def episode(start, hours, care, child):
        start = pd.Timestamp(start)
        return {
            "child_id": child,
            "start": start,
            "end": start + pd.Timedelta(hours=hours),
            "looked_after": care,
            "rhi_completed_at": start + pd.Timedelta(hours=hours + 10),
        }

    rows = [episode("2017-09-05", 5, False, "a"), episode("2017-09-06", 7, True, "b")]
    rows += [episode(f"2016-09-{d:02d}", 20, False, f"c{d}") for d in range(1, 21)]
    text = answers.missing_answer(pd.DataFrame(rows), "2017-09-01", "2017-12-31", "2016-01-01").text
    assert "1 to 5 episodes from home (1 to 5 children), fewer than a year earlier (20);" in text
    assert "1 to 5 episodes from care (1 to 5 children), more than a year earlier" in text
    assert "median" not in text  # a median of 1 to 5 episodes is not published
    assert "is not shown (share not shown: a count from 1 to 5)" in text
    assert answers.missing_answer(
        pd.DataFrame(rows), "2017-09-01", "2017-12-31", "2016-01-01", suppress=False
    ).text.startswith(
        "From 1 Sep 2017 to 31 Dec 2017 (against 1 Sep 2016 to 31 Dec 2016): 1 episode from home (1 child), 19 fewer"
    )
