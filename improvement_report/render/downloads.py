"""Downloads in a tidy shape: one row per indicator and period, plain labels, unformatted numbers.

A CSV behind a chart names its indicator (code and name) and unit on every row, so files can be
stacked, filtered or joined without the page beside them. Numbers are written as numbers,
rounded as the page shows them: percentages and rates to 1 decimal place, counts whole, the
chart's centre line and limits to 2 decimal places.
"""

import pandas as pd

# Plain labels for the columns of the chart tables (the rest are kept as they are).
PLAIN_LABELS = {
    "value": "value",
    "mean": "centre line (mean)",
    "median": "centre line (median)",
    "lower_limit": "lower process limit",
    "upper_limit": "upper process limit",
    "numerator": "numerator",
    "denominator": "denominator",
    "variation": "variation (Making Data Count)",
}
UNIT_LABELS = {"percent": "percent", "count": "count", "rate": "rate"}
LIMIT_DECIMALS = 2


def value_decimals(unit: str) -> int:
    """Decimal places of an indicator's value in downloads: as the page rounds it."""
    return 0 if unit == "count" else 1


def indicator_rows(table: pd.DataFrame, code: str, name: str, unit: str) -> pd.DataFrame:
    """One indicator's chart table (indexed by month) as tidy rows for download.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by period (``YYYY-MM``), with a ``value`` column and the chart's columns.
    code, name, unit : str
        The indicator's catalogue code, name and unit.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator_code``, ``indicator``, ``unit``, ``period``, ``value`` and the chart's
        columns with plain labels; no index.
    """
    if table.empty:
        return table
    out = table.copy()
    for column in out.columns:
        if pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(out[column]):
            digits = value_decimals(unit) if column == "value" else LIMIT_DECIMALS
            if column in ("numerator", "denominator"):
                digits = 0
            out[column] = out[column].round(digits)
            if digits == 0 and out[column].notna().all():
                out[column] = out[column].astype("int64")
    out = out.rename(columns=PLAIN_LABELS)
    out.insert(0, "period", [str(p) for p in out.index])
    out.insert(0, "unit", UNIT_LABELS.get(unit, unit))
    out.insert(0, "indicator", name)
    out.insert(0, "indicator_code", code)
    return out.reset_index(drop=True)
