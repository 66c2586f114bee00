"""DfE comparator figures in words and table cells, one wording for every page.

A value DfE printed as a symbol is shown as the symbol with its meaning ("c: suppressed"),
never as 0; a value the edition's vintage does not hold is "not published by this edition's
date". Every string from the catalogue or the published files passes through ``escape``.
"""

import pandas as pd

from improvement_report.inputs.published import SYMBOLS
from improvement_report.render.escape import escape

NOT_HELD = "not published by this edition's date"
RELATION_WORDS = {
    "same": "same definition",
    "near": "a near-equivalent DfE measure",
    "context": "a related DfE measure, for context only",
}


def number(value, unit: str, measure: str = "") -> str:
    """A published number in its unit: ``20.1%``, ``377.3 per 10,000 children``, ``16``."""
    if unit == "percent":
        return f"{value:g}%"
    if measure.endswith("_rate_per_10k"):
        return f"{value:,g} per 10,000 children"
    return f"{value:,g}"


def value_text(value, symbol: str, unit: str, measure: str = "") -> str:
    """A cell or phrase for one published value: the number, the DfE symbol, or not held."""
    if value is not None and not pd.isna(value):
        return number(value, unit, measure)
    if symbol:
        return f"{escape(symbol)}: {SYMBOLS.get(symbol, 'no figure')}"
    return NOT_HELD


def neighbour_text(row, unit: str, measure: str = "") -> str:
    """``17.7% (10 of 10 neighbours with a figure)``, or why there is no average."""
    n, total = int(row["neighbours_with_value"]), int(row["neighbours_total"])
    if n == 0:
        return f"no neighbour figure ({total} neighbours)" if row["year"] is not None else NOT_HELD
    return f"{number(round(row['neighbour_mean'], 1), unit, measure)} ({n} of {total} with a figure)"


def range_text(row, unit: str, measure: str = "") -> str:
    if int(row["neighbours_with_value"]) == 0:
        return ""
    return f"{number(row['neighbour_min'], unit, measure)} to {number(row['neighbour_max'], unit, measure)}"


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def rank_words(position: int, ranked: int) -> str:
    """``highest of 11``, ``3rd highest of 11``, ``lowest of 11``."""
    if position == 1:
        return f"highest of {ranked}"
    if position == ranked:
        return f"lowest of {ranked}"
    return f"{ordinal(position)} highest of {ranked}"


def position_text(row) -> str:
    """``3rd highest of 11`` among the council and its neighbours with a figure."""
    if row["position"] is None or pd.isna(row["position"]):
        return "not ranked"
    return rank_words(int(row["position"]), int(row["ranked"]))


def published_words(row) -> str:
    """``first published <day> <month> <year>``, saying so when the day is not verified."""
    when = row["published"]
    if when is None or pd.isna(when):
        return ""
    status = {"estimated": " (estimated date)", "unverified": " (day not verified)"}.get(row["date_status"], "")
    return f"first published {pd.Timestamp(when):%-d %B %Y}{status}"


def comparator_sentence(row, council: str) -> str:
    """The DfE comparator figures shown beside an indicator on its theme page.

    Parameters
    ----------
    row : pandas.Series
        One row of :func:`improvement_report.measures.comparators.indicator_comparators`, with the
        catalogue's ``dfe_note``.
    council : str
        The council's name (escaped here).
    """
    unit, measure = row["unit"], row["dfe_measure"]
    name = escape(row["measure_name"])
    relation = RELATION_WORDS.get(row["dfe_relation"], "")
    note = f" {escape(row['dfe_note'])}" if row.get("dfe_note") else ""
    if row["year"] is None or pd.isna(row["year"]):
        return (
            f"**Published comparators (DfE):** {name} ({relation}) is {NOT_HELD}, so no neighbour or England "
            f"figure is shown.{note}"
        )
    council_value = value_text(row["council"], row["council_symbol"], unit, measure)
    return (
        f"**Published comparators (DfE, {escape(row['year_label'])}):** {name} ({relation}): "
        f"{escape(council)} {council_value}; statistical neighbours' average "
        f"{neighbour_text(row, unit, measure)}; London {value_text(row['london'], '', unit, measure)}; "
        f"England {value_text(row['england'], row['england_symbol'], unit, measure)}. "
        f"Source: {escape(row['source'])}, {published_words(row)}; neighbours: {escape(row['model_title'])}.{note}"
    )


def compared_words(value, other, unit: str) -> str:
    """``above`` / ``below`` / ``the same as``, by the published precision."""
    if pd.isna(value) or pd.isna(other):
        return ""
    diff = round(value - other, 1)
    return "the same as" if diff == 0 else "above" if diff > 0 else "below"


def plain_sentence(c, council: str) -> str:
    """One plain-English sentence: where the council stands and how it has moved.

    Parameters
    ----------
    c : improvement_report.measures.comparators.Comparison
    council : str
    """
    name = escape(c.name[0].lower() + c.name[1:])
    who = escape(council)
    if c.year is None:
        return f"DfE had published no figure for {who} on {name} by this edition's date."
    if pd.isna(c.council):
        return (
            f"For {c.year_label} DfE printed no number for {who} on {name} "
            f"({value_text(c.council, c.council_symbol, c.unit, c.measure)}), so it is not compared."
        )
    value = number(c.council, c.unit, c.measure)
    parts = []
    if c.neighbours_with_value:
        mean = round(c.neighbour_mean, 1)
        parts.append(
            f"{compared_words(c.council, mean, c.unit)} its statistical neighbours' average of "
            f"{number(mean, c.unit, c.measure)} ({c.neighbours_with_value} of {c.neighbours_total} with a figure)"
        )
    if not pd.isna(c.england):
        parts.append(f"{compared_words(c.council, c.england, c.unit)} England ({number(c.england, c.unit, c.measure)})")
    when = f"At {c.year_label}" if c.year_label.startswith("30 September") else f"In {c.year_label}"
    text = f"{when}, {who}'s {name} was {value}"
    text += (", " + " and ".join(parts)) if parts else ""
    if c.position is not None:
        text += f"; the {rank_words(c.position, c.ranked)} among {who} and its neighbours with a figure"
    trend = c.trend.council.dropna()
    if len(trend) >= 2:
        first_year, first = trend.index[0], trend.iloc[0]
        change = round(c.council - first, 1)
        move = (
            "no change" if change == 0 else f"{'up' if change > 0 else 'down'} from {number(first, c.unit, c.measure)}"
        )
        text += f". Over the years shown it is {move} since {escape(year_of(c, first_year))}"
    return text + "."


def year_of(c, year: int) -> str:
    """The label of another year of the same measure (same basis as ``c.year_label``)."""
    if c.year_label.startswith("30 September"):
        return f"30 September {year}"
    return f"{year - 1}-{str(year)[2:]}"
