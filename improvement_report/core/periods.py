"""Reporting months and windows, and the rounding the published figures use."""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd


def month_end(month) -> pd.Timestamp:
    """Last day of a calendar month (midnight), from ``"YYYY-MM"`` or a Period."""
    return pd.Period(month, "M").end_time.normalize()


def in_date_window(timestamps: pd.Series, start, end) -> pd.Series:
    """Whether the date of each timestamp lies in [start, end], both days inclusive."""
    days = timestamps.dt.normalize()
    return (days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))


def round_half_up(value, places: int):
    """Round as people do (0.05 -> 0.1), not as floats do; ``None`` stays ``None``."""
    if value is None or pd.isna(value):
        return None
    step = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


def pct(numerator, denominator, places: int = 1):
    """Percentage rounded half up; ``None`` when the denominator is zero or empty."""
    if not denominator:
        return None
    return round_half_up(100 * numerator / denominator, places)


def month_name(month) -> str:
    """``"November YYYY"`` from ``"YYYY-11"`` or a Period."""
    return pd.Period(month, "M").strftime("%B %Y")


def long_date(day) -> str:
    """``"1 September YYYY"``: the day without a leading zero, on every platform (no ``%-d``)."""
    day = pd.Timestamp(day)
    return f"{day.day} {day.strftime('%B %Y')}"


def short_date(day) -> str:
    """``"1 Sep YYYY"``: as :func:`long_date`, the month abbreviated."""
    day = pd.Timestamp(day)
    return f"{day.day} {day.strftime('%b %Y')}"


@dataclass(frozen=True)
class ReportDates:
    """An edition's dates, parsed once where they arrive as text (configuration, page parameters).

    Everything below the edge takes these values, never the strings.
    """

    month: pd.Period  # the report month
    window_start: pd.Timestamp  # first day of the window (strategy discussions, missing episodes)
    window_end: pd.Timestamp  # last day of the window
    series_start: pd.Period  # first month of the charts' series


def report_dates(report_month, window_start, window_end, series_start) -> ReportDates:
    """Parse the edition's dates from text (``"YYYY-MM"``, ``"YYYY-MM-DD"``) into a :class:`ReportDates`.

    Raises
    ------
    ValueError
        Naming the value that is not a month or a date.
    """

    def parse(kind, name, value):
        # Text must be ISO (pandas would read "November" as November of year 1).
        pattern = r"\d{4}-\d{2}" if kind == "month" else r"\d{4}-\d{2}-\d{2}"
        if isinstance(value, str) and not re.fullmatch(pattern, value.strip()):
            raise ValueError(f"{name} {value!r} is not a {kind} (YYYY-MM{'' if kind == 'month' else '-DD'})")
        try:
            return pd.Period(value, "M") if kind == "month" else pd.Timestamp(value).normalize()
        except (ValueError, TypeError) as err:
            raise ValueError(f"{name} {value!r} is not a {kind} ({err})") from None

    return ReportDates(
        month=parse("month", "report_month", report_month),
        window_start=parse("date", "window_start", window_start),
        window_end=parse("date", "window_end", window_end),
        series_start=parse("month", "series_start", series_start),
    )
