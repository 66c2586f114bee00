"""Statistical process control (SPC) in the NHS England "Making Data Count" style.

An XmR chart (individuals and moving range) separates *common cause* variation, the
month-to-month noise any stable process produces, from *special cause* variation, a signal
that something has changed. Making Data Count (MDC) flags special cause with four rules:

1. a single point outside the process limits;
2. a run of seven or more consecutive points all above, or all below, the mean;
3. a trend of seven or more consecutive points each higher (or each lower) than the last;
4. two out of three consecutive points beyond two sigma, on the same side of the mean.

The rule functions below work on plain arrays so that :func:`xmr` and :func:`p_chart` share
them: the two charts differ only in how the centre line and limits are worked out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Limits are mean ± 2.66 × mean moving range. 2.66 = 3 / d2, where d2 = 1.128 is the
#: expected moving range of two points from a unit normal, so the limits sit at ±3 sigma.
LIMIT_FACTOR = 2.66
#: Bias-correction constant d2 for moving ranges of two points: sigma = mean moving range / d2.
D2 = 1.128
#: Points needed for a run on one side of the mean, and for a rising or falling trend.
RUN_LENGTH = 7
TREND_LENGTH = 7
#: The "two out of three" rule looks at windows of this many consecutive points ...
TWO_OF_THREE_WINDOW = 3
#: ... and signals when at least this many of them are beyond two sigma on the same side.
TWO_OF_THREE_HITS = 2
#: Standard errors either side of the centre line for the p chart's process limits.
P_CHART_SIGMAS = 3
#: The "close to the limits" line of the two-of-three rule, in mean moving ranges from the
#: mean: two thirds of the way to the limit, as NHSRplotthedots draws it (2 x 2.66 / 3).
CLOSE_FACTOR = 2 * LIMIT_FACTOR / 3

POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
RULE_COLUMNS = ["beyond_limits", "run", "trend", "two_of_three", "special_cause", "direction"]


@dataclass
class XmR:
    """The result of an XmR calculation.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per (non-missing) point, indexed like the input series, with columns
        ``value``, ``mean``, ``ucl``, ``lcl``, ``upper_2sigma``, ``lower_2sigma``,
        ``moving_range``, the boolean rule flags ``beyond_limits``, ``run``, ``trend``,
        ``two_of_three`` and ``special_cause`` (any rule), and ``direction``: ``"high"``
        or ``"low"`` for the side of a special cause, ``""`` for common cause.
    mean : float
        Centre line: mean of the baseline points.
    mean_moving_range : float
        Mean of the moving ranges between consecutive baseline points.
    sigma : float
        Estimated process standard deviation, ``mean_moving_range / D2``.
    baseline_points : int
        How many points defined the mean and limits.
    baseline_start, baseline_end : index label or None
        Labels of the first and last baseline points (for labelling charts).
    kind : {"xmr", "p"}
        ``"xmr"`` for an individuals chart; ``"p"`` for a p chart made by
        :func:`proportion_chart`, whose limits differ from month to month (its
        ``mean_moving_range`` and ``sigma`` are NaN).
    """

    data: pd.DataFrame
    mean: float
    mean_moving_range: float
    sigma: float
    baseline_points: int
    baseline_start: object = None
    baseline_end: object = None
    kind: str = "xmr"

    @property
    def ucl(self) -> float:
        """Upper process limit of the latest point (after any bound of the measure)."""
        return float(self.data["ucl"].iloc[-1])

    @property
    def lcl(self) -> float:
        """Lower process limit of the latest point (after any bound of the measure)."""
        return float(self.data["lcl"].iloc[-1])

    def latest(self) -> pd.Series:
        """Return the row of :attr:`data` for the most recent point.

        Returns
        -------
        pandas.Series
            The last row; its ``name`` is the point's index label.
        """
        return self.data.iloc[-1]


# --------------------------------------------------------------------------------------
# Rule detection: small functions on 1-D arrays, shared by xmr and p_chart
# --------------------------------------------------------------------------------------


def _in_long_block(mask: np.ndarray, min_length: int) -> np.ndarray:
    """Flag elements of ``mask`` that lie in a block of at least ``min_length`` consecutive Trues.

    Parameters
    ----------
    mask : numpy.ndarray of bool
    min_length : int

    Returns
    -------
    numpy.ndarray of bool
        Same shape as ``mask``.
    """
    mask = np.asarray(mask, dtype=bool)
    if mask.size == 0:
        return mask.copy()
    # Number the blocks of equal consecutive values, then look up each block's size.
    block = np.concatenate(([0], np.cumsum(mask[1:] != mask[:-1])))
    sizes = np.bincount(block)
    return mask & (sizes[block] >= min_length)


def beyond_limits_rule(values, upper, lower) -> tuple[np.ndarray, np.ndarray]:
    """Rule 1: a single point outside the process limits.

    A point exactly on a limit is not beyond it.

    Parameters
    ----------
    values, upper, lower : array-like of float
        Values and limits, point by point (limits may be scalars).

    Returns
    -------
    above, below : numpy.ndarray of bool
        Points strictly above ``upper`` and strictly below ``lower``.
    """
    values = np.asarray(values, dtype=float)
    return values > upper, values < lower


def run_rule(values, centre, length: int = RUN_LENGTH) -> tuple[np.ndarray, np.ndarray]:
    """Rule 2: ``length`` or more consecutive points all above, or all below, the centre line.

    A point exactly on the centre line belongs to neither side, so it breaks a run. Every
    point of a qualifying run is flagged, not only the point that completes it.

    Parameters
    ----------
    values, centre : array-like of float
        Values and centre line (centre may be a scalar).
    length : int, default RUN_LENGTH

    Returns
    -------
    high, low : numpy.ndarray of bool
        Points in a qualifying run above, and below, the centre line.
    """
    values = np.asarray(values, dtype=float)
    return (_in_long_block(values > centre, length), _in_long_block(values < centre, length))


def trend_rule(values, length: int = TREND_LENGTH) -> tuple[np.ndarray, np.ndarray]:
    """Rule 3: ``length`` or more consecutive points each strictly higher (or lower) than the last.

    Equal consecutive values break a trend. Every point of a qualifying trend is flagged,
    including its first point. A peak or trough can belong to both a rising and a falling
    trend.

    Parameters
    ----------
    values : array-like of float
    length : int, default TREND_LENGTH
        Points in the trend; it contains ``length - 1`` consecutive steps.

    Returns
    -------
    rising, falling : numpy.ndarray of bool
        Points in a qualifying rising trend, and in a qualifying falling trend.
    """
    values = np.asarray(values, dtype=float)
    steps = np.diff(values)

    def points_in_trend(step_mask):
        long_steps = _in_long_block(step_mask, length - 1)
        # Step i joins point i to point i + 1: a point is in the trend if either step
        # touching it is.
        return np.concatenate((long_steps, [False])) | np.concatenate(([False], long_steps))

    if values.size == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    return points_in_trend(steps > 0), points_in_trend(steps < 0)


def two_of_three_rule(values, centre, upper, lower, upper_2sigma, lower_2sigma) -> tuple[np.ndarray, np.ndarray]:
    """Rule 4: two out of three consecutive points beyond two sigma, on the same side of the mean.

    As NHSRplotthedots applies it (``ptd_two_in_three``): a point is *close to the limits*
    when it is beyond two sigma but not beyond the process limit (a point beyond the limit is
    rule 1's signal, not this one's); a window of three consecutive points qualifies when all
    three lie on the same side of the centre line and at least two of them are close to the
    limits; the close points of a qualifying window are flagged.

    Parameters
    ----------
    values, centre, upper, lower, upper_2sigma, lower_2sigma : array-like of float
        Values, centre line, process limits and two-sigma lines (each may be a scalar).

    Returns
    -------
    high, low : numpy.ndarray of bool
        Flagged points above, and below, the centre line.
    """
    values = np.asarray(values, dtype=float)
    n = values.size
    side = np.sign(values - centre)
    outside = (values > upper) | (values < lower)
    close = ~outside & ((values > upper_2sigma) | (values < lower_2sigma))
    flagged = np.zeros(n, dtype=bool)
    for start in range(n - TWO_OF_THREE_WINDOW + 1):
        window = slice(start, start + TWO_OF_THREE_WINDOW)
        one_side = abs(side[window].sum()) == TWO_OF_THREE_WINDOW
        if one_side and close[window].sum() >= TWO_OF_THREE_HITS:
            flagged[window] |= close[window]
    return flagged & (side > 0), flagged & (side < 0)


def apply_rules(values, centre, upper, lower, upper_2sigma, lower_2sigma) -> pd.DataFrame:
    """Run all four rules and work out the direction of each special cause.

    Parameters
    ----------
    values : array-like of float
        Values with no missing points, in time order.
    centre, upper, lower, upper_2sigma, lower_2sigma : float or array-like of float
        Centre line, process limits and two-sigma lines, as scalars or point by point.

    Returns
    -------
    pandas.DataFrame
        Columns ``beyond_limits``, ``run``, ``trend``, ``two_of_three``, ``special_cause``
        (bool) and ``direction`` (``"high"`` or ``"low"`` for a special cause, ``""``
        otherwise), on a RangeIndex.

    Notes
    -----
    Rules 1, 2 and 4 are about the side of the centre line, which fixes their direction. A
    trend has a direction of its own, and where a point is in a trend *and* flagged by a
    sided rule, the trend's direction wins: seven months each better than the last are an
    improvement even while they are still below the mean. A point at the peak of a
    rising-then-falling pattern takes the direction of the step that reached it.
    """
    values = np.asarray(values, dtype=float)
    above, below = beyond_limits_rule(values, upper, lower)
    run_high, run_low = run_rule(values, centre)
    rising, falling = trend_rule(values)
    two3_high, two3_low = two_of_three_rule(values, centre, upper, lower, upper_2sigma, lower_2sigma)

    sided_high = above | run_high | two3_high
    sided_low = below | run_low | two3_low
    trend = rising | falling
    last_step_up = np.concatenate(([False], np.diff(values) > 0))
    trend_high = rising & (~falling | last_step_up)

    direction = np.select(
        [trend & trend_high, trend, sided_high, sided_low],
        ["high", "low", "high", "low"],
        default="",
    )
    return pd.DataFrame(
        {
            "beyond_limits": above | below,
            "run": run_high | run_low,
            "trend": trend,
            "two_of_three": two3_high | two3_low,
            "special_cause": sided_high | sided_low | trend,
            "direction": pd.Series(direction, dtype="str"),
        }
    )


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------


def _bounded(limit, floor, ceiling):
    """Limits kept inside what the measure can take (a count is never below zero)."""
    lower = -np.inf if floor is None else floor
    upper = np.inf if ceiling is None else ceiling
    return np.clip(limit, lower, upper)


def xmr(values: pd.Series, baseline_end=None, baseline_start=None, floor=None, ceiling=None) -> XmR:
    """Calculate an XmR chart with Making Data Count special-cause rules.

    Missing values (NaN) are dropped before anything is calculated: they do not appear in
    the result, and the moving range, runs and trends join the points either side of a gap.

    Parameters
    ----------
    values : pandas.Series
        The measure in time order, e.g. indexed by month.
    baseline_end : index label, optional
        Last point of the baseline whose mean and moving ranges fix the centre line and
        limits (inclusive, by label as in ``Series.loc``). Default: the last point. Fixing
        limits on a baseline lets later points be judged against the earlier process.
    baseline_start : index label, optional
        First point of the baseline (inclusive). Default: the first point.
    floor, ceiling : float, optional
        The smallest and largest value the measure can take (0 for a count; 0 and 100 for a
        percentage). Limits and two-sigma lines beyond them are set to them, as
        NHSRplotthedots' ``truncate_lower`` and ``truncate_upper`` do: a limit of -1.8
        vacancies means nothing, and no value can fall beyond a limit at the bound.

    Returns
    -------
    XmR

    Raises
    ------
    ValueError
        If fewer than two non-missing points (overall or in the baseline) remain, since a
        moving range needs two.

    Notes
    -----
    mean = mean of baseline values; mean moving range = mean of ``|x[i] - x[i-1]|`` over
    consecutive baseline points; limits = mean ± ``LIMIT_FACTOR`` × mean moving range;
    sigma = mean moving range / ``D2``; the two-of-three rule's lines = mean ±
    ``CLOSE_FACTOR`` × mean moving range (two sigma, as NHSRplotthedots computes it).
    """
    series = pd.Series(values).dropna()
    series = series.astype("float64")
    if len(series) < 2:
        raise ValueError(f"An XmR chart needs at least 2 non-missing values; got {len(series)}.")
    baseline = series.loc[baseline_start:baseline_end]
    if len(baseline) < 2:
        raise ValueError(
            "The baseline needs at least 2 non-missing values to give a moving range; "
            f"got {len(baseline)} between {baseline_start!r} and {baseline_end!r}."
        )

    mean = float(baseline.mean())
    # Moving ranges within the baseline only: the range into its first point would
    # bring in a point from outside it.
    mean_moving_range = float(baseline.diff().abs().mean())
    sigma = mean_moving_range / D2
    ucl = _bounded(mean + LIMIT_FACTOR * mean_moving_range, floor, ceiling)
    lcl = _bounded(mean - LIMIT_FACTOR * mean_moving_range, floor, ceiling)
    upper_2sigma = _bounded(mean + CLOSE_FACTOR * mean_moving_range, floor, ceiling)
    lower_2sigma = _bounded(mean - CLOSE_FACTOR * mean_moving_range, floor, ceiling)

    data = pd.DataFrame(
        {
            "value": series,
            "mean": mean,
            "ucl": ucl,
            "lcl": lcl,
            "upper_2sigma": upper_2sigma,
            "lower_2sigma": lower_2sigma,
            "moving_range": series.diff().abs(),
        },
        index=series.index,
    )
    rules = apply_rules(series.to_numpy(), mean, ucl, lcl, upper_2sigma, lower_2sigma)
    rules.index = series.index
    data = pd.concat([data, rules], axis=1)
    return XmR(
        data=data,
        mean=mean,
        mean_moving_range=mean_moving_range,
        sigma=sigma,
        baseline_points=len(baseline),
        baseline_start=baseline.index[0],
        baseline_end=baseline.index[-1],
    )


def proportion_chart(
    numerators: pd.Series, denominators: pd.Series, baseline_end=None, baseline_start=None, scale: float = 100.0
) -> XmR:
    """A p chart in the shape of an :class:`XmR` result, so that pages judge and draw it alike.

    Parameters
    ----------
    numerators, denominators : pandas.Series
        Counts with the same index, in time order. Rows without a positive denominator are
        left out (a month with nobody to count has no proportion).
    baseline_end, baseline_start : index label, optional
        The months whose pooled proportion is the centre line, as in :func:`xmr`.
    scale : float, default 100
        The unit of ``value`` and the limits: 100 for percentages.

    Returns
    -------
    XmR
        ``kind="p"``; ``data`` holds ``value`` (the proportion × ``scale``), ``numerator``,
        ``denominator``, ``mean`` (the pooled baseline proportion), and each month's own
        ``ucl``, ``lcl`` and two-sigma lines (pbar ± 3 and ± 2 standard errors for that
        month's denominator, within 0 and ``scale``), with the rule columns.

    Raises
    ------
    ValueError
        As :func:`p_chart`, or when the baseline has no row with a positive denominator.
    """
    if not numerators.index.equals(denominators.index):
        raise ValueError("numerators and denominators must have the same index.")
    num, den = numerators.astype("float64"), denominators.astype("float64")
    if (num < 0).any() or (den < 0).any():
        raise ValueError("Counts cannot be negative.")
    if (num > den).any():
        raise ValueError("A numerator is larger than its denominator.")
    usable = num.notna() & den.notna() & (den > 0)
    num, den = num[usable], den[usable]
    base_num, base_den = num.loc[baseline_start:baseline_end], den.loc[baseline_start:baseline_end]
    if len(num) < 2 or base_den.sum() <= 0:
        raise ValueError("A p chart needs at least 2 months, and a baseline, with a positive denominator.")
    pbar = float(base_num.sum() / base_den.sum())
    se = np.sqrt(pbar * (1 - pbar) / den)
    value = scale * num / den

    def line(sigmas):
        return (scale * (pbar + sigmas * se)).clip(lower=0.0, upper=scale)

    data = pd.DataFrame(
        {
            "value": value,
            "numerator": num,
            "denominator": den,
            "mean": scale * pbar,
            "ucl": line(P_CHART_SIGMAS),
            "lcl": line(-P_CHART_SIGMAS),
            "upper_2sigma": line(2),
            "lower_2sigma": line(-2),
            "moving_range": value.diff().abs(),
        }
    )
    rules = apply_rules(
        value.to_numpy(),
        scale * pbar,
        data["ucl"].to_numpy(),
        data["lcl"].to_numpy(),
        data["upper_2sigma"].to_numpy(),
        data["lower_2sigma"].to_numpy(),
    )
    rules.index = data.index
    return XmR(
        data=pd.concat([data, rules], axis=1),
        mean=scale * pbar,
        mean_moving_range=float("nan"),
        sigma=float("nan"),
        baseline_points=len(base_den),
        baseline_start=base_den.index[0],
        baseline_end=base_den.index[-1],
        kind="p",
    )


def p_chart(numerators: pd.Series, denominators: pd.Series, baseline_start=None, baseline_end=None) -> pd.DataFrame:
    """Calculate a p chart: a proportion whose limits widen when the subgroup is small.

    Parameters
    ----------
    numerators, denominators : pandas.Series
        Counts with the same index, e.g. re-referrals and referrals each month.

    Returns
    -------
    pandas.DataFrame
        Indexed like the inputs, with columns ``numerator``, ``denominator``, ``p``,
        ``pbar``, ``ucl``, ``lcl``, ``upper_2sigma``, ``lower_2sigma`` and the rule
        columns of :class:`XmR` (``beyond_limits``, ``run``, ``trend``, ``two_of_three``,
        ``special_cause``, ``direction``).

    Raises
    ------
    ValueError
        If the indexes differ, a count is negative, a numerator exceeds its
        denominator, or no row has a positive denominator.

    Notes
    -----
    ``pbar = sum(numerators) / sum(denominators)`` over usable rows (those from
    ``baseline_start`` to ``baseline_end``, by label, when given), and for each row
    ``limits = pbar ± 3 * sqrt(pbar * (1 - pbar) / n)`` clipped to [0, 1]; the two-sigma
    lines use 2 in place of 3. Rows with a zero or missing denominator (or a missing
    numerator) have no proportion: ``p`` is NaN, they are kept in the frame with no
    special cause, and the rules run over the remaining rows in order.
    """
    if not numerators.index.equals(denominators.index):
        raise ValueError("numerators and denominators must have the same index.")
    num = numerators.astype("float64")
    den = denominators.astype("float64")
    if (num < 0).any() or (den < 0).any():
        raise ValueError("Counts cannot be negative.")
    if (num > den).any():
        raise ValueError("A numerator is larger than its denominator.")
    usable = num.notna() & den.notna() & (den > 0)
    if not usable.any():
        raise ValueError("A p chart needs at least one row with a positive denominator.")

    base = usable & usable.index.isin(usable.loc[baseline_start:baseline_end].index)
    if not base.any():
        raise ValueError("The p chart's baseline has no row with a positive denominator.")
    pbar = float(num[base].sum() / den[base].sum())
    p = (num / den).where(usable)
    # Standard error for each subgroup size; NaN where there is no subgroup.
    se = np.sqrt(pbar * (1 - pbar) / den.where(usable))
    data = pd.DataFrame(
        {
            "numerator": numerators,
            "denominator": denominators,
            "p": p,
            "pbar": pbar,
            "ucl": (pbar + P_CHART_SIGMAS * se).clip(upper=1.0),
            "lcl": (pbar - P_CHART_SIGMAS * se).clip(lower=0.0),
            "upper_2sigma": (pbar + 2 * se).clip(upper=1.0),
            "lower_2sigma": (pbar - 2 * se).clip(lower=0.0),
        },
        index=numerators.index,
    )

    ok = data[usable]
    rules = apply_rules(
        ok["p"].to_numpy(),
        pbar,
        ok["ucl"].to_numpy(),
        ok["lcl"].to_numpy(),
        ok["upper_2sigma"].to_numpy(),
        ok["lower_2sigma"].to_numpy(),
    )
    # Empty months carry no signal; the rules ran over the usable rows in order.
    rules.index = ok.index
    for column in RULE_COLUMNS:
        fill = "" if column == "direction" else False
        data[column] = rules[column].reindex(data.index, fill_value=fill)
    return data


# --------------------------------------------------------------------------------------
# Icons
# --------------------------------------------------------------------------------------


def _check_polarity(polarity: str) -> None:
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}; got {polarity!r}.")


def _frame(result) -> pd.DataFrame:
    """The per-point frame of an XmR result, or a p chart frame passed as is."""
    return result.data if isinstance(result, XmR) else result


def _latest_position(result) -> int:
    """Position of the most recent row with a value (a p chart may end on an empty month)."""
    frame = _frame(result)
    value_column = "value" if "value" in frame.columns else "p"
    positions = np.flatnonzero(frame[value_column].notna().to_numpy())
    if positions.size == 0:
        raise ValueError("The chart has no points.")
    return int(positions[-1])


def _latest_point(result) -> pd.Series:
    """The most recent row with a value."""
    return _frame(result).iloc[_latest_position(result)]


def point_variation(result, polarity: str) -> pd.Series:
    """Name the MDC variation category of every point.

    Parameters
    ----------
    result : XmR or pandas.DataFrame
        An :func:`xmr` result or a :func:`p_chart` frame.
    polarity : {"higher_is_better", "lower_is_better", "neutral"}

    Returns
    -------
    pandas.Series of str
        Indexed like the chart: ``"common_cause"`` or ``"<kind>_<direction>"`` where kind
        is ``improvement``, ``concern`` or ``neither`` and direction is ``high`` or ``low``.
        Empty p chart months are ``"common_cause"``.
    """
    _check_polarity(polarity)
    frame = _frame(result)
    direction = frame["direction"]
    if polarity == "neutral":
        kind = pd.Series("neither", index=frame.index)
    else:
        good = "high" if polarity == "higher_is_better" else "low"
        kind = pd.Series(np.where(direction == good, "improvement", "concern"), index=frame.index)
    named = kind + "_" + direction
    return named.where(frame["special_cause"], "common_cause").astype("str")


def variation_icon(result: XmR, polarity: str) -> str:
    """Name the MDC variation icon for the latest point.

    Parameters
    ----------
    result : XmR or pandas.DataFrame
        An :func:`xmr` result (a :func:`p_chart` frame also works; its latest month with
        a proportion is used).
    polarity : {"higher_is_better", "lower_is_better", "neutral"}

    Returns
    -------
    str
        ``"common_cause"``, ``"improvement_high"``, ``"improvement_low"``,
        ``"concern_high"``, ``"concern_low"``, ``"neither_high"`` or ``"neither_low"``.
    """
    return str(point_variation(result, polarity).iloc[_latest_position(result)])


def assurance_icon(result: XmR, target: float | None, polarity: str) -> str:
    """Name the MDC assurance icon: will the process meet its target?

    Parameters
    ----------
    result : XmR or pandas.DataFrame
        An :func:`xmr` result (for a p chart frame the latest point's limits are used).
    target : float or None
    polarity : {"higher_is_better", "lower_is_better", "neutral"}

    Returns
    -------
    str
        ``"pass"`` when both limits are on the passing side of the target (the process
        will consistently meet it), ``"fail"`` when both are on the failing side,
        ``"hit_and_miss"`` when the target lies between the limits (a target exactly on a
        limit counts as between), and ``"none"`` with no target or neutral polarity.
    """
    _check_polarity(polarity)
    if target is None or pd.isna(target) or polarity == "neutral":
        return "none"
    latest = _latest_point(result)
    ucl, lcl = latest["ucl"], latest["lcl"]
    if target < lcl:
        return "pass" if polarity == "higher_is_better" else "fail"
    if target > ucl:
        return "fail" if polarity == "higher_is_better" else "pass"
    return "hit_and_miss"
