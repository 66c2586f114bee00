"""The seasonal effects chapter: how much of each movement is the school calendar.

Members often hear that a fall is "seasonal". For every monthly series where the school
calendar could matter, this module measures the seasonal pattern three ways and says what is
left once it is taken out:

- the **month-of-year profile**, each year its own line;
- a **count model** (``models.fit_holiday_model``): trend, the share of the month's working
  days in a school holiday, and working days (or calendar days) as exposure; the holiday
  effect as a rate ratio with its interval and a likelihood-ratio test;
- an **STL decomposition** (``statsmodels.tsa.seasonal.STL``) where there are 24 months or more;
- **expected versus actual**: from the last month before the summer holiday (June) to August,
  and to the report month, what season alone predicts, what happened, and the difference.

The analysis itself is in :mod:`improvement_report.measures.seasonal` (one computation, also behind
the early help chapter's answer and the summary). Each function here returns what one part of
``notebooks/seasonal_effects.ipynb`` shows: a table, a chart with its alt text, or sentences.
"""

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from improvement_report.core.periods import month_name

# The analysis is one computation, in measures/seasonal.py, shared with the early help chapter and
# the summary; its names are re-exported here for the page and its tests.
from improvement_report.measures.seasonal import (  # noqa: F401
    BASELINE_MONTH,
    CHANCE_SDS,
    CONTACTS_INDICATOR,
    MOSTLY,
    STL_MIN_MONTHS,
    SUMMER_MONTH,
    Comparison,
    SeasonalChapter,
    Series,
    SeriesResult,
    adjusted,
    analyse,
    analyse_stock,
    compare,
    fit_model,
    load,
    reading,
    verdict,
    windows,
)
from improvement_report.render import answers, style, suppression, term_words
from improvement_report.render import spc_charts as spc_plot
from improvement_report.render import wording as narrative
from improvement_report.render.chart import NO_CHART, Chart
from improvement_report.render.wording import number
from improvement_report.stats import count_models as models
from improvement_report.stats import spc

YEAR_STYLES = [("o", "-"), ("s", "--"), ("^", "-."), ("D", ":"), ("v", "-")]


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------


def _signed(x: float) -> str:
    """``+12`` or ``-3``, never ``-0``."""
    return f"{int(round(x)) + 0:+,}"


def comparison_sentence(series: Series, c: Comparison) -> str:
    """One computed sentence: what happened, what season alone predicts, and what is left."""
    v = verdict(c)
    head = (
        f"From {month_name(c.start)} to {month_name(c.end)} {series.lower} went from {number(c.start_value)} to "
        f"{number(c.actual)} ({_signed(c.change)}), where the school calendar alone would have given about "
        f"{number(c.expected)} ({_signed(c.seasonal)})"
    )
    if v == "no fall":  # a rise or no change: say which, never "no fall" for a series that rose
        calendar = (
            "no change"
            if round(c.seasonal) == 0
            else f"{'a rise' if c.seasonal > 0 else 'a fall'} of {number(abs(c.seasonal))}"
        )
        moved = f"it rose by {number(c.change)}" if round(c.change) > 0 else "it did not change"
        reading = f"{moved} where the school calendar predicts {calendar}, so {_signed(c.underlying)} is not seasonal"
    elif v == "seasonal":
        reading = "the fall is seasonal, no larger than the school calendar predicts"
    elif v == "underlying":
        reading = f"the fall of {number(-c.change)} is underlying, as the school calendar predicts " + (
            "no fall" if round(c.seasonal) == 0 else f"a rise of {number(c.seasonal)}"
        )
    else:
        word = {
            "mostly seasonal": "mostly seasonal",
            "mostly underlying": "mostly underlying",
            "both": "both seasonal and underlying",
        }[v]
        reading = (
            f"the fall is {word}, with {number(-c.seasonal)} of the {number(-c.change)} "
            f"({c.seasonal / c.change:.0%}) seasonal and {number(-c.underlying)} underlying"
        )
    chance = (
        "within what" if c.within_chance else "more than"
    ) + f" chance alone would give (about ±{number(CHANCE_SDS * c.spread)})"
    what = "a non-seasonal movement" if v in ("no fall", "seasonal") else "the underlying part"
    return f"{head}: {reading}; {what} of {abs(c.underlying):,.0f} is {chance}."


def headline(ch: SeasonalChapter) -> str:
    """The chapter's answer for open CAFs, the series members ask about."""
    if not ch.results:
        return (
            f"The school term dates do not cover the months asked for, so there is nothing to analyse "
            f"(they cover {month_name(ch.terms_coverage[0])} to {month_name(ch.terms_coverage[1])})."
        )
    res = next((r for r in ch.results if r.series.key == "caf_open"), None)
    report = next((c for c in res.comparisons if c.label == "the report month"), None) if res else None
    if report is None:
        return (
            f"The series of open CAFs from {month_name(res.series.values.index[0]) if res and len(res.series.values) else '-'} "
            f"to {month_name(ch.month)} is too short to separate season from the underlying movement "
            f"(an STL decomposition needs {STL_MIN_MONTHS} months, and a June to compare with)."
        )
    return "**Open CAFs.** " + comparison_sentence(res.series, report)


def stl_sentence(r: SeriesResult) -> str:
    """What the STL decomposition shows, or why there is none."""
    n = len(r.series.values)
    if r.stl is None:
        return (
            f"With {n} months, {r.series.lower} are too short a series for an STL decomposition, which needs "
            f"at least {STL_MIN_MONTHS} (two full years) to tell the seasonal pattern from the trend."
        )
    s = r.stl.seasonal
    by_month = s.groupby(s.index.month).mean()
    low, high = int(by_month.idxmin()), int(by_month.idxmax())
    name = lambda m: pd.Timestamp(2000, m, 1).strftime("%B")  # noqa: E731 - month name only
    return (
        f"Over {n} months the seasonal pattern of {r.series.lower} is lowest in {name(low)} "
        f"({_signed(by_month[low])} against the trend) and highest in {name(high)} ({_signed(by_month[high])}); "
        f"seasonal strength {r.seasonal_strength:.2f} (0 = none, 1 = all the detrended variation)."
        + (_stl_caution(r, by_month) if r.series.kind == "stock" else "")
    )


def _stl_caution(r: SeriesResult, by_month: pd.Series) -> str:
    """Why a stock's expected-versus-actual uses its flows, not STL, when the two disagree."""
    years = r.series.values.index.year.nunique()
    return (
        f" With values from only {years} calendar years, STL cannot tell a fall at the end of the series "
        f"from a seasonal dip, so the expected-versus-actual reading and the seasonally adjusted chart use "
        f"the term-date models of openings and closures instead."
    )


def detail(ch: SeasonalChapter) -> str:
    """Per-series detail: model reading, STL reading and the comparisons, as Markdown paragraphs."""
    if not ch.results:
        return ""
    parts = []
    for r in ch.results:
        s = r.series
        if s.values.empty:
            parts.append(f"**{s.label}.** There are no months of data in the period.")
            continue
        model = models.describe_holiday(r.model, s.lower) if r.model is not None else r.model_note
        comps = " ".join(comparison_sentence(s, c) for c in r.comparisons) or (
            "There is no June in the period to compare with, or no way to separate season, so no expected "
            "versus actual comparison is made."
        )
        parts.append(
            f"**{s.label}** ({month_name(s.values.index[0])} to {month_name(s.values.index[-1])}). "
            f"{model} {stl_sentence(r)} {comps}"
        )
    return "\n\n".join(parts)


def notes(ch: SeasonalChapter) -> str:
    """Which months are analysed, and anything left out."""
    if len(ch.months):
        span = (
            f"only {month_name(ch.months[0])}"
            if len(ch.months) == 1
            else f"the {len(ch.months)} months from {month_name(ch.months[0])} to {month_name(ch.months[-1])}"
        )
        covered = f"The chapter uses {span}; later months are not used, as the report would not have had them."
    else:
        covered = "No month asked for is covered by the school term dates."
    # Which academic years' holidays the chapter uses, and where their dates come from.
    source = term_words.terms_source_sentence(ch.terms_sources, ch.terms_file)
    notes = list(ch.notes)
    if source:
        notes.insert(ch.terms_note_at, source)
    return " ".join([covered, *notes])


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def summary_table(ch: SeasonalChapter) -> pd.DataFrame:
    """One row per series: the holiday effect, its test, seasonal strength and the readings."""
    rows = {}
    for r in ch.results:
        if r.series.values.empty:
            continue
        readings = {c.label: reading(c) for c in r.comparisons}
        rows[r.series.label] = {
            "Holiday rate ratio (95% interval)": narrative.ratio_interval(
                r.model.holiday_ratio, narrative.HOLIDAY_RATIO_PLACES
            )
            if r.model
            else ("through openings and closures" if r.series.kind == "stock" else "no model"),
            "LR test": models._p_text(r.model.holiday_p) if r.model else "",
            "STL strength": r.seasonal_strength,
            "June to August": readings.get("the summer", "-"),
            f"June to {ch.month.strftime('%B')}": readings.get("the report month", "-"),
        }
    t = pd.DataFrame.from_dict(rows, orient="index")
    t.index.name = "Series"
    return t


def model_table(ch: SeasonalChapter) -> pd.DataFrame:
    """The fitted count models: family, dispersion, trend and holiday rate ratios, tests."""
    rows = {}
    for r in ch.results:
        m = r.model
        if m is None:
            continue
        rows[r.series.label] = {
            "Model (exposure)": f"{m.family} ({m.exposure})",
            "Dispersion alpha (test)": f"{m.alpha:.3f} ({models._p_text(m.overdispersion_p)})",
            "Change per month (rate ratio)": narrative.ratio_interval(m.monthly_ratio, narrative.TREND_RATIO_PLACES),
            "Holiday month (rate ratio)": narrative.ratio_interval(m.holiday_ratio, narrative.HOLIDAY_RATIO_PLACES),
            "LR test of the holidays": f"{m.holiday_lr:.1f}, {models._p_text(m.holiday_p)}",
        }
    t = pd.DataFrame.from_dict(rows, orient="index")
    t.index.name = "Series"
    return t


def comparison_table(ch: SeasonalChapter) -> pd.DataFrame:
    """Expected versus actual for every series and window."""
    rows = []
    for r in ch.results:
        for c in r.comparisons:
            rows.append(
                {
                    "Series": r.series.label,
                    "Months": f"{c.start.strftime('%b')} to {c.end.strftime('%b %Y')}",
                    "At start": int(round(c.start_value)),
                    "Season alone predicts": int(round(c.expected)),
                    "Actual": int(round(c.actual)),
                    "Seasonal change": int(round(c.seasonal)),
                    "Not seasonal": int(round(c.underlying)),
                    "Reading": reading(c),
                }
            )
    return pd.DataFrame(rows).set_index("Series") if rows else pd.DataFrame()


def calendar_table(ch: SeasonalChapter, suppress_small: bool = True) -> pd.DataFrame:
    """The monthly calendar and every series, for download.

    With ``suppress_small``, a month's count from 1 to 5 is ``c``, and so is its seasonally
    adjusted value (computed from it).
    """
    t = ch.calendar.copy()
    derived = {}
    for r in ch.results:
        t[r.series.label] = r.series.values.reindex(t.index)
        if r.stl is not None:
            adjusted = f"{r.series.label}: seasonally adjusted"
            t[adjusted] = (r.stl.observed - r.stl.seasonal).reindex(t.index).round(1)
            derived[adjusted] = [r.series.label]
    t.index = t.index.strftime("%Y-%m")
    t.index.name = "Month"
    counts = [r.series.label for r in ch.results]
    return suppression.suppress(t, counts, derived, enabled=suppress_small, rows_add_up=False, secondary=False)


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------


def _grid(n: int):
    cols = 2
    rows = int(np.ceil(n / cols))
    fig, axes = style.subplots(rows, cols, figsize=(style.WIDTH, 2.5 * rows + 1.2), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def _panel_title(ax, label: str) -> None:
    """A small multiple's title: the series' name, wrapped to the panel's width, in plain type."""
    ax.set_title(textwrap.fill(label, 22), fontsize=style.SMALLEST_TEXT_PT, fontweight="normal")


def _legend_under(fig, ax) -> None:
    """One legend for every panel, under the grid (a legend inside a panel would sit on its lines)."""
    fig.tight_layout()
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0), ncols=min(len(labels), 3))


def _august_low(values: pd.Series) -> tuple[int, int]:
    """Years in which August is below the mean of that year's other months, and years with an August."""
    low = seen = 0
    for _, g in values.groupby(values.index.year):
        aug = g[g.index.month == SUMMER_MONTH]
        rest = g[g.index.month != SUMMER_MONTH]
        if len(aug) and len(rest):
            seen += 1
            low += int(aug.iloc[0] < rest.mean())
    return low, seen


def profile_chart(ch: SeasonalChapter):
    """Month-of-year profiles, one panel per series and one line per calendar year."""
    results = [r for r in ch.results if len(r.series.values)]
    if not results:
        return NO_CHART
    fig, axes = _grid(len(results))
    every_year, described = [], []
    for ax, r in zip(axes, results):
        v = r.series.values
        for i, (year, g) in enumerate(v.groupby(v.index.year)):
            marker, line = YEAR_STYLES[i % len(YEAR_STYLES)]
            ax.plot(
                g.index.month,
                g.to_numpy(),
                marker=marker,
                linestyle=line,
                markersize=4,
                color=(style.PALETTE + [style.GREY])[i % 5],
                label=str(year),
            )
        low, seen = _august_low(v)
        if seen and low == seen:
            every_year.append(r.series.label)
        described.append(f"{r.series.label}: August below the rest of its year in {low} of {seen} years")
        _panel_title(ax, r.series.label)
        ax.set_xticks(range(1, 13), [pd.Timestamp(2000, m, 1).strftime("%b")[0] for m in range(1, 13)])
        ax.axvspan(7.5, 8.5, color=style.LIGHT_GREY, zorder=0)  # August: wholly school holiday
    fig.supylabel("Number in the month (open CAFs: at month end); the axes do not start at zero")
    fig.supxlabel("Month of the year (August shaded)")
    fig.suptitle(
        style.title(
            f"August is below the rest of the year, every year, for {len(every_year)} of {len(results)} series"
        ),
        x=0.01,
        ha="left",
        fontweight="bold",
    )
    _legend_under(fig, axes[0])
    alt = (
        "Small multiple line charts, one per series, with each calendar year drawn as its own line across the "
        "months January to December. " + "; ".join(described) + "."
    )
    return Chart(fig, alt)


def holiday_chart(ch: SeasonalChapter):
    """Holiday rate ratios with intervals for every modelled series (a forest plot)."""
    modelled = [r for r in ch.results if r.model is not None]
    if not modelled:
        return NO_CHART
    fig, ax = style.subplots(figsize=(style.WIDTH, 0.6 * len(modelled) + 2.2))
    y = np.arange(len(modelled))[::-1]
    fewer, more = [], []
    for yi, r in zip(y, modelled):
        est, lo, hi = r.model.holiday_ratio
        clear = hi < 1 or lo > 1
        (fewer if hi < 1 else more if lo > 1 else []).append(r.series.lower)
        ax.plot([lo, hi], [yi, yi], color=style.DARK_BLUE, linewidth=2)
        # A filled marker where the interval excludes 1, hollow where it does not: shape, not colour, tells.
        ax.plot(
            est,
            yi,
            marker="o",
            markersize=8,
            color=style.DARK_BLUE,
            markerfacecolor=style.DARK_BLUE if clear else "white",
        )
    ax.axvline(1, color=style.GREY, linestyle="--", linewidth=1)
    ax.set_yticks(y, [textwrap.fill(r.series.label, 18) for r in modelled])
    ax.set_xlabel("Rate ratio: a month wholly in school\nholidays against a month wholly in term\n(log scale)")
    ax.set_xscale("log")
    ticks = [
        t
        for t in (0.25, 0.5, 0.7, 1, 1.5, 2, 4)
        if min(r.model.holiday_ratio[1] for r in modelled) / 1.2
        <= t
        <= max(r.model.holiday_ratio[2] for r in modelled) * 1.2
    ]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    title = f"School holidays: clearly fewer {_list(fewer)}" if fewer else "School holidays: no series clearly lower"
    if more:
        title += f"; more {_list(more)}"
    ax.set_title(style.title(title))
    fig.tight_layout()
    alt = (
        "Dot-and-interval chart of the school-holiday rate ratio for each series, with a dashed line at 1 "
        "(no effect): "
        + "; ".join(
            f"{r.series.label} {narrative.ratio_interval(r.model.holiday_ratio, narrative.HOLIDAY_RATIO_PLACES)}"
            for r in modelled
        )
        + "."
    )
    return Chart(fig, alt)


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def stl_chart(ch: SeasonalChapter):
    """Observed and seasonally adjusted series from STL, one panel per series with 24+ months."""
    # A month-end count is adjusted through its flows (see adjusted_open_xmr), not by STL.
    done = [r for r in ch.results if r.stl is not None and r.series.kind == "flow"]
    if not done:
        return NO_CHART
    fig, axes = _grid(len(done))
    for ax, r in zip(axes, done):
        x = r.stl.index.to_timestamp()
        ax.plot(x, r.stl.observed, color=style.GREY, linewidth=1, marker="o", markersize=2, label="As counted")
        ax.plot(x, r.stl.observed - r.stl.seasonal, color=style.DARK_BLUE, linewidth=2, label="Seasonally adjusted")
        _panel_title(ax, r.series.label)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.xaxis.set_major_locator(mdates.YearLocator())
    strongest = max(done, key=lambda r: r.seasonal_strength)
    fig.supylabel("Number in the month; the axes do not start at zero")
    fig.suptitle(
        style.title(
            f"Seasonally adjusted: the season is strongest in {strongest.series.lower} "
            f"(strength {strongest.seasonal_strength:.2f})"
        ),
        x=0.01,
        ha="left",
        fontweight="bold",
    )
    _legend_under(fig, axes[0])
    alt = (
        "Small multiple line charts of each series as counted (grey) and seasonally adjusted by STL (dark blue, "
        "thicker). "
        + "; ".join(
            f"{r.series.label}: {number(r.stl.observed.iloc[-1])} counted and "
            f"{number(r.stl.observed.iloc[-1] - r.stl.seasonal.iloc[-1])} adjusted in "
            f"{month_name(r.stl.index[-1])}, seasonal strength {r.seasonal_strength:.2f}"
            for r in done
        )
        + "."
    )
    return Chart(fig, alt)


def adjusted_open_xmr(ch: SeasonalChapter):
    """XmR chart of open CAFs with the STL seasonal component taken out; (None, "", None) if too short."""
    r = next((r for r in ch.results if r.series.key == "caf_open"), None)
    values = None if r is None else adjusted(r)
    if values is None or len(values) < 2:
        return Chart(None, "", None)
    result = spc.xmr(values.set_axis(values.index.to_timestamp()))
    icon = spc.variation_icon(result, "neutral")
    fig, ax = style.subplots(figsize=(style.WIDTH, 4.8))
    words = "common cause variation" if icon == "common_cause" else "special cause variation"
    spc_plot.plot_spc(
        result,
        ax,
        title=f"Open CAFs, seasonally adjusted: {words} in {month_name(ch.month)}",
        ylabel="Open CAFs at month end,\nseasonally adjusted",
        polarity="neutral",
    )
    fig.tight_layout()
    alt = spc_plot.describe_xmr(result, "neutral", "Open CAFs at month end, seasonally adjusted")
    return Chart(fig, alt, result)


def adjusted_sentence(ch: SeasonalChapter, result: spc.XmR | None) -> str:
    """How the seasonally adjusted chart reads against the raw one."""
    r = next((r for r in ch.results if r.series.key == "caf_open"), None)
    if result is None:
        n = 0 if r is None else len(r.series.values)
        return (
            f"With {n} months of open CAFs there is no count model of openings and closures (it needs "
            f"{models.MIN_HOLIDAY_MONTHS} months with some school holiday), so there is no seasonally adjusted "
            f"chart; the raw chart in the CAF chapter stands alone."
        )
    raw = spc.xmr(r.series.values.astype(float).set_axis(r.series.values.index.to_timestamp()))
    latest_adj, latest_raw = result.data.iloc[-1], raw.data.iloc[-1]
    word = lambda d: "a special cause" if d.special_cause else "common cause"  # noqa: E731
    same = bool(latest_adj.special_cause) == bool(latest_raw.special_cause)
    return (
        f"Seasonally adjusted, open CAFs at the end of {month_name(ch.month)} stand at "
        f"{number(latest_adj.value)} (counted: {number(latest_raw.value)}); the latest point is {word(latest_adj)} "
        f"on the adjusted chart and {word(latest_raw)} on the raw one"
        + (
            ", so taking the season out does not change the reading."
            if same
            else ", so taking the season out changes the reading."
        )
        + " The raw chart in the CAF chapter remains the headline."
    )


def answer(ch: SeasonalChapter) -> str:
    """The page's opening answer: which series have a real school-holiday effect."""
    return answers.opening(answers.seasonal_answer(ch))


def period_label(ch: SeasonalChapter) -> str:
    """The months the models and the summary rest on, for their downloads."""
    return f"{month_name(ch.months[0])} to {month_name(ch.months[-1])}" if len(ch.months) else ""
