"""Reporting months and windows, and the rounding the published figures use."""

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
