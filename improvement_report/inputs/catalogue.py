"""The indicator catalogue: what each code in ``indicators.csv`` means and how to judge it.

One row per dashboard indicator (``data/indicator_catalogue.csv``): its name, the improvement
theme it belongs to, unit, how each month's value is aggregated, polarity, target and
comparators. The catalogue is part of the input, so it is checked as strictly as the extracts
and fails the same way.

``aggregation`` decides whether control limits may be drawn (Making Data Count asks for
independent points):

- ``in_month``: activity in the month alone (referrals made in the month);
- ``snapshot``: a position at the month end (children on a plan on its last day);
- ``year_to_date``: the financial year (April to March) so far; with a numerator and a
  denominator each month it is turned back into in-month values before it is charted;
- ``rolling_<n>``: the last ``n`` months together (``rolling_3``); neighbouring values share
  ``n - 1`` months, so it is drawn as a run chart without limits;
- ``cumulative``: a running total since a start; it can only rise, so it is a run chart too.
"""

import re
from pathlib import Path

import pandas as pd

from improvement_report.core import paths

# A theme is a number from 1 to 99. The book has one page per theme an indicator belongs to or the
# edition names (``measures.indicators.theme_numbers``); the titles are the edition's
# (edition_content), never the package's.
THEME_NUMBER = r"[1-9][0-9]?"
UNITS = ("count", "percent", "days", "rate")
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
#: How a month's value is aggregated: one of these, or ``rolling_<n>`` as matched by :data:`ROLLING`.
AGGREGATIONS = ("in_month", "snapshot", "year_to_date", "cumulative")
ROLLING = r"rolling_([2-9]|[1-9][0-9])"
NUMERIC = ("target", "comparator_statistical_neighbours", "comparator_england", "comparator_previous_year")
COLUMNS = (
    "code",
    "name",
    "theme",
    "unit",
    "aggregation",
    "polarity",
    *NUMERIC,
    "comparator_source",
    "published_paragraph",
)
#: Optional columns, blank when absent. ``watch``: for an indicator with no better direction,
#: the direction ("high" or "low") that means pressure on services, which the summary's
#: "What are we worried about" rule looks for. ``published_list``: the list a published report
#: put the indicator in ("worried" or "working_well"), normally left to the edition's content,
#: so the summary can show where its rules and that report differ. ``floor``: a level the service
#: must not fall below (a statutory minimum or a standard the council has adopted), judged like a
#: target when no target is set, with ``floor_source`` saying where it comes from (required with it).
#: ``standard``: a national statutory expectation for the indicator in words (a timescale, say),
#: with ``standard_source`` naming the statutory guidance or regulations (required with it). A
#: standard that sets a timescale for each child but no share of cases to reach gives no floor:
#: only a number the guidance itself sets goes in ``floor``.
#: ``small_numbers``: ``publish`` for a count of posts or staff rather than children or families,
#: whose months of 1 to 5 are published; empty (or ``suppress``) hides them like any small count.
OPTIONAL = {
    "watch": ("high", "low"),
    "published_list": ("worried", "working_well"),
    "floor": None,
    "floor_source": None,
    "standard": None,
    "standard_source": None,
    "small_numbers": ("suppress", "publish"),
}
#: Optional mapping to DfE's published statistics (``data/published/measures.csv``).
#: ``dfe_measure``: the DfE measure shown beside the indicator; ``dfe_relation``: ``same`` (the
#: same definition), ``near`` (the same thing measured differently, e.g. a year or a rate per
#: 10,000 children instead of a month's count) or ``context`` (a related DfE figure, shown for
#: context, not as a like-for-like benchmark); ``dfe_note``: what differs, required unless same.
DFE_RELATIONS = ("same", "near", "context")
DFE_COLUMNS = ("dfe_measure", "dfe_relation", "dfe_note")
_CODE = r"[a-z][a-z0-9_]*"


def load_catalogue(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the indicator catalogue.

    Parameters
    ----------
    path : str or Path, optional
        The catalogue CSV; by default ``paths.CATALOGUE_PATH``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``code``; ``theme`` is an integer, target, floor and comparators are
        floats (NaN when blank), the other columns text (the optional ``watch``,
        ``published_list`` and ``floor_source`` are empty text when the file lacks them).

    Raises
    ------
    improvement_report.inputs.loading.DataContractError
        Listing every problem found: missing columns, empty or malformed codes, repeated
        codes, themes outside 1-7, unknown units, aggregations or polarities, non-numeric
        targets or floors, a floor without its source, and optional columns holding a value
        they do not allow.
    """
    # Imported here so that the catalogue can be read by tools that never load extracts.
    from improvement_report.inputs.loading import DataContractError, Problem

    path = Path(path) if path is not None else paths.CATALOGUE_PATH
    name = path.name
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataContractError([Problem(name, None, [], f"cannot be read: {error}")]) from None
    # Same header rules as the extracts: case-insensitive, spaces trimmed, extra columns ignored.
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataContractError([Problem(name, c, [], "required column is missing") for c in missing])
    for column in (*OPTIONAL, *DFE_COLUMNS):
        if column not in frame.columns:
            frame[column] = ""
    frame = frame.loc[:, [*COLUMNS, *OPTIONAL, *DFE_COLUMNS]].apply(lambda col: col.str.strip())
    frame.index = frame.index + 2  # spreadsheet rows: the header is row 1

    problems = []

    def check(column: str, bad: pd.Series, rule: str) -> None:
        if bad.any():
            problems.append(Problem(name, column, [int(i) for i in frame.index[bad]], rule))

    code = frame["code"]
    check("code", ~code.str.fullmatch(_CODE), "must be a snake_case code: a-z, 0-9 and _")
    check("code", code.duplicated(keep=False) & code.ne(""), "must be unique in the catalogue")
    check("name", frame["name"].eq(""), "must not be empty")
    check("theme", ~frame["theme"].str.fullmatch(THEME_NUMBER), "must be a theme number, 1 to 99")
    check("unit", ~frame["unit"].isin(UNITS), f"must be one of {', '.join(UNITS)}")
    check("polarity", ~frame["polarity"].isin(POLARITIES), f"must be one of {', '.join(POLARITIES)}")
    check(
        "aggregation",
        ~(frame["aggregation"].isin(AGGREGATIONS) | frame["aggregation"].str.fullmatch(ROLLING)),
        "must be one of in_month, snapshot, year_to_date, cumulative or rolling_<n> (n from 2 to 99)",
    )
    for column, allowed in OPTIONAL.items():
        if allowed is not None:
            check(column, ~frame[column].isin(["", *allowed]), f"must be empty or one of {', '.join(allowed)}")
    check(
        "watch",
        frame["watch"].ne("") & frame["polarity"].ne("neutral"),
        "is only for neutral indicators (polarity already says which way is worse)",
    )
    _check_dfe(frame, check)
    check("floor_source", frame["floor"].ne("") & frame["floor_source"].eq(""), "must say where the floor comes from")
    check(
        "standard_source",
        frame["standard"].ne("") & frame["standard_source"].eq(""),
        "must name the statutory guidance or regulations the standard comes from",
    )
    numbers = {}
    for column in (*NUMERIC, "floor"):
        numbers[column] = pd.to_numeric(frame[column].where(frame[column].ne("")), errors="coerce")
        check(column, frame[column].ne("") & numbers[column].isna(), "must be a number or empty")
    if problems:
        raise DataContractError(problems)

    out = frame.assign(theme=frame["theme"].astype(int), **numbers)
    return out.set_index("code")


def _check_dfe(frame: pd.DataFrame, check) -> None:
    """The DfE mapping columns: a known measure, a relation with it, a note unless the same."""
    from improvement_report.inputs.published import PublishedDataError, load_measures

    measure, relation = frame["dfe_measure"], frame["dfe_relation"]
    if measure.ne("").any():
        try:
            known = set(load_measures().index)
        except PublishedDataError:
            known = set()
        check("dfe_measure", measure.ne("") & ~measure.isin(known), "must be a measure in data/published/measures.csv")
    check(
        "dfe_relation",
        measure.ne("") & ~relation.isin(DFE_RELATIONS),
        f"must be one of {', '.join(DFE_RELATIONS)} when dfe_measure is set",
    )
    check("dfe_relation", measure.eq("") & relation.ne(""), "must be empty when dfe_measure is empty")
    check(
        "dfe_note",
        measure.ne("") & relation.ne("same") & frame["dfe_note"].eq(""),
        "must say what differs when dfe_relation is near or context",
    )


def rolling_months(aggregation: str) -> int | None:
    """The ``n`` of ``rolling_<n>``, or None for any other aggregation."""
    return int(aggregation.split("_")[1]) if re.fullmatch(ROLLING, aggregation) else None
