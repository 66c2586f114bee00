"""Downloads in a tidy shape: one row per indicator and period, plain labels, unformatted numbers.

A CSV behind a chart names its indicator (code and name) and unit on every row, so files can be
stacked, filtered or joined without the page beside them. Numbers are written as numbers,
rounded as the page shows them: percentages and rates to 1 decimal place, counts whole, the
chart's centre line and limits to 2 decimal places.
"""

import re

import numpy as np
import pandas as pd

from improvement_report.render.suppression import SUPPRESSED

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
        hidden = out[column].astype(object).eq(SUPPRESSED)
        if hidden.any():
            # A column with months not published (c): round the others as their column would be.
            digits = value_decimals(unit) if column == "value" else LIMIT_DECIMALS
            numbers = pd.to_numeric(out[column].where(~hidden), errors="coerce").round(
                0 if column in ("numerator", "denominator") else digits
            )
            if column in ("numerator", "denominator"):
                numbers = numbers.astype("Int64")
            out[column] = numbers.astype(object).where(~hidden, SUPPRESSED)
            continue
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


# ---------------------------------------------------------------------------------------------
# Chapter tables: any table a chapter offers for download, in the same long shape
# ---------------------------------------------------------------------------------------------

#: Values of a row label that are periods: ``YYYY-MM``, ``YYYY Q4``, ``YYYY-YY``, ``YYYY``.
PERIOD_VALUE = re.compile(
    r"^\d{4}(?:-\d{2})?(?: Q[1-4])?$|^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) to [A-Z][a-z]{2} \d{4}$"
)
#: A column header that names a period (``Dec YYYY to Nov YYYY``, ``... (November YYYY)``).
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}"
PERIOD_HEADER = re.compile(rf"^{_MONTH} to {_MONTH}$|\(({_MONTH})\)$")
#: A table's row-label name that is itself its period ("The 12 months to 31 December YYYY").
PERIOD_NAME = re.compile(r"\b\d{4}\b")
_NUM = r"-?\d[\d,]*(?:\.\d+)?"
WITH_INTERVAL = re.compile(
    rf"^({_NUM})(%?) \(({_NUM})%? to ({_NUM})%?\)$"
)  # 0.57 (0.46 to 0.70); 14.8% (10.6% to 20.2%)
RANGE = re.compile(rf"^({_NUM})%?(?:-| to )({_NUM})%?$")  # 49.8-84.1; 8.5% to 42.6%
NUMBER_TEXT = re.compile(rf"^({_NUM})(%?)$")  # 22.7%; 1,234
WITH_TEST = re.compile(rf"^({_NUM}),? \(?(p [<=>] {_NUM})\)?$")  # 0.009 (p = 0.012); 21.7, p < 0.001
CONFIDENCE = re.compile(r"\d+(?:\.\d+)?% (?:interval|limits?)")  # "95% interval" says nothing of the unit
SUPPRESSED_MARK = "c"  # as render.suppression writes a hidden small number
TIDY_COLUMNS = ["period", "measure_code", "measure", "unit", "value", "lower", "upper", "text", "suppressed"]


def _code(label: str) -> str:
    """A plain identifier for a measure: lower case, words joined by underscores, ``%`` as ``pct``."""
    return re.sub(r"[^a-z0-9]+", "_", str(label).lower().replace("%", " pct ")).strip("_")


def _unit(header: str, row: str, percent_cells: bool, whole: bool) -> str:
    """The unit of a measure, from its column header, its row label and its values.

    Words of the row label count only for what they can say of a number (``%``, a ratio, per
    child); "In hours" as a row label is a time of day, not a unit.
    """
    head = CONFIDENCE.sub("", header.lower())
    both = f"{head} {CONFIDENCE.sub('', row.lower())}"
    for word, unit in (("rate ratio", "ratio"), ("odds ratio", "ratio"), ("strength", "index (0 to 1)")):
        if word in both:
            return unit
    if "%" in both or percent_cells:
        return "percent"
    for pattern, unit, words in (
        (r"per child", "per child", both),
        (r"per 100\b", "per 100", both),
        (r"(?<!\d )\bhours\b", "hours", head),
        (r"(?<!\d )\bdays\b", "days", head),
    ):
        if re.search(pattern, words):
            return unit
    return "count" if whole else "number"


def _parse(cell) -> dict:
    """One cell as value, lower, upper, text and suppressed (never a formatted number)."""
    out = {"value": None, "lower": None, "upper": None, "text": None, "suppressed": False, "percent": False}
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return out
    if isinstance(cell, bool | np.bool_):
        out["text"] = "yes" if cell else "no"
        return out
    if isinstance(cell, int | float | np.integer | np.floating):
        out["value"] = float(cell)
        return out
    text = str(cell).strip()
    if text == SUPPRESSED_MARK:
        out["suppressed"] = True
        return out
    number = lambda s: float(s.replace(",", ""))  # noqa: E731
    if m := WITH_INTERVAL.match(text):
        out.update(value=number(m[1]), lower=number(m[3]), upper=number(m[4]), percent="%" in text)
    elif m := WITH_TEST.match(text):
        out.update(value=number(m[1]), text=m[2])
    elif m := NUMBER_TEXT.match(text):
        out.update(value=number(m[1]), percent=bool(m[2]))
    elif m := RANGE.match(text):
        out.update(lower=number(m[1]), upper=number(m[2]), percent="%" in text)
    elif text not in ("", "-"):
        out["text"] = text
    return out


def _header_period(header: str) -> str | None:
    """The period a column header is (``Dec YYYY to Nov YYYY``; ``... (November YYYY)``), else None."""
    m = PERIOD_HEADER.search(header)
    if not m:
        return None
    return m[1] or header


EMBEDDED_PERIOD = re.compile(rf"\b({_MONTH})$")  # "Open Nov YYYY": a measure at a month


def _is_label_column(values: pd.Series) -> bool:
    """Whether a column holds words on every row (a label), not numbers, intervals or ranges."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    words = all(p["text"] is not None and p["value"] is None for p in values.map(_parse))
    periods = values.map(lambda v: bool(PERIOD_VALUE.match(str(v)))).all()
    return len(values) > 0 and (words or bool(periods))


def _is_period_column(values: pd.Series) -> bool:
    return len(values) > 0 and values.astype(str).map(lambda v: bool(PERIOD_VALUE.match(v))).all()


def tidy_table(table: pd.DataFrame, period: str | None = None) -> pd.DataFrame:
    """Any chapter table as tidy long rows: one row per row label and measure.

    The row labels (the table's index) stay as columns with their plain names. The ``period`` of
    a row is, in order: a row label whose values are periods (``YYYY-MM``, ``YYYY Q4``, ``YYYY-YY``),
    a column header that names one (``Dec YYYY to Nov YYYY``, ``Report month (November YYYY)``;
    a column beside such columns, such as a difference, compares the last with the first), the
    table's row-label name when it is a period ("The 12 months to 31 December YYYY"), else the
    ``period`` given (the window or month the table covers). Each cell is split into ``value``,
    ``lower`` and ``upper`` (an estimate with its interval, or a range), ``text`` (words, never
    numbers) and ``suppressed`` (True for a small number hidden as ``c``, whose value is left
    empty, never 0). Percentages have 1 decimal place, counts are whole, other numbers 2 decimals.

    Parameters
    ----------
    table : pandas.DataFrame
        A chapter's table as the page shows it.
    period : str, optional
        The period the table covers, for rows whose period is not in the table itself.

    Returns
    -------
    pandas.DataFrame
        The row-label columns, then :data:`TIDY_COLUMNS`; no index. A table already tidy (with an
        ``indicator_code`` column) or empty is returned as it is.
    """
    if table.empty or "indicator_code" in table.columns:
        return table
    named = not isinstance(table.index, pd.RangeIndex)
    wide = table.reset_index() if named else table.copy()
    wide.columns = [str(c) for c in wide.columns]
    labels = [str(n) for n in table.index.names] if named else []
    # Text columns straight after the row labels (a group, a span of months) are row labels too.
    for column in wide.columns[len(labels) :]:
        if not _is_label_column(wide[column]):
            break
        labels.append(column)
    period_label = next((label for label in labels if _is_period_column(wide[label])), None)
    if period is None and len(labels) == 1 and not period_label and PERIOD_NAME.search(labels[0]):
        period = labels[0]  # "The 12 months to ...": the label's name is the period, its values the rows
        wide = wide.rename(columns={labels[0]: "breakdown"})
        labels = ["breakdown"]
    # Column names written for code (calendar_days) read as words (Calendar days).
    wide = wide.rename(
        columns={c: c.replace("_", " ").capitalize() for c in wide.columns if re.fullmatch(r"[a-z]+(_[a-z]+)+", c)}
    )
    labels = [c.replace("_", " ").capitalize() if re.fullmatch(r"[a-z]+(_[a-z]+)+", c) else c for c in labels]
    measures = [c for c in wide.columns if c not in labels]
    periods = {m: _header_period(m) for m in measures}
    in_headers = [p for p in periods.values() if p]
    # A column that is not a period beside columns that are (a difference) compares the last with the first.
    between = f"{in_headers[-1]} against {in_headers[0]}" if len(in_headers) >= 2 else None
    others = [label for label in labels if label != period_label]
    rows = []
    for _, row in wide.iterrows():
        base = {label: row[label] for label in others}
        row_period = str(row[period_label]) if period_label else None
        row_name = ": ".join(str(row[label]) for label in others)
        for measure in measures:
            cell = _parse(row[measure])
            if periods[measure]:  # the column is a period: the row says what is measured
                name, when = row_name or measure, periods[measure]
            else:
                name = f"{row_name}: {measure}" if between and row_name else measure
                embedded = EMBEDDED_PERIOD.search(measure)
                when = between or row_period or (embedded[1] if embedded else None) or period or ""
            rows.append({**base, "period": when, "measure": name, "header": measure, "row": row_name, **cell})
    long = pd.DataFrame(rows)
    # The unit and the rounding belong to the measure, so a column is never half counts, half percentages.
    for _, part in long.groupby(["header", "row"], sort=False):
        numbers = pd.concat([part.value, part.lower, part.upper]).dropna().astype(float)
        whole = len(numbers) > 0 and bool((numbers == numbers.round()).all())
        unit = _unit(part.header.iloc[0], part.row.iloc[0], bool(part.percent.any()), whole)
        digits = {"percent": 1, "count": 0, "ratio": 3}.get(unit, 2)
        long.loc[part.index, "unit"] = unit
        for column in ("value", "lower", "upper"):
            long.loc[part.index, column] = part[column].astype(float).round(digits)
    long["measure_code"] = long["measure"].map(_code)
    for column in ("value", "lower", "upper"):
        long[column] = long[column].astype(float)
    long["text"] = long["text"].where(long["text"].notna(), "")
    return long[others + TIDY_COLUMNS].reset_index(drop=True)
