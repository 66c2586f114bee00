"""Every indicator judged the Making Data Count way, as of the report month.

For each indicator an XmR chart is built with limits fixed on a baseline (by default every
month shown) and, for an indicator listed under ``rebase``, recalculated from the month a
known change took effect; the icons are judged on the limits of the phase the latest month
belongs to. The theme pages and the summary share these results.
"""

from dataclasses import dataclass, field

import pandas as pd

from improvement_report.core.periods import month_name
from improvement_report.measures import indicators
from improvement_report.stats import spc

#: Making Data Count: limits from fewer points than this are unreliable; the page says so.
MIN_BASELINE_POINTS = 12


@dataclass
class Settings:
    """How SPC limits are set: a fixed baseline and optional rebases (from the configuration).

    Attributes
    ----------
    baseline_start, baseline_end : str or None
        First and last month (``YYYY-MM``) whose points fix the mean and limits; None means
        the first, or the latest, month of the series.
    rebase : dict
        ``{indicator code: month}``: limits recalculated from that month on, for an
        indicator whose process changed then.
    min_points : int
        Fewer baseline points than this give a warning.
    """

    baseline_start: str | None = None
    baseline_end: str | None = None
    rebase: dict = field(default_factory=dict)
    min_points: int = MIN_BASELINE_POINTS


@dataclass
class Analysis:
    """One indicator read as of the report month."""

    code: str
    info: pd.Series  # the catalogue row
    month: pd.Period  # the report month
    series: pd.Series  # values by month (Period index), missing months dropped
    chart: spc.XmR | None = None  # every phase, for drawing
    current: spc.XmR | None = None  # the phase holding the latest point: the icons use it
    rebased_at: pd.Period | None = None
    variation: str = "none"
    assurance: str = "none"
    notes: list = field(default_factory=list)  # warnings about the limits, in words

    @property
    def name(self) -> str:
        return self.info["name"]

    @property
    def target(self):
        t = self.info["target"]
        return None if pd.isna(t) else float(t)

    @property
    def has_latest(self) -> bool:
        """Whether the report month itself has a value (a measure may stop earlier)."""
        return len(self.series) > 0 and self.series.index[-1] == self.month

    @property
    def figure_name(self) -> str:
        return f"theme_{self.code}"


@dataclass
class ThemeData:
    """Every indicator's monthly values, the catalogue and the settings for one report."""

    frame: pd.DataFrame
    catalogue: pd.DataFrame
    month: pd.Period
    settings: Settings


def load(
    data_dir,
    report_month,
    series_start,
    targets=None,
    baseline_start=None,
    baseline_end=None,
    rebase=None,
    min_points=MIN_BASELINE_POINTS,
    extract_date=None,
    edition_content=None,
    indicator_overrides=None,
) -> ThemeData:
    """Read every indicator (dashboard and record-level) up to the report month.

    Parameters
    ----------
    data_dir, report_month, series_start, targets
        The report configuration's values.
    baseline_start, baseline_end, rebase, min_points
        See :class:`Settings`.
    extract_date : str, optional
        The edition's extract date (see :func:`improvement_report.measures.indicators.load`).
    edition_content, indicator_overrides : optional
        The edition's local catalogue values (see :func:`improvement_report.measures.indicators.full_catalogue`).
    """
    frame, catalogue = indicators.load(
        data_dir, series_start, report_month, targets, extract_date, edition_content, indicator_overrides
    )
    settings = Settings(baseline_start, baseline_end, dict(rebase or {}), int(min_points))
    return ThemeData(frame, catalogue, pd.Period(report_month, "M"), settings)


def _period(month) -> pd.Period | None:
    return None if month in (None, "") else pd.Period(str(month), "M")


def _phase(series: pd.Series, start, end, min_points: int, notes: list, label: str) -> spc.XmR:
    """An XmR chart of ``series`` with limits fixed on the months ``start`` to ``end``.

    A baseline with fewer than two points cannot give limits; every point is used instead and
    a note says so. A baseline with fewer than ``min_points`` points gets a caution note.
    """
    baseline = series.loc[start:end]
    if len(baseline) < 2:
        notes.append(f"The {label} baseline has fewer than 2 months, so the limits use every month shown.")
        start = end = None
    result = spc.xmr(series, baseline_start=start, baseline_end=end)
    if result.baseline_points < min_points:
        notes.append(
            f"The {label} limits rest on only {result.baseline_points} months "
            f"({month_name(result.baseline_start)} to {month_name(result.baseline_end)}), fewer than "
            f"{min_points}: read the icons with caution."
        )
    return result


def _combine(first: spc.XmR, second: spc.XmR) -> spc.XmR:
    """One chart from two phases: each point keeps its own phase's limits; the summary
    numbers are the latest phase's."""
    data = pd.concat([first.data, second.data])
    return spc.XmR(
        data,
        second.mean,
        second.mean_moving_range,
        second.sigma,
        second.baseline_points,
        second.baseline_start,
        second.baseline_end,
    )


def analyse(series: pd.Series, info: pd.Series, month, settings: Settings, code: str = "") -> Analysis:
    """Chart one indicator and name its icons.

    Parameters
    ----------
    series : pandas.Series
        Monthly values indexed by Period; missing values are dropped.
    info : pandas.Series
        The indicator's catalogue row (polarity, target, ...).
    month : str or Period
        The report month.
    settings : Settings
    code : str

    Returns
    -------
    Analysis
        With ``chart`` None and icons ``"none"`` when there are fewer than two values.
    """
    month = pd.Period(month, "M")
    series = series.dropna().astype("float64").sort_index().loc[:month]
    out = Analysis(code, info, month, series)
    if len(series) < 2:
        out.notes.append("There are fewer than two months with a value, so no control chart can be drawn.")
        return out
    first_month = series.index[0]
    start, end = _period(settings.baseline_start), _period(settings.baseline_end)
    rebase = _period(settings.rebase.get(code))
    if rebase is not None and not (first_month < rebase <= series.index[-1]):
        rebase = None  # outside the months shown: nothing to recalculate
    if rebase is None:
        out.chart = out.current = _phase(series, start, end, settings.min_points, out.notes, "")
    else:
        before, after = series.loc[: rebase - 1], series.loc[rebase:]
        if len(after) < 2:
            out.notes.append(
                f"Limits are to be recalculated from {month_name(rebase)}, but only "
                f"{len(after)} month has a value since, so the earlier limits are used."
            )
            out.chart = out.current = _phase(series, start, end, settings.min_points, out.notes, "")
        else:
            out.rebased_at = rebase
            out.current = _phase(after, None, None, settings.min_points, out.notes, "recalculated")
            out.chart = (
                _combine(
                    _phase(before, start, min(end, rebase - 1) if end else None, settings.min_points, [], ""),
                    out.current,
                )
                if len(before) >= 2
                else out.current
            )
    out.variation = spc.variation_icon(out.current, info["polarity"])
    out.assurance = spc.assurance_icon(out.current, out.target, info["polarity"])
    return out


def analyse_all(data: ThemeData, codes=None) -> list[Analysis]:
    """:func:`analyse` for ``codes`` (default: every indicator), in catalogue order by theme."""
    catalogue = data.catalogue.sort_values("theme", kind="stable")
    codes = list(catalogue.index) if codes is None else codes
    out = []
    for code in codes:
        rows = data.frame[data.frame.code == code]
        series = pd.Series(rows.value.to_numpy(), index=pd.PeriodIndex(rows.month, freq="M"))
        out.append(analyse(series, catalogue.loc[code], data.month, data.settings, code))
    return out


def theme_analyses(data: ThemeData, theme: int) -> list[Analysis]:
    """The analyses of one theme's indicators."""
    codes = [
        c for c in data.catalogue.sort_values("theme", kind="stable").index if data.catalogue.loc[c, "theme"] == theme
    ]
    return analyse_all(data, codes)
