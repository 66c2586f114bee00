"""Draw XmR and p charts in the Making Data Count style (one drawer), and describe them in words.

Special-cause points change marker shape as well as colour, so a reader who cannot tell
the colours apart, or who prints in black and white, still sees the signal:

=================  ====================  =============================
Meaning            Colour                Marker
=================  ====================  =============================
Common cause       ``GREY``              circle
Improvement        ``IMPROVEMENT``       triangle, up if high, down if low
Concern            ``CONCERN``           square
Neither (neutral)  ``DARK_PINK``         diamond
=================  ====================  =============================
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, PercentFormatter

from improvement_report.render import style
from improvement_report.stats.spc import XmR, point_variation

# (gid, legend label, colour, marker) for each kind of point; the gid lets tests and
# callers find the artists again.
NEITHER = "Special cause: neither better nor worse"
MARKERS = {
    "common_cause": ("spc-common-cause", "Common cause variation", style.COMMON_CAUSE, "o"),
    "improvement_high": ("spc-improvement", "Special cause: improvement", style.IMPROVEMENT, "^"),
    "improvement_low": ("spc-improvement", "Special cause: improvement", style.IMPROVEMENT, "v"),
    "concern_high": ("spc-concern", "Special cause: concern", style.CONCERN, "s"),
    "concern_low": ("spc-concern", "Special cause: concern", style.CONCERN, "s"),
    "neither_high": ("spc-neither", NEITHER, style.DARK_PINK, "D"),
    "neither_low": ("spc-neither", NEITHER, style.DARK_PINK, "D"),
}
MEAN_COLOUR = style.TURQUOISE
LIMIT_COLOUR = style.GREY
TARGET_COLOUR = style.DARK_PINK


def _x_values(index: pd.Index):
    """Plot positions for the index: timestamps for dates and periods, otherwise as is."""
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp()
    return index


def plot_spc(
    result: XmR | pd.DataFrame,
    ax,
    *,
    title: str,
    ylabel: str,
    target: float | None = None,
    polarity: str = "neutral",
    value_format="{:,.0f}",
    date_format="%b %Y",
    highlight: tuple | None = None,
    limits_label: str = "Process limits",
    legend_below: bool = False,
    marks: tuple = (),
) -> None:
    """Draw an XmR chart or a p chart onto ``ax``: the one SPC drawer of the report.

    Parameters
    ----------
    result : XmR or pandas.DataFrame
        From :func:`improvement_report.stats.spc.xmr`, or a p chart from
        :func:`improvement_report.stats.spc.p_chart` indexed by monthly Period. A p chart is
        drawn in percent from 0 to 100, its limits as steps centred on each month (they move
        with each month's subgroup size); months with no subgroup leave a gap.
    ax : matplotlib.axes.Axes
    title : str
        Chart title, left-aligned; state the finding.
    ylabel : str
    target : float, optional
        Drawn as a dotted line labelled "Target".
    polarity : {"higher_is_better", "lower_is_better", "neutral"}, default "neutral"
        Decides whether special-cause points show as improvement, concern or neither.
    value_format : str, default "{:,.0f}"
        ``str.format`` pattern for y tick labels of an XmR chart, e.g. ``"{:.0%}"``.
    date_format : str, default "%b %Y"
        ``strftime`` pattern for x tick labels when the index holds dates.
    highlight : (Timestamp, Timestamp), optional
        A period to shade, e.g. the report window, labelled in the legend.
    limits_label : str, default "Process limits"
        The limits' legend entry.
    marks : tuple of (Timestamp, str)
        Vertical lines at a date with their legend entry, e.g. where the baseline ends or the
        limits are recalculated; named in the legend, never over the plot.
    legend_below : bool, default False
        The legend below the plot in three columns, rather than beside it.

    Notes
    -----
    Artists carry gids (``spc-values``, ``spc-mean``, ``spc-limits``, ``spc-target``,
    ``spc-window`` and one per kind of point in :data:`MARKERS`) so they can be found again.
    """
    proportion = not isinstance(result, XmR)
    if proportion:
        x = result.index.to_timestamp()
        values = (100 * result.p).to_numpy()
        mean, upper, lower = 100 * result.pbar, 100 * result.ucl, 100 * result.lcl
    else:
        x = _x_values(result.data.index)
        values = result.data["value"].to_numpy()
        mean, upper, lower = result.data["mean"], result.data["ucl"], result.data["lcl"]
    kinds = point_variation(result, polarity).to_numpy()
    # A p chart's limits change with each month's denominator: steps, not slopes between months.
    stepped = proportion or getattr(result, "kind", "xmr") == "p"
    limit_style = {"drawstyle": "steps-mid"} if stepped else {}

    handles = []
    if highlight is not None:
        span = ax.axvspan(
            highlight[0] - pd.Timedelta(days=15),
            highlight[1] - pd.Timedelta(days=14),
            color=style.LIGHT_GREY,
            alpha=0.6,
            zorder=0,
            label="Report window",
            gid="spc-window",
        )
        handles.append(span)
    ax.plot(x, values, color=style.GREY, linewidth=1.5, zorder=2, gid="spc-values")
    # One artist per marker style: common cause first so the legend reads in that order.
    for kind, (gid, label, colour, marker) in MARKERS.items():
        chosen = (kinds == kind) & ~np.isnan(values)
        if not chosen.any():
            continue
        special = kind != "common_cause"
        (points,) = ax.plot(
            x[chosen],
            values[chosen],
            linestyle="none",
            marker=marker,
            markersize=8 if special else 5,
            color=colour,
            markeredgecolor="white" if special else colour,
            zorder=4 if special else 3,
            label=label,
            gid=gid,
        )
        if label not in [h.get_label() for h in handles]:
            handles.append(points)

    (mean_line,) = ax.plot(x, mean, color=MEAN_COLOUR, linewidth=1.5, zorder=1, label="Mean", gid="spc-mean")
    (limit_line,) = ax.plot(
        x,
        upper,
        color=LIMIT_COLOUR,
        linestyle="--",
        linewidth=1,
        **limit_style,
        zorder=1,
        label=limits_label,
        gid="spc-limits",
    )
    ax.plot(x, lower, color=LIMIT_COLOUR, linestyle="--", linewidth=1, **limit_style, zorder=1, gid="spc-limits")
    handles += [mean_line, limit_line]
    for when, label in marks:
        handles.append(ax.axvline(when, color="#0b0c0c", linewidth=0.8, linestyle="-.", label=label, gid="spc-mark"))
    _finish(ax, x, handles, title, ylabel, target, value_format, date_format, proportion, legend_below)


def _tick_label(value_format: str, value: float) -> str:
    """A tick label, never "-0": a negative that rounds to zero is zero."""
    text = value_format.format(value)
    if text.startswith("-") and not any(c in "123456789" for c in text):
        return text[1:]
    return text


def _finish(ax, x, handles, title, ylabel, target, value_format, date_format, proportion, legend_below) -> None:
    """Target line, date axis, labels and legend: the same on every kind of chart.

    The legend sits below the plot (at the book's chart width there is no room beside it), and
    the target is named in the right margin, outside the plot, where no line can run through it.
    ``legend_below`` is kept for callers; the legend is always below.
    """
    del legend_below
    if target is not None and not pd.isna(target):
        target_line = ax.axhline(
            target,
            color=TARGET_COLOUR,
            linestyle=":",
            linewidth=1.5,
            zorder=1,
            label="Target",
            gid="spc-target",
        )
        handles.append(target_line)

    if isinstance(x, pd.DatetimeIndex):
        style.date_axis(ax, x, date_format)
    ax.set_title(style.title(title) if "\n" not in title else title, loc="left")
    if proportion:
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_ylim(0, 100)
        ax.set_ylabel(ylabel)
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _tick_label(value_format, v)))
        drawn = [line for line in ax.lines if line.get_gid() == "spc-values"]
        finite = [float(v) for line in drawn for v in line.get_ydata() if not pd.isna(v)]
        style.value_axis(ax, ylabel, min(finite) if finite else None)
    if target is not None and not pd.isna(target):
        # Room above the target line, so its name in the margin stays clear of the title.
        bottom, top = ax.get_ylim()
        if not proportion and target > top - 0.1 * (top - bottom):
            ax.set_ylim(bottom, target + 0.1 * (top - bottom))
        # Name the line on the chart too, so it reads without the legend: in the right margin.
        ax.annotate(
            "Target",
            xy=(1, target),
            xycoords=ax.get_yaxis_transform(),
            xytext=(4, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            color=TARGET_COLOUR,
            annotation_clip=False,
        )
    style.legend_below(ax, handles=handles)


def plot_run(
    series: pd.Series,
    ax,
    *,
    title: str,
    ylabel: str,
    target: float | None = None,
    value_format="{:,.0f}",
    date_format="%b %Y",
) -> None:
    """Draw a run chart: the values and their median, with no control limits.

    For series whose points are not independent (rolling, cumulative, year-to-date values),
    where Making Data Count's limits do not apply. Every point is the same grey circle: no
    point is judged special.

    Parameters
    ----------
    series : pandas.Series
        Values in time order (a Period or date index).
    ax : matplotlib.axes.Axes
    title, ylabel, target, value_format, date_format
        As :func:`plot_spc`.
    """
    x = _x_values(series.index)
    values = series.to_numpy(dtype=float)
    ax.plot(x, values, color=style.GREY, linewidth=1.5, zorder=2, gid="spc-values")
    (points,) = ax.plot(
        x, values, linestyle="none", marker="o", markersize=5, color=style.COMMON_CAUSE, zorder=3, label="Value"
    )
    median = float(np.nanmedian(values))  # a month left out for small numbers is NaN
    (median_line,) = ax.plot(
        x, np.full(len(values), median), color=MEAN_COLOUR, linewidth=1.5, zorder=1, label="Median", gid="spc-median"
    )
    _finish(ax, x, [points, median_line], title, ylabel, target, value_format, date_format, False, False)


def _format_label(label, date_format: str) -> str:
    if isinstance(label, pd.Period):
        label = label.to_timestamp()
    if isinstance(label, pd.Timestamp):
        return label.strftime(date_format)
    return str(label)


def _streak_length(flags: np.ndarray) -> int:
    """How many Trues in a row end the array."""
    falses = np.flatnonzero(~flags)
    return len(flags) if falses.size == 0 else len(flags) - 1 - int(falses[-1])


def _latest_reason(data: pd.DataFrame) -> str:
    """Plain-English reason the latest point is, or is not, a signal."""
    latest = data.iloc[-1]
    values = data["value"].to_numpy()
    high = latest["direction"] == "high"
    above_below = "above" if high else "below"
    if latest["beyond_limits"]:
        return f"is {above_below} the {'upper' if high else 'lower'} limit"
    if latest["two_of_three"]:
        return (
            f"is, like another of the last three points, close to the "
            f"{'upper' if high else 'lower'} limit (more than two sigma {above_below} the mean)"
        )
    if latest["run"]:
        side = values > latest["mean"] if high else values < latest["mean"]
        return f"is the latest of {_streak_length(side)} points in a row {above_below} the mean"
    if latest["trend"]:
        steps = np.diff(values) > 0 if high else np.diff(values) < 0
        word = "higher" if high else "lower"
        return f"is the latest of {_streak_length(steps) + 1} points in a row each {word} than the one before"
    return "is within the process limits with no other signal"


def describe_xmr(
    result: XmR,
    polarity: str,
    unit_label: str,
    *,
    value_format: str = "{:,.0f}",
    date_format: str = "%B %Y",
    hidden_latest: bool = False,
) -> str:
    """Describe an XmR chart in one or two plain-English sentences, for alt text.

    Parameters
    ----------
    result : XmR
    polarity : {"higher_is_better", "lower_is_better", "neutral"}
    unit_label : str
        What is measured, starting the sentence, e.g. ``"Open CAFs"``.
    value_format : str, default "{:,.0f}"
        ``str.format`` pattern for numbers.
    date_format : str, default "%B %Y"
        ``strftime`` pattern for dates.
    hidden_latest : bool, default False
        The latest value rests on a count of 1 to 5: the text says it is not shown.

    Returns
    -------
    str
        e.g. "Open CAFs each month from April YYYY to March YYYY; mean 700, process
        limits 640 to 760. The latest value, 614 in March YYYY, is below the lower limit:
        special cause concern."
    """
    data = result.data
    fmt = value_format.format
    first = _format_label(data.index[0], date_format)
    last = _format_label(data.index[-1], date_format)
    x = _x_values(data.index)
    # Say "each month" only when the points really are about a month apart.
    monthly = isinstance(x, pd.DatetimeIndex) and len(x) > 1
    if monthly:
        monthly = 27 <= x.to_series().diff().dt.days.median() <= 31
    period = " each month" if monthly else ""
    sentence = (
        f"{unit_label}{period} from {first} to {last}; mean {fmt(result.mean)}, "
        f"process limits {fmt(result.lcl)} to {fmt(result.ucl)}"
    )
    if result.baseline_points < len(data):
        sentence += (
            f" (fixed on the {result.baseline_points} points from "
            f"{_format_label(result.baseline_start, date_format)} to "
            f"{_format_label(result.baseline_end, date_format)})"
        )

    kind = point_variation(result, polarity).iloc[-1]
    if kind == "common_cause":
        meaning = "common cause variation"
    elif kind.startswith("neither"):
        meaning = "special cause variation, neither improvement nor concern"
    else:
        meaning = f"special cause {kind.split('_')[0]}"
    latest = data.iloc[-1]
    # A month left out for small numbers is named, but its value is not given.
    shown = "not shown" if hidden_latest or pd.isna(latest["value"]) else fmt(latest["value"])
    return (
        f"{sentence}. The latest value, {shown} in "
        f"{_format_label(data.index[-1], date_format)}, {_latest_reason(data)}: "
        f"{meaning}."
    )
