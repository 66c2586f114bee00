"""Chart style shared by every chapter: the UK Government Analysis Function palette.

The four categorical colours are colour-blind safe in this order. Charts never rely on
colour alone: special-cause points also change marker shape, and every chart carries a
title that states its finding and alt text generated from its data.

Importing this module changes no matplotlib setting. Chart code makes its figures with
:func:`subplots` or :func:`figure`, which :func:`apply` the style first.
"""

import matplotlib
import matplotlib.pyplot as plt

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


# The matplotlib settings every chart in the book uses.
RC = {
    "figure.figsize": (8, 4),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "font.family": "DejaVu Sans",
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.frameon": False,
    "svg.hashsalt": "improvement-report",
}


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
