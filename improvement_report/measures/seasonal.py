"""Seasonal effects: how much of each monthly movement the school calendar explains.

For every monthly series where the school calendar could matter (CAFs opened, closed and open,
contacts, referrals, strategy discussions, missing episodes from home and from care), this
module measures the seasonal pattern and what is left once it is taken out:

- a **count model** (``count_models.fit_holiday_model``): trend, the share of the month's working
  days in a school holiday, and working days (or calendar days) as exposure; the holiday
  effect as a rate ratio with its interval and a likelihood-ratio test;
- an **STL decomposition** where there are 24 months or more;
- **expected versus actual**: from the last month before the summer holiday (June) to August,
  and to the report month, what season alone predicts, what happened, and the difference.

It is one computation for every page: the seasonal effects chapter shows it in full, and the
early help chapter and the summary take their answer on open CAFs from the same result.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from improvement_report.core.paths import resolve
from improvement_report.core.periods import month_name
from improvement_report.inputs import coverage, school_calendar
from improvement_report.inputs.loading import FILES
from improvement_report.measures import early_help
from improvement_report.stats import count_models as models
from improvement_report.stats import seasonality

STL_MIN_MONTHS = seasonality.MIN_MONTHS  # for the words
BASELINE_MONTH = 6  # June: the last month before the summer holiday
SUMMER_MONTH = 8  # August: wholly school holiday in England
MOSTLY = 2 / 3  # a share of the fall at least this large is "mostly" one kind
CHANCE_SDS = 2  # an underlying movement within about 2 standard deviations could be chance
CONTACTS_INDICATOR = "contacts_to_referral_pct"  # numerator = referrals, denominator = contacts


@dataclass
class Series:
    """One monthly series and how to model it."""

    key: str
    label: str  # e.g. "CAFs opened"; starts a sentence
    kind: str  # "flow" (events in the month) or "stock" (a count at month end)
    exposure: str  # "working days" or "calendar days"
    values: pd.Series  # indexed by monthly Period

    @property
    def lower(self) -> str:
        """The label inside a sentence: the first letter lower-cased unless it is an acronym."""
        first = self.label.split()[0]
        return self.label if first[:2].isupper() else self.label[0].lower() + self.label[1:]


@dataclass
class Comparison:
    """Expected versus actual between two months."""

    label: str  # "the summer" or "the report month"
    start: pd.Period
    end: pd.Period
    start_value: float
    actual: float
    expected: float  # what season alone predicts for ``end``, starting from ``start_value``
    spread: float  # standard deviation of the underlying movement under chance alone
    method: str  # "count model" or "STL"

    @property
    def change(self) -> float:
        return self.actual - self.start_value

    @property
    def seasonal(self) -> float:
        return self.expected - self.start_value

    @property
    def underlying(self) -> float:
        return self.actual - self.expected

    @property
    def within_chance(self) -> bool:
        return abs(self.underlying) <= CHANCE_SDS * self.spread


@dataclass
class SeriesResult:
    """Everything the chapter says about one series."""

    series: Series
    calendar: pd.DataFrame
    model: models.HolidayModel | None
    model_note: str  # why there is no model, when there is none
    stl: pd.DataFrame | None  # observed, trend, seasonal, resid
    comparisons: list[Comparison] = field(default_factory=list)
    seasonal_component: pd.Series | None = None  # the school calendar's part, from the count models
    flow_variance: pd.Series | None = None  # model variance of the month's flow(s), for chance

    @property
    def seasonal_strength(self) -> float | None:
        """Share of the detrended variation that is seasonal, 0 to 1 (Wang, Smith & Hyndman 2006)."""
        return seasonality.seasonal_strength(self.stl)


@dataclass
class SeasonalChapter:
    """The school calendar and every series, up to the report month."""

    month: pd.Period
    months: pd.PeriodIndex  # months asked for and covered by the term dates
    calendar: pd.DataFrame  # school_calendar.monthly_calendar over ``months``
    terms_coverage: tuple[pd.Period, pd.Period]
    results: list[SeriesResult]
    notes: list[str]  # sentences about series or months left out
    terms_sources: dict = field(default_factory=dict)  # school_calendar.sources_used over ``months``
    terms_file: str = ""  # the term dates file's name
    terms_note_at: int = 0  # where among ``notes`` the sentence on the term dates' sources goes


# ---------------------------------------------------------------------------------------------
# Loading the series
# ---------------------------------------------------------------------------------------------


def _monthly_counts(dates: pd.Series, months: pd.PeriodIndex) -> pd.Series:
    """Events per month over ``months``, from the month of the first event (earlier zeros are not data)."""
    counts = dates.dt.to_period("M").value_counts().reindex(months, fill_value=0).astype(int)
    if dates.empty:
        return counts.iloc[:0]
    return counts.loc[counts.index >= dates.min().to_period("M")]


def _trailing_run(values: pd.Series) -> pd.Series:
    """The latest unbroken run of months with a value (a gap would break the model's month count)."""
    values = values.dropna()
    if values.empty:
        return values
    gaps = np.flatnonzero(np.diff(values.index.asi8) != 1)
    return values.iloc[gaps[-1] + 1 :] if len(gaps) else values


def _caf_series(data_dir, months, extract_date=None) -> list[Series]:
    episodes, cover = coverage.load_cut(data_dir, "caf", extract_date)
    flow = early_help.monthly_flow(episodes, months)
    flow = flow.loc[flow.index.isin(cover.months())]  # months before the extract's coverage are not data
    return [
        Series("caf_opened", "CAFs opened", "flow", "working days", flow.opened),
        Series("caf_closed", "CAFs closed", "flow", "working days", flow.closed),
        Series("caf_open", "Open CAFs at month end", "stock", "working days", flow.open_end),
    ]


def _dashboard_series(data_dir, months, extract_date=None) -> tuple[list[Series], str | None]:
    """Contacts and referrals from the dashboard, when ``indicators.csv`` carries them."""
    path = data_dir / FILES["indicators"]
    if not path.is_file():
        return [], "The data folder has no dashboard file (indicators.csv), so contacts and referrals are not shown."
    ind, _ = coverage.load_cut(data_dir, "indicators", extract_date)
    rows = ind[ind.indicator == CONTACTS_INDICATOR].assign(month=lambda d: d.month.dt.to_period("M"))
    rows = rows.set_index("month").reindex(months)
    out = []
    for column, key, label in (("denominator", "contacts", "Contacts"), ("numerator", "referrals", "Referrals")):
        values = _trailing_run(rows[column])
        if len(values):
            out.append(Series(key, label, "flow", "working days", values.round().astype(int)))
    note = (
        None
        if len(out) == 2
        else (
            f"The dashboard does not give the numerator and denominator of {CONTACTS_INDICATOR} for these months, "
            f"so contacts and referrals are not shown."
        )
    )
    return out, note


def load(data_dir, report_month, series_start, terms_path=None, extract_date=None) -> SeasonalChapter:
    """Read the extracts and the term dates, and analyse every series.

    Parameters
    ----------
    data_dir : str or Path
        The data folder (validated extracts).
    report_month : str or Period
        Last month analysed: later data are not used, as the report would not have had them.
    series_start : str or Period
        First month analysed.
    terms_path : str or Path, optional
        School term dates; by default ``data/reference/school_terms.csv``.
    extract_date : str, optional
        The edition's extract date: the extracts as they stood then (default: their latest date).

    Returns
    -------
    SeasonalChapter
    """
    data_dir = resolve(data_dir)
    terms = school_calendar.load_terms(None if terms_path is None else resolve(terms_path))
    month = pd.Period(report_month, "M")
    _, caf_cover = coverage.load_cut(data_dir, "caf", extract_date)
    clamped = None
    if month > caf_cover.last_month:  # allowed only with allow_partial; the note says so
        clamped = coverage.gap_notice(caf_cover, caf_cover.last_month + 1, month, "this chapter")
        month = caf_cover.last_month
    asked = pd.period_range(pd.Period(series_start, "M"), month, freq="M", name="month")
    months = school_calendar.covered(asked, terms)
    notes = [clamped] if clamped else []
    first, last = school_calendar.coverage(terms)
    if len(months) < len(asked):
        notes.append(
            f"The school term dates cover {month_name(first)} to {month_name(last)}, so "
            f"{len(asked) - len(months)} of the {len(asked)} months asked for are left out."
        )
    calendar = school_calendar.monthly_calendar(months, terms)
    sources = {
        "terms_sources": school_calendar.sources_used(terms, months),
        "terms_file": school_calendar.TERMS_FILE if terms_path is None else resolve(terms_path).name,
        "terms_note_at": len(notes),
    }
    if len(months) == 0:
        return SeasonalChapter(month, months, calendar, (first, last), [], notes, **sources)
    series = _caf_series(data_dir, months, extract_date)
    dashboard, note = _dashboard_series(data_dir, months, extract_date)
    series += dashboard
    notes += [note] if note else []
    discussions, _ = coverage.load_cut(data_dir, "strategy", extract_date)
    series.append(
        Series(
            "strategy",
            "Strategy discussions held",
            "flow",
            "working days",
            _monthly_counts(discussions.held_at, months),
        )
    )
    missing, _ = coverage.load_cut(data_dir, "missing", extract_date)
    for flag, key, label in (
        (False, "missing_home", "Missing episodes from home"),
        (True, "missing_care", "Missing episodes from care"),
    ):
        # Children go missing on any day of the week, so calendar days are their exposure.
        series.append(
            Series(
                key,
                label,
                "flow",
                "calendar days",
                _monthly_counts(missing.start[missing.looked_after == flag], months),
            )
        )
    results = {s.key: analyse(s, calendar, month) for s in series if s.kind == "flow"}
    for s in series:
        if s.kind == "stock":
            results[s.key] = analyse_stock(s, results["caf_opened"], results["caf_closed"], calendar, month)
    results = [results[s.key] for s in series]  # the order series were listed in
    return SeasonalChapter(month, months, calendar, (first, last), results, notes, **sources)


# ---------------------------------------------------------------------------------------------
# Analysis of one series
# ---------------------------------------------------------------------------------------------


def fit_model(series: Series, calendar: pd.DataFrame) -> tuple[models.HolidayModel | None, str]:
    """The trend-and-holiday count model of a flow; None and the reason otherwise."""
    if series.kind == "stock":
        return None, (
            "A month-end count carries most of each month into the next, so a count model's "
            "intervals would be far too narrow. Its season is built up instead from the count models of "
            "CAFs opened and closed: the number open moves each month by openings minus closures."
        )
    cal = calendar.reindex(series.values.index)
    exposure = cal.working_days if series.exposure == "working days" else cal.calendar_days
    try:
        return models.fit_holiday_model(series.values, cal.holiday_share, exposure, series.exposure), ""
    except ValueError as error:
        return None, f"No count model was fitted: {error}."


def windows(month: pd.Period) -> list[tuple[str, pd.Period, pd.Period]]:
    """The comparisons: June to August of the latest summer, and June to the report month."""
    year = month.year if month.month >= SUMMER_MONTH else month.year - 1
    june, august = pd.Period(f"{year}-{BASELINE_MONTH:02d}", "M"), pd.Period(f"{year}-{SUMMER_MONTH:02d}", "M")
    out = [("the summer", june, august)]
    if month != august:
        out.append(("the report month", june, month))
    return out


def _exposure(series: Series, calendar: pd.DataFrame) -> pd.Series:
    cal = calendar.reindex(series.values.index)
    return cal.working_days if series.exposure == "working days" else cal.calendar_days


def compare(r: "SeriesResult", calendar: pd.DataFrame, label, start, end) -> Comparison | None:
    """Expected versus actual from ``start`` to ``end``; None when there is no way to separate season."""
    values = r.series.values
    if start not in values.index or end not in values.index:
        return None
    a, b = float(values[start]), float(values[end])
    if r.series.kind == "flow" and r.model is not None:
        # Season alone: the start month's count scaled by the difference in holidays and working days.
        expo = _exposure(r.series, calendar)
        expected, spread = models.season_only_expectation(
            r.model, a, calendar.holiday_share[start], calendar.holiday_share[end], expo[start], expo[end]
        )
        return Comparison(label, start, end, a, b, expected, spread, "count model")
    if r.seasonal_component is not None:
        # A month-end count: season moves it by the seasonal parts of the flows in between.
        between = (values.index > start) & (values.index <= end)
        expected = a + r.seasonal_component[end] - r.seasonal_component[start]
        spread = float(np.sqrt(r.flow_variance[between].sum()))
        return Comparison(label, start, end, a, b, expected, spread, "count models of openings and closures")
    if r.stl is not None:
        expected, spread = seasonality.stl_expected(r.stl, start, end, a)
        return Comparison(label, start, end, a, b, expected, spread, "STL")
    return None


def analyse(series: Series, calendar: pd.DataFrame, month: pd.Period) -> SeriesResult:
    """Model, decompose and compare one flow."""
    model, note = fit_model(series, calendar)
    result = SeriesResult(
        series, calendar.reindex(series.values.index), model, note, seasonality.stl_decompose(series.values)
    )
    if model is not None:
        result.seasonal_component = models.seasonal_part(
            model, result.calendar.holiday_share, _exposure(series, calendar)
        )
        result.flow_variance = model.fitted + max(model.alpha, 0.0) * model.fitted**2
    _add_comparisons(result, calendar, month)
    return result


def analyse_stock(
    series: Series, opened: SeriesResult, closed: SeriesResult, calendar: pd.DataFrame, month: pd.Period
) -> SeriesResult:
    """A month-end count, its season built up from the seasonal parts of its openings and closures.

    The number open changes each month by openings minus closures, so the school calendar's
    effect on the stock is the running total of its effect on the net flow, centred on zero.
    """
    model, note = fit_model(series, calendar)
    result = SeriesResult(
        series, calendar.reindex(series.values.index), model, note, seasonality.stl_decompose(series.values)
    )
    if opened.seasonal_component is not None and closed.seasonal_component is not None:
        net = (opened.seasonal_component - closed.seasonal_component).reindex(series.values.index)
        if net.notna().all():
            running = net.cumsum()
            result.seasonal_component = running - running.mean()
            result.flow_variance = (opened.flow_variance + closed.flow_variance).reindex(series.values.index)
    _add_comparisons(result, calendar, month)
    return result


def _add_comparisons(result: SeriesResult, calendar: pd.DataFrame, month: pd.Period) -> None:
    for label, start, end in windows(month):
        c = compare(result, calendar, label, start, end)
        if c is not None:
            result.comparisons.append(c)


def adjusted(r: SeriesResult) -> pd.Series | None:
    """The series with the school calendar's part taken out (term-date model); None without one."""
    if r.seasonal_component is None:
        return None
    return r.series.values.astype(float) - r.seasonal_component


def verdict(c: Comparison) -> str:
    """Seasonal, underlying, both, or no fall: the short reading of one comparison."""
    fall, seasonal_fall, underlying_fall = -c.change, -c.seasonal, -c.underlying
    if fall <= 0:
        return "no fall"
    if round(seasonal_fall) <= 0:  # a seasonal part that rounds to nothing is not worth a share
        return "underlying"
    if underlying_fall <= 0:
        return "seasonal"
    share = seasonal_fall / fall
    return "mostly seasonal" if share >= MOSTLY else "mostly underlying" if share <= 1 - MOSTLY else "both"


def reading(c: Comparison) -> str:
    """The verdict for a table, saying when the non-seasonal part is within chance."""
    v = verdict(c)
    if v == "no fall":  # name what happened: a series that rose did not merely "not fall"
        v = "rose" if round(c.change) > 0 else "no change"
    return f"{v} (within chance)" if v in ("underlying", "mostly underlying", "both") and c.within_chance else v
