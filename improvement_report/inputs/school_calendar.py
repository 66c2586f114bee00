"""The school calendar: working days, school days and school-holiday days in each month.

Two inputs make the calendar. England bank holidays come from the ``govuk-bank-holidays``
package's bundled data (``bank_holidays.py``), which already lists the weekday that stands in
when a bank holiday falls at a weekend (Christmas Day 2016 was a Sunday, so Tuesday 27
December was the holiday). School holidays come from ``data/reference/school_terms.csv``,
one row per holiday with its first and last day; it is checked like every input.

For a month:

- a **working day** is a Monday to Friday that is not an England bank holiday;
- a **school-holiday day** is a working day inside a school holiday;
- a **school day** is any other working day (so school days + holiday days = working days);
- the **school-holiday share** is school-holiday days / working days: 1 for August, 0 for a
  month wholly in term.

Weekends count in neither, so a holiday's row may start on the Saturday or the Monday with
the same result.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from improvement_report.core.paths import REFERENCE_DIR
from improvement_report.inputs.bank_holidays import england_bank_holidays
from improvement_report.inputs.contract import Column
from improvement_report.inputs.loading import DataContractError, Problem, _parse

TERMS_FILE = "school_terms.csv"
TERMS_PATH = REFERENCE_DIR / TERMS_FILE
HOLIDAYS = ("autumn half-term", "Christmas", "spring half-term", "Easter", "summer half-term", "summer")
#: Optional column: where a row's dates come from (a council's published calendar, an approximation
#: or an estimate); the seasonal page names the source of every academic year it uses.
SOURCE = "source"
MAX_HOLIDAY_DAYS = 60  # the English summer holiday is about six weeks; longer is a typing error
TERMS_SPEC = (
    Column(
        "academic_year", "text", True, "YYYY/YY: the calendar year it starts in, and the last two digits of the next"
    ),
    Column("holiday", "choice", True, "one of the six holidays", choices=HOLIDAYS),
    Column("start", "date", True, "first day of the holiday"),
    Column("end", "date", True, "last day of the holiday, on or after start", not_before="start"),
)


def load_terms(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the school term dates.

    Parameters
    ----------
    path : str or Path, optional
        The CSV file; by default ``data/reference/school_terms.csv``.

    Returns
    -------
    pandas.DataFrame
        ``academic_year``, ``holiday``, ``start``, ``end`` (datetime64), sorted by ``start``.

    Raises
    ------
    DataContractError
        Listing every problem (file, column, spreadsheet rows, rule), as for the extracts.
    """
    path = Path(path) if path is not None else TERMS_PATH
    name = path.name
    try:
        cells = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataContractError([Problem(name, None, [], f"file not found in {path.parent}")]) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataContractError([Problem(name, None, [], f"cannot be read: {error}")]) from None
    # Same header rules as the extracts: case-insensitive, spaces trimmed, extra columns ignored.
    cells.columns = [str(c).strip().lower() for c in cells.columns]
    absent = [c.name for c in TERMS_SPEC if c.name not in cells.columns]
    if absent:
        raise DataContractError([Problem(name, None, [], f"required columns missing: {', '.join(absent)}")])
    kept = [c.name for c in TERMS_SPEC] + ([SOURCE] if SOURCE in cells.columns else [])
    cells = cells.loc[cells.ne("").any(axis=1), kept].apply(lambda s: s.str.strip())
    cells.index = cells.index + 2  # spreadsheet rows: the header is row 1
    problems: list[Problem] = []

    def problem(column, mask, rule):
        if mask.any():
            problems.append(Problem(name, column, [int(i) for i in cells.index[mask.to_numpy()]], rule))

    typed = {}
    for c in TERMS_SPEC:
        empty = cells[c.name].eq("")
        problem(c.name, empty, "is required: the cell is empty")
        typed[c.name] = _parse(c, cells[c.name], empty, problem)
    problem(
        "academic_year",
        ~cells.academic_year.str.fullmatch(r"[0-9]{4}/[0-9]{2}") & cells.academic_year.ne(""),
        "must be an academic year, YYYY/YY (the year it starts, then the last two digits of the next)",
    )
    frame = pd.DataFrame(typed)
    # Where each row's dates come from (optional): published, approximate or estimated.
    frame[SOURCE] = cells[SOURCE] if SOURCE in cells.columns else ""
    problem("end", frame.end < frame.start, "must be on or after start")
    problem(
        "end",
        (frame.end - frame.start).dt.days >= MAX_HOLIDAY_DAYS,
        f"a holiday lasts less than {MAX_HOLIDAY_DAYS} days: check the dates",
    )
    keys = cells[["academic_year", "holiday"]]
    problem(
        "holiday", keys.duplicated(keep=False), "must be one row per academic_year and holiday: repeated on these rows"
    )
    if not problems:
        problem("start", _overlaps(frame), "holidays must not overlap: these rows share days")
    if problems:
        raise DataContractError(problems)
    return frame.sort_values("start").reset_index(drop=True)


def _overlaps(frame: pd.DataFrame) -> pd.Series:
    """Rows whose holiday shares a day with the holiday that starts next (or before)."""
    order = frame.sort_values("start")
    clash = order.start.iloc[1:].to_numpy() <= order.end.iloc[:-1].to_numpy()
    bad = np.zeros(len(order), dtype=bool)
    bad[1:] |= clash
    bad[:-1] |= clash
    return pd.Series(bad, index=order.index).reindex(frame.index)


def sources_used(terms: pd.DataFrame, months: pd.PeriodIndex) -> dict[str, list[str]]:
    """The academic years whose holidays fall in ``months``, grouped by their ``source`` text.

    Returns
    -------
    dict
        ``{source: [academic year, ...]}`` in date order; a file without the column gives one
        group under ``""``.
    """
    if len(months) == 0:
        return {}
    first, last = months.min().start_time, months.max().end_time
    used = terms[(terms.end >= first) & (terms.start <= last)].sort_values("start")
    groups: dict[str, list[str]] = {}
    for year, source in zip(used.academic_year, used[SOURCE] if SOURCE in used else [""] * len(used)):
        years = groups.setdefault(str(source), [])
        if year not in years:
            years.append(year)
    return groups


def coverage(terms: pd.DataFrame) -> tuple[pd.Period, pd.Period]:
    """First and last month the term dates describe: the months of the first and last holiday."""
    return terms.start.min().to_period("M"), terms.end.max().to_period("M")


def covered(months: pd.PeriodIndex, terms: pd.DataFrame) -> pd.PeriodIndex:
    """The months in ``months`` that the term dates cover."""
    first, last = coverage(terms)
    return months[(months >= first) & (months <= last)]


def daily_calendar(first_day, last_day, terms: pd.DataFrame) -> pd.DataFrame:
    """One row per day: whether it is a working day and whether it is in a school holiday."""
    days = pd.date_range(first_day, last_day, freq="D")
    bank = days.isin(pd.to_datetime(sorted(england_bank_holidays())))
    working = (days.day_of_week < 5) & ~bank
    holiday = np.zeros(len(days), dtype=bool)
    for start, end in zip(terms.start, terms.end):  # a few dozen holidays: a loop is clearest
        holiday |= (days >= start) & (days <= end)
    return pd.DataFrame({"working": working, "bank_holiday": bank, "school_holiday": holiday}, index=days)


def monthly_calendar(months: pd.PeriodIndex, terms: pd.DataFrame) -> pd.DataFrame:
    """Calendar days, working days, school days and school-holiday days for each month.

    Parameters
    ----------
    months : pandas.PeriodIndex
        Monthly periods, all inside :func:`coverage` of ``terms``.
    terms : pandas.DataFrame
        From :func:`load_terms`.

    Returns
    -------
    pandas.DataFrame
        Indexed by month: ``calendar_days``, ``working_days``, ``school_days``,
        ``school_holiday_days`` and ``holiday_share`` (holiday days / working days).

    Raises
    ------
    ValueError
        If a month lies outside the months the term dates cover.
    """
    months = pd.PeriodIndex(months, freq="M", name="month")
    outside = months.difference(covered(months, terms))
    if len(outside):
        first, last = coverage(terms)
        raise ValueError(
            f"the school term dates cover {first.strftime('%B %Y')} to {last.strftime('%B %Y')}, "
            f"not {outside[0].strftime('%B %Y')}"
        )
    if len(months) == 0:
        return pd.DataFrame(
            columns=["calendar_days", "working_days", "school_days", "school_holiday_days", "holiday_share"],
            index=months,
        )
    days = daily_calendar(months.min().start_time, months.max().end_time.normalize(), terms)
    by_month = days.assign(holiday_work=days.working & days.school_holiday).groupby(days.index.to_period("M"))
    out = pd.DataFrame(
        {
            "calendar_days": by_month.size(),
            "working_days": by_month.working.sum(),
            "school_holiday_days": by_month.holiday_work.sum(),
        }
    ).reindex(months)
    out["school_days"] = out.working_days - out.school_holiday_days
    out["holiday_share"] = out.school_holiday_days / out.working_days
    out.index.name = "month"
    return out[["calendar_days", "working_days", "school_days", "school_holiday_days", "holiday_share"]].astype(
        {"calendar_days": int, "working_days": int, "school_days": int, "school_holiday_days": int}
    )
