"""Chart style shared by every chapter: the UK Government Analysis Function palette.

The four categorical colours are colour-blind safe in this order. Charts never rely on
colour alone: special-cause points also change marker shape, and every chart carries a
title that states its finding and alt text generated from its data.

The theme is seaborn's "ticks" style and "notebook" context, scaled so that the smallest text
on a chart is :data:`SMALLEST_TEXT_PT`, with this palette and a left-aligned bold title (one
theme for every chart, Making Data Count's SPC charts included). Charts are :data:`WIDTH`
inches wide, so that on a 390 px phone, where a chart is shown about 327 px wide, its smallest
text is still about 9 px (13 pt at 100 dpi is 18 px on the 640 px image; 18 x 327 / 640 = 9.2).

Importing this module changes no matplotlib setting (seaborn's theme is read as a dictionary,
never set globally). Chart code makes its figures with :func:`subplots` or :func:`figure`,
which :func:`apply` the style first.
"""

import textwrap

import matplotlib
import matplotlib.pyplot as plt
import seaborn as sns

DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
PALETTE = [DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE]
# Neutral greys darker than Making Data Count's defaults so lines keep 3:1 contrast on white.
GREY = "#595959"
LIGHT_GREY = "#D9D9D9"  # background shading only: 1.4:1, never a line, marker or icon
DATA_COLOURS = {"DARK_BLUE": DARK_BLUE, "TURQUOISE": TURQUOISE, "DARK_PINK": DARK_PINK, "ORANGE": ORANGE, "GREY": GREY}


def contrast_ratio(colour: str, background: str = "#FFFFFF") -> float:
    """WCAG 2.2 contrast ratio between two ``#RRGGBB`` colours."""

    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Making Data Count meanings, in this palette: improvement and concern differ by marker shape too.
IMPROVEMENT = DARK_BLUE
CONCERN = ORANGE
COMMON_CAUSE = GREY


#: A chart's width in inches (at 100 dpi, 640 px): see the module's note on phones.
WIDTH = 6.4
#: The smallest text on any chart: tick labels, legends and annotations.
SMALLEST_TEXT_PT = 13
#: Characters of a title line at :data:`WIDTH` (bold, one size above the smallest text).
TITLE_CHARACTERS = 40


def _theme() -> dict:
    """seaborn's ticks style and notebook context, scaled to :data:`SMALLEST_TEXT_PT`, with the
    book's palette, font and title placement on top."""
    rc = dict(sns.axes_style("ticks"))
    # The notebook context's smallest text (ticks, legend) is 11 pt.
    rc.update(sns.plotting_context("notebook", font_scale=SMALLEST_TEXT_PT / 11))
    rc.update(
        {
            "figure.figsize": (WIDTH, 3.8),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.family": "DejaVu Sans",  # installed everywhere the book builds: the same glyphs each run
            "font.sans-serif": ["DejaVu Sans"],
            "text.color": "#0b0c0c",
            "axes.labelcolor": "#0b0c0c",
            "xtick.color": "#0b0c0c",
            "ytick.color": "#0b0c0c",
            "axes.edgecolor": "#0b0c0c",
            "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "legend.frameon": False,
            "patch.force_edgecolor": False,
            "svg.hashsalt": "improvement-report",
        }
    )
    return rc


# The matplotlib settings every chart in the book uses.
RC = _theme()


def title(text: str) -> str:
    """A chart title wrapped to the chart's width."""
    return "\n".join(textwrap.wrap(text, TITLE_CHARACTERS))


#: Most date labels on an x axis at :data:`WIDTH` and this type size (a label such as "Apr" and a four-digit year fits about four times).
MAX_DATE_LABELS = 4


def month_interval(dates) -> int:
    """A tidy number of months between date labels so at most :data:`MAX_DATE_LABELS` show."""
    first, last = min(dates), max(dates)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    for interval in (1, 2, 3, 4, 6, 12, 24, 60):
        if -(-span // interval) <= MAX_DATE_LABELS:
            return interval
    return 120


def date_axis(ax, dates, date_format: str = "%b %Y") -> None:
    """Month ticks on the x axis, at most :data:`MAX_DATE_LABELS` of them labelled."""
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=month_interval(dates)))
    ax.xaxis.set_minor_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter(date_format))


#: Longest legend entry, in characters, that still fits two to a row at :data:`WIDTH`.
LEGEND_COLUMN_CHARACTERS = 24


def legend_below(ax, ncols: int = 2, **kwargs):
    """The legend under the plot, clear of the x axis's tick labels and its label, in ``ncols``
    columns (one when an entry is too long for two to fit the chart's width)."""
    from matplotlib.transforms import offset_copy

    handles = kwargs.get("handles") or ax.get_legend_handles_labels()[0]
    labels = [h.get_label() for h in handles]
    if any(len(label) > LEGEND_COLUMN_CHARACTERS for label in labels):
        ncols = 1

    # Below the axes by the height of the tick labels and their ticks (in points, so it holds
    # for any height of plot).
    label_lines = len(ax.get_xlabel().splitlines())
    drop = SMALLEST_TEXT_PT + 14 + label_lines * (RC["axes.labelsize"] * 1.25) + (6 if label_lines else 0)
    below = offset_copy(ax.transAxes, fig=ax.figure, y=-drop, units="points")
    return ax.legend(
        loc="upper left", bbox_to_anchor=(0, 0), bbox_transform=below, ncols=ncols, borderaxespad=0, **kwargs
    )


def value_axis(ax, label: str, minimum: float | None = None) -> None:
    """Label the value (y) axis with what it counts, and start it at zero, or say it does not.

    A count, rate or share starts at zero unless its values sit so far above zero that a zero
    axis would flatten them (the lowest value more than half the highest): then the axis keeps
    its range and its label says "axis does not start at zero".

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Drawn, so that its limits are known.
    label : str
        What the axis measures, in its unit, e.g. "Open CAFs at month end".
    minimum : float, optional
        The lowest value drawn; by default the axis's own lower data limit.
    """
    bottom, top = ax.get_ylim()
    lowest = ax.dataLim.y0 if minimum is None else minimum
    if bottom > 0 and lowest >= 0:
        if lowest <= top / 2:
            ax.set_ylim(0, top)
        else:
            label = f"{label}\n(axis does not start at zero)"
    ax.set_ylabel(label)


def apply() -> None:
    """Use the book's chart style from now on: the Agg backend (no display, so rendering is the
    same on every run) and :data:`RC`. Called by :func:`subplots` and :func:`figure`."""
    if matplotlib.get_backend().lower() != "agg":
        matplotlib.use("Agg")
    plt.rcParams.update(RC)


def subplots(*args, **kwargs):
    """``matplotlib.pyplot.subplots`` in the book's style (see :func:`apply`)."""
    apply()
    return plt.subplots(*args, **kwargs)


def figure(*args, **kwargs):
    """``matplotlib.pyplot.figure`` in the book's style (see :func:`apply`)."""
    apply()
    return plt.figure(*args, **kwargs)
