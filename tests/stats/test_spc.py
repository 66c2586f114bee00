"""Hand-worked examples for the SPC calculations and the XmR chart.

Most rule tests sit exactly at the edge of a rule (6 vs 7 points, on vs just past a
limit) so that an off-by-one in the code makes them fail.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from improvement_report.render.spc_charts import describe_xmr, plot_spc
from improvement_report.stats import spc

# A baseline that alternates 11, 9, 11, ... (ends on 9 so later points above the mean
# start a fresh run). By hand:
#   mean = (5 × 11 + 5 × 9) / 10 = 10
#   moving ranges are all |9 - 11| = 2, so mean moving range = 2
#   limits = 10 ± 2.66 × 2 = 10 ± 5.32 -> 4.68 to 15.32
#   sigma = 2 / 1.128 = 1.77305; two-sigma lines as NHSRplotthedots draws them,
#   10 ± (2 × 2.66 / 3) × 2 = 10 ± 3.54667 -> 6.45333 to 13.54667
BASELINE = [11, 9] * 5
N_BASE = len(BASELINE)


def months(n, start="2020-04-01"):
    return pd.date_range(start, periods=n, freq="MS")


def with_baseline(extra):
    """The alternating baseline followed by ``extra``, limits fixed on the baseline."""
    values = pd.Series(BASELINE + list(extra), index=months(N_BASE + len(extra)), dtype=float)
    return spc.xmr(values, baseline_end=values.index[N_BASE - 1])


def flags(result, column):
    """Positions flagged in ``column`` after the baseline."""
    return list(np.flatnonzero(result.data[column].to_numpy()[N_BASE:]))


# ---------------------------------------------------------------------------- limits


def test_limits_on_tiny_series_by_hand():
    # values 10, 12, 11, 15, 12
    #   mean = 60 / 5 = 12
    #   moving ranges 2, 1, 4, 3 -> mean moving range = 10 / 4 = 2.5
    #   ucl = 12 + 2.66 × 2.5 = 18.65; lcl = 12 - 6.65 = 5.35
    #   sigma = 2.5 / 1.128 = 2.216312; two-sigma lines as NHSRplotthedots draws them:
    #   12 ± (2 × 2.66 / 3) × 2.5 = 12 ± 4.433333
    result = spc.xmr(pd.Series([10, 12, 11, 15, 12], index=months(5)))
    assert result.mean == pytest.approx(12)
    assert result.mean_moving_range == pytest.approx(2.5)
    assert result.sigma == pytest.approx(2.216312, abs=1e-6)
    assert result.baseline_points == 5
    data = result.data
    assert data["ucl"].iloc[0] == pytest.approx(18.65)
    assert data["lcl"].iloc[0] == pytest.approx(5.35)
    assert data["upper_2sigma"].iloc[0] == pytest.approx(16.433333, abs=1e-6)
    assert data["lower_2sigma"].iloc[0] == pytest.approx(7.566667, abs=1e-6)
    assert np.isnan(data["moving_range"].iloc[0])
    assert list(data["moving_range"].iloc[1:]) == [2, 1, 4, 3]
    assert not data["special_cause"].any()
    assert list(data["direction"]) == [""] * 5
    assert result.latest()["value"] == 12
    assert result.latest().name == pd.Timestamp("2020-08-01")


def test_constants_are_stated():
    assert spc.LIMIT_FACTOR == 2.66
    assert spc.D2 == 1.128
    assert spc.RUN_LENGTH == 7 and spc.TREND_LENGTH == 7


def test_baseline_fixes_limits_on_first_points():
    # The later points are far away but must not move the limits worked out above.
    result = with_baseline([30, 31, 29])
    assert result.baseline_points == N_BASE
    assert result.mean == pytest.approx(10)
    assert result.mean_moving_range == pytest.approx(2)
    assert result.data["ucl"].iloc[-1] == pytest.approx(15.32)
    assert result.data["lcl"].iloc[-1] == pytest.approx(4.68)
    assert flags(result, "beyond_limits") == [0, 1, 2]


def test_baseline_start_excludes_moving_range_into_the_baseline():
    # Baseline 9, 11, 9, 11 (from the second label): mean 10, moving ranges 2, 2, 2.
    # The range |9 - 100| into the baseline's first point must not count.
    values = pd.Series([100, 9, 11, 9, 11], index=months(5))
    result = spc.xmr(values, baseline_start=values.index[1])
    assert result.baseline_points == 4
    assert result.mean == pytest.approx(10)
    assert result.mean_moving_range == pytest.approx(2)
    assert result.data["beyond_limits"].tolist() == [True, False, False, False, False]


def test_missing_values_are_dropped():
    values = pd.Series([10, np.nan, 12, 11, 15, 12], index=months(6))
    result = spc.xmr(values)
    assert len(result.data) == 5
    assert result.mean_moving_range == pytest.approx(2.5)  # same as the tiny series


def test_too_few_points_raise_clear_error():
    with pytest.raises(ValueError, match="at least 2"):
        spc.xmr(pd.Series([5.0, np.nan], index=months(2)))
    with pytest.raises(ValueError, match="baseline"):
        values = pd.Series([1.0, 2.0, 3.0], index=months(3))
        spc.xmr(values, baseline_end=values.index[0])


# ----------------------------------------------------------------- rule 1: beyond limits


@pytest.mark.parametrize(
    "value, beyond, direction",
    [
        (15.31, False, ""),  # just inside ucl 15.32
        (15.33, True, "high"),  # just outside
        (4.69, False, ""),  # just inside lcl 4.68
        (4.67, True, "low"),
    ],
)
def test_point_just_inside_or_outside_a_limit(value, beyond, direction):
    result = with_baseline([value])
    latest = result.latest()
    assert bool(latest["beyond_limits"]) == beyond
    assert latest["special_cause"] == beyond
    assert latest["direction"] == direction


def test_point_exactly_on_a_limit_is_not_beyond():
    above, below = spc.beyond_limits_rule([1.0, 2.0, 3.0], upper=3.0, lower=1.0)
    assert not above.any() and not below.any()


# ------------------------------------------------------------------------- rule 2: runs


def test_six_points_above_mean_is_not_a_run():
    result = with_baseline([11] * 6)
    assert flags(result, "run") == []
    assert not result.latest()["special_cause"]


def test_seven_points_above_mean_is_a_run_and_all_are_flagged():
    result = with_baseline([11] * 7)
    assert flags(result, "run") == list(range(7))
    assert flags(result, "trend") == []  # equal values are not a trend
    assert set(result.data["direction"].iloc[N_BASE:]) == {"high"}


def test_seven_below_mean_is_a_low_run():
    high, low = spc.run_rule([1, -1, -1, -1, -1, -1, -1, -1, 1], centre=0)
    assert not high.any()
    assert list(np.flatnonzero(low)) == [1, 2, 3, 4, 5, 6, 7]


def test_point_exactly_on_mean_breaks_a_run():
    # Eight points off the mean, but the one on it splits them into 3 and 4.
    high, low = spc.run_rule([1, 1, 1, 0, 1, 1, 1, 1], centre=0)
    assert not high.any() and not low.any()
    result = with_baseline([11, 11, 11, 10, 11, 11, 11, 11])
    assert flags(result, "run") == []


# ----------------------------------------------------------------------- rule 3: trends


def test_six_rising_points_is_not_a_trend():
    rising, falling = spc.trend_rule([5, 1, 2, 3, 4, 5, 6, 0])
    assert not rising.any() and not falling.any()


def test_seven_rising_points_is_a_trend_and_all_are_flagged():
    rising, falling = spc.trend_rule([5, 1, 2, 3, 4, 5, 6, 7, 0])
    assert list(np.flatnonzero(rising)) == [1, 2, 3, 4, 5, 6, 7]
    assert not falling.any()


def test_equal_consecutive_values_break_a_trend():
    rising, _ = spc.trend_rule([1, 2, 3, 3, 4, 5, 6, 7])
    assert not rising.any()


def test_trend_in_xmr_within_limits():
    # 7, 8, ..., 13 after the baseline: each higher than the last, all inside the limits.
    # At most 4 points in a row sit on one side of the mean (9 ending the baseline, then
    # 7, 8, 9), and none passes a two-sigma line (6.454, 13.546): only the trend rule fires.
    result = with_baseline([7, 8, 9, 10, 11, 12, 13])
    assert flags(result, "trend") == list(range(7))
    assert flags(result, "run") == flags(result, "two_of_three") == []
    assert result.latest()["direction"] == "high"


def test_trend_direction_when_no_side_rule_applies():
    # Falling 7 to 1 across a centre of 4: no run (3 above, one on, 3 below), limits wide.
    rules = spc.apply_rules([7, 6, 5, 4, 3, 2, 1], centre=4, upper=100, lower=-100, upper_2sigma=50, lower_2sigma=-50)
    assert rules["trend"].all()
    assert set(rules["direction"]) == {"low"}
    # A peak ends a rising trend and starts a falling one: it takes the step that reached it.
    rules = spc.apply_rules(
        [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1],
        centre=4,
        upper=100,
        lower=-100,
        upper_2sigma=50,
        lower_2sigma=-50,
    )
    assert rules["trend"].all()
    assert rules["direction"].iloc[6] == "high"
    assert rules["direction"].iloc[7] == "low"


# ------------------------------------------------------------------ rule 4: two of three


# NHSRplotthedots (ptd_two_in_three): a window of three consecutive points qualifies when all
# three are on the same side of the mean and at least two are "close to the limits" (beyond
# two sigma but not beyond the limit); the close points of the window are flagged.
LINES = dict(centre=0, upper=3, lower=-3, upper_2sigma=2, lower_2sigma=-2)


def test_two_of_three_beyond_two_sigma_same_side():
    high, low = spc.two_of_three_rule([1, 2.5, 1, 2.5, 1], **LINES)
    # windows (1, 2.5, 1) and (2.5, 1, 2.5)...: only (2.5, 1, 2.5) has two close points.
    assert list(np.flatnonzero(high)) == [1, 3]  # only the points beyond 2 sigma
    assert not low.any()


def test_two_of_three_needs_all_three_points_on_the_same_side():
    # Two close points above, but the point between them is below the mean (or on it).
    for middle in (-0.5, 0.0):
        high, low = spc.two_of_three_rule([2.5, middle, 2.5], **LINES)
        assert not high.any() and not low.any()


def test_two_of_three_opposite_sides_do_not_count():
    high, low = spc.two_of_three_rule([1, 2.5, 1, -2.5, 1], **LINES)
    assert not high.any() and not low.any()


def test_a_point_beyond_the_limit_is_not_close_to_it():
    # 3.5 is beyond the upper limit (rule 1's signal); only 2.5 is close: one close point.
    high, _ = spc.two_of_three_rule([1, 3.5, 2.5], **LINES)
    assert not high.any()
    rules = spc.apply_rules([1, 3.5, 2.5], **LINES)
    assert list(rules["beyond_limits"]) == [False, True, False]
    assert list(rules["two_of_three"]) == [False, False, False]


def test_two_beyond_two_sigma_but_not_within_three_points():
    high, _ = spc.two_of_three_rule([2.5, 1, 1, 2.5], **LINES)
    assert not high.any()


def test_point_exactly_on_two_sigma_is_not_beyond():
    high, _ = spc.two_of_three_rule([1, 2.5, 2.0, 1], **LINES)
    assert not high.any()


def test_two_of_three_in_xmr():
    # Upper two-sigma line 13.547, ucl 15.32: 14 is between them, 11 above the mean of 10.
    result = with_baseline([14, 11, 14])
    assert flags(result, "two_of_three") == [0, 2]
    assert flags(result, "beyond_limits") == []
    assert result.latest()["direction"] == "high"
    # 14 high then 6 low (below 6.453): opposite sides, no signal.
    result = with_baseline([14, 10, 6])
    assert flags(result, "special_cause") == []


def test_trend_direction_wins_over_the_side_of_the_mean():
    # Seven points each higher than the last, all below the mean: a run below (side "low")
    # and a rising trend; the trend's direction decides.
    rules = spc.apply_rules([1, 2, 3, 4, 5, 6, 7], centre=10, upper=100, lower=-100, upper_2sigma=50, lower_2sigma=-50)
    assert rules["run"].all() and rules["trend"].all()
    assert set(rules["direction"]) == {"high"}


def test_limits_are_kept_within_the_bounds_of_the_measure():
    # 0, 4, 0, 4: mean 2, mean moving range 4, limits 2 ± 10.64 -> -8.64 to 12.64.
    values = pd.Series([0, 4, 0, 4], index=months(4), dtype=float)
    count = spc.xmr(values, floor=0)
    assert count.lcl == 0 and count.ucl == pytest.approx(12.64)
    percent = spc.xmr(values, floor=0, ceiling=10)
    assert percent.ucl == 10 and percent.data["upper_2sigma"].max() <= 10


def test_proportion_chart_by_hand():
    # 8/10, 45/50, 9/10 -> pbar = 62 / 70 = 0.885714; se(10) = sqrt(pbar(1 - pbar)/10) = 0.100610
    # ucl(10) = 88.5714 + 300 × 0.100612 -> above 100, so 100; lcl(10) = 88.5714 - 30.1831 = 58.3883
    # se(50) = 0.044994 -> limits 88.5714 ± 13.4983 -> 75.0731 to 100 (102.07 clipped)
    chart = spc.proportion_chart(pd.Series([8, 45, 9.0]), pd.Series([10, 50, 10.0]))
    assert chart.kind == "p" and chart.mean == pytest.approx(88.5714, abs=1e-4)
    assert list(chart.data["ucl"]) == [100, 100, 100]
    assert chart.data["lcl"].iloc[0] == pytest.approx(58.3883, abs=1e-4)
    assert chart.data["lcl"].iloc[1] == pytest.approx(75.0731, abs=1e-4)
    # A baseline of the first two months only: pbar = 53 / 60.
    based = spc.proportion_chart(pd.Series([8, 45, 9.0]), pd.Series([10, 50, 10.0]), baseline_end=1)
    assert based.mean == pytest.approx(100 * 53 / 60) and based.baseline_points == 2


# ---------------------------------------------------------------------------- icons


@pytest.mark.parametrize(
    "last, polarity, icon",
    [
        (20, "higher_is_better", "improvement_high"),
        (20, "lower_is_better", "concern_high"),
        (20, "neutral", "neither_high"),
        (0, "higher_is_better", "concern_low"),
        (0, "lower_is_better", "improvement_low"),
        (0, "neutral", "neither_low"),
        (10, "higher_is_better", "common_cause"),
        (10, "lower_is_better", "common_cause"),
        (10, "neutral", "common_cause"),
    ],
)
def test_variation_icon(last, polarity, icon):
    assert spc.variation_icon(with_baseline([last]), polarity) == icon


def test_variation_icon_rejects_unknown_polarity():
    with pytest.raises(ValueError, match="polarity"):
        spc.variation_icon(with_baseline([10]), "up")


@pytest.mark.parametrize(
    "target, polarity, icon",
    [
        # Limits are 4.68 to 15.32.
        (4, "higher_is_better", "pass"),  # even the lower limit beats the target
        (16, "higher_is_better", "fail"),  # even the upper limit misses it
        (10, "higher_is_better", "hit_and_miss"),
        (4, "lower_is_better", "fail"),
        (16, "lower_is_better", "pass"),
        (10, "lower_is_better", "hit_and_miss"),
        (10, "neutral", "none"),
        (None, "higher_is_better", "none"),
        (float("nan"), "lower_is_better", "none"),
    ],
)
def test_assurance_icon(target, polarity, icon):
    assert spc.assurance_icon(with_baseline([10]), target, polarity) == icon


# --------------------------------------------------------------------------- p chart


def test_p_chart_limits_by_hand():
    # pbar = (20 + 10 + 0 + 9 + 1) / (100 + 50 + 0 + 46 + 4) = 40 / 200 = 0.2
    # pbar (1 - pbar) = 0.16
    #   n = 100: se = sqrt(0.16 / 100) = 0.04    -> limits 0.2 ± 0.12 = 0.08 to 0.32
    #   n = 50:  se = sqrt(0.0032) = 0.0565685  -> 0.2 ± 0.1697056 = 0.0302944 to 0.3697056
    #   n = 4:   se = sqrt(0.04) = 0.2          -> 0.2 ± 0.6 = -0.4 to 0.8, lcl clipped to 0
    #   n = 0: no proportion
    idx = months(5)
    chart = spc.p_chart(pd.Series([20, 10, 0, 9, 1], index=idx), pd.Series([100, 50, 0, 46, 4], index=idx))
    assert chart["pbar"].iloc[0] == pytest.approx(0.2)
    assert chart["ucl"].iloc[0] == pytest.approx(0.32)
    assert chart["lcl"].iloc[0] == pytest.approx(0.08)
    assert chart["upper_2sigma"].iloc[0] == pytest.approx(0.28)
    assert chart["ucl"].iloc[1] == pytest.approx(0.3697056, abs=1e-7)
    assert chart["lcl"].iloc[1] == pytest.approx(0.0302944, abs=1e-7)
    assert chart["ucl"].iloc[4] == pytest.approx(0.8)
    assert chart["lcl"].iloc[4] == 0.0
    # The empty month is kept, with no proportion and no signal.
    assert len(chart) == 5
    assert np.isnan(chart["p"].iloc[2])
    assert not chart["special_cause"].iloc[2]
    assert chart["direction"].iloc[2] == ""
    for column in ["numerator", "denominator", "p", "pbar", "ucl", "lcl", *spc.RULE_COLUMNS]:
        assert column in chart.columns


def test_p_chart_same_proportion_signals_only_with_a_big_enough_subgroup():
    # pbar = (10 + 10 + 10 + 10 + 40) / 500 = 0.16; at n = 100, se = sqrt(0.1344 / 100)
    # = 0.036661, so ucl = 0.16 + 0.109982 = 0.269982 and 0.4 is beyond it.
    idx = months(5)
    chart = spc.p_chart(pd.Series([10, 10, 10, 10, 40], index=idx), pd.Series([100] * 5, index=idx))
    assert chart["ucl"].iloc[-1] == pytest.approx(0.269982, abs=1e-6)
    assert chart["beyond_limits"].tolist() == [False] * 4 + [True]
    assert chart["direction"].iloc[-1] == "high"
    assert spc.variation_icon(chart, "lower_is_better") == "concern_high"
    # Same proportions, but the last month has only 5 cases (2 of 5 = 0.4):
    # pbar = 42 / 405 = 0.103704; se = sqrt(0.103704 × 0.896296 / 5) = 0.136345;
    # ucl = 0.103704 + 3 × 0.136345 = 0.103704 + 0.409034 = 0.512737, so 0.4 is inside.
    chart = spc.p_chart(pd.Series([10, 10, 10, 10, 2], index=idx), pd.Series([100] * 4 + [5], index=idx))
    assert chart["ucl"].iloc[-1] == pytest.approx(0.512737, abs=1e-6)
    assert not chart["beyond_limits"].iloc[-1]


def test_p_chart_rejects_bad_counts():
    idx = months(2)
    with pytest.raises(ValueError, match="numerator"):
        spc.p_chart(pd.Series([5, 1], index=idx), pd.Series([4, 2], index=idx))
    with pytest.raises(ValueError, match="positive denominator"):
        spc.p_chart(pd.Series([0, 0], index=idx), pd.Series([0, 0], index=idx))


# ------------------------------------------------------------------------------ plot


def markers(ax, gid):
    """Number of points drawn by the artists with ``gid``, and their marker shapes."""
    lines = [line for line in ax.get_lines() if line.get_gid() == gid]
    return sum(len(line.get_xdata()) for line in lines), {line.get_marker() for line in lines}


def test_plot_spc_marks_special_causes_by_colour_and_shape():
    result = with_baseline([20, 10, 0])  # one high and one low point beyond the limits
    fig, ax = plt.subplots()
    plot_spc(result, ax, title="Open CAFs", ylabel="CAFs", target=12, polarity="higher_is_better")
    assert markers(ax, "spc-improvement") == (1, {"^"})
    assert markers(ax, "spc-concern") == (1, {"s"})
    assert markers(ax, "spc-common-cause") == (11, {"o"})
    assert markers(ax, "spc-neither") == (0, set())
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == [
        "Common cause variation",
        "Special cause: improvement",
        "Special cause: concern",
        "Mean",
        "Process limits",
        "Target",
    ]
    assert ax.get_title(loc="left") == "Open CAFs"
    assert ax.get_ylabel() == "CAFs"
    assert [line.get_linestyle() for line in ax.get_lines() if line.get_gid() == "spc-limits"] == ["--", "--"]
    assert "Target" in [text.get_text() for text in ax.texts]
    plt.close(fig)


def test_plot_spc_neutral_and_lower_is_better():
    result = with_baseline([20, 10, 0])
    fig, (ax1, ax2) = plt.subplots(1, 2)
    plot_spc(result, ax1, title="t", ylabel="y")
    assert markers(ax1, "spc-neither") == (2, {"D"})
    assert markers(ax1, "spc-improvement")[0] == markers(ax1, "spc-concern")[0] == 0
    plot_spc(result, ax2, title="t", ylabel="y", polarity="lower_is_better")
    assert markers(ax2, "spc-improvement") == (1, {"v"})
    assert markers(ax2, "spc-concern") == (1, {"s"})
    plt.close(fig)


def test_describe_xmr():
    text = describe_xmr(with_baseline([20, 10, 0]), "higher_is_better", "Open CAFs")
    assert text == (
        "Open CAFs each month from April 2020 to April 2021; mean 10, process limits 5 to 15 "
        "(fixed on the 10 points from April 2020 to January 2021). The latest value, 0 in "
        "April 2021, is below the lower limit: special cause concern."
    )
    text = describe_xmr(with_baseline([11] * 7), "lower_is_better", "Referrals", value_format="{:.1f}")
    assert "11.0 in August 2021, is the latest of 7 points in a row above the mean" in text
    assert text.endswith("special cause concern.")
    text = describe_xmr(with_baseline([14, 11, 14]), "neutral", "Referrals")
    assert "close to the upper limit" in text
    assert text.endswith("special cause variation, neither improvement nor concern.")
    text = describe_xmr(with_baseline([10]), "higher_is_better", "Referrals")
    assert text.endswith("within the process limits with no other signal: common cause variation.")


def test_plot_spc_draws_a_p_chart_in_percent_with_stepped_limits():
    idx = pd.period_range("2017-01", periods=5, freq="M")
    chart = spc.p_chart(pd.Series([10, 10, 10, 10, 40], index=idx), pd.Series([100] * 5, index=idx))
    fig, ax = plt.subplots()
    plot_spc(chart, ax, title="t", ylabel="y", polarity="higher_is_better", limits_label="Limits", legend_below=True)
    values = next(line for line in ax.get_lines() if line.get_gid() == "spc-values")
    assert list(values.get_ydata()) == pytest.approx([10, 10, 10, 10, 40])
    assert markers(ax, "spc-improvement") == (1, {"^"})
    assert {line.get_drawstyle() for line in ax.get_lines() if line.get_gid() == "spc-limits"} == {"steps-mid"}
    assert ax.get_ylim() == (0, 100)
    assert "Limits" in [text.get_text() for text in ax.get_legend().get_texts()]
    plt.close(fig)


def test_p_chart_centre_line_from_a_baseline_by_hand():
    # 2/10, 6/10, 9/10: the baseline is the first two months, pbar = 8 / 20 = 0.4; se(10) = sqrt(0.024)
    num, den = pd.Series([2.0, 6, 9]), pd.Series([10.0, 10, 10])
    frame = spc.p_chart(num, den, baseline_end=1)
    assert frame.pbar.iloc[0] == pytest.approx(0.4)
    assert frame.ucl.iloc[2] == pytest.approx(0.4 + 3 * np.sqrt(0.024))
    assert bool(frame.beyond_limits.iloc[2])  # 0.9 > 0.865: the month after the baseline is judged on it
    assert spc.p_chart(num, den).pbar.iloc[0] == pytest.approx(17 / 30)
