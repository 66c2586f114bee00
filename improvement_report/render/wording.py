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
    """How far back a value is a record, by the book's one "since" convention.

    "The lowest since M" names M, the most recent earlier month with a value as low or lower
    (as high or higher for "the highest"): every month after M up to the month before ``at``
    was higher. With no such month the value is the lowest of the whole series, and the phrase
    names the first month of the series instead, never a month before the data begin.
    """

    at: pd.Period
    value: float
    since: pd.Period | None  # the most recent earlier month at least as extreme; None: none is
    since_value: float | None  # its value
    first: pd.Period | None = None  # the first month of the series (the coverage)
    months_before: int = 0  # how many earlier months it was compared with

    @property
    def months_beaten(self) -> int:
        """How many months in a row before ``at`` the value beats."""
        if self.since is None:
            return self.months_before
        return (self.at - self.since).n - 1


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
        ``since`` is the most recent month before ``at`` whose value is at least as low (for
        ``lowest``; as high for ``highest``) as the value at ``at``, or None when no earlier
        month is.
    """
    at = pd.Period(at, "M")
    before = series.loc[: at - 1]
    value = series.loc[at]
    first = series.index[0] if len(series) else None
    as_extreme = before <= value if kind == "lowest" else before >= value
    if not as_extreme.any():
        return Record(at, value, None, None, first, len(before))
    since = as_extreme[as_extreme].index[-1]
    return Record(at, value, since, series.loc[since], first, len(before))


def since_words(rec: Record, kind: str, value_text=None, detail: str = "") -> str:
    """The one "since" phrase every page uses: ``"lowest since March YYYY (606)"``.

    ``"lowest since the series began in April YYYY"`` when no earlier month is as low;
    ``value_text`` formats the earlier month's value (default: a whole number); ``detail`` is
    added inside the brackets.
    """
    if rec.since is None:
        return f"{kind} since the series began in {month_name(rec.first)}"
    shown = (value_text or number)(rec.since_value)
    return f"{kind} since {month_name(rec.since)} ({shown}{'; ' + detail if detail else ''})"


def record_sentence(rec: Record, kind: str, what: str) -> str:
    """E.g. "the lowest month-end count since March YYYY (606; every month from April YYYY to
    October YYYY was higher)"."""
    if rec.months_before == 0:
        return "the first month of the series, so there is nothing earlier to compare it with"
    if rec.since is None:
        return f"the {kind} {what} in the whole series, which begins in {month_name(rec.first)}"
    if rec.since == rec.at - 1:
        return (
            f"not a new {kind}: {month_name(rec.since)} was "
            f"{'lower' if kind == 'lowest' else 'higher'} or equal ({number(rec.since_value)})"
        )
    other = "higher" if kind == "lowest" else "lower"
    run = (
        f"{month_name(rec.at - 1)} was {other}"  # one month between: not a range from a month to itself
        if rec.months_beaten == 1
        else f"every month from {month_name(rec.since + 1)} to {month_name(rec.at - 1)} was {other}"
    )
    return f"the {what} at its {since_words(rec, kind, detail=run)}"


def holiday_effect_words(ratio: float) -> str:
    """``"about 12% fewer"``, ``"about 3% more"`` or ``"about as many"``: a rate ratio for a month
    wholly in school holidays, in the direction it points (a chart title never says "-3% fewer")."""
    change = round(100 * (ratio - 1))
    if change == 0:
        return "about as many"
    return f"about {abs(change)}% {'fewer' if change < 0 else 'more'}"


#: Rate ratios are rounded once, where shown, to these places on every page: a holiday (or
#: summer) effect to 2, a change per month (close to 1) to 3.
HOLIDAY_RATIO_PLACES = 2
TREND_RATIO_PLACES = 3


def ratio_row(ratio: tuple[float, float, float], places: int) -> list[str]:
    """A rate ratio and its 95% interval as text, each rounded to ``places``."""
    return [f"{r:.{places}f}" for r in ratio]


def ratio_interval(ratio: tuple[float, float, float], places: int) -> str:
    """``0.57 (0.46 to 0.70)``: a rate ratio and its 95% interval, rounded once."""
    est, lo, hi = ratio_row(ratio, places)
    return f"{est} ({lo} to {hi})"


_PLURALS = {"child": "children", "month": "months", "episode": "episodes", "discussion": "discussions", "CAF": "CAFs"}


def count_of(n, word: str) -> str:
    """``"1 child"``, ``"2 children"``: a count with its noun in the right number."""
    return f"{number(n)} {word if n == 1 else _PLURALS.get(word, word + 's')}"
