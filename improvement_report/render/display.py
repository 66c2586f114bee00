"""What notebooks show: sentences, accessible tables, charts with alt text, downloads.

Charts are saved as PNG under ``figures/`` in the page's folder and shown through a MyST figure
directive, so each carries its alt text and caption into the HTML. Every writer takes the page's
:class:`~improvement_report.render.output.PageOutput` from its caller (the template creates it
once); nothing is written relative to the working directory.
"""

import html
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown

from improvement_report.render.chart import Chart
from improvement_report.render.escape import one_line
from improvement_report.render.output import PNG_METADATA, PageOutput
from improvement_report.render.suppression import SUPPRESSED, TABLE_NOTE


def say(text: str | None) -> Markdown | None:
    """Markdown for the reader (MyST, so roles and directives work); nothing at all for None or ""."""
    return Markdown(text) if text else None


def edition_text(content_folder, page: str) -> Markdown | None:
    """The edition's question and local narrative for a page, escaped (nothing when it sets none)."""
    from improvement_report.inputs import edition_content  # the edition's folder, read when a page asks
    from improvement_report.render.escape import escape

    content = edition_content.load(content_folder)
    question, intro = content.text(page, "question"), content.text(page, "intro")
    parts = ([f"**{escape(question)}**"] if question else []) + ([escape(intro)] if intro else [])
    return Markdown(" ".join(parts)) if parts else None


def coverage_note(text: str | None) -> Markdown | None:
    """A note naming the months asked for that have no data; nothing when every month has data."""
    return Markdown(f"```{{note}}\n{text}\n```\n") if text else None


def figure(page: PageOutput, chart: Chart, name: str, caption: str, when_empty: str = "") -> Markdown | None:
    """Save the chart as ``figures/<name>.png`` in the page's folder; return it as a MyST figure with its alt text.

    The one way a page shows a chart.

    Parameters
    ----------
    page : PageOutput
        The page's folder.
    chart : Chart
        From a chapter's chart function; its alt text says what the chart shows.
    name : str
        File stem, also the figure's label for cross-references.
    caption : str
        Caption shown under the chart.
    when_empty : str, default ""
        Markdown shown instead when there is no chart (the surrounding text says why).
    """
    if not chart.drawn:  # the surrounding text says why; None shows nothing, never an object repr
        return Markdown(when_empty) if when_empty else None
    fig = chart.figure
    path, link = page.figure_file(name)
    fig.savefig(path, format="png", metadata=PNG_METADATA, bbox_inches="tight")
    plt.close(fig)
    # An option's value, read by MyST as YAML: one line (a break would start another option), and
    # single-quoted, so "#" is not a comment and ": " not a key (a quote inside is doubled).
    alt_line = one_line(chart.alt).replace("'", "''")
    return Markdown(f"```{{figure}} {link}\n:alt: '{alt_line}'\n:name: fig-{name}\n\n{caption}\n```\n")


def _cell(value, number_format: str) -> tuple[str, bool]:
    """Text for one table cell, and whether it is a number (numbers are right-aligned)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "", False
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value), False
    if isinstance(value, int):
        return f"{value:,}", True
    return number_format.format(value), True


def table(
    df: pd.DataFrame,
    caption: str,
    number_format: str = "{:,.1f}",
    index: bool = True,
    when_empty: str | None = None,
    row_formats: dict | None = None,
) -> HTML:
    """An HTML table with a caption, header cells with scope, and right-aligned numbers.

    Parameters
    ----------
    df : pandas.DataFrame
        Values to show; integers get thousands separators, floats ``number_format``.
    caption : str
        Says what the table is.
    number_format : str
        Format for non-integer numbers.
    index : bool
        Whether to show the index as the first (row header) column.
    when_empty : str, optional
        What to say when there are no rows (default: that there is nothing for this period).
    row_formats : dict, optional
        Row label -> format for that row's non-integer numbers, where rows mix measures.
    """
    if df.empty:
        text = f"{caption}: nothing to show for this period." if when_empty is None else when_empty
        return HTML(f"<p><em>{html.escape(text)}</em></p>") if text else None  # None: no object repr on the page
    head = ([html.escape(str(df.index.name or ""))] if index else []) + [html.escape(str(c)) for c in df.columns]
    rows, hidden = [], False
    for label, values in zip(df.index, df.itertuples(index=False)):
        cells = [f'<th scope="row">{html.escape(str(label))}</th>'] if index else []
        fmt = (row_formats or {}).get(label, number_format)
        for v in values:
            text, numeric = _cell(v, fmt)
            hidden = hidden or text == SUPPRESSED
            align = ' style="text-align: right"' if numeric else ""
            cells.append(f"<td{align}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    header = "".join(f'<th scope="col">{h}</th>' for h in head)
    # A wide table scrolls inside its own box on a phone; the box takes keyboard focus so it can be
    # scrolled without a mouse, and is named by the caption for screen readers.
    label = html.escape(caption, quote=True)
    return HTML(
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">'
        f'<table class="report-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        # The marker is explained under every table that shows it.
        + (f'<p class="suppression-note"><em>{html.escape(TABLE_NOTE)}</em></p>' if hidden else "")
    )


# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?%?")


def neutralise_formula(value):
    """A text cell that a spreadsheet would run as a formula, made text with a leading quote.

    Numbers are left alone, whether stored as numbers or as text such as ``-2.5`` or ``-3%``:
    only text that is not a number and starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets the ``'`` that spreadsheets read as "this is text" (the OWASP rule).
    """
    if not isinstance(value, str):
        return value
    # A lone carriage return is not quoted by the CSV writer (its line end is "\n"), and readers
    # take it for the end of a row: line breaks are written as "\n", which is quoted.
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not value.startswith(FORMULA_STARTS) or _NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_for_spreadsheets(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells, index labels and column names cannot run as formulas."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(neutralise_formula)
    out.index = out.index.map(neutralise_formula) if not isinstance(out.index, pd.MultiIndex) else out.index
    out.index.name = neutralise_formula(df.index.name)
    out.columns = [neutralise_formula(c) for c in out.columns]
    return out


def download(page: PageOutput, df: pd.DataFrame, name: str, period: str | None = None, tidy: bool = False) -> Path:
    """Write the table behind a chart as ``downloads/<name>.csv`` in the page's folder for readers to download.

    With ``tidy``, the table is written in the long shape of every chapter download
    (:func:`improvement_report.render.downloads.tidy_table`: one row per row label and measure,
    with period, unit, unformatted value and a suppression marker); ``period`` names the period
    of rows whose period the table itself does not give. Text cells that a spreadsheet would run
    as a formula are neutralised first (:func:`safe_for_spreadsheets`).
    """
    from improvement_report.render.downloads import tidy_table

    path, _link = page.download_file(f"{name}.csv")
    if tidy:
        df = tidy_table(df, period)
    # A bare row number is noise: a table without a named index is written without it.
    safe_for_spreadsheets(df).to_csv(path, lineterminator="\n", index=not isinstance(df.index, pd.RangeIndex))
    return path


def synthetic_notice(synthetic: bool) -> Markdown | None:
    """The notice every page carries when the report is built on the demo data (nothing otherwise)."""
    if not synthetic:
        return None
    return Markdown(
        "```{important}\nThese figures come from **synthetic demo data**, not from any child's record. "
        "The demo was generated to be realistic and was calibrated so that the report reproduces a set of "
        "published figures; where a figure was tuned to a published one, the data page says so.\n```\n"
    )
