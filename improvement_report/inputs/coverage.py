"""What each extract covers, and the extracts as they stood on the extract date.

An edition reports what was known on its **extract date**: a record dated later did not yet
exist, an episode that ended later was still open then, and an interview held later had not
happened. :func:`cut` applies that to any extract, so every chapter reads the data the same way.

The **coverage** of an extract runs from the first day it can describe to the extract date:

- episode files (CAFs, missing episodes): an extract holds the episodes open at some time since
  its first recorded end, so counts before the month of its first ``end_date``/``end`` would lack
  the episodes that closed earlier. The coverage starts on the first day of that month (of the
  first start, when nothing has ended);
- event files (strategy discussions): from the first day of the month of the first event;
- the dashboard (``indicators.csv``): from its first month.

Month measures need whole months: the last month covered is the extract date's month when the
extract was taken on its last day, otherwise the month before.
"""

from dataclasses import dataclass

import pandas as pd

from improvement_report.inputs.loading import FILES, Extracts, load_file

# For each extract: the date columns a record is dated by, and those that are events which had
# not happened yet when later than the extract date (blanked: the episode was open then).
_DATED_BY = {"caf": "start_date", "strategy": "held_at", "missing": "start", "indicators": "month"}
_LATER_BLANK = {"caf": ("end_date",), "missing": ("end", "rhi_completed_at")}
_ALL_DATES = {
    "caf": ("start_date", "end_date"),
    "strategy": ("held_at",),
    "missing": ("start", "end", "rhi_completed_at"),
    "indicators": ("month",),
}


class CoverageError(Exception):
    """A period asked for lies outside what the extracts cover; the message is one line."""


@dataclass(frozen=True)
class Coverage:
    """The dates one extract covers.

    Attributes
    ----------
    file : str
        The extract's file name.
    first_day : pandas.Timestamp or None
        First day covered (None: the file has no records).
    extract_date : pandas.Timestamp
        The edition's extract date, the last day covered.
    """

    file: str
    first_day: pd.Timestamp | None
    extract_date: pd.Timestamp

    @property
    def empty(self) -> bool:
        return self.first_day is None or self.first_day > self.extract_date

    @property
    def first_month(self) -> pd.Period | None:
        return None if self.empty else self.first_day.to_period("M")

    @property
    def last_month(self) -> pd.Period:
        """The last whole month covered."""
        month = self.extract_date.to_period("M")
        return month if self.extract_date.normalize() == month.end_time.normalize() else month - 1

    def months(self) -> pd.PeriodIndex:
        """Every whole month covered."""
        if self.empty or self.last_month < self.first_month:
            return pd.PeriodIndex([], freq="M", name="month")
        return pd.period_range(self.first_month, self.last_month, freq="M", name="month")

    def covers_month(self, month) -> bool:
        month = pd.Period(month, "M")
        return not self.empty and self.first_month <= month <= self.last_month

    def covers_days(self, start, end) -> bool:
        return not self.empty and self.first_day <= pd.Timestamp(start) and pd.Timestamp(end) <= self.extract_date

    def describe(self) -> str:
        """``"April YYYY to 31 December YYYY"``, the words used on pages and in refusals."""
        if self.empty:
            return f"no records up to {day_words(self.extract_date)}"
        return f"{self.first_day.strftime('%B %Y')} to {day_words(self.extract_date)}"


def day_words(day) -> str:
    """``"31 December YYYY"``."""
    day = pd.Timestamp(day)
    return f"{day.day} {day.strftime('%B %Y')}"


def latest_date(extracts: Extracts) -> pd.Timestamp | None:
    """The latest date in any extract, the default extract date (a dashboard month counts as its last day)."""
    latest = []
    for key, columns in _ALL_DATES.items():
        frame = getattr(extracts, key)
        if frame is None or frame.empty:
            continue
        for column in columns:
            value = frame[column].max()
            if pd.notna(value):
                latest.append(pd.Period(value, "M").end_time.normalize() if key == "indicators" else value.normalize())
    return max(latest) if latest else None


def cut(frame: pd.DataFrame, key: str, extract_date) -> pd.DataFrame:
    """An extract as it stood at the end of ``extract_date``.

    Records dated after the extract date are left out; an end or an interview after it is
    blanked, so an episode still open on the extract date is open, as it was then.

    Parameters
    ----------
    frame : pandas.DataFrame
        A validated extract (:func:`improvement_report.inputs.loading.load_file`).
    key : str
        Which extract: ``caf``, ``strategy``, ``missing`` or ``indicators``.
    extract_date : str or Timestamp or None
        The extract date; None leaves the frame as it is.
    """
    if extract_date is None or frame is None:
        return frame
    last_moment = pd.Timestamp(extract_date).normalize() + pd.Timedelta(days=1)  # the whole day counts
    dated = frame[_DATED_BY[key]]
    out = frame.loc[dated < last_moment].copy()
    for column in _LATER_BLANK.get(key, ()):
        out.loc[out[column] >= last_moment, column] = pd.NaT
    return out


def coverage(frame: pd.DataFrame | None, key: str, extract_date) -> Coverage:
    """The coverage of one extract (already cut at ``extract_date``); see the module docstring."""
    extract_date = pd.Timestamp(extract_date).normalize()
    if frame is None or frame.empty:
        return Coverage(FILES[key], None, extract_date)
    if key in _LATER_BLANK:
        ends = frame[_LATER_BLANK[key][0]].dropna()
        first = ends.min() if len(ends) else frame[_DATED_BY[key]].min()
    else:
        first = frame[_DATED_BY[key]].min()
    return Coverage(FILES[key], first.to_period("M").start_time, extract_date)


def load_cut(data_dir, key: str, extract_date, **kwargs) -> tuple[pd.DataFrame, Coverage]:
    """Read one validated extract, cut at the extract date, with its coverage.

    ``extract_date`` None means the latest date in the file itself (interactive use).
    """
    from pathlib import Path

    frame = load_file(Path(data_dir) / FILES[key], key, **kwargs)
    if extract_date is None:
        dates = [frame[c].max() for c in _ALL_DATES[key] if frame[c].notna().any()]
        extract_date = max(dates).normalize() if dates else pd.Timestamp.today().normalize()
        if key == "indicators" and dates:
            extract_date = pd.Period(extract_date, "M").end_time.normalize()
    frame = cut(frame, key, extract_date)
    return frame, coverage(frame, key, extract_date)


def missing_months(cov: Coverage, first, last) -> pd.PeriodIndex:
    """The months from ``first`` to ``last`` that ``cov`` does not cover."""
    asked = pd.period_range(pd.Period(first, "M"), pd.Period(last, "M"), freq="M", name="month")
    return asked[~asked.isin(cov.months())]


def months_words(months: pd.PeriodIndex) -> str:
    """``"April YYYY"`` or ``"April YYYY to June YYYY"`` (a run), or a list."""
    if len(months) == 0:
        return ""
    if len(months) == 1:
        return months[0].strftime("%B %Y")
    if (months[-1] - months[0]).n == len(months) - 1:
        return f"{months[0].strftime('%B %Y')} to {months[-1].strftime('%B %Y')}"
    return ", ".join(m.strftime("%B %Y") for m in months)


def gap_notice(cov: Coverage, first, last, what: str) -> str | None:
    """The sentence a page shows when some months it was asked for have no data; None when all do."""
    gap = missing_months(cov, first, last)
    if len(gap) == 0:
        return None
    one = len(gap) == 1
    return (
        f"{FILES_WORDS.get(cov.file, cov.file)} covers {cov.describe()}, so {months_words(gap)} "
        f"{'has' if one else 'have'} no data: {'it is' if one else 'they are'} left out of {what}, "
        f"not counted as zero."
    )


FILES_WORDS = {
    "early_help_episodes.csv": "The early help extract",
    "strategy_discussions.csv": "The strategy discussions extract",
    "missing_episodes.csv": "The missing episodes extract",
    "indicators.csv": "The dashboard file",
}


def clamp_window(cov: Coverage, start, end, what: str) -> tuple[pd.Timestamp, pd.Timestamp, str | None]:
    """A window of days cut to the extract's coverage, and the sentence naming what was cut (or None).

    The build refuses a window outside the coverage unless the edition allows partial periods;
    then the page reports the days that have data and says which have none.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if cov.empty:
        return start, end, f"{FILES_WORDS.get(cov.file, cov.file)} has no records, so {what} has no data."
    new_start, new_end = max(start, cov.first_day), min(end, cov.extract_date)
    if (new_start, new_end) == (start, end):
        return start, end, None
    if new_start > new_end:
        return (
            start,
            end,
            (
                f"{FILES_WORDS.get(cov.file, cov.file)} covers {cov.describe()}, so the window "
                f"{day_words(start)} to {day_words(end)} has no data: nothing in it is counted."
            ),
        )
    return (
        new_start,
        new_end,
        (
            f"{FILES_WORDS.get(cov.file, cov.file)} covers {cov.describe()}, so {what} reports "
            f"{day_words(new_start)} to {day_words(new_end)}, not the {day_words(start)} to {day_words(end)} asked for: "
            f"the days without data are left out, not counted as zero."
        ),
    )


def clamp_series_start(cov: Coverage, series_start) -> pd.Period:
    """The first month of a whole-series chart: ``series_start``, or the first month covered if later."""
    asked = pd.Period(series_start, "M")
    return asked if cov.empty else max(asked, cov.first_month)


def cut_extracts(extracts: Extracts, extract_date) -> tuple[Extracts, dict[str, pd.PeriodIndex]]:
    """Every extract as it stood on the extract date, and the whole months each covers.

    ``extract_date`` None keeps the extracts as they are and uses their latest date.
    """
    if extract_date is None:
        extract_date = latest_date(extracts) or pd.Timestamp.today().normalize()
    frames, months = {}, {}
    for key in _DATED_BY:
        frame = getattr(extracts, key)
        frames[key] = cut(frame, key, extract_date)
        if frame is not None:
            months[key] = coverage(frames[key], key, extract_date).months()
    return Extracts(**frames, files=extracts.files), months
