"""Plain-English phrases computed from series: records, changes and formatting."""

from dataclasses import dataclass

import pandas as pd

from improvement_report.core.periods import month_name


def number(n) -> str:
    """``1,234``."""
    return f"{int(round(n)):,}"


def percent(x, places: int = 1) -> str:
    """``13.0%``; a dash when there is no value."""
    return "-" if x is None or pd.isna(x) else f"{x:.{places}f}%"


@dataclass
class Record:
    """How far back a value is a record: lower (or higher) than every month since ``since``."""

    at: pd.Period
    value: float
    since: pd.Period | None  # first month of the unbroken run the value beats; None: nothing before
    last_as_extreme: pd.Period | None  # the month before ``since``: the last one at least as extreme
    last_value: float | None
    months_before: int = 0  # how many earlier months it was compared with


def record_since(series: pd.Series, at, kind: str = "lowest") -> Record:
    """Find how long it has been since the series was as low (or high) as at month ``at``.

    Parameters
    ----------
    series : pandas.Series
        Indexed by monthly Period, in order.
    at : str or Period
        The month whose value is judged.
    kind : {"lowest", "highest"}

    Returns
    -------
    Record
        ``since`` is the earliest month such that every month from it to the month before
        ``at`` is strictly higher (for ``lowest``) than the value at ``at``.
    """
    at = pd.Period(at, "M")
    before = series.loc[: at - 1]
    value = series.loc[at]
    beaten = before > value if kind == "lowest" else before < value
    if beaten.empty:
        return Record(at, value, None, None, None, 0)
    if not beaten.iloc[-1]:
        return Record(at, value, at, at - 1, before.iloc[-1], len(before))
    not_beaten = beaten[~beaten]
    if not_beaten.empty:
        return Record(at, value, None, None, None, len(before))
    last = not_beaten.index[-1]
    return Record(at, value, last + 1, last, series.loc[last], len(before))


def record_sentence(rec: Record, kind: str, what: str) -> str:
    """E.g. "the lowest month-end count since April YYYY (every month from April YYYY to
    October YYYY was higher; the last month this low was March YYYY, 606)"."""
    if rec.months_before == 0:
        return "the first month of the series, so there is nothing earlier to compare it with"
    if rec.since is None:
        return f"the {kind} {what} in the whole series"
    if rec.since == rec.at:
        return f"not a new {kind}: {month_name(rec.last_as_extreme)} was {'lower' if kind == 'lowest' else 'higher'} or equal ({number(rec.last_value)})"
    other = "higher" if kind == "lowest" else "lower"
    return (
        f"the {kind} {what} since {month_name(rec.since)} (every month from {month_name(rec.since)} "
        f"to {month_name(rec.at - 1)} was {other}; the last month "
        f"{'this low' if kind == 'lowest' else 'this high'} was {month_name(rec.last_as_extreme)}, "
        f"{number(rec.last_value)})"
    )


_PLURALS = {"child": "children", "month": "months", "episode": "episodes", "discussion": "discussions", "CAF": "CAFs"}


def count_of(n, word: str) -> str:
    """``"1 child"``, ``"2 children"``: a count with its noun in the right number."""
    return f"{number(n)} {word if n == 1 else _PLURALS.get(word, word + 's')}"
