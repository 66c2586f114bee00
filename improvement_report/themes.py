"""The improvement theme pages: every indicator of a theme on a Making Data Count chart.

``notebooks/theme.ipynb`` is executed once per theme (``theme = 1`` ... ``7``). For each
indicator of the theme this module draws an XmR chart with its target, names the two Making
Data Count icons (variation and assurance, from :mod:`improvement_report.spc`) and writes the
reading: latest value, change on the month and on the year, target, comparators and what the
chart shows. Every sentence is computed here; the summary page reuses the same analysis.

Limits follow the configuration: fixed on a baseline (by default every month shown; the demo
fixes them on the months up to the July 2017 inspection judgement) and, for an indicator
listed under ``rebase``, recalculated from the month a known change took effect. Icons are
judged on the limits of the phase the latest month belongs to.
"""

import textwrap
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import pandas as pd

from . import display, icons, indicators, narrative, spc, spc_plot
from .catalogue import THEMES
from .narrative import number
from .periods import month_name

#: Making Data Count: limits from fewer points than this are unreliable; the page says so.
MIN_BASELINE_POINTS = 12
#: A record ("highest since ...") is worth a sentence only when it beats this many months.
MIN_RECORD_MONTHS = 3
UNIT_LABEL = {"percent": "Per cent", "count": "Number", "rate": "Rate", "days": "Days"}


@dataclass
class Settings:
    """How SPC limits are set: a fixed baseline and optional rebases (from the configuration).

    Attributes
    ----------
    baseline_start, baseline_end : str or None
        First and last month (``YYYY-MM``) whose points fix the mean and limits; None means
        the first, or the latest, month of the series.
    rebase : dict
        ``{indicator code: month}``: limits recalculated from that month on, for an
        indicator whose process changed then.
    min_points : int
        Fewer baseline points than this give a warning.
    """

    baseline_start: str | None = None
    baseline_end: str | None = None
    rebase: dict = field(default_factory=dict)
    min_points: int = MIN_BASELINE_POINTS


@dataclass
class Analysis:
    """One indicator read as of the report month."""

    code: str
    info: pd.Series  # the catalogue row
    month: pd.Period  # the report month
    series: pd.Series  # values by month (Period index), missing months dropped
    chart: spc.XmR | None = None  # every phase, for drawing
    current: spc.XmR | None = None  # the phase holding the latest point: the icons use it
    rebased_at: pd.Period | None = None
    variation: str = "none"
    assurance: str = "none"
    notes: list = field(default_factory=list)  # warnings about the limits, in words

    @property
    def name(self) -> str:
        return self.info["name"]

    @property
    def target(self):
        t = self.info["target"]
        return None if pd.isna(t) else float(t)

    @property
    def has_latest(self) -> bool:
        """Whether the report month itself has a value (a measure may stop earlier)."""
        return len(self.series) > 0 and self.series.index[-1] == self.month

    @property
    def figure_name(self) -> str:
        return f"theme_{self.code}"


# --------------------------------------------------------------------------------------
# Loading and analysis
# --------------------------------------------------------------------------------------


@dataclass
class ThemeData:
    """Every indicator's monthly values, the catalogue and the settings for one report."""

    frame: pd.DataFrame
    catalogue: pd.DataFrame
    month: pd.Period
    settings: Settings


def load(data_dir, report_month, series_start, targets=None, baseline_start=None, baseline_end=None,
         rebase=None, min_points=MIN_BASELINE_POINTS) -> ThemeData:
    """Read every indicator (dashboard and record-level) up to the report month.

    Parameters
    ----------
    data_dir, report_month, series_start, targets
        The report configuration's values.
    baseline_start, baseline_end, rebase, min_points
        See :class:`Settings`.
    """
    frame, catalogue = indicators.load(data_dir, series_start, report_month, targets)
    settings = Settings(baseline_start, baseline_end, dict(rebase or {}), int(min_points))
    return ThemeData(frame, catalogue, pd.Period(report_month, "M"), settings)


def _period(month) -> pd.Period | None:
    return None if month in (None, "") else pd.Period(str(month), "M")


def _phase(series: pd.Series, start, end, min_points: int, notes: list, label: str) -> spc.XmR:
    """An XmR chart of ``series`` with limits fixed on the months ``start`` to ``end``.

    A baseline with fewer than two points cannot give limits; every point is used instead and
    a note says so. A baseline with fewer than ``min_points`` points gets a caution note.
    """
    baseline = series.loc[start:end]
    if len(baseline) < 2:
        notes.append(f"The {label} baseline has fewer than 2 months, so the limits use every month shown.")
        start = end = None
    result = spc.xmr(series, baseline_start=start, baseline_end=end)
    if result.baseline_points < min_points:
        notes.append(
            f"The {label} limits rest on only {result.baseline_points} months "
            f"({month_name(result.baseline_start)} to {month_name(result.baseline_end)}), fewer than "
            f"{min_points}: read the icons with caution.")
    return result


def _combine(first: spc.XmR, second: spc.XmR) -> spc.XmR:
    """One chart from two phases: each point keeps its own phase's limits; the summary
    numbers are the latest phase's."""
    data = pd.concat([first.data, second.data])
    return spc.XmR(data, second.mean, second.mean_moving_range, second.sigma, second.baseline_points,
                   second.baseline_start, second.baseline_end)


def analyse(series: pd.Series, info: pd.Series, month, settings: Settings, code: str = "") -> Analysis:
    """Chart one indicator and name its icons.

    Parameters
    ----------
    series : pandas.Series
        Monthly values indexed by Period; missing values are dropped.
    info : pandas.Series
        The indicator's catalogue row (polarity, target, ...).
    month : str or Period
        The report month.
    settings : Settings
    code : str

    Returns
    -------
    Analysis
        With ``chart`` None and icons ``"none"`` when there are fewer than two values.
    """
    month = pd.Period(month, "M")
    series = series.dropna().astype("float64").sort_index().loc[:month]
    out = Analysis(code, info, month, series)
    if len(series) < 2:
        out.notes.append("There are fewer than two months with a value, so no control chart can be drawn.")
        return out
    first_month = series.index[0]
    start, end = _period(settings.baseline_start), _period(settings.baseline_end)
    rebase = _period(settings.rebase.get(code))
    if rebase is not None and not (first_month < rebase <= series.index[-1]):
        rebase = None  # outside the months shown: nothing to recalculate
    if rebase is None:
        out.chart = out.current = _phase(series, start, end, settings.min_points, out.notes, "")
    else:
        before, after = series.loc[:rebase - 1], series.loc[rebase:]
        if len(after) < 2:
            out.notes.append(f"Limits are to be recalculated from {month_name(rebase)}, but only "
                             f"{len(after)} month has a value since, so the earlier limits are used.")
            out.chart = out.current = _phase(series, start, end, settings.min_points, out.notes, "")
        else:
            out.rebased_at = rebase
            out.current = _phase(after, None, None, settings.min_points, out.notes, "recalculated")
            out.chart = (_combine(_phase(before, start, min(end, rebase - 1) if end else None,
                                         settings.min_points, [], ""), out.current)
                         if len(before) >= 2 else out.current)
    out.variation = spc.variation_icon(out.current, info["polarity"])
    out.assurance = spc.assurance_icon(out.current, out.target, info["polarity"])
    return out


def analyse_all(data: ThemeData, codes=None) -> list[Analysis]:
    """:func:`analyse` for ``codes`` (default: every indicator), in catalogue order by theme."""
    catalogue = data.catalogue.sort_values("theme", kind="stable")
    codes = list(catalogue.index) if codes is None else codes
    out = []
    for code in codes:
        rows = data.frame[data.frame.code == code]
        series = pd.Series(rows.value.to_numpy(), index=pd.PeriodIndex(rows.month, freq="M"))
        out.append(analyse(series, catalogue.loc[code], data.month, data.settings, code))
    return out


def theme_analyses(data: ThemeData, theme: int) -> list[Analysis]:
    """The analyses of one theme's indicators."""
    codes = [c for c in data.catalogue.sort_values("theme", kind="stable").index
             if data.catalogue.loc[c, "theme"] == theme]
    return analyse_all(data, codes)


# --------------------------------------------------------------------------------------
# Numbers in words
# --------------------------------------------------------------------------------------


def fmt(value, unit: str) -> str:
    """A value in its unit: ``57.0%``, ``499``, ``21.7``, ``12 days``; a dash when missing."""
    if value is None or pd.isna(value):
        return "-"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "count":
        return number(value) if float(value).is_integer() else f"{value:,.1f}"
    if unit == "days":
        return f"{value:,.1f} days"
    return f"{value:,.1f}"


def change_words(now: float, before: float, unit: str) -> str:
    """``up 2.0 points``, ``down 12``, ``no change``: a percentage changes by points."""
    diff = now - before
    if round(diff, 1) == 0:
        return "no change"
    size = f"{abs(diff):.1f} points" if unit == "percent" else fmt(abs(diff), "count" if unit == "count" else unit)
    return f"{'up' if diff > 0 else 'down'} {size}"


def change_sentence(a: Analysis) -> str:
    """Latest value with its change on the month and on the year (where those months exist)."""
    unit, s = a.info["unit"], a.series
    last = s.index[-1]
    text = f"**{fmt(s.iloc[-1], unit)}** in {month_name(last)}"
    parts = []
    for back, label in ((1, "the month before"), (12, "a year earlier")):
        then = last - back
        if then in s.index:
            parts.append(f"{change_words(s.iloc[-1], s[then], unit)} on {label} ({month_name(then)}: {fmt(s[then], unit)})")
        else:
            parts.append(f"no value for {label} ({month_name(then)}) to compare with")
    text += "; " + " and ".join(parts)
    if not a.has_latest:
        text += f". There is no value for {month_name(a.month)}, the report month"
    return text + "."


def target_sentence(a: Analysis) -> str:
    """The target and the comparators the catalogue gives, with their source."""
    unit, info = a.info["unit"], a.info
    target = f"Target {fmt(a.target, unit)}" if a.target is not None else "No target is set"
    comparators = [(label, info[col]) for col, label in (
        ("comparator_statistical_neighbours", "statistical neighbours"), ("comparator_england", "England"),
        ("comparator_previous_year", "previous year")) if not pd.isna(info[col])]
    if not comparators:
        return f"{target}; no comparators are recorded."
    listed = ", ".join(f"{label} {fmt(v, unit)}" for label, v in comparators)
    source = f" (source: {info['comparator_source']})" if info["comparator_source"] else ""
    return f"{target}. Comparators: {listed}{source}."


def _streak(flags) -> int:
    """How many Trues in a row end the sequence."""
    n = 0
    for flag in reversed(list(flags)):
        if not flag:
            break
        n += 1
    return n


def record_words(a: Analysis) -> str:
    """``at its highest since April 2017 (31.0%)`` when the latest value beats at least
    ``MIN_RECORD_MONTHS`` earlier months; empty otherwise."""
    s, unit = a.series, a.info["unit"]
    if len(s) <= MIN_RECORD_MONTHS:
        return ""
    kind = "highest" if s.iloc[-1] >= s.iloc[:-1].mean() else "lowest"
    rec = narrative.record_since(s, s.index[-1], kind)
    if rec.since is None:
        return f"at its {kind} since the series began in {month_name(s.index[0])}"
    beaten = (s.index[-1] - rec.since).n
    if rec.since == rec.at or beaten < MIN_RECORD_MONTHS:
        return ""
    return f"at its {kind} since {month_name(rec.last_as_extreme)} ({fmt(rec.last_value, unit)})"


def signal_words(a: Analysis) -> str:
    """Which Making Data Count rule the latest point meets, and what it means, in one phrase.

    E.g. "a run of 9 months above the mean: special cause improvement".
    """
    d = a.current.data
    latest = d.iloc[-1]
    high = latest["direction"] == "high"
    side = "above" if high else "below"
    values = d["value"].to_numpy()
    if latest["beyond_limits"]:
        rule = f"{side} the {'upper' if high else 'lower'} process limit ({fmt(latest['ucl' if high else 'lcl'], a.info['unit'])})"
    elif latest["run"]:
        rule = f"a run of {_streak(values > a.current.mean if high else values < a.current.mean)} months {side} the mean"
    elif latest["trend"]:
        steps = (values[1:] > values[:-1]) if high else (values[1:] < values[:-1])
        rule = f"a trend of {_streak(steps) + 1} months each {'higher' if high else 'lower'} than the last"
    elif latest["two_of_three"]:
        rule = f"two of the last three months more than two sigma {side} the mean"
    else:
        return "within the process limits with no run or trend: common cause variation"
    return f"{rule}: {icons.VARIATION_WORDS[a.variation]}"


def assurance_words(a: Analysis) -> str:
    """What the assurance icon says, with the limits and the target."""
    unit = a.info["unit"]
    if a.assurance == "none":
        return ("no target is set, so there is no assurance icon" if a.target is None
                else "with no better direction there is no assurance icon")
    limits = f"the process limits ({fmt(a.current.lcl, unit)} to {fmt(a.current.ucl, unit)})"
    target = fmt(a.target, unit)
    if a.assurance == "hit_and_miss":
        return f"the target of {target} lies within {limits}: hit and miss, it will be met in some months and not others"
    good = a.info["polarity"] == "higher_is_better"
    above = (a.assurance == "pass") == good
    return (f"{limits} lie {'above' if above else 'below'} the target of {target}: "
            f"it will {'consistently pass' if a.assurance == 'pass' else 'consistently fail'} unless the process changes")


def reading(a: Analysis) -> str:
    """The one-line computed reading: record, rule and icons."""
    if a.current is None:
        return " ".join(a.notes)
    record = record_words(a)
    lead = f"The latest value is {record}; " if record else "The latest value is "
    text = f"{lead}{signal_words(a)}. Assurance: {assurance_words(a)}."
    if a.rebased_at is not None:
        text += f" Limits recalculated from {month_name(a.rebased_at)}."
    return text + "".join(f" {n}" for n in a.notes)


# --------------------------------------------------------------------------------------
# What the page shows
# --------------------------------------------------------------------------------------


def theme_title(theme: int) -> str:
    """``Theme 4: Right interventions, right time (thresholds)``."""
    return f"Theme {theme}: {THEMES[theme]}"


def theme_intro(data: ThemeData, analyses: list[Analysis], theme: int) -> str:
    """Opening sentence: how many indicators, and how many show each kind of signal."""
    if not analyses:
        return f"The indicator catalogue lists no indicators for theme {theme}."
    charted = [a for a in analyses if a.current is not None]
    counts = pd.Series([a.variation.split("_")[0] for a in charted]).value_counts()
    words = {"improvement": "special cause improvement", "concern": "special cause concern",
             "neither": "special cause variation with no better direction", "common": "common cause variation"}
    listed = "; ".join(f"{counts[k]} {v}" for k, v in words.items() if k in counts)
    return (f"This theme has {len(analyses)} indicators, read as of **{month_name(data.month)}**. "
            f"In the latest month: {listed or 'none can be charted'}. "
            f"{limits_sentence(data.settings, data.month, data.catalogue['name'])}")


def limits_sentence(settings: Settings, month, names=None) -> str:
    """How the limits were set, from the settings, for the top of each page."""
    month = pd.Period(month, "M")
    end = _period(settings.baseline_end)
    if end is None or end >= month:
        text = "Mean and process limits are calculated from every month shown"
    else:
        start = _period(settings.baseline_start)
        text = (f"Mean and process limits are fixed on the months "
                f"{'from ' + month_name(start) if start else 'from the start of each series'} to {month_name(end)}; "
                f"later months are judged against them")
    names = {} if names is None else names
    rebased = [f"{str(names.get(code, code)).lower()} from {month_name(m)}"
               for code, m in settings.rebase.items() if _period(m) <= month]
    if rebased:
        text += f"; where a change in the process is recorded they are recalculated: {'; '.join(rebased)}"
    return text + "."


def chart(a: Analysis):
    """The XmR chart with its target line, and alt text; (None, "") without a chart."""
    if a.chart is None:
        return None, ""
    unit = a.info["unit"]
    value_format = "{:.0f}%" if unit == "percent" else "{:,.0f}" if unit == "count" else "{:,.1f}"
    fig, ax = plt.subplots(figsize=(9, 3.6))
    title = f"{a.name}: {fmt(a.series.iloc[-1], unit)} in {month_name(a.series.index[-1])}, {icons.VARIATION_WORDS[a.variation]}"
    spc_plot.plot_xmr(a.chart, ax, title="\n".join(textwrap.wrap(title, 80)), ylabel=UNIT_LABEL[unit],
                      target=a.target, polarity=a.info["polarity"], value_format=value_format)
    baseline_end = a.chart.data.index.get_loc(a.chart.baseline_end) if a.rebased_at is None else None
    if baseline_end is not None and baseline_end < len(a.chart.data) - 1:
        # Mark where the fixed limits stop being calculated and start being applied.
        x = a.chart.baseline_end.to_timestamp()
        ax.axvline(x, color="#0b0c0c", linewidth=0.8, linestyle="-.")
        ax.annotate("baseline ends", xy=(x, 1), xycoords=("data", "axes fraction"), xytext=(-3, -10),
                    textcoords="offset points", ha="right", fontsize="small")
    if a.rebased_at is not None:
        ax.axvline(a.rebased_at.to_timestamp(), color="#0b0c0c", linewidth=0.8, linestyle="-.")
        ax.annotate("limits recalculated", xy=(a.rebased_at.to_timestamp(), 1), xycoords=("data", "axes fraction"),
                    xytext=(3, -10), textcoords="offset points", fontsize="small")
    fig.tight_layout()
    alt = spc_plot.describe_xmr(a.chart, a.info["polarity"], a.name, value_format=value_format)
    if a.target is not None:
        alt += f" The target is {fmt(a.target, unit)}."
    return fig, alt


def chart_table(a: Analysis) -> pd.DataFrame:
    """The points behind the chart, for download: value, mean, limits, signal."""
    if a.chart is None:
        return pd.DataFrame()
    d = a.chart.data
    t = pd.DataFrame({"value": d["value"], "mean": d["mean"].round(2), "lower_limit": d["lcl"].round(2),
                      "upper_limit": d["ucl"].round(2),
                      "variation": spc.point_variation(a.chart, a.info["polarity"])})
    t.index = pd.PeriodIndex(d.index, freq="M").strftime("%Y-%m")
    t.index.name = "month"
    return t


def icons_line(a: Analysis) -> str:
    """The two icons with their meaning in words beside them."""
    return (f"{icons.variation_markdown(a.variation)} {icons.assurance_markdown(a.assurance)} "
            f"Variation: **{icons.VARIATION_WORDS[a.variation]}**. Assurance: **{icons.ASSURANCE_WORDS[a.assurance]}**.")


def indicator_markdown(a: Analysis) -> str:
    """Heading, icons, figures and reading for one indicator (the chart follows it)."""
    if a.series.empty:
        return f"### {a.name}\n\nThere are no values for this indicator up to {month_name(a.month)}.\n"
    return (f"### {a.name}\n\n{icons_line(a)}\n\n{change_sentence(a)} {target_sentence(a)}\n\n{reading(a)}\n")


def caption(a: Analysis) -> str:
    """The figure caption, naming the download."""
    return (f"XmR chart of {a.name.lower()[0] + a.name[1:]} each month, with Making Data Count signals"
            f"{' and the target' if a.target is not None else ''}. The monthly points: "
            f"{{download}}`{a.figure_name}.csv <downloads/{a.figure_name}.csv>`.")


def table_caption(data: ThemeData, theme: int) -> str:
    """Caption of the theme's summary table."""
    return (f"Theme {theme} indicators in {month_name(data.month)}: latest value, target and the two "
            f"Making Data Count icons (each name links to its chart)")


def summary_markdown(analyses: list[Analysis], caption_text: str) -> str:
    """A MyST table, one row per indicator: latest value, target, the two icons and the reading."""
    if not analyses:
        return ""
    rows = ["| Indicator | Latest | Target | Variation | Assurance |", "|---|---:|---:|---|---|"]
    for a in analyses:
        latest = fmt(a.series.iloc[-1], a.info["unit"]) if len(a.series) else "-"
        link = f"{{ref}}`{a.name} <fig-{a.figure_name}>`" if a.chart is not None else a.name
        rows.append(
            f"| {link} | {latest} | {fmt(a.target, a.info['unit'])} | "
            f"{icons.variation_markdown(a.variation)} {icons.VARIATION_WORDS[a.variation]} | "
            f"{icons.assurance_markdown(a.assurance)} {icons.ASSURANCE_WORDS[a.assurance]} |")
    return f"```{{table}} {caption_text}\n" + "\n".join(rows) + "\n```\n"


def indicator_sections(analyses: list[Analysis]) -> str:
    """Every indicator's section as one MyST text, saving each chart and its CSV on the way.

    The notebook shows the result with one call, so the template needs no loop.
    """
    parts = []
    for a in analyses:
        parts.append(indicator_markdown(a))
        fig, alt = chart(a)
        if fig is not None:
            display.download(chart_table(a), a.figure_name)
            parts.append(display.figure(fig, a.figure_name, alt, caption(a)).data)
    return "\n".join(parts)
