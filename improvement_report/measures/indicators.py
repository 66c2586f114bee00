"""Every monthly indicator as one tidy frame: the dashboard and the measures computed from records.

The dashboard (``indicators.csv``) arrives as monthly values. Four extracts hold records
instead; the package turns them into monthly measures with the data contract's own
definitions (``early_help``, ``strategy_discussions``, ``missing_episodes``) so that the theme
pages and the summary treat them like any dashboard indicator. Their catalogue rows live in
:data:`RECORD_INDICATORS`, because the indicator catalogue lists what the dashboard file holds.
"""

import numpy as np
import pandas as pd

from improvement_report.core.paths import resolve
from improvement_report.core.periods import pct
from improvement_report.inputs import coverage
from improvement_report.inputs import edition_content as edition_content_module
from improvement_report.inputs.catalogue import COLUMNS, OPTIONAL, load_catalogue
from improvement_report.inputs.loading import load_extracts
from improvement_report.measures import early_help, missing_episodes, strategy_discussions

# Catalogue rows for the record-level measures, in the catalogue's columns.
# caf_open_over_12_months_pct is named as in the configuration's ``targets``, so a local
# target set there applies to it.
RECORD_INDICATORS = pd.DataFrame(
    [
        {
            "code": "caf_open",
            "name": "Early help (CAF) episodes open at month end",
            "theme": 4,
            "unit": "count",
            "aggregation": "snapshot",
            "polarity": "neutral",
            "watch": "low",
        },
        {
            "code": "caf_open_over_12_months_pct",
            "name": "Open CAFs open for more than 12 months",
            "theme": 4,
            "unit": "percent",
            "aggregation": "snapshot",
            "polarity": "lower_is_better",
        },
        {
            "code": "strategy_compliant_pct",
            "name": "Strategy discussions with social care, police and health",
            "theme": 4,
            "unit": "percent",
            "aggregation": "in_month",
            "polarity": "higher_is_better",
        },
        {
            "code": "missing_home_episodes",
            "name": "Missing episodes from home starting in the month",
            "theme": 6,
            "unit": "count",
            "aggregation": "in_month",
            "polarity": "neutral",
        },
        {
            "code": "missing_care_episodes",
            "name": "Missing episodes from care starting in the month",
            "theme": 6,
            "unit": "count",
            "aggregation": "in_month",
            "polarity": "neutral",
        },
        {
            "code": "rhi_within_72h_pct",
            "name": "Returns from missing with a return home interview within 72 hours",
            "theme": 6,
            "unit": "percent",
            "aggregation": "in_month",
            "polarity": "higher_is_better",
            "standard": "a return home interview offered within 72 hours of the child's return",
            # The document's date is on the methods page: the package names no calendar year.
            "standard_source": (
                "Statutory guidance on children who run away or go missing from home or care (Department for Education)"
            ),
        },
    ]
).set_index("code")
SOURCE = "computed from the records by the package"


def full_catalogue(
    catalogue: pd.DataFrame | None = None,
    targets: dict | None = None,
    edition_content=None,
    indicator_overrides: dict | None = None,
) -> pd.DataFrame:
    """The indicator catalogue plus the record-level measures, with local targets applied.

    Parameters
    ----------
    catalogue : pandas.DataFrame, optional
        From :func:`improvement_report.inputs.catalogue.load_catalogue` (read when omitted).
    targets : dict, optional
        The configuration's ``targets``: a value keyed by an indicator code sets (or replaces)
        that indicator's target; other keys are left to the chapters that use them.
    edition_content : str or Path, optional
        The edition's content folder: its ``indicators.csv`` replaces the catalogue's targets,
        comparators, themes and published placements (see :mod:`improvement_report.inputs.edition_content`).
    indicator_overrides : dict, optional
        The configuration's ``indicators``, applied last.

    Returns
    -------
    pandas.DataFrame
        Indexed by code, the catalogue's columns plus ``source`` ("dashboard" or "records").
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    records = RECORD_INDICATORS.reindex(columns=[c for c in catalogue.columns])
    text = [c for c in catalogue.columns if catalogue[c].dtype == "str"]
    for column in text:
        records[column] = records[column].astype(object).fillna("").astype("str")
    records["theme"] = records["theme"].astype(int)
    out = pd.concat([catalogue.assign(source="dashboard"), records.assign(source="records")])
    out = edition_content_module.apply_overrides(out, edition_content_module.load(edition_content), indicator_overrides)
    for code, value in (targets or {}).items():
        if code in out.index and value is not None:
            out.loc[code, "target"] = float(value)
    return out


def theme_numbers(catalogue: pd.DataFrame, named=()) -> list[int]:
    """The edition's improvement themes, one page each, in order.

    Every theme an indicator belongs to (after the edition's overrides, so no indicator is left
    without a page) and every theme the edition names (a named theme with no indicator yet gets a
    page that says so). An edition with three themes maps its indicators to themes 1 to 3 in its
    ``indicators.csv`` and names them; one with nine names nine.

    Parameters
    ----------
    catalogue : pandas.DataFrame
        From :func:`full_catalogue`.
    named : iterable of int
        The theme numbers the edition gives titles to (``edition.yml``: ``themes``).

    Returns
    -------
    list of int
    """
    return sorted({int(t) for t in catalogue["theme"].dropna()} | {int(t) for t in named})


def edition_theme_numbers(targets=None, edition_content=None, indicator_overrides=None) -> list[int]:
    """:func:`theme_numbers` of an edition, from its settings (see :func:`full_catalogue`)."""
    catalogue = full_catalogue(
        targets=targets, edition_content=edition_content, indicator_overrides=indicator_overrides
    )
    return theme_numbers(catalogue, edition_content_module.load(edition_content).themes)


def dashboard_frame(indicators: pd.DataFrame) -> pd.DataFrame:
    """``indicators.csv`` as a tidy frame: one row per indicator and month.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The validated ``indicators`` extract (``month`` a timestamp on the first day).

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``month`` (monthly Period), ``value``, ``numerator``, ``denominator``.
    """
    out = indicators.rename(columns={"indicator": "code"}).copy()
    out["month"] = out["month"].dt.to_period("M")
    return out[["code", "month", "value", "numerator", "denominator"]]


def _covered(timestamps: pd.Series, months: pd.PeriodIndex) -> pd.Series:
    """Months from the first to the last record of an extract: outside them a month has no data."""
    if timestamps.dropna().empty:
        return pd.Series(False, index=months)
    first, last = timestamps.min().to_period("M"), timestamps.max().to_period("M")
    return pd.Series((months >= first) & (months <= last), index=months)


def _rate_rows(code: str, hits: pd.Series, total: pd.Series, covered: pd.Series) -> pd.DataFrame:
    """Rows of a percentage measure: no value where the month has no records or no denominator."""
    value = [pct(h, n) if ok else None for h, n, ok in zip(hits, total, covered)]
    return pd.DataFrame(
        {
            "code": code,
            "month": total.index,
            "value": pd.array(value, dtype="float64"),
            "numerator": hits.where(covered).astype("float64").to_numpy(),
            "denominator": total.where(covered).astype("float64").to_numpy(),
        }
    )


def _count_rows(code: str, counts: pd.Series, covered: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": code,
            "month": counts.index,
            "value": counts.where(covered).astype("float64").to_numpy(),
            "numerator": np.nan,
            "denominator": np.nan,
        }
    )


def caf_measures(episodes: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Open CAFs at month end and the share open over 12 months (``early_help.monthly_flow``)."""
    flow = early_help.monthly_flow(episodes, months)
    # A month-end count is defined for every month from the first episode on.
    first = episodes.start_date.min().to_period("M") if len(episodes) else months.max() + 1
    covered = pd.Series(months >= first, index=months)
    return pd.concat(
        [
            _count_rows("caf_open", flow.open_end, covered),
            _rate_rows("caf_open_over_12_months_pct", flow.open_over_12m, flow.open_end, covered & flow.open_end.gt(0)),
        ]
    )


def strategy_measures(discussions: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Share of each month's strategy discussions that were compliant (``strategy_discussions.compliant``)."""
    month = discussions.held_at.dt.to_period("M")
    held = month.value_counts().reindex(months, fill_value=0)
    ok = month[strategy_discussions.compliant(discussions)].value_counts().reindex(months, fill_value=0)
    covered = _covered(discussions.held_at, months) & held.gt(0)
    return _rate_rows("strategy_compliant_pct", ok, held, covered)


def missing_measures(episodes: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Missing episodes from home and from care by month of start, and return interviews within 72 hours.

    The interview share is over the month's episodes with a recorded return
    (``missing_episodes.rhi_within_72h``), as in the headline figures.
    """
    month = episodes.start.dt.to_period("M")
    covered = _covered(episodes.start, months)
    rows = []
    for group, looked_after in missing_episodes.GROUPS.items():
        counts = month[episodes.looked_after == looked_after].value_counts().reindex(months, fill_value=0)
        rows.append(_count_rows(f"missing_{group}_episodes", counts, covered))
    returned = episodes.end.notna()
    total = month[returned].value_counts().reindex(months, fill_value=0)
    in_time = month[returned & missing_episodes.rhi_within_72h(episodes)].value_counts().reindex(months, fill_value=0)
    rhi = _rate_rows("rhi_within_72h_pct", in_time, total, covered & total.gt(0))
    # Each group's counts too (the missing page charts home and care apart): a month one of them
    # may not publish is not published in the total either, or the total minus the other would give it.
    parts = []
    for looked_after in missing_episodes.GROUPS.values():
        mine = returned & (episodes.looked_after == looked_after)
        parts.append(
            (
                month[mine & missing_episodes.rhi_within_72h(episodes)].value_counts().reindex(months, fill_value=0),
                month[mine].value_counts().reindex(months, fill_value=0),
            )
        )
    rhi["parts"] = [tuple((float(n[m]), float(d[m])) for n, d in parts) for m in months]
    rows.append(rhi)
    return pd.concat(rows)


def record_frame(extracts, months: pd.PeriodIndex) -> pd.DataFrame:
    """The record-level measures for ``months``, in the tidy frame's columns."""
    parts = []
    if extracts.caf is not None:
        parts.append(caf_measures(extracts.caf, months))
    if extracts.strategy is not None:
        parts.append(strategy_measures(extracts.strategy, months))
    if extracts.missing is not None:
        parts.append(missing_measures(extracts.missing, months))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["code", "month", "value"])


def load(
    data_dir,
    series_start,
    report_month,
    targets: dict | None = None,
    extract_date=None,
    edition_content=None,
    indicator_overrides: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every indicator from ``series_start`` to ``report_month``, and the catalogue that describes them.

    Parameters
    ----------
    data_dir : str or Path
        The data folder (validated on reading).
    series_start, report_month : str
        First and last month, ``YYYY-MM``.
    targets : dict, optional
        The configuration's local targets (see :func:`full_catalogue`).
    extract_date : str, optional
        The edition's extract date: every extract is read as it stood then, and a record-level
        measure is computed only for the months its extract covers (never as zero before it).
    edition_content, indicator_overrides : optional
        The edition's local values for the catalogue (see :func:`full_catalogue`).

    Returns
    -------
    frame : pandas.DataFrame
        Tidy: ``code``, ``month`` (Period), ``value``, ``numerator``, ``denominator`` and the
        catalogue's columns joined on ``code``. Months after ``report_month`` are left out:
        the report reads the data as they stood at its month.
    catalogue : pandas.DataFrame
        From :func:`full_catalogue`.
    """
    catalogue = full_catalogue(
        targets=targets, edition_content=edition_content, indicator_overrides=indicator_overrides
    )
    extracts = load_extracts(resolve(data_dir), indicator_codes=set(catalogue.index[catalogue.source == "dashboard"]))
    months = pd.period_range(pd.Period(series_start, "M"), pd.Period(report_month, "M"), freq="M", name="month")
    extracts, covered = coverage.cut_extracts(extracts, extract_date)
    parts = []
    for key, measure in (("caf", caf_measures), ("strategy", strategy_measures), ("missing", missing_measures)):
        frame = getattr(extracts, key)
        if frame is not None:
            parts.append(measure(frame, months[months.isin(covered[key])]))
    if extracts.indicators is not None:
        parts.insert(0, dashboard_frame(extracts.indicators))
    parts = parts or [pd.DataFrame(columns=["code", "month", "value"])]
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[frame.month.isin(months)]
    frame = frame.join(catalogue[[c for c in (*COLUMNS[1:], *OPTIONAL, "source")]], on="code")
    return frame.sort_values(["theme", "code", "month"]).reset_index(drop=True), catalogue
