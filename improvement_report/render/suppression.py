"""Small-number suppression for breakdowns below the whole authority (DfE children's social care practice).

Counts from 1 to ``high`` (5 by default) are shown as ``c``. Secondary suppression then hides
more cells so that no suppressed value can be recovered by subtraction: in every row and every
column of the counts, either no cell is suppressed or at least two are (the smallest remaining
non-zero count is hidden next). Zeros are shown: a zero discloses nothing about a child.
Values derived from a suppressed count (a change, a percentage, a median) are suppressed too.

The same rule reaches sentences, charts and downloads through the helpers here, so every page
publishes small numbers one way: a table or download cell shows :data:`SUPPRESSED` with
:data:`TABLE_NOTE` under the table; a sentence says "1 to 5" (:func:`count_words`) and leaves a
share out (:func:`share_hidden`); a chart leaves the point out (:func:`published_points`).
"""

import numpy as np
import pandas as pd

SUPPRESSED = "c"
LOW, HIGH = 1, 5  # the smallest and largest count hidden on its own (DfE practice)
#: Under any table with a hidden cell, so the marker is explained where it is shown.
TABLE_NOTE = (
    f"{SUPPRESSED}: not shown, because it is a count from {LOW} to {HIGH} of children, episodes or "
    "discussions, is computed from one, or would let one be worked out from the other figures "
    "(see the methods page)."
)
#: What a sentence says in place of a hidden count.
SMALL_WORDS = f"{LOW} to {HIGH}"
#: What a sentence says in place of a hidden share.
SHARE_HIDDEN_WORDS = f"share not shown: a count from {LOW} to {HIGH}"


def is_small(n) -> bool:
    """Whether a count is one that is never published on its own (1 to 5; zero is shown)."""
    if n is None or (not isinstance(n, str) and pd.isna(n)):
        return False
    return LOW <= float(n) <= HIGH


def share_hidden(numerator, denominator, enabled: bool = True) -> bool:
    """Whether a share, rate or change computed from these counts must not be published.

    Hidden when the count it is computed from, the count it is out of, or the rest (the one minus
    the other) is 1 to 5: "2 of 6 shown as 33.3%" discloses 2 children as surely as the count
    does, and "17 of 20" discloses the 3 that were not.
    """
    if not enabled:
        return False
    rest = None if numerator is None or denominator is None else float(denominator) - float(numerator)
    return is_small(numerator) or is_small(denominator) or is_small(rest)


def count_words(n, enabled: bool = True) -> str:
    """A count for a sentence: ``"1,234"``, or ``"1 to 5"`` when it is hidden."""
    if enabled and is_small(n):
        return SMALL_WORDS
    return f"{int(round(n)):,}"


def published_points(values: pd.Series, *counts: pd.Series, enabled: bool = True) -> pd.Series:
    """A chart's values with every point computed from a count of 1 to 5 set to NaN (not drawn).

    Parameters
    ----------
    values : pandas.Series
        The plotted values (a monthly percentage, a median).
    *counts : pandas.Series
        The counts each value is computed from (numerator, denominator), on the same index.
    """
    if not enabled:
        return values
    hidden = np.zeros(len(values), dtype=bool)
    for c in counts:
        hidden |= pd.Series(c).reindex(values.index).between(LOW, HIGH).to_numpy()
    return values.where(~hidden)


def hide_rows(table: pd.DataFrame, rows, columns, enabled: bool = True) -> pd.DataFrame:
    """Show ``columns`` of the given ``rows`` as :data:`SUPPRESSED` (values computed from small counts)."""
    rows = pd.Series(rows, index=table.index) if not isinstance(rows, pd.Series) else rows.reindex(table.index)
    rows = rows.fillna(False).astype(bool)
    if not enabled or not rows.any():
        return table
    out = table.astype(object).copy()
    out.loc[rows.to_numpy(), [c for c in columns if c in out.columns]] = SUPPRESSED
    return out


def has_hidden(table: pd.DataFrame) -> bool:
    """Whether any cell (or row label) of a table is the suppression marker."""
    if table is None or table.empty:
        return False
    return bool((table.astype(object) == SUPPRESSED).any().any())


def _needs_partner(mask: pd.Series, values: pd.Series) -> object | None:
    """If exactly one cell of a line is hidden, the label of the next cell to hide."""
    if mask.sum() != 1:
        return None
    candidates = values[~mask & (values > 0)]
    return candidates.idxmin() if len(candidates) else None


def suppression_mask(
    counts: pd.DataFrame,
    high: int = 5,
    rows_add_up: bool = True,
    hidden: pd.DataFrame | None = None,
    secondary: bool = True,
) -> pd.DataFrame:
    """Which cells of a table of counts to hide (primary and secondary).

    Parameters
    ----------
    counts : pandas.DataFrame
        Non-negative whole numbers; rows and columns are the lines whose totals are published.
    high : int
        Largest count that is suppressed on its own.
    rows_add_up : bool, default True
        Whether a row's cells are parts of a published whole. ``False`` when the columns are
        different measures (discussions, and how many of them were compliant): only columns
        then get secondary suppression.
    hidden : pandas.DataFrame of bool, optional
        Cells already hidden for another reason; secondary suppression covers them too.
    secondary : bool, default True
        ``False`` when neither rows nor columns add up to a published total (months of a
        series): only the counts from 1 to ``high`` are hidden.

    Returns
    -------
    pandas.DataFrame of bool, same shape
    """
    values = counts.astype(float)
    mask = (values >= 1) & (values <= high)
    if hidden is not None:
        mask |= hidden.reindex_like(mask).fillna(False).astype(bool)
    changed = secondary
    while changed:  # each pass can create a new line with a single hidden cell
        changed = False
        for label, row in values.iterrows() if rows_add_up else ():
            col = _needs_partner(mask.loc[label], row)
            if col is not None:
                mask.loc[label, col] = True
                changed = True
        for col in values.columns:
            label = _needs_partner(mask[col], values[col])
            if label is not None:
                mask.loc[label, col] = True
                changed = True
    return mask


def suppress(
    table: pd.DataFrame,
    count_columns: list,
    derived: dict | None = None,
    high: int = 5,
    enabled: bool = True,
    rows_add_up: bool = True,
    parts_of: dict | None = None,
    secondary: bool = True,
) -> pd.DataFrame:
    """Show small counts in ``table`` as ``c``, with secondary and derived suppression.

    Parameters
    ----------
    table : pandas.DataFrame
        A breakdown (one row per team, locality, …).
    count_columns : list
        Columns holding counts of children or episodes.
    derived : dict, optional
        Column -> list of count columns it is computed from; hidden when any of them is.
    high : int
        Largest count suppressed on its own.
    enabled : bool
        ``False`` returns the table unchanged (the report configuration can turn this off).
    rows_add_up : bool, default True
        See :func:`suppression_mask`.
    parts_of : dict, optional
        Count column -> the count column it is part of (compliant of discussions). The rest (the
        whole minus the part) is a count the table gives away, so it is suppressed like a cell:
        when it is 1 to 5 the part is hidden.
    secondary : bool, default True
        See :func:`suppression_mask`.

    Returns
    -------
    pandas.DataFrame
        Object dtype where anything was suppressed.
    """
    if not enabled:
        return table
    counts = table[count_columns].copy()
    rests = {f"rest of {whole}: {part}": (part, whole) for part, whole in (parts_of or {}).items()}
    for name, (part, whole) in rests.items():
        counts[name] = table[whole] - table[part]
    mask = suppression_mask(counts, high, rows_add_up and not rests, secondary=secondary)
    while rests:  # a hidden rest hides its part, which may need a partner of its own
        folded = mask.copy()
        for name, (part, _whole) in rests.items():
            folded[part] |= folded[name]
        if folded.equals(mask):
            break
        mask = suppression_mask(counts, high, False, hidden=folded, secondary=secondary)
    mask = mask[count_columns]
    out = table.astype(object).copy()
    for col in count_columns:
        out.loc[mask[col], col] = SUPPRESSED
    for col, sources in (derived or {}).items():
        hidden = mask[sources].any(axis=1)
        out.loc[hidden, col] = SUPPRESSED
    return out


def suppress_derived(table: pd.DataFrame, column, numerators, high: int = 5) -> pd.DataFrame:
    """Hide a derived value (a percentage, a rate) wherever the count it was computed from is 1 to ``high``.

    A share discloses its numerator as surely as the count does (2 of 6 shown as 33.3%), even when
    the numerator is not a column of the table.

    Parameters
    ----------
    table : pandas.DataFrame
        The (already suppressed) breakdown.
    column
        The derived column.
    numerators : mapping or pandas.Series
        Row label -> the count the value was computed from.
    """
    small = pd.Series(numerators).reindex(table.index).between(1, high)
    if not small.any():
        return table
    out = table.astype(object).copy()
    out.loc[small.to_numpy(), column] = SUPPRESSED
    return out


def published_p_chart(chart: pd.DataFrame | None, enabled: bool = True) -> pd.DataFrame | None:
    """A p chart as it may be published: a month whose count, total or rest is 1 to 5 is not drawn.

    The limits and signals are computed on every month (the statistics are not changed); a hidden
    month's share and its limits (which move with, and so disclose, the month's total) are set to
    NaN, so the drawer leaves a gap. ``attrs["hidden"]`` lists the hidden months.

    Parameters
    ----------
    chart : pandas.DataFrame or None
        From :func:`improvement_report.stats.spc.p_chart` (``numerator``, ``denominator``, ``p``,
        ``lcl``, ``ucl``, ...).
    enabled : bool
        ``False`` returns the chart unchanged.
    """
    if chart is None or not enabled:
        return chart
    hidden = small_share(chart.numerator, chart.denominator)
    out = chart.copy()
    out.loc[hidden, ["p", "lcl", "ucl"]] = np.nan
    out.attrs["hidden"] = list(chart.index[hidden])
    return out


def small_share(numerators: pd.Series, denominators: pd.Series) -> pd.Series:
    """Month by month, whether a share computed from these counts is hidden (:func:`share_hidden`).

    True where the count, the total or the rest (total minus count) is 1 to 5; a month without
    counts is not hidden by this rule.
    """
    numerators = pd.Series(numerators, dtype="float64")
    denominators = pd.Series(denominators, dtype="float64").reindex(numerators.index)
    rest = denominators - numerators
    return numerators.between(LOW, HIGH) | denominators.between(LOW, HIGH) | rest.between(LOW, HIGH)


def mark_hidden(analyses: list, enabled: bool = True) -> list:
    """Mark, on each indicator's analysis, the months it may not publish; return the analyses.

    A percentage's month is hidden when its numerator, denominator or the rest is 1 to 5
    (:func:`small_share`), a count's when it is 1 to 5 (unless the catalogue's ``small_numbers``
    says the count is of posts or staff, not children: ``publish``): ``hidden`` for the published values (the sentences, the tables),
    ``charted_hidden`` for the values drawn (each month's own value for a year-to-date series).
    A value whose parts another page publishes apart (``a.parts``) is hidden where any part is.
    The control limits, the signals and the icons are computed on every month before this, so a
    verdict does not change when a month is not shown.

    Parameters
    ----------
    analyses : list of improvement_report.measures.judgements.Analysis
    enabled : bool
        ``False`` (the edition turns suppression off) marks nothing.
    """
    for a in analyses:
        if not enabled:
            a.hidden = a.charted_hidden = frozenset()
            continue
        if a.info["unit"] == "count" and a.info.get("small_numbers", "") != "publish":
            # A count of children: its own months of 1 to 5 (the catalogue marks counts of posts).
            a.hidden = frozenset(a.series.index[a.series.between(LOW, HIGH).to_numpy()])
            a.charted_hidden = a.hidden if a.charted is None or a.charted is a.series else _small_values(a.charted)
            continue
        parts = frozenset().union(*(_hidden_months(p) for p in a.parts))
        a.hidden = _hidden_months(a.counts) | parts
        a.charted_hidden = _hidden_months(a.charted_counts) | parts
    return analyses


def _hidden_months(counts) -> frozenset:
    if counts is None:
        return frozenset()
    small = small_share(*counts)
    return frozenset(small.index[small.to_numpy()])


def _small_values(values: pd.Series) -> frozenset:
    return frozenset(values.index[values.between(LOW, HIGH).to_numpy()])
