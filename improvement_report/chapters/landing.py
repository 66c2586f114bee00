"""The landing page: what the report covers, and its headline figures."""

import json
from pathlib import Path

from improvement_report.core.periods import long_date, month_name
from improvement_report.measures.headline import edition_figures
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


def figures(extracts, report_month, window_start, window_end, extract_date=None) -> dict:
    """The headline figures, as the ``figures`` command prints them, from the extracts as they
    stood on the extract date (and only for months they cover)."""
    return edition_figures(extracts, report_month, window_start, window_end, extract_date)


def save_figures(figs: dict, page: PageOutput) -> Path:
    """Write the headline figures as ``downloads/headline_figures.json`` in the page's folder."""
    path, _link = page.download_file("headline_figures.json")
    path.write_text(json.dumps(figs, indent=2) + "\n", encoding="utf-8")
    return path
