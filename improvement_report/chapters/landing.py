"""The landing page: what the report covers, and its headline figures."""

import json
from pathlib import Path

from improvement_report.core.periods import long_date, month_name
from improvement_report.measures.headline import edition_figures, partial_notes
from improvement_report.measures.indicators import edition_theme_numbers
from improvement_report.render.escape import escape
from improvement_report.render.headline_table import figures_table  # noqa: F401 (used by the page)
from improvement_report.render.output import PageOutput


def introduction(local_authority, report_month, window_start, window_end) -> str:
    """The opening paragraph for the period."""
    return (
        f"This report covers **{escape(local_authority)}**'s children's services for **{month_name(report_month)}**. "
        f"Early help figures are for the month; strategy discussions and missing episodes are for the window "
        f"from {long_date(window_start)} to {long_date(window_end)}. Every number is computed from the data extracts by the "
        f"`improvement_report` package; the methods page gives each definition and the data page lists the "
        f"files read and any rows left out, with the reason."
    )


def _numbers(numbers: list[int]) -> str:
    """``1 to 7`` for a run, ``1, 2 and 4`` otherwise."""
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]} to {numbers[-1]}"
    return " and ".join([", ".join(map(str, numbers[:-1])), str(numbers[-1])]) if len(numbers) > 1 else str(numbers[0])


def theme_numbers(targets=None, edition_content=None, indicator_overrides=None) -> list[int]:
    """The edition's improvement themes, one page each (see ``measures.indicators.theme_numbers``)."""
    return edition_theme_numbers(targets, edition_content, indicator_overrides)


def contents(themes: list[int], synthetic: bool) -> str:
    """The "What is inside" list: every page of this edition, its theme pages as many as its themes.

    Parameters
    ----------
    themes : list of int
        The edition's theme numbers (:func:`theme_numbers`).
    synthetic : bool
        Whether the edition is built on the demo data (then the data page also shows how the demo
        was calibrated).
    """
    if not themes:
        theme_line = "- **Improvement themes**: this edition has none, so no theme page."
    elif len(themes) == 1:
        theme_line = (
            f"- **{{doc}}`Improvement theme {themes[0]} <theme_{themes[0]}>`**: the page of the action plan's one "
            "theme, each indicator with its control chart, icons and reading."
        )
    else:
        links = ", ".join(f"{{doc}}`{n} <theme_{n}>`" for n in themes)
        theme_line = (
            f"- **Improvement themes {_numbers(themes)}** ({links}): one page per theme of the action plan, "
            "each indicator with its control chart, icons and reading."
        )
    data_line = "the files read for this edition, what they cover, and which rows each figure leaves out"
    if synthetic:
        data_line += ", and how the demo data were calibrated"
    return "\n".join(
        [
            "- **{doc}`Summary <summary>`**: every indicator's Making Data Count icons, and the computed lists "
            '"What are we worried about" and "What is working well".',
            "- **{doc}`Comparisons <comparisons>`**: the council beside DfE's published figures for its statistical "
            "neighbours, London and England.",
            "- **{doc}`Early help: is the change in open CAFs real? <caf_decline>`** Month-end open CAFs, openings and closures, control "
            "charts, a count model of openings, how long CAFs stay open, and localities.",
            "- **{doc}`Seasonal effects <seasonal_effects>`**: how much of each movement the school calendar explains.",
            "- **{doc}`Strategy discussions <strategy_discussions>`**: compliance with Working Together by month, "
            "team and time of day.",
            "- **{doc}`Missing episodes <missing_episodes>`**: from home and from care, how often and how long, "
            "return home interviews, and the published national picture.",
            theme_line,
            "- **{doc}`Methods <methods>`**: every definition, the Making Data Count rules and the models, and the "
            "settings of this edition.",
            f"- **{{doc}}`Data <data>`**: {data_line}.",
        ]
    )


def figures(extracts, report_month, window_start, window_end, extract_date=None) -> dict:
    """The headline figures, as the ``figures`` command prints them, from the extracts as they
    stood on the extract date (and only for months they cover)."""
    return edition_figures(extracts, report_month, window_start, window_end, extract_date)


def partial_note(extracts, report_month, window_start, window_end, extract_date=None) -> str:
    """What the edition has no data for, when it is partial ("" when the extracts cover it all)."""
    return " ".join(partial_notes(extracts, report_month, window_start, window_end, extract_date))


def save_figures(figs: dict, page: PageOutput) -> Path:
    """Write the headline figures as ``downloads/headline_figures.json`` in the page's folder."""
    path, _link = page.download_file("headline_figures.json")
    path.write_text(json.dumps(figs, indent=2) + "\n", encoding="utf-8")
    return path
