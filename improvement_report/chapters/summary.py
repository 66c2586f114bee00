"""The summary page: every indicator's icons in one matrix, and the two lists members read.

"What are we worried about" and "What is working well" are chosen by the rules in
:func:`classify`, applied in order; the first rule that fits decides. Each item is a computed
sentence with its numbers and a link to its chart on the theme page. The *level* is the latest
value against the indicator's target, else its floor, else a published comparator
(:func:`improvement_report.measures.judgements.level_of`).

Worried:
  W1  the latest point is special cause concern;
  W2  an indicator with no better direction shows special cause in its ``watch`` direction
      (the catalogue's direction of pressure on services, e.g. more open child in need plans);
  W3  the level is worse than its target or floor, or well below its comparators (worse than
      England and every statistical neighbour), even while improving;
Working well:
  G1  the latest point is special cause improvement, and the level meets its benchmark (or,
      for a count, no benchmark is recorded);
  --  special cause improvement at a level among its comparators (neither well below them nor
      better than both England and the neighbours' average): in neither list (U2);
  --  special cause improvement in a percentage with no benchmark: in neither list (U1),
      since nothing says whether its level is good enough;
Otherwise:
  W4  assurance is "consistently fails" the target -> worried;
  G2  assurance is "consistently passes" the target -> working well;
  G3  common cause, no target, and a level at or better than England and the neighbours'
      average -> working well;
  --  hit and miss, not yet judged, or no target: in neither list (the matrix still shows it).
"""

import pandas as pd

from improvement_report.core.paths import resolve
from improvement_report.core.periods import month_name
from improvement_report.inputs import edition_content
from improvement_report.inputs.loading import load_extracts
from improvement_report.measures.headline import edition_figures, partial_notes
from improvement_report.measures.judgements import Analysis, ThemeData, analyse_all
from improvement_report.render import answers, icons, spc_words, suppression
from improvement_report.render.escape import escape, role_title
from improvement_report.render.headline_table import figures_table, with_comparators
from improvement_report.render.indicator_words import (  # noqa: F401 (missing_months_note: used by the page)
    assurance_words,
    fmt,
    latest_text,
    level_words,
    missing_months_note,
    signal_words,
)
from improvement_report.render.output import PageOutput

WORRIED, WORKING = "worried", "working_well"
LIST_TITLES = {WORRIED: "What are we worried about", WORKING: "What is working well"}
RULES = {
    "W1": "special cause concern in the latest month",
    "W2": "special cause in the direction that means pressure on services",
    "W3": "level worse than its target or floor, or well below England and every statistical neighbour",
    "G1": "special cause improvement in the latest month, level not below its benchmark",
    "U1": "special cause improvement, but no target, floor or comparator to judge the level by",
    "U2": "special cause improvement, at a level among its comparators (not better than both England and the neighbours)",
    "W4": "consistently fails its target",
    "G2": "consistently passes its target",
    "G3": "common cause, with no target, at a level at or better than England and the neighbours' average",
    "": "no rule applies (common cause, and hit and miss, not yet judged or no target)",
    "no_chart": "too few months to chart",
    "no_latest": "no value for the report month",
}
MATRIX_ROWS = {  # variation kind: row label
    "improvement": "Special cause improvement",
    "concern": "Special cause concern",
    "neither": "Special cause, no better direction",
    "common": "Common cause",
    "not": "Not judged by limits",
    "none": "Too few points",
}
MATRIX_COLUMNS = {
    "pass": "Consistently passes",
    "hit_and_miss": "Hit and miss",
    "fail": "Consistently fails",
    "not_judged": "Not yet judged",
    "none": "No target",
}
#: Rule keys that place an indicator in a list, and those that explain why one is in neither.
LIST_RULES = ("W1", "W2", "W3", "W4", "G1", "G2", "G3")


def all_analyses(data: ThemeData, suppress: bool = True) -> list[Analysis]:
    """Every indicator judged on every month, marked with the months it may not publish (as on the theme pages)."""
    return suppression.mark_hidden(analyse_all(data), suppress)


def classify(a: Analysis) -> tuple[str, str]:
    """Which list an indicator goes in, and the rule that put it there (or kept it out).

    Returns
    -------
    (str, str)
        ``("worried" | "working_well" | "", rule)`` where ``rule`` is a key of :data:`RULES`.
    """
    if a.method == "none":
        return "", "no_chart"
    if not a.has_latest:
        return "", "no_latest"
    kind = a.variation.split("_")[0]
    if kind == "concern":
        return WORRIED, "W1"
    watch = a.info.get("watch", "")
    if kind == "neither" and watch and a.variation.endswith(f"_{watch}"):
        return WORRIED, "W2"
    if a.level.state == "short":
        return WORRIED, "W3"
    if kind == "improvement":
        if a.level.state == "meets" or (a.level.state == "unknown" and a.info["unit"] != "percent"):
            return WORKING, "G1"
        if a.level.state == "between":
            return "", "U2"
        return "", "U1"
    if a.assurance == "fail":
        return WORRIED, "W4"
    if a.assurance == "pass":
        return WORKING, "G2"
    if kind == "common" and a.level.state == "meets" and a.level.kind == "comparators":
        return WORKING, "G3"
    return "", ""


def chart_link(a: Analysis, text: str = "chart") -> str:
    """A MyST reference to the indicator's chart on its theme page."""
    return f"{{ref}}`{text} <fig-{a.figure_name}>`" if a.has_figure else f"{{doc}}`{text} <theme_{a.info['theme']}>`"


def item(a: Analysis, rule: str, mark: str = "") -> str:
    """One list item: the indicator, its numbers, why it is in the list, and a link to its chart.

    ``mark``: for demo data, whether the latest figure was published or exists only in the demo.
    """
    unit = a.info["unit"]
    latest = f"{latest_text(a)} in {month_name(a.series.index[-1])}"
    target = f", target {fmt(a.target, unit)}" if a.target is not None else ""
    plain = spc_words.PLAIN_VARIATION[a.variation]
    text = f"**{escape(a.name)}**: {latest}{target}. {plain}. Technically: {signal_words(a)}"
    if rule == "W2":
        text += f"; the catalogue reads {'a rise' if a.info['watch'] == 'high' else 'a fall'} as pressure on services"
    if a.level.state != "unknown":
        text += f"; {level_words(a)}"
    # The assurance always follows: it confirms the list or says what is still to do.
    if a.assurance != "none" or rule in ("W4", "G2"):
        text += f"; {assurance_words(a)}"
    mark = f" **[{mark}]**" if mark else ""
    return f"- {text} (theme {a.info['theme']}, {chart_link(a)}).{mark}"


def lists(analyses: list[Analysis]) -> dict[str, list[tuple[Analysis, str]]]:
    """The two lists, each as ``(analysis, rule)`` pairs in theme order."""
    out = {WORRIED: [], WORKING: []}
    for a in analyses:
        where, rule = classify(a)
        if where:
            out[where].append((a, rule))
    return out


def list_markdown(
    chosen: list[tuple[Analysis, str]], which: str, month, synthetic: bool = False, content_folder=None
) -> str:
    """A list as MyST bullets, or a sentence when no indicator fits.

    With demo data each item says whether its latest figure was published or exists only in the
    demo, and the list's opening names the items that are demo inventions.
    """
    if not chosen:
        return f'No indicator meets the rules for "{LIST_TITLES[which]}" in {month_name(month)}.'
    if not synthetic:
        return "\n".join(item(a, rule) for a, rule in chosen) + "\n"
    from improvement_report.demo import published  # demo-only marks, imported only for demo editions

    marks = [
        published.PUBLISHED if published.indicator_published(a.code, month) else published.DEMO_ONLY for a, _ in chosen
    ]
    items = "\n".join(item(a, rule, mark) for (a, rule), mark in zip(chosen, marks)) + "\n"
    # The published lists are compared only in the edition of their month (see published_lists).
    lists_apply = published_lists(month, content_folder) is not None
    invented = [
        (position, a)
        for position, ((a, _), mark) in enumerate(zip(chosen, marks), start=1)
        if mark == published.DEMO_ONLY and not (lists_apply and a.info.get("published_list", ""))
    ]
    if not invented:
        return items
    names = "; ".join(f"{ordinal(p)}, {escape(a.name)} ({latest_text(a)})" for p, a in invented)
    one = len(invented) == 1
    if lists_apply:
        why = (
            f"{'was' if one else 'were'} in neither list of the published report and "
            f"{'its figure' if one else 'their figures'} for {month_name(month)} {'was' if one else 'were'} not tuned "
            f"to any published figure"
        )
    else:
        why = f"figures for {month_name(month)} {'was' if one else 'were'} not tuned to any published figure"
    lead = (
        f"**Demo data.** {len(invented)} of these {len(chosen)} {why}: {names}. "
        f"{'It is' if one else 'They are'} the demo's invention, not a real {'worry' if which == WORRIED else 'success'}."
    )
    return lead + "\n\n" + items


def ordinal(n: int) -> str:
    """``first`` to ``tenth``, else ``11th``: an item's place in a list."""
    words = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
    return words[n - 1] if 1 <= n <= len(words) else f"{n}th"


def mark_sources(table: pd.DataFrame, dates, synthetic: bool, analyses: list[Analysis] | None = None) -> pd.DataFrame:
    """With demo data, a column saying whether each headline figure was published or exists only in the demo.

    Rows for indicators (``analyses``, matched by name) are marked by their latest month's value.
    """
    if not synthetic or table.empty:
        return table
    from improvement_report.demo import published  # demo-only marks, imported only for demo editions

    known = published.headline_published(dates.month, dates.window_start, dates.window_end)
    for a in analyses or []:
        if len(a.series) and a.name not in known:
            known[a.name] = published.indicator_published(a.code, a.series.index[-1])
    out = table.copy()
    out["Origin of the figure"] = [
        published.PUBLISHED if known.get(m, False) else published.DEMO_ONLY for m in out["Measure"]
    ]
    return out


def sources_key(synthetic: bool) -> str:
    """The key to the marks (nothing for real data)."""
    if not synthetic:
        return ""
    from improvement_report.demo import published  # demo-only marks, imported only for demo editions

    return f"**Key to the marks.** {published.KEY}"


def matrix_markdown(analyses: list[Analysis], month, page: PageOutput) -> str:
    """The icon matrix: variation (rows) by assurance (columns), indicators linked in each cell."""
    cells: dict = {}
    for a in analyses:
        kind = a.variation.split("_")[0]
        cells.setdefault((kind, a.assurance), []).append(chart_link(a, role_title(a.name)))
    header = (
        "| Variation | "
        + " | ".join(f"{icons.assurance_markdown(k, page)} {label}" for k, label in MATRIX_COLUMNS.items())
        + " |"
    )
    rows = [header, "|---" * (len(MATRIX_COLUMNS) + 1) + "|"]
    for kind, label in MATRIX_ROWS.items():
        if not any(k == kind for k, _ in cells):
            continue  # an empty row says nothing
        icon = {
            "improvement": "improvement_high",
            "concern": "concern_low",
            "neither": "neither_high",
            "common": "common_cause",
            "not": "not_judged",
            "none": "none",
        }[kind]
        row = [f"{icons.variation_markdown(icon, page)} {label}"]
        row += ["; ".join(cells.get((kind, col), [])) or "-" for col in MATRIX_COLUMNS]
        rows.append("| " + " | ".join(row) + " |")
    caption = (
        f"Every indicator in {month_name(month)} by its variation icon (rows; the icon shown is one "
        f"example of the row) and its assurance icon (columns)"
    )
    # Two forms of the same matrix: the table on a wide screen, a list grouped by variation on a
    # phone and on paper (report.css and print.css show one and hide the other).
    table = f"```{{table}} {caption}\n" + "\n".join(rows) + "\n```"
    return f"````{{container}} matrix-table\n{table}\n````\n\n" + matrix_list_markdown(analyses, month)


def matrix_list_markdown(analyses: list[Analysis], month) -> str:
    """The matrix as a list grouped by variation, each indicator with its assurance in words."""
    groups: dict[str, list[Analysis]] = {}
    for a in analyses:
        groups.setdefault(a.variation.split("_")[0], []).append(a)
    lines = [f"Every indicator in {month_name(month)}, grouped by what its latest month shows:", ""]
    for kind, label in MATRIX_ROWS.items():
        members = groups.get(kind, [])
        if not members:
            continue
        count = f"{len(members)} indicator{'s' if len(members) != 1 else ''}"
        lines.append(f"- **{label}** ({count}):")
        for a in members:
            name = chart_link(a, role_title(a.name))
            lines.append(f"  - {name}: {icons.ASSURANCE_WORDS[a.assurance]}")
    return "````{container} matrix-list\n" + "\n".join(lines) + "\n````\n"


def counts_sentence(analyses: list[Analysis], month) -> str:
    """How many indicators there are and how many fall in each list."""
    chosen = lists(analyses)
    with_data = [a for a in analyses if len(a.series)]
    charted = sum(a.current is not None for a in with_data)
    run = sum(a.method in ("run", "flat") for a in with_data)
    themes = len({int(a.info["theme"]) for a in with_data})
    without = len(analyses) - len(with_data)

    def n(k, one, many):
        return f"{k} {one if k == 1 else many}"

    text = (
        f"In {month_name(month)} {n(len(with_data), 'indicator is', 'indicators are')} reported across "
        f"{n(themes, 'improvement theme', 'improvement themes')}"
    )
    if without:
        text += f" ({n(without, 'catalogue indicator has', 'catalogue indicators have')} no data in this edition)"
    return (
        text
        + (
            f"; {n(charted, 'is', 'are')} judged on control limits and {n(run, 'is', 'are')} not (a run chart for values "
            f"that share months, or a series with no variation). The rules below put "
            f"**{len(chosen[WORRIED])}** among what we are worried about and **{len(chosen[WORKING])}** among "
            f"what is working well; the others show no signal the rules act on. {unjudged_level_sentence(analyses)}"
        ).strip()
    )


def unjudged_level_sentence(analyses: list[Analysis]) -> str:
    """The percentages with a better direction whose level nothing can judge, named, so a low level is never taken as fine."""
    names = [
        escape(a.name)
        for a in analyses
        if a.has_latest
        and a.info["unit"] == "percent"
        and a.info["polarity"] != "neutral"
        and a.level.state == "unknown"
    ]
    if not names:
        return ""
    return (
        f"For {len(names)} percentages with a better direction no target, floor or published comparator is "
        f"recorded, so the rules cannot say whether their level is good enough, and none of them is put among "
        f"what is working well on its improvement alone: {'; '.join(names)}."
    )


def published_lists(report_month, content_folder=None) -> dict | None:
    """The edition's published lists (``month``, ``source``) when they are for this report's month.

    Lists published for another month are never compared: the data have moved since, and the
    comparison would attribute this period's values to that report.
    """
    lists = edition_content.load(content_folder).published_lists
    if not lists or pd.Period(lists["month"], "M") != pd.Period(report_month, "M"):
        return None
    return lists


def lists_heading(report_month, content_folder=None) -> str | None:
    """The section's heading and opening, naming the edition's source; None without lists for this month."""
    lists = published_lists(report_month, content_folder)
    if lists is None:
        return None
    source = escape(lists["source"])
    return (
        f"## Where the rules and the published lists differ\n\nThe edition records, for the indicators "
        f"{source} discussed, which of its two lists it put them in. The table compares that placement "
        f"with the rules' and, where they differ, says why from the numbers, rather than moving the indicator."
    )


def reconciliation(analyses: list[Analysis], report_month=None, content_folder=None) -> pd.DataFrame:
    """Where the rules and the edition's published report place the indicators it discussed.

    Returns
    -------
    pandas.DataFrame
        One row per indicator with a ``published_list``: the report's list, the rules' list,
        the rule and, where they differ, why. Empty when the edition has no published lists
        for ``report_month`` (see :func:`published_lists`).
    """
    if report_month is not None and published_lists(report_month, content_folder) is None:
        return pd.DataFrame()
    rows = []
    for a in analyses:
        published = a.info.get("published_list", "")
        if not published:
            continue
        where, rule = classify(a)
        rows.append(
            {
                "Indicator": a.name,
                "Published report": LIST_TITLES[published],
                "These rules": LIST_TITLES.get(where, "Neither list"),
                "Rule": f"{rule}: {RULES[rule]}" if rule in (*LIST_RULES, "U1", "U2") else RULES[rule],
                "Why they differ": "" if where == published else difference(a, published, rule),
            }
        )
    return pd.DataFrame(rows).set_index("Indicator") if rows else pd.DataFrame()


def _shows(a: Analysis) -> str:
    """What the chart shows, as a phrase after "the chart shows" or "it is"."""
    if a.variation == "not_judged":
        return "a chart not judged by limits (a run chart, or a series with no variation)"
    return icons.VARIATION_WORDS[a.variation]


def difference(a: Analysis, published: str, rule: str) -> str:
    """Why the rules put an indicator on another side from the published report, from its numbers."""
    latest = latest_text(a) if len(a.series) else "no value"
    assurance = icons.ASSURANCE_WORDS[a.assurance]
    if rule in ("no_chart", "no_latest"):
        return f"{RULES[rule]}, so no rule can be applied"
    if rule == "U1":
        return (
            f"the chart shows {_shows(a)}, but no target, floor or comparator is recorded, so the rules cannot "
            f"say whether {latest} is good enough (a local target in the configuration would let them)"
        )
    if rule == "U2":
        return f"the chart shows {_shows(a)}, but {level_words(a, markup=False)}"
    if rule == "W3":
        return f"the report saw it working well, but {level_words(a, markup=False)}"
    if published == WORRIED and a.level.state == "unknown":
        return (
            f"the report worried about the level ({latest}) but no target, floor or comparator is recorded, so no "
            f"rule can call the level too low; the chart shows {_shows(a)}"
        )
    if published == WORRIED:
        return f"the report worried about it, but the chart shows {_shows(a)}; assurance: {assurance}; {level_words(a, markup=False)}"
    return f"the report saw it working well, but the chart shows {_shows(a)}; assurance: {assurance}; {level_words(a, markup=False)}"


def agreement_sentence(table: pd.DataFrame, report_month=None, content_folder=None) -> str | None:
    """How many of the published report's placements the rules reproduce (None without lists for the month)."""
    if report_month is not None and published_lists(report_month, content_folder) is None:
        return None
    if table.empty:
        return "The published lists place none of the indicators reported here."
    same = int((table["Why they differ"] == "").sum())
    differ = table.index[table["Why they differ"] != ""]
    placed = len(table)
    text = (
        f"The published report placed {placed} of these indicator{'s' if placed != 1 else ''} in one of the "
        f"two lists; the rules put {same} of them on the same side."
    )
    if len(differ):
        text += f" They differ for {len(differ)}: " + "; ".join(escape(d) for d in differ) + ". The table says why."
    return text


def headline_notes(data_dir, report_month, window_start, window_end, extract_date=None) -> str:
    """What the headline figures have no data for, when the edition is partial ("" otherwise)."""
    extracts = load_extracts(resolve(data_dir))
    return " ".join(partial_notes(extracts, report_month, window_start, window_end, extract_date))


def headline_table(
    data_dir, report_month, window_start, window_end, extract_date=None, analyses=None, comparators=None
) -> pd.DataFrame:
    """The headline figures of the landing page (same definitions), for the summary's first table.

    With the edition's DfE ``comparators`` (``measures.comparators.edition_comparators``) and the
    indicators' ``analyses``, the table gets DfE's neighbours' average and England (each with
    its year) and source beside every figure, and a row for each indicator mapped to a DfE
    measure, with its latest month's value: the same figures as its theme page.
    """
    extracts = load_extracts(resolve(data_dir))
    table = figures_table(edition_figures(extracts, report_month, window_start, window_end, extract_date))
    indicators = [
        (
            f"Theme {a.info['theme']}",
            a.code,
            a.name,
            month_name(a.series.index[-1]) if len(a.series) else month_name(a.month),
            latest_text(a) if len(a.series) else "no value",
        )
        for a in analyses or []
    ]
    return with_comparators(table, indicators, comparators)


#: Where each answer's chapter is: the themes' answer points to the first theme page.
ANSWER_LINKS = {"themes": "theme_1"}


def chapter_answers(
    data_dir,
    dates,
    analyses: list[Analysis],
    extract_date=None,
    terms_path=None,
    baseline_start=None,
    baseline_end=None,
    suppress: bool = True,
) -> str:
    """Every chapter's opening answer, computed as the chapter computes it, each linked to its page."""
    found = answers.edition_answers(
        data_dir,
        dates.month,
        dates.window_start,
        dates.window_end,
        dates.series_start,
        analyses,
        extract_date=extract_date,
        terms_path=terms_path,
        baseline_start=baseline_start,
        baseline_end=baseline_end,
        suppress=suppress,
    )
    return (
        "\n".join(
            f"- **{a.title}** ({{doc}}`the chapter <{ANSWER_LINKS.get(a.page, a.page)}>`): {a.text}" for a in found
        )
        + "\n"
    )
