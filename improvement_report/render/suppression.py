"""Small-number suppression for breakdowns below the whole authority (DfE children's social care practice).

Counts from 1 to ``high`` (5 by default) are shown as ``c``. Secondary suppression then hides
more cells so that no suppressed value can be recovered by subtraction: in every row and every
column of the counts, either no cell is suppressed or at least two are (the smallest remaining
non-zero count is hidden next). Zeros are shown: a zero discloses nothing about a child.
Values derived from a suppressed count (a change, a percentage, a median) are suppressed too.
"""

import pandas as pd

SUPPRESSED = "c"


def _needs_partner(mask: pd.Series, values: pd.Series) -> object | None:
    """If exactly one cell of a line is hidden, the label of the next cell to hide."""
    if mask.sum() != 1:
        return None
    candidates = values[~mask & (values > 0)]
    return candidates.idxmin() if len(candidates) else None


def suppression_mask(counts: pd.DataFrame, high: int = 5) -> pd.DataFrame:
    """Which cells of a table of counts to hide (primary and secondary).

    Parameters
    ----------
    counts : pandas.DataFrame
        Non-negative whole numbers; rows and columns are the lines whose totals are published.
    high : int
        Largest count that is suppressed on its own.

    Returns
    -------
    pandas.DataFrame of bool, same shape
    """
    values = counts.astype(float)
    mask = (values >= 1) & (values <= high)
    changed = True
    while changed:  # each pass can create a new line with a single hidden cell
        changed = False
        for label, row in values.iterrows():
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
    table: pd.DataFrame, count_columns: list, derived: dict | None = None, high: int = 5, enabled: bool = True
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

    Returns
    -------
    pandas.DataFrame
        Object dtype where anything was suppressed.
    """
    if not enabled:
        return table
    mask = suppression_mask(table[count_columns], high)
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
