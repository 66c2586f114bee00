"""Pieces shared by the demo generators: the demo period and random working days."""

import numpy as np
import pandas as pd

MONTHS = pd.period_range("2015-04", "2018-03", freq="M")
EXTRACT_END = pd.Timestamp("2018-03-31 23:59")


def working_days(month: pd.Period, holidays) -> pd.DatetimeIndex:
    """Weekdays of ``month`` that are not bank holidays."""
    days = pd.date_range(month.start_time, month.end_time.normalize(), freq="D")
    return days[(days.day_of_week < 5) & ~days.isin(pd.to_datetime(sorted(holidays)))]


def random_working_days(
    rng: np.random.Generator, month: pd.Period, n: int, holidays, not_before: pd.Timestamp | None = None
) -> pd.DatetimeIndex:
    """Draw ``n`` working days in ``month`` (on or after ``not_before``), sorted."""
    days = working_days(month, holidays)
    if not_before is not None:
        later = days[days >= not_before.normalize()]
        days = later if len(later) else pd.DatetimeIndex([not_before.normalize()])
    return pd.DatetimeIndex(np.sort(rng.choice(days.to_numpy(), size=n)))


def months_since_start(ts: pd.Series) -> np.ndarray:
    """Fractional months since April 2015, for trends."""
    start = MONTHS[0].start_time
    return ((ts - start).dt.days / 30.44).to_numpy()


def interpolate_in_time(ts: pd.Series, points: dict[str, float]) -> np.ndarray:
    """Linear interpolation of a trend given at a few dates, evaluated at ``ts``."""
    # Nanoseconds on both sides: pandas 3 may hold datetimes in microseconds.
    x = np.array([pd.Timestamp(k).value for k in points], dtype=float)
    t = ts.to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
    return np.interp(t, x, np.array(list(points.values()), float))
