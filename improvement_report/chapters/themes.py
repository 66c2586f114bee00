"""The improvement theme pages: every indicator of a theme on a Making Data Count chart.

``notebooks/theme.ipynb`` is executed once per theme of the edition (``theme = 1``, ``2`` ...). For each
indicator of the theme this module draws an XmR chart with its target, names the two Making
Data Count icons (variation and assurance, from :mod:`improvement_report.spc`) and writes the
reading: latest value, change on the month and on the year, target, comparators and what the
chart shows. Every sentence is computed here; the summary page reuses the same analysis.

Limits follow the configuration: fixed on a baseline (by default every month shown; the demo
fixes them on the months up to an inspection judgement) and, for an indicator
listed under ``rebase``, recalculated from the month a known change took effect. Icons are
judged on the limits of the phase the latest month belongs to.
"""

import textwrap
from dataclasses import replace

import pandas as pd

from improvement_report.core.periods import month_name
from improvement_report.inputs import edition_content
from improvement_report.measures import judgements
from improvement_report.measures.indicators import theme_numbers
from improvement_report.measures.judgements import (  # noqa: F401 (load, level_comparators: used by the page)
    Analysis,
    Settings,
    ThemeData,
    _period,
    level_comparators,
    load,
)
from improvement_report.render import answers, display, downloads, icons, spc_words, style, suppression
from improvement_report.render import spc_charts as spc_plot
from improvement_report.render.chart import NO_CHART, Chart
from improvement_report.render.comparator_words import comparator_sentence, neighbour_text, value_text
from improvement_report.render.escape import chart_text, escape, page_title, role_title
from improvement_report.render.indicator_words import (
    change_sentence,
    fmt,
    hidden_note,
    latest_text,
    missing_months_note,
    reading,
    target_sentence,
)
from improvement_report.render.output import PageOutput
from improvement_report.stats import spc

UNIT_LABEL = {"percent": "Per cent", "count": "Number", "rate": "Rate", "days": "Days"}
# A count's axis says when it is counted.
COUNT_LABEL = {"snapshot": "Number at month end", "in_month": "Number in the month", "cumulative": "Number to date"}


def axis_label(info: pd.Series) -> str:
    """What an indicator's value axis measures, in its unit: a count says when it is counted, a
    rate is named (its name says per what, e.g. "per social worker")."""
    unit = info["unit"]
    if unit == "count":
        return COUNT_LABEL.get(info.get("aggregation"), "Number")
    if unit == "rate":
        return "\n".join(textwrap.wrap(chart_text(info["name"]), 24))
    return UNIT_LABEL.get(unit, chart_text(str(unit)))


# --------------------------------------------------------------------------------------
# What the page shows
# --------------------------------------------------------------------------------------


def theme_analyses(data: ThemeData, theme: int, suppress: bool = True) -> list[Analysis]:
    """The theme's indicators judged on every month, each marked with the months it may not publish.

    A month whose value rests on a count of 1 to 5 is not drawn, given or named
    (:func:`improvement_report.render.suppression.mark_hidden`); ``suppress=False`` (the edition's
    ``suppress_small_numbers``) publishes every month.
    """
    return suppression.mark_hidden(judgements.theme_analyses(data, theme), suppress)


def _drawn(a: Analysis):
    """The chart as it may be published: a hidden month's value (and a p chart's limits, which
    move with its total) left out, so the drawer leaves a gap. The signals stay as computed."""
    if a.chart is None or not a.charted_hidden:
        return a.chart
    hidden = a.chart.data.index.isin(list(a.charted_hidden))
    columns = ["value", "lcl", "ucl"] if a.method == "p" else ["value"]
    data = a.chart.data.copy()
    data.loc[hidden, columns] = float("nan")
    return replace(a.chart, data=data)


def theme_title(theme: int, content_folder=None) -> str:
    """``Theme 4: <the edition's title for theme 4>``, or ``Theme 4: Improvement theme 4`` without one.

    Plain text: the page shows it through ``glue`` as text, which the renderer escapes itself.
    """
    title = edition_content.load(content_folder).theme_title(theme)
    return (
        f"Theme {theme}: {page_title(title)}"
        if not title.startswith("Improvement theme")
        else f"Improvement theme {theme}"
    )


ABOUT_THE_PAGES = (
    "Every indicator of the theme is drawn on an XmR chart in the style of NHS England's *Making Data Count*: "
    "the chart separates the month-to-month noise any stable process shows (common cause variation) from "
    "signals that something has changed (special cause variation). Two icons sum each indicator up: "
    "**variation** (is it changing, and for better or worse?) and **assurance** (will the process meet its "
    "target?). The rules and the icons are set out on the methods page; a key is at the foot of this page."
)


def about_theme_pages(data: ThemeData, content_folder=None) -> str:
    """How many theme pages the edition has (one per theme of its improvement plan), and how to read one."""
    count = len(theme_numbers(data.catalogue, edition_content.load(content_folder).themes))
    first = (
        "This is the report's one theme page."
        if count == 1
        else f"This page is one of {count}, one for each theme of the improvement plan."
    )
    return f"{first} {ABOUT_THE_PAGES}"


def theme_intro(data: ThemeData, analyses: list[Analysis], theme: int) -> str:
    """The page's opening answer (how many indicators improve, concern or neither), then how the limits were set."""
    if not analyses:
        return f"The indicator catalogue lists no indicators for theme {theme}."
    answer = answers.themes_answer(analyses, data.month, page=f"theme_{theme}", title=f"Theme {theme}")
    gap = missing_months_note(data)
    return (
        f"{answers.opening(answer)} This theme has {len(analyses)} "
        f"{'indicator' if len(analyses) == 1 else 'indicators'}, read as of **{month_name(data.month)}**. "
        + (f"{gap} " if gap else "")
        + f"{limits_sentence(data.settings, data.month, data.catalogue['name'])}"
    )


def limits_sentence(settings: Settings, month, names=None) -> str:
    """How the limits were set, from the settings, for the top of each page."""
    month = pd.Period(month, "M")
    end = _period(settings.baseline_end)
    if end is None or end >= month:
        text = "Mean and process limits are calculated from every month shown"
    else:
        start = _period(settings.baseline_start)
        text = (
            f"Mean and process limits are fixed on the months "
            f"{'from ' + month_name(start) if start else 'from the start of each series'} to {month_name(end)}; "
            f"later months are judged against them"
        )
    names = {} if names is None else names
    rebased = [
        f"{str(names.get(code, code)).lower()} from {month_name(m)}"
        for code, m in settings.rebase.items()
        if _period(m) <= month
    ]
    if rebased:
        text += f"; where a change in the process is recorded they are recalculated: {'; '.join(rebased)}"
    return text + "."


def chart(a: Analysis):
    """The indicator's chart (XmR, p or run chart) with its target line, and alt text; (None, "") without one."""
    if a.chart is None and a.method != "run":
        return NO_CHART
    unit = a.info["unit"]
    value_format = "{:.0f}%" if unit == "percent" else "{:,.0f}" if unit == "count" else "{:,.1f}"
    fig, ax = style.subplots(figsize=(style.WIDTH, 4.6))
    shown = a.charted if a.charted is not None else a.series
    in_month = "" if shown is a.series else " (each month's own value)"
    title = (
        f"{chart_text(a.name)}: {latest_text(a)} in {month_name(a.series.index[-1])}, "
        f"{icons.VARIATION_WORDS[a.variation]}{in_month}"
    )
    drawn = _drawn(a)
    if a.method == "run":
        shown = shown.where(~shown.index.isin(list(a.charted_hidden)))
        spc_plot.plot_run(
            shown,
            ax,
            title=style.title(title),
            ylabel=axis_label(a.info),
            target=a.target,
            value_format=value_format,
        )
        fig.tight_layout()
        alt = (
            f"Run chart of {chart_text(a.name.lower()[0] + a.name[1:])} from {month_name(shown.index[0])} to "
            f"{month_name(shown.index[-1])}, with its median of {fmt(float(shown.median()), unit)} and no control "
            f"limits; the latest value is {fmt(shown.iloc[-1], unit) if pd.notna(shown.iloc[-1]) else 'not shown'}."
        )
        return Chart(fig, alt)
    baseline_end = a.chart.data.index.get_loc(a.chart.baseline_end) if a.rebased_at is None else None
    marks = []
    if baseline_end is not None and baseline_end < len(a.chart.data) - 1:
        # Where the fixed limits stop being calculated and start being applied.
        marks.append((a.chart.baseline_end.to_timestamp(), "Baseline ends"))
    if a.rebased_at is not None:
        marks.append((a.rebased_at.to_timestamp(), "Limits recalculated"))
    spc_plot.plot_spc(
        drawn,
        ax,
        title=style.title(title),
        ylabel=axis_label(a.info),
        target=a.target,
        polarity=a.info["polarity"],
        value_format=value_format,
        marks=tuple(marks),
    )
    fig.tight_layout()
    kind = spc_words.CHART_NAMES[a.method]
    alt = f"{kind[0].upper() + kind[1:]}. " + spc_plot.describe_xmr(
        a.chart,
        a.info["polarity"],
        a.name,
        value_format=value_format,
        hidden_latest=a.chart.data.index[-1] in a.charted_hidden,
    )
    if a.charted_hidden:
        alt += f" {hidden_note(a)}"
    if a.target is not None:
        alt += f" The target is {fmt(a.target, unit)}."
    return Chart(fig, alt)


def chart_table(a: Analysis) -> pd.DataFrame:
    """The points behind the chart, for download: value, mean, limits, signal (for a p chart the counts too)."""
    if a.chart is None:
        if a.method != "run":
            return pd.DataFrame()
        t = pd.DataFrame({"value": a.charted, "median": float(a.charted.median())})
    else:
        d = a.chart.data
        columns = {"value": d["value"].round(2)}
        if a.chart.kind == "p":
            columns |= {"numerator": d["numerator"], "denominator": d["denominator"]}
        t = pd.DataFrame(
            columns
            | {
                "mean": d["mean"].round(2),
                "lower_limit": d["lcl"].round(2),
                "upper_limit": d["ucl"].round(2),
                "variation": spc.point_variation(a.chart, a.info["polarity"]),
            }
        )
    # A month resting on a count of 1 to 5 is shown as c (with its counts, and a p chart's limits).
    hidden = pd.Series(t.index.isin(list(a.charted_hidden)), index=t.index)
    limits = ["lower_limit", "upper_limit"] if a.method == "p" else []
    t = suppression.hide_rows(t, hidden, ["value", "numerator", "denominator", *limits])
    t.index = pd.PeriodIndex(t.index, freq="M").strftime("%Y-%m")
    t.index.name = "month"
    return t


def icons_line(a: Analysis, page: PageOutput) -> str:
    """The verdict in plain English first, then the two icons with their technical names."""
    return (
        f"**{spc_words.plain_verdict(a.variation, a.assurance)}**\n\n"
        f"{icons.variation_markdown(a.variation, page)} {icons.assurance_markdown(a.assurance, page)} "
        f"Variation: **{icons.VARIATION_WORDS[a.variation]}**. Assurance: **{icons.ASSURANCE_WORDS[a.assurance]}**."
    )


def dfe_comparators(dfe_la_code, edition_date, neighbour_model: str = "nearest", short_name=None) -> pd.DataFrame:
    """DfE's published figures beside each mapped indicator, of the edition's vintage.

    Returns an empty frame when the edition names no DfE code or the published files cannot be
    matched to it (the comparison page says why). ``attrs["council"]`` holds the council's name.
    """
    from improvement_report.measures.comparators import edition_comparators

    return edition_comparators(dfe_la_code, edition_date, neighbour_model, short_name)


def dfe_markdown(a: Analysis, dfe: pd.DataFrame | None) -> str:
    """The indicator's DfE comparator sentence, or nothing when it is not mapped."""
    if dfe is None or dfe.empty or a.code not in dfe.index:
        return ""
    return comparator_sentence(dfe.loc[a.code], dfe.attrs.get("council", "the council"))


def indicator_markdown(a: Analysis, page: PageOutput, dfe: pd.DataFrame | None = None) -> str:
    """Heading, icons, figures, DfE comparators and reading for one indicator (the chart follows it)."""
    published = dfe_markdown(a, dfe)
    published = f"\n\n{published}" if published else ""
    if a.series.empty:
        return (
            f"### {escape(a.name)}\n\nThere are no values for this indicator up to {month_name(a.month)}.{published}\n"
        )
    return (
        f"### {escape(a.name)}\n\n{icons_line(a, page)}\n\n{change_sentence(a)} {target_sentence(a, bool(published))}"
        f"{published}"
        f"\n\n{reading(a)}{' ' + hidden_note(a) if a.charted_hidden else ''}\n"
    )


def caption(a: Analysis) -> str:
    """The figure caption, naming the chart and the download."""
    kind = spc_words.CHART_NAMES[a.method]
    signals = ", with no control limits" if a.method == "run" else ", with Making Data Count signals"
    own = " (each month's own value, from the year-to-date counts)" if a.charted is not a.series else ""
    return (
        f"{kind[0].upper() + kind[1:]} of {escape(a.name.lower()[0] + a.name[1:])} each month{own}{signals}"
        f"{' and the target' if a.target is not None else ''}. The monthly points: "
        f"{{download}}`{a.figure_name}.csv <downloads/{a.figure_name}.csv>`."
    )


def table_caption(data: ThemeData, theme: int) -> str:
    """Caption of the theme's summary table."""
    return (
        f"Theme {theme} indicators in {month_name(data.month)}: latest value, target, DfE's published "
        f"statistical-neighbour average and England figure (with their year) and the two Making Data Count "
        f"icons (each name links to its chart)"
    )


def dfe_cells(a: Analysis, dfe: pd.DataFrame | None) -> tuple[str, str]:
    """The neighbours' average and England cells of the at-a-glance table, with the year."""
    if dfe is None or dfe.empty or a.code not in dfe.index:
        return "-", "-"
    r = dfe.loc[a.code]
    if r["year"] is None or pd.isna(r["year"]):
        return "not yet published", "not yet published"
    year = escape(r["year_label"])
    neighbours = neighbour_text(r, r["unit"], r["dfe_measure"])
    england = value_text(r["england"], r["england_symbol"], r["unit"], r["dfe_measure"])
    return f"{neighbours}, {year}", f"{england}, {year}"


def summary_markdown(
    analyses: list[Analysis], caption_text: str, page: PageOutput, dfe: pd.DataFrame | None = None
) -> str:
    """A MyST table, one row per indicator: latest value, target, DfE's neighbours and England, the icons."""
    if not analyses:
        return ""
    rows = [
        "| Indicator | Latest | Target | Neighbours (DfE) | England (DfE) | Variation | Assurance |",
        "|---|---:|---:|---|---|---|---|",
    ]
    for a in analyses:
        latest = latest_text(a)
        link = f"{{ref}}`{role_title(a.name)} <fig-{a.figure_name}>`" if a.has_figure else escape(a.name)
        neighbours, england = dfe_cells(a, dfe)
        rows.append(
            f"| {link} | {latest} | {fmt(a.target, a.info['unit'])} | {neighbours} | {england} | "
            f"{icons.variation_markdown(a.variation, page)} {icons.VARIATION_WORDS[a.variation]} | "
            f"{icons.assurance_markdown(a.assurance, page)} {icons.ASSURANCE_WORDS[a.assurance]} |"
        )
    return f"```{{table}} {caption_text}\n" + "\n".join(rows) + "\n```\n"


def indicator_sections(analyses: list[Analysis], page: PageOutput, dfe: pd.DataFrame | None = None) -> str:
    """Every indicator's section as one MyST text, saving each chart and its CSV on the way.

    The notebook shows the result with one call, so the template needs no loop.
    """
    parts = []
    for a in analyses:
        parts.append(indicator_markdown(a, page, dfe))
        drawn = chart(a)
        if drawn.drawn:
            rows = downloads.indicator_rows(chart_table(a), a.code, a.name, a.info["unit"])
            display.download(page, rows, a.figure_name)
            parts.append(display.figure(page, drawn, a.figure_name, caption(a)).data)
    return "\n".join(parts)
