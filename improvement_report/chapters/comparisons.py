"""How the council compares: DfE's published figures beside its statistical neighbours, London
and England, of the edition's vintage (page ``comparisons``).

For every DfE measure the catalogue maps an indicator to: the council's latest published value,
its neighbours' average (available values only, with how many) and range, London, England, its
position among its neighbours, a five-year trend chart (the council's line against the neighbour
band and England, with alt text), a download and a plain-English sentence. Years DfE published
after the edition's date appear only when the edition asks for them (``dfe_later_context``), on
charts labelled as later context.
"""

import textwrap
from dataclasses import dataclass

import pandas as pd

from improvement_report.inputs.catalogue import load_catalogue
from improvement_report.inputs.published import PublishedDataError
from improvement_report.measures import comparators as cm
from improvement_report.render import comparator_words as words
from improvement_report.render import display, style
from improvement_report.render.chart import NO_CHART, Chart
from improvement_report.render.escape import chart_text, escape, page_title
from improvement_report.render.output import PageOutput


@dataclass
class Page:
    """What the page shows: the published figures of the vintage, or why there are none."""

    pub: cm.Published | None
    table: pd.DataFrame  # one row per mapped indicator (indicator_comparators)
    problem: str = ""
    later_context: bool = False


def load(dfe_la_code, edition_date, neighbour_model: str = "nearest", later_context: bool = False, folder=None) -> Page:
    """The edition's published figures and the catalogue's mapping to them (``folder``: another
    published-statistics folder than ``data/published``, for tests)."""
    if dfe_la_code is None:
        return Page(None, pd.DataFrame(), "This edition names no DfE local authority code (`dfe_la_code`).")
    when = pd.Timestamp(edition_date) if edition_date else pd.Timestamp.today().normalize()
    try:
        edition = cm.Edition(int(dfe_la_code), when, neighbour_model, bool(later_context))
        pub = cm.load_published(edition) if folder is None else cm.load_published(edition, folder)
    except PublishedDataError as err:
        return Page(None, pd.DataFrame(), escape(str(err).splitlines()[0]))
    catalogue = load_catalogue()
    table = cm.indicator_comparators(catalogue, pub)
    table = table.join(catalogue[["name", "theme", "dfe_note"]])
    return Page(pub, table, later_context=bool(later_context))


def title(page: Page, short_name: str | None = None, local_authority: str = "") -> str:
    """``How <council> compares``: the edition's short name, else DfE's name for the council."""
    name = short_name or (page.pub.council_name if page.pub else "") or local_authority
    return page_title(f"How {name} compares")


def council(page: Page, short_name: str | None = None) -> str:
    return short_name or (page.pub.council_name if page.pub else "the council")


def intro(page: Page, short_name: str | None = None) -> str:
    """What the page compares, of which vintage, against which neighbours."""
    if page.pub is None:
        return f"There are no published comparisons in this edition: {page.problem}"
    pub = page.pub
    latest = pub.data.groupby("series").year.max()
    parts = []
    if "cin" in latest:
        parts.append(f"children in need to {cm.year_label(int(latest['cin']), 'year_to_31_march')}")
    if "cla" in latest:
        parts.append(f"children looked after to {cm.year_label(int(latest['cla']), 'year_to_31_march')}")
    if "csww" in latest:
        parts.append(f"the social work workforce at 30 September {int(latest['csww'])}")
    model = (
        f"{escape(pub.model_title)}, in force at this edition's date"
        if pub.model_in_force_at_edition
        else f"{escape(pub.model_title)}: the groupings in force at this edition's date "
        f"({pub.edition.edition_date:%B %Y}) are not held, and this is the model held nearest to it"
    )
    names = ", ".join(escape(n) for n in pub.neighbours.la_name)
    return (
        f"These are the Department for Education's published statistics for {escape(council(page, short_name))} "
        f"beside its statistical neighbours, London and England, as DfE had published them by this edition's "
        f"date ({pub.edition.edition_date:%-d %B %Y}): {', '.join(parts)}. Nothing published later is used"
        + (", except on the charts labelled as later context at the end of the page" if page.later_context else "")
        + f". Statistical neighbours: {model} ({names}). A neighbour average uses only the neighbours with a "
        "published figure and says how many; a value DfE suppressed or did not publish is shown as its symbol, "
        "never as 0. Each year's figures are those of the latest release held (DfE revises earlier years "
        "slightly); the page uses a year only once its first release was out, and where the day of that release "
        "is not verified against a source, only from a later, conservative date (the latest day it can have "
        "been out by). Every value, with the DfE file "
        "it was copied from and the date of each release, is in the repository's `data/published/` folder "
        "(Open Government Licence v3.0)."
    )


def overview(page: Page, short_name: str | None = None) -> pd.DataFrame:
    """One row per mapped indicator: the council, neighbours, London, England, position, year, source."""
    if page.table.empty:
        return pd.DataFrame()
    who = council(page, short_name)
    rows = []
    for _, r in page.table.iterrows():
        unit, measure = r["unit"], r["dfe_measure"]
        rows.append(
            {
                "Indicator": r["name"],
                "DfE measure": r["measure_name"],
                "Relation": r["dfe_relation"],
                "Year": r["year_label"] or words.NOT_HELD,
                who: words.value_text(r["council"], r["council_symbol"], unit, measure) if r["year_label"] else "",
                "Neighbours' average": words.neighbour_text(r, unit, measure) if r["year_label"] else "",
                "Neighbours' range": words.range_text(r, unit, measure),
                "London": words.value_text(r["london"], "", unit, measure) if r["year_label"] else "",
                "England": words.value_text(r["england"], r["england_symbol"], unit, measure)
                if r["year_label"]
                else "",
                "Position": words.position_text(r) if r["year_label"] else "",
                "Source": r["source"],
            }
        )
    out = pd.DataFrame(rows).set_index("Indicator")
    return out


def trend_download(page: Page, measure: str) -> pd.DataFrame:
    """The numbers behind a measure's chart: a row per year (DfE symbols kept as text)."""
    c = cm.compare(page.pub, measure)
    t = c.trend.rename(
        columns={
            "council": page.pub.council_name,
            "neighbour_mean": "Neighbours' average",
            "neighbour_min": "Neighbours' lowest",
            "neighbour_max": "Neighbours' highest",
            "neighbours_with_value": "Neighbours with a figure",
            "england": "England",
        }
    )
    # The year as DfE labels it (a year to 31 March, or the census of 30 September): a bare year is ambiguous, and a
    # column of consecutive years would otherwise be written as a row number.
    basis = page.pub.measures.loc[measure].year_basis
    t.index = pd.Index([cm.year_label(int(y), basis) for y in t.index], name="Year")
    return t.round(1)  # as the page shows them


def chart(page: Page, measure: str, data: pd.DataFrame | None = None, later: bool = False) -> Chart:
    """The council's line against its neighbours' range and average, and England."""
    c = cm.compare(page.pub, measure, data)
    t = c.trend
    if t.empty or t.council.notna().sum() == 0:
        return NO_CHART
    who = page.pub.council_name
    fig, ax = style.subplots(figsize=(style.WIDTH, 4.8))
    years = list(t.index)
    if t.neighbours_with_value.gt(0).any():
        ax.fill_between(years, t.neighbour_min, t.neighbour_max, color=style.LIGHT_GREY, label="Neighbours' range")
        ax.plot(years, t.neighbour_mean, color=style.GREY, linestyle="--", marker="^", label="Neighbours' average")
    ax.plot(years, t.england, color=style.ORANGE, linestyle=":", marker="s", label="England")
    ax.plot(years, t.council, color=style.DARK_BLUE, marker="o", linewidth=2, label=chart_text(who))
    ax.set_xticks(years)
    basis = page.pub.measures.loc[measure, "year_basis"]
    ax.set_xticklabels([cm.year_label(y, basis).replace("30 September ", "Sep ") for y in years])
    style.value_axis(ax, textwrap.fill(chart_text(c.name), 24))
    style.legend_below(ax)
    heading = f"Later context, published after this edition: {c.name}" if later else c.name
    ax.set_title(style.title(chart_text(heading)), loc="left")
    fig.tight_layout()
    points = "; ".join(
        f"{cm.year_label(y, basis)}: {who} {words.value_text(r.council, '', c.unit, measure)}, neighbours' average "
        f"{words.value_text(round(r.neighbour_mean, 1) if r.neighbours_with_value else None, '', c.unit, measure)}, "
        f"England {words.value_text(r.england, '', c.unit, measure)}"
        for y, r in t.iterrows()
    )
    alt = (
        f"{'Later context, published after this edition. ' if later else ''}Line chart of {c.name}, DfE published "
        f"statistics: {who} against the range and average of its statistical neighbours and England. {points}."
    )
    return Chart(fig, alt)


def measure_sections(page: Page, out: PageOutput, short_name: str | None = None) -> str:
    """Every mapped DfE measure's section as one MyST text, saving its chart and CSV on the way."""
    if page.pub is None or page.table.empty:
        return ""
    who = council(page, short_name)
    parts = []
    for measure, rows in page.table.groupby("dfe_measure", sort=False):
        c = cm.compare(page.pub, measure)
        serves = "; ".join(
            f"{escape(r['name'])} (theme {int(r['theme'])}: {words.RELATION_WORDS[r['dfe_relation']]}"
            + (f". {escape(r['dfe_note'])}" if r["dfe_note"] else "")
            + ")"
            for _, r in rows.iterrows()
        )
        parts.append(f"### {escape(c.name)}\n\n{words.plain_sentence(c, who)}\n\nCompared with: {serves}\n")
        name = f"compare_{measure}"
        drawn = chart(page, measure)
        if drawn.drawn:
            display.download(out, trend_download(page, measure), name)
            parts.append(
                display.figure(
                    out,
                    drawn,
                    name,
                    f"{escape(c.name)}: {escape(who)}, its statistical neighbours' range and average, and England, "
                    f"the latest five years published by this edition's date. Source: {escape(c.source)}. "
                    f"The figures: {{download}}`{name}.csv <downloads/{name}.csv>`.",
                ).data
            )
    return "\n".join(parts)


def later_sections(page: Page, out: PageOutput) -> str:
    """Charts of the years published after the edition's date, only when the edition asks for them."""
    if page.pub is None or not page.later_context or page.table.empty:
        return ""
    everything = pd.concat([page.pub.data, page.pub.later], ignore_index=True)
    parts = [
        "## Later context\n\nThese charts include years DfE published **after this edition's date**. They are "
        "context for reading the edition now, not what was known when it was published.\n"
    ]
    for measure in page.table.dfe_measure.unique():
        drawn = chart(page, measure, everything, later=True)
        if drawn.drawn:
            name = f"later_{measure}"
            parts.append(
                display.figure(
                    out, drawn, name, f"Later context (published after this edition): {escape(c_name(page, measure))}."
                ).data
            )
    return "\n".join(parts)


def c_name(page: Page, measure: str) -> str:
    return page.pub.measures.loc[measure, "name"]
